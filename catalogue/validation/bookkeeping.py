"""What a backup carries with each example besides its public fields: state, times, private
fields, the journal of its moderation, its owner's proposed updates, visitors' reports."""

from __future__ import annotations

from typing import Any

from .. import taxonomy
from ..i18n import LANGUAGES
from .values import Issue, clean_text, parse_time

# When the information was last updated, asked about and confirmed: the yearly check's dates.
BACKUP_TIMES = ("revised_at", "reminded_at", "confirmed_at")


def clean_bookkeeping(raw: dict, data: dict) -> list[Issue]:
    """Check the fields a backup carries besides the public ones (all optional)."""
    problems: list[Issue] = []
    state = raw.get("state")
    if state is not None and (not isinstance(state, str) or state not in taxonomy.STATES):
        problems.append(Issue("state", f"état inconnu « {state} »", named=False))
    data["state"] = state
    comment = raw.get("moderation_comment") or ""
    if not isinstance(comment, str):
        problems.append(Issue("moderation_comment", "un texte est attendu"))
    else:
        data["moderation_comment"] = clean_text(comment)
    for name in ("created_at", "updated_at", "published_at", *BACKUP_TIMES):
        data[name] = parse_time(raw.get(name), problems, name)
    data["slug"] = raw.get("slug") if isinstance(raw.get("slug"), str) else None
    data["contact_public"] = bool(raw.get("contact_public", False))
    accepts = raw.get("accepts_messages", False)
    if not isinstance(accepts, bool):
        problems.append(Issue("accepts_messages", "true ou false est attendu"))
        accepts = False
    data["accepts_messages"] = accepts
    token = raw.get("follow_token_hash")
    data["follow_token_hash"] = token if isinstance(token, str) and token else None
    language = raw.get("language", "fr")
    if not isinstance(language, str) or language not in LANGUAGES:
        problems.append(Issue("language", f"langue inconnue « {language} »", named=False))
        language = "fr"
    data["language"] = language
    for name, fields in ATTACHED.items():
        if name in raw:
            data[name] = _attached_rows(raw[name], name, fields, problems)
    return problems


# What a backup carries with each example besides its fields: the journal of its moderation,
# its owner's proposed updates and visitors' reports. (field, kind): "text", "user" (an email
# or null), "time", "json" (an object), "any", or the vocabulary its value must belong to.
ATTACHED: dict[str, dict[str, Any]] = {
    "history": {"action": "text", "actor": "user", "from_state": "any", "to_state": "text",
                "comment": "text", "snapshot": "json", "created_at": "time"},
    "revisions": {"data": "json", "state": taxonomy.REVISION_STATES, "note": "text",
                  "comment": "text", "created_at": "time", "decided_at": "time",
                  "decided_by": "user"},
    "reports": {"message": "text", "email": "text", "language": "text",
                "state": taxonomy.REPORT_STATES, "created_at": "time", "handled_by": "user",
                "handled_at": "time", "answer": "text"},
}


def _attached_rows(rows: Any, name: str, fields: dict[str, Any],
                   problems: list[Issue]) -> list[dict]:
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        problems.append(Issue(name, "une liste d’objets est attendue"))
        return []
    cleaned = []
    for row in rows:
        item = {}
        for field, kind in fields.items():
            value = row.get(field)
            if kind == "time":
                value = parse_time(value, problems, f"{name}.{field}")
            elif kind == "json":
                value = value if isinstance(value, dict) else None
            elif kind == "user":
                value = value if isinstance(value, str) else None
            elif kind == "text":
                value = str(value or "")
            elif kind != "any" and value not in kind:
                problems.append(Issue(f"{name}.{field}", f"valeur inconnue « {value} »"))
            item[field] = value
        cleaned.append(item)
    return cleaned
