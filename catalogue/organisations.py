"""Organisations: one record per organisation, whatever the spelling each example gave it."""

from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa

from .extensions import db
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
