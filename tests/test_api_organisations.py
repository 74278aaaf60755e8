"""The organisations in the API: the directory, one organisation, and the example records'
links to their partners' organisations. Only published data."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from catalogue import organisation_merge, organisations
from catalogue.extensions import db
from catalogue.models import Organisation, Partner


def partner(name: str, kind: str, role: str = "") -> dict:
    return {"name": name, "kind": kind, "role": role}


@pytest.fixture
def world(app, make_example):
    """Three published examples and a pending one, their partners matched to organisations."""
    jardins = make_example(title="Jardins partagés", regions=["53"], departements=["35"],
                           partners=[partner("Les Jardins du Thabor", "association"),
                                     partner("Ville de Rennes", "collectivite")])
    cantine = make_example(title="Cantine solidaire", regions=["53"], departements=["35"],
                           partners=[partner("LES JARDINS DU THABOR", "association"),
                                     partner("Coop Légumes", "entreprise")])
    recyclerie = make_example(title="Recyclerie", regions=["76"], departements=["31"],
                              partners=[partner("Les Jardins du Thabor", "association"),
                                        partner("Ville de Rennes", "collectivite")])
    pending = make_example("pending", title="Proposition en attente", regions=["84"],
                           departements=["69"],
                           partners=[partner("Les Jardins du Thabor", "association"),
                                     partner("Secret Industries", "entreprise")])
    with app.app_context():
        for p in db.session.scalars(sa.select(Partner)):
            p.organisation = organisations.find_or_create(p.name, p.kind)
        db.session.commit()
        slugs = {o.name: o.slug for o in db.session.scalars(sa.select(Organisation))}
    return {"jardins": jardins, "cantine": cantine, "recyclerie": recyclerie,
            "pending": pending, "slugs": slugs}


def test_the_list_holds_organisations_with_a_published_example_and_their_counts(client, world):
    data = client.get("/api/v1/organisations").get_json()
    by_slug = {o["slug"]: o for o in data["results"]}
    slugs = world["slugs"]
    assert set(by_slug) == {slugs["Les Jardins du Thabor"], slugs["Ville de Rennes"],
                            slugs["Coop Légumes"]}  # not Secret Industries: pending only
    thabor = by_slug[slugs["Les Jardins du Thabor"]]
    assert thabor["examples_count"] == 3  # the pending example does not count
    assert thabor["kind"] == "association" and thabor["name"] == "Les Jardins du Thabor"
    assert thabor["siren"] is None and thabor["rna"] is None
    assert thabor["url"] == f"http://localhost/organisations/{thabor['slug']}"
    assert thabor["api_url"] == f"http://localhost/api/v1/organisations/{thabor['slug']}"
    assert thabor["examples_url"] == f"http://localhost/exemples/?organisation={thabor['slug']}"
    assert data["results"][0] == thabor  # most examples first
    assert (data["total"], data["page"], data["pages"]) == (3, 1, 1)
    assert data["links"]["next"] is None and data["links"]["previous"] is None
    facets = {name: {v["value"]: v["count"] for v in values}
              for name, values in data["facets"].items()}
    assert facets == {"type": {"association": 1, "entreprise": 1, "collectivite": 1},
                      "region": {"53": 3, "76": 2}}


def test_the_list_filters_by_type_region_and_name(client, world):
    def slugs(query: str) -> set[str]:
        return {o["slug"] for o in client.get(f"/api/v1/organisations?{query}").get_json()["results"]}

    assert slugs("type=entreprise") == {world["slugs"]["Coop Légumes"]}
    assert slugs("region=76") == {world["slugs"]["Les Jardins du Thabor"],
                                  world["slugs"]["Ville de Rennes"]}
    assert slugs("q=ville") == {world["slugs"]["Ville de Rennes"]}
    assert slugs("q=coop+legumes&region=53") == {world["slugs"]["Coop Légumes"]}
    assert slugs("region=84") == set()  # the pending example's région


@pytest.mark.parametrize("query, parameter, status", [
    ("type=banque", "type", 400),
    ("region=99", "region", 400),
    ("tri=hasard", "tri", 400),
    ("page=0", "page", 400),
    ("page=abc", "page", 400),
    ("q=" + "x" * 101, "q", 400),
    ("page=2", "page", 404),
])
def test_the_list_refuses_what_it_cannot_answer(client, world, query, parameter, status):
    response = client.get(f"/api/v1/organisations?{query}")
    assert response.status_code == status
    assert response.get_json()["error"]["parameter"] == parameter


def test_one_organisation_with_its_published_examples_and_partners(client, world):
    slug = world["slugs"]["Les Jardins du Thabor"]
    response = client.get(f"/api/v1/organisations/{slug}")
    assert response.status_code == 200 and response.headers["ETag"]
    data = response.get_json()
    assert data["examples_count"] == 3
    ids = [e["id"] for e in data["examples"]]
    assert sorted(ids) == sorted([world["jardins"].id, world["cantine"].id,
                                  world["recyclerie"].id])
    first = data["examples"][0]
    assert first["url"].startswith("http://localhost/exemples/")
    assert first["api_url"] == f"http://localhost/api/v1/examples/{first['id']}"
    allies = {a["slug"]: a["shared_examples"] for a in data["partners_with"]}
    assert allies == {world["slugs"]["Ville de Rennes"]: 2, world["slugs"]["Coop Légumes"]: 1}
    assert data["partners_with_total"] == 2
    assert data["regions"] == [{"code": "53", "count": 2}, {"code": "76", "count": 1}]
    text = response.get_data(as_text=True)
    assert "Secret Industries" not in text and "Proposition en attente" not in text
    assert "@" not in text  # no contributor's address, nor anyone's


def test_an_unknown_or_unpublished_organisation_is_404_and_a_merged_one_redirects(app, client,
                                                                                  world):
    assert client.get("/api/v1/organisations/nulle-part").status_code == 404
    secret = world["slugs"]["Secret Industries"]
    assert client.get(f"/api/v1/organisations/{secret}").status_code == 404
    with app.app_context():
        kept = db.session.scalar(sa.select(Organisation).where(
            Organisation.slug == world["slugs"]["Les Jardins du Thabor"]))
        merged = db.session.scalar(sa.select(Organisation).where(
            Organisation.slug == world["slugs"]["Coop Légumes"]))
        organisation_merge.merge(merged, kept, None)
        db.session.commit()
    moved = client.get(f"/api/v1/organisations/{world['slugs']['Coop Légumes']}")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith(
        f"/api/v1/organisations/{world['slugs']['Les Jardins du Thabor']}")


def test_example_records_link_each_partner_to_its_organisation(client, world):
    data = client.get(f"/api/v1/examples/{world['jardins'].id}").get_json()
    thabor, rennes = data["partners"]
    assert thabor["name"] == "Les Jardins du Thabor"
    assert thabor["organisation"]["slug"] == world["slugs"]["Les Jardins du Thabor"]
    assert thabor["organisation"]["api_url"].endswith(
        f"/api/v1/organisations/{world['slugs']['Les Jardins du Thabor']}")
    assert rennes["organisation"]["url"].endswith(f"/organisations/{world['slugs']['Ville de Rennes']}")
    # A partner written otherwise is the same organisation, under its own name.
    cantine = client.get(f"/api/v1/examples/{world['cantine'].id}").get_json()
    assert cantine["partners"][0]["name"] == "LES JARDINS DU THABOR"
    assert cantine["partners"][0]["organisation"]["name"] == "Les Jardins du Thabor"
    listed = client.get("/api/v1/examples?organisation=" + world["slugs"]["Ville de Rennes"]).get_json()
    assert {e["id"] for e in listed["results"]} == {world["jardins"].id, world["recyclerie"].id}
    assert all(p["organisation"] for e in listed["results"] for p in e["partners"])


def test_a_partner_not_yet_matched_has_no_organisation(app, client, make_example):
    example = make_example(title="Sans correspondance")
    with app.app_context():  # as a submission before moderation matches its partners
        db.session.execute(sa.update(Partner).where(Partner.example_id == example.id)
                           .values(organisation_id=None))
        db.session.commit()
    data = client.get(f"/api/v1/examples/{example.id}").get_json()
    assert [p["organisation"] for p in data["partners"]] == [None, None]


def test_an_organisation_named_like_a_route_of_the_api_has_its_own_address(app, client,
                                                                           make_example):
    make_example(title="Boîte à idées", partners=[partner("Suggestions", "association"),
                                                  partner("Mairie de Bègles", "collectivite")])
    with app.app_context():
        for p in db.session.scalars(sa.select(Partner)):
            p.organisation = organisations.find_or_create(p.name, p.kind)
        db.session.commit()
        slug = db.session.scalar(sa.select(Organisation.slug)
                                 .where(Organisation.name == "Suggestions"))
    assert slug == "suggestions-2"
    data = client.get(f"/api/v1/organisations/{slug}").get_json()
    assert data["name"] == "Suggestions" and data["examples_count"] == 1
