"""Account forms: login, passwords, and the admins' management of users."""

from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    ValidationError,
)

from ..extensions import db
from ..limits import EMAIL_MAX, NAME_MAX
from ..models import User
from .common import LocalizedForm, email_field, options, strip, text, too_long

PASSWORD_MIN = 12
PASSWORD_MAX = 200


class LoginForm(LocalizedForm):
    email = EmailField(
        _l("Adresse électronique"),
        filters=[strip],
        validators=[
            DataRequired(_l("Indiquez votre adresse électronique.")),
            Length(max=EMAIL_MAX, message=too_long(EMAIL_MAX)),
        ],
        render_kw={"autocomplete": "username", "maxlength": EMAIL_MAX},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[
            DataRequired(_l("Indiquez votre mot de passe.")),
            Length(max=PASSWORD_MAX, message=too_long(PASSWORD_MAX)),
        ],
        render_kw={"autocomplete": "current-password", "maxlength": PASSWORD_MAX},
    )
    next = HiddenField()


def password_fields(label=None):
    """Return a password and its confirmation, with the minimum length shown."""
    password = PasswordField(
        label or _l("Nouveau mot de passe"),
        validators=[
            DataRequired(_l("Choisissez un mot de passe.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l(
                    "Entre %(min)d et %(max)d caractères.", min=PASSWORD_MIN, max=PASSWORD_MAX
                ),
            ),
        ],
        description=_l(
            "%(min)d caractères au moins ; une phrase de plusieurs mots convient bien.",
            min=PASSWORD_MIN,
        ),
        render_kw={
            "autocomplete": "new-password",
            "maxlength": PASSWORD_MAX,
            "minlength": PASSWORD_MIN,
        },
    )
    confirm = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[
            DataRequired(_l("Retapez le mot de passe.")),
            EqualTo("password", _l("Les deux mots de passe diffèrent.")),
        ],
        render_kw={"autocomplete": "new-password", "maxlength": PASSWORD_MAX},
    )
    return password, confirm


# Role labels are French msgids: the users page shows them translated.
ROLES = [("moderator", _l("Modération")), ("admin", _l("Administration"))]


class UserCreateForm(LocalizedForm):
    email = email_field(
        _l("Adresse électronique"),
        required=_l("Indiquez l’adresse électronique."),
        autocomplete="off",
    )
    display_name = text(
        _l("Nom affiché"),
        NAME_MAX,
        autocomplete="off",
        description=_l("Facultatif : visible des autres membres de la modération."),
    )
    role = RadioField(_l("Rôle"), choices=options(ROLES), default="moderator")
    password, confirm = password_fields(_l("Mot de passe"))

    def validate_email(self, field) -> None:
        email = User.normalize_email(field.data)
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
            raise ValidationError(gettext("Un compte existe déjà avec cette adresse."))


class UserRoleForm(LocalizedForm):
    role = SelectField(_l("Rôle"), choices=options(ROLES))


class UserPasswordForm(LocalizedForm):
    password, confirm = password_fields()


class OwnPasswordForm(LocalizedForm):
    current = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(_l("Indiquez votre mot de passe actuel."))],
        render_kw={"autocomplete": "current-password", "maxlength": PASSWORD_MAX},
    )
    password, confirm = password_fields()
