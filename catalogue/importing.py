"""Importing examples: reading files, refusing a batch with any invalid record, adding them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from slugify import slugify

from . import organisations
from .csvformat import read_csv
from .extensions import db
from .models import Example, ModerationEvent, Report, Revision, User, utcnow
from .validation import BACKUP_TIMES, LIST_FIELDS, PRIVATE_TEXT, TEXT_FIELDS, Issue, clean_record
from .workflow import transition


@dataclass
class Problem:
    """One reason a record of a file was refused: its position, and the issue, in French.

    Position 0 is the file's organisations (a backup's), which the issue names itself.
    """

    position: int
    issue: Issue

    def __str__(self) -> str:
        return f"enregistrement {self.position} : {self.issue}" if self.position else str(self.issue)


class ImportRefused(Exception):
    """At least one record is invalid: nothing was imported."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problème(s)")
        self.problems = problems


def read_records(path: Path) -> list[tuple[int, Any]]:
    """Read a JSON array, JSON Lines, CSV or backup file; return (position, record) pairs.

    Raise ValueError with a French message when the file itself cannot be read.
    """
    return read_file(path)[0]


def read_file(path: Path) -> tuple[list[tuple[int, Any]], dict[str, Any]]:
    """Read an import file; return its (position, record) pairs and its organisations.

    A backup made by `export` is a JSON object: `examples` (the records), `organisations` and
    `organisation_redirects`, returned in the dict (empty for the other formats).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValueError(f"fichier introuvable : {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"lecture impossible de {path} : {exc}") from None
    if path.suffix.lower() == ".csv":
        return read_csv(text), {}
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"JSON invalide, ligne {exc.lineno} colonne {exc.colno} : {exc.msg}") from None
        return list(enumerate(records, start=1)), {}
    if stripped.startswith("{"):
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None  # JSON Lines: one record a line
        if isinstance(whole, dict) and isinstance(whole.get("examples"), list):
            rest = {k: v for k, v in whole.items() if k != "examples"}
            return list(enumerate(whole["examples"], start=1)), rest
    result = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                result.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise ValueError(f"ligne {number} : JSON invalide ({exc.msg})") from None
    if not result and not stripped:
        raise ValueError(f"fichier vide : {path}")
    return result, {}


def validate_all(records: list[tuple[int, Any]]) -> list[tuple[int, dict]]:
    """Clean every record; raise ImportRefused listing every problem if any is invalid."""
    cleaned, problems = [], []
    for position, raw in records:
        data, errors = clean_record(raw)
        problems.extend(Problem(position, e) for e in errors)
        cleaned.append((position, data))
    if problems:
        raise ImportRefused(problems)
    return cleaned


def add_examples(cleaned: list[tuple[int, dict]], *, state: str | None = None) -> list[Example]:
    """Create the examples in the session (the caller commits) and journal their arrival."""
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    taken = set(db.session.scalars(sa.select(Example.slug)))
    examples = []
    for _, data in cleaned:
        example = Example()
        apply_public_fields(example, data)
        example.contact_public = data.get("contact_public", False)
        example.accepts_messages = data.get("accepts_messages", False)
        for name in PRIVATE_TEXT:
            setattr(example, name, data.get(name, ""))
        example.slug = unique_slug(data.get("slug") or data["title"], taken)
        taken.add(example.slug)
        example.follow_token_hash = data.get("follow_token_hash")
        example.language = data.get("language") or "fr"
        example.published_at = data.get("published_at")
        for name in BACKUP_TIMES:
            setattr(example, name, data.get(name))
        if data.get("created_at"):
            example.created_at = data["created_at"]
        if "history" in data:  # a backup: restore the journal and the state as they were
            example.state = state or data["state"] or "published"
            for entry in data["history"]:
                example.events.append(ModerationEvent(
                    action=entry["action"], actor=users.get(entry["actor"] or ""),
                    from_state=entry["from_state"], to_state=entry["to_state"],
                    comment=entry["comment"], snapshot=entry["snapshot"],
                    created_at=entry["created_at"] or utcnow(),
                ))
            for row in data.get("revisions", ()):
                db.session.add(Revision(
                    example=example, data=row["data"] or {}, state=row["state"],
                    note=row["note"], comment=row["comment"],
                    created_at=row["created_at"] or utcnow(), decided_at=row["decided_at"],
                    decided_by=users.get(row["decided_by"] or "")))
            for row in data.get("reports", ()):
                db.session.add(Report(
                    example=example, message=row["message"], email=row["email"],
                    language=row["language"] or "fr", state=row["state"],
                    created_at=row["created_at"] or utcnow(), handled_at=row["handled_at"],
                    handled_by=users.get(row["handled_by"] or ""), answer=row["answer"]))
        else:
            target = state or data.get("state") or "published"
            comment = data["moderation_comment"] if target in ("changes_requested", "rejected") else ""
            transition(example, "import", to_state=target, comment=comment)
        if data.get("updated_at"):
            example.updated_at = data["updated_at"]
        db.session.add(example)
        if "history" not in data or example.state == "published":
            # Import is trusted: every partner gets one. A backup's submission waiting for
            # moderation keeps its partners as they were, matched or not.
            organisations.link_partners(example)
        examples.append(example)
    return examples


def apply_public_fields(example: Example, data: dict) -> None:
    """Copy the public fields of a cleaned record onto an example."""
    for name in (*TEXT_FIELDS, "locality", "scale", "status", "website"):
        setattr(example, name, data.get(name, ""))
    example.start_year, example.end_year = data.get("start_year"), data.get("end_year")
    for name in LIST_FIELDS:
        setattr(example, name, list(data.get(name, [])))
    organisations.set_partners(example, data.get("partners", []))


def apply_record(example: Example, data: dict) -> None:
    """Copy a cleaned record, public and private fields, onto an example."""
    apply_public_fields(example, data)
    for name in PRIVATE_TEXT:
        setattr(example, name, data.get(name, ""))
    example.contact_public = bool(data.get("contact_public")) and bool(example.contact)


def unique_slug(text: str, taken: set[str]) -> str:
    """Return a URL slug for the text, numbered when already taken."""
    base = slugify(text, max_length=80, word_boundary=True) or "exemple"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
