"""Pictures and documents in backups: described in the JSON, their files in a folder beside it.

`export backup.json` writes each stored file once as `backup.json.files/<sha256>`: a folder
of content-addressed files, not a zip, so that a second backup rewrites nothing already there
and backup tools (rsync, restic) copy only new files; the JSON stays readable on its own.
`import` reads the files back, checks each against its hash and restores them byte for byte.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Example, Media, MediaFile, Organisation, Revision
from .serialisation import exact_iso
from .validation import Issue, parse_time

KINDS = ("photo", "document", "logo")
FIELDS = ("kind", "position", "alt", "credit", "licence", "title", "width", "height")
FILE_FIELDS = ("mime", "width", "height", "size", "sha256")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def files_dir(backup: Path) -> Path:
    """Return the folder of a backup's files: `<backup>.files` beside it."""
    return backup.with_name(backup.name + ".files")


def media_records(folder: Path | None) -> list[dict]:
    """Return every media as a backup describes it; write its files into `folder` if given.

    Run inside the backup's read transaction, so files and descriptions agree.
    """
    owners = {
        "example": dict(db.session.execute(sa.select(Example.id, Example.slug)).all()),
        "organisation": dict(db.session.execute(
            sa.select(Organisation.id, Organisation.slug)).all()),
    }
    revisions: dict[int, tuple[str, int]] = {}  # id → (example slug, index among its own)
    for example_id, rows in _group(db.session.execute(
            sa.select(Revision.example_id, Revision.id).order_by(Revision.id)).all()).items():
        for index, revision_id in enumerate(rows):
            revisions[revision_id] = (owners["example"][example_id], index)
    records = []
    for media in db.session.scalars(sa.select(Media).order_by(Media.id).options(
            selectinload(Media.files))):
        record: dict[str, Any] = {name: getattr(media, name) for name in FIELDS}
        if media.example_id is not None:
            record["example"] = owners["example"][media.example_id]
        elif media.organisation_id is not None:
            record["organisation"] = owners["organisation"][media.organisation_id]
        else:
            record["example"], record["revision"] = revisions[media.revision_id]
        record["created_at"] = exact_iso(media.created_at)
        record["files"] = [{name: getattr(f, name) for name in FILE_FIELDS} for f in media.files]
        records.append(record)
        if folder is not None:
            for media_file in media.files:
                _write(folder, media_file)
    return records


def _group(rows) -> dict[int, list[int]]:
    grouped: dict[int, list[int]] = {}
    for key, value in rows:
        grouped.setdefault(key, []).append(value)
    return grouped


def _write(folder: Path, media_file: MediaFile) -> None:
    path = folder / media_file.sha256
    if path.exists():  # content-addressed: the same name holds the same bytes
        return
    folder.mkdir(parents=True, exist_ok=True)
    data = db.session.scalar(sa.select(MediaFile.data).where(MediaFile.id == media_file.id))
    with tempfile.NamedTemporaryFile("wb", dir=folder, delete=False) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)


def clean_media(raw: Any, folder: Path) -> tuple[list[dict], list[Issue]]:
    """Check a backup's `media` and that each file is in `folder` with the bytes its hash says."""
    problems: list[Issue] = []
    if raw is None:
        return [], problems
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        return [], [Issue("media", "une liste d’objets est attendue", named=False)]
    cleaned = []
    for i, row in enumerate(raw, start=1):
        def problem(message: str, i: int = i) -> None:
            problems.append(Issue(f"media.{i}", f"média {i} : {message}", named=False))

        if row.get("kind") not in KINDS:
            problem(f"type inconnu « {row.get('kind')} »")
        owner = row.get("example") or row.get("organisation")
        if not isinstance(owner, str):
            problem("exemple ou organisation (slug) attendu")
        files = row.get("files")
        if not isinstance(files, list) or not files or not all(isinstance(f, dict) for f in files):
            problem("une liste de fichiers est attendue")
            files = []
        item = {name: row.get(name) for name in (*FIELDS, "example", "organisation", "revision")}
        item["created_at"] = parse_time(row.get("created_at"), problems, f"media.{i}.created_at")
        item["files"] = []
        for f in files:
            sha = f.get("sha256")
            path = folder / sha if isinstance(sha, str) and _SHA256.fullmatch(sha) else None
            if path is None or not path.is_file():
                problem(f"fichier absent de {folder.name} : {sha}")
                continue
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                problem(f"le fichier {sha} ne correspond pas à son empreinte")
                continue
            item["files"].append({**{name: f.get(name) for name in FILE_FIELDS}, "data": data})
        cleaned.append(item)
    return cleaned, problems


def restore_media(rows: list[dict], examples: dict[str, Example]) -> int:
    """Add the media of the examples just imported (by their backup slug) and of the
    organisations; return how many (the caller commits). Existing logos are kept."""
    added = 0
    db.session.flush()  # the examples' and revisions' ids
    for row in rows:
        fields = {name: row[name] for name in FIELDS}
        if row.get("organisation"):
            organisation = db.session.scalar(
                sa.select(Organisation).where(Organisation.slug == row["organisation"]))
            if organisation is None or db.session.scalar(
                    sa.select(Media.id).where(Media.organisation_id == organisation.id)):
                continue
            fields["organisation_id"] = organisation.id
        else:
            example = examples.get(row["example"])
            if example is None:  # already in the catalogue: its media are there
                continue
            if row.get("revision") is not None:  # an owner's update waiting with its pictures
                owned = db.session.scalars(sa.select(Revision.id).where(
                    Revision.example_id == example.id).order_by(Revision.id)).all()
                if not isinstance(row["revision"], int) or not 0 <= row["revision"] < len(owned):
                    continue
                fields["revision_id"] = owned[row["revision"]]
            else:
                fields["example_id"] = example.id
        media = Media(**fields, **({"created_at": row["created_at"]} if row["created_at"] else {}))
        media.files = [MediaFile(**f) for f in row["files"]]
        db.session.add(media)
        added += 1
    return added
