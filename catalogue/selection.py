"""« Ma sélection »: examples a visitor keeps in a cookie, shared by link, as a spreadsheet, CSV
and PDF.

No account: the selection is the list of example ids in the `selection` cookie, e.g. `12-45-7`.
The cookie is the visitor's own text, so it is read as untrusted input: anything that is not a
known, published example is dropped silently, and at most MAX_ITEMS ids are kept.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload
from werkzeug.routing import BaseConverter

from . import dossier, spreadsheet
from .csvformat import EXPORT_COLUMNS, write_csv
from .extensions import db
from .i18n import gettext
from .models import Example, utcnow
from .queries import load_published
from .serialisation import example_data
from .urls import safe_next

bp = Blueprint("selection", __name__)

COOKIE = "selection"
COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_ITEMS = 50
_MAX_ID_DIGITS = 18  # any id below 10**18 fits a 64-bit column; longer numbers are garbage


class IdListConverter(BaseConverter):
    """`<ids:…>` in a URL: `12-45-7`, at most MAX_ITEMS ids, as a list of distinct ints."""

    regex = rf"[0-9]{{1,{_MAX_ID_DIGITS}}}(?:-[0-9]{{1,{_MAX_ID_DIGITS}}}){{0,{MAX_ITEMS - 1}}}"

    def to_python(self, value: str) -> list[int]:
        return parse_ids(value)

    def to_url(self, value: list[int]) -> str:
        return format_ids(value)


@bp.record_once
def _register_converter(state) -> None:
    # Before the blueprint's rules are added: they name the converter.
    state.app.url_map.converters["ids"] = IdListConverter


# --- the list itself: pure functions ----------------------------------------------------------


def parse_ids(text: str | None, limit: int = MAX_ITEMS) -> list[int]:
    """Return the distinct positive ids written in text (`12-45-7`), in order, at most limit.

    Whatever is not a plain decimal number is skipped: a tampered cookie gives a shorter list,
    never an error.
    """
    ids: list[int] = []
    if not text:
        return ids
    for part in text.split("-"):
        if not (part.isascii() and part.isdigit() and len(part) <= _MAX_ID_DIGITS):
            continue
        number = int(part)
        if number > 0 and number not in ids:
            ids.append(number)
            if len(ids) == limit:
                break
    return ids


def format_ids(ids: list[int]) -> str:
    return "-".join(str(i) for i in ids)


def with_added(ids: list[int], example_id: int) -> list[int]:
    """Return ids with example_id at the end (unchanged when present or when full)."""
    if example_id in ids or len(ids) >= MAX_ITEMS:
        return list(ids)
    return [*ids, example_id]


def without(ids: list[int], example_id: int) -> list[int]:
    return [i for i in ids if i != example_id]


def moved(ids: list[int], example_id: int, offset: int) -> list[int]:
    """Return ids with example_id moved by offset places (-1: up, 1: down), kept within the list."""
    if example_id not in ids:
        return list(ids)
    result = without(ids, example_id)
    position = min(max(ids.index(example_id) + offset, 0), len(result))
    result.insert(position, example_id)
    return result


def published_among(ids: list[int]) -> list[int]:
    """Return the ids of published examples among ids, in the order of ids."""
    if not ids:
        return []
    found = set(db.session.scalars(
        sa.select(Example.id).where(Example.id.in_(ids), Example.state == "published")))
    return [i for i in ids if i in found]


# --- the visitor's cookie ---------------------------------------------------------------------


def current_ids() -> list[int]:
    """Return the published examples of the visitor's selection, once per request."""
    if "selection_ids" not in g:
        g.selection_ids = published_among(parse_ids(request.cookies.get(COOKIE)))
    return g.selection_ids


def shown_ids() -> list[int]:
    """Return the selection for the page's header and buttons: none when the database fails.

    Every page shows it, the "database unavailable" page too, which must still render.
    """
    try:
        return current_ids()
    except SQLAlchemyError:
        db.session.rollback()
        return []


def _saved(ids: list[int], target: str):
    """Redirect to target, keeping ids as the visitor's selection (the cookie goes when empty)."""
    response = redirect(target, code=303)
    response.headers["Cache-Control"] = "no-store"
    options = {"secure": bool(current_app.config.get("HTTPS")), "httponly": True,
               "samesite": "Lax"}
    if ids:
        response.set_cookie(COOKIE, format_ids(ids), max_age=COOKIE_MAX_AGE, **options)
    else:
        response.delete_cookie(COOKIE, **options)
    return response


def _back() -> str:
    """Return the same-site page the form was sent from (`next`), else the selection."""
    return safe_next(request.form.get("next")) or url_for("selection.index")


def _published_or_404(example_id: int) -> Example:
    example = db.session.get(Example, example_id)
    if example is None or not example.is_published:
        abort(404)
    return example


@bp.app_context_processor
def _selection_globals() -> dict:
    return {"selection_ids": shown_ids}


# --- pages ------------------------------------------------------------------------------------


@bp.get("/selection/")
def index():
    ids = current_ids()
    return render_template("selection/index.html", examples=load_published(ids), ids=ids,
                           max_items=MAX_ITEMS)


@bp.post("/selection/ajouter/<int:example_id>")
def add(example_id: int):
    example = _published_or_404(example_id)
    ids = current_ids()
    if example_id not in ids and len(ids) >= MAX_ITEMS:
        flash(gettext("Votre sélection compte déjà %(max)d exemples : retirez-en un pour en "
                      "ajouter un autre.", max=MAX_ITEMS), "error")
    elif example_id not in ids:
        flash(gettext("« %(title)s » a été ajouté à votre sélection.", title=example.title),
              "success")
    return _saved(with_added(ids, example_id), _back())


@bp.post("/selection/retirer/<int:example_id>")
def remove(example_id: int):
    ids = current_ids()
    if example_id in ids:
        title = db.session.scalar(sa.select(Example.title).where(Example.id == example_id))
        flash(gettext("« %(title)s » a été retiré de votre sélection.", title=title), "success")
    return _saved(without(ids, example_id), _back())


@bp.post("/selection/monter/<int:example_id>")
def move_up(example_id: int):
    return _saved(moved(current_ids(), example_id, -1),
                  url_for("selection.index", _anchor=f"exemple-{example_id}"))


@bp.post("/selection/descendre/<int:example_id>")
def move_down(example_id: int):
    return _saved(moved(current_ids(), example_id, 1),
                  url_for("selection.index", _anchor=f"exemple-{example_id}"))


@bp.route("/selection/vider", methods=["GET", "POST"])
def clear():
    """Ask before emptying the selection (GET), then empty it (POST)."""
    if request.method == "GET":
        return render_template("selection/clear.html", count=len(current_ids()))
    flash(gettext("Votre sélection a été vidée."), "success")
    return _saved([], url_for("selection.index"))


@bp.get("/selection/<ids:ids>")
def shared(ids: list[int]):
    """Show a selection someone shared, read-only, whoever opens it."""
    examples = load_published(ids)
    return render_template("selection/shared.html", examples=examples,
                           ids=[e.id for e in examples])


@bp.post("/selection/<ids:ids>/reprendre")
def adopt(ids: list[int]):
    """Make a shared selection the visitor's own (it replaces theirs)."""
    ids = published_among(ids)
    flash(gettext("Cette sélection est maintenant la vôtre : vous pouvez la modifier."),
          "success")
    return _saved(ids, url_for("selection.index"))


@bp.get("/selection/<ids:ids>.xlsx")
def xlsx(ids: list[int]):
    """The selection as the catalogue's spreadsheet for people: same columns, same writer."""
    return _download(spreadsheet.workbook(load_published(ids)), spreadsheet.MIMETYPE,
                     "attachment", f"{_file_stem()}.xlsx")


@bp.get("/selection/<ids:ids>.csv")
def csv(ids: list[int]):
    """The selection in the catalogue's import format: same columns, same writer."""
    records = [example_data(e) for e in load_published(ids)]
    return _download(write_csv(records, EXPORT_COLUMNS), "text/csv", "attachment",
                     f"{_file_stem()}.csv")


@bp.get("/selection/<ids:ids>.pdf")
def pdf(ids: list[int]):
    examples = load_published(ids)
    return _download(dossier.selection_pdf(examples), "application/pdf", "inline",
                     f"{_file_stem()}.pdf")


@bp.get("/exemples/<slug>.pdf")
def example_pdf(slug: str):
    example = db.session.scalar(
        sa.select(Example).where(Example.slug == slug, Example.state == "published")
        .options(selectinload(Example.partners)))
    if example is None:
        abort(404)
    return _download(dossier.example_pdf(example), "application/pdf", "inline",
                     f"fiche-{example.slug}.pdf")


def _file_stem() -> str:
    return f"selection-alliances-{utcnow().date().isoformat()}"


def _download(body: str | bytes, mimetype: str, disposition: str, filename: str):
    response = current_app.response_class(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
