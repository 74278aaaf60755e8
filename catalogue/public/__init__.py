"""Public pages: home, the catalogue and its examples, the framework pages."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

import sqlalchemy as sa
from flask import abort, g, make_response, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from .. import about, framework, i18n, regions_map, revisions, search, statistics, taxonomy
from ..extensions import db
from ..i18n import gettext
from ..models import Example, Partner
from ..queries import CARD_COLUMNS, load_cards, published_count
from ..views import private
from . import organisations  # noqa: F401 - its pages join the blueprint
from .blueprint import bp

LATEST_ON_HOME = 6


@bp.get("/")
def home():
    latest = db.session.execute(
        sa.select(*CARD_COLUMNS)
        .where(Example.state == "published")
        .order_by(Example.published_at.desc(), Example.id.desc())
        .limit(LATEST_ON_HOME)
    ).all()
    counts = search.facet_counts().get("objectif", {})
    return render_template(
        "public/home.html",
        latest=latest,
        counts=counts,
        total=published_count(),
        figures=framework.HOME_FIGURES,
    )


@bp.get("/exemples/")
def catalogue():
    req, notices = search.parse_args(request.args)
    # Links carry the search as understood: values cleaned and cut, unknown ones left out.
    g.links = _Links(request.args, req)
    try:
        results = search.search(req)
    except search.PageOutOfRange:
        abort(404)
    examples = load_cards(results.ids())
    snippets = {hit.id: hit.snippet for hit in results.hits}
    shown_map = area_map(results)
    return render_template(
        "public/catalogue.html",
        results=results,
        examples=examples,
        snippets=snippets,
        notices=notices,
        facet_labels=search.FACET_LABELS,
        facets=shown_facets(results),
        facet_items=facet_items,
        chips=chips(results),
        back=url_with(),
        sorts=sort_links(results.request),
        area_map=shown_map,
        map_link=lambda code: url_with(toggle=(shown_map.facet, code)) + RESULTS_ANCHOR,
        # From the départements of a région back to all the régions: no région, no département.
        all_regions=shown_map.region and url_with(region=None, departement=None, page=None)
        + RESULTS_ANCHOR,
        url_with=url_with,
        page_url=lambda page: url_with(page=page),
    )


# A search URL longer than this is not one the catalogue made.
BACK_MAX = 2000


def back_to_results(target: str | None) -> str | None:
    """Return the catalogue search that `target` names, for a « Retour aux résultats » link.

    Only a catalogue URL of this site is accepted, and it comes back rebuilt from the
    parameters the search understands: nothing else of `target` reaches the page.
    """
    if not target or len(target) > BACK_MAX:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or parts.path != url_for("public.catalogue"):
        return None
    args = MultiDict(parse_qsl(parts.query))
    req, _notices = search.parse_args(args)
    return _Links(args, req).url("public.catalogue", None, {}) + RESULTS_ANCHOR


# Where a filter, a chip or a sort link lands: the results, not the top of the filters (which
# fill a phone's screen).
RESULTS_ANCHOR = "#resultats"

SORT_LABELS = {
    "pertinence": _l("pertinence"),
    "recent": _l("les plus récents"),
    "titre": _l("titre"),
}


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    current: bool = False


def chips(results: search.SearchResults) -> list[Link]:
    """Return a chip per active filter, « Facette : valeur », each a link removing it."""
    labels = {(name, v.value): v.label for name, values in results.facets.items() for v in values}
    translations = i18n.translations()
    return [
        Link(gettext("%(facet)s : %(value)s", facet=search.FACET_LABELS[name],
                     value=translations.ugettext(labels[name, value]) if (name, value) in labels
                     else search.label_of(name, value)),  # an organisation's name
             url_with(toggle=(name, value)) + RESULTS_ANCHOR)
        for name, values in results.request.active_filters().items() for value in values
    ]


def sort_links(req: search.SearchRequest) -> list[Link]:
    """Return the sort orders offered, each a link, the current one marked."""
    return [Link(str(label), url_with(tri=code) + RESULTS_ANCHOR, req.sort == code)
            for code, label in SORT_LABELS.items()]


def area_map(results: search.SearchResults) -> regions_map.AreaMap:
    """Return the map of the results: the départements of the one région chosen, else the régions."""
    def counts(facet: str) -> dict[str, int]:
        # Each area's own results, not what choosing it too would give: a map compares areas.
        return {v.value: v.having for v in results.facets.get(facet, [])}

    filters = results.request.filters
    regions = filters.get("region", ())
    if len(regions) == 1:
        return regions_map.AreaMap.of_departements(regions[0], counts("departement"),
                                                   filters.get("departement", ()))
    return regions_map.AreaMap.of_regions(counts("region"), regions)


# Without a région chosen, the sidebar lists this many départements (those with the most results).
DEPARTEMENTS_SHOWN = 10


def shown_facets(results: search.SearchResults) -> dict[str, tuple[list, int]]:
    """Return, for each facet with values, those the sidebar lists and how many it leaves out.

    A hundred départements would bury the other facets: until a région is chosen (which keeps
    only its own), the sidebar lists the DEPARTEMENTS_SHOWN with the most results, in their
    usual order, and any chosen one.
    """
    shown = {}
    for name, values in results.facets.items():
        if not values:
            continue
        if name == "departement" and len(values) > DEPARTEMENTS_SHOWN:
            best = sorted(values, key=lambda v: -v.count)[:DEPARTEMENTS_SHOWN]
            kept = [v for v in values if v.selected or v in best]
            shown[name] = (kept, len(values) - len(kept))
        else:
            shown[name] = (values, 0)
    return shown


def facet_items(name: str, values: list) -> Markup:
    """Return the `<li>` of a facet's values: a link adding or removing each, and its count.

    Written here rather than as a template loop: a search page lists some sixty values, which
    take about 0.5 ms here against some 1.3 ms in the loop.
    """
    links, translations = _links(), i18n.translations()
    noun = str(search.FACET_LABELS[name]).lower()
    items = []
    for v in values:
        href = escape(links.url("public.catalogue", (name, v.value), {}) + RESULTS_ANCHOR)
        label = translations.ugettext(v.label)
        if v.selected:
            action = escape(gettext("Retirer le filtre %(facet)s : %(value)s", facet=noun, value=label))
            items.append(
                f'<li><a href="{href}" class="facet-value selected" aria-label="{action}">'
                f'<span aria-hidden="true">☑</span> {escape(label)}</a>'
                f' <span class="count">{v.count}</span></li>')
        else:
            results = escape(translations.ungettext(
                "%(num)d résultat", "%(num)d résultats", v.count) % {"num": v.count})
            items.append(
                f'<li><a href="{href}" class="facet-value"><span aria-hidden="true">☐</span>'
                f' {escape(label)}</a> <span class="count"><span aria-hidden="true">{v.count}'
                f'</span><span class="visually-hidden">{results}</span></span></li>')
    return Markup("\n".join(items))


def url_with(endpoint: str = "public.catalogue", toggle: tuple[str, str] | None = None,
             **replace) -> str:
    """Return the current catalogue URL with one filter value toggled (added, or removed when
    present), or params replaced.

    Changing the filters or the sort goes back to the first page. A search page builds over a
    hundred of these links: the current parameters are encoded once, and a link re-encodes only
    the parameter it changes.
    """
    return _links().url(endpoint, toggle, replace)


class _Links:
    """The current request's parameters, each already encoded, and the endpoints' paths."""

    def __init__(self, args, understood: search.SearchRequest | None = None):
        self.params = {k: args.getlist(k) for k in args}
        if understood is not None:
            # Never the raw values: a 4 KB query repeated in a hundred links makes a huge page.
            values = _understood(understood)
            self.params = {k: values[k] for k in self.params if k in values}
        self.encoded = {k: _encode(k, values) for k, values in self.params.items()}
        self.paths: dict[str, str] = {}

    def url(self, endpoint: str, toggle: tuple[str, str] | None, replace: dict) -> str:
        changed: dict[str, list[str]] = {}
        if toggle is not None:
            name, value = toggle
            current = self.params.get(name, [])
            changed[name] = [v for v in current if v != value] if value in current else [*current, value]
        if toggle is not None or "tri" in replace:
            changed["page"] = []
        for name, value in replace.items():
            changed[name] = [] if value is None else [str(value)]
        path = self.paths.get(endpoint)
        if path is None:
            path = self.paths[endpoint] = url_for(endpoint)
        encoded = self.encoded
        parts = [encoded[k] if k not in changed else _encode(k, changed[k]) for k in encoded]
        parts += [_encode(k, values) for k, values in changed.items() if k not in encoded]
        query = "&".join(part for part in parts if part)
        return f"{path}?{query}" if query else path


def _understood(req: search.SearchRequest) -> dict[str, list[str]]:
    """Return the catalogue's parameters as the search understood them, by name."""
    values = {name: list(req.filters.get(name, ())) for name in search.FILTERS}
    values.update(q=[req.q] if req.q else [], tri=[req.sort], page=[str(req.page)],
                  per_page=[str(req.per_page)], exact=["1"] if req.exact else [])
    return values


def _links() -> _Links:
    if "links" not in g:
        g.links = _Links(request.args)
    return g.links


def _encode(name: str, values: list[str]) -> str:
    return "&".join([_pair(name, v) for v in values])


@lru_cache(maxsize=4096)
def _pair(name: str, value: str) -> str:
    return urlencode(((name, value),))


@bp.get("/exemples/<slug>")
def example(slug: str):
    item = db.session.scalar(
        sa.select(Example).where(Example.slug == slug)
        .options(selectinload(Example.partners).joinedload(Partner.organisation))
    )
    if item is None or not (item.is_published or current_user.is_authenticated):
        abort(404)
    similar = load_cards(search.similar(item.id)) if item.is_published else []
    back = back_to_results(request.args.get("retour"))
    response = make_response(render_template(
        "public/example.html", example=item, similar=similar, back=back,
        history=revisions.history(item) if item.is_published else [],
        # The similar examples keep the way back to the same search.
        back_param=request.args.get("retour") if back else None))
    # An unpublished example is seen by moderators only: never kept by a cache.
    return response if item.is_published else private(response)


@bp.get("/cadre/", endpoint="framework")
def framework_page():
    return render_template(
        "public/cadre/index.html",
        objectives=taxonomy.OBJECTIVES,
        counts=search.facet_counts().get("objectif", {}),
    )


@bp.get("/cadre/objectifs/<code>")
def objective(code: str):
    term = taxonomy.OBJECTIVES.get(code)
    if term is None:
        abort(404)
    req = search.SearchRequest(filters={"objectif": (code,)}, sort="recent", per_page=6)
    results = search.search(req)
    return render_template(
        "public/cadre/objective.html",
        objective=term,
        examples=load_cards(results.ids()),
        count=results.total,
        objectives=taxonomy.OBJECTIVES,
    )


@bp.get("/cadre/chiffres")
def figures():
    # The catalogue's own figures, counted live, beside the studies' (kept apart on the page).
    live = statistics.charts(search.all_ids(search.SearchRequest()))
    groups = framework.grouped(framework.KEY_FIGURES, lambda figure: figure.group)
    return render_template("public/cadre/figures.html", groups=groups,
                           objectives=live["objectifs"], kinds=statistics.kind_counts(live["alliances"]))


@bp.get("/cadre/ressources")
def resources():
    groups = framework.grouped(framework.RESOURCES, lambda resource: resource.purpose)
    return render_template("public/cadre/resources.html", groups=groups)


# The footer's pages: who publishes the site and how to reach them, its accessibility, a map.
@bp.get("/contact")
def contact():
    return render_template("public/about/contact.html", publisher=about.publisher())


@bp.get("/mentions-legales")
def legal_notice():
    return render_template("public/about/legal.html", publisher=about.publisher())


@bp.get("/accessibilite")
def accessibility():
    return render_template("public/about/accessibility.html", publisher=about.publisher(),
                           check=about.LAST_CHECK, pages=about.AUDITED_PAGES.values())


@bp.get("/plan-du-site")
def sitemap():
    return render_template("public/about/sitemap.html", objectives=taxonomy.OBJECTIVES)
