"""Organisations in imports: checking a backup's organisations, restoring them before examples."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from . import organisations
from .extensions import db
from .importing import ImportRefused, Problem
from .models import Organisation, OrganisationRedirect, User
from .organisation_records import IDENTIFIERS, clean_organisations, clean_redirects, is_slug
from .validation import Issue


@dataclass
class BackupOrganisations:
    """The checked organisations of an import file (none but for a backup)."""

    rows: list[dict] = field(default_factory=list)
    redirects: list[dict] = field(default_factory=list)


def known_slugs() -> set[str]:
    """Return the slugs the catalogue answers to: its organisations' and the merged ones'."""
    return set(db.session.scalars(sa.select(Organisation.slug))) | set(
        db.session.scalars(sa.select(OrganisationRedirect.slug)))


def validate_organisations(raw: dict[str, Any],
                           cleaned: list[tuple[int, dict]]) -> BackupOrganisations:
    """Check a file's organisations and the organisation each partner names (its slug).

    A slug must be one of the file's organisations or redirects, or one the catalogue knows.
    Raise ImportRefused listing every problem.
    """
    rows, issues = clean_organisations(raw.get("organisations"))
    redirects, redirect_issues = clean_redirects(raw.get("organisation_redirects"))
    issues += redirect_issues
    problems = [Problem(0, issue) for issue in issues]
    known = known_slugs() | {row["slug"] for row in rows}
    for i, redirect in enumerate(redirects, start=1):
        if is_slug(redirect["organisation"]) and redirect["organisation"] not in known:
            problems.append(Problem(0, Issue(
                f"organisation_redirects.{i}.organisation",
                f"redirection {i} : organisation inconnue « {redirect['organisation']} »",
                named=False)))
    known |= {redirect["slug"] for redirect in redirects}
    for position, data in cleaned:
        for n, partner in enumerate(data.get("partners", ()), start=1):
            slug = partner.get("organisation")
            if slug is not None and (not is_slug(slug) or slug not in known):
                problems.append(Problem(position, Issue(
                    f"partners.{n}.organisation", f"organisation inconnue « {slug} »")))
    if problems:
        raise ImportRefused(problems)
    return BackupOrganisations(rows, redirects)


def restore_organisations(backup: BackupOrganisations) -> int:
    """Add the backup's organisations and redirects the catalogue lacks; return how many
    organisations were added (the caller commits).

    An organisation whose slug the catalogue has is left as the catalogue has it; one whose
    name and kind the catalogue has under another slug is that one (its slug leads there).
    """
    added = 0
    users = {u.email: u for u in db.session.scalars(sa.select(User))}
    taken = known_slugs()
    for row in backup.rows:
        if row["slug"] in taken:
            continue
        same = organisations.find(row["name"], row["kind"])
        if same is not None:
            db.session.add(OrganisationRedirect(slug=row["slug"], name=row["name"],
                                                organisation=same))
        else:
            times = {k: row[k] for k in ("created_at", "updated_at") if row[k] is not None}
            db.session.add(Organisation(
                key=organisations.name_key(row["name"]), **times,
                **{k: row[k] for k in ("slug", "name", "kind", *IDENTIFIERS, "website", "commune")},
            ))
            added += 1
        taken.add(row["slug"])
    db.session.flush()
    for redirect in backup.redirects:
        if redirect["slug"] in taken:
            continue
        db.session.add(OrganisationRedirect(
            slug=redirect["slug"], name=redirect["name"].strip(),
            organisation=organisations.by_slug(redirect["organisation"]),
            actor=users.get(redirect["actor"] or ""),
            **({"created_at": redirect["created_at"]} if redirect["created_at"] else {}),
        ))
        taken.add(redirect["slug"])
    db.session.flush()
    return added
