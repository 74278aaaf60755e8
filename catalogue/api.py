"""Open data: the JSON API of published examples, its OpenAPI description and its guide."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, Response, current_app, render_template, request, url_for
from sqlalchemy.orm import selectinload

from . import openapi, organisation_matches, search, taxonomy
from .csvformat import TEMPLATE_RECORD, write_csv
from .extensions import db, limiter
from .models import Example
from .queries import load_published
from .serialisation import example_data

bp = Blueprint("api", __name__, url_prefix="/api")


# --- representation ------------------------------------------------------------------------


def last_change(examples: list[Example]) -> datetime | None:
    """Return the latest publication or update time among examples."""
    times = [t for e in examples for t in (e.published_at, e.updated_at) if t is not None]
    return max(times, default=None)


def catalogue_changed_at() -> datetime | None:
    """Return the last time any example that ever was public changed.

    Also bumped when an example leaves the public catalogue (archiving updates it), so a list
    that lost an example is never answered "not modified".
    """
    return db.session.scalar(
        sa.select(sa.func.max(Example.updated_at)).where(Example.published_at.is_not(None))
    )


# --- responses -----------------------------------------------------------------------------


def json_response(data: Any, status: int = 200, last_modified: datetime | None = None) -> Response:
    """Answer JSON with an ETag (and Last-Modified), or 304 when the client has it already."""
    response = current_app.json.response(data)
    response.status_code = status
    if status == 200:
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
        if last_modified is not None:
            response.last_modified = last_modified
        response.cache_control.public = True
        response.cache_control.max_age = 60
        response.make_conditional(request)
    return response


def api_error(status: int, message: str, parameter: str | None = None) -> Response:
    error: dict[str, Any] = {"code": status, "message": message}
    if parameter is not None:
        error["parameter"] = parameter
    return json_response({"error": error}, status)


@bp.after_request
def allow_cross_origin(response: Response) -> Response:
    """Let any web page read the open data (reading only: GET, HEAD and their preflight)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "ETag"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            response.headers["Access-Control-Max-Age"] = "86400"
    return response


# --- endpoints -----------------------------------------------------------------------------


@bp.get("/")
def index():
    return render_template(
        "api/index.html", facets=openapi.FILTERS, per_page_max=openapi.PER_PAGE_MAX,
        vocabularies=openapi.PUBLIC_VOCABULARIES,
    )


@bp.get("/v1/examples")
def examples():
    try:
        req = search_request(request.args)
    except search.BadParameter as exc:
        # An organisation slug that names none is a resource not found, not a malformed request.
        return api_error(404 if exc.name == "organisation" else 400, exc.message, exc.name)
    try:
        results = search.search(req)
    except search.PageOutOfRange:
        return api_error(404, f"La page {req.page} n’existe pas pour cette recherche.", "page")
    if results.degraded:
        response = api_error(503, "La recherche est momentanément indisponible : réessayez "
                                  "dans quelques minutes.")
        response.headers["Retry-After"] = "30"
        return response
    items = load_published(results.ids())
    data = {
        "total": results.total,
        "page": results.page,
        "pages": results.pages,
        "per_page": req.per_page,
        "results": [example_data(e) for e in items],
        "facets": {
            name: [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                for v in values
            ]
            for name, values in results.facets.items()
        },
        "query": {
            "q": req.q,
            "searched": results.searched,
            "suggestion": results.suggestion,
            "any_words": results.any_words,
            "widened": results.widened,
            "unmatched": results.unmatched,
            "related": results.related,
            "themes": [theme.value for theme in results.themes],
        },
        "links": {
            "self": page_link(results.page),
            "next": page_link(results.page + 1) if results.page < results.pages else None,
            "previous": (page_link(min(results.page - 1, results.pages))
                         if results.page > 1 else None),
        },
    }
    changed = max(filter(None, (last_change(items), catalogue_changed_at())), default=None)
    return json_response(data, last_modified=changed)


def search_request(args) -> search.SearchRequest:
    """Parse the catalogue's parameters plus `per_page`; raise BadParameter on any doubt."""
    raw = args.get("per_page")
    if raw is not None and not (
        raw.isascii() and raw.isdigit() and 1 <= int(raw) <= openapi.PER_PAGE_MAX
    ):
        raise search.BadParameter(
            "per_page", f"per_page doit être un nombre entier de 1 à {openapi.PER_PAGE_MAX}."
        )
    return search.parse_args_strict(args)


def page_link(page: int) -> str:
    params = {k: request.args.getlist(k) for k in request.args}
    params["page"] = [str(page)]
    return url_for("api.examples", **params, _external=True)


@bp.get("/v1/examples/<int:example_id>")
def example(example_id: int):
    item = None
    if example_id <= openapi.ID_MAX:
        item = db.session.scalar(
            sa.select(Example)
            .where(Example.id == example_id, Example.state == "published")
            .options(selectinload(Example.partners))
        )
    if item is None:
        return api_error(404, "Aucun exemple publié ne porte ce numéro.")
    return json_response(example_data(item), last_modified=last_change([item]))


@bp.get("/v1/taxonomy")
def vocabularies():
    return json_response({
        name: [term_data(term) for term in taxonomy.VOCABULARIES[name]]
        for name in openapi.PUBLIC_VOCABULARIES
    })


def term_data(term: taxonomy.Term) -> dict[str, Any]:
    data: dict[str, Any] = {"code": term.code, "label": term.label}
    for name in ("hint", "description", "parent"):
        if getattr(term, name):
            data[name] = getattr(term, name)
    if term.overseas:
        data["overseas"] = True
    return data


def _suggestions_limit() -> str:
    return current_app.config["SUGGESTIONS_RATE_LIMIT"]


@bp.get("/v1/organisations/suggestions")
@limiter.limit(_suggestions_limit)
def organisation_suggestions():
    """Suggest organisations as a contributor types a partner's name (the form's script)."""
    q = request.args.get("q", "")
    kind = request.args.get("type") or None
    if len(q) > openapi.Q_MAX:
        return api_error(400, f"q ne doit pas dépasser {openapi.Q_MAX} caractères.", "q")
    if kind is not None and kind not in taxonomy.PARTNER_KINDS:
        return api_error(400, f"type inconnu « {kind} ».", "type")
    return json_response(organisation_matches.suggest(q, kind))


@bp.get("/v1/openapi.json")
def openapi_document():
    return json_response(openapi.document())


@bp.get("/modele-import.csv")
def import_template():
    """Download an import spreadsheet with its columns and one filled example."""
    response = Response(write_csv([TEMPLATE_RECORD]), mimetype="text/csv")
    response.headers["Content-Disposition"] = "attachment; filename=modele-import-exemples.csv"
    return response
