"""Contributors propose an example and follow it (placeholder routes; being written)."""

from flask import Blueprint, abort

bp = Blueprint("contribute", __name__)


@bp.route("/proposer", methods=["GET", "POST"])
def submit():
    abort(404)
