"""The photos and documents an owner's update proposes: kept in the revision, applied on approval.

The revision's record holds a plan under "media": the media kept, in order, each with its
alternative text, credit, licence or title. New files belong to the revision
(`Media.revision_id`) until a moderator approves it; then the example's media become exactly
those of the plan (what the plan no longer names is deleted then, not before).
"""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa

from .attachments import is_staged, token_for
from .extensions import db
from .forms.media import MediaFields
from .models import Example, Media, Revision

FIELDS = ("alt", "credit", "licence", "title")


def described(item: Media, position: int | None = None) -> dict:
    """Return a media as an entry of a plan."""
    entry = {name: getattr(item, name) or "" for name in FIELDS}
    entry.update(id=item.id, kind=item.kind,
                 position=item.position if position is None else position)
    return entry


def current(example: Example) -> list[tuple[Media, dict]]:
    """Return the example's photos and documents as they are published."""
    return [(item, described(item)) for item in example.media if item.kind != "logo"]


def proposed(revision: Revision) -> list[tuple[Media, dict]]:
    """Return the media a revision proposes, in order; an older revision without a plan
    proposes no change."""
    plan = (revision.data or {}).get("media")
    if plan is None:
        return current(revision.example)
    items = []
    for entry in plan:
        item = db.session.get(Media, entry.get("id"))
        if item is not None and item.kind == entry.get("kind") and (
                item.example_id == revision.example_id or item.revision_id == revision.id):
            items.append((item, entry))
    return items


def fill(form: MediaFields, items: list[tuple[Media, dict]]) -> None:
    """Show media in the form's rows, each with what was typed for it."""
    free = {"photo": [e.form for e in form.photos], "document": [e.form for e in form.documents]}
    for item, entry in items:
        rows = free.get(item.kind) or []
        if not rows:
            continue
        row = rows.pop(0)
        row.media, row.staged.data = item, token_for(item)
        if item.kind == "photo":
            row.alt.data, row.credit.data = entry.get("alt", ""), entry.get("credit", "")
            row.licence.data = entry.get("licence") or "autorisation"
        else:
            row.title.data = entry.get("title", "")


def plan(form: MediaFields) -> list[dict]:
    """Return the media the form's rows keep, in order, with what was typed for each."""
    entries = []
    for kind, rows in (("photo", form.photo_rows()), ("document", form.documents)):
        position = 0
        for entry in rows:
            row = getattr(entry, "form", entry)
            if row.media is None or row.remove.data:
                continue
            typed = {"alt": row.alt.data, "credit": row.credit.data,
                     "licence": row.licence.data} if kind == "photo" else {"title": row.title.data}
            entries.append({**{name: "" for name in FIELDS}, **{k: v or "" for k, v in typed.items()},
                            "id": row.media.id, "kind": kind, "position": position})
            position += 1
    return entries


def claim(revision: Revision) -> None:
    """Give the revision the staged files its plan names; let go of those it no longer names."""
    named = {entry["id"] for entry in (revision.data or {}).get("media") or []}
    for media_id in named:
        item = db.session.get(Media, media_id)
        if item is not None and is_staged(item):
            item.revision_id = revision.id
    for item in db.session.scalars(sa.select(Media).where(Media.revision_id == revision.id)):
        if item.id not in named:
            db.session.delete(item)


def apply(revision: Revision) -> None:
    """Make the example's photos and documents those the approved revision proposes."""
    if (revision.data or {}).get("media") is not None:
        _replace(revision.example, proposed(revision))


def apply_form(example: Example, form: MediaFields) -> None:
    """Make the example's photos and documents those of a moderator's edit form (its rows name
    the example's media and files staged for it)."""
    items = []
    for entry in plan(form):
        item = db.session.get(Media, entry["id"])
        if item is not None and (item.example_id == example.id or is_staged(item)):
            items.append((item, entry))
    _replace(example, items)


def _replace(example: Example, items: list[tuple[Media, dict]]) -> None:
    keep = {item.id for item, _ in items}
    for item in list(example.media):
        if item.kind != "logo" and item.id not in keep:
            db.session.delete(item)
    for item, entry in items:
        item.example_id, item.revision_id = example.id, None
        item.position = entry["position"]
        for name in FIELDS:
            setattr(item, name, entry.get(name) or "")


def changed(revision: Revision) -> bool:
    """Say whether the revision changes the example's photos or documents."""
    if (revision.data or {}).get("media") is None:
        return False
    shown = [(item.id, {k: entry.get(k) for k in (*FIELDS, "position")})
             for item, entry in proposed(revision)]
    now = [(item.id, {k: entry.get(k) for k in (*FIELDS, "position")})
           for item, entry in current(revision.example)]
    return shown != now


def shown(items: list[tuple[Media, dict]]) -> list[SimpleNamespace]:
    """Return media as a page shows them, with the fields a plan gives them."""
    return [SimpleNamespace(kind=item.kind, files=item.files, **{k: entry.get(k, "") for k in FIELDS})
            for item, entry in items]
