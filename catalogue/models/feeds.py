"""What leaves the catalogue's tables: the index change feed and visitors' saved-search alerts."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..limits import EMAIL_MAX
from .base import UTCDateTime, utcnow


class IndexChange(db.Model):
    """The change feed: an example whose index document may have changed, written in the same
    transaction as the change, and kept for days so that every host's index copy follows it
    (see catalogue.search.feed)."""

    __tablename__ = "index_change"
    # Copies follow the feed by id on SQLite: an id must never be handed out again.
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # PostgreSQL: the writing transaction (pg_current_xact_id), for reading in commit order.
    txid: Mapped[int | None] = mapped_column(sa.BigInteger, index=True)


class Alert(db.Model):
    """A saved search whose newly published examples are mailed to someone who asked for them.

    The address serves this purpose only: the row is deleted on unsubscribe.
    """

    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX), index=True)
    # The catalogue search, as a normalised query string without page or sort.
    query: Mapped[str] = mapped_column(sa.Text, default="")
    # Hash of the token in the confirmation and unsubscribe links.
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When its confirmation mail left: an address gets at most one a day, whoever asks.
    confirm_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Alert {self.id} {'confirmed' if self.confirmed_at else 'pending'}>"
