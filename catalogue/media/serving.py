"""Serve stored files at /medias/<sha256>.<ext>, from this host's disk cache or the database.

The files live in the database, so every host sharing it serves the same ones; each host keeps
a copy of what it served under MEDIA_CACHE_DIR and serves that copy next time. The URL names the
content, so a public file is cached for ever; a file nobody may see yet is 404 for the public.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, send_file
from flask_login import current_user
from slugify import slugify

from ..extensions import db
from ..models import Example, Media, MediaFile, Partner
from .store import EXTENSIONS

log = logging.getLogger(__name__)

bp = Blueprint("media", __name__)

MIMES = {ext: mime for mime, ext in EXTENSIONS.items()}
HEX = frozenset("0123456789abcdef")
PUBLIC_CACHE = "public, max-age=31536000, immutable"


@bp.get("/medias/<sha256>.<ext>")
def file(sha256: str, ext: str):
    """Answer a stored file: 200 (or 304), 404 when it is unknown or not public."""
    mime = MIMES.get(ext)
    if mime is None or len(sha256) != 64 or not HEX.issuperset(sha256):
        abort(404)
    public = db.session.execute(_query(sha256, mime).where(is_public())).first()
    found = public or (current_user.is_authenticated
                       and db.session.execute(_query(sha256, mime)).first())
    if not found:
        abort(404)
    media_file_id, title = found
    path = cache_path(sha256, ext)
    source = path if _cached(path, media_file_id) else _load(media_file_id, path)
    response = send_file(source, mimetype=mime, etag=sha256, conditional=True, max_age=None)
    response.headers["Cache-Control"] = PUBLIC_CACHE if public else "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if mime == "application/pdf":
        name = slugify(title or "", max_length=80, word_boundary=True) or "document"
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@bp.after_request
def _no_cached_refusal(response):
    # A 404 may become a 200 when the example is published: no cache may keep the refusal.
    if response.status_code == 404:
        response.headers["Cache-Control"] = "no-store"
    return response


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


def _query(sha256: str, mime: str) -> sa.Select:
    return (sa.select(MediaFile.id, Media.title)
            .join(Media, MediaFile.media_id == Media.id)
            .where(MediaFile.sha256 == sha256, MediaFile.mime == mime)
            .limit(1))


def cache_dir() -> Path:
    """Return this host's folder of cached files (MEDIA_CACHE_DIR, else under the instance)."""
    configured = current_app.config.get("MEDIA_CACHE_DIR")
    return Path(configured or os.path.join(current_app.instance_path, "media-cache"))


def cache_path(sha256: str, ext: str) -> Path:
    return cache_dir() / sha256[:2] / f"{sha256}.{ext}"


def _cached(path: Path, media_file_id: int) -> bool:
    """Tell whether the cached copy is there and whole (its size is the stored one)."""
    try:
        size = path.stat().st_size
    except OSError:
        return False
    stored = db.session.scalar(sa.select(MediaFile.size).where(MediaFile.id == media_file_id))
    return size == stored


def _load(media_file_id: int, path: Path) -> Path | io.BytesIO:
    """Read a file from the database and keep a copy in the cache; return what to send.

    The copy is written aside then renamed into place, so a concurrent reader (another worker)
    sees no file or a whole one. A cache that cannot be written is logged, never an error.
    """
    data = db.session.scalar(sa.select(MediaFile.data).where(MediaFile.id == media_file_id))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        return path
    except OSError:
        log.warning("media cache %s not written", path, exc_info=True)
        return io.BytesIO(data)
