"""Moderators review the queue (placeholder routes; being written)."""

from flask import Blueprint, abort

bp = Blueprint("moderation", __name__, url_prefix="/moderation")


@bp.route("/")
def queue():
    abort(404)
