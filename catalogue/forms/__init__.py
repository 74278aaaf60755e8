"""WTForms classes: the example form shared by contributors and moderators, accounts, filters."""

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
from .common import EmptyForm, options
from .example import ExampleForm, ModerationEditForm, PartnerForm, SubmissionForm
from .moderation import DecisionForm, JournalFilterForm, QueueFilterForm

__all__ = [
    "PASSWORD_MAX",
    "PASSWORD_MIN",
    "ROLES",
    "DecisionForm",
    "EmptyForm",
    "ExampleForm",
    "JournalFilterForm",
    "LoginForm",
    "ModerationEditForm",
    "OwnPasswordForm",
    "PartnerForm",
    "QueueFilterForm",
    "SubmissionForm",
    "UserCreateForm",
    "UserPasswordForm",
    "UserRoleForm",
    "options",
]
