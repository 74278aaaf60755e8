"""Photos, documents and logos in the API: every derivative's absolute URL with its width and
type, alt texts, credits and licences, the cover first; only published examples' files."""

from __future__ import annotations

import sqlalchemy as sa
from media_samples import pdf, photo, png_with_alpha

from catalogue import media, organisations
from catalogue.extensions import db
from catalogue.models import Partner


def fetch(client, url: str) -> tuple[int, str, int]:
    """Return the status, type and length of a served file (the response closed)."""
    with client.get(url) as response:
        return response.status_code, response.mimetype, len(response.data)


def attach(app, example_id: int) -> None:
    """Give an example a cover, a second photo and a report, as moderation would."""
    with app.app_context():
        media.store_image(photo((1600, 1000)), "photo", example_id=example_id, position=1,
                          alt="Des bénévoles trient des légumes", credit="Photo : A. Martin",
                          licence="cc-by")
        media.store_image(photo((1200, 900)), "photo", example_id=example_id, position=0,
                          alt="Le jardin au printemps", credit="", licence="")
        media.store_document(pdf(3), "Rapport d’évaluation 2023", example_id=example_id)
        db.session.commit()


def test_an_example_lists_its_photos_cover_first_and_its_documents(app, client, make_example):
    example = make_example(title="Un jardin partagé")
    attach(app, example.id)
    data = client.get(f"/api/v1/examples/{example.id}").get_json()
    cover, second = data["media"]["photos"]
    assert cover["cover"] is True and second["cover"] is False
    assert cover["alt"] == "Le jardin au printemps"
    assert cover["credit"] is None and cover["licence"] is None
    assert second["alt"] == "Des bénévoles trient des légumes"
    assert (second["credit"], second["licence"]) == ("Photo : A. Martin", "cc-by")
    assert {f["type"] for f in cover["files"]} == {"image/webp", "image/jpeg"}
    widths = [f["width"] for f in cover["files"] if f["type"] == "image/jpeg"]
    assert len(widths) == 3 and widths == sorted(widths)
    assert cover["width"] == max(widths)
    for file in cover["files"]:
        assert file["url"].startswith("http://localhost/medias/")
        assert fetch(client, file["url"]) == (200, file["type"], file["size"])
    [report] = data["media"]["documents"]
    assert report["title"] == "Rapport d’évaluation 2023" and report["type"] == "application/pdf"
    assert fetch(client, report["url"]) == (200, "application/pdf", report["size"])
    # The list of examples gives the same.
    listed = client.get("/api/v1/examples?q=jardin+partage").get_json()["results"]
    assert [e["media"] for e in listed if e["id"] == example.id] == [data["media"]]


def test_an_example_without_media_has_empty_lists(client, make_example):
    example = make_example(title="Sans image")
    data = client.get(f"/api/v1/examples/{example.id}").get_json()
    assert data["media"] == {"photos": [], "documents": []}


def test_an_unpublished_examples_files_are_not_in_the_api(app, client, make_example):
    example = make_example("pending", title="Une proposition en attente")
    attach(app, example.id)
    assert client.get(f"/api/v1/examples/{example.id}").status_code == 404
    text = client.get("/api/v1/examples?per_page=100").get_data(as_text=True)
    assert "/medias/" not in text


def test_an_organisation_gives_its_logo(app, client, make_example):
    make_example(title="Un jardin partagé")
    with app.app_context():
        for partner in db.session.scalars(sa.select(Partner)):
            partner.organisation = organisations.find_or_create(partner.name, partner.kind)
        thabor = organisations.find("Les Jardins du Thabor", "association")
        media.store_image(png_with_alpha((600, 300)), "logo", organisation_id=thabor.id,
                          alt="Logo des Jardins du Thabor")
        db.session.commit()
        slug, other = thabor.slug, organisations.find("Ville de Rennes", "collectivite").slug
    one = client.get(f"/api/v1/organisations/{slug}").get_json()
    assert one["logo"]["alt"] == "Logo des Jardins du Thabor"
    assert all(f["url"].startswith("http://localhost/medias/") for f in one["logo"]["files"])
    logo = one["logo"]["files"][0]
    assert fetch(client, logo["url"]) == (200, logo["type"], logo["size"])
    listed = {o["slug"]: o for o in client.get("/api/v1/organisations").get_json()["results"]}
    assert listed[slug]["logo"] == one["logo"]
    assert listed[other]["logo"] is None
