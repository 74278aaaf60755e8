"""What keeps a published example alive: its owner's updates, visitors' messages and reports."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..limits import EMAIL_MAX
from .accounts import User
from .base import UTCDateTime, utcnow
from .examples import Example


class Revision(db.Model):
    """An owner's proposed update of a published example, online only once a moderator approves.

    `data` is the whole record the owner sent (import format); one revision per example is open
    (pending or sent back) at a time.
    """

    __tablename__ = "revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(
        sa.ForeignKey("example.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict] = mapped_column(sa.JSON)
    # pending, approved, rejected or changes_requested
    state: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    # The owner's message to the moderators, then the moderator's answer.
    note: Mapped[str] = mapped_column(sa.Text, default="")
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )

    example: Mapped[Example] = relationship()
    decided_by: Mapped[User | None] = relationship()

    OPEN = ("pending", "changes_requested")

    def __repr__(self) -> str:
        return f"<Revision {self.id} of example {self.example_id} {self.state}>"


class RelayedMessage(db.Model):
    """A visitor's message relayed to the people behind an example: who, when; never the body.

    The sender is kept as a keyed hash of their address: enough to count their messages (the
    rate limits) and to spot a repeated sender, without keeping the address itself.
    """

    __tablename__ = "relayed_message"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(
        sa.ForeignKey("example.id", ondelete="CASCADE"), index=True
    )
    sender_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    example: Mapped[Example] = relationship()


class Report(db.Model):
    """A visitor's report of an error on a published example, handled by a moderator.

    The reporter's address is private: moderators alone see it, and it is erased when the
    report is closed (answered, fixed or dismissed).
    """

    __tablename__ = "report"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(
        sa.ForeignKey("example.id", ondelete="CASCADE"), index=True
    )
    message: Mapped[str] = mapped_column(sa.Text)
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX), default="")
    # The language of the form the visitor filled in: the answer speaks it.
    language: Mapped[str] = mapped_column(sa.String(8), default="fr")
    state: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    handled_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the moderator wrote when closing it: the answer mailed, or a note.
    answer: Mapped[str] = mapped_column(sa.Text, default="")

    example: Mapped[Example] = relationship()
    handled_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Report {self.id} on example {self.example_id} {self.state}>"

    @property
    def is_open(self) -> bool:
        return self.state == "open"
