"""Files sent with an example form: kept between tries, given to the example in its transaction.

A file the form accepts is checked and stored at once (`media.store_image`/`store_document`)
as a *staged* media: a row that belongs to nothing, which nobody can see. Its form row then
carries a signed token instead of the file, so a form sent back for another field does not ask
for the file again. When the whole form is right, `attach` gives the staged media to the
example in the example's own transaction. Staged media nobody claimed are deleted after a day.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from . import media
from .extensions import db
from .forms.media import AttachmentRow, DocumentForm, MediaFields, PhotoForm
from .models import Media, MediaFile, utcnow

log = logging.getLogger(__name__)

STAGED_FOR = timedelta(days=1)


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staged-media")


def token_for(item: Media) -> str:
    """Return the token a form row carries for a staged media."""
    return _signer().dumps(item.id)


def token_media(token: str | None, any_age: bool = False) -> Media | None:
    """Return the media a token names: signed by us, less than a day old (of any age when
    `any_age`). Only a page that may show the media (a form's own rows) ever holds its token."""
    if not token:
        return None
    try:
        media_id = _signer().loads(
            token, max_age=None if any_age else int(STAGED_FOR.total_seconds()))
    except BadSignature:
        return None
    return db.session.get(Media, media_id) if isinstance(media_id, int) else None


def staged_media(token: str | None, example_id: int | None = None,
                 revision_id: int | None = None) -> Media | None:
    """Return the staged media a token opens (or the example's, or the revision's, when they
    are given: an owner's update or a moderator's edit shows them).

    A file staged more than a day ago is gone; the example's own files are not, so a form left
    open overnight still keeps them.
    """
    item = token_media(token, any_age=True)
    if item is None:
        return None
    if (is_staged(item) and token_media(token) is not None) or (
            example_id is not None and item.example_id == example_id) or (
            revision_id is not None and item.revision_id == revision_id):
        return item
    return None


def is_staged(item: Media) -> bool:
    return item.example_id is None and item.organisation_id is None and item.revision_id is None


def kept(form: MediaFields, example_id: int | None = None, revision_id: int | None = None) -> None:
    """Open the media the form's rows name (a forged or stale token names nothing)."""
    for row in form.media_rows():
        row.media = staged_media(row.staged.data, example_id, revision_id)
        if row.media is None:
            row.staged.data = ""


def stage(form: MediaFields) -> tuple[bool, bool]:
    """Store the files sent with the form as staged media.

    Return whether every file was accepted, and whether any was stored.

    A refused file gets its French message next to its field and nothing is stored for it; a
    row marked « retirer » lets its staged media go. Commits what it stored, so the files
    survive a form sent back for another field. Call `kept` first (before validating).
    """
    accepted, stored, changed = True, False, False
    for row in form.media_rows():
        if row.remove.data and row.media is not None:
            if is_staged(row.media):  # an example's own media goes only when a change is approved
                db.session.delete(row.media)
            row.media, row.staged.data, changed = None, "", True
            row.remove.data = False
        upload = row.new_file
        if upload is None:
            continue
        try:
            item = _store(row, upload.read())
        except media.MediaError as exc:
            row.file.errors.append(str(exc))
            accepted = False
            log.info("file %r refused: %s", upload.filename, exc)
            continue
        if row.media is not None and is_staged(row.media):  # the new file replaces it
            db.session.delete(row.media)
        db.session.add(item)
        db.session.flush()
        row.media, row.staged.data, stored, changed = item, token_for(item), True, True
    if changed:
        purge_stale()
        db.session.commit()
    return accepted, stored


def _store(row: AttachmentRow, data: bytes) -> Media:
    if isinstance(row, PhotoForm):
        return media.store_image(data, "photo")
    assert isinstance(row, DocumentForm)
    return media.store_document(data, row.title.data or "")


def thumbnail(item: Media) -> MediaFile | None:
    """Return the smallest JPEG of a photo: its thumbnail in a form."""
    jpegs = [f for f in item.files if f.mime == "image/jpeg"]
    return min(jpegs, key=lambda f: f.width or 0) if jpegs else None


def attach(form: MediaFields, example_id: int) -> None:
    """Give the form's staged media to an example, in order (the first photo is the cover).

    Does not commit: the caller's transaction holds the example and its files together.
    """
    for kind, rows in (("photo", form.photo_rows()), ("document", form.documents)):
        position = 0
        for entry in rows:
            row = getattr(entry, "form", entry)
            item = staged_media(row.staged.data)
            if item is None:
                continue
            item.example_id, item.kind, item.position = example_id, kind, position
            if kind == "photo":
                item.alt, item.credit = row.alt.data or "", row.credit.data or ""
                item.licence = row.licence.data
            else:
                item.title = row.title.data or ""
            position += 1


def purge_stale() -> int:
    """Delete the staged media older than a day: files of forms never finished."""
    ids = list(db.session.scalars(
        sa.select(Media.id).where(
            Media.example_id.is_(None), Media.organisation_id.is_(None),
            Media.revision_id.is_(None), Media.created_at < utcnow() - STAGED_FOR,
        )
    ))
    for item in db.session.scalars(sa.select(Media).where(Media.id.in_(ids))):
        db.session.delete(item)
    if ids:
        log.info("deleted %d staged files nobody claimed for a day", len(ids))
    return len(ids)
