"""Moderator accounts: login, logout, and who is behind a session."""

from __future__ import annotations

import logging
import secrets
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
from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db, limiter, login_manager
from .forms import LoginForm
from .models import User, utcnow
from .views import private

bp = Blueprint("auth", __name__)
bp.after_request(private)
log = logging.getLogger(__name__)

BAD_LOGIN = _l("Adresse électronique ou mot de passe incorrect.")


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
    return user


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


def _failed(response) -> bool:
    return response.status_code != 302


@bp.route("/connexion", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_login_limit, methods=["POST"], key_func=_email_key, deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or url_for("moderation.queue"))
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    failed = False
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user is None:
            check_password_hash(_dummy_hash(), form.password.data)
        elif user.active and user.check_password(form.password.data):
            target = safe_next(form.next.data) or url_for("moderation.queue")
            session.clear()  # a fresh session: nothing from before the login survives
            login_user(user)
            user.last_login_at = utcnow()
            db.session.commit()
            log.info("%s logged in", user.email)
            flash(gettext("Bonjour %(name)s : vous êtes connecté·e.", name=user.name), "success")
            return redirect(target)
        failed = True
        log.info("failed login for %r from %s", form.email.data[:80], request.remote_addr)
    return render_template("auth/login.html", form=form, failed=BAD_LOGIN if failed else None)


@bp.post("/deconnexion")
def logout():
    if current_user.is_authenticated:
        log.info("%s logged out", current_user.email)
    logout_user()
    session.clear()
    flash(gettext("Vous êtes déconnecté·e."), "success")
    return redirect(url_for("public.home"))
