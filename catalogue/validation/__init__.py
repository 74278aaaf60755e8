"""The rules of an example record (the import format), shared by every entry path.

Pure: no database, no request. `clean_record` returns the normalised record and its problems;
`values` checks single values (texts, addresses, times), `bookkeeping` what only backups carry.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from .. import taxonomy
from ..limits import (
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
)
from .bookkeeping import BACKUP_TIMES, clean_bookkeeping
from .values import Issue, clean_text, is_web_url, one_line, parse_time

__all__ = ["BACKUP_TIMES", "Issue", "clean_text", "is_web_url", "one_line", "parse_time"]

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
    "themes", "odd", "start_year", "end_year", "status", "website",
)
# Private fields and bookkeeping, present in backups made by `export`.
PRIVATE_TEXT: dict[str, int] = {
    "contact": NAME_MAX,
    "submitter_name": NAME_MAX,
    "submitter_email": EMAIL_MAX,
    "submitter_organisation": NAME_MAX,
}
BACKUP_FIELDS = (
    "slug", "state", "created_at", "updated_at", "published_at", *BACKUP_TIMES, "contact",
    "contact_public",
    "accepts_messages", *PRIVATE_TEXT, "follow_token_hash", "language", "history", "revisions",
    "reports",
)
# Accepted on import only: a moderator's comment for a demo example waiting in a state.
IMPORT_ONLY_FIELDS = ("moderation_comment",)
FIRST_YEAR = 1950

def first_year_max() -> int:
    return datetime.now(UTC).year + 1


def last_end_year() -> int:
    """An alliance cannot have ended after this year."""
    return datetime.now(UTC).year


def clean_record(raw: Any) -> tuple[dict, list[Issue]]:
    """Check one record of the import format; return its normalised data and the problems."""
    if not isinstance(raw, dict):
        return {}, [Issue(None, "un objet JSON est attendu")]
    problems: list[Issue] = []
    allowed = set(PUBLIC_FIELDS) | set(BACKUP_FIELDS) | set(IMPORT_ONLY_FIELDS)
    for key in sorted(set(raw) - allowed, key=str):
        problems.append(Issue(None, f"champ inconnu « {key} »"))
    data: dict[str, Any] = {}

    for name, limit in {**TEXT_FIELDS, "locality": LOCALITY_MAX, **PRIVATE_TEXT}.items():
        value = raw.get(name)
        if value is None:
            value = ""
        if not isinstance(value, str):
            problems.append(Issue(name, "un texte est attendu"))
            continue
        value = clean_text(value) if name in LONG_TEXT else one_line(value)
        if name in REQUIRED_TEXT and not value:
            problems.append(Issue(name, "obligatoire"))
        elif len(value) > limit:
            problems.append(Issue(name, f"{len(value)} caractères, {limit} au plus"))
        data[name] = value

    for name, vocabulary in LIST_FIELDS.items():
        value = raw.get(name)
        if value is None:
            value = []
        if not isinstance(value, list):
            problems.append(Issue(name, "une liste est attendue"))
            continue
        unknown = [v for v in value if v not in vocabulary or isinstance(v, bool)]
        if unknown:
            problems.append(Issue(name, f"code(s) inconnu(s) {', '.join(map(str, unknown))}"))
            continue
        data[name] = list(dict.fromkeys(value))  # order kept, duplicates dropped
    if "objectives" in data and not 1 <= len(data["objectives"]) <= 4:
        problems.append(Issue("objectives", "entre un et quatre"))
    if "regions" in data and "departements" in data:
        regions = data["regions"]
        outside = [d for d in data["departements"] if regions and taxonomy.region_of(d) not in regions]
        if outside:
            problems.append(Issue("departements", "départements hors des régions choisies : " + ", ".join(
                f"{d} ({taxonomy.DEPARTEMENTS.label(d)})" for d in outside), named=False))
        data["regions"] = implied_regions(regions, data["departements"])

    scale = raw.get("scale")
    if scale not in taxonomy.SCALES or not isinstance(scale, str):
        problems.append(Issue("scale", f"obligatoire, parmi {', '.join(taxonomy.SCALES.codes)}"))
    else:
        data["scale"] = scale
    status = raw.get("status") or "en-cours"
    if status not in taxonomy.STATUSES or not isinstance(status, str):
        problems.append(Issue("status", f"parmi {', '.join(taxonomy.STATUSES.codes)}"))
    else:
        data["status"] = status

    problems.extend(_clean_years(raw, data))

    website = raw.get("website") or ""
    if not isinstance(website, str):
        problems.append(Issue("website", "un texte est attendu"))
    else:
        website = clean_text(website)
        if website and (not is_web_url(website) or len(website) > URL_MAX):
            problems.append(Issue("website", "une adresse http:// ou https:// est attendue"))
        data["website"] = website

    partners, partner_problems = clean_partners(raw.get("partners"))
    problems.extend(partner_problems)
    data["partners"] = partners

    problems.extend(clean_bookkeeping(raw, data))
    return data, problems


def _clean_years(raw: dict, data: dict) -> list[Issue]:
    """Check the years. An end year means the alliance is over: it goes with « termine » only,
    and a finished alliance may leave it empty (the year is not always known)."""
    problems: list[Issue] = []
    for name, last in (("start_year", first_year_max()), ("end_year", last_end_year())):
        year = raw.get(name)
        data[name] = None
        if year in (None, ""):
            continue
        if not isinstance(year, int) or isinstance(year, bool):
            problems.append(Issue(name, "un nombre entier est attendu"))
        elif not FIRST_YEAR <= year <= last:
            problems.append(Issue(name, f"entre {FIRST_YEAR} et {last}"))
        else:
            data[name] = year
    start, end = data["start_year"], data["end_year"]
    if end is not None and start is not None and end < start:
        problems.append(Issue("end_year", f"antérieure à l’année de lancement ({start})"))
    if end is not None and data.get("status") != "termine":
        problems.append(Issue("end_year", "seulement pour une alliance terminée (statut « termine »)"))
    return problems


def clean_partners(value: Any) -> tuple[list[dict], list[Issue]]:
    """Check a list of partners given as objects with name, kind and role."""
    if not isinstance(value, list):
        return [], [Issue("partners", f"une liste de {PARTNERS_MIN} à {PARTNERS_MAX} est attendue")]
    problems: list[Issue] = []
    partners: list[dict] = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            problems.append(Issue(f"partners.{i}", "un objet est attendu"))
            continue
        name, kind, role = (item.get(k) if item.get(k) is not None else "" for k in ("name", "kind", "role"))
        if not all(isinstance(v, str) for v in (name, kind, role)):
            problems.append(Issue(f"partners.{i}", "nom, type et rôle sont des textes"))
            continue
        name, role = one_line(name), one_line(role)
        if not name:
            problems.append(Issue(f"partners.{i}.name", "nom obligatoire"))
        elif len(name) > PARTNER_NAME_MAX:
            problems.append(Issue(f"partners.{i}.name",
                                  f"nom de {len(name)} caractères, {PARTNER_NAME_MAX} au plus"))
        if kind not in taxonomy.PARTNER_KINDS:
            problems.append(Issue(f"partners.{i}.kind", f"type inconnu « {kind} »"))
        if len(role) > PARTNER_ROLE_MAX:
            problems.append(Issue(f"partners.{i}.role",
                                  f"rôle de {len(role)} caractères, {PARTNER_ROLE_MAX} au plus"))
        organisation = {"organisation": item["organisation"]} if "organisation" in item else {}
        partners.append({"name": name, "kind": kind, "role": role, **organisation})  # its slug
    if not PARTNERS_MIN <= len(value) <= PARTNERS_MAX:
        problems.append(Issue("partners", f"entre {PARTNERS_MIN} et {PARTNERS_MAX} ({len(value)} donnés)"))
    return partners, problems


def implied_regions(regions: Iterable[str], departements: Iterable[str]) -> list[str]:
    """Return the régions with those of the départements added (a département implies its région)."""
    result = list(dict.fromkeys(regions))
    for code in departements:
        region = taxonomy.region_of(code)
        if region not in result:
            result.append(region)
    return result
