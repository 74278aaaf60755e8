"""Organisations: one record per organisation, whatever the spelling each example gave it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import sqlalchemy as sa

from .extensions import db
from .i18n import gettext
from .importing import unique_slug
from .models import Organisation

_NOT_WORD = re.compile(r"[^0-9a-z]+")


def name_key(name: str) -> str:
    """Return the name as compared: no accents, case, punctuation or extra spaces.

    « Mairie de Saint-Étienne » and « mairie de saint etienne » have the same key.
    """
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _NOT_WORD.sub(" ", text).strip()


def find(name: str, kind: str) -> Organisation | None:
    """Return the organisation of that name (as compared) and kind, if there is one."""
    return db.session.scalar(
        sa.select(Organisation).where(Organisation.key == name_key(name), Organisation.kind == kind)
    )


def find_or_create(name: str, kind: str) -> Organisation:
    """Return the organisation of that name and kind, created when new (not committed)."""
    organisation = find(name, kind)
    if organisation is None:
        slug_base = unique_slug(name, set()) if name_key(name) else "organisation"
        taken = set(db.session.scalars(
            sa.select(Organisation.slug).where(Organisation.slug.startswith(slug_base))
        ))
        organisation = Organisation(
            name=name.strip(), key=name_key(name), kind=kind,
            slug=unique_slug(slug_base, taken),
        )
        db.session.add(organisation)
        db.session.flush()
    return organisation


def link_partners(example, choices: Mapping[int, int | None] | None = None) -> None:
    """Give every partner of the example its organisation (not committed).

    `choices` are a moderator's: partner position → organisation id, or None for the
    organisation of the partner's own name and kind (created when new). A partner not in
    `choices` keeps its organisation, or gets the one of its name and kind (created when new).
    Raise ValueError when a chosen organisation no longer exists (merged meanwhile).
    """
    choices = choices or {}
    for partner in example.partners:
        if partner.position in choices and choices[partner.position] is not None:
            chosen = db.session.get(Organisation, choices[partner.position])
            if chosen is None:
                raise ValueError(gettext(
                    "Cette organisation n’existe plus (fusionnée entre-temps ?) : "
                    "rechargez la page et choisissez-en une autre."
                ))
            partner.organisation = chosen
        elif partner.position in choices or partner.organisation is None:
            partner.organisation = find_or_create(partner.name, partner.kind)
