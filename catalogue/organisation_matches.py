"""Entering partners without duplicates: the organisations suggested as a contributor types a
partner's name, the match proposed to the moderator, and the candidates to change it."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from . import taxonomy, workflow
from .extensions import db
from .models import Example, Organisation, Partner
from .organisations import by_slug, link_partners, name_key

SUGGESTIONS_MAX = 8
QUERY_MIN = 2  # characters of the normalised name before anything is suggested
CANDIDATES_MAX = 12
NEW = "nouvelle"  # the choice of a new organisation, in the moderator's form

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


@dataclass
class Match:
    """A partner as written, the organisation proposed for it (None: a new one) and the
    organisations a moderator may pick instead."""

    position: int
    name: str
    kind: str
    proposed: Organisation | None
    candidates: list[Organisation]
    source: str  # why this one: "choice" (contributor's or kept), "name" (same name), "new"


def matches(partners: list[dict]) -> list[Match]:
    """Return the match of each partner (name, kind, and the slug of the organisation chosen by
    the contributor or already linked, if any): that organisation, else the one of the same
    name and kind, else a new one."""
    found = []
    for position, partner in enumerate(partners):
        proposed = by_slug(partner["organisation"]) if partner.get("organisation") else None
        source = "choice"
        if proposed is None:
            proposed = db.session.scalar(sa.select(Organisation).where(
                Organisation.key == name_key(partner["name"]),
                Organisation.kind == partner["kind"]))
            source = "name" if proposed is not None else "new"
        found.append(Match(position, partner["name"], partner["kind"], proposed,
                           candidates(partner["name"], proposed), source))
    return found


def example_partners(example: Example) -> list[dict]:
    """Return an example's partners as `matches` reads them."""
    return [{"name": p.name, "kind": p.kind,
             "organisation": p.organisation.slug if p.organisation else ""}
            for p in example.partners]


def candidates(name: str, proposed: Organisation | None) -> list[Organisation]:
    """Return the organisations a moderator may pick for a partner: the proposed one, those of
    the same name whatever their kind, and those whose name contains it or its longest word."""
    key = name_key(name)
    found: list[Organisation] = [proposed] if proposed is not None else []
    if key:
        word = max(key.split(), key=len)
        stmt = (
            sa.select(Organisation)
            .where(sa.or_(Organisation.key == key,
                          Organisation.key.like("%" + escape_like(key) + "%", escape="\\"),
                          Organisation.key.like("%" + escape_like(word) + "%", escape="\\")))
            .order_by(sa.case((Organisation.key == key, 0), else_=1), _rank(key),
                      Organisation.key, Organisation.id)
            .limit(CANDIDATES_MAX)
        )
        found.extend(o for o in db.session.scalars(stmt) if o not in found)
    return found[:CANDIDATES_MAX]


def read_choices(form, partners: list[dict]) -> dict[int, int | None]:
    """Read the moderator's choice for each partner from the posted form: `organisation-<n>`
    holds an organisation's id, or « nouvelle » for a new one; anything else is no choice."""
    choices: dict[int, int | None] = {}
    for position in range(len(partners)):
        value = form.get(f"organisation-{position}", "")
        if value == NEW:
            choices[position] = None
        elif value.isascii() and value.isdigit() and len(value) < 12:
            choices[position] = int(value)
    return choices


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


def apply_choices(example: Example, choices: dict[int, int | None]) -> None:
    """Link the partners of an example being published as the moderator chose; a choice made
    impossible meanwhile (an organisation merged away) refuses the step, in French."""
    try:
        link_partners(example, choices)
    except ValueError as exc:
        raise workflow.TransitionError(str(exc)) from None

