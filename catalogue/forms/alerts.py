"""The form that subscribes an address to the new examples of a search."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField

from .common import LocalizedForm, email_field


class AlertForm(LocalizedForm):
    email = email_field(
        _l("Votre adresse électronique"),
        required=_l("Indiquez votre adresse électronique."),
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled by robots.
    homepage = StringField(_l("Ne pas remplir ce champ"),
                           render_kw={"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self) -> bool:
        return bool((self.homepage.data or "").strip())
