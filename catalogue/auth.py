"""Moderator login and logout (placeholder routes; being written)."""

from flask import Blueprint, abort

bp = Blueprint("auth", __name__)


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    abort(404)


@bp.post("/deconnexion")
def logout():
    abort(404)
