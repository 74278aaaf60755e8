"""Check a PDF document sent to the site (an evaluation report, a charter…).

A PDF is kept as sent (it is served for download only, never shown inline), so it must be a
real, whole PDF: the signature at the very start, the end marker at the end, and a structure
pypdf reads strictly. An HTML page, a picture or a truncated file called .pdf fail one of these.
"""

from __future__ import annotations

import io
import logging
import warnings

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from .errors import MediaError, check_size

log = logging.getLogger(__name__)

SIGNATURE = b"%PDF-"
END = b"%%EOF"
# The end marker must be in this many last bytes (some writers add a line or two after it).
END_WINDOW = 1024
# Pages read to prove the structure holds (all of a short document).
PAGES_CHECKED = 50


def check_pdf(data: bytes) -> int:
    """Check a PDF document; return its number of pages.

    Raise MediaError with a French message for the contributor when the file is refused.
    """
    check_size(data)
    not_a_pdf = _l("Ce fichier n’est pas un document PDF.")
    if not data.startswith(SIGNATURE):
        raise MediaError(not_a_pdf)
    if END not in data[-END_WINDOW:]:
        raise MediaError(_l(
            "Le document PDF est incomplet (sa fin manque) : enregistrez-le à nouveau."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # pypdf warns about mere oddities it reads through
            reader = PdfReader(io.BytesIO(data), strict=True)
            if reader.is_encrypted:
                raise MediaError(_l(
                    "Le document PDF est protégé par un mot de passe : envoyez-le sans protection."))
            pages = len(reader.pages)
            for page in reader.pages[:PAGES_CHECKED]:
                page.mediabox  # noqa: B018 (reading it resolves the page's objects)
            active = _active_content(reader)
    except MediaError:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, IndexError, TypeError, AttributeError,
            RecursionError, AssertionError) as exc:
        log.info("PDF refused: %s: %s", exc.__class__.__name__, exc)
        raise MediaError(_l(
            "Le document PDF est abîmé ou n’est pas un vrai PDF : il n’a pas pu être lu.")) from None
    if active:
        log.info("PDF refused: it holds %s", active)
        raise MediaError(_l(
            "Le document PDF contient du code, des actions automatiques ou des fichiers joints : "
            "enregistrez-le à nouveau en PDF simple (par exemple avec « Imprimer en PDF »)."))
    if pages == 0:
        raise MediaError(_l("Le document PDF n’a aucune page."))
    return pages


# Actions a reader runs or offers by itself: a report read by visitors needs none of them.
ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}


def _active_content(reader: PdfReader) -> str | None:
    """Return what makes a PDF more than a document (scripts, automatic actions, attached
    files), or None. Read from the structure pypdf parsed, compressed objects included."""
    root = reader.trailer["/Root"]
    names = root.get("/Names")
    names = names.get_object() if names is not None else {}
    for key in ("/JavaScript", "/EmbeddedFiles"):
        if key in names:
            return key
    if "/AA" in root:
        return "/AA"
    if _is_action(root.get("/OpenAction")):
        return "/OpenAction"
    for page in reader.pages[:PAGES_CHECKED]:
        if "/AA" in page:
            return "page /AA"
        for annotation in page.get("/Annots") or []:
            annotation = annotation.get_object()
            if _is_action(annotation.get("/A")) or "/AA" in annotation:
                return "annotation action"
            if annotation.get("/Subtype") == "/FileAttachment":
                return "/FileAttachment"
    return None


def _is_action(value) -> bool:
    value = value.get_object() if value is not None else None
    return hasattr(value, "get") and value.get("/S") in ACTIONS
