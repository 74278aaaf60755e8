"""The organisations' pages: the directory and one organisation with its alliances."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user

from .. import organisation_pages, taxonomy
from ..views import private
from .blueprint import bp


def _paths():
    """Return the list's path and a function giving an organisation's page from its slug.

    A page links to some sixty organisations and filters: url_for once, not sixty times.
    """
    base = url_for("public.organisations")  # an organisation's page is base + slug
    return base, lambda slug: base + quote(slug)


@bp.get("/organisations/")
def organisations():
    req, notices = organisation_pages.parse_list_args(request.args)
    found, more = organisation_pages.listing(req)
    req = found.request
    base, organisation_url = _paths()

    def url(**changed) -> str:
        params = {"q": req.q or None, "type": req.kind, "region": req.region,
                  "tri": req.sort if req.sort != "exemples" else None, "page": None}
        params.update(changed)
        query = urlencode([(k, v) for k, v in params.items() if v])
        return f"{base}?{query}" if query else base

    return render_template("public/organisations.html", found=found, req=req,
                           notices=notices + more, url=url, page_url=lambda page: url(page=page),
                           organisation_url=organisation_url, kinds=taxonomy.PARTNER_KINDS,
                           regions=taxonomy.REGIONS)


@bp.get("/organisations/<slug>")
def organisation(slug: str):
    found, kept = organisation_pages.by_slug(slug)
    if kept is not None:
        return redirect(url_for("public.organisation", slug=kept.slug), 301)
    if found is None:
        abort(404)
    shown = organisation_pages.profile(found)
    # Known once one of its examples is published; before, moderators only.
    if not shown.count and not current_user.is_authenticated:
        abort(404)
    response = make_response(render_template(
        "public/organisation.html", profile=shown, organisation=found,
        identifiers=organisation_pages.identifiers(found), organisation_url=_paths()[1]))
    return response if shown.count else private(response)
