"""Saved-search alerts: subscribe with double opt-in, unsubscribe in one click, daily digests."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import click
import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.cli import with_appcontext
from flask_babel import gettext, ngettext
from sqlalchemy.orm import aliased
from werkzeug.datastructures import MultiDict

from . import mail, search
from .extensions import csrf, db, limiter
from .forms import AlertForm
from .models import Alert, Example, User, hash_token, utcnow

bp = Blueprint("alerts", __name__, url_prefix="/alertes")
log = logging.getLogger(__name__)

# An unconfirmed address is forgotten after this long.
PENDING_DAYS = 7
# At most this many unconfirmed alerts per address: nobody can flood a stranger's mailbox.
PENDING_PER_EMAIL = 3
# One confirmation mail per address in this time, however many times it is asked for.
CONFIRM_MAIL_INTERVAL = timedelta(hours=24)
# Examples listed in one digest; the rest is behind the link to the search.
DIGEST_MAX = 30


# --- the saved search ----------------------------------------------------------------------


def saved_query(req: search.SearchRequest) -> str:
    """Return the query string that keeps a search's words and filters (not page nor sort)."""
    pairs = [("q", req.q)] if req.q else []
    for name, values in req.active_filters().items():
        pairs.extend((name, value) for value in values)
    return urlencode(pairs)


def search_of(query: str) -> search.SearchRequest:
    req, _ = search.parse_args(MultiDict(parse_qsl(query)))
    req.sort = "recent"
    return req


def search_url(alert: Alert) -> str:
    params = MultiDict(parse_qsl(alert.query))
    return mail.absolute_url("public.catalogue", **params.to_dict(flat=False), tri="recent")


# --- tokens --------------------------------------------------------------------------------


def alert_token(alert: Alert) -> str:
    """Return the secret of an alert's links, derived from the app's secret key.

    Only its hash is stored, yet every digest can carry a working unsubscribe link.
    """
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else secret.encode()
    # The creation time keeps a reused id (after a deletion) from reviving old links.
    created = alert.created_at.astimezone(UTC).strftime("%Y%m%d%H%M%S%f")
    message = f"alert:{alert.id}:{created}:{alert.email}".encode()
    digest = hmac.new(key, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def link_token(alert: Alert) -> str:
    """Return the alert's token, re-sealing the alert if the secret key has changed."""
    token = alert_token(alert)
    if alert.token_hash != hash_token(token):
        alert.token_hash = hash_token(token)
    return token


def find(token: str) -> Alert | None:
    if len(token) > 100:
        return None
    return db.session.scalar(sa.select(Alert).where(Alert.token_hash == hash_token(token)))


def unsubscribe_url(token: str) -> str:
    return mail.absolute_url("alerts.unsubscribe", token=token)


def _limit() -> str:
    return current_app.config["ALERT_RATE_LIMIT"]


def _private(response):
    response = make_response(response)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- views ---------------------------------------------------------------------------------


@bp.route("/nouvelle", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def new():
    req, _ = search.parse_args(request.args)
    form = AlertForm()
    if form.validate_on_submit():
        if form.is_spam:
            log.warning("honeypot filled on %s from %s: no alert", request.path,
                        request.remote_addr)
            return redirect(url_for("alerts.sent"), code=303)
        alert = subscribe(User.normalize_email(form.email.data), saved_query(req))
        db.session.commit()
        if alert is not None and claim_confirmation_mail(alert):
            token = link_token(alert)
            mail.send(alert.email, gettext("Confirmez votre alerte du Catalogue des alliances"),
                      "alert_confirm", confirm_url=mail.absolute_url("alerts.confirm", token=token),
                      unsubscribe_url=unsubscribe_url(token), criteria=search.describe(req),
                      days=PENDING_DAYS)
        return redirect(url_for("alerts.sent"), code=303)
    return _private(render_template(
        "alerts/new.html", form=form, criteria=search.describe(req), query=saved_query(req)))


def subscribe(email: str, query: str) -> Alert | None:
    """Record a pending alert; return the one to send a confirmation for, if any.

    Nothing tells the visitor whether the address was known: the answer is always the same.
    """
    alert = db.session.scalar(sa.select(Alert).where(Alert.email == email, Alert.query == query))
    if alert is not None:
        return None if alert.confirmed_at else alert  # pending: send the link again
    pending = db.session.scalar(
        sa.select(sa.func.count(Alert.id)).where(Alert.email == email,
                                                 Alert.confirmed_at.is_(None))
    )
    if pending >= PENDING_PER_EMAIL:
        log.warning("alert refused: %d unconfirmed alerts already for one address", pending)
        return None
    alert = Alert(email=email, query=query)
    db.session.add(alert)
    db.session.flush()  # the token derives from the id
    link_token(alert)
    log.info("alert %d created, waiting for confirmation", alert.id)
    return alert


def claim_confirmation_mail(alert: Alert) -> bool:
    """Return whether a confirmation mail may go to the alert's address now, and note it.

    At most one a day per address, whoever asks and for whichever search: nobody can flood a
    stranger's mailbox. One UPDATE decides, so two workers cannot both send.
    """
    now = utcnow()
    other = aliased(Alert)  # not correlated with the row being updated
    recent = sa.select(other.id).where(
        other.email == alert.email, other.confirm_sent_at > now - CONFIRM_MAIL_INTERVAL)
    claimed = db.session.execute(
        sa.update(Alert).where(Alert.id == alert.id, ~recent.exists())
        .values(confirm_sent_at=now).execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if not claimed:
        log.warning("alert %d: a confirmation mail went to this address less than a day ago",
                    alert.id)
    return bool(claimed)


@bp.get("/envoyee")
def sent():
    return render_template("alerts/sent.html", days=PENDING_DAYS)


@bp.route("/confirmer/<token>", methods=["GET", "POST"])
def confirm(token: str):
    # A button, not the link alone, confirms: mail scanners open links, they do not press buttons.
    alert = find(token)
    if alert is None:
        return _private((render_template("alerts/invalid.html"), 404))
    if request.method == "POST":
        if alert.confirmed_at is None:
            alert.confirmed_at = utcnow()
            db.session.commit()
            log.info("alert %d confirmed", alert.id)
        flash(
            gettext("Votre alerte est active : vous recevrez les nouveaux exemples par courriel."),
            "success",
        )
        return redirect(url_for("alerts.confirm", token=token), code=303)
    return _private(render_template(
        "alerts/confirm.html", alert=alert, token=token, search_url=search_url(alert),
        criteria=search.describe(search_of(alert.query)),
    ))


# Exempt from CSRF: the secret token in the URL is the proof, and mail programs send the
# one-click unsubscribe POST (RFC 8058) without any form token.
@bp.route("/desabonner/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    alert = find(token)
    if request.method == "POST":
        if alert is not None:
            if request.form.get("toutes") == "1":
                gone = db.session.execute(sa.delete(Alert).where(Alert.email == alert.email))
                log.info("alert %d unsubscribed with %d others", alert.id, gone.rowcount - 1)
            else:
                db.session.delete(alert)
                log.info("alert %d unsubscribed", alert.id)
            db.session.commit()
        return _private(render_template("alerts/unsubscribed.html"))
    if alert is None:
        return _private((render_template("alerts/invalid.html"), 404))
    others = db.session.scalar(
        sa.select(sa.func.count(Alert.id)).where(Alert.email == alert.email, Alert.id != alert.id)
    )
    return _private(render_template(
        "alerts/unsubscribe.html", alert=alert, token=token, others=others,
        criteria=search.describe(search_of(alert.query)),
    ))


# --- digests -------------------------------------------------------------------------------


def send_digests(now: datetime, *, dry_run: bool = False) -> dict[str, int]:
    """Mail every confirmed alert the examples published, or whose text was updated (an
    approved revision), since its last mail, up to `now`: each piece of news once."""
    counts = {"sent": 0, "unchanged": 0, "failed": 0, "forgotten": 0}
    alerts = db.session.scalars(
        sa.select(Alert).where(Alert.confirmed_at.is_not(None)).order_by(Alert.id)
    ).all()
    since_all = min((a.last_sent_at or a.confirmed_at for a in alerts), default=now)
    fresh = db.session.scalars(
        sa.select(Example)
        .where(Example.state == "published",
               sa.or_(Example.published_at.between(since_all, now),
                      Example.revised_at.between(since_all, now)))
        .order_by(sa.func.coalesce(Example.revised_at, Example.published_at).desc(),
                  Example.id.desc())
    ).all()
    matching: dict[str, set[int]] = {}
    for alert in alerts:
        since = alert.last_sent_at or alert.confirmed_at
        candidates = [e for e in fresh
                      if any(t and since < t <= now for t in (e.published_at, e.revised_at))]
        if candidates and alert.query not in matching:
            matching[alert.query] = set(search.all_ids(search_of(alert.query)))
        examples = [e for e in candidates if e.id in matching.get(alert.query, ())]
        if not examples:
            counts["unchanged"] += 1
            continue
        if dry_run:
            click.echo(f"{alert.email} : {len(examples)} exemple(s) pour « "
                       f"{alert.query or 'tous les exemples'} »")
            for example in examples:
                click.echo(f"  - {example.title}")
            counts["sent"] += 1
            continue
        previous = alert.last_sent_at
        if not claim_digest(alert.id, previous, now):
            continue  # another run (another host's cron) has taken this digest
        if _send_digest(alert, examples, since):
            counts["sent"] += 1
        else:
            claim_digest(alert.id, now, previous)  # not sent: in the next run's digest
            counts["failed"] += 1
    stale = sa.and_(Alert.confirmed_at.is_(None),
                    Alert.created_at < now - timedelta(days=PENDING_DAYS))
    if dry_run:
        counts["forgotten"] = db.session.scalar(sa.select(sa.func.count(Alert.id)).where(stale))
    else:
        counts["forgotten"] = db.session.execute(sa.delete(Alert).where(stale)).rowcount
        db.session.commit()
    return counts


def claim_digest(alert_id: int, previous: datetime | None, now: datetime) -> bool:
    """Move an alert's last digest from `previous` to `now`, committed; return whether this
    run did it.

    Claimed before it is sent, by one conditional UPDATE: two runs at once (crons on two
    hosts) never send one digest twice; a run that dies between the claim and the mail loses
    that digest rather than ever sending it twice.
    """
    same = Alert.last_sent_at.is_(None) if previous is None else Alert.last_sent_at == previous
    claimed = db.session.execute(
        sa.update(Alert).where(Alert.id == alert_id, same).values(last_sent_at=now)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return bool(claimed)


def _send_digest(alert: Alert, examples: list[Example], since: datetime) -> bool:
    token = link_token(alert)
    count = len(examples)
    # Published before the last mail: what is news is its update.
    updated = {e.id for e in examples if e.published_at <= since}
    if updated:
        subject = ngettext("%(num)d nouvel exemple ou mise à jour pour votre recherche",
                           "%(num)d nouveaux exemples ou mises à jour pour votre recherche", count)
    else:
        subject = ngettext("%(num)d nouvel exemple d’alliance pour votre recherche",
                           "%(num)d nouveaux exemples d’alliances pour votre recherche", count)
    return mail.send(
        alert.email, subject, "alert_digest",
        examples=[(e, mail.absolute_url("public.example", slug=e.slug), e.id in updated)
                  for e in examples[:DIGEST_MAX]],
        more=max(0, count - DIGEST_MAX), count=count, updates=bool(updated),
        criteria=search.describe(search_of(alert.query)),
        search_url=search_url(alert), unsubscribe_url=unsubscribe_url(token),
    )


@click.command("send-alerts")
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and change nothing.")
@with_appcontext
def send_alerts_command(dry_run: bool) -> None:
    """Mail each confirmed alert the newly published examples that match it (daily cron)."""
    # Links in mails need the site's address: there is no request to take it from.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        counts = send_digests(utcnow(), dry_run=dry_run)
    verb = "à envoyer" if dry_run else "envoyée(s)"
    forgotten = "à oublier" if dry_run else "oubliée(s)"
    click.echo(
        f"Alertes : {counts['sent']} {verb}, {counts['unchanged']} sans nouvel exemple, "
        f"{counts['forgotten']} non confirmée(s) depuis {PENDING_DAYS} jours {forgotten}."
        + (" Rien n’a été envoyé ni modifié." if dry_run else "")
    )
    if counts["failed"]:
        raise click.ClickException(
            f"{counts['failed']} envoi(s) en échec : réessayé(s) au prochain passage.")
