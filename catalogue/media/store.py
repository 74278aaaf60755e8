"""Store checked pictures and documents as `Media` and `MediaFile` rows; tell pages their URLs."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from flask import url_for

from ..extensions import db
from ..models import Example, Media, MediaFile, Partner
from .documents import check_pdf
from .images import derivatives

# Extension of the URL of each stored type of file (the URL names the content: no sniffing).
EXTENSIONS = {"image/webp": "webp", "image/jpeg": "jpg", "application/pdf": "pdf"}
PICTURE_KINDS = ("photo", "logo")


def store_image(data: bytes, kind: str, **fields) -> Media:
    """Check a picture, make its derivatives and return a new Media holding them.

    `kind` is "photo" or "logo"; `fields` are the Media's other columns (alt, credit, licence,
    position, and its owner: example_id, organisation_id or revision_id). The Media is added to
    the session, not committed: the caller commits with the rest, or rolls back. Raise
    MediaError (nothing added) when the picture is refused.
    """
    if kind not in PICTURE_KINDS:
        raise ValueError(f"not a kind of picture: {kind!r}")
    made = derivatives(data, kind)
    largest = made[-1]
    media = Media(kind=kind, width=largest.width, height=largest.height, **fields)
    media.files = [_file(d.mime, d.data, d.width, d.height) for d in made]
    db.session.add(media)
    return media


def store_document(data: bytes, title: str, **fields) -> Media:
    """Check a PDF document and return a new Media holding it, added to the session.

    `fields` as for store_image. Raise MediaError (nothing added) when the document is refused.
    """
    check_pdf(data)
    media = Media(kind="document", title=title, **fields)
    media.files = [_file("application/pdf", data)]
    db.session.add(media)
    return media


def _file(mime: str, data: bytes, width: int | None = None, height: int | None = None) -> MediaFile:
    return MediaFile(mime=mime, width=width, height=height, size=len(data),
                     sha256=hashlib.sha256(data).hexdigest(), data=data)


def file_url(media_file: MediaFile, external: bool = False) -> str:
    """Return the URL of a stored file: its content hash, so caches may keep it for ever."""
    return url_for("media.file", sha256=media_file.sha256,
                   ext=EXTENSIONS[media_file.mime], _external=external)


def sources(media: Media, external: bool = False) -> dict:
    """Return what an <img> of a picture needs.

    `src`: the middle-width JPEG (every browser shows it); `srcset`: per mime type, the
    candidates "url 480w, url 960w, …" (a <picture> gives WebP first); `width`, `height`: those
    of `src`, for the space the image takes before it loads.
    """
    by_mime: dict[str, list[MediaFile]] = {}
    for f in sorted(media.files, key=lambda f: f.width or 0):
        by_mime.setdefault(f.mime, []).append(f)
    jpegs = by_mime.get("image/jpeg")
    if not jpegs:
        raise ValueError(f"{media!r} is not a picture")
    middle = jpegs[len(jpegs) // 2]
    return {
        "src": file_url(middle, external),
        "srcset": {mime: ", ".join(f"{file_url(f, external)} {f.width}w" for f in files)
                   for mime, files in by_mime.items()},
        "width": middle.width,
        "height": middle.height,
    }


def is_public() -> sa.ColumnElement[bool]:
    """The condition on Media for everyone to see it: an example's media (not a pending
    revision's) once the example is published, or the logo of an organisation partner of a
    published example."""
    published = sa.select(Example.id).where(Example.state == "published")
    partner_of_published = sa.select(Partner.organisation_id).where(
        Partner.example_id.in_(published), Partner.organisation_id.is_not(None))
    return sa.or_(
        sa.and_(Media.revision_id.is_(None), Media.example_id.in_(published)),
        sa.and_(Media.revision_id.is_(None), Media.organisation_id.in_(partner_of_published)),
    )
