"""Who is behind a request: moderators' login sessions, recorded server-side."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, session
from flask_login import login_user, logout_user

from .extensions import db, login_manager
from .models import LoginSession, User, hash_token, utcnow

log = logging.getLogger(__name__)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Return the user of a session, unless it was ended (new password, deactivation)."""
    uid, _, nonce = user_id.partition(":")
    if not uid.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(uid))
    if user is None or not user.active or not secrets.compare_digest(user.session_nonce, nonce):
        return None
    if not _session_goes_on(user):
        return None
    return user


# The last-seen time is written at most this often: not one write per page.
TOUCH_EVERY = timedelta(minutes=1)


def start_session(user: User) -> None:
    """Log `user` in this browser and record the session server-side; the caller commits."""
    login_user(user)
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user.id, token_hash=hash_token(token)))
    session["login_session"] = token


def _session_goes_on(user: User) -> bool:
    """Return whether this cookie's session record still exists and has not been idle too long.

    Logout deletes the record: a copy of the cookie kept elsewhere opens nothing any more.
    """
    token = session.get("login_session")
    if not isinstance(token, str):
        return False
    record = db.session.scalar(sa.select(LoginSession).where(
        LoginSession.token_hash == hash_token(token), LoginSession.user_id == user.id))
    if record is None:
        return False
    now = utcnow()
    idle = timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"]))
    if now - record.last_seen_at > idle:
        db.session.delete(record)
        db.session.commit()
        log.info("session of %s ended after %s idle", user.email, idle)
        return False
    if now - record.last_seen_at > TOUCH_EVERY:
        record.last_seen_at = now
        db.session.commit()
    return True


def end_session() -> None:
    """Delete this browser's session record, then forget the session."""
    token = session.get("login_session")
    if isinstance(token, str):
        db.session.execute(sa.delete(LoginSession).where(
            LoginSession.token_hash == hash_token(token)))
        db.session.commit()
    logout_user()
    session.clear()
