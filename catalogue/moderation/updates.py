"""Owners' updates of published examples: the review of one, and the decision on it."""

from __future__ import annotations

import logging

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user

from .. import i18n, mail, media_changes, organisation_matches, revisions, workflow
from ..extensions import db
from ..forms import DecisionForm
from ..i18n import N_
from ..models import Revision
from .blueprint import bp

log = logging.getLogger(__name__)

SUBJECTS = {
    "approve_update": N_("Votre mise à jour est publiée"),
    "reject_update": N_("Votre mise à jour n’a pas été retenue"),
    "request_update_changes": N_("Votre mise à jour : des modifications sont demandées"),
}


def notify_owner(revision: Revision, action: str, token: str | None) -> None:
    """Tell the owner what was decided on their update, in the language of their form."""
    example = revision.example
    if not example.submitter_email:
        return
    with i18n.language_locale(example.language):
        mail.send(example.submitter_email, gettext(SUBJECTS[action]), f"update_{action}",
                  example=example, comment=revision.comment,
                  link=mail.follow_url(token) if token else None,
                  public_url=mail.absolute_url("public.example", slug=example.slug))


def _page(revision: Revision, form: DecisionForm | None = None, status: int = 200,
          conflict: str | None = None):
    example = revision.example
    if form is None:
        form = DecisionForm(version=example.version)
    waiting = revision.state == "pending" and example.is_published
    return render_template(
        "moderation/revision.html", revision=revision, example=example, form=form,
        changes=revisions.changes(revision), conflict=conflict, actions=workflow.ACTIONS,
        media_changed=media_changes.changed(revision),
        proposed_media=media_changes.shown(media_changes.proposed(revision)),
        decisions=[workflow.ACTIONS[code] for code in workflow.REVISION_DECISIONS]
        if waiting else [],
        matches=organisation_matches.matches(revision.data.get("partners", []))
        if waiting else [],
    ), status


def _revision(revision_id: int) -> Revision:
    return db.get_or_404(Revision, revision_id, description="Mise à jour introuvable.")


@bp.get("/mises-a-jour/<int:revision_id>")
def revision(revision_id: int):
    return _page(_revision(revision_id))


@bp.post("/mises-a-jour/<int:revision_id>/decision")
def decide_revision(revision_id: int):
    revision = _revision(revision_id)
    form = DecisionForm()
    valid = form.validate()
    if form.action.data not in workflow.REVISION_DECISIONS or form.errors.keys() - {"comment"}:
        abort(400)
    if not valid:  # a comment is missing: the page says so next to the field
        form.version.data, form.version.raw_data = revision.example.version, None
        return _page(revision, form, 400)
    action = form.action.data
    choices = organisation_matches.read_choices(request.form, revision.data.get("partners", []))
    refused, token = revisions.decide(revision, action, current_user._get_current_object(),
                                      form.comment.data or "", form.version.data, choices)
    if refused:
        revision = _revision(revision_id)
        form.version.data, form.version.raw_data = revision.example.version, None
        return _page(revision, form, 409, conflict=refused)
    log.info("%s: %s on revision %s of example %s", current_user.email, action, revision.id,
             revision.example_id)
    notify_owner(revision, action, token)
    flash(gettext("« %(title)s » : %(done)s.", title=revision.example.title,
                  done=gettext(workflow.ACTIONS[action].done).lower()), "success")
    return redirect(url_for("moderation.queue"))
