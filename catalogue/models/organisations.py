"""Organisations: the associations, companies, authorities… that partner in examples."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..limits import LOCALITY_MAX, PARTNER_NAME_MAX, URL_MAX
from .accounts import User
from .base import UTCDateTime, utcnow


class Organisation(db.Model):
    """One organisation, followed across the examples it partners in.

    `key` is its normalised name (`organisations.name_key`): one organisation per key and kind.
    The official identifiers are optional and empty when unknown.
    """

    __tablename__ = "organisation"
    __table_args__ = (sa.UniqueConstraint("key", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(PARTNER_NAME_MAX + 20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(PARTNER_NAME_MAX))
    key: Mapped[str] = mapped_column(sa.String(PARTNER_NAME_MAX), index=True)
    kind: Mapped[str] = mapped_column(sa.String(30), index=True)
    siren: Mapped[str] = mapped_column(sa.String(9), default="")
    siret: Mapped[str] = mapped_column(sa.String(14), default="")
    rna: Mapped[str] = mapped_column(sa.String(10), default="")
    # Code officiel géographique (INSEE) of a collectivité: commune, département or région.
    cog: Mapped[str] = mapped_column(sa.String(5), default="")
    website: Mapped[str] = mapped_column(sa.String(URL_MAX), default="")
    commune: Mapped[str] = mapped_column(sa.String(LOCALITY_MAX), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Partner is named, not imported: examples.py imports this module.
    partners: Mapped[list[Partner]] = relationship(  # noqa: F821
        back_populates="organisation"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.slug!r} {self.kind}>"


class OrganisationRedirect(db.Model):
    """The slug of an organisation merged into another: its old URL leads to the one kept.

    Also the journal of merges: who merged which name, when.
    """

    __tablename__ = "organisation_redirect"

    slug: Mapped[str] = mapped_column(sa.String(PARTNER_NAME_MAX + 20), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(PARTNER_NAME_MAX))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    actor: Mapped[User | None] = relationship()
