"""The moderation blueprint: every URL needs a login, some an admin."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort
from flask_login import current_user

from ..extensions import db, login_manager
from ..models import Example

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.before_request
def require_login():
    """Send anyone not logged in to the login page, for every URL of the blueprint."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


def admin_required(view):
    """Refuse the view to moderators who are not admins (403)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def get_example(example_id: int) -> Example:
    return db.get_or_404(Example, example_id, description="Exemple introuvable.")
