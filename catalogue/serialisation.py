"""Examples as plain data: the import format (public and backup records) and the API's view."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import url_for

from .models import Example
from .validation import TEXT_FIELDS


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


def backup_record(example: Example) -> dict:
    """Return everything about an example: public and private fields, state and journal."""
    record = public_record(example)
    record.update(
        slug=example.slug, state=example.state, created_at=exact_iso(example.created_at),
        updated_at=exact_iso(example.updated_at), published_at=exact_iso(example.published_at),
        revised_at=exact_iso(example.revised_at),
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
    )
    return record


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
