"""The example form, shared by contributors (submission, follow-up) and moderators (edit)."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
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

from .. import records, taxonomy
from ..models import (
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
from .common import Known, MultiCheckboxField, as_code, options, strip, text, too_long

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
        "Nom",
        validators=[Length(max=PARTNER_NAME_MAX, message=too_long(PARTNER_NAME_MAX))],
        filters=[strip],
        render_kw={"maxlength": PARTNER_NAME_MAX, "autocomplete": "off"},
    )
    kind = SelectField(
        "Type",
        choices=options([("", "— Choisir —"), *taxonomy.PARTNER_KINDS.choices()]),
        validate_choice=False,
    )
    role = StringField(
        "Rôle dans l’alliance",
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
            self.name.errors.append("Indiquez le nom de ce partenaire, ou videz la ligne.")
            ok = False
        if not self.kind.data:
            self.kind.errors.append("Choisissez le type de ce partenaire.")
            ok = False
        elif self.kind.data not in taxonomy.PARTNER_KINDS:
            self.kind.errors.append("Type de partenaire inconnu.")
            ok = False
        return ok


class ExampleForm(FlaskForm):
    """Every field of an example that a person may write: public content and private details."""

    title = text(
        "Titre",
        TITLE_MAX,
        required="Donnez un titre à l’exemple.",
        description=f"Une phrase qui dit qui fait quoi ensemble ({TITLE_MAX} caractères au plus).",
    )
    summary = text(
        "Résumé",
        SUMMARY_MAX,
        area=True,
        rows=3,
        required="Écrivez un court résumé.",
        description=f"Deux ou trois phrases affichées dans les listes "
        f"({SUMMARY_MAX} caractères au plus).",
    )
    description = text(
        "Contexte et actions",
        TEXT_MAX,
        area=True,
        rows=8,
        required="Décrivez le contexte et les actions.",
        description="Le besoin de départ, ce que font les partenaires, comment ils s’organisent.",
    )
    results = text(
        "Résultats et impact",
        TEXT_MAX,
        area=True,
        rows=5,
        required="Indiquez les résultats obtenus, même partiels.",
        description="Ce qui a changé, avec des chiffres quand vous les connaissez.",
    )
    lessons = text(
        "Enseignements",
        TEXT_MAX,
        area=True,
        rows=5,
        required="Partagez au moins un enseignement.",
        description="Ce qui a fait réussir l’alliance, les difficultés rencontrées.",
    )
    resources = text(
        "Moyens mobilisés",
        TEXT_MAX,
        area=True,
        rows=4,
        description="Facultatif : budget, financements, personnes, mécénat de compétences…",
    )
    transferability = text(
        "Pour faire de même ailleurs",
        TEXT_MAX,
        area=True,
        rows=4,
        description="Facultatif : ce dont un autre territoire aurait besoin.",
    )

    objectives = MultiCheckboxField(
        "Objectifs de l’alliance",
        choices=options(taxonomy.OBJECTIVES.choices()),
        validators=[Known(taxonomy.OBJECTIVES)],
        description="Cochez entre un et quatre objectifs.",
    )
    scale = RadioField(
        "Échelle",
        choices=options(taxonomy.SCALES.choices()),
        validate_choice=False,
        validators=[InputRequired("Choisissez l’échelle de l’alliance."), Known(taxonomy.SCALES)],
    )
    regions = MultiCheckboxField(
        "Régions",
        choices=options(taxonomy.REGIONS.choices()),
        validators=[Known(taxonomy.REGIONS)],
        description="Facultatif. Un département choisi ajoute sa région.",
    )
    departements = SelectMultipleField(
        "Départements",
        choices=departement_choices(),
        validate_choice=False,
        validators=[Known(taxonomy.DEPARTEMENTS)],
        render_kw={"size": 10},
        description="Facultatif. Maintenez Ctrl (ou Cmd) pour en choisir plusieurs ; "
        "ils doivent appartenir aux régions cochées.",
    )
    locality = text(
        "Localité",
        LOCALITY_MAX,
        description="Facultatif : commune, quartier, pays…",
        autocomplete="address-level2",
    )
    partners = FieldList(
        FormField(PartnerForm),
        label="Partenaires",
        min_entries=PARTNER_ROWS,
        max_entries=PARTNERS_MAX,
    )
    add_partner = SubmitField("Ajouter un partenaire", render_kw={"formnovalidate": True})
    themes = MultiCheckboxField(
        "Thématiques",
        choices=options(taxonomy.THEMES.choices()),
        validators=[Known(taxonomy.THEMES)],
        description="Facultatif.",
    )
    odd = MultiCheckboxField(
        "Objectifs de développement durable (ODD)",
        coerce=as_code,
        choices=options((t.code, f"{t.code}. {t.label}") for t in taxonomy.ODD),
        validators=[Known(taxonomy.ODD)],
        description="Facultatif.",
    )
    start_year = StringField(
        "Année de lancement",
        filters=[strip],
        render_kw={"inputmode": "numeric", "maxlength": 4, "autocomplete": "off", "size": 6},
    )
    status = RadioField(
        "Statut",
        choices=options(taxonomy.STATUSES.choices()),
        default="en-cours",
        validate_choice=False,
        validators=[
            InputRequired("Indiquez si l’alliance est en cours ou terminée."),
            Known(taxonomy.STATUSES),
        ],
    )
    website = URLField(
        "Site web",
        filters=[strip],
        validators=[Optional(), Length(max=URL_MAX, message=too_long(URL_MAX))],
        render_kw={"maxlength": URL_MAX, "autocomplete": "url", "placeholder": "https://"},
        description="Facultatif : une adresse commençant par http:// ou https://.",
    )
    contact = text(
        "Contact public",
        NAME_MAX,
        description="Facultatif : une personne, une adresse ou un téléphone "
        "que les lecteurs peuvent joindre.",
    )
    contact_public = BooleanField(
        "J’accepte que ce contact soit affiché sur la page publique de l’exemple."
    )

    submitter_name = text(
        "Votre nom", NAME_MAX, required="Indiquez votre nom.", autocomplete="name"
    )
    submitter_email = EmailField(
        "Votre adresse électronique",
        filters=[strip],
        validators=[
            DataRequired("Indiquez votre adresse électronique."),
            Length(max=EMAIL_MAX, message=too_long(EMAIL_MAX)),
            Email(
                "Adresse électronique invalide (exemple : prenom.nom@exemple.fr).",
                check_deliverability=False,
            ),
        ],
        render_kw={"maxlength": EMAIL_MAX, "autocomplete": "email"},
        description="Pour vous envoyer le lien de suivi ; jamais publiée.",
    )
    submitter_organisation = text(
        "Votre organisation",
        NAME_MAX,
        autocomplete="organization",
        description="Facultatif ; jamais publiée.",
    )

    # The version the person edited; a moderator's change in between is not overwritten.
    version = IntegerField(widget=HiddenInput(), validators=[Optional()])
    note = text(
        "Message pour la modération",
        2000,
        area=True,
        rows=3,
        description="Facultatif : ce que vous avez changé, une précision.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.number_partner_rows()
        self.start_year.description = (
            f"Facultatif : entre {records.FIRST_YEAR} et {records.first_year_max()}."
        )
        self.refused: list[str] = []

    def number_partner_rows(self) -> None:
        """Give each partner row labels that say its number, for the summary and screen readers."""
        for i, entry in enumerate(self.partners, start=1):
            entry.form.name.label.text = f"Nom du partenaire {i}"
            entry.form.kind.label.text = f"Type du partenaire {i}"
            entry.form.role.label.text = f"Rôle du partenaire {i}"

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
                f"Indiquez au moins {PARTNERS_MIN} partenaires (nom et type) : "
                f"une alliance réunit plusieurs organisations."
            )

    def validate_objectives(self, field) -> None:
        if not 1 <= len(field.data or []) <= 4:
            raise ValidationError("Cochez entre un et quatre objectifs.")

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
                f"Hors des régions cochées : {names}. Cochez aussi leur région ou retirez-les."
            )

    def validate_start_year(self, field) -> None:
        if not field.data:
            return
        last = records.first_year_max()
        if (
            not re.fullmatch(r"\d{4}", field.data)
            or not records.FIRST_YEAR <= int(field.data) <= last
        ):
            raise ValidationError(f"Une année entre {records.FIRST_YEAR} et {last}, en chiffres.")

    def validate_website(self, field) -> None:
        if field.data and not records.is_web_url(field.data):
            raise ValidationError("Une adresse commençant par http:// ou https:// est attendue.")

    def validate_contact_public(self, field) -> None:
        if field.data and not self.contact.data:
            raise ValidationError("Indiquez le contact à afficher, ou décochez cette case.")

    @property
    def csrf_expired(self) -> bool:
        return bool(getattr(self, "csrf_token", None) is not None and self.csrf_token.errors)

    def record(self) -> dict:
        """Return what was typed as a record of the import format, private fields included."""
        year = self.start_year.data
        return {
            **{name: getattr(self, name).data or "" for name in records.TEXT_FIELDS},
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
        data, problems = records.clean_record(self.record())
        for problem in problems:
            self._place(problem)
        return None if problems else data

    def _place(self, problem: str) -> None:
        """Attach one problem of `records.clean_record` to the field it is about."""
        head, _, message = problem.partition(" : ")
        if match := re.fullmatch(r"partenaire (\d+)", head):
            filled = self.filled_partners()
            index = int(match.group(1)) - 1
            if 0 <= index < len(filled):
                row = filled[index][1]
                field = (
                    row.kind if "type" in message else row.role if "rôle" in message else row.name
                )
                field.errors.append(message[:1].upper() + message[1:] + ".")
                return
            head = "partenaires"
        if head.startswith("départements hors"):
            self.departements.errors.append(problem[:1].upper() + problem[1:] + ".")
            return
        names = {label: name for name, label in records.FIELD_LABELS.items()}
        names.update(
            {
                "contact": "contact",
                "submitter_name": "submitter_name",
                "submitter_email": "submitter_email",
                "submitter_organisation": "submitter_organisation",
            }
        )
        name = names.get(head)
        field = getattr(self, name, None) if name else None
        if field is None:
            self.refused.append(problem[:1].upper() + problem[1:] + ".")
            return
        field.errors = [*field.errors, message[:1].upper() + message[1:] + "."]


class SubmissionForm(ExampleForm):
    """The public form: an example plus the publication terms, with a trap for robots."""

    terms = BooleanField(
        "J’accepte les conditions de publication",
        validators=[DataRequired("Acceptez les conditions de publication pour envoyer l’exemple.")],
        description="Après relecture, l’exemple peut être publié dans le catalogue et repris "
        "librement avec ses données ouvertes ; la modération peut le corriger ou "
        "l’abréger. Vos coordonnées, elles, restent privées.",
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled by robots.
    homepage = StringField(
        "Ne pas remplir ce champ", render_kw={"tabindex": "-1", "autocomplete": "off"}
    )

    @property
    def is_spam(self) -> bool:
        return bool((self.homepage.data or "").strip())


class ModerationEditForm(ExampleForm):
    """A moderator's edit of any field of an example."""

    note = text(
        "Note de modification",
        2000,
        area=True,
        rows=2,
        description="Facultatif : ce qui a été changé et pourquoi (visible dans le journal).",
    )
    # Imported examples may have no submitter; and a moderator's browser must not fill in
    # the moderator's own name and address here.
    submitter_name = text("Nom de la personne qui a proposé", NAME_MAX)
    submitter_email = EmailField(
        "Son adresse électronique",
        filters=[strip],
        validators=[
            Optional(),
            Length(max=EMAIL_MAX, message=too_long(EMAIL_MAX)),
            Email("Adresse électronique invalide.", check_deliverability=False),
        ],
        render_kw={"maxlength": EMAIL_MAX, "autocomplete": "off"},
        description="Les décisions lui sont envoyées à cette adresse.",
    )
    submitter_organisation = text("Son organisation", NAME_MAX)
