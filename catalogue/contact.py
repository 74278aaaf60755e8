"""Visitors write to the people behind an example; the catalogue relays without disclosing.

The message goes by mail to the contributor's address, which the visitor never sees, with the
visitor's address as Reply-To. Only who wrote (a keyed hash of the address) and when are kept:
the log moderators read and the limits count; never the message itself.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from datetime import timedelta

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

from . import i18n, mail
from .extensions import csrf, db, limiter
from .forms import ContactForm
from .models import Example, RelayedMessage, User, utcnow

bp = Blueprint("contact", __name__)
log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)


class Refused(Exception):
    """A message not relayed: why, in the visitor's language, and the HTTP status saying so."""

    def __init__(self, reason: str, status: int):
        super().__init__(reason)
        self.reason, self.status = reason, status


def reachable(example: Example | None) -> bool:
    """Say whether visitors may write to the people behind an example."""
    return bool(
        example is not None and example.is_published and example.accepts_messages
        and example.submitter_email and example.details_erased_at is None
    )


def sender_hash(email: str) -> str:
    """Return the keyed hash that stands for a sender's address in the log."""
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else secret.encode()
    return hmac.new(key, User.normalize_email(email).encode(), hashlib.sha256).hexdigest()


def over_limit(example: Example, sender: str) -> str | None:
    """Count the messages of the last day, this one included; say why it is one too many.

    The row is written first and counted after: two workers sending at the same moment both
    see each other's, so neither slips past the limit.
    """
    since = utcnow() - WINDOW
    counted = sa.select(sa.func.count(RelayedMessage.id)).where(RelayedMessage.sent_at >= since)
    config = current_app.config
    if db.session.scalar(counted.where(RelayedMessage.sender_hash == sender)) > int(
        config["CONTACT_PER_SENDER_PER_DAY"]
    ):
        return gettext("Vous avez envoyé beaucoup de messages aujourd’hui : réessayez demain.")
    if db.session.scalar(counted.where(RelayedMessage.example_id == example.id)) > int(
        config["CONTACT_PER_EXAMPLE_PER_DAY"]
    ):
        return gettext("Les porteurs de cet exemple ont reçu beaucoup de messages aujourd’hui : "
                       "réessayez demain.")
    return None


def relay(example: Example, name: str, email: str, message: str) -> None:
    """Log and relay a visitor's message; raise Refused when it does not leave."""
    entry = RelayedMessage(example_id=example.id, sender_hash=sender_hash(email))
    db.session.add(entry)
    db.session.flush()
    refused = over_limit(example, entry.sender_hash)
    if refused:
        db.session.rollback()
        raise Refused(refused, 429)
    db.session.commit()  # counted before the mail leaves, held by no lock while it does
    with i18n.language_locale(example.language):
        sent = mail.send(
            example.submitter_email,
            gettext("Message d’un visiteur du Catalogue des alliances : %(title)s",
                    title=example.title),
            "contact_relay",
            reply_to=(name, email),
            # Mail filters and people alike see at once that the catalogue relayed it.
            headers={"X-Relayed-By": gettext(
                "Catalogue des alliances : message d’un visiteur, relayé sans votre adresse")},
            example=example, name=name, email=email, message=message,
            page=mail.absolute_url("public.example", slug=example.slug),
        )
    if not sent:
        db.session.delete(entry)
        db.session.commit()
        raise Refused(gettext("Le message n’a pas pu être transmis. Réessayez un peu plus tard."),
                      503)
    log.info("message relayed to the people behind example %s", example.id)


def _reachable_or_404(slug: str) -> Example:
    example = db.session.scalar(sa.select(Example).where(Example.slug == slug))
    if not reachable(example):
        abort(404)
    return example


def _limit() -> str:
    return current_app.config["CONTACT_RATE_LIMIT"]


def _counts(response) -> bool:
    # Sent, refused by the limits or trapped robots count; a form sent back for corrections not.
    return response.status_code in (303, 400, 429, 503)


def _no_store(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


# The global CSRF check would answer a bare 400 page and lose the message: the form's own
# csrf_token field refuses the POST instead, and the page is shown again, filled in.
@bp.route("/exemples/<slug>/contacter", methods=["GET", "POST"])
@csrf.exempt
@limiter.limit(_limit, methods=["POST"], deduct_when=_counts)
def write(slug: str):
    example = _reachable_or_404(slug)
    form = ContactForm()
    if request.method == "POST" and form.is_spam:
        log.warning("honeypot filled on %s from %s: nothing relayed", request.path,
                    request.remote_addr)
        return _no_store(render_template(
            "contribute/spam.html", back=url_for("contact.write", slug=slug))), 400
    if form.validate_on_submit():
        try:
            relay(example, form.name.data, form.email.data, form.message.data)
        except Refused as refused:
            return _no_store(render_template("contact/write.html", example=example, form=form,
                                             refused=refused.reason)), refused.status
        return redirect(url_for("contact.sent", slug=slug), code=303)
    return _no_store(render_template("contact/write.html", example=example, form=form))


@bp.get("/exemples/<slug>/contacter/envoye")
def sent(slug: str):
    return render_template("contact/sent.html", example=_reachable_or_404(slug))
