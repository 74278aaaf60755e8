"""Pictures and documents of examples and organisations, stored in the database."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow

ALT_MAX = 300
CREDIT_MAX = 200
DOCUMENT_TITLE_MAX = 200


class Media(db.Model):
    """A photo or a PDF document of an example, or an organisation's logo.

    It belongs to exactly one of an example, an organisation or an owner's pending revision (which
    gives it to the example when approved). Photo position 0 is the cover.
    """

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    example_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("example.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    revision_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("revision.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))  # photo, document or logo
    position: Mapped[int] = mapped_column(default=0)
    alt: Mapped[str] = mapped_column(sa.String(ALT_MAX), default="")
    credit: Mapped[str] = mapped_column(sa.String(CREDIT_MAX), default="")
    licence: Mapped[str] = mapped_column(sa.String(30), default="")
    title: Mapped[str] = mapped_column(sa.String(DOCUMENT_TITLE_MAX), default="")
    # Of the image as re-encoded (photos, logos); of the file as sent (documents).
    width: Mapped[int | None]
    height: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    files: Mapped[list[MediaFile]] = relationship(
        back_populates="media", cascade="all, delete-orphan", order_by="MediaFile.id",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<Media {self.id} {self.kind} {self.position}>"


class MediaFile(db.Model):
    """One stored file of a media: an image derivative (format and width) or the PDF itself.

    Served at a URL made from its content hash, so it can be cached for ever.
    """

    __tablename__ = "media_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(
        sa.ForeignKey("media.id", ondelete="CASCADE"), index=True
    )
    mime: Mapped[str] = mapped_column(sa.String(50))  # image/webp, image/jpeg, application/pdf
    width: Mapped[int | None]
    height: Mapped[int | None]
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    # Read only when the file itself is wanted: listings of media never load their bytes.
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)

    media: Mapped[Media] = relationship(back_populates="files")
