"""The JSON API: search, one example, taxonomy, errors, CORS, conditional requests, OpenAPI."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from catalogue import taxonomy
from catalogue.extensions import db
from catalogue.models import Example
from catalogue.workflow import transition

SECRETS = {
    "submitter_name": "Gaspard Confidentiel",
    "submitter_email": "gaspard.secret@example.net",
    "submitter_organisation": "Organisation Cachée",
    "contact": "Contact Privé 06 00 00 00 00",
}


def titled(i: int) -> str:
    return f"Alliance numéro {i} pour l’insertion"


@pytest.fixture
def three(make_example):
    """Three published examples in Brittany, one in Occitanie, and one pending."""
    made = [make_example(title=titled(i)) for i in range(3)]
    made.append(make_example(title="Une cantine solidaire à Toulouse", regions=["76"],
                             departements=["31"], locality="Toulouse"))
    make_example(state="pending", title="Exemple en attente de relecture")
    return made


def test_list_returns_results_with_total_facets_and_links(client, three):
    response = client.get("/api/v1/examples?region=53&per_page=2")
    assert response.status_code == 200
    data = response.get_json()
    assert (data["total"], data["page"], data["pages"], data["per_page"]) == (3, 1, 2, 2)
    assert len(data["results"]) == 2
    assert all(r["regions"] == ["53"] for r in data["results"])
    brittany = {v["value"]: v for v in data["facets"]["region"]}["53"]
    assert brittany["count"] == 3 and brittany["selected"] and brittany["label"] == "Bretagne"
    links = data["links"]
    assert links["previous"] is None
    assert links["self"].startswith("http://localhost/api/v1/examples?")
    second = client.get(links["next"]).get_json()
    assert second["page"] == 2 and len(second["results"]) == 1
    assert second["links"]["next"] is None
    previous = second["links"]["previous"]
    assert "region=53" in previous and "per_page=2" in previous


def test_list_takes_the_catalogue_parameters(client, three):
    data = client.get("/api/v1/examples?q=cantine").get_json()
    assert [r["title"] for r in data["results"]] == ["Une cantine solidaire à Toulouse"]
    data = client.get("/api/v1/examples?region=53&region=76&tri=titre").get_json()
    assert data["total"] == 4
    titles = [r["title"] for r in data["results"]]
    assert titles == sorted(titles)


def test_an_example_has_the_public_fields_and_an_absolute_url(client, three):
    example = three[0]
    data = client.get(f"/api/v1/examples/{example.id}").get_json()
    assert data["id"] == example.id and data["slug"] == example.slug
    assert data["url"] == f"http://localhost/exemples/{example.slug}"
    assert data["partners"][0] == {
        "name": "Les Jardins du Thabor", "kind": "association", "role": "Anime les ateliers."}
    assert data["odd"] == [2, 17] and data["start_year"] == 2019
    assert data["published_at"].endswith("Z")
    assert data["contact"] is None
    assert "state" not in data


@pytest.mark.parametrize("state", ["pending", "rejected", "changes_requested", "archived"])
def test_an_unpublished_example_is_not_found(client, make_example, state):
    example = make_example(state=state, title="Pas encore public")
    response = client.get(f"/api/v1/examples/{example.id}")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == 404
    assert "Pas encore public" not in client.get("/api/v1/examples").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/api/v1/examples/999", "/api/v1/examples/0",
                                  "/api/v1/examples/99999999999999999999"])
def test_missing_examples_answer_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.is_json and "message" in response.get_json()["error"]


def test_private_fields_never_leave_through_the_api(client, make_example):
    submitter = {k: v for k, v in SECRETS.items() if k != "contact"}
    public = make_example(title="Alliance avec contact public", contact="Mme Publique",
                          contact_public=True, **submitter)
    hidden = make_example(title="Alliance discrète", **SECRETS)
    bodies = [
        client.get("/api/v1/examples").get_data(as_text=True),
        client.get(f"/api/v1/examples/{public.id}").get_data(as_text=True),
        client.get(f"/api/v1/examples/{hidden.id}").get_data(as_text=True),
        client.get("/api/v1/examples?q=alliance").get_data(as_text=True),
    ]
    for body in bodies:
        for secret in SECRETS.values():
            assert secret not in body
        for key in ("submitter", "follow_token", "state", "version", "contact_public"):
            assert f'"{key}' not in body
    assert client.get(f"/api/v1/examples/{public.id}").get_json()["contact"] == "Mme Publique"
    assert client.get(f"/api/v1/examples/{hidden.id}").get_json()["contact"] is None


@pytest.mark.parametrize("query, parameter", [
    ("per_page=0", "per_page"),
    ("per_page=101", "per_page"),
    ("per_page=dix", "per_page"),
    ("page=0", "page"),
    ("page=abc", "page"),
    ("region=99", "region"),
    ("objectif=tout", "objectif"),
    ("odd=18", "odd"),
    ("tri=hasard", "tri"),
    ("q=" + "mot " * 60, "q"),
])
def test_bad_parameters_get_a_400_naming_them(client, query, parameter):
    response = client.get(f"/api/v1/examples?{query}")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == 400 and error["parameter"] == parameter
    assert error["message"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_a_page_beyond_the_last_is_not_found(client, three):
    response = client.get("/api/v1/examples?page=9")
    assert response.status_code == 404
    assert response.get_json()["error"]["parameter"] == "page"


def test_any_words_are_searched_without_error(client, three):
    for q in ['"guillemet', "AND OR NOT", "(((", "l'insertion*", "titre:", "\u202e\x00x"]:
        assert client.get("/api/v1/examples", query_string={"q": q}).status_code == 200


def test_taxonomy_lists_the_public_vocabularies(client):
    data = client.get("/api/v1/taxonomy").get_json()
    assert "states" not in data
    assert [t["code"] for t in data["objectives"]] == list(taxonomy.OBJECTIVES.codes)
    assert len(data["departements"]) == 101
    assert {"code": "35", "label": "Ille-et-Vilaine", "parent": "53"} in data["departements"]
    assert data["odd"][0]["code"] == 1
    assert data["objectives"][0]["description"]


@pytest.mark.parametrize("path", ["/api/v1/examples", "/api/v1/taxonomy", "/api/v1/openapi.json"])
def test_gets_allow_any_origin(client, path):
    response = client.get(path, headers={"Origin": "https://reseau.example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response.headers["Access-Control-Expose-Headers"]


def test_preflight_is_answered(client):
    response = client.options("/api/v1/examples", headers={
        "Origin": "https://reseau.example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "If-None-Match"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]


def test_writing_methods_are_not_allowed(client, three):
    response = client.post("/api/v1/examples", json={"title": "x"})
    assert response.status_code in (400, 405)  # CSRF or method: never a write
    assert client.delete(f"/api/v1/examples/{three[0].id}").status_code == 405


@pytest.mark.parametrize("path", ["/api/v1/examples?region=53", "/api/v1/taxonomy"])
def test_unchanged_responses_answer_304_to_if_none_match(client, three, path):
    first = client.get(path)
    etag = first.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(path, headers={"If-None-Match": '"autre"'}).status_code == 200


def test_example_answers_304_to_if_modified_since(client, three):
    path = f"/api/v1/examples/{three[0].id}"
    first = client.get(path)
    assert first.last_modified is not None
    since = first.headers["Last-Modified"]
    assert client.get(path, headers={"If-Modified-Since": since}).status_code == 304


def test_a_change_changes_etag_and_last_modified(app, client, three):
    path = "/api/v1/examples?region=53"
    first = client.get(path)
    time.sleep(1.1)  # HTTP dates count whole seconds
    with app.app_context():
        example = db.session.get(Example, three[2].id)
        transition(example, "archive")
        db.session.commit()
    second = client.get(path, headers={"If-None-Match": first.headers["ETag"],
                                       "If-Modified-Since": first.headers["Last-Modified"]})
    assert second.status_code == 200
    assert three[2].id not in [r["id"] for r in second.get_json()["results"]]
    assert second.last_modified > first.last_modified
    # The list without the archived example is answered 200 to If-Modified-Since alone too.
    assert client.get(path, headers={"If-Modified-Since": first.headers["Last-Modified"]}
                      ).status_code == 200


def test_last_modified_is_the_latest_publication(app, client, three):
    with app.app_context():
        example = db.session.get(Example, three[0].id)
        expected = max(example.published_at, example.updated_at)
    response = client.get(f"/api/v1/examples/{three[0].id}")
    assert abs(response.last_modified - expected) < timedelta(seconds=1)


def test_get_needs_no_csrf_token(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    assert client.get("/api/v1/taxonomy").status_code == 200
    assert client.options("/api/v1/taxonomy").status_code == 200


def test_openapi_document_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    validate(document)
    assert set(document["paths"]) >= {
        "/api/v1/examples", "/api/v1/examples/{id}", "/api/v1/taxonomy", "/api/v1/openapi.json"}


def test_openapi_parameters_are_the_catalogue_filters(client):
    from catalogue.search import FILTERS

    document = client.get("/api/v1/openapi.json").get_json()
    names = {p["name"] for p in document["paths"]["/api/v1/examples"]["get"]["parameters"]}
    assert names == {*FILTERS, "q", "exact", "tri", "page", "per_page"}


def test_the_guide_page_describes_the_api_in_french(client):
    response = client.get("/api/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="fr">' in page
    for text in ("/api/v1/examples", "/api/v1/openapi.json", "/api/v1/taxonomy",
                 "/api/modele-import.csv", "/exemples.csv", "/flux.atom", "per_page"):
        assert text in page


def test_no_example_row_is_read_for_an_impossible_id(app, client):
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(Example.id)))
    assert count == 0
    assert client.get(f"/api/v1/examples/{2**40}").status_code == 404
