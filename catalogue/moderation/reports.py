"""Reports of errors in the moderation queue: the list, one report, answer, fix or dismiss."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user
from sqlalchemy.orm import selectinload

from .. import i18n, mail, reporting, taxonomy
from ..extensions import db
from ..forms import ReportDecisionForm
from ..models import Report
from .blueprint import bp, page_number

log = logging.getLogger(__name__)


def get_report(report_id: int) -> Report:
    return db.get_or_404(Report, report_id, description="Signalement introuvable.")


@bp.get("/signalements")
def reports():
    state = request.args.get("etat", "open")
    if state not in taxonomy.REPORT_STATES:
        state = "open"
    counts = dict(db.session.execute(
        sa.select(Report.state, sa.func.count(Report.id)).group_by(Report.state)
    ).all())
    stmt = sa.select(Report).where(Report.state == state).options(selectinload(Report.example))
    if state == "open":
        stmt = stmt.order_by(Report.created_at, Report.id)  # oldest waiting first
    else:
        stmt = stmt.order_by(Report.handled_at.desc(), Report.id.desc())
    page = db.paginate(stmt, page=page_number(), per_page=current_app.config["PER_PAGE"],
                       error_out=False)
    return render_template("moderation/reports.html", state=state, counts=counts, page=page)


def _report_page(report: Report, form: ReportDecisionForm | None = None, status: int = 200,
                 refused: str | None = None):
    return render_template(
        "moderation/report.html", report=report, form=form or ReportDecisionForm(),
        moves=reporting.MOVES.values(), refused=refused,
    ), status


@bp.get("/signalements/<int:report_id>")
def report(report_id: int):
    return _report_page(get_report(report_id))


@bp.post("/signalements/<int:report_id>/decision")
def report_decide(report_id: int):
    report = get_report(report_id)
    form = ReportDecisionForm()
    if not form.validate():
        if form.errors.keys() - {"answer"}:
            abort(400)
        return _report_page(report, form, 400)
    example, language = report.example, report.language
    move = reporting.MOVES[form.action.data]
    answer = form.answer.data or ""
    try:
        address = reporting.close(report, move.code, current_user._get_current_object(), answer)
        db.session.commit()
    except reporting.Refused as exc:
        db.session.rollback()
        return _report_page(get_report(report_id), form, 409, refused=str(exc))
    log.info("%s: report %s on example %s %s", current_user.email, report_id, example.id,
             move.target)
    if address:
        with i18n.language_locale(language):
            subjects = {
                "answer": gettext("Votre signalement sur le Catalogue des alliances"),
                "fix": gettext("L’erreur que vous avez signalée est corrigée"),
            }
            mail.send(address, subjects[move.code], move.mail, title=example.title,
                      answer=answer,
                      public_url=mail.absolute_url("public.example", slug=example.slug))
    flash(gettext("Signalement sur « %(title)s » : %(state)s.", title=example.title,
                  state=i18n.tr(taxonomy.REPORT_STATES.label(move.target)).lower()), "success")
    return redirect(url_for("moderation.reports"))
