"""The example form, shared by contributors (submission, follow-up) and moderators (edit)."""

from __future__ import annotations

import re

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    URLField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from .. import taxonomy, validation
from ..limits import (
    EMAIL_MAX,
    LOCALITY_MAX,
    NAME_MAX,
    PARTNER_NAME_MAX,
    PARTNER_ROLE_MAX,
    PARTNERS_MAX,
    PARTNERS_MIN,
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
    options,
    strip,
    term_choices,
    text,
    too_long,
)

PARTNER_ROWS = 3  # rows shown on an empty form


def departement_choices() -> list[SelectChoice]:
    """List the départements grouped by région, for `<optgroup>`."""
    return [
        SelectChoice(d.code, f"{d.code} – {d.label}", optgroup=region.label)
        for region in taxonomy.REGIONS
        for d in taxonomy.departements_of(region.code)
    ]


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


class ExampleForm(LocalizedForm):
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
    departements = SelectMultipleField(
        _l("Départements"),
        choices=departement_choices(),
        validate_choice=False,
        validators=[Known(taxonomy.DEPARTEMENTS)],
        render_kw={"size": 10},
        description=_l(
            "Facultatif. Maintenez Ctrl (ou Cmd) pour en choisir plusieurs ; "
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
    start_year = StringField(
        _l("Année de lancement"),
        filters=[strip],
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off", "size": 6},
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
    website = URLField(
        _l("Site web"),
        filters=[strip],
        validators=[Optional(), Length(max=URL_MAX, message=too_long(URL_MAX))],
        render_kw={"maxlength": URL_MAX, "autocomplete": "url", "placeholder": "https://"},
        description=_l("Facultatif : une adresse commençant par http:// ou https://."),
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
    submitter_email = EmailField(
        _l("Votre adresse électronique"),
        filters=[strip],
        validators=[
            DataRequired(_l("Indiquez votre adresse électronique.")),
            Length(max=EMAIL_MAX, message=too_long(EMAIL_MAX)),
            Email(
                _l("Adresse électronique invalide (exemple : prenom.nom@exemple.fr)."),
                check_deliverability=False,
            ),
        ],
        render_kw={"maxlength": EMAIL_MAX, "autocomplete": "email"},
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
        self.start_year.description = gettext(
            "Facultatif : entre %(first)d et %(last)d.",
            first=validation.FIRST_YEAR,
            last=validation.first_year_max(),
        )
        self.refused: list[str] = []

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

    def filled_partners(self) -> list[tuple[int, PartnerForm]]:
        return [(i, e.form) for i, e in enumerate(self.partners) if not e.form.is_empty]

    def validate_partners(self, field) -> None:
        filled = len(self.filled_partners())
        if filled < PARTNERS_MIN:
            raise ValidationError(
                gettext(
                    "Indiquez au moins %(min)d partenaires (nom et type) : "
                    "une alliance réunit plusieurs organisations.",
                    min=PARTNERS_MIN,
                )
            )

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

    def validate_start_year(self, field) -> None:
        if not field.data:
            return
        last = validation.first_year_max()
        if (
            not re.fullmatch(r"\d{4}", field.data)
            or not validation.FIRST_YEAR <= int(field.data) <= last
        ):
            raise ValidationError(
                gettext(
                    "Une année entre %(first)d et %(last)d, en chiffres.",
                    first=validation.FIRST_YEAR,
                    last=last,
                )
            )

    def validate_website(self, field) -> None:
        if field.data and not validation.is_web_url(field.data):
            raise ValidationError(
                gettext("Une adresse commençant par http:// ou https:// est attendue.")
            )

    def validate_contact_public(self, field) -> None:
        if field.data and not self.contact.data:
            raise ValidationError(
                gettext("Indiquez le contact à afficher, ou décochez cette case.")
            )

    @property
    def csrf_expired(self) -> bool:
        return bool(getattr(self, "csrf_token", None) is not None and self.csrf_token.errors)

    def record(self) -> dict:
        """Return what was typed as a record of the import format, private fields included."""
        year = self.start_year.data
        return {
            **{name: getattr(self, name).data or "" for name in validation.TEXT_FIELDS},
            "objectives": list(self.objectives.data or []),
            "scale": self.scale.data,
            "regions": list(self.regions.data or []),
            "departements": list(self.departements.data or []),
            "locality": self.locality.data or "",
            "partners": [
                {
                    "name": row.name.data or "",
                    "kind": row.kind.data or "",
                    "role": row.role.data or "",
                }
                for _, row in self.filled_partners()
            ],
            "themes": list(self.themes.data or []),
            "odd": list(self.odd.data or []),
            "start_year": int(year) if isinstance(year, str) and year.isdigit() else (year or None),
            "status": self.status.data,
            "website": self.website.data or "",
            "contact": self.contact.data or "",
            "contact_public": bool(self.contact_public.data),
            "submitter_name": self.submitter_name.data or "",
            "submitter_email": self.submitter_email.data or "",
            "submitter_organisation": self.submitter_organisation.data or "",
        }

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
        field = getattr(self, issue.field, None) if issue.field else None
        if partner := issue.partner:
            position, key = partner
            filled = self.filled_partners()
            if 1 <= position <= len(filled):
                row = filled[position - 1][1]
                field = getattr(row, key or "name")
            else:
                field = self.partners
        if not isinstance(field, Field):
            self.refused.append(str(issue)[:1].upper() + str(issue)[1:] + ".")
            return
        field.errors = [*field.errors, message]


class SubmissionForm(ExampleForm):
    """The public form: an example plus the publication terms, with a trap for robots."""

    terms = BooleanField(
        _l("J’accepte les conditions de publication"),
        validators=[
            DataRequired(_l("Acceptez les conditions de publication pour envoyer l’exemple."))
        ],
        description=_l(
            "Après relecture, l’exemple peut être publié dans le catalogue et repris "
            "librement avec ses données ouvertes ; la modération peut le corriger ou "
            "l’abréger. Vos coordonnées, elles, restent privées."
        ),
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled by robots.
    homepage = StringField(
        _l("Ne pas remplir ce champ"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )
    # A key given with the empty form: the same form sent twice (double click, back button)
    # makes one example.
    once = StringField(widget=HiddenInput(), validators=[Length(max=64)])

    @property
    def is_spam(self) -> bool:
        return bool((self.homepage.data or "").strip())


class ModerationEditForm(ExampleForm):
    """A moderator's edit of any field of an example."""

    note = text(
        _l("Note de modification"),
        2000,
        area=True,
        rows=2,
        description=_l("Facultatif : ce qui a été changé et pourquoi (visible dans le journal)."),
    )
    # Imported examples may have no submitter; and a moderator's browser must not fill in
    # the moderator's own name and address here.
    submitter_name = text(_l("Nom de la personne qui a proposé"), NAME_MAX)
    submitter_email = EmailField(
        _l("Son adresse électronique"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=EMAIL_MAX, message=too_long(EMAIL_MAX)),
            Email(_l("Adresse électronique invalide."), check_deliverability=False),
        ],
        render_kw={"maxlength": EMAIL_MAX, "autocomplete": "off"},
        description=_l("Les décisions lui sont envoyées à cette adresse."),
    )
    submitter_organisation = text(_l("Son organisation"), NAME_MAX)
