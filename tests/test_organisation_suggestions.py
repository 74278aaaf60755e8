"""Suggestions of organisations while a contributor types a partner's name (the JSON endpoint)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from catalogue.extensions import db
from catalogue.models import Partner
from catalogue.organisations import find_or_create


def partners(*names_and_kinds) -> list[dict]:
    return [{"name": name, "kind": kind, "role": ""} for name, kind in names_and_kinds]


def link_all(app) -> None:
    """Give every partner without one its organisation (as the migration and approval do)."""
    with app.app_context():
        for partner in db.session.scalars(sa.select(Partner).where(Partner.organisation_id.is_(None))):
            partner.organisation = find_or_create(partner.name, partner.kind)
        db.session.commit()


@pytest.fixture
def catalogue(app, make_example):
    make_example(title="Un", partners=partners(("Banque Alimentaire du Rhône", "association"),
                                               ("Crédit Coopératif", "entreprise")))
    make_example(title="Deux", partners=partners(("banque alimentaire du rhone", "association"),
                                                 ("La Banque Postale", "entreprise")))
    make_example(title="Trois", partners=partners(("Fondation Banque Populaire", "fondation"),
                                                  ("Mairie de Lyon", "collectivite")))
    make_example(state="pending", title="Quatre",
                 partners=partners(("Banquise Secrète", "association"), ("Mairie de Lyon", "collectivite")))
    link_all(app)


def names(response) -> list[str]:
    assert response.status_code == 200
    return [item["name"] for item in response.get_json()]


def test_suggests_published_organisations_starting_with_the_text_first(client, catalogue):
    response = client.get("/api/v1/organisations/suggestions?q=banq")
    data = response.get_json()
    # Starts with « banq », the busiest first; then a word starts with it. Never the pending one.
    assert [d["name"] for d in data] == [
        "Banque Alimentaire du Rhône", "Fondation Banque Populaire", "La Banque Postale"]
    first = data[0]
    assert first["examples"] == 2
    assert first["kind"] == "association" and first["kind_label"] == "Association"
    assert first["slug"] and first["commune"] == ""


def test_matching_ignores_accents_case_and_punctuation(client, catalogue):
    assert names(client.get("/api/v1/organisations/suggestions?q=CRÉDIT-coop")) == [
        "Crédit Coopératif"]
    assert names(client.get("/api/v1/organisations/suggestions?q=alimentaire du rhone")) == [
        "Banque Alimentaire du Rhône"]


def test_the_kind_narrows_the_suggestions(client, catalogue):
    assert names(client.get("/api/v1/organisations/suggestions?q=banque&type=entreprise")) == [
        "La Banque Postale"]


@pytest.mark.parametrize("q", ["", "b", " b ", "--", "é"])
def test_under_two_characters_suggests_nothing(client, catalogue, q):
    assert names(client.get("/api/v1/organisations/suggestions", query_string={"q": q})) == []


def test_at_most_eight(client, app, make_example):
    for i in range(5):
        make_example(title=f"Exemple {i}", partners=partners(
            (f"Association Relais {i}", "association"), (f"Relais Entreprise {i}", "entreprise")))
    link_all(app)
    assert len(names(client.get("/api/v1/organisations/suggestions?q=relais"))) == 8


@pytest.mark.parametrize(("query", "parameter"), [
    ({"q": "banque", "type": "inconnu"}, "type"),
    ({"q": "x" * 201}, "q"),
])
def test_bad_parameters_get_a_400_naming_them(client, catalogue, query, parameter):
    response = client.get("/api/v1/organisations/suggestions", query_string=query)
    assert response.status_code == 400
    assert response.get_json()["error"]["parameter"] == parameter


def test_the_api_speaks_french_whatever_the_browser_says(client, catalogue):
    client.set_cookie("lang", "en")
    response = client.get("/api/v1/organisations/suggestions?q=mairie")
    assert response.get_json()[0]["kind_label"] == "Collectivité territoriale"
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_suggestions_are_rate_limited(make_app, app_config, catalogue):
    limited = make_app(**{**app_config, "RATELIMIT_ENABLED": True,
                          "SUGGESTIONS_RATE_LIMIT": "3 per minute"})
    client = limited.test_client()
    codes = [client.get("/api/v1/organisations/suggestions?q=banque").status_code
             for _ in range(4)]
    assert codes == [200, 200, 200, 429]
