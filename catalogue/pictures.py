"""What pages show of pictures and documents: card covers, an example's photos and documents.

Pages read the files' metadata only (sizes, hashes): the bytes stay in the database until the
browser asks for `/medias/<sha256>.<ext>`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask_babel import format_decimal

from . import media
from .extensions import db
from .i18n import gettext
from .models import Media

KIB = 1024
# Widest file a card offers: its photo is at most about 22rem wide, 960 px fill it at twice the
# density (phones).
CARD_WIDEST = 960


@dataclass(frozen=True)
class Picture:
    """A photo or a logo ready for a <picture>: its sources, what it shows, who made it."""

    src: str
    srcset: dict[str, str]  # mime type → "url 480w, url 960w, …"
    width: int
    height: int
    alt: str
    credit: str
    licence: str
    large: str  # URL of the largest JPEG: a click on a gallery photo opens it

    def upto(self, width: int) -> Picture:
        """Return the picture offered at widths up to `width` only: a card never needs more, and
        each candidate written costs its URL in the page."""
        def keep(candidates: str) -> str:
            kept = [c for c in candidates.split(", ") if int(c.rsplit(" ", 1)[1][:-1]) <= width]
            return ", ".join(kept or candidates.split(", ")[:1])
        return replace(self, srcset={mime: keep(c) for mime, c in self.srcset.items()})

    @property
    def webp(self) -> str:
        return self.srcset.get("image/webp", "")

    @property
    def jpeg(self) -> str:
        return self.srcset.get("image/jpeg", "")


@dataclass(frozen=True)
class Document:
    """A PDF attached to an example, as its page lists it."""

    title: str
    url: str
    size: int


@dataclass(frozen=True)
class Shown:
    """The photos and documents of one example page."""

    cover: Picture | None
    gallery: list[Picture]
    documents: list[Document]


def _with_files(query: sa.Select) -> sa.Select:
    # The files' bytes are not needed to write a page: leave them in the database.
    return query.options(sa.orm.selectinload(Media.files))


def picture(item: Media) -> Picture:
    """Return what a page needs to show a stored picture."""
    found = media.sources(item)
    jpegs = [f for f in item.files if f.mime == "image/jpeg"]
    largest = max(jpegs, key=lambda f: f.width or 0)
    return Picture(src=found["src"], srcset=found["srcset"], width=found["width"],
                   height=found["height"], alt=item.alt, credit=item.credit,
                   licence=item.licence, large=media.file_url(largest))


def card_covers(cards: Iterable) -> dict[int, Picture]:
    """Return the cover photo of each example among the cards that has one, by example id."""
    ids = [card.id for card in cards]
    if not ids:
        return {}
    covers = db.session.scalars(_with_files(
        sa.select(Media).where(Media.example_id.in_(ids), Media.kind == "photo",
                               Media.position == 0)))
    return {cover.example_id: picture(cover).upto(CARD_WIDEST) for cover in covers}


def example_media(example_id: int) -> Shown:
    """Return the photos (the cover, then the gallery) and documents of an example."""
    items = db.session.scalars(_with_files(
        sa.select(Media).where(Media.example_id == example_id,
                               Media.kind.in_(("photo", "document")))
        .order_by(Media.kind, Media.position, Media.id))).all()
    photos = [picture(m) for m in items if m.kind == "photo"]
    documents = [Document(m.title, media.file_url(m.files[0]), m.files[0].size)
                 for m in items if m.kind == "document" and m.files]
    return Shown(photos[0] if photos else None, photos[1:], documents)


def og_image(example_id: int) -> dict | None:
    """Return the absolute URL, size and alt text of the largest JPEG of an example's cover."""
    cover = db.session.scalar(_with_files(
        sa.select(Media).where(Media.example_id == example_id, Media.kind == "photo",
                               Media.position == 0)))
    if cover is None:
        return None
    jpegs = [f for f in cover.files if f.mime == "image/jpeg"]
    if not jpegs:
        return None
    largest = max(jpegs, key=lambda f: f.width or 0)
    return {"url": media.file_url(largest, external=True), "width": largest.width,
            "height": largest.height, "alt": cover.alt}


def file_size(size: int) -> str:
    """Write a file's size for people, in the page's language: 1,2 Mo, 340 Ko (1.2 MB, 340 KB), the
    number and its unit held together by a no-break space."""
    if size < KIB * KIB:
        return gettext("%(size)s Ko", size=format_decimal(max(1, round(size / KIB))))
    return gettext("%(size)s Mo", size=format_decimal(size / (KIB * KIB), format="#,##0.0"))


def logo(organisation_id: int) -> Picture | None:
    """Return an organisation's logo, if it has one (templates/macros/pictures.html `logo`)."""
    found = db.session.scalar(_with_files(
        sa.select(Media).where(Media.organisation_id == organisation_id, Media.kind == "logo")
        .order_by(Media.id.desc())))
    return picture(found) if found is not None else None
