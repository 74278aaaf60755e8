"""What the blueprints read of the published catalogue: example cards and whole examples."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Example, Media, Partner

# What an example card shows (templates/public/_example_card.html).
CARD_COLUMNS = (Example.id, Example.slug, Example.title, Example.summary, Example.locality,
                Example.regions, Example.start_year, Example.end_year, Example.status,
                Example.objectives)


def load_cards(ids: list[int]) -> list[sa.Row]:
    """Return what the cards of the published examples among ids show, in the order of the ids.

    Rows rather than ORM objects: a list loads a page of them, and skipping the ORM's
    bookkeeping nearly halves the cost. The index follows the database a moment later: never trust it
    alone to know what is public.
    """
    rows = db.session.execute(
        sa.select(*CARD_COLUMNS).where(Example.id.in_(ids), Example.state == "published"))
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


# What an example's public record shows (serialisation.example_data), loaded with it: partners
# and their organisations, photos and documents (their files' sizes and hashes, not their bytes).
RECORD_LOADING = (
    selectinload(Example.partners).selectinload(Partner.organisation),
    selectinload(Example.media).selectinload(Media.files),
)


def load_published(ids: list[int], batch: int = 500) -> list[Example]:
    """Load the published examples among ids, with their partners, in the order of the ids.

    The index follows the database a moment later: never trust it alone to know what is public.
    """
    by_id: dict[int, Example] = {}
    for start in range(0, len(ids), batch):  # a whole catalogue would overflow one IN (…)
        rows = db.session.scalars(
            sa.select(Example)
            .where(Example.id.in_(ids[start:start + batch]), Example.state == "published")
            .options(*RECORD_LOADING)
        )
        by_id.update((e.id, e) for e in rows)
    return [by_id[i] for i in ids if i in by_id]


def published_count() -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Example.id)).where(Example.state == "published")
    ) or 0
