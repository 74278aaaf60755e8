"""The partner rows of the example form: one sub-form per partner, empty rows ignored."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import FieldList, Form, HiddenField, SelectField, StringField
from wtforms.validators import Length, ValidationError

from .. import taxonomy
from ..limits import PARTNER_NAME_MAX, PARTNER_ROLE_MAX, PARTNERS_MAX, PARTNERS_MIN
from .common import options, strip, term_choices, too_long

PARTNER_ROWS = 3  # rows shown on an empty form


class OrganisationField(HiddenField):
    """The slug of the organisation chosen among the suggestions (the form's script sets it).

    Filled from a partner (its organisation) or from a record (the slug itself).
    """

    def process_data(self, value) -> None:
        self.data = getattr(value, "slug", value) or ""


class PartnerForm(Form):
    """One partner row; a row left empty is ignored."""

    name = StringField(
        _l("Nom"),
        validators=[Length(max=PARTNER_NAME_MAX, message=too_long(PARTNER_NAME_MAX))],
        filters=[strip],
        render_kw={"maxlength": PARTNER_NAME_MAX, "autocomplete": "off"},
    )
    kind = SelectField(
        _l("Type"),
        choices=[*options([("", _l("— Choisir —"))]), *term_choices(taxonomy.PARTNER_KINDS)],
        validate_choice=False,
    )
    organisation = OrganisationField(filters=[strip])
    role = StringField(
        _l("Rôle dans l’alliance"),
        validators=[Length(max=PARTNER_ROLE_MAX, message=too_long(PARTNER_ROLE_MAX))],
        filters=[strip],
        render_kw={"maxlength": PARTNER_ROLE_MAX, "autocomplete": "off"},
    )

    @property
    def is_empty(self) -> bool:
        return not (self.name.data or self.role.data)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.is_empty:
            return True
        ok = True
        if not self.name.data:
            self.name.errors.append(gettext("Indiquez le nom de ce partenaire, ou videz la ligne."))
            ok = False
        if not self.kind.data:
            self.kind.errors.append(gettext("Choisissez le type de ce partenaire."))
            ok = False
        elif self.kind.data not in taxonomy.PARTNER_KINDS:
            self.kind.errors.append(gettext("Type de partenaire inconnu."))
            ok = False
        return ok


class PartnerRows:
    """What a form with a `partners` list of PartnerForm rows does with its rows."""

    partners: FieldList

    def number_partner_rows(self) -> None:
        """Give each partner row labels that say its number, for the summary and screen readers."""
        for i, entry in enumerate(self.partners, start=1):
            entry.form.name.label.text = gettext("Nom du partenaire %(number)d", number=i)
            entry.form.kind.label.text = gettext("Type du partenaire %(number)d", number=i)
            entry.form.role.label.text = gettext("Rôle du partenaire %(number)d", number=i)

    @property
    def can_add_partner(self) -> bool:
        return len(self.partners) < PARTNERS_MAX

    def add_partner_row(self) -> bool:
        """Add one empty partner row (the no-JavaScript "more rows" button)."""
        if not self.can_add_partner:
            return False
        self.partners.append_entry()
        self.number_partner_rows()
        return True

    def filled_partners(self) -> list[PartnerForm]:
        """Return the rows with something typed in, in their order."""
        return [e.form for e in self.partners if not e.form.is_empty]

    def partner_records(self) -> list[dict]:
        """Return the filled rows as partners of the import format."""
        records = []
        for row in self.filled_partners():
            record = {"name": row.name.data or "", "kind": row.kind.data or "",
                      "role": row.role.data or ""}
            if row.organisation.data:
                record["organisation"] = row.organisation.data
            records.append(record)
        return records

    def validate_partners(self, field) -> None:
        if len(self.filled_partners()) < PARTNERS_MIN:
            raise ValidationError(
                gettext(
                    "Indiquez au moins %(min)d partenaires (nom et type) : "
                    "une alliance réunit plusieurs organisations.",
                    min=PARTNERS_MIN,
                )
            )
