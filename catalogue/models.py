"""Database models: examples and their revisions, partners, events, messages, users, alerts,
reports of errors."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.ext.mutable import MutableList
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db
from .limits import (
    EMAIL_MAX,
    LOCALITY_MAX,
    NAME_MAX,
    PARTNER_NAME_MAX,
    PARTNER_ROLE_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    URL_MAX,
)


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Store naive UTC timestamps and hand back aware ones, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def JSONList():  # noqa: N802 - reads as a column type
    return MutableList.as_mutable(sa.JSON())


class Example(db.Model):
    """One partnership example: public content, private submitter data and moderation state."""

    __tablename__ = "example"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(TITLE_MAX + 20), unique=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    summary: Mapped[str] = mapped_column(sa.String(SUMMARY_MAX))
    description: Mapped[str] = mapped_column(sa.Text)
    results: Mapped[str] = mapped_column(sa.Text, default="")
    lessons: Mapped[str] = mapped_column(sa.Text, default="")
    resources: Mapped[str] = mapped_column(sa.Text, default="")
    transferability: Mapped[str] = mapped_column(sa.Text, default="")
    objectives: Mapped[list[str]] = mapped_column(JSONList(), default=list)
    scale: Mapped[str] = mapped_column(sa.String(20))
    regions: Mapped[list[str]] = mapped_column(JSONList(), default=list)
    departements: Mapped[list[str]] = mapped_column(JSONList(), default=list)
    locality: Mapped[str] = mapped_column(sa.String(LOCALITY_MAX), default="")
    themes: Mapped[list[str]] = mapped_column(JSONList(), default=list)
    odd: Mapped[list[int]] = mapped_column(JSONList(), default=list)
    start_year: Mapped[int | None]
    # The year a finished alliance ended; only with status « termine ».
    end_year: Mapped[int | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="en-cours")
    website: Mapped[str] = mapped_column(sa.String(URL_MAX), default="")
    contact: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    contact_public: Mapped[bool] = mapped_column(default=False)
    # The contributor lets visitors write to them through the catalogue (address never shown).
    accepts_messages: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    submitter_name: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    submitter_email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX), default="")
    submitter_organisation: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    follow_token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # When the contributor erased their details: the follow-up link then says so, not 404.
    details_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Hash of the one-time key of the form that proposed it: that form makes one example only.
    submission_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    # The language of the form the contributor last filled in: their mails speak it.
    language: Mapped[str] = mapped_column(sa.String(8), default="fr", server_default="fr")

    state: Mapped[str] = mapped_column(sa.String(20), default="pending", index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # When an approved revision last changed the public text: the feed and alerts announce it.
    revised_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The yearly check: when « Où en est votre alliance ? » was last mailed to the owner, and
    # when they last confirmed the example (still current, or finished).
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped by every UPDATE: moderators decide on a version, never on a moving target.
    version: Mapped[int] = mapped_column(default=1)

    partners: Mapped[list[Partner]] = relationship(
        back_populates="example", cascade="all, delete-orphan", order_by="Partner.position"
    )
    events: Mapped[list[ModerationEvent]] = relationship(
        back_populates="example",
        cascade="all, delete-orphan",
        order_by="ModerationEvent.id",
        passive_deletes=True,
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Example {self.id} {self.slug!r} {self.state}>"

    @property
    def is_published(self) -> bool:
        return self.state == "published"

    def set_partners(self, partners: list[dict]) -> None:
        """Replace the partners, keeping their order."""
        self.partners = [
            Partner(position=i, name=p["name"], kind=p["kind"], role=p.get("role", ""))
            for i, p in enumerate(partners)
        ]

    def new_follow_token(self) -> str:
        """Give the example a fresh follow-up token and return it; only its hash is kept."""
        token = secrets.token_urlsafe(24)
        self.follow_token_hash = hash_token(token)
        return token


class Partner(db.Model):
    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(
        sa.ForeignKey("example.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(PARTNER_NAME_MAX))
    kind: Mapped[str] = mapped_column(sa.String(30))
    role: Mapped[str] = mapped_column(sa.String(PARTNER_ROLE_MAX), default="")

    example: Mapped[Example] = relationship(back_populates="partners")

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "kind": self.kind, "role": self.role}


class ModerationEvent(db.Model):
    """An append-only journal line: who moved which example from which state to which."""

    __tablename__ = "moderation_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int] = mapped_column(
        sa.ForeignKey("example.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(30), index=True)
    from_state: Mapped[str | None] = mapped_column(sa.String(20))
    to_state: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    # The example's public fields as they were after this event (submissions, edits).
    snapshot: Mapped[dict | None] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    example: Mapped[Example] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


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


class User(UserMixin, db.Model):
    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(20), default="moderator")
    active: Mapped[bool] = mapped_column(default=True)
    # Part of the session identity: changing it ends every session of this user.
    session_nonce: Mapped[str] = mapped_column(
        sa.String(32), default=lambda: secrets.token_hex(16)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    ROLES = ("moderator", "admin")

    def __repr__(self) -> str:
        return f"<User {self.email} {self.role}>"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def name(self) -> str:
        return self.display_name or self.email

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)
        self.end_sessions()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def end_sessions(self) -> None:
        """End every session of this user: the nonce no longer matches, the records go."""
        self.session_nonce = secrets.token_hex(16)
        if self.id is not None:
            db.session.execute(sa.delete(LoginSession).where(LoginSession.user_id == self.id))

    @staticmethod
    def normalize_email(email: str) -> str:
        return "".join(email.split()).casefold()


class LoginSession(db.Model):
    """A logged-in browser session, kept server-side: deleting the row ends every copy of it."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    # Hash of the token kept in the signed session cookie.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


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


def hash_token(token: str) -> str:
    """Return the stored form of a follow-up token."""
    return hashlib.sha256(token.encode()).hexdigest()
