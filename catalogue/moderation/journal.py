"""The moderation journal: every event, newest first, filtered."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import (
    current_app,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from sqlalchemy.orm import selectinload

from .. import workflow
from ..extensions import db
from ..forms import (
    JournalFilterForm,
    options,
)
from ..models import ModerationEvent, User
from .blueprint import bp, page_number

CONTRIBUTOR = "contributeur"  # the journal filter value for events without a moderator


def _day_start(day) -> datetime:
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE") or "UTC")
    return datetime.combine(day, time.min, tzinfo=zone).astimezone(UTC)


@bp.get("/journal")
def journal():
    form = JournalFilterForm(request.args)
    users = db.session.scalars(sa.select(User).order_by(User.display_name, User.email)).all()
    form.acteur.choices = options(
        [
            ("", gettext("Tout le monde")),
            (CONTRIBUTOR, gettext("Contributeurs et imports")),
            *((str(u.id), u.name) for u in users),
        ]
    )
    stmt = sa.select(ModerationEvent).options(
        selectinload(ModerationEvent.example), selectinload(ModerationEvent.actor)
    )
    if form.validate():
        actor = form.acteur.data
        if actor == CONTRIBUTOR:
            stmt = stmt.where(ModerationEvent.actor_id.is_(None))
        elif actor and actor.isdigit():
            stmt = stmt.where(ModerationEvent.actor_id == int(actor))
        if form.action.data in workflow.ACTIONS:
            stmt = stmt.where(ModerationEvent.action == form.action.data)
        if form.du.data:
            stmt = stmt.where(ModerationEvent.created_at >= _day_start(form.du.data))
        if form.au.data:
            stmt = stmt.where(
                ModerationEvent.created_at < _day_start(form.au.data + timedelta(days=1))
            )
    stmt = stmt.order_by(ModerationEvent.created_at.desc(), ModerationEvent.id.desc())
    page = db.paginate(
        stmt,
        page=page_number(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    filters = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "moderation/journal.html",
        form=form,
        page=page,
        actions=workflow.ACTIONS,
        page_url=lambda number: url_for("moderation.journal", **filters, page=number),
    )
