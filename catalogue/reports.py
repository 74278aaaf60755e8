"""Visitors report an error on a published example (« Signaler une erreur »)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from . import i18n, mail, reporting
from .extensions import db, limiter
from .forms import ReportForm
from .models import Example, Report

bp = Blueprint("reports", __name__)
log = logging.getLogger(__name__)


def _limit() -> str:
    return current_app.config["REPORT_RATE_LIMIT"]


def _counts(response) -> bool:
    # Reports received and trapped robots count; a form sent back for corrections does not.
    return response.status_code == 303


def published(slug: str) -> Example:
    """Return the published example of this slug, or answer 404."""
    example = db.session.scalar(
        sa.select(Example).where(Example.slug == slug, Example.state == "published")
    )
    if example is None:
        abort(404)
    return example


def notify_moderators(report: Report) -> None:
    """Mail the moderators, in the site's language, that a report waits for them."""
    with i18n.site_locale():
        mail.send(
            mail.moderator_addresses(),
            gettext("Erreur signalée : %(title)s", title=report.example.title),
            "report_received",
            report=report,
            link=mail.absolute_url("moderation.report", report_id=report.id),
        )


@bp.route("/exemples/<slug>/signaler", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"], deduct_when=_counts)
def new(slug: str):
    example = published(slug)
    form = ReportForm()
    if form.validate_on_submit():
        if form.is_spam:
            log.warning("honeypot filled on %s from %s: no report", request.path,
                        request.remote_addr)
            return redirect(url_for("reports.thanks", slug=slug), code=303)
        report = reporting.file(example, form.message.data, form.email.data or "",
                                language=i18n.current_language())
        db.session.commit()
        log.info("report %s filed on example %s", report.id, example.id)
        notify_moderators(report)
        return redirect(url_for("reports.thanks", slug=slug), code=303)
    response = make_response(
        render_template("reports/new.html", form=form, example=example),
        400 if request.method == "POST" else 200,
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/exemples/<slug>/signaler/merci")
def thanks(slug: str):
    return render_template("reports/thanks.html", example=published(slug))
