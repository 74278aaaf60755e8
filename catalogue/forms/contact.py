"""The form that writes to the people behind an example, through the catalogue."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, StopValidation

from ..limits import MESSAGE_MAX, NAME_MAX
from .common import LocalizedForm, email_field, strip, text, too_long


class OneLine:
    """Refuse a line break: name and address go into mail headers, where one would forge more.

    Checked first and alone: a line break there is an attack, not a typing slip.
    """

    def __init__(self, message):
        self.message = message

    def __call__(self, form, field) -> None:
        typed = (field.raw_data or [""])[0]
        if isinstance(typed, str) and any(c in typed for c in "\r\n\x00"):
            raise StopValidation(self.message)


class ContactForm(LocalizedForm):
    """A visitor's message to the people behind an example: who they are, how to answer, what."""

    name = StringField(
        _l("Votre nom"),
        filters=[strip],
        validators=[
            OneLine(_l("Le nom tient sur une seule ligne, sans retour à la ligne.")),
            DataRequired(_l("Indiquez votre nom.")),
            Length(max=NAME_MAX, message=too_long(NAME_MAX)),
        ],
        render_kw={"maxlength": NAME_MAX, "autocomplete": "name"},
    )
    email = email_field(
        _l("Votre adresse électronique"),
        OneLine(_l("L’adresse électronique tient sur une seule ligne, sans retour à la ligne.")),
        required=_l("Indiquez votre adresse électronique."),
        invalid=_l("Adresse électronique invalide (exemple : prenom.nom@exemple.fr)."),
        description=_l("Les porteurs vous répondront à cette adresse."),
    )
    message = text(
        _l("Votre message"),
        MESSAGE_MAX,
        area=True,
        rows=8,
        required=_l("Écrivez votre message."),
        description=_l("%(max)d caractères au plus.", max=MESSAGE_MAX),
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled by robots.
    homepage = StringField(
        _l("Ne pas remplir ce champ"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )

    @property
    def is_spam(self) -> bool:
        return bool((self.homepage.data or "").strip())
