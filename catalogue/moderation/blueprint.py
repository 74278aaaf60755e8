"""The moderation blueprint: every URL needs a login, some an admin."""

from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, request
from flask_login import current_user

from ..extensions import db, login_manager
from ..models import Example
from ..views import private

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
bp.after_request(private)

# Beyond this, a page number is a forged URL: 404 rather than an offset the database refuses.
MAX_PAGE = 100_000


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


def page_number() -> int:
    """Return the `page` argument of a list, 1 when absent or unreadable, 404 when absurd."""
    page = request.args.get("page", 1, type=int)
    if page > MAX_PAGE:
        abort(404)
    return page


def get_example(example_id: int) -> Example:
    return db.get_or_404(Example, example_id, description="Exemple introuvable.")
