"""The public blueprint, apart so that each of its modules can add its pages to it."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("public", __name__.rsplit(".", 1)[0])
