"""Accounts: one's own password, and the admins' management of users."""

from __future__ import annotations

import logging

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
from flask_babel import gettext
from flask_login import current_user

from ..extensions import db, limiter
from ..forms import (
    ROLES,
    EmptyForm,
    OwnPasswordForm,
    UserCreateForm,
    UserPasswordForm,
    UserRoleForm,
)
from ..models import User
from ..sessions import start_session
from .blueprint import admin_required, bp

log = logging.getLogger(__name__)


def _password_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    return f"password-user:{getattr(current_user, 'id', '')}"


def _failed(response) -> bool:
    return response.status_code != 302


# The current password is checked here too: guessed no faster than at the login page.
@bp.route("/mot-de-passe", methods=["GET", "POST"])
@limiter.limit(_password_limit, methods=["POST"], deduct_when=_failed)
@limiter.limit(_password_limit, methods=["POST"], key_func=_account_key, deduct_when=_failed)
def password():
    """Change one's own password; the person's other sessions end, this one goes on."""
    form = OwnPasswordForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if not user.check_password(form.current.data):
            form.current.errors.append(gettext("Mot de passe actuel incorrect."))
        else:
            user.set_password(form.password.data)
            start_session(user)  # this session goes on; the others' records are gone
            db.session.commit()
            log.info("%s changed their password", user.email)
            flash(gettext("Mot de passe changé. Vos autres sessions sont fermées."), "success")
            return redirect(url_for("moderation.queue"))
    return render_template("moderation/password.html", form=form)


def _active_admins() -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(User.id)).where(User.role == "admin", User.active)
        )
        or 0
    )


@bp.route("/utilisateurs", methods=["GET", "POST"])
@admin_required
def users():
    form = UserCreateForm()
    if form.validate_on_submit():
        user = User(
            email=User.normalize_email(form.email.data),
            display_name=form.display_name.data or "",
            role=form.role.data,
        )
        user.set_password(form.password.data)
        db.session.add(user)
        db.session.commit()
        log.info("%s created the %s account %s", current_user.email, user.role, user.email)
        flash(gettext("Compte créé pour %(email)s.", email=user.email), "success")
        return redirect(url_for("moderation.users"))
    accounts = db.session.scalars(sa.select(User).order_by(User.email)).all()
    status = 400 if form.errors else 200
    return render_template(
        "moderation/users.html", form=form, accounts=accounts, roles=ROLES, action_form=EmptyForm()
    ), status


def _change_user(user_id: int) -> User:
    user = db.get_or_404(User, user_id)
    if not EmptyForm().validate():
        abort(400)
    return user


@bp.post("/utilisateurs/<int:user_id>/activation")
@admin_required
def user_active(user_id: int):
    user = _change_user(user_id)
    activate = request.form.get("active") == "1"
    if not activate and user.id == current_user.id:
        flash(gettext("Vous ne pouvez pas désactiver votre propre compte."), "error")
    elif not activate and user.is_admin and user.active and _active_admins() <= 1:
        flash(gettext("C’est le dernier compte d’administration actif : il reste actif."), "error")
    else:
        user.active = activate
        if not activate:
            user.end_sessions()
        db.session.commit()
        log.info(
            "%s %s the account %s",
            current_user.email,
            "reactivated" if activate else "deactivated",
            user.email,
        )
        flash(
            gettext("Compte %(email)s réactivé.", email=user.email)
            if activate
            else gettext("Compte %(email)s désactivé.", email=user.email),
            "success",
        )
    return redirect(url_for("moderation.users"))


@bp.post("/utilisateurs/<int:user_id>/role")
@admin_required
def user_role(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserRoleForm()
    if not form.validate():
        abort(400)
    if user.is_admin and form.role.data != "admin" and user.active and _active_admins() <= 1:
        flash(
            gettext("C’est le dernier compte d’administration actif : son rôle ne change pas."),
            "error",
        )
    else:
        user.role = form.role.data
        db.session.commit()
        log.info("%s gave %s the role %s", current_user.email, user.email, user.role)
        flash(
            gettext("Rôle de %(email)s : administration.", email=user.email)
            if user.is_admin
            else gettext("Rôle de %(email)s : modération.", email=user.email),
            "success",
        )
    return redirect(url_for("moderation.users"))


@bp.route("/utilisateurs/<int:user_id>/mot-de-passe", methods=["GET", "POST"])
@admin_required
def user_password(user_id: int):
    """Set a new password for an account; every session of that account ends."""
    user = db.get_or_404(User, user_id)
    form = UserPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        if user.id == current_user.id:
            start_session(user)
        db.session.commit()
        log.info("%s reset the password of %s", current_user.email, user.email)
        flash(
            gettext(
                "Nouveau mot de passe enregistré pour %(email)s ; ses sessions sont fermées.",
                email=user.email,
            ),
            "success",
        )
        return redirect(url_for("moderation.users"))
    return render_template("moderation/user_password.html", form=form, account=user)
