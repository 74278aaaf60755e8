"""Moderator accounts: login, logout, and who is behind a session."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from functools import cache

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
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db, limiter
from .forms import LoginForm
from .models import User, utcnow
from .sessions import end_session, start_session
from .urls import safe_next
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


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == User.normalize_email(email)))


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
