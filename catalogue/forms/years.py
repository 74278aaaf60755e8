"""The years of an alliance in the example form: when it started and, once over, when it ended."""

from __future__ import annotations

import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import ValidationError

from .. import validation
from .common import LocalizedForm, strip


def year_field(label) -> StringField:
    return StringField(
        label,
        filters=[strip],
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off", "size": 6},
    )


def check_year(value: str | None, last: int) -> None:
    """Refuse what is not a year between FIRST_YEAR and `last` (empty is fine)."""
    first = validation.FIRST_YEAR
    if value and (not re.fullmatch(r"\d{4}", value) or not first <= int(value) <= last):
        raise ValidationError(gettext(
            "Une année entre %(first)d et %(last)d, en chiffres.", first=first, last=last
        ))


def as_year(value):
    """Return a typed year as a number when it is one, as typed otherwise (None when empty)."""
    return int(value) if isinstance(value, str) and value.isdigit() else (value or None)


class YearFields:
    """Start and end years. An end year belongs to a finished alliance (`validation`'s rule);
    the form using this mixin has a `status` field."""

    start_year = year_field(_l("Année de lancement"))
    end_year = year_field(_l("Année de fin"))

    def describe_years(self) -> None:
        first = validation.FIRST_YEAR
        self.start_year.description = gettext(
            "Facultatif : entre %(first)d et %(last)d.",
            first=first, last=validation.first_year_max(),
        )
        self.end_year.description = gettext(
            "Facultatif, pour une alliance terminée : entre %(first)d et %(last)d.",
            first=first, last=validation.last_end_year(),
        )

    def validate_start_year(self, field) -> None:
        check_year(field.data, validation.first_year_max())

    def validate_end_year(self, field) -> None:
        check_year(field.data, validation.last_end_year())
        start = self.start_year.data
        if field.data and start and start.isdigit() and int(field.data) < int(start):
            raise ValidationError(gettext(
                "L’année de fin précède l’année de lancement (%(year)s).", year=start
            ))
        if field.data and self.status.data != "termine":
            raise ValidationError(gettext(
                "Une année de fin est pour une alliance terminée : "
                "choisissez le statut « Terminé » ou effacez l’année."
            ))


class YearlyCheckForm(LocalizedForm):
    """The owner's yearly answer: the example is still current, or the alliance ended."""

    end_year = year_field(_l("Année de fin, si vous la connaissez"))
    current = SubmitField(_l("Toujours d’actualité"))
    finished = SubmitField(_l("L’alliance est terminée"))

    def __init__(self, *args, start_year: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.start_year = start_year

    def validate_end_year(self, field) -> None:
        check_year(field.data, validation.last_end_year())
        if field.data and self.start_year and int(field.data) < self.start_year:
            raise ValidationError(gettext(
                "L’année de fin précède l’année de lancement (%(year)s).", year=self.start_year
            ))
