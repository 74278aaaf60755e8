"""Reports of errors on published examples: filed by visitors, closed by moderators.

A report is its own kind of item in the moderation queue. Filing and closing it are journaled
on its example (`workflow.record`) without touching the example itself. The reporter's address
serves only to answer: it is erased when the report is closed.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext

from . import workflow
from .extensions import db
from .i18n import N_
from .models import Example, Report, User, utcnow


@dataclass(frozen=True)
class Move:
    """A way a moderator closes an open report."""

    code: str  # the value of the form's button
    label: str  # French msgid, the verb on the button
    target: str  # the report's state afterwards
    action: str  # the journal's action
    needs_text: bool  # an answer must be written
    mail: str | None  # the mail template sent to the reporter, when they left an address


MOVES: dict[str, Move] = {
    m.code: m
    for m in (
        Move("answer", N_("Répondre"), "answered", "report_answer", True, "report_answer"),
        Move("fix", N_("Marquer comme corrigé"), "fixed", "report_fix", False, "report_fixed"),
        Move("dismiss", N_("Classer sans suite"), "dismissed", "report_dismiss", False, None),
    )
}


class Refused(Exception):
    """The report cannot be closed this way; the message is for the moderator."""


def file(example: Example, message: str, email: str = "", language: str = "fr") -> Report:
    """Record a visitor's report on a published example and journal it; the caller commits."""
    if not example.is_published:
        raise Refused(gettext("Seuls les exemples publiés peuvent être signalés."))
    report = Report(example=example, message=message.strip(), email=(email or "").strip(),
                    language=language)
    db.session.add(report)
    workflow.record(example, "report")
    return report


def close(report: Report, code: str, actor: User, text: str = "") -> str:
    """Close an open report with a moderator's move and journal it; the caller commits.

    Return the address to mail the reporter at ('' when none, or when the move mails nobody):
    it is erased from the report here. Raise Refused when the move is unknown, its answer is
    missing, or the report was closed meanwhile (by someone else, in another tab).
    """
    move = MOVES.get(code)
    if move is None:
        raise Refused(gettext("Action inconnue : %(action)s.", action=code))
    text = (text or "").strip()
    if move.needs_text and not text:
        raise Refused(gettext("Écrivez la réponse à envoyer."))
    address = report.email if move.mail else ""
    # A conditional UPDATE: of two moderators closing the same report, one only succeeds.
    closed = db.session.execute(
        sa.update(Report)
        .where(Report.id == report.id, Report.state == "open")
        .values(state=move.target, email="", answer=text, handled_by_id=actor.id,
                handled_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if closed != 1:
        raise Refused(gettext("Ce signalement a déjà été traité entre-temps."))
    workflow.record(report.example, move.action, actor=actor, comment=text)
    return address


def open_count() -> int:
    """Count the reports waiting for a moderator."""
    return db.session.scalar(sa.select(sa.func.count(Report.id)).where(Report.state == "open"))


def open_reports_of(example_id: int) -> list[Report]:
    """Return the reports of an example still waiting for a moderator, oldest first."""
    return list(db.session.scalars(
        sa.select(Report).where(Report.example_id == example_id, Report.state == "open")
        .order_by(Report.created_at, Report.id)
    ))
