"""Account forms: login, passwords, and the admins' management of users."""

from __future__ import annotations

import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    ValidationError,
)

from ..extensions import db
from ..models import (
    EMAIL_MAX,
    NAME_MAX,
    User,
)
from .common import options, strip, text, too_long

PASSWORD_MIN = 12
PASSWORD_MAX = 200


class LoginForm(FlaskForm):
    email = EmailField(
        "Adresse électronique",
        filters=[strip],
        validators=[
            DataRequired("Indiquez votre adresse électronique."),
            Length(max=EMAIL_MAX, message=too_long(EMAIL_MAX)),
        ],
        render_kw={"autocomplete": "username", "maxlength": EMAIL_MAX},
    )
    password = PasswordField(
        "Mot de passe",
        validators=[
            DataRequired("Indiquez votre mot de passe."),
            Length(max=PASSWORD_MAX, message=too_long(PASSWORD_MAX)),
        ],
        render_kw={"autocomplete": "current-password", "maxlength": PASSWORD_MAX},
    )
    next = HiddenField()


def password_fields(label: str = "Nouveau mot de passe"):
    """Return a password and its confirmation, with the minimum length shown."""
    password = PasswordField(
        label,
        validators=[
            DataRequired("Choisissez un mot de passe."),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=f"Entre {PASSWORD_MIN} et {PASSWORD_MAX} caractères.",
            ),
        ],
        description=f"{PASSWORD_MIN} caractères au moins ; "
        "une phrase de plusieurs mots convient bien.",
        render_kw={
            "autocomplete": "new-password",
            "maxlength": PASSWORD_MAX,
            "minlength": PASSWORD_MIN,
        },
    )
    confirm = PasswordField(
        "Confirmez le mot de passe",
        validators=[
            DataRequired("Retapez le mot de passe."),
            EqualTo("password", "Les deux mots de passe diffèrent."),
        ],
        render_kw={"autocomplete": "new-password", "maxlength": PASSWORD_MAX},
    )
    return password, confirm


ROLES = [("moderator", "Modération"), ("admin", "Administration")]


class UserCreateForm(FlaskForm):
    email = EmailField(
        "Adresse électronique",
        filters=[strip],
        validators=[
            DataRequired("Indiquez l’adresse électronique."),
            Length(max=EMAIL_MAX, message=too_long(EMAIL_MAX)),
            Email("Adresse électronique invalide.", check_deliverability=False),
        ],
        render_kw={"autocomplete": "off", "maxlength": EMAIL_MAX},
    )
    display_name = text(
        "Nom affiché",
        NAME_MAX,
        autocomplete="off",
        description="Facultatif : visible des autres membres de la modération.",
    )
    role = RadioField("Rôle", choices=options(ROLES), default="moderator")
    password, confirm = password_fields("Mot de passe")

    def validate_email(self, field) -> None:
        email = User.normalize_email(field.data)
        if db.session.scalar(sa.select(User.id).where(User.email == email)) is not None:
            raise ValidationError("Un compte existe déjà avec cette adresse.")


class UserRoleForm(FlaskForm):
    role = SelectField("Rôle", choices=options(ROLES))


class UserPasswordForm(FlaskForm):
    password, confirm = password_fields()


class OwnPasswordForm(FlaskForm):
    current = PasswordField(
        "Mot de passe actuel",
        validators=[DataRequired("Indiquez votre mot de passe actuel.")],
        render_kw={"autocomplete": "current-password", "maxlength": PASSWORD_MAX},
    )
    password, confirm = password_fields()
