"""Merging two records of the same organisation: one is kept, the other becomes a redirect."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from .extensions import db
from .models import Media, MediaFile, Organisation, OrganisationRedirect, User

log = logging.getLogger(__name__)

# What the kept organisation takes from the merged one when it has none of its own.
FILLED = ("siren", "siret", "rna", "cog", "website", "commune")


class MergeRefused(ValueError):
    """The merge makes no sense (an organisation into itself); the message is in French."""


def merge(merged: Organisation, kept: Organisation, actor: User | None) -> OrganisationRedirect:
    """Merge an organisation into another, in the session (the caller commits).

    Every partner follows to the kept organisation (their examples are re-indexed on commit,
    as any change of a partner is), the merged slug and the slugs that already led to it now
    lead to the kept one in one hop, the kept one takes the identifiers, website, commune and
    logo it lacked, and the redirect row journals who merged which name when.
    """
    if merged.id == kept.id:
        raise MergeRefused("Une organisation ne peut pas être fusionnée avec elle-même.")
    for partner in list(merged.partners):
        partner.organisation = kept
    for name in FILLED:
        if not getattr(kept, name) and getattr(merged, name):
            setattr(kept, name, getattr(merged, name))
    if db.session.scalar(sa.select(Media.id).where(Media.organisation_id == kept.id)) is None:
        db.session.execute(sa.update(Media).where(Media.organisation_id == merged.id)
                           .values(organisation_id=kept.id))
    else:  # explicitly: SQLite does not cascade unless asked
        media_ids = sa.select(Media.id).where(Media.organisation_id == merged.id)
        db.session.execute(sa.delete(MediaFile).where(MediaFile.media_id.in_(media_ids)))
        db.session.execute(sa.delete(Media).where(Media.organisation_id == merged.id))
    db.session.execute(
        sa.update(OrganisationRedirect)
        .where(OrganisationRedirect.organisation_id == merged.id)
        .values(organisation_id=kept.id)
    )
    redirect = OrganisationRedirect(slug=merged.slug, name=merged.name, organisation=kept,
                                    actor=actor)
    db.session.flush()  # partners and older redirects point to the kept one before the delete
    db.session.delete(merged)
    db.session.add(redirect)
    db.session.flush()
    log.info("%s merged organisation %r (%s) into %r (%s)", actor.email if actor else "-",
             redirect.name, redirect.slug, kept.name, kept.slug)
    return redirect


def journal(limit: int = 50) -> list[OrganisationRedirect]:
    """Return the latest merges, newest first."""
    return list(db.session.scalars(
        sa.select(OrganisationRedirect)
        .order_by(OrganisationRedirect.created_at.desc(), OrganisationRedirect.slug)
        .limit(limit)
    ))
