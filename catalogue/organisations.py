"""Organisations: one record per organisation, whatever the spelling each example gave it.

A partner of an example refers to its organisation. Every entry path keeps that link:
`set_partners` carries it over when an example's partners are rewritten, and
`link_partners` gives one to each partner still without, which `workflow.transition` does
whenever an example is (still) published, so no published partner is left without.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import sqlalchemy as sa
from slugify import slugify
from sqlalchemy.dialects import postgresql, sqlite

from .extensions import db
from .i18n import gettext
from .models import Example, Organisation, OrganisationRedirect

_NOT_WORD = re.compile(r"[^0-9a-z]+")
SLUG_MAX = 80
# Words the organisations' URLs already use: /api/v1/organisations/suggestions.
RESERVED_SLUGS = frozenset({"suggestions"})


def name_key(name: str) -> str:
    """Return the name as compared: no accents, case, punctuation or extra spaces.

    « Mairie de Saint-Étienne » and « mairie de saint etienne » have the same key, and so do
    « Restos du Cœur » and « restos du coeur ».
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("œ", "oe").replace("æ", "ae")  # ligatures NFKD leaves whole
    return _NOT_WORD.sub(" ", text).strip()


def find(name: str, kind: str) -> Organisation | None:
    """Return the organisation of that name (as compared) and kind, if there is one.

    A name merged into another organisation finds the one it was merged into.
    """
    key = name_key(name)
    found = db.session.scalar(
        sa.select(Organisation).where(Organisation.key == key, Organisation.kind == kind)
    )
    if found is None:
        merged = db.session.scalars(
            sa.select(OrganisationRedirect)
            .join(Organisation, Organisation.id == OrganisationRedirect.organisation_id)
            .where(Organisation.kind == kind)
            .order_by(OrganisationRedirect.created_at.desc())
        )
        found = next((r.organisation for r in merged if name_key(r.name) == key), None)
    return found


def find_or_create(name: str, kind: str) -> Organisation:
    """Return the organisation of that name and kind, created when new (not committed).

    The new row is written at once, apart from the session's pending changes (an example
    being built is written once, by the caller). Two transactions creating the same
    organisation at the same moment (two hosts approving) do not collide: the second waits
    for the first and takes its row.
    """
    for _ in range(5):
        organisation = find(name, kind)
        if organisation is not None:
            return organisation
        created = db.session.execute(
            _insert_unless_taken(slug=_free_slug(name), name=name.strip(), key=name_key(name),
                                 kind=kind)
        ).scalar()
        if created is not None:
            return db.session.get(Organisation, created)
        # Taken meanwhile: its name and kind (found next time round), or only its slug.
    raise RuntimeError(f"no free slug for the organisation {name!r}")


def _free_slug(name: str) -> str:
    base = slugify(name, max_length=SLUG_MAX, word_boundary=True) or "organisation"
    pattern = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    taken = set(db.session.scalars(
        sa.select(Organisation.slug).where(Organisation.slug.like(pattern, escape="\\"))
    )) | set(db.session.scalars(  # an old URL keeps leading to where it was merged
        sa.select(OrganisationRedirect.slug)
        .where(OrganisationRedirect.slug.like(pattern, escape="\\"))
    )) | RESERVED_SLUGS
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _insert_unless_taken(**values) -> sa.Insert:
    """INSERT … ON CONFLICT DO NOTHING RETURNING id, in the database's dialect: the id, or no
    row when the name and kind or the slug are taken (by a transaction committed meanwhile)."""
    table = Organisation.__table__  # Core, not ORM: nothing pending is flushed with it
    dialect = db.session.get_bind().dialect.name
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[dialect]
    return insert(table).values(**values).on_conflict_do_nothing().returning(table.c.id)


def by_slug(slug: str) -> Organisation | None:
    """Return the organisation of that slug, following the slug of one merged into another."""
    found = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if found is None:
        redirect = db.session.get(OrganisationRedirect, slug)
        found = redirect.organisation if redirect is not None else None
    return found


def set_partners(example: Example, partners: list[dict]) -> None:
    """Replace the example's partners, each keeping its organisation.

    That is the organisation the record names (`organisation`: its slug), else the one the
    partner of the same name (as compared) and kind had. A renamed partner has none until
    `link_partners` matches it again.
    """
    before = {
        (name_key(p.name), p.kind): p.organisation
        for p in example.partners
        if p.organisation is not None
    }
    # Look everything up before changing anything: a query would flush half-made partners.
    named = [by_slug(item["organisation"]) if item.get("organisation") else None
             for item in partners]
    example.set_partners(partners)
    for partner, organisation in zip(example.partners, named, strict=True):
        partner.organisation = organisation or before.get((name_key(partner.name), partner.kind))


def link_partners(example: Example, choices: Mapping[int, int | None] | None = None) -> None:
    """Give every partner of the example its organisation (not committed).

    `choices` are a moderator's: partner position → organisation id (the partner takes its
    kind), or None for the organisation of the partner's own name and kind (created when new).
    A partner not in `choices` keeps its organisation, or gets the one of its name and kind
    (created when new).
    Raise ValueError when a chosen organisation no longer exists (merged meanwhile).
    """
    choices = choices or {}
    unlinked = []
    with db.session.no_autoflush:  # the example is written once, by the caller's commit
        for partner in example.partners:
            if partner.position in choices and choices[partner.position] is not None:
                chosen = db.session.get(Organisation, choices[partner.position])
                if chosen is None:
                    raise ValueError(gettext(
                        "Cette organisation n’existe plus (fusionnée entre-temps ?) : "
                        "rechargez la page et choisissez-en une autre."
                    ))
                # The partner is that organisation: it takes its kind too (a moderator may pick
                # « France Travail », public body, for a partner typed as an association).
                partner.organisation, partner.kind = chosen, chosen.kind
            elif partner.position in choices or partner.organisation is None:
                unlinked.append(partner)
        # In one order everywhere: two transactions creating the same new organisations wait
        # for each other instead of deadlocking.
        for partner in sorted(unlinked, key=lambda p: (name_key(p.name), p.kind)):
            partner.organisation = find_or_create(partner.name, partner.kind)
