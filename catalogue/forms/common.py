"""Helpers shared by the forms: text fields with their messages and limits, choices.

Labels, hints and messages are French msgids made lazy (`_l`): a form declared at import time
speaks the language of the request that shows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    Field,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from .. import taxonomy
from ..limits import EMAIL_MAX


def too_long(limit: int) -> LazyString:
    return _l("%(limit)d caractères au plus (espaces compris).", limit=limit)


def text(
    label: str,
    limit: int,
    *,
    required: str | None = None,
    area: bool = False,
    description: str = "",
    autocomplete: str = "off",
    **render_kw: Any,
):
    """Declare a text field with its messages, its limit and the matching HTML attributes."""
    validators: list = [DataRequired(required)] if required else [Optional()]
    length = Length(max=limit, message=too_long(limit))
    length.field_flags = {}  # WTForms would render its flag as an HTML maxlength
    validators.append(length)
    # No HTML maxlength: browsers cut pasted text silently; the limit is checked on the
    # server and reported next to the field, data-maxlength feeds the live counter.
    kw = {"data-maxlength": limit, **render_kw}
    if not area:
        kw["autocomplete"] = autocomplete
    field = TextAreaField if area else StringField
    return field(
        label, validators=validators, description=description, render_kw=kw, filters=[strip]
    )


def email_field(
    label: str,
    *checks: Any,
    required: str | None = None,
    invalid: str | None = None,
    description: str = "",
    autocomplete: str = "email",
):
    """Declare an email address field: trimmed, checked (after `checks`), with its limit."""
    validators = [*checks, DataRequired(required) if required else Optional(),
                  Length(max=EMAIL_MAX, message=too_long(EMAIL_MAX)),
                  Email(invalid or _l("Adresse électronique invalide."),
                        check_deliverability=False)]
    return EmailField(label, filters=[strip], validators=validators, description=description,
                      render_kw={"autocomplete": autocomplete, "maxlength": EMAIL_MAX})


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def web_address(value: Any) -> Any:
    """Read « www.example.org » as https://www.example.org, as people type addresses.

    Only a bare host name (a dot, no scheme, no space) gets the scheme; anything else is left
    for the validator to judge.
    """
    if not isinstance(value, str):
        return value
    value = value.strip()
    host = value.split("/", 1)[0]
    if value and "://" not in value and "." in host and not host.startswith(".") and (
        ":" not in host and " " not in value
    ):
        return f"https://{value}"
    return value


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; unknown values are reported by `Known`."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("validate_choice", False)
        super().__init__(*args, **kwargs)


def as_code(value: Any) -> Any:
    """Coerce an ODD number sent as text, leaving anything else for `Known` to refuse."""
    if isinstance(value, str) and value.isdigit() and len(value) < 4:
        return int(value)
    return value


class Known:
    """Refuse codes outside a vocabulary, naming them."""

    def __init__(self, vocabulary: taxonomy.Vocabulary):
        self.vocabulary = vocabulary

    def __call__(self, form, field) -> None:
        values = field.data if isinstance(field.data, list) else [field.data]
        unknown = [str(v) for v in values if v not in (None, "") and v not in self.vocabulary]
        if unknown:
            codes = ", ".join(unknown[:5])
            raise ValidationError(gettext("Choix inconnu : %(codes)s.", codes=codes))


def options(pairs, optgroup: str | None = None) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


def term_choices(vocabulary: taxonomy.Vocabulary, numbered: bool = False) -> list[SelectChoice]:
    """Return a vocabulary's terms as choices whose labels are translated when shown."""
    return options(
        (term.code, LazyString(_term_label, term.label, term.code if numbered else None))
        for term in vocabulary
    )


def _term_label(label: str, number=None) -> str:
    return f"{number}. {gettext(label)}" if number is not None else gettext(label)


def _all_fields(form) -> Iterator[Field]:
    """Yield every field of the form, those of its sub-forms and rows included."""
    for field in form:
        if field.type == "FormField":
            yield from _all_fields(field.form)
        elif field.type == "FieldList":
            for entry in field.entries:
                if entry.type == "FormField":
                    yield from _all_fields(entry.form)
        yield field


def plain_errors(form) -> None:
    """Turn the lazy messages of a validated form into strings, sub-forms and rows included.

    Templates and views test messages with `isinstance(message, str)`: a lazy one would vanish.
    """
    for field in _all_fields(form):
        if isinstance(field.errors, list):  # a sub-form's errors are a dict, made of its fields'
            field.errors[:] = [str(e) if isinstance(e, LazyString) else e for e in field.errors]


def clear_errors(form) -> None:
    """Forget the messages of a validated form, sub-forms and rows included."""
    for field in _all_fields(form):
        if isinstance(field.errors, list):
            field.errors = []


class LocalizedForm(FlaskForm):
    """A FlaskForm whose error messages are plain strings in the language of the request."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        plain_errors(self)
        return valid


class EmptyForm(LocalizedForm):
    """A form with only its CSRF token, for buttons that change something."""
