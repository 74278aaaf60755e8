"""The « Organisation » filter: organisations named by slug in the URL, found in the database.

An example's index document holds the slugs of its partners' organisations (field
`organisation`). The URL names an organisation by its slug; the slug of an organisation merged
into another (`OrganisationRedirect`) names the one kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ..extensions import db
from ..models import Organisation, OrganisationRedirect, Partner

FIELD = "organisation"  # the URL parameter and the index field


@dataclass(frozen=True)
class Named:
    """An organisation as the filter knows it."""

    id: int
    slug: str
    name: str


def resolve(slugs: Iterable[str]) -> dict[str, Named]:
    """Return the organisation each slug names (merged slugs: the one kept); unknown ones absent."""
    wanted = set(slugs)
    if not wanted:
        return {}
    columns = (Organisation.id, Organisation.slug, Organisation.name)
    found = {row.slug: Named(*row) for row in db.session.execute(
        sa.select(*columns).where(Organisation.slug.in_(wanted)))}
    missing = wanted - set(found)
    if missing:
        for old, *row in db.session.execute(
            sa.select(OrganisationRedirect.slug, *columns)
            .join(Organisation, Organisation.id == OrganisationRedirect.organisation_id)
            .where(OrganisationRedirect.slug.in_(missing))
        ):
            found[old] = Named(*row)
    return found


def name_of(slug: str) -> str:
    """Return the name of the organisation a slug names (the slug itself when unknown)."""
    named = resolve([slug]).get(slug)
    return named.name if named is not None else slug


def example_ids(organisation_ids: Iterable[int], connection=None) -> list[int]:
    """Return the ids of the examples having a partner of one of these organisations."""
    query = (sa.select(Partner.example_id).distinct()
             .where(Partner.organisation_id.in_(list(organisation_ids))))
    return list((connection or db.session).scalars(query))
