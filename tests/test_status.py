"""Status and end year: « 2012–2020 » for a finished alliance, the « Statut » facet, import/export."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from pypdf import PdfReader
from search_helpers import find

from catalogue import search
from catalogue.csvformat import read_csv
from catalogue.extensions import db
from catalogue.importing import validate_all
from catalogue.models import Example
from catalogue.serialisation import backup_record
from catalogue.validation import clean_record

THIS_YEAR = datetime.now(UTC).year


# --- the rule ----------------------------------------------------------------------------------


def test_an_end_year_goes_with_a_finished_alliance_after_its_start(record):
    data, problems = clean_record(record(status="termine", start_year=2012, end_year=2020))
    assert problems == [] and data["end_year"] == 2020 and data["status"] == "termine"
    # finished, end year unknown: allowed
    data, problems = clean_record(record(status="termine", end_year=None))
    assert problems == [] and data["end_year"] is None
    _, problems = clean_record(record(status="termine", start_year=2012, end_year=2012))
    assert problems == []


@pytest.mark.parametrize("overrides, message", [
    ({"status": "en-cours", "end_year": 2020},
     "année de fin : seulement pour une alliance terminée (statut « termine »)"),
    ({"status": "termine", "start_year": 2019, "end_year": 2018},
     "année de fin : antérieure à l’année de lancement (2019)"),
    ({"status": "termine", "end_year": THIS_YEAR + 1}, f"année de fin : entre 1950 et {THIS_YEAR}"),
    ({"status": "termine", "end_year": "2020"}, "année de fin : un nombre entier est attendu"),
])
def test_a_wrong_end_year_is_refused_on_import(record, overrides, message):
    _, problems = clean_record(record(**overrides))
    assert [str(p) for p in problems] == [message]


# --- display -----------------------------------------------------------------------------------


def card_meta(html: str, title: str) -> str:
    card = html.split(title, 1)[1]
    return re.search(r'<p class="meta">(.*?)</p>', card, re.S).group(1)


def test_finished_examples_read_2012_2020_everywhere(client, make_example):
    over = make_example(title="Une alliance close", status="termine", start_year=2012,
                        end_year=2020)
    running = make_example(title="Une alliance vivante", status="en-cours", start_year=2015)
    undated = make_example(title="Une alliance finie sans date", status="termine",
                           start_year=2010)
    html = client.get("/exemples/").get_data(as_text=True)
    assert card_meta(html, "Une alliance close").endswith("· 2012–2020")
    assert "depuis" not in card_meta(html, "Une alliance close")
    assert card_meta(html, "Une alliance vivante").endswith("· depuis 2015")
    assert card_meta(html, "Une alliance finie sans date").endswith("· lancée en 2010, terminée")

    page = client.get(f"/exemples/{over.slug}").get_data(as_text=True)
    assert "<dt>Dates</dt><dd>2012–2020</dd>" in page
    assert "<dt>Statut</dt><dd>Terminé</dd>" in page
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page,
                              re.S).group(1))
    assert ld["temporalCoverage"] == "2012/2020"
    page = client.get(f"/exemples/{running.slug}").get_data(as_text=True)
    assert "<dt>Dates</dt><dd>depuis 2015</dd>" in page
    assert "2015/.." in page

    english = client.get(f"/exemples/{undated.slug}", headers={"Accept-Language": "en"})
    assert "started in 2010, ended" in english.get_data(as_text=True)


def test_the_pdf_fiche_gives_the_years(client, make_example):
    example = make_example(status="termine", start_year=2012, end_year=2020)
    response = client.get(f"/exemples/{example.slug}.pdf")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "2012–2020" in text and "Terminé" in text


# --- the form ----------------------------------------------------------------------------------


def test_the_form_takes_an_end_year_for_a_finished_alliance(app, client):
    from helpers import form_data

    page = client.get("/proposer").get_data(as_text=True)
    assert 'name="end_year"' in page and "Année de fin" in page
    response = client.post("/proposer", data=form_data(status="termine", start_year="2012",
                                                       end_year="2020"))
    assert response.status_code == 302
    with app.app_context():
        example = db.session.scalars(sa.select(Example)).one()
        assert (example.status, example.start_year, example.end_year) == ("termine", 2012, 2020)


# --- the facet ---------------------------------------------------------------------------------


def published_by_status(status: str) -> set[int]:
    return set(db.session.scalars(sa.select(Example.id).where(
        Example.state == "published", Example.status == status)))


def test_the_status_facet_counts_what_the_database_holds(search_app, demo):
    totals = search.facet_counts()["statut"]
    finished, running = published_by_status("termine"), published_by_status("en-cours")
    assert finished and running
    assert totals == {"en-cours": len(running), "termine": len(finished)}
    assert set(find("", statut="termine", per_page=100).ids()) == finished
    assert set(find("", statut="en-cours", per_page=100).ids()) == running
    # combined with another facet, the count shown is what choosing it returns
    base = find("", objectif="innover")
    for value in base.facets["statut"]:
        assert find("", objectif="innover", statut=value.value).total == value.count


def test_the_sidebar_offers_the_status_and_its_chip(client, demo, app):
    with app.app_context():
        finished = len(published_by_status("termine"))
    html = client.get("/exemples/").get_data(as_text=True)
    sidebar = html.split('class="facets"', 1)[1]
    assert "<summary>Statut</summary>" in sidebar
    link = re.search(r'<a href="([^"]*statut=termine[^"]*)" class="facet-value">.*?</a>'
                     r' <span class="count"><span aria-hidden="true">(\d+)</span>', sidebar, re.S)
    assert link and int(link.group(2)) == finished
    chosen = client.get("/exemples/?statut=termine").get_data(as_text=True)
    assert "Statut : Terminé" in chosen
    assert f"{finished} exemples" in chosen or f"{finished} résultats" in chosen
    ignored = client.get("/exemples/?statut=abandonne").get_data(as_text=True)
    assert "Filtre ignoré : statut « abandonne » inconnu." in ignored


def test_a_status_edit_moves_the_example_in_the_facet(search_app, add):
    example_id = add(status="en-cours")
    assert find("", statut="termine").total == 0
    example = db.session.get(Example, example_id)
    example.status, example.end_year = "termine", 2024
    db.session.commit()
    assert find("", statut="termine").ids() == [example_id]
    assert search.facet_counts()["statut"] == {"en-cours": 0, "termine": 1}


# --- import and export -------------------------------------------------------------------------


def test_end_year_survives_csv_api_and_backup(app, client, make_example):
    example = make_example(status="termine", start_year=2012, end_year=2020)
    response = client.get("/exemples.csv")
    [row] = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")),
                                delimiter=";"))
    assert (row["start_year"], row["end_year"], row["status"]) == ("2012", "2020", "termine")
    [(line, record)] = read_csv(response.get_data(as_text=True))
    [(_, data)] = validate_all([(line, record)])
    assert (data["end_year"], data["status"]) == (2020, "termine")

    api = client.get(f"/api/v1/examples/{example.id}").get_json()
    assert api["end_year"] == 2020 and api["status"] == "termine"
    schema = client.get("/api/v1/openapi.json").get_json()
    assert "end_year" in schema["components"]["schemas"]["Example"]["required"]
    listing = next(path for name, path in schema["paths"].items() if name.endswith("/examples"))
    assert "statut" in {p["name"] for p in listing["get"]["parameters"]}

    with app.app_context():
        backup = backup_record(db.session.get(Example, example.id))
    data, problems = clean_record(json.loads(json.dumps(backup)))
    assert problems == [] and data["end_year"] == 2020


def test_the_demo_has_dated_finished_examples(demo, app):
    with app.app_context():
        rows = db.session.execute(sa.select(Example.status, Example.start_year, Example.end_year)
                                  .where(Example.end_year.is_not(None))).all()
    assert len(rows) >= 5
    assert all(status == "termine" and start <= end for status, start, end in rows)
