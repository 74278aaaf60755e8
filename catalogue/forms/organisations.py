"""Moderators' forms for organisations: the list's search, the record, the merge."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from .. import identifiers, taxonomy, validation
from ..limits import LOCALITY_MAX, PARTNER_NAME_MAX, URL_MAX
from .common import LocalizedForm, options, strip, term_choices, text, too_long, web_address
from .media import IMAGE_TYPES


class OrganisationFilterForm(LocalizedForm):
    class Meta:
        csrf = False

    q = SearchField(_l("Nom"), filters=[strip], validators=[Optional(), Length(max=200)],
                    render_kw={"maxlength": 200})
    type = SelectField(
        _l("Type"), validate_choice=False,
        choices=[*options([("", _l("Tous les types"))]), *term_choices(taxonomy.PARTNER_KINDS)],
    )


def _identifier(label, check, description, maxlength: int):
    """Declare an optional identifier field checked (and normalised) by `identifiers`."""

    def validate(form, field) -> None:
        try:
            field.data = check(field.data)
        except ValueError as exc:
            raise ValidationError(str(exc)) from None

    return StringField(label, filters=[strip], validators=[Optional(), validate],
                       description=description,
                       render_kw={"autocomplete": "off", "maxlength": maxlength,
                                  "spellcheck": "false"})


class OrganisationForm(LocalizedForm):
    """The record of one organisation, as moderators keep it."""

    name = text(_l("Nom"), PARTNER_NAME_MAX, required=_l("Indiquez le nom de l’organisation."))
    kind = SelectField(_l("Type"), choices=term_choices(taxonomy.PARTNER_KINDS),
                       validate_choice=False)
    siren = _identifier(_l("SIREN"), identifiers.check_siren,
                        _l("Entreprises : 9 chiffres, par exemple 552 100 554."), 11)
    siret = _identifier(_l("SIRET"), identifiers.check_siret,
                        _l("Un établissement : 14 chiffres (le SIREN puis 5 chiffres)."), 17)
    rna = _identifier(_l("Numéro RNA"), identifiers.check_rna,
                      _l("Associations : W suivi de 9 chiffres."), 10)
    cog = _identifier(_l("Code INSEE"), identifiers.check_cog,
                      _l("Collectivités : le code officiel géographique de la commune, "
                         "du département ou de la région."), 5)
    website = StringField(
        _l("Site web"), filters=[web_address],
        validators=[Optional(), Length(max=URL_MAX, message=too_long(URL_MAX))],
        render_kw={"maxlength": URL_MAX, "autocomplete": "url", "inputmode": "url"},
    )
    commune = text(_l("Commune"), LOCALITY_MAX)
    logo = FileField(_l("Logo"), description=_l(
        "JPEG, PNG ou WebP, 10 Mo au plus ; remplace le logo actuel."),
        render_kw={"accept": IMAGE_TYPES})
    remove_logo = BooleanField(_l("Retirer le logo"))

    FIELDS = ("name", "kind", "siren", "siret", "rna", "cog", "website", "commune")

    def cleaned(self) -> dict[str, str]:
        """Return the record's fields as checked, blank ones as empty text."""
        return {name: self[name].data or "" for name in self.FIELDS}

    def validate_kind(self, field) -> None:
        if field.data not in taxonomy.PARTNER_KINDS:
            raise ValidationError(gettext("Type de partenaire inconnu."))

    def validate_website(self, field) -> None:
        if field.data and not validation.is_web_url(field.data):
            raise ValidationError(
                gettext("Une adresse commençant par http:// ou https:// est attendue."))


class MergeForm(LocalizedForm):
    """The organisation that absorbs the one shown, named by its address (slug)."""

    into = StringField(
        _l("Adresse de l’organisation à garder"), filters=[strip],
        validators=[DataRequired(_l("Indiquez l’organisation à garder.")),
                    Length(max=PARTNER_NAME_MAX + 20)],
        description=_l("La fin de l’adresse de sa page, par exemple banque-alimentaire-du-rhone."),
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
