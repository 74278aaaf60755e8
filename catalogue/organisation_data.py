"""Organisations as open data: the API's view of the directory and of one organisation.

Read from `organisation_pages` (what the public pages show): only organisations with a
published example, only published examples, nothing of whoever proposed one.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from . import organisation_pages, search, taxonomy
from .extensions import db
from .models import Example, Media, Organisation, Partner
from .search.request import clean
from .serialisation import picture_data

IDENTIFIERS = ("siren", "siret", "rna", "cog")


def parse_list_args_strict(args) -> organisation_pages.ListRequest:
    """Read the list's query string (q, type, region, tri, page); raise search.BadParameter
    naming the first parameter that the public page would have had to fix."""
    def value(name: str) -> str:
        return clean(str(args.get(name, "")))

    q = value("q")
    if len(q) > organisation_pages.Q_MAX:
        raise search.BadParameter("q", f"q ne doit pas dépasser {organisation_pages.Q_MAX} "
                                       "caractères.")
    for name, vocabulary in (("type", taxonomy.PARTNER_KINDS), ("region", taxonomy.REGIONS)):
        if value(name) and value(name) not in vocabulary:
            raise search.BadParameter(name, f"{name} inconnu « {value(name)[:40]} ».")
    if value("tri") and value("tri") not in organisation_pages.SORTS:
        raise search.BadParameter("tri", "tri doit valoir « exemples » ou « nom ».")
    page = value("page") or "1"
    if not (page.isascii() and page.isdigit() and int(page) >= 1):
        raise search.BadParameter("page", "page doit être un nombre entier à partir de 1.")
    return organisation_pages.ListRequest(q, value("type") or None, value("region") or None,
                                          value("tri") or "exemples", int(page))


def listing_data(req: organisation_pages.ListRequest) -> dict[str, Any] | None:
    """Return a page of the directory as data, None for a page beyond the last."""
    found, _ = organisation_pages.listing(req)
    if found.request.page != req.page:
        return None
    ids = [o.id for o in found.organisations]
    records, logos = _records(ids), _logos(ids)
    return {
        "total": found.total,
        "page": found.request.page,
        "pages": found.pages,
        "per_page": organisation_pages.PER_PAGE,
        "results": [summary(records[o.id], o.count, logos.get(o.id))
                    for o in found.organisations],
        "facets": {
            "type": _facet(taxonomy.PARTNER_KINDS, found.kinds, req.kind),
            "region": _facet(taxonomy.REGIONS, found.regions, req.region),
        },
    }


def summary(organisation: Organisation, count: int, logo: Media | None) -> dict[str, Any]:
    """Return an organisation's record: names, kind, identifiers, links, published examples."""
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "kind": organisation.kind,
        **{name: getattr(organisation, name) or None for name in IDENTIFIERS},
        "website": organisation.website or None,
        "commune": organisation.commune or None,
        "logo": picture_data(logo) if logo is not None else None,
        "examples_count": count,
        **links(organisation.slug),
    }


def links(slug: str) -> dict[str, str]:
    """Return an organisation's page, its API record and its examples in the catalogue."""
    return {
        "url": url_for("public.organisation", slug=slug, _external=True),
        "api_url": url_for("api.organisation", slug=slug, _external=True),
        "examples_url": url_for("public.catalogue", organisation=slug, _external=True),
    }


def profile_data(organisation: Organisation) -> dict[str, Any] | None:
    """Return one organisation with its published examples, the régions they act in and the
    organisations it partnered with (None when it has no published example)."""
    shown = organisation_pages.profile(organisation)
    if not shown.count:
        return None
    examples = db.session.execute(
        sa.select(Example.id, Example.slug, Example.title)
        .where(Example.state == "published",
               Example.id.in_(sa.select(Partner.example_id)
                              .where(Partner.organisation_id == organisation.id)))
        .order_by(Example.published_at.desc(), Example.id.desc())
    ).all()
    return {
        **summary(organisation, shown.count, _logos([organisation.id]).get(organisation.id)),
        "regions": [{"code": code, "count": n} for code, n in shown.regions],
        "examples": [
            {"id": e.id, "title": e.title,
             "url": url_for("public.example", slug=e.slug, _external=True),
             "api_url": url_for("api.example", example_id=e.id, _external=True)}
            for e in examples
        ],
        "partners_with": [
            {"slug": row.slug, "name": row.name, "kind": row.kind, "shared_examples": shared,
             "url": url_for("public.organisation", slug=row.slug, _external=True),
             "api_url": url_for("api.organisation", slug=row.slug, _external=True)}
            for row, shared in shown.allies
        ],
        "partners_with_total": shown.allies_total,
    }


def _records(ids: list[int]) -> dict[int, Organisation]:
    return {o.id: o for o in db.session.scalars(sa.select(Organisation)
                                                .where(Organisation.id.in_(ids)))} if ids else {}


def _facet(vocabulary, counts: dict[str, int], chosen: str | None) -> list[dict[str, Any]]:
    return [{"value": code, "label": vocabulary.label(code), "count": n, "selected": code == chosen}
            for code, n in counts.items()]


def _logos(organisation_ids: list[int]) -> dict[int, Media]:
    """Return the logo of each of these organisations that has one (its files' bytes not read)."""
    if not organisation_ids:
        return {}
    return {m.organisation_id: m for m in db.session.scalars(
        sa.select(Media)
        .where(Media.organisation_id.in_(organisation_ids), Media.kind == "logo")
        .options(selectinload(Media.files))
        .order_by(Media.id))}
