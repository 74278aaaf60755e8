"""Entering partners without duplicates: the organisations suggested as a contributor types a
partner's name, the match proposed to the moderator, and the candidates to change it."""

from __future__ import annotations

import re

import sqlalchemy as sa

from . import taxonomy
from .extensions import db
from .models import Example, Organisation, Partner
from .organisations import name_key

SUGGESTIONS_MAX = 8
QUERY_MIN = 2  # characters of the normalised name before anything is suggested
CANDIDATES_MAX = 12

def escape_like(text: str) -> str:
    """Escape the wildcards of LIKE (with `escape="\\"`)."""
    return re.sub(r"([\\%_])", r"\\\1", text)


def _rank(key: str):
    """Order: the name starts with the text, then one of its words does, then it contains it."""
    return sa.case(
        (Organisation.key.like(escape_like(key) + "%", escape="\\"), 0),
        (Organisation.key.like("% " + escape_like(key) + "%", escape="\\"), 1),
        else_=2,
    )


def suggest(text: str, kind: str | None = None) -> list[dict]:
    """Return up to 8 organisations having a published example whose name contains the text
    (accents, case and punctuation aside), those starting with it first, then the busiest."""
    key = name_key(text)
    if len(key) < QUERY_MIN:
        return []
    examples = sa.func.count(sa.distinct(Example.id)).label("examples")
    stmt = (
        sa.select(Organisation, examples)
        .join(Partner, Partner.organisation_id == Organisation.id)
        .join(Example, Example.id == Partner.example_id)
        .where(Example.state == "published",
               Organisation.key.like("%" + escape_like(key) + "%", escape="\\"))
        .group_by(Organisation.id)
        .order_by(_rank(key), examples.desc(), Organisation.key, Organisation.id)
        .limit(SUGGESTIONS_MAX)
    )
    if kind:
        stmt = stmt.where(Organisation.kind == kind)
    return [
        {
            "slug": organisation.slug,
            "name": organisation.name,
            "kind": organisation.kind,
            "kind_label": taxonomy.PARTNER_KINDS.label(organisation.kind),
            "commune": organisation.commune,
            "examples": count,
        }
        for organisation, count in db.session.execute(stmt)
    ]


def proposed_match(partner: Partner) -> Organisation | None:
    """Return the organisation proposed for a partner: the contributor's choice (or the link it
    has), else the organisation of the same name and kind; None means a new one."""
    if partner.organisation is not None:
        return partner.organisation
    return db.session.scalar(sa.select(Organisation).where(
        Organisation.key == name_key(partner.name), Organisation.kind == partner.kind))


def candidates(partner: Partner) -> list[Organisation]:
    """Return the organisations a moderator may pick for a partner: the proposed one, those of
    the same name whatever their kind, and those whose name contains it or its first word."""
    key = name_key(partner.name)
    found: list[Organisation] = []
    proposed = proposed_match(partner)
    if proposed is not None:
        found.append(proposed)
    if key:
        first_word = max(key.split(), key=len)
        stmt = (
            sa.select(Organisation)
            .where(sa.or_(Organisation.key == key,
                          Organisation.key.like("%" + escape_like(key) + "%", escape="\\"),
                          Organisation.key.like("%" + escape_like(first_word) + "%", escape="\\")))
            .order_by(sa.case((Organisation.key == key, 0), else_=1), _rank(key),
                      Organisation.key, Organisation.id)
            .limit(CANDIDATES_MAX)
        )
        found.extend(o for o in db.session.scalars(stmt) if o not in found)
    return found[:CANDIDATES_MAX]


def similar(organisation: Organisation) -> list[Organisation]:
    """Return other organisations that may be the same one (to merge): same name whatever the
    kind, or a name containing its longest word."""
    key = organisation.key
    if not key:
        return []
    word = max(key.split(), key=len)
    stmt = (
        sa.select(Organisation)
        .where(Organisation.id != organisation.id,
               sa.or_(Organisation.key == key,
                      Organisation.key.like("%" + escape_like(word) + "%", escape="\\")))
        .order_by(sa.case((Organisation.key == key, 0), else_=1), _rank(key),
                  Organisation.key, Organisation.id)
        .limit(CANDIDATES_MAX)
    )
    return list(db.session.scalars(stmt))
