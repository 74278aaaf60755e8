"""The yearly check on the follow-up page: the owner confirms the example, or says it ended."""

from __future__ import annotations

import logging

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from .. import reminders
from ..forms import YearlyCheckForm
from .blueprint import bp, by_token, no_store

log = logging.getLogger(__name__)


@bp.route("/proposer/suivi/<token>/actualite", methods=["GET", "POST"])
def yearly_check(token: str):
    """Still current, or finished (end year optional): one step, either counts as confirmed."""
    example = by_token(token)
    if not example.is_published:
        return redirect(url_for("contribute.follow", token=token))
    form = YearlyCheckForm(start_year=example.start_year)
    if request.method == "POST" and form.validate():
        finished = bool(form.finished.data)
        end_year = int(form.end_year.data) if finished and form.end_year.data else None
        refused = reminders.confirm(example, end_year=end_year, finished=finished)
        if refused:
            flash(refused, "warning")
        else:
            log.info("example %s confirmed by its owner (finished: %s)", example.id, finished)
            flash(gettext("Merci : l’alliance est indiquée comme terminée.") if finished else
                  gettext("Merci : les informations de l’exemple sont confirmées."), "success")
        return redirect(url_for("contribute.follow", token=token) + "#actualite", code=303)
    status = 400 if request.method == "POST" else 200
    return no_store(make_response(render_template(
        "contribute/yearly.html", example=example, token=token, check=form), status))
