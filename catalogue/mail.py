"""Plain-text mail: to the log by default, through SMTP when MAIL_SERVER is set.

A mail speaks the language of the request that sends it; callers writing to someone whose
language is unknown wrap the call in `i18n.site_locale()`.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections.abc import Iterable
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app, render_template

from .extensions import db
from .models import User

log = logging.getLogger("catalogue.mail")


def absolute_url(endpoint: str, **values) -> str:
    """Return the absolute URL of an endpoint on BASE_URL, whatever Host the request named.

    Links leave the site in mails: a forged Host header must never choose where they point.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "http"
    )
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


def follow_url(token: str) -> str:
    """Return the private follow-up link of a submission, as mailed to its contributor."""
    return absolute_url("contribute.follow", token=token)


def send(
    to: str | Iterable[str],
    subject: str,
    template: str,
    *,
    reply_to: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
    **context,
) -> bool:
    """Render `templates/mail/<template>.txt` and send it; return whether it left.

    `reply_to` is a (name, address) pair that answers go to instead of the sender; `headers`
    adds fixed header lines (never visitors' text: only Reply-To checks what it is given).
    A failure is logged and never raised: what the mail is about is already committed.
    """
    recipients = [to] if isinstance(to, str) else [r for r in to if r]
    if not recipients:
        return False
    config = current_app.config
    try:
        message = EmailMessage()
        message["From"] = config["MAIL_SENDER"]
        message["To"] = ", ".join(recipients)
        # A title typed by a visitor may hold line breaks: never let it forge a header.
        message["Subject"] = " ".join(subject.split())
        if reply_to is not None:
            # An Address object: a name or address holding a line break is refused, not folded
            # into a forged header.
            message["Reply-To"] = Address(display_name=reply_to[0], addr_spec=reply_to[1])
        for name, value in (headers or {}).items():
            message[name] = value
        message["Date"] = formatdate(localtime=True)
        message["Message-ID"] = make_msgid(domain="catalogue-des-alliances")
        message.set_content(render_template(f"mail/{template}.txt", **context))
    except Exception:
        log.exception("could not build mail %r to %s", template, ", ".join(recipients))
        return False
    if current_app.testing:
        current_app.extensions.setdefault("mail_outbox", []).append(message)
    if not config.get("MAIL_SERVER"):
        log.info("mail (MAIL_SERVER not set, not sent):\n%s", message.as_string())
        return True
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], int(config["MAIL_PORT"]), timeout=15) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD", ""))
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.exception(
            "could not send mail %r to %s through %s",
            template,
            ", ".join(recipients),
            config["MAIL_SERVER"],
        )
        return False
    log.info("mail %r sent to %s", template, ", ".join(recipients))
    return True


def moderator_addresses() -> list[str]:
    """Return who hears of new submissions: MAIL_MODERATORS, else every active account."""
    configured = current_app.config.get("MAIL_MODERATORS") or []
    if isinstance(configured, str):
        configured = [a.strip() for a in configured.split(",")]
    if configured:
        return [a for a in configured if a]
    return list(db.session.scalars(sa.select(User.email).where(User.active).order_by(User.id)))
