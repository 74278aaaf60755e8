"""Open data at the site's root: spreadsheet, CSV and JSON exports of a search, its Atom feed,
JSON-LD."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit
from xml.etree import ElementTree as ET

import sqlalchemy as sa
from flask import Blueprint, Response, request, url_for

from . import pictures, search, spreadsheet, taxonomy
from .csvformat import EXPORT_COLUMNS, write_csv
from .extensions import db
from .models import Example, utcnow
from .queries import load_published
from .search import label_of
from .serialisation import example_data, iso

bp = Blueprint("exports", __name__)

FEED_SIZE = 50
ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def searched_examples() -> list[Example]:
    """Return every published example the current catalogue search shows, in its order."""
    req, _ = search.parse_args(request.args)
    return load_published(search.all_ids(req))


def download(body: str | bytes, mimetype: str, extension: str) -> Response:
    response = Response(body, mimetype=mimetype)
    day = utcnow().date().isoformat()
    response.headers["Content-Disposition"] = (
        f"attachment; filename=exemples-alliances-{day}.{extension}"
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/exemples.xlsx")
def xlsx():
    """The search as a spreadsheet for people: named columns, labels instead of codes."""
    return download(spreadsheet.workbook(searched_examples()), spreadsheet.MIMETYPE, "xlsx")


@bp.get("/exemples.csv")
def csv():
    """The search in the import format (codes, the fields' names): `flask import` reads it."""
    records = [example_data(e) for e in searched_examples()]
    return download(write_csv(records, EXPORT_COLUMNS), "text/csv", "csv")


@bp.get("/exemples.json")
def json_export():
    data = [example_data(e) for e in searched_examples()]
    return download(json.dumps(data, ensure_ascii=False, indent=1), "application/json", "json")


# --- Atom ----------------------------------------------------------------------------------


@bp.get("/flux.atom")
def atom():
    req, _ = search.parse_args(request.args)
    results = search.search(replace(req, sort="recent", page=1, per_page=FEED_SIZE))
    examples = with_updates(load_published(results.ids()), req)
    params = {k: request.args.getlist(k) for k in request.args if k not in ("page", "tri")}
    response = Response(
        feed(examples, self_url=url_for("exports.atom", **params, _external=True),
             page_url=url_for("public.catalogue", **params, tri="recent", _external=True),
             title=feed_title(req)),
        mimetype="application/atom+xml",
    )
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def feed_title(req: search.SearchRequest) -> str:
    words = [f"« {req.q} »"] if req.q else []
    for name, values in req.active_filters().items():
        words.extend(label_of(name, value) for value in values)
    title = "Catalogue des alliances : derniers exemples publiés ou mis à jour"
    return f"{title} – {', '.join(words)}" if words else title


def with_updates(newest: list[Example], req: search.SearchRequest) -> list[Example]:
    """Mix the examples of the search whose public text changed lately into the newest ones.

    An approved revision that changed the text (`revised_at`) is news as much as a new example:
    the feed lists both, the latest news first.
    """
    revised = db.session.scalars(
        sa.select(Example)
        .where(Example.state == "published", Example.revised_at.is_not(None))
        .order_by(Example.revised_at.desc(), Example.id.desc())
        .limit(FEED_SIZE)
    ).all()
    shown = {e.id for e in newest}
    if any(e.id not in shown for e in revised):
        matching = set(search.all_ids(req))
        newest = newest + [e for e in revised if e.id in matching and e.id not in shown]
    return sorted(newest, key=_changed, reverse=True)[:FEED_SIZE]


def is_update(example: Example) -> bool:
    """Whether the example's latest news is an update of its text, not its publication."""
    return bool(example.revised_at and example.published_at
                and example.revised_at > example.published_at)


def feed(examples: list[Example], *, self_url: str, page_url: str, title: str) -> bytes:
    """Write an Atom 1.0 feed of examples."""
    # Plain tag names under an xmlns attribute: no prefix, and no global namespace registry.
    root = ET.Element("feed", {"xmlns": ATOM, XML_LANG: "fr"})
    _add(root, "id", self_url)
    _add(root, "title", title)
    updated = max((_changed(e) for e in examples), default=None) or utcnow()
    _add(root, "updated", _atom_time(updated))
    _add(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(root, "link", rel="alternate", type="text/html", href=page_url)
    author = _add(root, "author")
    _add(author, "name", "Catalogue des alliances")
    _add(root, "generator", "Catalogue des alliances")
    host = urlsplit(self_url).hostname or "localhost"
    for example in examples:
        entry = _add(root, "entry")
        published = example.published_at or example.created_at
        # A tag URI, not the page address: it outlives a change of slug.
        _add(entry, "id", f"tag:{host},{published.date().isoformat()}:exemple:{example.id}")
        _add(entry, "title", f"Mise à jour : {example.title}" if is_update(example)
             else example.title)
        _add(entry, "link", rel="alternate", type="text/html",
             href=url_for("public.example", slug=example.slug, _external=True))
        _add(entry, "published", _atom_time(published))
        _add(entry, "updated", _atom_time(_changed(example)))
        _add(entry, "summary", example.summary, type="text")
        for code in example.objectives:
            _add(entry, "category", term=code, label=taxonomy.OBJECTIVES.label(code),
                 scheme=url_for("public.framework", _external=True))
        for code in example.themes:
            _add(entry, "category", term=code, label=taxonomy.THEMES.label(code))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag,
                            {k: _NOT_XML.sub("", v) for k, v in attributes.items()})
    if text is not None:
        element.text = _NOT_XML.sub("", text)
    return element


def _changed(example: Example) -> datetime:
    """Return when the example last changed in public: published, or its text updated."""
    times = [t for t in (example.published_at, example.revised_at) if t is not None]
    return max(times, default=example.created_at)


def _atom_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- schema.org ----------------------------------------------------------------------------


@bp.app_template_global()
def example_jsonld(example: Example) -> dict[str, Any]:
    """Return the schema.org description of an example, for a JSON-LD script in its page."""
    places = [{"@type": "Place", "name": example.locality}] if example.locality else []
    places += [{"@type": "Place", "name": taxonomy.DEPARTEMENTS.label(c), "identifier": c}
               for c in example.departements]
    places += [{"@type": "Place", "name": taxonomy.REGIONS.label(c)} for c in example.regions]
    keywords = [taxonomy.OBJECTIVES.label(c) for c in example.objectives]
    keywords += [taxonomy.THEMES.label(c) for c in example.themes]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "CreativeWork",
        "name": example.title,
        "description": example.summary,
        "url": url_for("public.example", slug=example.slug, _external=True),
        "inLanguage": "fr",
        "keywords": keywords,
        "spatialCoverage": places,
        "contributor": [_partner_jsonld(p) for p in example.partners],
        "isPartOf": {"@type": "WebSite", "name": "Catalogue des alliances",
                     "url": url_for("public.home", _external=True)},
    }
    if example.published_at:
        data["datePublished"] = iso(example.published_at)
        data["dateModified"] = iso(_changed(example))
    if example.start_year or example.end_year:
        # ISO 8601 interval, « .. » for an open or unknown end: 2012/2020, 2012/.., ../2020.
        data["temporalCoverage"] = f"{example.start_year or '..'}/{example.end_year or '..'}"
    if example.website:
        data["sameAs"] = example.website
    cover = pictures.og_image(example.id)
    if cover:
        data["image"] = {"@type": "ImageObject", "url": cover["url"], "width": cover["width"],
                         "height": cover["height"], "caption": cover["alt"]}
    return data


def _partner_jsonld(partner) -> dict[str, Any]:
    """A partner as the contributor of an example: the organisation, named as the example
    names it, identified by its page on the site once it is known."""
    data = {"@type": "Organization", "name": partner.name,
            "description": taxonomy.PARTNER_KINDS.label(partner.kind)}
    if partner.organisation is not None:
        data["@id"] = data["url"] = url_for("public.organisation", slug=partner.organisation.slug,
                                            _external=True)
    return data


# schema.org's types for the kinds that have one; the others are plain organisations.
ORGANISATION_TYPES = {"association": "NGO", "entreprise": "Corporation",
                      "collectivite": "GovernmentOrganization", "public": "GovernmentOrganization",
                      "enseignement-recherche": "EducationalOrganization"}
# ISO 6523 identifier schemes: 0002 is the SIRENE register (SIREN), 0009 its establishments (SIRET).
ISO_6523 = {"siren": "0002", "siret": "0009"}


@bp.app_template_global()
def organisation_jsonld(organisation, examples, logo: pictures.Picture | None = None) -> dict[str, Any]:
    """Return the schema.org description of an organisation, for a JSON-LD script in its page:
    its identifiers, official website (`sameAs`) and the published examples it is part of."""
    page = url_for("public.organisation", slug=organisation.slug, _external=True)
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": ORGANISATION_TYPES.get(organisation.kind, "Organization"),
        "@id": page,
        "url": page,
        "name": organisation.name,
        "description": taxonomy.PARTNER_KINDS.label(organisation.kind),
        "subjectOf": [{"@type": "CreativeWork", "name": e.title,
                       "url": url_for("public.example", slug=e.slug, _external=True)}
                      for e in examples],
    }
    identifiers = [(name, getattr(organisation, name)) for name in ("siren", "siret", "rna", "cog")]
    identifiers = [(name, value) for name, value in identifiers if value]
    if identifiers:
        data["identifier"] = [{"@type": "PropertyValue", "propertyID": name.upper(), "value": value}
                              for name, value in identifiers]
    for name, value in identifiers:
        if name in ISO_6523:
            data["iso6523Code"] = f"{ISO_6523[name]}:{value}"
            break
    if organisation.website:
        data["sameAs"] = organisation.website
    if logo:
        data["logo"] = urljoin(page, logo.large)
    if organisation.commune:
        data["address"] = {"@type": "PostalAddress", "addressLocality": organisation.commune,
                           "addressCountry": "FR"}
    return data
