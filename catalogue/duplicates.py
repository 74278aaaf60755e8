"""Possible duplicates of a submission, for moderators: published and pending examples alike.

Published examples come from the search index (`search.similar_to_text`); pending ones are not
indexed, so the most recent of them are compared directly. Every candidate is then scored the
same way (`search.resemblance`) and only the close ones are kept: a moderator sees the likely
duplicates first and nothing unrelated. Contributors never see this.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from . import search
from .extensions import db
from .models import Example

WAITING = ("pending", "changes_requested")  # submissions not decided yet
PENDING_COMPARED = 500  # the most recent waiting submissions compared with this one
PUBLISHED_COMPARED = 10  # the published examples the index finds closest
THRESHOLD = 0.3  # below this resemblance, two examples are not worth a moderator's look
SHOWN = 5


@dataclass(frozen=True)
class Candidate:
    example: Example
    score: float  # 0 to 1


def likeness_text(example: Example) -> str:
    """Return the words an example is compared by: its title (twice), summary and partners."""
    partners = " ".join(p.name for p in example.partners)
    return "\n".join((example.title, example.title, example.summary, partners))


def possible_duplicates(example: Example, limit: int = SHOWN,
                        threshold: float = THRESHOLD) -> list[Candidate]:
    """Return the published and waiting examples most like this one, closest first."""
    query = "\n".join((example.title, example.summary, example.description))
    published_ids = set(search.similar_to_text(query, PUBLISHED_COMPARED)) - {example.id}
    pool = list(db.session.scalars(
        sa.select(Example)
        .where(Example.id.in_(published_ids), Example.state == "published")
        .options(selectinload(Example.partners))
    )) if published_ids else []
    pool += db.session.scalars(
        sa.select(Example)
        .where(Example.state.in_(WAITING), Example.id != example.id)
        .order_by(Example.created_at.desc(), Example.id.desc())
        .limit(PENDING_COMPARED)
        .options(selectinload(Example.partners))
    )
    scores = search.resemblance(likeness_text(example),
                                {other.id: likeness_text(other) for other in pool})
    ranked = sorted((other for other in pool if scores[other.id] >= threshold),
                    key=lambda other: (-scores[other.id], other.id))
    return [Candidate(other, round(scores[other.id], 2)) for other in ranked[:limit]]
