"""The rules of organisation records in backups: the organisations, and the slugs merged away.

Pure, like `validation`: each `clean_*` returns the normalised rows and their problems as
`Issue`s. The identifiers are checked as the moderators' form checks them (`identifiers`).
"""

from __future__ import annotations

import re
from typing import Any

from . import identifiers, taxonomy
from .limits import LOCALITY_MAX, PARTNER_NAME_MAX, URL_MAX
from .organisations import name_key
from .validation import Issue, clean_text, is_web_url, one_line, parse_time

SLUG_MAX = PARTNER_NAME_MAX + 20
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
IDENTIFIERS = {
    "siren": ("SIREN", identifiers.check_siren),
    "siret": ("SIRET", identifiers.check_siret),
    "rna": ("RNA", identifiers.check_rna),
    "cog": ("code INSEE", identifiers.check_cog),
}
ORGANISATION_FIELDS = ("slug", "name", "kind", *IDENTIFIERS, "website", "commune",
                       "created_at", "updated_at")
REDIRECT_FIELDS = ("slug", "name", "organisation", "actor", "created_at")


def is_slug(value: Any) -> bool:
    """Return whether the value can be an organisation's slug (as its URL writes it)."""
    return isinstance(value, str) and len(value) <= SLUG_MAX and bool(_SLUG.fullmatch(value))


def _rows(raw: Any, name: str, problems: list[Issue]) -> list[tuple[int, dict]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(row, dict) for row in raw):
        problems.append(Issue(name, "une liste d’objets est attendue", named=False))
        return []
    return list(enumerate(raw, start=1))


def clean_organisations(raw: Any) -> tuple[list[dict], list[Issue]]:
    """Check a backup's `organisations`: slug, name, kind, identifiers, website, commune."""
    problems: list[Issue] = []
    cleaned, slugs, keys = [], set(), set()
    for i, row in _rows(raw, "organisations", problems):
        def problem(field: str, message: str, i: int = i) -> None:
            problems.append(Issue(f"organisations.{i}.{field}", f"organisation {i} : {message}",
                                  named=False))

        for key in sorted(set(row) - set(ORGANISATION_FIELDS), key=str):
            problem(key, f"champ inconnu « {key} »")
        item: dict[str, Any] = {}
        if not is_slug(row.get("slug")):
            problem("slug", "adresse (slug) absente ou invalide")
        elif row["slug"] in slugs:
            problem("slug", f"adresse « {row['slug']} » en double")
        item["slug"] = row.get("slug")
        slugs.add(item["slug"])
        texts = {"name": PARTNER_NAME_MAX, "website": URL_MAX, "commune": LOCALITY_MAX,
                 **{k: 20 for k in IDENTIFIERS}}
        for field, limit in texts.items():
            value = row.get(field) or ""
            if not isinstance(value, str) or len(value) > limit:
                problem(field, f"{field} : un texte de {limit} caractères au plus est attendu")
                value = ""
            item[field] = one_line(value)
        if not item["name"]:
            problem("name", "nom obligatoire")
        if row.get("kind") not in taxonomy.PARTNER_KINDS or not isinstance(row.get("kind"), str):
            problem("kind", f"type inconnu « {row.get('kind')} »")
        item["kind"] = row.get("kind")
        for field, (label, check) in IDENTIFIERS.items():
            try:
                item[field] = check(item[field])
            except ValueError as exc:
                problem(field, f"{label} : {exc}")
        item["website"] = clean_text(item["website"])
        if item["website"] and not is_web_url(item["website"]):
            problem("website", "une adresse http:// ou https:// est attendue")
        for field in ("created_at", "updated_at"):
            item[field] = parse_time(row.get(field), problems, f"organisations.{i}.{field}")
        key = (name_key(item["name"]), item["kind"])
        if key in keys:
            problem("name", f"« {item['name']} » ({item['kind']}) en double")
        keys.add(key)
        cleaned.append(item)
    return cleaned, problems


def clean_redirects(raw: Any) -> tuple[list[dict], list[Issue]]:
    """Check a backup's `organisation_redirects`: old slug, old name, the slug it leads to."""
    problems: list[Issue] = []
    cleaned = []
    for i, row in _rows(raw, "organisation_redirects", problems):
        item = {field: row.get(field) for field in REDIRECT_FIELDS}
        if not (is_slug(item["slug"]) and is_slug(item["organisation"])):
            problems.append(Issue(f"organisation_redirects.{i}",
                                  f"redirection {i} : adresses (slug) absentes ou invalides",
                                  named=False))
        if not isinstance(item["name"], str) or not item["name"].strip():
            problems.append(Issue(f"organisation_redirects.{i}.name",
                                  f"redirection {i} : nom obligatoire", named=False))
        item["actor"] = item["actor"] if isinstance(item["actor"], str) else None
        item["created_at"] = parse_time(item["created_at"], problems,
                                        f"organisation_redirects.{i}.created_at")
        cleaned.append(item)
    return cleaned, problems
