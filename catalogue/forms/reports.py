"""Reports of errors: the visitor's form and the moderator's decision."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from ..limits import REPORT_MAX
from ..reporting import MOVES
from .common import LocalizedForm, email_field, strip, text, too_long


class ReportForm(LocalizedForm):
    """A visitor's report of an error on an example: a message, an address to answer at."""

    message = text(
        _l("Votre message"),
        REPORT_MAX,
        required=_l("Décrivez l’erreur que vous avez remarquée."),
        area=True,
        rows=6,
        description=_l(
            "Ce qui est inexact, incomplet ou dépassé, et si possible la bonne information."
        ),
    )
    email = email_field(
        _l("Votre adresse électronique (facultatif)"),
        description=_l(
            "Seulement pour vous répondre : elle n’est jamais publiée et elle est effacée "
            "une fois le signalement traité."
        ),
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled by robots.
    homepage = StringField(
        _l("Ne pas remplir ce champ"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )

    @property
    def is_spam(self) -> bool:
        return bool((self.homepage.data or "").strip())


class ReportDecisionForm(LocalizedForm):
    """A moderator closes a report: answer it, mark it fixed or dismiss it."""

    action = HiddenField()
    # No Optional(): it would stop the chain before validate_answer when the box is empty.
    answer = TextAreaField(
        _l("Réponse ou note"),
        filters=[strip],
        validators=[Length(max=REPORT_MAX, message=too_long(REPORT_MAX))],
        description=_l(
            "Pour « Répondre », obligatoire : envoyée à la personne si elle a laissé son "
            "adresse. Pour « Marquer comme corrigé », facultative, envoyée avec le "
            "remerciement. Pour « Classer sans suite », une note pour le journal seulement."
        ),
        render_kw={"rows": 5},
    )

    def validate_action(self, field) -> None:
        if field.data not in MOVES:
            raise ValidationError(gettext("Décision inconnue."))

    def validate_answer(self, field) -> None:
        move = MOVES.get(self.action.data)
        if move is not None and move.needs_text and not field.data:
            raise ValidationError(gettext("Écrivez la réponse à envoyer."))
