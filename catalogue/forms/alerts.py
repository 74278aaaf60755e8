"""The form that subscribes an address to the new examples of a search."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length

from ..limits import EMAIL_MAX
from .common import LocalizedForm


class AlertForm(LocalizedForm):
    email = EmailField(
        _l("Votre adresse électronique"),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[DataRequired(_l("Indiquez votre adresse électronique.")),
                    Length(max=EMAIL_MAX, message=_l("%(max)d caractères au plus.", max=EMAIL_MAX)),
                    Email(_l("Adresse électronique invalide."), check_deliverability=False)],
        render_kw={"autocomplete": "email", "maxlength": EMAIL_MAX},
    )
    # The honeypot: hidden from people (CSS and aria-hidden), filled by robots.
    homepage = StringField(_l("Ne pas remplir ce champ"),
                           render_kw={"tabindex": "-1", "autocomplete": "off"})

    @property
    def is_spam(self) -> bool:
        return bool((self.homepage.data or "").strip())
