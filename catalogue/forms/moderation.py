"""Moderators' forms: a decision on one version, an edit, the queue search, the journal filters."""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
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

from ..limits import NAME_MAX
from ..workflow import ACTIONS
from .common import LocalizedForm, email_field, options, strip, text, too_long
from .example import ExampleForm
from .media import MediaFields

COMMENT_MAX = 5000


class DecisionForm(LocalizedForm):
    """A moderator's decision on one version of an example, with a comment."""

    action = HiddenField()
    version = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    # No Optional(): it would stop the chain before validate_comment when the box is empty.
    comment = TextAreaField(
        _l("Commentaire"),
        filters=[strip],
        validators=[Length(max=COMMENT_MAX, message=too_long(COMMENT_MAX))],
        description=_l(
            "Envoyé à la personne qui a proposé l’exemple. "
            "Obligatoire pour refuser ou demander des modifications."
        ),
        render_kw={"maxlength": COMMENT_MAX, "rows": 4},
    )

    def validate_action(self, field) -> None:
        if field.data not in ACTIONS:
            raise ValidationError(gettext("Décision inconnue."))

    def validate_comment(self, field) -> None:
        move = ACTIONS.get(self.action.data)
        if move is not None and move.needs_comment and not field.data:
            raise ValidationError(
                gettext(
                    "Un commentaire est nécessaire pour cette décision : "
                    "il explique à la personne ce qui ne va pas ou ce qu’il faut changer."
                )
            )


class QueueFilterForm(LocalizedForm):
    class Meta:
        csrf = False

    q = SearchField(
        _l("Rechercher dans la file"),
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        render_kw={"maxlength": 200},
        description=_l("Titre, résumé ou organisation de la personne qui a proposé."),
    )


class JournalFilterForm(LocalizedForm):
    class Meta:
        csrf = False

    acteur = SelectField(_l("Par"), validate_choice=False)
    action = SelectField(
        _l("Action"),
        choices=options([("", _l("Toutes")), *((a.code, _l(a.done)) for a in ACTIONS.values())]),
        validate_choice=False,
    )
    du = DateField(_l("Du"), validators=[Optional()], render_kw={"autocomplete": "off"})
    au = DateField(_l("Au"), validators=[Optional()], render_kw={"autocomplete": "off"})

    # The journal starts long after the first and ends long before the last day a date can
    # name: outside, a day turned into a UTC instant would overflow.
    FIRST_YEAR, LAST_YEAR = 2000, 9000

    def _in_range(self, field) -> None:
        if field.data and not self.FIRST_YEAR <= field.data.year <= self.LAST_YEAR:
            raise ValidationError(gettext("Indiquez une date entre %(first)d et %(last)d.",
                                          first=self.FIRST_YEAR, last=self.LAST_YEAR))

    def validate_du(self, field) -> None:
        self._in_range(field)

    def validate_au(self, field) -> None:
        self._in_range(field)
        if field.data and self.du.data and field.data < self.du.data:
            raise ValidationError(gettext("La date de fin précède la date de début."))


class ModerationEditForm(MediaFields, ExampleForm):
    """A moderator's edit of any field of an example, its photos and documents included."""

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
    submitter_email = email_field(
        _l("Son adresse électronique"),
        description=_l("Les décisions lui sont envoyées à cette adresse."),
        autocomplete="off",
    )
    submitter_organisation = text(_l("Son organisation"), NAME_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_media_rows()
