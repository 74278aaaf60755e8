"""Helpers shared by the forms: text fields with French messages and limits, choices."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from .. import taxonomy


def too_long(limit: int) -> str:
    return f"{limit} caractères au plus (espaces compris)."


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
    """Declare a text field with its French messages, its limit and the matching HTML attributes."""
    validators: list = [DataRequired(required)] if required else [Optional()]
    validators.append(Length(max=limit, message=too_long(limit)))
    kw = {"maxlength": limit, **render_kw}
    if not area:
        kw["autocomplete"] = autocomplete
    field = TextAreaField if area else StringField
    return field(
        label, validators=validators, description=description, render_kw=kw, filters=[strip]
    )


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; unknown values are reported by `Known`, in French."""

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
            raise ValidationError("Choix inconnu : " + ", ".join(unknown[:5]) + ".")


def options(pairs, optgroup: str | None = None) -> list[SelectChoice]:
    """Turn (value, label) pairs into WTForms choices."""
    return [SelectChoice(value, label, optgroup=optgroup) for value, label in pairs]


class EmptyForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""
