"""Examples as a spreadsheet for people (.xlsx): named columns, labels instead of codes.

The import format (codes, the fields' own names) stays the CSV of `csvformat`; this one is for
reading, sorting and filtering in Excel or LibreOffice. Headers and labels follow the page's
language. Every text is written as a text cell, never a formula, whatever it starts with.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import xlsxwriter
from flask import url_for

from . import taxonomy
from .i18n import N_, gettext, tr
from .models import Example

MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LIST_SEPARATOR = " ; "


def _labels(vocabulary: taxonomy.Vocabulary, codes: list) -> str:
    return LIST_SEPARATOR.join(tr(vocabulary.label(c)) for c in codes)


def _partners(example: Example) -> str:
    return LIST_SEPARATOR.join(f"{p.name} ({tr(taxonomy.PARTNER_KINDS.label(p.kind))})"
                               for p in example.partners)


def _odd(numbers: list[int]) -> str:
    return LIST_SEPARATOR.join(
        gettext("ODD %(number)s – %(name)s", number=n, name=tr(taxonomy.ODD.label(n)))
        for n in numbers)


# (header, column width in characters, value of an example): the order of the columns.
COLUMNS: tuple[tuple[str, int, Callable[[Example], Any]], ...] = (
    (N_("Titre"), 50, lambda e: e.title),
    (N_("Résumé"), 80, lambda e: e.summary),
    (N_("Objectifs"), 40, lambda e: _labels(taxonomy.OBJECTIVES, e.objectives)),
    (N_("Partenaires"), 60, _partners),
    (N_("Régions"), 25, lambda e: _labels(taxonomy.REGIONS, e.regions)),
    (N_("Départements"), 25, lambda e: _labels(taxonomy.DEPARTEMENTS, e.departements)),
    (N_("Localité"), 20, lambda e: e.locality),
    (N_("Thèmes"), 35, lambda e: _labels(taxonomy.THEMES, e.themes)),
    (N_("ODD"), 35, lambda e: _odd(e.odd)),
    (N_("Échelle"), 15, lambda e: tr(taxonomy.SCALES.label(e.scale))),
    (N_("Statut"), 12, lambda e: tr(taxonomy.STATUSES.label(e.status))),
    (N_("Année de début"), 10, lambda e: e.start_year),
    (N_("Année de fin"), 10, lambda e: e.end_year),
    (N_("Contexte et actions"), 80, lambda e: e.description),
    (N_("Résultats et impact"), 80, lambda e: e.results),
    (N_("Enseignements"), 80, lambda e: e.lessons),
    (N_("Moyens mobilisés"), 60, lambda e: e.resources),
    (N_("Pour faire de même ailleurs"), 60, lambda e: e.transferability),
    (N_("Contact"), 25, lambda e: e.contact if e.contact_public else ""),
    (N_("Site web"), 35, lambda e: e.website),
    (N_("Lien"), 45, lambda e: url_for("public.example", slug=e.slug, _external=True)),
    (N_("Publié le"), 12, lambda e: e.published_at.date() if e.published_at else None),
)


def workbook(examples: list[Example]) -> bytes:
    """Return the examples as an .xlsx workbook: a header row, then one row per example."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(gettext("Exemples"))
    bold = book.add_format({"bold": True})
    day = book.add_format({"num_format": "dd/mm/yyyy"})
    for column, (header, width, _) in enumerate(COLUMNS):
        sheet.set_column(column, column, width)
        sheet.write_string(0, column, gettext(header), bold)
    for row, example in enumerate(examples, start=1):
        for column, (_, _, value_of) in enumerate(COLUMNS):
            value = value_of(example)
            if value is None or value == "":
                continue
            if isinstance(value, int):
                sheet.write_number(row, column, value)
            elif isinstance(value, str):  # a text cell: « =… » is shown, never computed
                sheet.write_string(row, column, value)
            else:
                sheet.write_datetime(row, column, value, day)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(examples), 1), len(COLUMNS) - 1)
    book.close()
    return out.getvalue()
