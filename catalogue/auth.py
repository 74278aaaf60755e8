"""Moderator accounts: login, logout, and who is behind a session."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from functools import cache
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db, limiter, login_manager
from .forms import LoginForm
from .models import LoginSession, User, hash_token, utcnow
from .views import private

bp = Blueprint("auth", __name__)
bp.after_request(private)
log = logging.getLogger(__name__)

BAD_LOGIN = _l("Adresse électronique ou mot de passe incorrect.")

# OWASP "device cookies": a browser where someone logged in before carries a signed cookie that
# exempts it from the per-account lock, so strangers failing on purpose cannot lock them out.
DEVICE_COOKIE = "appareil"
DEVICE_LIFETIME = timedelta(days=365)


@cache
def _dummy_hash() -> str:
    """Return a hash to check when the email is unknown.

    A wrong address then takes as long as a wrong password: timing tells no account apart.
    """
    return generate_password_hash(secrets.token_hex(16))


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


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == User.normalize_email(email)))


def safe_next(target: str | None) -> str | None:
    """Return `target` if it is a path on this site, else None (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(c) < 32 or c.isspace() for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key() -> str:
    # Case and spaces do not make a new email, so they do not buy new attempts either.
    return "login-email:" + User.normalize_email(request.form.get("email", ""))


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="login-device")


def device_cookie(email: str) -> str:
    """Return the value of a device cookie for an account: its email and a random nonce."""
    return _devices().dumps({"email": email, "nonce": secrets.token_urlsafe(16)})


def _device() -> dict | None:
    """Return this browser's device cookie if it is genuine, recent and names the typed email."""
    value = request.cookies.get(DEVICE_COOKIE, "")
    if not value or len(value) > 500:
        return None
    try:
        data = _devices().loads(value, max_age=int(DEVICE_LIFETIME.total_seconds()))
    except BadSignature:
        return None
    typed = User.normalize_email(request.form.get("email", ""))
    if not isinstance(data, dict) or data.get("email") != typed or not data.get("nonce"):
        return None
    return data


def _known_device() -> bool:
    return _device() is not None


def _unknown_device() -> bool:
    return _device() is None


def _device_key() -> str:
    # A known browser has an allowance of its own: a stolen cookie still guesses slowly.
    device = _device()
    return "login-device:" + (device["nonce"] if device else "")


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key, deduct_when=_failed,
               exempt_when=_known_device)
@limiter.limit(_login_limit, methods=["POST"], key_func=_device_key, deduct_when=_failed,
               exempt_when=_unknown_device)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("moderation.queue"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    failed = False
    if form.validate_on_submit():
        user = find_user(form.email.data)
        # One hash checked whoever the account is (unknown, deactivated, active): the time
        # taken tells nothing about it.
        if user is None:
            password_ok = check_password_hash(_dummy_hash(), form.password.data)
        else:
            password_ok = user.check_password(form.password.data)
        if user is not None and user.active and password_ok:
            target = safe_next(form.next.data) or url_for("moderation.queue")
            session.clear()  # a fresh session: nothing from before the login survives
            start_session(user)
            user.last_login_at = utcnow()
            db.session.commit()
            log.info("%s logged in", user.email)
            flash(gettext("Bonjour %(name)s : vous êtes connecté·e.", name=user.name), "success")
            response = redirect(target)
            response.set_cookie(
                DEVICE_COOKIE, device_cookie(user.email),
                max_age=int(DEVICE_LIFETIME.total_seconds()), path=url_for("auth.login"),
                secure=bool(current_app.config.get("HTTPS")), httponly=True, samesite="Lax")
            return response
        failed = True
        log.info("failed login for %r from %s", form.email.data[:80], request.remote_addr)
    return render_template("auth/login.html", form=form, failed=BAD_LOGIN if failed else None)


@bp.post("/deconnexion")
def logout():
    if current_user.is_authenticated:
        log.info("%s logged out", current_user.email)
    end_session()
    flash(gettext("Vous êtes déconnecté·e."), "success")
    return redirect(url_for("public.home"))
