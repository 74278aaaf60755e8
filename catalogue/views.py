"""Request-wide behaviour: blueprints, error pages, security headers, template helpers."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import nh3
import sqlalchemy as sa
from flask import Flask, abort, current_app, jsonify, make_response, redirect, render_template, request
from flask_babel import format_date, gettext
from flask_wtf.csrf import CSRFError
from markdown_it import MarkdownIt
from markupsafe import Markup
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.exceptions import HTTPException, SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from . import i18n, media, pictures, reminders, search, taxonomy
from .extensions import db, limiter
from .i18n import N_
from .models import Example
from .urls import safe_next

log = logging.getLogger(__name__)

# Titles and messages in French, marked for translation; error_page() translates them.
ERRORS = {
    400: (N_("Requête incorrecte"),
          N_("La demande n’a pas pu être comprise. Vérifiez l’adresse ou le formulaire.")),
    403: (N_("Accès refusé"),
          N_("Cette page est réservée à d’autres personnes que vous.")),
    404: (N_("Page introuvable"),
          N_("Cette page n’existe pas ou n’est pas publiée.")),
    405: (N_("Méthode non autorisée"),
          N_("Cette adresse ne s’utilise pas de cette façon.")),
    413: (N_("Envoi trop volumineux"),
          N_("Ce que vous avez envoyé dépasse la taille autorisée. Raccourcissez les textes, "
             "envoyez moins de fichiers ou des fichiers plus légers (10 Mo au plus chacun), "
             "et réessayez.")),
    429: (N_("Trop de demandes"),
          N_("Vous avez fait trop de demandes en peu de temps. Patientez un moment avant de "
             "réessayer.")),
    500: (N_("Erreur du serveur"),
          N_("Une erreur inattendue est survenue. Rien de ce que vous avez envoyé n’a été "
             "enregistré à moitié : réessayez dans un instant.")),
    503: (N_("Service momentanément indisponible"),
          N_("Le site ne peut pas accéder à ses données pour le moment. Réessayez dans "
             "quelques minutes.")),
}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
RICH_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "a", "blockquote", "code"}


def rich_text(text: str | None) -> Markup:
    """Render a long text written with light Markdown to sanitised HTML."""
    if not text:
        return Markup("")
    html = _markdown.render(text)
    return Markup(nh3.clean(html, tags=RICH_TAGS, attributes={"a": {"href"}},
                            url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener"))


def term_label(code, vocabulary: str) -> str:
    """Return the label of a taxonomy code in the page's language, e.g. `"53"|label("regions")`."""
    return i18n.tr(taxonomy.VOCABULARIES[vocabulary].label(code))


def long_date(moment) -> str:
    """Format a date in full in the page's language: 14 mars 2025, 14 March 2025."""
    return format_date(moment, "long") if moment else ""


def period(example) -> str:
    """Return the years of an alliance in the page's language.

    « depuis 2012 » while it runs, « 2012–2020 » once over, « lancée en 2012, terminée » when the
    end year is not known, « jusqu’en 2020 » without a start year; empty without any year.
    """
    start, end = example.start_year, example.end_year
    if start and end:
        return str(start) if start == end else f"{start}–{end}"
    if end:
        return gettext("jusqu’en %(year)s", year=end)
    if not start:
        return ""
    if example.status == "termine":
        return gettext("lancée en %(year)s, terminée", year=start)
    return gettext("depuis %(year)s", year=start)


def month_year(moment) -> str:
    """Format a month in the page's language: mars 2021, March 2021."""
    return format_date(moment, "LLLL yyyy") if moment else ""


def stale_since(example) -> object:
    """Return the date of a published example's information when it is over three years old."""
    return reminders.information_date(example) if reminders.is_stale(example) else None


def page_window(page: int, pages: int, around: int = 2) -> list[int | None]:
    """Return the page numbers to show around the current one, None for a gap."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    window: list[int | None] = []
    for p in shown:
        if window and p - window[-1] > 1:  # type: ignore[operator]
            window.append(None)
        window.append(p)
    return window


class RowIdConverter(IntegerConverter):
    """`<int:…>` in a URL: a number a database id can hold, else 404 (never an overflow)."""

    def __init__(self, map, *args, **kwargs) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    if app.config.get("PROXIES"):
        n = int(app.config["PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]
    app.url_map.converters["int"] = RowIdConverter  # before any rule is added
    app.request_class = Request

    app.jinja_env.globals.update(
        taxonomy=taxonomy, page_window=page_window, stale_since=stale_since,
        information_date=reminders.information_date,
        card_covers=pictures.card_covers, example_media=pictures.example_media,
        og_image=pictures.og_image, organisation_logo=pictures.logo,
        media_sources=media.sources, media_file_url=media.file_url,
    )
    app.jinja_env.filters.update(
        rich=rich_text, label=term_label, long_date=long_date, period=period, month_year=month_year,
        file_size=pictures.file_size,
    )
    app.add_url_rule("/healthz", "healthz", healthz)
    app.add_url_rule("/langue/<code>", "language", switch_language)
    i18n.init_app(app)
    app.before_request(_refuse_files)
    app.after_request(_security_headers)
    _register_error_pages(app)


def switch_language(code: str):
    """Remember the chosen language in a cookie and go back to the page the visitor was on."""
    if code not in i18n.LANGUAGES:
        abort(404)
    response = redirect(safe_next(request.args.get("next")) or "/", code=303)
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        i18n.COOKIE,
        code,
        max_age=i18n.COOKIE_MAX_AGE,
        secure=bool(current_app.config.get("HTTPS")),
        httponly=True,
        samesite="Lax",
    )
    return response


def healthz():
    """Report the state of the database and of the search index as JSON: 200 healthy, 503 not."""
    database: dict = {"ok": False, "published": None, "schema_revision": None, "error": None}
    try:
        database["published"] = db.session.scalar(
            sa.select(sa.func.count(Example.id)).where(Example.state == "published"))
        database["schema_revision"] = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        database["ok"] = True
    except SQLAlchemyError as exc:
        db.session.rollback()
        database["error"] = exc.__class__.__name__
    index = search.status()
    healthy = database["ok"] and index["ok"]
    response = jsonify(status="ok" if healthy else "degraded", database=database, index=index,
                       rate_limits=rate_limits_status())
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def rate_limits_status() -> dict:
    """Report where the rate limits count and whether that storage answers.

    Redis down leaves the host healthy: each process counts in its memory meanwhile, and a
    503 from every host at once would take the whole site out of the load balancer.
    """
    uri = current_app.config["RATELIMIT_STORAGE_URI"]
    storage = urlsplit(uri).scheme or uri
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return {"storage": storage, "shared": False, "ok": True, "enabled": False}
    try:
        ok = bool(limiter.storage.check())
    except Exception:  # whatever the storage raises, the report still answers
        log.exception("rate-limit storage check failed")
        ok = False
    return {"storage": storage, "shared": storage != "memory" and ok, "ok": ok, "enabled": True}


def takes_files(view):
    """Let a view receive files, up to UPLOAD_MAX_CONTENT_LENGTH a request.

    Every other view keeps MAX_CONTENT_LENGTH and answers 400 to a file.
    """
    view.takes_files = True
    return view


class Request(Flask.request_class):
    """A request whose size limit is raised for the views that take files, and for them only.

    Read from the matched view, so the limit holds before anything (the CSRF check included)
    reads the body.
    """

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None and self._takes_files():
            return current_app.config["UPLOAD_MAX_CONTENT_LENGTH"]
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def _takes_files(self) -> bool:
        if self.url_rule is None or self.mimetype != "multipart/form-data" or not current_app:
            return False
        view = current_app.view_functions.get(self.url_rule.endpoint)
        return bool(getattr(view, "takes_files", False))


def _refuse_files() -> None:
    """Answer 400 to a file sent to a view that takes none: there every field expects text
    (`curl -F 'title=@file'` must not reach a validator as a file object)."""
    if request.mimetype == "multipart/form-data" and not request._takes_files() and request.files:
        abort(400)


def private(response):
    """Keep a page out of every cache (moderation, accounts, unpublished examples)."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _security_headers(response):
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'",
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    # Only a page that sent its own CSP letting other sites frame it (embed.LIST_CSP) goes
    # without X-Frame-Options: every other page may be framed by no one.
    if "frame-ancestors 'none'" in headers["Content-Security-Policy"]:
        headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
    if current_app.config.get("HTTPS"):
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_page(code: int, message: str | None = None):
    title, default = (gettext(text) for text in ERRORS.get(code, ERRORS[500]))
    if _wants_json():
        body = jsonify(error={"code": code, "title": title, "message": message or default})
    else:
        body = render_template("errors/error.html", code=code, title=title, message=message or default)
    return make_response(body, code)


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if isinstance(exc, SecurityError):
            # An untrusted Host: no URL can be built for this request, so no page either.
            return make_response(
                gettext("Requête incorrecte : ce site ne répond pas à ce nom d’hôte.") + "\n",
                400, {"Content-Type": "text/plain; charset=utf-8"})
        if exc.code not in ERRORS:
            return exc
        response = error_page(exc.code)
        for name, value in exc.get_headers():  # Allow on 405, Retry-After on 429
            if name.lower() != "content-type":
                response.headers[name] = value
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_page(400, gettext(
            "Le formulaire a expiré ou n’a pas été envoyé depuis ce site. "
            "Revenez à la page précédente, rechargez-la et réessayez."))

    @app.errorhandler(OperationalError)
    def database_unavailable(exc: OperationalError):
        db.session.rollback()
        log.error("database unavailable: %s", exc)
        response = error_page(503)
        response.headers["Retry-After"] = "30"
        return response

    @app.errorhandler(500)
    def server_error(exc):
        db.session.rollback()
        return error_page(500)
