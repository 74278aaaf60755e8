"""The queue, the review of one example, decisions and edits."""

from __future__ import annotations

import logging
import re

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
from flask_babel import gettext, ngettext
from flask_login import current_user

from .. import (
    attachments,
    duplicates,
    i18n,
    mail,
    media_changes,
    organisation_matches,
    reminders,
    reporting,
    revisions,
    taxonomy,
    workflow,
)
from ..diff import resubmission_changes
from ..extensions import db
from ..forms import (
    DecisionForm,
    EmptyForm,
    ModerationEditForm,
    QueueFilterForm,
)
from ..forms.common import clear_errors
from ..importing import apply_record
from ..models import Example
from ..views import takes_files
from .blueprint import bp, get_example, page_number

log = logging.getLogger(__name__)


def notify_submitter(example: Example, action: str, comment: str, token: str | None) -> None:
    """Tell the contributor what was decided, with the moderator's comment, in the language of
    the form they filled in (the moderator's is no guide to it)."""
    if action not in ("approve", "reject", "request_changes") or not example.submitter_email:
        return
    with i18n.language_locale(example.language):
        subjects = {
            "approve": gettext("Votre exemple est publié"),
            "reject": gettext("Votre proposition d’exemple n’a pas été retenue"),
            "request_changes": gettext(
                "Votre proposition d’exemple : des modifications sont demandées"
            ),
        }
        mail.send(
            example.submitter_email,
            subjects[action],
            f"decision_{action}",
            example=example,
            comment=comment,
            link=mail.follow_url(token) if token else None,
            public_url=mail.absolute_url("public.example", slug=example.slug),
        )


# --- the queue -----------------------------------------------------------------------------


def _search(stmt, q: str):
    if not q:
        return stmt
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", q) + "%"
    return stmt.where(
        sa.or_(
            Example.title.ilike(pattern, escape="\\"),
            Example.summary.ilike(pattern, escape="\\"),
            Example.submitter_organisation.ilike(pattern, escape="\\"),
        )
    )


@bp.get("/")
def queue():
    form = QueueFilterForm(request.args)
    q = (form.q.data or "") if form.validate() else ""
    state = request.args.get("etat", "pending")
    if state not in taxonomy.STATES:
        state = "pending"
    counts = dict(
        db.session.execute(
            _search(sa.select(Example.state, sa.func.count(Example.id)), q).group_by(Example.state)
        ).all()
    )
    stmt = _search(sa.select(Example).where(Example.state == state), q)
    outdated = state == "published" and request.args.get("actualiser") == "1"
    if outdated:
        stmt = stmt.where(reminders.stale_clause())
    if state in ("pending", "changes_requested"):
        stmt = stmt.order_by(Example.created_at, Example.id)  # oldest waiting first
    else:
        stmt = stmt.order_by(Example.updated_at.desc(), Example.id.desc())
    page = db.paginate(
        stmt,
        page=page_number(),
        per_page=current_app.config["PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "moderation/queue.html",
        form=form,
        q=q,
        state=state,
        counts=counts,
        page=page,
        bulk=EmptyForm(),
        open_reports=reporting.open_count(),
        outdated=outdated,
        outdated_count=db.session.scalar(
            sa.select(sa.func.count(Example.id)).where(reminders.stale_clause())),
        revisions=revisions.pending(),
    )


@bp.post("/publier")
def bulk_approve():
    """Approve the checked examples, each through the state machine, each in its transaction."""
    form = EmptyForm()
    if not form.validate():
        abort(400)
    done, refused = [], []
    for value in request.form.getlist("ids")[: current_app.config["PER_PAGE"] * 5]:
        example_id, _, version = value.partition(":")
        if not (example_id.isdigit() and version.isdigit()):
            continue
        example = db.session.get(Example, int(example_id))
        if example is None:
            continue
        title = example.title
        message = workflow.step(example, "approve", actor=current_user._get_current_object(),
                                expected_version=int(version))
        if message:
            refused.append(gettext("« %(title)s » : %(message)s", title=title, message=message))
            continue
        log.info("%s approved example %s (bulk)", current_user.email, example.id)
        notify_submitter(example, "approve", "", None)
        done.append(example)
    if done:
        flash(
            ngettext("%(num)d exemple publié.", "%(num)d exemples publiés.", len(done)), "success"
        )
    for message in refused:
        flash(message, "error")
    if not done and not refused:
        flash(gettext("Cochez au moins un exemple à publier."), "warning")
    return redirect(url_for("moderation.queue", etat="pending", q=request.form.get("q") or None))


def _review_page(
    example: Example,
    form: DecisionForm | None = None,
    status: int = 200,
    conflict: str | None = None,
):
    if form is None:
        form = DecisionForm(version=example.version)
    decisions = [workflow.ACTIONS[code] for code in workflow.DECISIONS.get(example.state, ())]
    return render_template(
        "moderation/review.html",
        example=example,
        form=form,
        decisions=decisions,
        resubmission=resubmission_changes(example),
        revision=revisions.open_revision(example),
        duplicates=duplicates.possible_duplicates(example)
        if example.state in duplicates.WAITING else [],
        reports=reporting.open_reports_of(example.id),
        matches=organisation_matches.matches(organisation_matches.example_partners(example))
        if "approve" in workflow.DECISIONS.get(example.state, ()) else [],
        conflict=conflict,
        actions=workflow.ACTIONS,
    ), status


@bp.get("/exemples/<int:example_id>")
def review(example_id: int):
    return _review_page(get_example(example_id))


@bp.post("/exemples/<int:example_id>/decision")
def decide(example_id: int):
    example = get_example(example_id)
    form = DecisionForm()
    if not form.validate():
        if form.errors.keys() - {"comment"}:
            abort(400)
        # Clear what was posted, or the field would still render the old version.
        form.version.data, form.version.raw_data = example.version, None
        return _review_page(example, form, 400)
    action, comment = form.action.data, form.comment.data or ""
    token = None
    choices = organisation_matches.read_choices(request.form, example.partners)

    def change(example: Example) -> None:
        nonlocal token
        if action == "request_changes":
            token = example.new_follow_token()  # the mailed link replaces the previous one
        if action == "approve":
            organisation_matches.apply_choices(example, choices)

    message = workflow.step(example, action, actor=current_user._get_current_object(),
                            comment=comment, expected_version=form.version.data, change=change,
                            decision=True)
    if message:
        example = get_example(example_id)
        # Clear what was posted, or the field would still render the old version.
        form.version.data, form.version.raw_data = example.version, None
        return _review_page(example, form, 409, conflict=message)
    log.info("%s: %s on example %s", current_user.email, action, example.id)
    notify_submitter(example, action, comment, token)
    flash(
        gettext(
            "« %(title)s » : %(done)s.",
            title=example.title,
            done=gettext(workflow.ACTIONS[action].done).lower(),
        ),
        "success",
    )
    if action in ("archive", "restore"):
        return redirect(url_for("moderation.review", example_id=example.id))
    return redirect(url_for("moderation.queue"))


@bp.route("/exemples/<int:example_id>/modifier", methods=["GET", "POST"])
@takes_files
def edit(example_id: int):
    example = get_example(example_id)
    if request.method == "GET":
        form = ModerationEditForm(obj=example)
        media_changes.fill(form, media_changes.current(example))
        return render_template("moderation/edit.html", example=example, form=form)
    form = ModerationEditForm()
    attachments.kept(form, example.id)
    valid = form.validate_on_submit()
    files_ok = attachments.stage(form)[0]  # CSRF checked before: nothing unchecked is stored
    if form.add_partner.data:
        clear_errors(form)
        form.add_partner_row()
        return render_template("moderation/edit.html", example=example, form=form, added=True)
    data = form.cleaned() if valid else None
    if data is None or not files_ok:
        return render_template("moderation/edit.html", example=example, form=form), 400

    def change(example: Example) -> None:
        apply_record(example, data)
        media_changes.apply_form(example, form)

    message = workflow.step(example, "edit", actor=current_user._get_current_object(),
                            comment=form.note.data or "", expected_version=form.version.data,
                            change=change)
    if message:
        form.refused.append(
            message
            + " "
            + gettext(
                "Vos modifications n’ont pas été enregistrées : "
                "recopiez-les après avoir rechargé la page."
            )
        )
        return render_template(
            "moderation/edit.html", example=get_example(example_id), form=form
        ), 409
    log.info("%s edited example %s", current_user.email, example.id)
    flash(gettext("Modifications enregistrées."), "success")
    return redirect(url_for("moderation.review", example_id=example.id))
