"""What changed between two snapshots of an example, for reviews and the public history."""

from __future__ import annotations

import difflib
import re

from flask_babel import gettext

from . import taxonomy, validation
from .i18n import N_
from .models import Example, ModerationEvent


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|\w+|[^\w\s]", text or "")


def text_diff(before: str, after: str) -> list[tuple[str, str]]:
    """Return (operation, text) segments, word by word: `equal`, `delete` or `insert`.

    Changes separated only by spaces or punctuation read as one; a text rewritten for the
    most part reads as the old text struck out, then the new one.
    """
    a, b = _tokens(before), _tokens(after)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.ratio() < 0.4:
        return [(op, text) for op, text in (("delete", before), ("insert", after)) if text]
    parts: list[list] = []  # ["equal", text] or ["change", old, new]
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        if op == "equal":
            parts.append(["equal", old])
        elif (
            len(parts) >= 2
            and parts[-1][0] == "equal"
            and parts[-2][0] == "change"
            and (not re.search(r"\w", parts[-1][1]))
        ):
            glue = parts.pop()[1]
            parts[-1][1] += glue + old
            parts[-1][2] += glue + new
        else:
            parts.append(["change", old, new])
    segments: list[tuple[str, str]] = []
    for part in parts:
        if part[0] == "equal":
            segments.append(("equal", part[1]))
            continue
        segments.extend(
            (op, text) for op, text in (("delete", part[1]), ("insert", part[2])) if text
        )
    return segments


# The headings of the public fields, as the review page names them; French msgids that the page
# translates.
HEADINGS = {
    "title": N_("Titre"),
    "summary": N_("Résumé"),
    "description": N_("Contexte et actions"),
    "results": N_("Résultats et impact"),
    "lessons": N_("Enseignements"),
    "resources": N_("Moyens mobilisés"),
    "transferability": N_("Pour faire de même ailleurs"),
    "objectives": N_("Objectifs"),
    "scale": N_("Échelle"),
    "regions": N_("Régions"),
    "departements": N_("Départements"),
    "locality": N_("Localité"),
    "partners": N_("Partenaires"),
    "themes": N_("Thématiques"),
    "odd": N_("ODD"),
    "start_year": N_("Année de lancement"),
    "end_year": N_("Année de fin"),
    "status": N_("Statut"),
    "website": N_("Site web"),
}

VALUE_VOCABULARIES = {
    "objectives": taxonomy.OBJECTIVES,
    "regions": taxonomy.REGIONS,
    "departements": taxonomy.DEPARTEMENTS,
    "themes": taxonomy.THEMES,
    "odd": taxonomy.ODD,
    "scale": taxonomy.SCALES,
    "status": taxonomy.STATUSES,
}


def _shown(name: str, value) -> list[str]:
    """Return a field's value as readable lines."""
    if name == "partners":
        return [
            f"{p.get('name', '')} ({gettext(taxonomy.PARTNER_KINDS.label(p.get('kind')))})"
            + (f" — {p['role']}" if p.get("role") else "")
            for p in value or []
        ]
    vocabulary = VALUE_VOCABULARIES.get(name)
    values = value if isinstance(value, list) else [] if value in (None, "") else [value]
    return [gettext(vocabulary.label(v)) if vocabulary else str(v) for v in values]


def _as_written(partners) -> list[dict]:
    return [{k: p.get(k, "") for k in ("name", "kind", "role")} for p in partners or []]


def compare(before: dict, after: dict) -> list[dict]:
    """List what changed between two snapshots of the public fields, in the form's order."""
    changes = []
    for name in validation.PUBLIC_FIELDS:
        old, new = before.get(name), after.get(name)
        if name == "partners":  # as written; the organisation chosen is the moderator's match
            old, new = _as_written(old), _as_written(new)
        if (old or None) == (new or None):
            continue
        change = {"name": name, "label": HEADINGS.get(name, name)}
        if name in validation.TEXT_FIELDS or name == "locality":
            change["segments"] = text_diff(old or "", new or "")
        else:
            old_lines, new_lines = _shown(name, old), _shown(name, new)
            change["removed"] = [v for v in old_lines if v not in new_lines]
            change["added"] = [v for v in new_lines if v not in old_lines]
        changes.append(change)
    return changes


def resubmission_changes(example: Example) -> tuple[ModerationEvent, list[dict]] | None:
    """Return the latest resubmission and what it changed since the previous snapshot."""
    events = [e for e in example.events if e.snapshot is not None]
    for i in range(len(events) - 1, 0, -1):
        if events[i].action == "resubmit":
            return events[i], compare(events[i - 1].snapshot, events[i].snapshot)
    return None
