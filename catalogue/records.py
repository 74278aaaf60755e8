"""Examples as plain records: validation shared by every entry path, import and export."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import sqlalchemy as sa
from slugify import slugify

from . import taxonomy
from .extensions import db
from .i18n import LANGUAGES
from .models import (
    EMAIL_MAX,
    LOCALITY_MAX,
    NAME_MAX,
    PARTNER_NAME_MAX,
    PARTNER_ROLE_MAX,
    PARTNERS_MAX,
    PARTNERS_MIN,
    SUMMARY_MAX,
    TEXT_MAX,
    TITLE_MAX,
    URL_MAX,
    Example,
    ModerationEvent,
    User,
    utcnow,
)

# Public text fields and their limits, in the order of the import format.
TEXT_FIELDS: dict[str, int] = {
    "title": TITLE_MAX,
    "summary": SUMMARY_MAX,
    "description": TEXT_MAX,
    "results": TEXT_MAX,
    "lessons": TEXT_MAX,
    "resources": TEXT_MAX,
    "transferability": TEXT_MAX,
}
REQUIRED_TEXT = ("title", "summary", "description", "results", "lessons")
# Texts that keep their line breaks (paragraphs, light Markdown); the others are single lines.
LONG_TEXT = ("summary", "description", "results", "lessons", "resources", "transferability")
LIST_FIELDS: dict[str, taxonomy.Vocabulary] = {
    "objectives": taxonomy.OBJECTIVES,
    "regions": taxonomy.REGIONS,
    "departements": taxonomy.DEPARTEMENTS,
    "themes": taxonomy.THEMES,
    "odd": taxonomy.ODD,
}
PUBLIC_FIELDS = (
    *TEXT_FIELDS, "objectives", "scale", "regions", "departements", "locality", "partners",
    "themes", "odd", "start_year", "status", "website",
)
# Private fields and bookkeeping, present in backups made by `export`.
PRIVATE_TEXT: dict[str, int] = {
    "contact": NAME_MAX,
    "submitter_name": NAME_MAX,
    "submitter_email": EMAIL_MAX,
    "submitter_organisation": NAME_MAX,
}
BACKUP_FIELDS = (
    "slug", "state", "created_at", "updated_at", "published_at", "contact", "contact_public",
    *PRIVATE_TEXT, "follow_token_hash", "language", "history",
)
# Accepted on import only: a moderator's comment for a demo example waiting in a state.
IMPORT_ONLY_FIELDS = ("moderation_comment",)
FIRST_YEAR = 1950

FIELD_LABELS = {
    "title": "titre", "summary": "résumé", "description": "description", "results": "résultats",
    "lessons": "enseignements", "resources": "moyens mobilisés",
    "transferability": "conditions de transfert", "objectives": "objectifs", "scale": "échelle",
    "regions": "régions", "departements": "départements", "locality": "localité",
    "partners": "partenaires", "themes": "thématiques", "odd": "ODD",
    "start_year": "année de lancement", "status": "statut", "website": "site web",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_text(value: str) -> str:
    """Normalise a text: NFC, Unix newlines, no control or bidi characters, trimmed."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).strip()


def one_line(value: str) -> str:
    """Normalise a single-line text: clean_text, then every run of white space made one space."""
    return " ".join(clean_text(value).split())


def first_year_max() -> int:
    return datetime.now(UTC).year + 1


def is_web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


@dataclass
class Problem:
    """One reason a record was refused, in French."""

    position: int
    message: str

    def __str__(self) -> str:
        return f"enregistrement {self.position} : {self.message}"


class ImportRefused(Exception):
    """At least one record is invalid: nothing was imported."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problème(s)")
        self.problems = problems


def clean_record(raw: Any) -> tuple[dict, list[str]]:
    """Check one record of the import format; return its normalised data and the problems."""
    if not isinstance(raw, dict):
        return {}, ["un objet JSON est attendu"]
    problems: list[str] = []
    allowed = set(PUBLIC_FIELDS) | set(BACKUP_FIELDS) | set(IMPORT_ONLY_FIELDS)
    for key in sorted(set(raw) - allowed, key=str):
        problems.append(f"champ inconnu « {key} »")
    data: dict[str, Any] = {}

    for name, limit in {**TEXT_FIELDS, "locality": LOCALITY_MAX, **PRIVATE_TEXT}.items():
        value = raw.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems.append(f"{_label(name)} : un texte est attendu")
            continue
        value = clean_text(value) if name in LONG_TEXT else one_line(value)
        if name in REQUIRED_TEXT and not value:
            problems.append(f"{_label(name)} : obligatoire")
        elif len(value) > limit:
            problems.append(f"{_label(name)} : {len(value)} caractères, {limit} au plus")
        data[name] = value

    for name, vocabulary in LIST_FIELDS.items():
        value = raw.get(name)
        if value is None:
            value = []
        if not isinstance(value, list):
            problems.append(f"{_label(name)} : une liste est attendue")
            continue
        unknown = [v for v in value if v not in vocabulary or isinstance(v, bool)]
        if unknown:
            problems.append(f"{_label(name)} : code(s) inconnu(s) {', '.join(map(str, unknown))}")
            continue
        data[name] = list(dict.fromkeys(value))  # order kept, duplicates dropped
    if "objectives" in data and not 1 <= len(data["objectives"]) <= 4:
        problems.append("objectifs : entre un et quatre")
    if "regions" in data and "departements" in data:
        regions = data["regions"]
        outside = [d for d in data["departements"] if regions and taxonomy.region_of(d) not in regions]
        if outside:
            problems.append(
                "départements hors des régions choisies : "
                + ", ".join(f"{d} ({taxonomy.DEPARTEMENTS.label(d)})" for d in outside)
            )
        data["regions"] = implied_regions(regions, data["departements"])

    scale = raw.get("scale")
    if scale not in taxonomy.SCALES or not isinstance(scale, str):
        problems.append(f"échelle : obligatoire, parmi {', '.join(taxonomy.SCALES.codes)}")
    else:
        data["scale"] = scale
    status = raw.get("status") or "en-cours"
    if status not in taxonomy.STATUSES or not isinstance(status, str):
        problems.append(f"statut : parmi {', '.join(taxonomy.STATUSES.codes)}")
    else:
        data["status"] = status

    year = raw.get("start_year")
    if year in (None, ""):
        data["start_year"] = None
    elif not isinstance(year, int) or isinstance(year, bool):
        problems.append("année de lancement : un nombre entier est attendu")
    elif not FIRST_YEAR <= year <= first_year_max():
        problems.append(f"année de lancement : entre {FIRST_YEAR} et {first_year_max()}")
    else:
        data["start_year"] = year

    website = raw.get("website") or ""
    if not isinstance(website, str):
        problems.append("site web : un texte est attendu")
    else:
        website = clean_text(website)
        if website and (not is_web_url(website) or len(website) > URL_MAX):
            problems.append("site web : une adresse http:// ou https:// est attendue")
        data["website"] = website

    partners, partner_problems = clean_partners(raw.get("partners"))
    problems.extend(partner_problems)
    data["partners"] = partners

    problems.extend(_clean_bookkeeping(raw, data))
    return data, problems


def clean_partners(value: Any) -> tuple[list[dict], list[str]]:
    """Check a list of partners given as objects with name, kind and role."""
    if not isinstance(value, list):
        return [], [f"partenaires : une liste de {PARTNERS_MIN} à {PARTNERS_MAX} est attendue"]
    problems: list[str] = []
    partners: list[dict] = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            problems.append(f"partenaire {i} : un objet est attendu")
            continue
        name, kind, role = (item.get(k) if item.get(k) is not None else "" for k in ("name", "kind", "role"))
        if not all(isinstance(v, str) for v in (name, kind, role)):
            problems.append(f"partenaire {i} : nom, type et rôle sont des textes")
            continue
        name, role = one_line(name), one_line(role)
        if not name:
            problems.append(f"partenaire {i} : nom obligatoire")
        elif len(name) > PARTNER_NAME_MAX:
            problems.append(f"partenaire {i} : nom de {len(name)} caractères, {PARTNER_NAME_MAX} au plus")
        if kind not in taxonomy.PARTNER_KINDS:
            problems.append(f"partenaire {i} : type inconnu « {kind} »")
        if len(role) > PARTNER_ROLE_MAX:
            problems.append(f"partenaire {i} : rôle de {len(role)} caractères, {PARTNER_ROLE_MAX} au plus")
        partners.append({"name": name, "kind": kind, "role": role})
    if not PARTNERS_MIN <= len(value) <= PARTNERS_MAX:
        problems.append(f"partenaires : entre {PARTNERS_MIN} et {PARTNERS_MAX} ({len(value)} donnés)")
    return partners, problems


def implied_regions(regions: Iterable[str], departements: Iterable[str]) -> list[str]:
    """Return the régions with those of the départements added (a département implies its région)."""
    result = list(dict.fromkeys(regions))
    for code in departements:
        region = taxonomy.region_of(code)
        if region not in result:
            result.append(region)
    return result


def _clean_bookkeeping(raw: dict, data: dict) -> list[str]:
    """Check the fields a backup carries besides the public ones (all optional)."""
    problems: list[str] = []
    state = raw.get("state")
    if state is not None and (not isinstance(state, str) or state not in taxonomy.STATES):
        problems.append(f"état inconnu « {state} »")
    data["state"] = state
    comment = raw.get("moderation_comment") or ""
    if not isinstance(comment, str):
        problems.append("moderation_comment : un texte est attendu")
    else:
        data["moderation_comment"] = clean_text(comment)
    for name in ("created_at", "updated_at", "published_at"):
        data[name] = _parse_time(raw.get(name), problems, name)
    data["slug"] = raw.get("slug") if isinstance(raw.get("slug"), str) else None
    data["contact_public"] = bool(raw.get("contact_public", False))
    token = raw.get("follow_token_hash")
    data["follow_token_hash"] = token if isinstance(token, str) and token else None
    language = raw.get("language", "fr")
    if not isinstance(language, str) or language not in LANGUAGES:
        problems.append(f"langue inconnue « {language} »")
        language = "fr"
    data["language"] = language
    if "history" not in raw:
        return problems
    history = raw.get("history") or []
    if not isinstance(history, list) or not all(isinstance(h, dict) for h in history):
        problems.append("history : une liste d’objets est attendue")
        history = []
    events = []
    for entry in history:
        events.append({
            "action": str(entry.get("action", "")),
            "actor": entry.get("actor") if isinstance(entry.get("actor"), str) else None,
            "from_state": entry.get("from_state"),
            "to_state": str(entry.get("to_state", "")),
            "comment": str(entry.get("comment") or ""),
            "snapshot": entry.get("snapshot") if isinstance(entry.get("snapshot"), dict) else None,
            "created_at": _parse_time(entry.get("created_at"), problems, "history.created_at"),
        })
    data["history"] = events
    return problems


def _parse_time(value: Any, problems: list[str], name: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        problems.append(f"{name} : une date ISO 8601 est attendue")
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        problems.append(f"{name} : date invalide « {value[:40]} »")
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _label(name: str) -> str:
    return FIELD_LABELS.get(name, name)


# --- reading files -------------------------------------------------------------------------


def read_records(path: Path) -> list[tuple[int, Any]]:
    """Read a JSON array or JSON Lines file; return (position, record) pairs.

    Raise ValueError with a French message when the file itself cannot be read.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ValueError(f"fichier introuvable : {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"lecture impossible de {path} : {exc}") from None
    if path.suffix.lower() == ".csv":
        from .csvformat import read_csv

        return read_csv(text)
    stripped = text.lstrip()
    if stripped.startswith("["):
        try:
            records = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"JSON invalide, ligne {exc.lineno} colonne {exc.colno} : {exc.msg}") from None
        return list(enumerate(records, start=1))
    result = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                result.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise ValueError(f"ligne {number} : JSON invalide ({exc.msg})") from None
    if not result and not stripped:
        raise ValueError(f"fichier vide : {path}")
    return result


# --- importing -----------------------------------------------------------------------------


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
    from .workflow import transition

    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    taken = set(db.session.scalars(sa.select(Example.slug)))
    examples = []
    for _, data in cleaned:
        example = Example()
        apply_public_fields(example, data)
        example.contact_public = data.get("contact_public", False)
        for name in PRIVATE_TEXT:
            setattr(example, name, data.get(name, ""))
        example.slug = unique_slug(data.get("slug") or data["title"], taken)
        taken.add(example.slug)
        example.follow_token_hash = data.get("follow_token_hash")
        example.language = data.get("language") or "fr"
        example.published_at = data.get("published_at")
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
        else:
            target = state or data.get("state") or "published"
            comment = data["moderation_comment"] if target in ("changes_requested", "rejected") else ""
            transition(example, "import", to_state=target, comment=comment)
        if data.get("updated_at"):
            example.updated_at = data["updated_at"]
        db.session.add(example)
        examples.append(example)
    return examples


def apply_public_fields(example: Example, data: dict) -> None:
    """Copy the public fields of a cleaned record onto an example."""
    for name in (*TEXT_FIELDS, "locality", "scale", "start_year", "status", "website"):
        setattr(example, name, data.get(name) if name == "start_year" else data.get(name, ""))
    for name in LIST_FIELDS:
        setattr(example, name, list(data.get(name, [])))
    example.set_partners(data.get("partners", []))


def unique_slug(text: str, taken: set[str]) -> str:
    """Return a URL slug for the text, numbered when already taken."""
    base = slugify(text, max_length=80, word_boundary=True) or "exemple"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


# --- exporting -----------------------------------------------------------------------------


def public_record(example: Example) -> dict:
    """Return the public fields of an example in the import format."""
    record: dict[str, Any] = {name: getattr(example, name) for name in TEXT_FIELDS}
    record.update(
        objectives=list(example.objectives), scale=example.scale, regions=list(example.regions),
        departements=list(example.departements), locality=example.locality,
        partners=[p.as_dict() for p in example.partners], themes=list(example.themes),
        odd=list(example.odd), start_year=example.start_year, status=example.status,
        website=example.website,
    )
    return record


def backup_record(example: Example) -> dict:
    """Return everything about an example: public and private fields, state and journal."""
    record = public_record(example)
    record.update(
        slug=example.slug, state=example.state, created_at=_iso(example.created_at),
        updated_at=_iso(example.updated_at), published_at=_iso(example.published_at),
        contact=example.contact, contact_public=example.contact_public,
        submitter_name=example.submitter_name, submitter_email=example.submitter_email,
        submitter_organisation=example.submitter_organisation,
        follow_token_hash=example.follow_token_hash, language=example.language,
        history=[
            {
                "action": e.action, "actor": e.actor.email if e.actor else None,
                "from_state": e.from_state, "to_state": e.to_state, "comment": e.comment,
                "snapshot": e.snapshot, "created_at": _iso(e.created_at),
            }
            for e in example.events
        ],
    )
    return record


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None
