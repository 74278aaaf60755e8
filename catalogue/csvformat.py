"""Examples as CSV for spreadsheets: the import format's columns, lists separated by `;`.

Partners are written `Name (kind)`. The CSV is UTF-8 with a BOM and `;` between cells so that
French spreadsheet software opens it as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from .validation import LIST_FIELDS, PUBLIC_FIELDS, REQUIRED_TEXT

# Columns the catalogue's own export adds for reading; ignored on import, so an export imports.
EXPORT_ONLY_COLUMNS = ("id", "url", "published_at")
# The columns of every CSV of examples the site offers (a search, a visitor's selection).
EXPORT_COLUMNS = ("id", "url", *PUBLIC_FIELDS, "published_at")
REQUIRED_COLUMNS = (*REQUIRED_TEXT, "objectives", "scale", "partners")
LIST_SEPARATOR = ";"
# A cell starting with one of these is a formula to a spreadsheet: written with a leading quote.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# The filled row of the downloadable import template (illustrative: names and figures invented).
TEMPLATE_RECORD: dict[str, Any] = {
    "title": "Une recyclerie portée par une association, une entreprise et la communauté "
             "de communes",
    "summary": "Une association d’insertion collecte et répare les objets déposés en "
               "déchetterie ; une entreprise locale prête un entrepôt et la communauté de "
               "communes finance le poste d’encadrant.",
    "description": "Les déchetteries du territoire jetaient chaque année des meubles et de "
                   "l’électroménager réparables. L’association recrute des personnes éloignées "
                   "de l’emploi pour les collecter, les remettre en état et les revendre à petit "
                   "prix.",
    "results": "Douze salariés en insertion par an ; 180 tonnes d’objets détournées de "
               "l’enfouissement la première année.",
    "lessons": "Une convention signée dès le départ entre les trois partenaires a fixé le rôle "
               "de chacun ; un comité de suivi se réunit tous les trimestres.",
    "resources": "Entrepôt de 800 m² mis à disposition ; subvention de fonctionnement de "
                 "60 000 € par an.",
    "transferability": "Un lieu de stockage et un encadrant technique sont les deux conditions "
                       "de départ.",
    "objectives": ["co-construire", "hybrider"],
    "scale": "local",
    "regions": ["75"],
    "departements": ["79"],
    "locality": "Parthenay",
    "partners": [
        {"name": "Association Réemploi Gâtine", "kind": "association", "role": ""},
        {"name": "Menuiseries du Thouet", "kind": "entreprise", "role": ""},
        {"name": "Communauté de communes de Parthenay-Gâtine", "kind": "collectivite", "role": ""},
    ],
    "themes": ["environnement", "emploi-insertion"],
    "odd": [8, 12],
    "start_year": 2021,
    "end_year": None,
    "status": "en-cours",
    "website": "https://exemple.org/recyclerie",
}

_PARTNER = re.compile(r"^(?P<name>.*?)\s*\((?P<kind>[^()]*)\)\s*$", re.DOTALL)


# --- reading -------------------------------------------------------------------------------


def read_csv(text: str) -> list[tuple[int, dict]]:
    """Read CSV text in the import format; return (line number, record) pairs.

    Values are converted to the import format but never judged: an unknown code or a year that
    is not a number is passed on as it is, for `clean_record` to report with its line.
    Raise ValueError with a French message when the file itself is unusable.
    """
    text = text.removeprefix("\ufeff")
    if not text.strip():
        raise ValueError("fichier CSV vide")
    # Our separator is `;`; a header with commas only comes from a spreadsheet set to English.
    header_line = text.partition("\n")[0]
    delimiter = ";" if ";" in header_line or "," not in header_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = [cell.strip() for cell in next(reader)]
        columns = _check_header(header)
        records = []
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue  # blank lines a spreadsheet leaves at the end
            extra = [cell for cell in row[len(header):] if cell.strip()]
            if extra:
                raise ValueError(
                    f"ligne {line} : {len(row)} cellules pour {len(header)} colonnes"
                )
            cells = dict(zip(columns, row, strict=False))
            records.append((line, _record(cells)))
    except csv.Error as exc:
        raise ValueError(f"CSV illisible, ligne {reader.line_num} : {exc}") from None
    return records


def _check_header(header: list[str]) -> list[str | None]:
    """Return the column names, None for those to ignore; refuse unknown or missing ones."""
    while header and not header[-1]:
        header.pop()
    unknown = [h for h in header if h and h not in PUBLIC_FIELDS and h not in EXPORT_ONLY_COLUMNS]
    if unknown:
        raise ValueError(
            "colonne(s) inconnue(s) : " + ", ".join(f"« {h} »" for h in unknown)
            + " ; colonnes possibles : " + ", ".join(PUBLIC_FIELDS)
        )
    seen = set()
    for name in header:
        if name and name in seen:
            raise ValueError(f"colonne « {name} » en double")
        seen.add(name)
    missing = [c for c in REQUIRED_COLUMNS if c not in seen]
    if missing:
        raise ValueError("colonne(s) obligatoire(s) absente(s) : " + ", ".join(missing))
    return [h if h in PUBLIC_FIELDS else None for h in header]


def _record(cells: dict[str | None, str]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for name, value in cells.items():
        if name is None:
            continue
        value = _unquote_formula(value)
        if name in LIST_FIELDS:
            items = split_list(value)
            record[name] = [_number(v) for v in items] if name == "odd" else items
        elif name == "partners":
            record[name] = [parse_partner(p) for p in split_list(value)]
        elif name in ("start_year", "end_year"):
            record[name] = _number(value.strip()) if value.strip() else None
        else:
            record[name] = value
    return record


def split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def parse_partner(text: str) -> dict[str, str]:
    """Read `Name (kind)`; without a kind in brackets, the kind is left empty (and refused)."""
    match = _PARTNER.match(text)
    if match is None:
        return {"name": text, "kind": "", "role": ""}
    return {"name": match["name"], "kind": match["kind"].strip(), "role": ""}


def _number(value: str) -> int | str:
    return int(value) if value.isascii() and value.isdigit() else value


def _unquote_formula(value: str) -> str:
    """Undo the quote `write_csv` puts before a formula-like cell."""
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


# --- writing -------------------------------------------------------------------------------


def write_csv(records: Iterable[dict], columns: tuple[str, ...] = PUBLIC_FIELDS) -> str:
    """Write records of the import format (plus any of `columns`) as CSV text with a BOM."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([neutralise(cell_text(name, record.get(name))) for name in columns])
    return out.getvalue()


def cell_text(name: str, value: Any) -> str:
    """Return the text of one cell: lists joined with `;`, partners as `Name (kind)`."""
    if value is None:
        return ""
    if name == "partners":
        return f"{LIST_SEPARATOR} ".join(f"{p['name']} ({p['kind']})" for p in value)
    if isinstance(value, list | tuple):
        return f"{LIST_SEPARATOR} ".join(str(v) for v in value)
    return str(value)


def neutralise(cell: str) -> str:
    """Keep a spreadsheet from running a cell as a formula (CSV injection)."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell
