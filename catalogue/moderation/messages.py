"""The log of visitors' messages relayed to the people behind examples: who and when, no body."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, render_template, request, url_for
from sqlalchemy.orm import selectinload

from ..extensions import db
from ..models import RelayedMessage, utcnow
from .blueprint import bp, page_number


@bp.get("/messages")
def messages():
    example_id = request.args.get("exemple", type=int)
    stmt = sa.select(RelayedMessage).options(selectinload(RelayedMessage.example))
    if example_id is not None:
        stmt = stmt.where(RelayedMessage.example_id == example_id)
    page = db.paginate(
        stmt.order_by(RelayedMessage.sent_at.desc(), RelayedMessage.id.desc()),
        page=page_number(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    last_day = db.session.scalar(
        sa.select(sa.func.count(RelayedMessage.id))
        .where(RelayedMessage.sent_at >= utcnow() - timedelta(hours=24))
    )
    filters = {"exemple": example_id} if example_id is not None else {}
    return render_template(
        "moderation/messages.html",
        page=page,
        last_day=last_day,
        example_id=example_id,
        page_url=lambda number: url_for("moderation.messages", **filters, page=number),
    )
