"""The spreadsheet for people (.xlsx) of a search and of a selection: read back with openpyxl."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook

from catalogue import spreadsheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def read_sheet(response) -> tuple[list[str], list[dict]]:
    """Return the header and the rows (as header → cell) of a downloaded workbook."""
    assert response.status_code == 200
    assert response.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    header, *rows = sheet.iter_rows()
    names = [cell.value for cell in header]
    return names, [dict(zip(names, row, strict=True)) for row in rows]


def test_search_spreadsheet_has_french_columns_and_labels(client, make_example):
    example = make_example(
        odd=[2, 17], themes=["alimentation-agriculture", "solidarite"],
        website="https://jardins.example.org", contact="Marie Potager", contact_public=True)
    make_example(title="Une fiche en attente", state="pending")
    response = client.get("/exemples.xlsx")
    assert re.fullmatch(r"attachment; filename=exemples-alliances-\d{4}-\d{2}-\d{2}\.xlsx",
                        response.headers["Content-Disposition"])
    header, [row] = read_sheet(response)
    assert header[:6] == ["Titre", "Résumé", "Objectifs", "Partenaires", "Régions",
                          "Départements"]
    assert {"Thèmes", "Échelle", "Statut", "Année de début", "Lien"} <= set(header)
    cells = {name: cell.value for name, cell in row.items()}
    assert cells["Titre"] == example.title
    assert cells["Objectifs"] == ("Co-construire territorialement des solutions adaptées aux "
                                  "priorités locales")
    assert cells["Partenaires"] == ("Les Jardins du Thabor (Association) ; "
                                    "Ville de Rennes (Collectivité territoriale)")
    assert cells["Régions"] == "Bretagne"
    assert cells["Départements"] == "Ille-et-Vilaine"
    assert cells["Thèmes"] == "Alimentation et agriculture ; Solidarités et lien social"
    assert cells["ODD"] == "ODD 2 – Faim « zéro » ; ODD 17 – Partenariats pour la réalisation " \
                           "des objectifs"
    assert cells["Échelle"] == "Locale"
    assert cells["Statut"] == "En cours"
    assert cells["Année de début"] == 2019 and row["Année de début"].data_type == "n"
    assert cells["Contact"] == "Marie Potager"
    assert cells["Site web"] == "https://jardins.example.org"
    assert cells["Lien"] == f"http://localhost/exemples/{example.slug}"
    assert isinstance(cells["Publié le"], datetime)


def test_spreadsheet_gives_the_end_year_of_a_finished_alliance(client, make_example):
    make_example(status="termine", start_year=2012, end_year=2020)
    header, [row] = read_sheet(client.get("/exemples.xlsx"))
    assert header.index("Année de fin") == header.index("Année de début") + 1
    assert row["Statut"].value == "Terminé"
    assert (row["Année de début"].value, row["Année de fin"].value) == (2012, 2020)


def test_spreadsheet_follows_the_search_and_keeps_private_fields_out(client, make_example):
    make_example(title="Alliance bretonne", contact="Contact Privé 06 00 00 00 00",
                 submitter_email="gaspard.secret@example.net")
    make_example(title="Alliance occitane", regions=["76"], departements=["31"])
    _, rows = read_sheet(client.get("/exemples.xlsx?region=76"))
    assert [row["Titre"].value for row in rows] == ["Alliance occitane"]
    _, rows = read_sheet(client.get("/exemples.xlsx"))
    values = {str(cell.value) for row in rows for cell in row.values()}
    assert not {"Contact Privé 06 00 00 00 00", "gaspard.secret@example.net"} & values


def test_spreadsheet_speaks_english_to_an_english_visitor(client, make_example):
    make_example()
    client.set_cookie("lang", "en")
    header, [row] = read_sheet(client.get("/exemples.xlsx"))
    assert header[:4] == ["Title", "Summary", "Objectives", "Partners"]
    assert row["Partners"].value.endswith("Ville de Rennes (Local authority)")


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_spreadsheet_cells_are_text_never_formulas(client, make_example, record, start):
    partners = [{"name": f"{start}cmd|' /C calc'!A0", "kind": "entreprise", "role": ""},
                {"name": "Ville de Rennes", "kind": "collectivite", "role": ""}]
    make_example(title=f'{start}HYPERLINK("http://pirate.example")', partners=partners,
                 summary=f"{start}1+1 dans le résumé")
    _, [row] = read_sheet(client.get("/exemples.xlsx"))
    # Kept as written, and stored as text: a spreadsheet shows it and computes nothing.
    assert row["Titre"].value == f'{start}HYPERLINK("http://pirate.example")'
    assert row["Résumé"].value == f"{start}1+1 dans le résumé"
    assert row["Partenaires"].value.startswith(f"{start}cmd")
    for cell in row.values():
        assert cell.data_type in ("s", "n", "d") and cell.value != "", cell


def test_empty_search_gives_the_header_alone(client, make_example):
    make_example()
    header, rows = read_sheet(client.get("/exemples.xlsx?q=introuvablezzz"))
    assert header[0] == "Titre" and rows == []


def test_selection_spreadsheet_uses_the_same_writer_in_its_order(client, make_example):
    first = make_example(title="Premier exemple choisi")
    second = make_example(title="Second exemple choisi")
    response = client.get(f"/selection/{second.id}-{first.id}.xlsx")
    assert re.fullmatch(r'attachment; filename="selection-alliances-\d{4}-\d{2}-\d{2}\.xlsx"',
                        response.headers["Content-Disposition"])
    header, rows = read_sheet(response)
    assert header == [name for name, _, _ in spreadsheet.COLUMNS]
    assert [row["Titre"].value for row in rows] == ["Second exemple choisi",
                                                    "Premier exemple choisi"]


def test_pages_offer_the_spreadsheet_first_and_the_import_format_second(client, make_example):
    example = make_example()
    page = client.get("/exemples/?region=53").get_data(as_text=True)
    spreadsheet_link = page.index('href="/exemples.xlsx?region=53"')
    assert "Télécharger cet exemple (tableur)" in page
    assert spreadsheet_link < page.index('href="/exemples.csv?region=53"')
    assert "format d’import (CSV)" in page
    client.set_cookie("selection", str(example.id))
    page = client.get("/selection/").get_data(as_text=True)
    assert page.index(f'href="/selection/{example.id}.xlsx"') < page.index(
        f'href="/selection/{example.id}.csv"')
