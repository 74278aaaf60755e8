"""Examples as plain data: the import format (public and backup records) and the API's view."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flask import url_for

from .models import Example, Organisation, OrganisationRedirect, Report, Revision
from .validation import BACKUP_TIMES, TEXT_FIELDS


def public_record(example: Example) -> dict:
    """Return the public fields of an example in the import format."""
    record: dict[str, Any] = {name: getattr(example, name) for name in TEXT_FIELDS}
    record.update(
        objectives=list(example.objectives), scale=example.scale, regions=list(example.regions),
        departements=list(example.departements), locality=example.locality,
        partners=[p.as_dict() for p in example.partners], themes=list(example.themes),
        odd=list(example.odd), start_year=example.start_year, end_year=example.end_year,
        status=example.status,
        website=example.website,
    )
    return record


def backup_record(example: Example, revisions: Iterable[Revision] = (),
                  reports: Iterable[Report] = ()) -> dict:
    """Return everything about an example: public and private fields, state, journal, and
    its owner's proposed updates and visitors' reports."""
    record = public_record(example)
    for item, partner in zip(record["partners"], example.partners, strict=True):
        if partner.organisation is not None:
            item["organisation"] = partner.organisation.slug
    record.update(
        slug=example.slug, state=example.state, created_at=exact_iso(example.created_at),
        updated_at=exact_iso(example.updated_at), published_at=exact_iso(example.published_at),
        **{name: exact_iso(getattr(example, name)) for name in BACKUP_TIMES},
        contact=example.contact, contact_public=example.contact_public,
        accepts_messages=example.accepts_messages,
        submitter_name=example.submitter_name, submitter_email=example.submitter_email,
        submitter_organisation=example.submitter_organisation,
        follow_token_hash=example.follow_token_hash, language=example.language,
        history=[
            {
                "action": e.action, "actor": e.actor.email if e.actor else None,
                "from_state": e.from_state, "to_state": e.to_state, "comment": e.comment,
                "snapshot": e.snapshot, "created_at": exact_iso(e.created_at),
            }
            for e in example.events
        ],
        revisions=[
            {"data": r.data, "state": r.state, "note": r.note, "comment": r.comment,
             "created_at": exact_iso(r.created_at), "decided_at": exact_iso(r.decided_at),
             "decided_by": r.decided_by.email if r.decided_by else None}
            for r in revisions
        ],
        reports=[
            {"message": r.message, "email": r.email, "language": r.language, "state": r.state,
             "created_at": exact_iso(r.created_at), "handled_at": exact_iso(r.handled_at),
             "handled_by": r.handled_by.email if r.handled_by else None, "answer": r.answer}
            for r in reports
        ],
    )
    return record


def organisation_record(organisation: Organisation) -> dict:
    """Return an organisation as a backup carries it (`organisations`)."""
    return {
        "slug": organisation.slug, "name": organisation.name, "kind": organisation.kind,
        "siren": organisation.siren, "siret": organisation.siret, "rna": organisation.rna,
        "cog": organisation.cog, "website": organisation.website,
        "commune": organisation.commune, "created_at": exact_iso(organisation.created_at),
        "updated_at": exact_iso(organisation.updated_at),
    }


def redirect_record(redirect: OrganisationRedirect) -> dict:
    """Return the slug of an organisation merged into another, as a backup carries it."""
    return {
        "slug": redirect.slug, "name": redirect.name, "organisation": redirect.organisation.slug,
        "actor": redirect.actor.email if redirect.actor else None,
        "created_at": exact_iso(redirect.created_at),
    }


def exact_iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


def iso(moment: datetime | None) -> str | None:
    """Return a time for people and the API: UTC, to the second."""
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z") if moment else None


def example_data(example: Example) -> dict[str, Any]:
    """Return the public representation of a published example, with absolute URL."""
    data = public_record(example)
    data.update(
        id=example.id,
        slug=example.slug,
        url=url_for("public.example", slug=example.slug, _external=True),
        contact=example.contact if example.contact_public and example.contact else None,
        published_at=iso(example.published_at),
    )
    return data
