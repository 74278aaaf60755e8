"""The yearly check: owners are asked « Où en est votre alliance ? »; old information is flagged.

An example's information dates from its publication, its last approved update (`revised_at`)
or its owner's last confirmation (`confirmed_at`), whichever is latest. A year after that date,
and a year after the last reminder, `send_reminders` mails the owner a fresh follow-up link;
after three years the example is « à actualiser » for moderators and says so to visitors.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext

from . import i18n, mail, workflow
from .extensions import db
from .models import Example, utcnow

REMIND_EVERY = timedelta(days=365)
STALE_AFTER = timedelta(days=3 * 365)


def information_date(example) -> datetime | None:
    """Return when the example's information was last published, updated or confirmed."""
    moments = [m for m in (example.published_at, example.revised_at, example.confirmed_at) if m]
    return max(moments) if moments else None


def is_stale(example, now: datetime | None = None) -> bool:
    """Whether a published example has been neither updated nor confirmed for three years."""
    since = information_date(example)
    return example.state == "published" and since is not None and \
        since <= (now or utcnow()) - STALE_AFTER


def _older_than(cutoff: datetime) -> sa.ColumnElement[bool]:
    """Published examples whose information dates from `cutoff` or before."""
    return sa.and_(
        Example.state == "published",
        Example.published_at <= cutoff,
        sa.or_(Example.revised_at.is_(None), Example.revised_at <= cutoff),
        sa.or_(Example.confirmed_at.is_(None), Example.confirmed_at <= cutoff),
    )


def stale_clause(now: datetime | None = None) -> sa.ColumnElement[bool]:
    """The SQL condition of `is_stale`, for the moderation queue."""
    return _older_than((now or utcnow()) - STALE_AFTER)


def due(now: datetime) -> list[int]:
    """Return the ids of the examples whose owner is to be asked today."""
    cutoff = now - REMIND_EVERY
    return list(db.session.scalars(
        sa.select(Example.id)
        .where(_older_than(cutoff), Example.submitter_email != "",
               Example.details_erased_at.is_(None),
               sa.or_(Example.reminded_at.is_(None), Example.reminded_at <= cutoff))
        .order_by(Example.id)
    ))


def send_reminders(now: datetime | None = None) -> dict[str, int]:
    """Mail each owner whose example is due, once; return how many were sent and failed.

    Idempotent: the reminder's time is committed with the new link, only once the mail left;
    a run the same day finds nothing more to send. A failed mail is tried again next run.
    """
    now = now or utcnow()
    counts = {"sent": 0, "failed": 0}
    for example_id in due(now):
        example = db.session.get(Example, example_id)
        token = example.new_follow_token()  # only its hash is kept: the mail carries a new one
        example.reminded_at = now
        with i18n.language_locale(example.language):
            sent = mail.send(example.submitter_email,
                             gettext("Où en est votre alliance ? « %(title)s »", title=example.title),
                             "reminder", example=example, link=mail.follow_url(token))
        if sent:
            db.session.commit()
            counts["sent"] += 1
        else:
            db.session.rollback()
            counts["failed"] += 1
    return counts


def confirm(example: Example, end_year: int | None = None, finished: bool = False) -> str | None:
    """Record the owner's answer: still current, or finished (with its end year if known).

    Both count as a confirmation; journaled. Return None, or why it was refused.
    """
    def change(example: Example) -> None:
        example.confirmed_at = utcnow()
        if finished:
            example.status, example.end_year = "termine", end_year

    comment = ("Alliance terminée selon son porteur" + (f" (fin : {end_year})" if end_year else "")
               if finished else "Informations confirmées toujours d’actualité par leur porteur")
    return workflow.step(example, "confirm", comment=comment + ".", change=change)
