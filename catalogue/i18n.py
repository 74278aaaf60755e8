"""Languages: French by default, English on request; the language switch and translated labels.

The source language is French: every msgid is the French text, so French needs no catalogue and
`translations/en/LC_MESSAGES/messages.po` holds the English. Vocabulary and framework labels stay
French in the data (the API, exports and the index use them as they are) and are marked with
`N_` so that extraction finds them; `tr` translates them when a page shows them.
"""

from __future__ import annotations

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import force_locale, get_locale, get_translations

LANGUAGES = {"fr": "Français", "en": "English"}
# The locale behind each language: the English is British, dates included (26 November 2026).
LOCALES = {"fr": "fr", "en": "en_GB"}
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600


def N_(message: str) -> str:
    """Mark a French text for extraction without translating it; `tr` translates it when shown."""
    return message


def select_locale() -> str | None:
    """Return the language of the request: the visitor's choice, else their browser's, else None.

    None means the default (BABEL_DEFAULT_LOCALE, French), also outside requests (CLI, digests).
    """
    if not has_request_context():
        return None
    if request.path.startswith("/api/v1/"):
        return None  # the JSON API speaks French whatever the browser says, like its values
    chosen = request.cookies.get(COOKIE)
    if chosen not in LANGUAGES:
        chosen = request.accept_languages.best_match(LANGUAGES)
    return LOCALES.get(chosen)


def current_language() -> str:
    """Return the code of the language pages are shown in, for `<html lang>`."""
    locale = get_locale()
    return locale.language if locale is not None else "fr"


def site_locale():
    """Switch to the site's default language, for mail to people whose language is unknown."""
    return force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE") or "fr")


def language_locale(code: str):
    """Switch to one of the site's languages (the site's default for an unknown code)."""
    return force_locale(LOCALES[code]) if code in LOCALES else site_locale()


def tr(text):
    """Translate a French label kept in the data (taxonomy, framework); '' and None pass."""
    return translations().ugettext(str(text)) if text else text


def gettext(string: str, **variables) -> str:
    """Flask-Babel's gettext, through the per-request cache of `translations` (hot paths)."""
    text = translations().ugettext(string)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Flask-Babel's ngettext, through the per-request cache of `translations` (hot paths)."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def translations():
    """Return the current translations, looked up once per request and language.

    Flask-Babel's own lookup walks the request context on every call, and a search page makes
    hundreds. The cache follows the locale object, so force_locale (mails) is honoured.
    """
    state = g.get("_flask_babel") if has_app_context() else None
    locale = getattr(state, "babel_locale", None)
    if locale is None:
        return get_translations()
    cached = getattr(state, "catalogue_translations", None)
    if cached is None or cached[0] is not locale:
        cached = (locale, get_translations())
        state.catalogue_translations = cached
    return cached[1]


def switch_url_target() -> str:
    """Return the current page as a `next` for the language switch (path and query string)."""
    path = request.full_path
    return path[:-1] if path.endswith("?") else path


def _vary(response):
    # The same URL answers in French or English: caches must key on what picks the language.
    if response.mimetype == "text/html":
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response


def init_app(app: Flask) -> None:
    """Register the `t` filter and the template globals."""
    # `{% trans %}` blocks span several lines: their msgids are the text with spaces collapsed.
    app.jinja_env.policies["ext.i18n.trimmed"] = True
    app.jinja_env.filters["t"] = tr
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
        newstyle=True,
    )
    app.jinja_env.globals.update(
        languages=LANGUAGES, current_language=current_language, switch_url_target=switch_url_target
    )
    app.after_request(_vary)
