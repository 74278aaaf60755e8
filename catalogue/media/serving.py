"""Serve stored files at /medias/<sha256>.<ext>, from this host's disk cache or the database.

The files live in the database, so every host sharing it serves the same ones; each host keeps
a copy of what it served under MEDIA_CACHE_DIR and serves that copy next time. The URL names the
content, so a public file is cached for ever; a file nobody may see yet is 404 for the public.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, request, send_file
from flask_login import current_user
from slugify import slugify

from ..extensions import db
from ..models import Media, MediaFile
from . import cache
from .store import EXTENSIONS, is_public

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
    media_file_id, size, title = found
    if request.if_none_match.contains(sha256):
        # The browser has it: neither the cache nor the database is read.
        response = Response(status=304)
        response.set_etag(sha256)
    else:
        path = cache.path_of(sha256, ext)
        source = path if cache.holds(path, size) else cache.keep(path, _data(media_file_id))
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


def _data(media_file_id: int) -> bytes:
    return db.session.scalar(sa.select(MediaFile.data).where(MediaFile.id == media_file_id))


def _query(sha256: str, mime: str) -> sa.Select:
    return (sa.select(MediaFile.id, MediaFile.size, Media.title)
            .join(Media, MediaFile.media_id == Media.id)
            .where(MediaFile.sha256 == sha256, MediaFile.mime == mime)
            .limit(1))
