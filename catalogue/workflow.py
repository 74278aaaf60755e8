"""The moderation state machine: every change of state goes through transition()."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from . import organisations
from .extensions import db
from .i18n import N_
from .models import Example, ModerationEvent, User, utcnow
from .serialisation import public_record
from .taxonomy import STATES


@dataclass(frozen=True)
class Action:
    code: str
    label: str  # French msgid, the verb on buttons: "Publier"
    sources: tuple[str | None, ...]
    target: str | None  # None: the state does not change
    needs_comment: bool = False
    done: str = ""  # French msgid, what the journal says happened: "Publié"


ACTIONS: dict[str, Action] = {
    a.code: a
    for a in (
        Action("submit", N_("Proposer"), (None,), "pending", done=N_("Proposé")),
        Action("resubmit", N_("Proposer à nouveau"), ("changes_requested",), "pending",
               done=N_("Corrigé et proposé à nouveau")),
        Action("approve", N_("Publier"), ("pending",), "published", done=N_("Publié")),
        Action("reject", N_("Refuser"), ("pending",), "rejected", needs_comment=True,
               done=N_("Refusé")),
        Action("request_changes", N_("Demander des modifications"), ("pending",),
               "changes_requested", needs_comment=True, done=N_("Modifications demandées")),
        Action("archive", N_("Archiver"), ("published",), "archived", done=N_("Archivé")),
        Action("restore", N_("Republier"), ("archived",), "published", done=N_("Republié")),
        Action("edit", N_("Modifier"), ("pending", "changes_requested", "published", "rejected",
                                        "archived", "withdrawn"), None, done=N_("Modifié")),
        Action("withdraw", N_("Retirer la proposition"), ("pending", "changes_requested"),
               "withdrawn", done=N_("Retiré par son auteur")),
        Action("import", N_("Importer"), (None,), None, done=N_("Importé")),
        # Reports of errors: journaled on their example (`record`), never a change of state.
        Action("report", N_("Signaler une erreur"), (), None, done=N_("Erreur signalée")),
        Action("report_answer", N_("Répondre"), (), None,
               done=N_("Signalement : réponse envoyée")),
        Action("report_fix", N_("Marquer comme corrigé"), (), None,
               done=N_("Signalement : corrigé")),
        Action("report_dismiss", N_("Classer sans suite"), (), None,
               done=N_("Signalement classé sans suite")),
        # An owner's revision of a published example: the example stays as it is until approved.
        Action("propose_update", N_("Proposer une mise à jour"), ("published",), None,
               done=N_("Mise à jour proposée")),
        Action("approve_update", N_("Publier la mise à jour"), ("published",), None,
               done=N_("Mise à jour publiée")),
        Action("reject_update", N_("Refuser la mise à jour"), ("published",), None,
               needs_comment=True, done=N_("Mise à jour refusée")),
        Action("request_update_changes", N_("Demander des modifications"), ("published",), None,
               needs_comment=True, done=N_("Modifications de la mise à jour demandées")),
        Action("renew_link", N_("Renouveler le lien de suivi"), ("published",), None,
               done=N_("Lien de suivi renouvelé")),
        # The yearly check: the owner says the example is still current, or that it ended.
        Action("confirm", N_("Confirmer"), ("published",), None, done=N_("Confirmé par son porteur")),
    )
}
# Actions that only write a journal line (`record`): `transition` refuses them.
JOURNAL_ONLY = ("report", "report_answer", "report_fix", "report_dismiss")

# The moves a moderator chooses between on the review page, per state.
DECISIONS: dict[str, tuple[str, ...]] = {
    "pending": ("approve", "request_changes", "reject"),
    "published": ("archive",),
    "archived": ("restore",),
    "changes_requested": (),
    "rejected": (),
    "withdrawn": (),
}


# The decisions on an owner's revision, offered on its review page.
REVISION_DECISIONS = ("approve_update", "request_update_changes", "reject_update")
# The actions that change the public fields: their journal line keeps a snapshot of them.
SNAPSHOT_ACTIONS = ("submit", "resubmit", "edit", "import", "approve_update", "confirm")


class TransitionError(Exception):
    """A move the state machine does not allow; the message is for the user, in their language."""


class VersionConflict(TransitionError):
    """The example changed since the person looked at it: nothing was changed."""


CONFLICT_MESSAGE = _l(
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
        raise TransitionError(gettext("Action inconnue : %(action)s.", action=action))
    if expected_version is not None and example.version != expected_version:
        raise VersionConflict(CONFLICT_MESSAGE)
    current = example.state if example.id is not None else None
    if action == "import":
        current, target = None, to_state or "published"
    else:
        target = move.target or example.state
    if current not in move.sources:
        raise TransitionError(
            gettext(
                "Impossible de « %(action)s » un exemple dans l’état « %(state)s ».",
                action=gettext(move.label).lower(),
                state=_state_label(current),
            )
        )
    comment = (comment or "").strip()
    if move.needs_comment and not comment:
        raise TransitionError(gettext("Un commentaire est nécessaire pour cette décision."))
    example.state = target
    # Approved, restored, edited or updated: no published partner left without its organisation
    # (an import links its partners once the example is in the session).
    if target == "published" and action != "import":
        organisations.link_partners(example)
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
        snapshot=public_record(example) if action in SNAPSHOT_ACTIONS else None,
    )
    example.events.append(event)
    return event


def record(example: Example, action: str, *, actor: User | None = None,
           comment: str = "") -> ModerationEvent:
    """Journal something done about an example that leaves it as it is; the caller commits.

    The example's row is not touched: its version, its update date and its public history
    stay as they were.
    """
    if action not in JOURNAL_ONLY:
        raise TransitionError(gettext("Action inconnue : %(action)s.", action=action))
    event = ModerationEvent(example_id=example.id, action=action, actor=actor, from_state=None,
                            to_state=example.state, comment=(comment or "").strip())
    db.session.add(event)
    return event


def step(
    example: Example,
    action: str,
    *,
    actor: User | None = None,
    comment: str = "",
    expected_version: int | None = None,
    change: Callable[[Example], None] | None = None,
    decision: bool = False,
) -> str | None:
    """Take one moderation step in its own transaction; return None, or why it was refused.

    `change(example)` applies the person's edits in the same transaction. With `decision`, the
    action must be one a moderator may choose in the example's state (DECISIONS). A refused step,
    or one lost to a concurrent change (StaleDataError), is rolled back whole: nothing is kept.
    """
    try:
        if expected_version is not None and example.version != expected_version:
            raise VersionConflict(CONFLICT_MESSAGE)
        if decision and action not in DECISIONS.get(example.state, ()):
            raise TransitionError(
                gettext(
                    "Cette décision n’est pas possible pour un exemple dans l’état « %(state)s ».",
                    state=_state_label(example.state),
                )
            )
        with db.session.no_autoflush:
            if change is not None:
                change(example)
            transition(example, action, actor=actor, comment=comment,
                       expected_version=expected_version)
        db.session.commit()
    except (TransitionError, StaleDataError) as exc:
        db.session.rollback()
        return str(exc if isinstance(exc, TransitionError) else CONFLICT_MESSAGE)
    return None


def _state_label(state: str | None) -> str:
    return gettext(STATES.label(state)) if state else gettext("nouveau")


DECISION_ACTIONS = ("approve", "reject", "request_changes")
SUBMISSION_ACTIONS = ("submit", "resubmit")
DELAY_SAMPLE = 50  # the last decisions the usual review delay is the median of
DELAY_MINIMUM = 5  # fewer decisions than this: no delay is announced


def usual_review_delay(sample: int = DELAY_SAMPLE, minimum: int = DELAY_MINIMUM
                       ) -> timedelta | None:
    """Return the median time from a (re)submission to the moderators' decision on it.

    Over the last `sample` decisions; None when fewer than `minimum` decisions were taken.
    """
    decisions = db.session.execute(
        sa.select(ModerationEvent.example_id, ModerationEvent.created_at)
        .where(ModerationEvent.action.in_(DECISION_ACTIONS))
        .order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
        .limit(sample)
    ).all()
    if len(decisions) < minimum:
        return None
    submitted: dict[int, list[datetime]] = {}
    for example_id, moment in db.session.execute(
        sa.select(ModerationEvent.example_id, ModerationEvent.created_at)
        .where(ModerationEvent.action.in_(SUBMISSION_ACTIONS),
               ModerationEvent.example_id.in_({d.example_id for d in decisions}))
        .order_by(ModerationEvent.created_at)
    ):
        submitted.setdefault(example_id, []).append(moment)
    delays = []
    for example_id, decided in decisions:
        times = submitted.get(example_id, [])
        before = bisect_right(times, decided)
        if before:  # an example imported straight into the queue has no submission
            delays.append(decided - times[before - 1])
    if len(delays) < minimum:
        return None
    return median(delays)
