"""After publication, the owner keeps the example current: updates, and a new link by mail."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from .. import i18n, mail, media_changes, revisions
from ..extensions import csrf, db, limiter
from ..forms import RenewLinkForm, SubmissionForm
from ..models import Example
from ..views import takes_files
from .blueprint import bp, by_token, form_page, no_store, read_with_files, refused_as_spam

log = logging.getLogger(__name__)


@bp.route("/proposer/suivi/<token>/mise-a-jour", methods=["GET", "POST"])
@takes_files
@csrf.exempt
def update(token: str):
    """Propose an update of a published example: it stays online unchanged until approved.

    Photos and documents too: new files wait with the revision, removals wait for approval.
    """
    example = by_token(token)
    if not example.is_published:
        return redirect(url_for("contribute.follow", token=token))
    revision = revisions.open_revision(example)
    context = {"example": example, "token": token, "revision": revision}
    if request.method == "GET":
        # Prefilled with the proposal still open, else with the published version.
        form = SubmissionForm(data=revision.data) if revision else SubmissionForm(obj=example)
        media_changes.fill(form, media_changes.proposed(revision) if revision
                           else media_changes.current(example))
        return form_page("contribute/update.html", form, **context)
    form = SubmissionForm()
    if form.is_spam:
        return refused_as_spam()
    data, files_ok = read_with_files(form, example.id, revision.id if revision else None)
    if form.add_partner.data:
        form.add_partner_row()
        return form_page("contribute/update.html", form, added=True, **context)
    if data is None or not files_ok:
        return form_page("contribute/update.html", form, **context)
    data["media"] = media_changes.plan(form)
    refused = revisions.propose(example, data, form.note.data or "")
    if refused:
        flash(refused, "warning")
        return redirect(url_for("contribute.follow", token=token))
    log.info("example %s: its owner proposed an update", example.id)
    revisions.notify_moderators(revisions.open_revision(example))
    flash(gettext("Merci : votre mise à jour est envoyée. La version publiée reste en ligne "
                  "telle quelle jusqu’à la relecture de la modération."), "success")
    return redirect(url_for("contribute.follow", token=token))


def _renew_limit() -> str:
    return current_app.config["RENEW_RATE_LIMIT"]


@bp.route("/exemples/<slug>/porteur", methods=["GET", "POST"])
@limiter.limit(_renew_limit, methods=["POST"])
def renew(slug: str):
    """Mail a new follow-up link to the owner of a published example, if the address is theirs.

    The answer is the same whether the address matched or not: the page tells nobody which
    address an example was proposed with.
    """
    example = db.session.scalar(sa.select(Example).where(Example.slug == slug))
    if example is None or not example.is_published:
        abort(404)
    form = RenewLinkForm()
    if form.validate_on_submit():
        token = revisions.renew_link(example, form.email.data)
        if token is not None:
            log.info("example %s: a new follow-up link was mailed to its owner", example.id)
            with i18n.language_locale(example.language):
                mail.send(example.submitter_email, gettext("Votre nouveau lien de suivi"),
                          "follow_link", example=example, link=mail.follow_url(token))
        flash(gettext("Si cette adresse est celle qui a servi à proposer l’exemple, un nouveau "
                      "lien de suivi vient d’y être envoyé ; l’ancien ne fonctionne plus."),
              "success")
        return redirect(url_for("contribute.renew", slug=slug), code=303)
    return no_store(make_response(render_template("contribute/renew.html", example=example,
                                                   form=form)))
