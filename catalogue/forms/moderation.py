"""Moderators' forms: a decision on one version, the queue search, the journal filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SearchField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput

from ..workflow import ACTIONS
from .common import options, strip, too_long

COMMENT_MAX = 5000


class DecisionForm(FlaskForm):
    """A moderator's decision on one version of an example, with a comment."""

    action = HiddenField()
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    # No Optional(): it would stop the chain before validate_comment when the box is empty.
    comment = TextAreaField(
        "Commentaire",
        filters=[strip],
        validators=[Length(max=COMMENT_MAX, message=too_long(COMMENT_MAX))],
        description="Envoyé à la personne qui a proposé l’exemple. "
        "Obligatoire pour refuser ou demander des modifications.",
        render_kw={"maxlength": COMMENT_MAX, "rows": 4},
    )

    def validate_action(self, field) -> None:
        if field.data not in ACTIONS:
            raise ValidationError("Décision inconnue.")

    def validate_comment(self, field) -> None:
        move = ACTIONS.get(self.action.data)
        if move is not None and move.needs_comment and not field.data:
            raise ValidationError(
                "Un commentaire est nécessaire pour cette décision : "
                "il explique à la personne ce qui ne va pas ou ce qu’il faut changer."
            )


class QueueFilterForm(FlaskForm):
    class Meta:
        csrf = False

    q = SearchField(
        "Rechercher dans la file",
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        render_kw={"maxlength": 200},
        description="Titre, résumé ou organisation de la personne qui a proposé.",
    )


class JournalFilterForm(FlaskForm):
    class Meta:
        csrf = False

    acteur = SelectField("Par", validate_choice=False)
    action = SelectField(
        "Action",
        choices=options([("", "Toutes"), *((a.code, a.done) for a in ACTIONS.values())]),
        validate_choice=False,
    )
    du = DateField("Du", validators=[Optional()], render_kw={"autocomplete": "off"})
    au = DateField("Au", validators=[Optional()], render_kw={"autocomplete": "off"})

    def validate_au(self, field) -> None:
        if field.data and self.du.data and field.data < self.du.data:
            raise ValidationError("La date de fin précède la date de début.")
