"""Contributors propose an example, follow it with a private link and correct it when asked."""

from __future__ import annotations

import logging
import secrets

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, ngettext
from sqlalchemy.exc import IntegrityError

from .. import attachments, i18n, mail, media_changes, revisions, validation, workflow
from ..extensions import csrf, db, limiter
from ..forms import SubmissionForm
from ..importing import apply_record, unique_slug
from ..models import Example, ModerationEvent, hash_token, utcnow
from ..views import takes_files
from . import owners, yearly
from .blueprint import (
    bp,
    by_token,
    form_page,
    no_store,
    read_with_files,
    refused_as_spam,
)

__all__ = ["bp", "by_token", "delay_in_words", "owners", "yearly"]
log = logging.getLogger(__name__)


def _submit_limit() -> str:
    return current_app.config["SUBMIT_RATE_LIMIT"]


def _counts(response) -> bool:
    # Accepted submissions and trapped robots count; a form sent back for corrections does not,
    # unless it stored files (each try could otherwise keep 80 MB for a day).
    return response.status_code in (302, 303, 400) or bool(g.get("files_staged"))


def new_slug(title: str) -> str:
    """Return a free slug for a new example's title."""
    base = unique_slug(title, set())
    taken = set(db.session.scalars(sa.select(Example.slug).where(Example.slug.startswith(base))))
    return unique_slug(title, taken)


def review_url(example: Example) -> str:
    return mail.absolute_url("moderation.review", example_id=example.id)


def notify_moderators(example: Example, resubmitted: bool) -> None:
    """Mail the moderators, in the site's language, that an example waits for their review."""
    with i18n.site_locale():
        if resubmitted:
            subject = gettext("Exemple corrigé à relire : %(title)s", title=example.title)
        else:
            subject = gettext("Nouvel exemple à modérer : %(title)s", title=example.title)
        mail.send(mail.moderator_addresses(), subject, "to_moderate", example=example,
                  link=review_url(example), resubmitted=resubmitted)


# The global CSRF check would answer a bare 400 page and lose what was typed: the form's own
# csrf_token field refuses the POST instead, and the page is shown again, filled in.
@bp.route("/proposer", methods=["GET", "POST"])
@takes_files
@csrf.exempt
@limiter.limit(_submit_limit, methods=["POST"], deduct_when=_counts)
def submit():
    form = SubmissionForm()
    if request.method == "GET":
        form.once.data = secrets.token_urlsafe(24)
        return form_page("contribute/submit.html", form)
    if form.is_spam:
        return refused_as_spam()
    data, files_ok = read_with_files(form)
    if form.add_partner.data:
        form.add_partner_row()
        return form_page("contribute/submit.html", form, added=True)
    if data is None or not files_ok:
        return form_page("contribute/submit.html", form)

    key = hash_token(form.once.data) if form.once.data else None
    for attempt in range(3):
        if key is not None and already_sent(key):
            # The same form again (double click, back button): the example exists already.
            log.info("submission form sent twice from %s: nothing more saved", request.remote_addr)
            return redirect(url_for("contribute.thanks"))
        # Built whole before it is written: a partner linked to the organisation the
        # contributor chose must not be flushed half-made by a look-up.
        with db.session.no_autoflush:
            example = Example(submission_key=key)
            apply_record(example, data)
            example.accepts_messages = bool(form.accepts_messages.data)
            example.slug = new_slug(example.title)
            example.language = i18n.current_language()
            token = example.new_follow_token()
            workflow.transition(example, "submit")
            db.session.add(example)
        db.session.flush()
        attachments.attach(form, example.id)
        try:
            db.session.commit()
            break
        except IntegrityError:  # the same title or form at the same moment: look again
            db.session.rollback()
            if attempt == 2:
                raise
    log.info("example %s submitted, waiting for moderation", example.id)
    session["follow_token"] = token
    # The contributor's mail speaks the language of the form they filled in; the moderators'
    # the site's.
    mail.send(
        example.submitter_email,
        gettext("Votre proposition d’exemple a bien été reçue"),
        "submitted",
        example=example,
        link=mail.follow_url(token),
    )
    notify_moderators(example, resubmitted=False)
    return redirect(url_for("contribute.thanks"))


def already_sent(key: str) -> bool:
    return db.session.scalar(sa.select(Example.id).where(Example.submission_key == key)) is not None


@bp.get("/proposer/merci")
def thanks():
    token = session.get("follow_token")
    # Shown on the page the contributor is on: its own (trusted) host, not BASE_URL, which
    # only mails need.
    link = url_for("contribute.follow", token=token, _external=True) if token else None
    response = make_response(render_template("contribute/thanks.html", link=link))
    response.headers["Cache-Control"] = "no-store"
    return response


def latest_comment(example: Example) -> ModerationEvent | None:
    """Return the moderator's latest message to the contributor, if any."""
    for event in reversed(example.events):
        if event.to_state in ("changes_requested", "rejected") and event.comment:
            return event
    return None


def delay_in_words(delay) -> str | None:
    """Say a review delay the way people do: « moins d’une journée », « 3 jours »."""
    if delay is None:
        return None
    days = round(delay.total_seconds() / 86400)
    if days < 1:
        return gettext("moins d’une journée")
    return ngettext("%(num)d jour", "%(num)d jours", days)


@bp.route("/proposer/suivi/<token>", methods=["GET", "POST"])
@takes_files
@csrf.exempt
def follow(token: str):
    example = by_token(token)
    editable = example.state == "changes_requested"
    context = {
        "example": example,
        "token": token,
        "comment": latest_comment(example),
        "editable": editable,
        "delay": delay_in_words(workflow.usual_review_delay())
        if example.state == "pending" else None,
        "revision": revisions.latest(example) if example.is_published else None,
    }
    if request.method == "GET":
        form = SubmissionForm(obj=example) if editable else None
        if form is not None:
            form.version.data = example.version
            media_changes.fill(form, media_changes.current(example))
        return form_page("contribute/follow.html", form, **context)

    if not editable:
        flash(
            gettext("Cet exemple n’attend pas de correction de votre part : rien n’a été modifié."),
            "warning",
        )
        return redirect(url_for("contribute.follow", token=token))
    form = SubmissionForm()
    if form.is_spam:
        return refused_as_spam()
    data, files_ok = read_with_files(form, example.id)
    if form.add_partner.data:
        form.add_partner_row()
        return form_page("contribute/follow.html", form, added=True, **context)
    if data is None or not files_ok:
        return form_page("contribute/follow.html", form, **context)

    def change(example: Example) -> None:
        apply_record(example, data)
        media_changes.apply_form(example, form)
        example.language = i18n.current_language()

    refused = workflow.step(example, "resubmit", comment=form.note.data or "",
                            expected_version=form.version.data, change=change)
    if refused:
        form.refused.append(refused)
        example = db.session.get(Example, example.id)
        # Clear what was posted, or the field would still render the old version.
        form.version.data, form.version.raw_data = example.version, None
        context.update(example=example, editable=example.state == "changes_requested")
        return form_page("contribute/follow.html", form, 409, **context)
    log.info("example %s resubmitted by its contributor", example.id)
    notify_moderators(example, resubmitted=True)
    flash(
        gettext(
            "Merci : vos corrections sont envoyées. L’exemple attend de nouveau la relecture "
            "de la modération."
        ),
        "success",
    )
    return redirect(url_for("contribute.follow", token=token))


@bp.post("/proposer/suivi/<token>/contact")
def messages_consent(token: str):
    """Let visitors write to the contributor through the catalogue, or stop them."""
    example = by_token(token)
    example.accepts_messages = request.form.get("accepte") == "oui"
    db.session.commit()
    log.info("example %s: messages from visitors %s by its contributor", example.id,
             "accepted" if example.accepts_messages else "refused")
    if example.accepts_messages:
        flash(gettext("C’est noté : les visiteurs peuvent vous écrire via le catalogue, sans voir "
                      "votre adresse."), "success")
    else:
        flash(gettext("C’est noté : les visiteurs ne peuvent plus vous écrire via le catalogue."),
              "success")
    return redirect(url_for("contribute.follow", token=token, _anchor="messages"), code=303)


WITHDRAWABLE = workflow.ACTIONS["withdraw"].sources


def _confirm_page(example: Example, token: str, action: str):
    """Ask before an irreversible step: withdrawing the proposal or erasing one's details."""
    return no_store(make_response(render_template(
        "contribute/confirm.html", example=example, token=token, action=action)))


@bp.route("/proposer/suivi/<token>/retrait", methods=["GET", "POST"])
def withdraw(token: str):
    """Withdraw the proposal at its contributor's request: it will not be published."""
    example = by_token(token)
    if request.method == "GET":
        if example.state not in WITHDRAWABLE:
            return redirect(url_for("contribute.follow", token=token))
        return _confirm_page(example, token, "withdraw")
    refused = workflow.step(
        example, "withdraw", comment="Proposition retirée par la personne qui l’a proposée."
    )
    if refused:
        flash(refused, "warning")
    else:
        log.info("example %s withdrawn by its contributor", example.id)
        flash(gettext("Votre proposition est retirée : elle ne sera pas publiée."), "success")
    return redirect(url_for("contribute.follow", token=token))


@bp.route("/proposer/suivi/<token>/oubli", methods=["GET", "POST"])
def forget(token: str):
    """Erase the contributor's details at their request; the link then only says so."""
    example = by_token(token)
    if request.method == "GET":
        return _confirm_page(example, token, "forget")
    with db.session.no_autoflush:
        for name in validation.PRIVATE_TEXT:
            setattr(example, name, "")
        example.contact_public = False
        example.accepts_messages = False  # nobody left to write to
        example.details_erased_at = utcnow()
        workflow.transition(
            example,
            "edit",
            comment="Coordonnées de la personne qui a proposé l’exemple retirées à sa demande.",
        )
    db.session.commit()
    log.info("example %s: the contributor's details were erased at their request", example.id)
    session.pop("follow_token", None)
    # The link now explains what happened.
    return redirect(url_for("contribute.follow", token=token))


@bp.get("/proposer/fichier/<token>")
def staged_file(token: str):
    """Show the thumbnail of a photo in a form that names it (its token says which)."""
    item = attachments.token_media(token)
    thumbnail = attachments.thumbnail(item) if item is not None else None
    if thumbnail is None:
        abort(404)
    response = make_response(thumbnail.data)
    response.headers["Content-Type"] = thumbnail.mime
    return no_store(response)
