"""The moderation state machine: every change of state goes through transition()."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Example, ModerationEvent, User, utcnow
from .records import public_record
from .taxonomy import STATES


@dataclass(frozen=True)
class Action:
    code: str
    label: str  # French, as shown on buttons and in the journal
    sources: tuple[str | None, ...]
    target: str | None  # None: the state does not change
    needs_comment: bool = False
    by_submitter: bool = False


ACTIONS: dict[str, Action] = {
    a.code: a
    for a in (
        Action("submit", "Proposé", (None,), "pending", by_submitter=True),
        Action("resubmit", "Corrigé et proposé à nouveau", ("changes_requested",), "pending",
               by_submitter=True),
        Action("approve", "Publier", ("pending",), "published"),
        Action("reject", "Refuser", ("pending",), "rejected", needs_comment=True),
        Action("request_changes", "Demander des modifications", ("pending",),
               "changes_requested", needs_comment=True),
        Action("archive", "Archiver", ("published",), "archived"),
        Action("restore", "Republier", ("archived",), "published"),
        Action("edit", "Modifié", ("pending", "changes_requested", "published", "rejected",
                                    "archived"), None),
        Action("import", "Importé", (None,), None),
    )
}

# The moves a moderator chooses between on the review page, per state.
DECISIONS: dict[str, tuple[str, ...]] = {
    "pending": ("approve", "request_changes", "reject"),
    "published": ("archive",),
    "archived": ("restore",),
    "changes_requested": (),
    "rejected": (),
}


class TransitionError(Exception):
    """A move the state machine does not allow; the message is French, for the user."""


def transition(
    example: Example,
    action: str,
    *,
    actor: User | None = None,
    comment: str = "",
    to_state: str | None = None,
    expected_version: int | None = None,
) -> ModerationEvent:
    """Apply one moderation action to an example and journal it; the caller commits.

    `expected_version` is the version the person decided on: when the example has changed
    since, nothing is changed. `to_state` is only for `import`, which may land in any state.
    """
    move = ACTIONS.get(action)
    if move is None:
        raise TransitionError(f"Action inconnue : {action}.")
    if expected_version is not None and example.version != expected_version:
        raise TransitionError(
            "Cet exemple a été modifié entre-temps (par une autre personne ou un autre onglet) : "
            "relisez la version actuelle avant de décider."
        )
    current = example.state if example.id is not None else None
    if action == "import":
        current, target = None, to_state or "published"
    else:
        target = move.target or example.state
    if current not in move.sources:
        raise TransitionError(
            f"Impossible de « {move.label.lower()} » un exemple dans l’état "
            f"« {_state_label(current)} »."
        )
    comment = (comment or "").strip()
    if move.needs_comment and not comment:
        raise TransitionError("Un commentaire est nécessaire pour cette décision.")
    example.state = target
    if target == "published" and (action == "approve" or example.published_at is None):
        example.published_at = utcnow()
    event = ModerationEvent(
        action=action,
        actor=actor,
        from_state=current,
        to_state=target,
        comment=comment,
        snapshot=public_record(example) if action in ("submit", "resubmit", "edit", "import") else None,
    )
    example.events.append(event)
    return event


def _state_label(state: str | None) -> str:
    return STATES.label(state) if state else "nouveau"
