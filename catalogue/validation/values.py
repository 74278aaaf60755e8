"""Single values of a record: texts, web addresses, ISO times, and the Issue a problem makes."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

# The French name of each field, as a problem names it (« titre : obligatoire »).
FIELD_LABELS = {
    "title": "titre", "summary": "résumé", "description": "description", "results": "résultats",
    "lessons": "enseignements", "resources": "moyens mobilisés",
    "transferability": "conditions de transfert", "objectives": "objectifs", "scale": "échelle",
    "regions": "régions", "departements": "départements", "locality": "localité",
    "partners": "partenaires", "themes": "thématiques", "odd": "ODD",
    "start_year": "année de lancement", "end_year": "année de fin", "status": "statut",
    "website": "site web",
}

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def clean_text(value: str) -> str:
    """Normalise a text: NFC, Unix newlines, no control or bidi characters, trimmed."""
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value).strip()


def one_line(value: str) -> str:
    """Normalise a single-line text: clean_text, then every run of white space made one space."""
    return " ".join(clean_text(value).split())


def is_web_url(value: str) -> bool:
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in value


@dataclass(frozen=True)
class Issue:
    """One problem of a record: the field it is about, and what is wrong, in French.

    `field` is a key of the record ("title"), a partner or one of its keys ("partners.2",
    "partners.2.kind"), or None for the record as a whole. As text, the message follows the
    field's French name (« titre : obligatoire ») unless `named` is False (it names it itself).
    """

    field: str | None
    message: str
    named: bool = True

    @property
    def partner(self) -> tuple[int, str] | None:
        """Return (1-based position, key or "") when the issue is about one partner."""
        if self.field and self.field.startswith("partners."):
            _, position, *key = self.field.split(".")
            return int(position), key[0] if key else ""
        return None

    def __str__(self) -> str:
        if self.field is None or not self.named:
            return self.message
        partner = self.partner
        name = f"partenaire {partner[0]}" if partner else FIELD_LABELS.get(self.field, self.field)
        return f"{name} : {self.message}"


def parse_time(value: Any, problems: list[Issue], name: str) -> datetime | None:
    """Read an ISO 8601 time (UTC when it names no zone); a problem is added to `problems`."""
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        problems.append(Issue(name, "une date ISO 8601 est attendue"))
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        problems.append(Issue(name, f"date invalide « {value[:40]} »"))
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
