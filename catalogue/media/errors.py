"""The refusal of a file, with the French message shown next to its field."""

from __future__ import annotations

from babel.numbers import format_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

# Largest file accepted, picture or document (10 MB).
MAX_BYTES = 10 * 1024 * 1024


class MediaError(ValueError):
    """A file refused; `str(error)` is the message for the contributor, in their language."""

    def __init__(self, message) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def check_size(data: bytes) -> None:
    """Refuse an empty file and one over MAX_BYTES."""
    if not data:
        raise MediaError(_l("Le fichier est vide."))
    if len(data) > MAX_BYTES:
        raise MediaError(_l(
            "Le fichier pèse %(size)s Mo : %(limit)s Mo au plus.",
            size=decimal(len(data) / (1024 * 1024)), limit=MAX_BYTES // (1024 * 1024)))


def decimal(value: float) -> str:
    """Return a number with at most one decimal in the reader's language: 10,4 (10.4), 11."""
    return format_decimal(round(value, 1), format="#,##0.#", locale=get_locale() or "fr")
