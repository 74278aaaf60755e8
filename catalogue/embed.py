"""« Intégrer » a search on another site: the snippet builder and the list other sites frame.

`/integrer/liste` is the only page of the site other sites may frame: it sends its own CSP
(`frame-ancestors *`), which keeps `views._security_headers` from adding `X-Frame-Options`.
It reads no session and renders no form, so no cookie is ever set there: neither the session
(flashes, login, CSRF token) nor the language cookie (set only by /langue/…).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, make_response, render_template, request, url_for
from markupsafe import escape

from . import search
from .i18n import gettext
from .mail import absolute_url
from .queries import load_cards

bp = Blueprint("embed", __name__, url_prefix="/integrer")

COUNTS = (3, 5, 10)  # what the builder offers
DEFAULT_COUNT = 5
MAX_COUNT = 10
SUMMARY_MAX = 100  # a line or two in a narrow column

# The list loads nothing but its own stylesheet and may sit in any other site's page.
LIST_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; "
            "form-action 'none'; frame-ancestors *")
LIST_CACHE = "public, max-age=300"


def parse_count(args) -> tuple[int, str | None]:
    """Return how many examples the list shows (`nombre`), and a note when the value was fixed."""
    raw = "".join(ch for ch in str(args.get("nombre") or "") if ch.isprintable()).strip()
    if not raw:
        return DEFAULT_COUNT, None
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        shown = raw if len(raw) <= 40 else raw[:39] + "…"
        return DEFAULT_COUNT, gettext(
            "Nombre d’exemples invalide « %(value)s » : %(default)d retenus.",
            value=shown, default=DEFAULT_COUNT)
    if len(raw) > 3 or int(raw) > MAX_COUNT:
        return MAX_COUNT, gettext(
            "Au plus %(max)d exemples sont affichés dans une liste intégrée.", max=MAX_COUNT)
    return int(raw), None


def search_params(req: search.SearchRequest) -> list[tuple[str, str]]:
    """Return the query-string pairs stating what `req` searches (words, filters), no page or sort."""
    pairs = [("q", req.q)] if req.q else []
    pairs += [(name, value) for name, values in req.active_filters().items() for value in values]
    if req.exact:
        pairs.append(("exact", "1"))
    return pairs


def site_url(endpoint: str, pairs: list[tuple[str, str]]) -> str:
    """Return the absolute URL of an endpoint on BASE_URL with a query string (never the Host)."""
    query = urlencode(pairs)
    return absolute_url(endpoint) + (f"?{query}" if query else "")


def frame_height(count: int) -> int:
    """Return the iframe height, in pixels, that shows `count` examples at a narrow width."""
    return 100 + 170 * count


@dataclass
class Latest:
    """The newest published examples a search finds, for the embeddable list."""

    examples: list  # card rows (public.CARD_COLUMNS), newest first
    total: int  # how many examples the search finds in all
    degraded: bool


def latest(req: search.SearchRequest, count: int) -> Latest:
    """Return the `count` most recently published examples matching req's words and filters."""
    newest = search.SearchRequest(q=req.q, filters=req.filters, sort="recent", page=1,
                                  per_page=count, exact=req.exact)
    results = search.search(newest)
    return Latest(load_cards(results.ids()), results.total, results.degraded)


def snippet(list_url: str, count: int) -> str:
    """Return the HTML to paste on another site: an iframe of the list at `list_url`."""
    title = gettext("Exemples d’alliances – Catalogue des alliances")
    return (f'<iframe src="{escape(list_url)}" title="{escape(title)}" '
            f'height="{frame_height(count)}" style="width: 100%; border: 0;" '
            f'loading="lazy"></iframe>')


@bp.get("/")
def builder():
    req, notices = search.parse_args(request.args)
    count, note = parse_count(request.args)
    pairs = search_params(req)
    list_pairs = [*pairs, ("nombre", str(count))]
    return render_template(
        "embed/builder.html",
        req=req,
        notices=[*notices, *([note] if note else [])],
        criteria=search.describe(req),
        pairs=pairs,
        count=count,
        counts=COUNTS,
        total=latest(req, 1).total,
        code=snippet(site_url("embed.embedded_list", list_pairs), count),
        preview_url=url_for("embed.embedded_list") + "?" + urlencode(list_pairs),
        height=frame_height(count),
        catalogue_url=url_for("public.catalogue") + ("?" + urlencode(pairs) if pairs else ""),
    )


@bp.get("/liste")
def embedded_list():
    req, notices = search.parse_args(request.args)
    count, note = parse_count(request.args)
    pairs = search_params(req)
    response = make_response(render_template(
        "embed/list.html",
        latest=latest(req, count),
        notices=[*notices, *([note] if note else [])],
        catalogue_url=site_url("public.catalogue", pairs),
        summary_max=SUMMARY_MAX,
        example_url=lambda slug: absolute_url("public.example", slug=slug),
    ))
    response.headers["Content-Security-Policy"] = LIST_CSP
    response.headers["Cache-Control"] = LIST_CACHE
    return response
