"""The example form, shared by contributors (submission, follow-up) and moderators (edit)."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from .. import taxonomy, validation
from ..limits import (
    LOCALITY_MAX,
    NAME_MAX,
    PARTNERS_MAX,
    SUMMARY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    URL_MAX,
)
from .common import (
    Known,
    LocalizedForm,
    MultiCheckboxField,
    as_code,
    email_field,
    options,
    term_choices,
    text,
    too_long,
    web_address,
)
from .partners import PARTNER_ROWS, PartnerForm, PartnerRows
from .years import YearFields, as_year


def departement_choices() -> list[SelectChoice]:
    """List the départements grouped by région, for `<optgroup>`."""
    return [
        SelectChoice(d.code, f"{d.code} – {d.label}", optgroup=region.label)
        for region in taxonomy.REGIONS
        for d in taxonomy.departements_of(region.code)
    ]


class ExampleForm(YearFields, PartnerRows, LocalizedForm):
    """Every field of an example that a person may write: public content and private details."""

    title = text(
        _l("Titre"),
        TITLE_MAX,
        required=_l("Donnez un titre à l’exemple."),
        description=_l(
            "Une phrase qui dit qui fait quoi ensemble (%(max)d caractères au plus).", max=TITLE_MAX
        ),
    )
    summary = text(
        _l("Résumé"),
        SUMMARY_MAX,
        area=True,
        rows=3,
        required=_l("Écrivez un court résumé."),
        description=_l(
            "Deux ou trois phrases affichées dans les listes (%(max)d caractères au plus).",
            max=SUMMARY_MAX,
        ),
    )
    description = text(
        _l("Contexte et actions"),
        TEXT_MAX,
        area=True,
        rows=8,
        required=_l("Décrivez le contexte et les actions."),
        description=_l(
            "Le besoin de départ, ce que font les partenaires, comment ils s’organisent."
        ),
    )
    results = text(
        _l("Résultats et impact"),
        TEXT_MAX,
        area=True,
        rows=5,
        required=_l("Indiquez les résultats obtenus, même partiels."),
        description=_l("Ce qui a changé, avec des chiffres quand vous les connaissez."),
    )
    lessons = text(
        _l("Enseignements"),
        TEXT_MAX,
        area=True,
        rows=5,
        required=_l("Partagez au moins un enseignement."),
        description=_l("Ce qui a fait réussir l’alliance, les difficultés rencontrées."),
    )
    resources = text(
        _l("Moyens mobilisés"),
        TEXT_MAX,
        area=True,
        rows=4,
        description=_l("Facultatif : budget, financements, personnes, mécénat de compétences…"),
    )
    transferability = text(
        _l("Pour faire de même ailleurs"),
        TEXT_MAX,
        area=True,
        rows=4,
        description=_l("Facultatif : ce dont un autre territoire aurait besoin."),
    )

    objectives = MultiCheckboxField(
        _l("Objectifs de l’alliance"),
        choices=term_choices(taxonomy.OBJECTIVES),
        validators=[Known(taxonomy.OBJECTIVES)],
        description=_l("Cochez entre un et quatre objectifs."),
    )
    scale = RadioField(
        _l("Échelle"),
        choices=term_choices(taxonomy.SCALES),
        validate_choice=False,
        validators=[
            InputRequired(_l("Choisissez l’échelle de l’alliance.")),
            Known(taxonomy.SCALES),
        ],
    )
    regions = MultiCheckboxField(
        _l("Régions"),
        choices=options(taxonomy.REGIONS.choices()),  # proper nouns: never translated
        validators=[Known(taxonomy.REGIONS)],
        description=_l("Facultatif. Un département choisi ajoute sa région."),
    )
    departements = MultiCheckboxField(
        _l("Départements"),
        choices=departement_choices(),
        validators=[Known(taxonomy.DEPARTEMENTS)],
        description=_l(
            "Facultatif. Ouvrez une région pour cocher ses départements ; "
            "ils doivent appartenir aux régions cochées."
        ),
    )
    locality = text(
        _l("Localité"),
        LOCALITY_MAX,
        description=_l("Facultatif : commune, quartier, pays…"),
        autocomplete="address-level2",
    )
    partners = FieldList(
        FormField(PartnerForm),
        label=_l("Partenaires"),
        min_entries=PARTNER_ROWS,
        max_entries=PARTNERS_MAX,
    )
    add_partner = SubmitField(_l("Ajouter un partenaire"), render_kw={"formnovalidate": True})
    themes = MultiCheckboxField(
        _l("Thématiques"),
        choices=term_choices(taxonomy.THEMES),
        validators=[Known(taxonomy.THEMES)],
        description=_l("Facultatif."),
    )
    odd = MultiCheckboxField(
        _l("Objectifs de développement durable (ODD)"),
        coerce=as_code,
        choices=term_choices(taxonomy.ODD, numbered=True),
        validators=[Known(taxonomy.ODD)],
        description=_l("Facultatif."),
    )
    status = RadioField(
        _l("Statut"),
        choices=term_choices(taxonomy.STATUSES),
        default="en-cours",
        validate_choice=False,
        validators=[
            InputRequired(_l("Indiquez si l’alliance est en cours ou terminée.")),
            Known(taxonomy.STATUSES),
        ],
    )
    # A text field, not type=url: the browser would refuse « www.example.org » before the
    # server could complete it.
    website = StringField(
        _l("Site web"),
        filters=[web_address],
        validators=[Optional(), Length(max=URL_MAX, message=too_long(URL_MAX))],
        render_kw={"maxlength": URL_MAX, "autocomplete": "url", "inputmode": "url"},
        description=_l("Facultatif : par exemple www.exemple.org ou https://www.exemple.org."),
    )
    contact = text(
        _l("Contact public"),
        NAME_MAX,
        description=_l(
            "Facultatif : une personne, une adresse ou un téléphone "
            "que les lecteurs peuvent joindre."
        ),
    )
    contact_public = BooleanField(
        _l("J’accepte que ce contact soit affiché sur la page publique de l’exemple.")
    )

    submitter_name = text(
        _l("Votre nom"), NAME_MAX, required=_l("Indiquez votre nom."), autocomplete="name"
    )
    submitter_email = email_field(
        _l("Votre adresse électronique"),
        required=_l("Indiquez votre adresse électronique."),
        invalid=_l("Adresse électronique invalide (exemple : prenom.nom@exemple.fr)."),
        description=_l("Pour vous envoyer le lien de suivi ; jamais publiée."),
    )
    submitter_organisation = text(
        _l("Votre organisation"),
        NAME_MAX,
        autocomplete="organization",
        description=_l("Facultatif ; jamais publiée."),
    )

    # The version the person edited; a moderator's change in between is not overwritten.
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    note = text(
        _l("Message pour la modération"),
        2000,
        area=True,
        rows=3,
        description=_l("Facultatif : ce que vous avez changé, une précision."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.number_partner_rows()
        self.describe_years()
        self.refused: list[str] = []

    def validate_objectives(self, field) -> None:
        if not 1 <= len(field.data or []) <= 4:
            raise ValidationError(gettext("Cochez entre un et quatre objectifs."))

    def validate_departements(self, field) -> None:
        regions = [r for r in self.regions.data or [] if r in taxonomy.REGIONS]
        outside = [
            d
            for d in field.data or []
            if d in taxonomy.DEPARTEMENTS and regions and taxonomy.region_of(d) not in regions
        ]
        if outside:
            names = ", ".join(taxonomy.DEPARTEMENTS.label(d) for d in outside)
            raise ValidationError(
                gettext(
                    "Hors des régions cochées : %(names)s. "
                    "Cochez aussi leur région ou retirez-les.",
                    names=names,
                )
            )

    def validate_website(self, field) -> None:
        if field.data and not validation.is_web_url(field.data):
            raise ValidationError(gettext("Une adresse commençant par http:// ou https:// est attendue."))

    def validate_contact_public(self, field) -> None:
        if field.data and not self.contact.data:
            raise ValidationError(gettext("Indiquez le contact à afficher, ou décochez cette case."))

    @property
    def csrf_expired(self) -> bool:
        return bool(getattr(self, "csrf_token", None) is not None and self.csrf_token.errors)

    def record(self) -> dict:
        """Return what was typed as a record of the import format, private fields included."""
        texts = (*validation.TEXT_FIELDS, "locality", "website", *validation.PRIVATE_TEXT)
        record: dict = {name: self[name].data or "" for name in texts}
        record.update({name: list(self[name].data or []) for name in validation.LIST_FIELDS})
        record.update(
            scale=self.scale.data, status=self.status.data, partners=self.partner_records(),
            start_year=as_year(self.start_year.data), end_year=as_year(self.end_year.data),
            contact_public=bool(self.contact_public.data),
        )
        return record

    def cleaned(self) -> dict | None:
        """Run the validation every entry path shares; put its problems on the fields.

        Return the cleaned record, or None when something is refused. Call after validate().
        """
        data, problems = validation.clean_record(self.record())
        for issue in problems:
            self._place(issue)
        return None if problems else data

    def _place(self, issue: validation.Issue) -> None:
        """Attach one issue of `validation.clean_record` to the field it is about."""
        message = issue.message[:1].upper() + issue.message[1:] + "."
        field = self._fields.get(issue.field)
        if partner := issue.partner:
            position, key = partner
            filled = self.filled_partners()
            if 1 <= position <= len(filled):
                row = filled[position - 1]
                field = getattr(row, key or "name")
            else:
                field = self.partners
        if field is None:
            self.refused.append(str(issue)[:1].upper() + str(issue)[1:] + ".")
            return
        field.errors = [*field.errors, message]

