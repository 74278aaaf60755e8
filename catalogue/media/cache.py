"""Each host's disk cache of stored files: a copy of every file it served, named by its hash.

The database holds the files; this folder only saves reading them again. Deleting it is safe.
"""

from __future__ import annotations

import io
import logging
import os
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from ..extensions import db
from ..models import MediaFile

log = logging.getLogger(__name__)

PART = ".part-"
# A temporary file older than this was left by a crashed writer.
STALE_PART_SECONDS = 3600


def folder() -> Path:
    """Return this host's cache folder (MEDIA_CACHE_DIR, else media-cache in the instance)."""
    configured = current_app.config.get("MEDIA_CACHE_DIR")
    return Path(configured or os.path.join(current_app.instance_path, "media-cache"))


def path_of(sha256: str, ext: str) -> Path:
    return folder() / sha256[:2] / f"{sha256}.{ext}"


def holds(path: Path, size: int) -> bool:
    """Tell whether the cached copy is there and whole (its size is the stored one)."""
    try:
        return path.stat().st_size == size
    except OSError:
        return False


def keep(path: Path, data: bytes) -> Path | io.BytesIO:
    """Write a copy of a file into the cache; return what to send (the copy, or the data).

    The copy is written aside then renamed into place, so a concurrent reader (another worker)
    sees no file or a whole one. A cache that cannot be written is logged, never an error.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=PART)
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


def prune() -> tuple[int, int]:
    """Delete the copies of files no longer in the database, and stale temporary files.

    Return (files kept, files deleted).
    """
    known = set(db.session.scalars(sa.select(MediaFile.sha256).distinct()))
    kept = deleted = 0
    root = folder()
    if not root.is_dir():
        return 0, 0
    now = time.time()
    for path in root.glob("*/*"):
        if path.name.startswith(PART):
            gone = now - path.stat().st_mtime > STALE_PART_SECONDS
        else:
            gone = path.name.split(".", 1)[0] not in known
        if gone:
            path.unlink(missing_ok=True)
            deleted += 1
        else:
            kept += 1
    return kept, deleted
