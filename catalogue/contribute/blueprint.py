"""The contributors' blueprint, and what its pages share: the follow-up link, the form's answers."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Blueprint, abort, g, make_response, render_template, request

from .. import attachments
from ..extensions import db
from ..forms import SubmissionForm
from ..forms.common import clear_errors
from ..models import Example, hash_token

bp = Blueprint("contribute", __name__)
log = logging.getLogger("catalogue.contribute")


def refused_as_spam():
    log.warning("honeypot filled on %s from %s: nothing saved", request.path, request.remote_addr)
    return render_template("contribute/spam.html"), 400


def read_with_files(form: SubmissionForm, example_id: int | None = None,
                    revision_id: int | None = None) -> tuple[dict | None, bool]:
    """Read a posted example form and its files: (the cleaned record or None, files accepted).

    Files accepted are kept (staged) even when another field is wrong: they are not sent again.
    `example_id`, `revision_id`: an update, whose rows may name the example's or its revision's
    media.
    """
    attachments.kept(form, example_id, revision_id)
    valid = form.validate_on_submit()
    if form.csrf_expired:  # nothing of an unchecked request is stored
        return None, False
    if form.add_partner.data:  # a row added is not a try: no message yet
        clear_errors(form)
    files_ok, g.files_staged = attachments.stage(form)
    return (form.cleaned() if valid else None), files_ok


def form_page(template: str, form: SubmissionForm | None, status: int = 200, **context):
    expired = form is not None and form.csrf_expired
    response = make_response(
        render_template(template, form=form, expired=expired, **context), status
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def by_token(token: str) -> Example:
    """Return the example a follow-up token opens, or answer 404."""
    example = db.session.scalar(
        sa.select(Example).where(Example.follow_token_hash == hash_token(token))
    )
    if example is None:
        abort(404)
    if example.details_erased_at is not None:
        # The link still names the example, but it no longer opens it: say why, not 404.
        abort(no_store(make_response(
            render_template("contribute/erased.html", example=example), 410)))
    return example


def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response
