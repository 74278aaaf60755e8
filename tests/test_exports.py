"""Exports of the current search (CSV, JSON), its Atom feed, and the example page's JSON-LD."""

from __future__ import annotations

import csv
import io
import json
import re
from xml.etree import ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"
SECRETS = {
    "submitter_name": "Gaspard Confidentiel",
    "submitter_email": "gaspard.secret@example.net",
    "submitter_organisation": "Organisation Cachée",
    "contact": "Contact Privé 06 00 00 00 00",
}


def read_csv(response) -> list[dict]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: spreadsheets detect the encoding
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def parse_feed(response) -> ET.Element:
    assert response.mimetype == "application/atom+xml"
    return ET.fromstring(response.get_data())


@pytest.fixture
def catalogue(make_example):
    """25 published examples in Brittany, 2 in Occitanie, and one pending in Brittany."""
    made = [make_example(title=f"Alliance bretonne numéro {i:02d}") for i in range(25)]
    made += [make_example(title=f"Alliance occitane {i}", regions=["76"], departements=["31"])
             for i in range(2)]
    make_example(state="pending", title="Alliance bretonne en attente")
    return made


# --- CSV and JSON --------------------------------------------------------------------------


def test_csv_holds_every_page_of_the_search_in_its_order(client, catalogue):
    shown = client.get("/api/v1/examples?region=53&tri=titre&per_page=100").get_json()
    response = client.get("/exemples.csv?region=53&tri=titre&page=2")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = read_csv(response)
    assert len(rows) == 25 == shown["total"]
    assert [r["title"] for r in rows] == [r["title"] for r in shown["results"]]
    assert "en attente" not in response.get_data(as_text=True)


def test_csv_uses_semicolons_and_design_cell_format(client, make_example):
    example = make_example(odd=[2, 17], themes=["alimentation-agriculture", "solidarite"])
    response = client.get("/exemples.csv")
    text = response.get_data(as_text=True)
    assert text.splitlines()[0].lstrip("\ufeff").startswith("id;url;title;summary;")
    [row] = read_csv(response)
    assert row["id"] == str(example.id)
    assert row["url"] == f"http://localhost/exemples/{example.slug}"
    assert row["partners"] == ("Les Jardins du Thabor (association); "
                               "Ville de Rennes (collectivite)")
    assert row["themes"] == "alimentation-agriculture; solidarite"
    assert row["odd"] == "2; 17"
    assert row["objectives"] == "co-construire"
    assert row["start_year"] == "2019"
    assert row["published_at"].endswith("Z")


def test_csv_download_is_an_attachment(client, catalogue):
    response = client.get("/exemples.csv")
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r"attachment; filename=exemples-alliances-\d{4}-\d{2}-\d{2}\.csv",
                        disposition)


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_csv_neutralises_formula_cells(client, make_example, start):
    make_example(title=f'{start}HYPERLINK("http://pirate.example")',
                 summary=f"{start}1+1 dans le résumé", locality=f"{start}cmd")
    [row] = read_csv(client.get("/exemples.csv"))
    assert row["title"] == f'\'{start}HYPERLINK("http://pirate.example")'
    assert row["summary"] == f"'{start}1+1 dans le résumé"
    for cell in row.values():
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


@pytest.mark.parametrize("cell, written", [
    ("=1+1", "'=1+1"), ("+33 1 00", "'+33 1 00"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "'\t=1"), ("\r=1", "'\r=1"), ("Rennes", "Rennes"), ("", ""), ("a=b", "a=b"),
])
def test_neutralise(cell, written):
    from catalogue.csvformat import neutralise

    assert neutralise(cell) == written


def test_csv_neutralises_a_formula_in_a_partner_name(client, make_example, record):
    partners = [{"name": "=cmd|' /C calc'!A0", "kind": "entreprise", "role": ""},
                {"name": "Ville de Rennes", "kind": "collectivite", "role": ""}]
    make_example(partners=partners)
    [row] = read_csv(client.get("/exemples.csv"))
    assert row["partners"].startswith("'=cmd")


def test_json_export_matches_the_search(client, catalogue):
    response = client.get("/exemples.json?region=76")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(response.get_data())
    assert sorted(e["title"] for e in data) == ["Alliance occitane 0", "Alliance occitane 1"]
    assert set(data[0]) >= {"id", "slug", "url", "title", "partners", "published_at"}


def test_exports_take_the_words_too(client, catalogue):
    rows = read_csv(client.get("/exemples.csv?q=occitane"))
    assert {r["title"] for r in rows} == {"Alliance occitane 0", "Alliance occitane 1"}


def test_exports_ignore_bad_parameters_like_the_page(client, catalogue):
    response = client.get("/exemples.csv?region=99&tri=hasard&page=abc")
    assert response.status_code == 200
    assert len(read_csv(response)) == 27


def test_catalogue_page_links_to_exports_feed_and_alerts(client, catalogue):
    page = client.get("/exemples/?region=53&tri=titre&page=2").get_data(as_text=True)
    assert 'href="/exemples.csv?region=53&amp;tri=titre"' in page
    assert 'href="/exemples.json?region=53&amp;tri=titre"' in page
    assert 'href="/flux.atom?region=53"' in page
    assert 'href="/alertes/nouvelle?region=53"' in page
    assert "Recevoir les nouveaux exemples" in page


# --- Atom ----------------------------------------------------------------------------------


def test_feed_is_valid_atom_with_the_required_elements(client, catalogue):
    feed = parse_feed(client.get("/flux.atom"))
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{name}").text
    [self_link] = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link.get("href") == "http://localhost/flux.atom"
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 27
    for entry in entries:
        for name in ("id", "title", "updated", "summary"):
            assert entry.find(f"{ATOM}{name}").text, name
        assert entry.find(f"{ATOM}link").get("href").startswith("http://localhost/exemples/")
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.find(f"{ATOM}updated").text)
    ids = [e.find(f"{ATOM}id").text for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:localhost,") for i in ids)


def test_feed_is_narrowed_by_the_catalogue_parameters(client, catalogue):
    feed = parse_feed(client.get("/flux.atom?region=76"))
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert sorted(titles) == ["Alliance occitane 0", "Alliance occitane 1"]
    assert "Occitanie" in feed.find(f"{ATOM}title").text
    [self_link] = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_link.get("href") == "http://localhost/flux.atom?region=76"


def test_feed_holds_the_50_latest(app, client, make_example):
    from datetime import UTC, datetime, timedelta

    from catalogue.extensions import db
    from catalogue.models import Example

    made = [make_example(title=f"Exemple {i:02d}") for i in range(55)]
    with app.app_context():  # publication dates one day apart: Exemple 54 is the latest
        start = datetime(2024, 1, 1, tzinfo=UTC)
        for i, example in enumerate(made):
            db.session.get(Example, example.id).published_at = start + timedelta(days=i)
        db.session.commit()
    entries = parse_feed(client.get("/flux.atom")).findall(f"{ATOM}entry")
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert len(titles) == 50
    assert titles[0] == "Exemple 54" and titles[-1] == "Exemple 05"


def test_empty_feed_is_still_valid(client):
    feed = parse_feed(client.get("/flux.atom?q=introuvable"))
    assert feed.find(f"{ATOM}updated").text and feed.findall(f"{ATOM}entry") == []


def test_feed_escapes_markup(client, make_example):
    make_example(title="<b>Gras</b> & « guillemets »", summary="<script>alert(1)</script>")
    feed = parse_feed(client.get("/flux.atom"))
    entry = feed.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}title").text == "<b>Gras</b> & « guillemets »"
    assert entry.find(f"{ATOM}summary").get("type") == "text"


# --- JSON-LD -------------------------------------------------------------------------------


def jsonld(page: str) -> dict:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert match, "no JSON-LD script"
    return json.loads(match.group(1))


def test_example_page_describes_itself_in_json_ld(client, make_example):
    example = make_example(title="Un potager partagé", locality="Rennes")
    data = jsonld(client.get(f"/exemples/{example.slug}").get_data(as_text=True))
    assert data["@context"] == "https://schema.org" and data["@type"] == "CreativeWork"
    assert data["name"] == "Un potager partagé"
    assert data["description"].startswith("Des élèves")
    assert data["url"] == f"http://localhost/exemples/{example.slug}"
    assert data["datePublished"].endswith("Z")
    assert data["keywords"] == [
        "Co-construire territorialement des solutions adaptées aux priorités locales",
        "Alimentation et agriculture"]
    places = [p["name"] for p in data["spatialCoverage"]]
    assert places == ["Rennes", "Ille-et-Vilaine", "Bretagne"]
    assert all(p["@type"] == "Place" for p in data["spatialCoverage"])
    assert [o["name"] for o in data["contributor"]] == ["Les Jardins du Thabor", "Ville de Rennes"]
    assert all(o["@type"] == "Organization" for o in data["contributor"])


def test_json_ld_cannot_close_its_script(client, make_example):
    title = "Fin </script><script>alert('x')</script> & <!-- fin"
    example = make_example(title=title, partners=[
        {"name": "</script><img src=x>", "kind": "association", "role": ""},
        {"name": "Ville", "kind": "collectivite", "role": ""}])
    page = client.get(f"/exemples/{example.slug}").get_data(as_text=True)
    script = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    body = script.group(1)
    assert "<" not in body and ">" not in body and "&" not in body.replace("\\u0026", "")
    data = json.loads(body)
    assert data["name"] == title
    assert data["contributor"][0]["name"] == "</script><img src=x>"


# --- private data --------------------------------------------------------------------------


def test_private_fields_never_leak_through_exports_feed_or_json_ld(client, make_example):
    example = make_example(title="Alliance discrète", **SECRETS)
    make_example(state="pending", title="Alliance pas encore publiée", **SECRETS)
    make_example(state="rejected", title="Alliance refusée")
    bodies = {
        "csv": client.get("/exemples.csv").get_data(as_text=True),
        "json": client.get("/exemples.json").get_data(as_text=True),
        "atom": client.get("/flux.atom").get_data(as_text=True),
        "page": client.get(f"/exemples/{example.slug}").get_data(as_text=True),
    }
    for name, body in bodies.items():
        for secret in SECRETS.values():
            assert secret not in body, (name, secret)
        assert "pas encore publiée" not in body and "refusée" not in body, name
    for name in ("csv", "json"):
        assert "submitter" not in bodies[name] and "follow_token" not in bodies[name]
    assert json.loads(bodies["json"])[0]["contact"] is None
