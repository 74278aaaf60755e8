"""Contributors' form: the example form with the publication terms and a trap for robots."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import HiddenInput

from .common import LocalizedForm, email_field
from .example import ExampleForm
from .media import MediaFields


class SubmissionForm(MediaFields, ExampleForm):
    """The public form: an example, its photos and documents, the publication terms, a trap."""

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
    # Off by default: the contributor's address is private unless they choose to be written to.
    accepts_messages = BooleanField(
        _l("Les visiteurs peuvent m’écrire via le catalogue (mon adresse ne leur est pas montrée)"),
        description=_l(
            "Facultatif : la page de l’exemple proposera alors un formulaire « Contacter les "
            "porteurs » ; les messages vous seront transmis par courriel. Vous pourrez changer "
            "d’avis depuis votre lien de suivi."
        ),
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled by robots.
    homepage = StringField(
        _l("Ne pas remplir ce champ"), render_kw={"tabindex": "-1", "autocomplete": "off"}
    )
    # A key given with the empty form: the same form sent twice (double click, back button)
    # makes one example.
    once = StringField(widget=HiddenInput(), validators=[Length(max=64)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.label_media_rows()

    @property
    def is_spam(self) -> bool:
        return bool((self.homepage.data or "").strip())


class RenewLinkForm(LocalizedForm):
    """An example's owner asks for a new follow-up link, mailed to the address they gave."""

    email = email_field(
        _l("L’adresse électronique donnée en proposant l’exemple"),
        required=_l("Indiquez votre adresse électronique."),
    )
