"""An example, its partners and the journal of its moderation."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..limits import (
    EMAIL_MAX,
    LOCALITY_MAX,
    NAME_MAX,
    PARTNER_NAME_MAX,
    PARTNER_ROLE_MAX,
    SUMMARY_MAX,
    TITLE_MAX,
    URL_MAX,
)
from .accounts import User
from .base import JSONList, UTCDateTime, hash_token, utcnow
from .media import Media
from .organisations import Organisation


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
    # Photos (position 0 is the cover) and documents; not those of a pending owner's update.
    media: Mapped[list[Media]] = relationship(
        primaryjoin="and_(Media.example_id == Example.id, Media.revision_id.is_(None))",
        order_by="(Media.kind, Media.position)",
        cascade="all, delete-orphan",
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
    # The organisation this partner is; None until a moderator confirms the match of a submission.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True
    )

    example: Mapped[Example] = relationship(back_populates="partners")
    organisation: Mapped[Organisation | None] = relationship(back_populates="partners")

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
