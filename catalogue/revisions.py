"""Owners' revisions of published examples, the moderators' decisions on them, public history.

A revision waits beside the published example, which stays online unchanged until a moderator
approves it; every step goes through the state machine and is journaled on the example.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext

from . import i18n, mail, media_changes, organisation_matches, workflow
from .diff import compare
from .extensions import db
from .importing import apply_record
from .models import Example, Revision, User, utcnow
from .serialisation import public_record
from .validation import TEXT_FIELDS

# What a decision makes of the revision.
DECIDED = {
    "approve_update": "approved",
    "reject_update": "rejected",
    "request_update_changes": "changes_requested",
}


def open_revision(example: Example) -> Revision | None:
    """Return the example's revision waiting for a moderator or for its owner, if any."""
    return db.session.scalar(
        sa.select(Revision)
        .where(Revision.example_id == example.id, Revision.state.in_(Revision.OPEN))
        .order_by(Revision.id.desc())
        .limit(1)
    )


def pending() -> list[Revision]:
    """Return the revisions waiting for a moderator, oldest first.

    Only those of published examples: an archived example's update waits until it is restored.
    """
    return list(db.session.scalars(
        sa.select(Revision).join(Revision.example)
        .where(Revision.state == "pending", Example.state == "published")
        .order_by(Revision.created_at, Revision.id)
    ))


def latest(example: Example) -> Revision | None:
    """Return the example's latest revision, whatever its state."""
    return db.session.scalar(
        sa.select(Revision).where(Revision.example_id == example.id)
        .order_by(Revision.id.desc()).limit(1)
    )


def notify_moderators(revision: Revision) -> None:
    """Mail the moderators, in the site's language, that a revision waits for their review."""
    with i18n.site_locale():
        mail.send(mail.moderator_addresses(),
                  gettext("Mise à jour proposée : %(title)s", title=revision.example.title),
                  "update_to_moderate", example=revision.example, revision=revision,
                  link=mail.absolute_url("moderation.revision", revision_id=revision.id))


def propose(example: Example, data: dict, note: str = "") -> str | None:
    """Record an owner's update of a published example; return None, or why it was refused.

    `data` is a cleaned record. The open revision, if any, is replaced: one waits at a time.
    Commits (through workflow.step); the example itself does not change.
    """

    def change(example: Example) -> None:
        revision = open_revision(example) or Revision(example_id=example.id)
        revision.data, revision.state, revision.note = data, "pending", note
        revision.comment, revision.created_at = "", utcnow()
        db.session.add(revision)
        db.session.flush()
        media_changes.claim(revision)

    return workflow.step(example, "propose_update", comment=note, change=change)


def decide(revision: Revision, action: str, actor: User, comment: str,
           expected_version: int | None = None,
           choices: Mapping[int, int | None] | None = None) -> tuple[str | None, str | None]:
    """Take a moderator's decision on a pending revision, in its own transaction.

    Return why it was refused (or None), and the owner's new follow-up token when the revision
    is sent back (the mailed link replaces the previous one). Approval applies the fields,
    links the partners to the organisations the moderator chose (`choices`, position → id or
    None for a new one), and notes `revised_at` when the public text changed: the feed and the
    alerts announce it.
    """
    token = None

    def change(example: Example) -> None:
        nonlocal token
        if action not in DECIDED:
            raise workflow.TransitionError(gettext("Action inconnue : %(action)s.", action=action))
        if revision.state != "pending":
            raise workflow.TransitionError(gettext("Cette mise à jour n’attend plus de décision."))
        if action == "approve_update":
            before = public_record(example)
            apply_record(example, revision.data)
            media_changes.apply(revision)
            organisation_matches.apply_choices(example, dict(choices or {}))
            if any(c["name"] in TEXT_FIELDS for c in compare(before, public_record(example))):
                example.revised_at = utcnow()
        elif action == "request_update_changes":
            token = example.new_follow_token()
        revision.state, revision.comment = DECIDED[action], comment.strip()
        revision.decided_at, revision.decided_by = utcnow(), actor

    refused = workflow.step(revision.example, action, actor=actor, comment=comment,
                            expected_version=expected_version, change=change)
    return refused, token


def changes(revision: Revision) -> list[dict]:
    """List what the revision changes in the published example, field by field."""
    return compare(public_record(revision.example), revision.data)


def history(example: Example) -> list[tuple[datetime, list[str]]]:
    """Return when the published content changed and which sections (labels), newest first.

    Read from the journal's snapshots after the first publication: approved revisions and
    moderators' edits. Nothing private, nobody's name.
    """
    entries: list[tuple[datetime, list[str]]] = []
    previous, published = None, False
    for event in example.events:
        if event.snapshot is not None:
            if published and previous is not None:
                labels = [c["label"] for c in compare(previous, event.snapshot)]
                if labels:
                    entries.append((event.created_at, labels))
            previous = event.snapshot
        published = published or event.to_state == "published"
    return entries[::-1]


def renew_link(example: Example, email: str) -> str | None:
    """Give a published example a new follow-up token when `email` is its contributor's address.

    Return the token to mail to that address (the old link stops working), or None. Commits
    when it renews.
    """
    stored = User.normalize_email(example.submitter_email or "")
    given = User.normalize_email(email or "")
    if not stored or example.details_erased_at is not None or not example.is_published:
        return None
    if not hmac.compare_digest(stored.encode(), given.encode()):
        return None
    token = None

    def change(example: Example) -> None:
        nonlocal token
        token = example.new_follow_token()

    return None if workflow.step(example, "renew_link", change=change) else token
