"""WTForms classes: the example form shared by contributors and moderators, accounts, filters,
alerts, contact."""

from .accounts import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    ROLES,
    LoginForm,
    OwnPasswordForm,
    UserCreateForm,
    UserPasswordForm,
    UserRoleForm,
)
from .alerts import AlertForm
from .common import EmptyForm, options
from .contact import ContactForm
from .contribute import RenewLinkForm, SubmissionForm
from .example import ExampleForm
from .moderation import DecisionForm, JournalFilterForm, ModerationEditForm, QueueFilterForm
from .organisations import MergeForm, OrganisationFilterForm, OrganisationForm
from .partners import PartnerForm
from .reports import ReportDecisionForm, ReportForm
from .years import YearlyCheckForm

__all__ = [
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "ROLES",
    "AlertForm",
    "ContactForm",
    "DecisionForm",
    "EmptyForm",
    "ExampleForm",
    "JournalFilterForm",
    "LoginForm",
    "MergeForm",
    "ModerationEditForm",
    "OrganisationFilterForm",
    "OrganisationForm",
    "OwnPasswordForm",
    "PartnerForm",
    "QueueFilterForm",
    "ReportDecisionForm",
    "ReportForm",
    "RenewLinkForm",
    "SubmissionForm",
    "UserCreateForm",
    "UserPasswordForm",
    "UserRoleForm",
    "YearlyCheckForm",
    "options",
]
