"""The moderation state machine: every change of state goes through transition()."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Example, ModerationEvent, User, utcnow
from .records import public_record
from .taxonomy import STATES


@dataclass(frozen=True)
class Action:
    code: str
    label: str  # French, the verb on buttons: "Publier"
    sources: tuple[str | None, ...]
    target: str | None  # None: the state does not change
    needs_comment: bool = False
    by_submitter: bool = False
    done: str = ""  # French, what the journal says happened: "Publié"


ACTIONS: dict[str, Action] = {
    a.code: a
    for a in (
        Action("submit", "Proposer", (None,), "pending", by_submitter=True, done="Proposé"),
        Action("resubmit", "Proposer à nouveau", ("changes_requested",), "pending",
               by_submitter=True, done="Corrigé et proposé à nouveau"),
        Action("approve", "Publier", ("pending",), "published", done="Publié"),
        Action("reject", "Refuser", ("pending",), "rejected", needs_comment=True, done="Refusé"),
        Action("request_changes", "Demander des modifications", ("pending",),
               "changes_requested", needs_comment=True, done="Modifications demandées"),
        Action("archive", "Archiver", ("published",), "archived", done="Archivé"),
        Action("restore", "Republier", ("archived",), "published", done="Republié"),
        Action("edit", "Modifier", ("pending", "changes_requested", "published", "rejected",
                                    "archived"), None, done="Modifié"),
        Action("import", "Importer", (None,), None, done="Importé"),
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


class VersionConflict(TransitionError):
    """The example changed since the person looked at it: nothing was changed."""


CONFLICT_MESSAGE = (
    "Cet exemple a été modifié entre-temps (par une autre personne ou un autre onglet) : "
    "relisez la version actuelle avant de décider."
)


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
        raise VersionConflict(CONFLICT_MESSAGE)
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
    # Touch the row even when only partners or the journal change: the UPDATE bumps
    # `version`, so a second decision taken on the old version is refused.
    example.updated_at = utcnow()
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
