"""The organisations' pages: the directory (/organisations/) and one organisation's page."""

from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa

from catalogue import organisation_pages, organisations
from catalogue.extensions import db
from catalogue.models import Example, Organisation, OrganisationRedirect, Partner


def link_partners(app) -> None:
    """Give every partner not yet matched its organisation (by name and kind), as moderators do."""
    with app.app_context():
        for partner in db.session.scalars(sa.select(Partner).where(Partner.organisation_id.is_(None))):
            partner.organisation = organisations.find_or_create(partner.name, partner.kind)
        db.session.commit()


def partners(*names_and_kinds: tuple[str, str]) -> list[dict]:
    return [{"name": name, "kind": kind, "role": "Partenaire."} for name, kind in names_and_kinds]


RENNES = ("Ville de Rennes", "collectivite")
THABOR = ("Les Jardins du Thabor", "association")
ETIENNE = ("Épicerie Saint-Étienne", "entreprise")
SECRET = ("Fondation Secrète Zorglub", "fondation")


@pytest.fixture
def world(app, make_example):
    """Three published examples in Bretagne and Auvergne-Rhône-Alpes, and a pending one whose
    contributor's details and partner are distinctive (none of them may appear in public)."""
    make_example(title="Potager partagé", partners=partners(RENNES, THABOR))
    make_example(title="Repair café", partners=partners(RENNES, ETIENNE, THABOR))
    make_example(title="Épicerie solidaire", regions=["84"], departements=["42"],
                 locality="Saint-Étienne", partners=partners(ETIENNE, ("ville de rennes", "collectivite")))
    make_example("pending", title="Projet confidentiel Quasimodo", partners=partners(RENNES, SECRET),
                 submitter_name="Perceval Lagaffe", submitter_email="perceval.lagaffe@exemple.org",
                 submitter_organisation="Société Privée Brocéliande", contact="Gontran Mystère")
    link_partners(app)
    with app.app_context():
        rennes = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Ville de Rennes"))
        rennes.siren, rennes.siret = "213502388", "21350238800019"
        rennes.website, rennes.commune = "https://metropole.rennes.fr", "Rennes"
        db.session.commit()


def text(response) -> str:
    return response.get_data(as_text=True)


def listed(response) -> list[tuple[str, str]]:
    """Return (name, « kind · N exemples ») of each organisation of a list page, in order."""
    found = re.findall(r'<li>\s*<a href="/organisations/[^"]+" lang="fr">([^<]+)</a>\s*'
                       r'<span class="meta">([^<]+)</span>', text(response))
    return [(name, meta.replace("\u00a0", " ")) for name, meta in found]


FACET_TITLES = {"type": "Type d’organisation", "region": "Région"}


def facet_counts(response, name: str) -> dict[str, int]:
    """Return the count shown beside each value of a facet, by label, the chosen one included."""
    block = text(response).split(f"<summary>{FACET_TITLES[name]}</summary>")[1].split("</ul>")[0]
    return {label: int(count) for label, count in re.findall(
        r'<span aria-hidden="true">[☐☑]</span> ([^<]+)</a> <span class="count">'
        r'(?:<span aria-hidden="true">)?(\d+)<', block)}


def test_the_list_shows_organisations_with_a_published_example_and_their_counts(client, world):
    response = client.get("/organisations/")
    assert response.status_code == 200
    assert listed(response) == [
        ("Ville de Rennes", "Collectivité territoriale · 3 exemples"),
        ("Épicerie Saint-Étienne", "Entreprise · 2 exemples"),
        ("Les Jardins du Thabor", "Association · 2 exemples"),
    ]
    page = text(response)
    assert "Zorglub" not in page  # partner of a pending example only
    assert "3 organisations" in page


def test_the_list_sorts_by_name_on_demand(client, world):
    names = [name for name, _ in listed(client.get("/organisations/?tri=nom"))]
    assert names == ["Épicerie Saint-Étienne", "Les Jardins du Thabor", "Ville de Rennes"]


@pytest.mark.parametrize("q, expected", [
    ("saint etienne", ["Épicerie Saint-Étienne"]),
    ("ÉPICERIE", ["Épicerie Saint-Étienne"]),
    ("rennes ville", ["Ville de Rennes"]),
    ("jardins", ["Les Jardins du Thabor"]),
    ("zorglub", []),
])
def test_search_by_name_ignores_accents_case_and_word_order(client, world, q, expected):
    response = client.get("/organisations/", query_string={"q": q})
    assert [name for name, _ in listed(response)] == expected
    if not expected:
        assert "Aucune organisation ne correspond à cette recherche." in text(response)


def test_filters_by_kind_and_region_with_exact_counts(client, world):
    response = client.get("/organisations/")
    assert facet_counts(response, "type") == {
        "Association": 1, "Entreprise": 1, "Collectivité territoriale": 1}
    assert facet_counts(response, "region") == {"Bretagne": 3, "Auvergne-Rhône-Alpes": 2}

    in_region = client.get("/organisations/?region=84")
    assert [name for name, _ in listed(in_region)] == ["Ville de Rennes", "Épicerie Saint-Étienne"]
    # The kinds are counted among the organisations of the région; the régions keep their counts.
    assert facet_counts(in_region, "type") == {"Entreprise": 1, "Collectivité territoriale": 1}
    assert "Région : Auvergne-Rhône-Alpes" in text(in_region)

    both = client.get("/organisations/?region=84&type=entreprise")
    assert [name for name, _ in listed(both)] == ["Épicerie Saint-Étienne"]
    assert facet_counts(both, "region") == {"Bretagne": 1, "Auvergne-Rhône-Alpes": 1}
    assert "1 organisation" in text(both)


@pytest.mark.parametrize("query, notice", [
    ("type=banque", "Filtre ignoré : type d’acteur « banque » inconnu."),
    ("region=99", "Filtre ignoré : région « 99 » inconnue."),
    ("page=deux", "Numéro de page invalide « deux » : 1 retenu."),
    ("page=0", "Numéro de page invalide « 0 » : 1 retenu."),
    ("page=99999999999999999999", "Numéro de page invalide"),
    ("page=40", "Il n’y a qu’une page : la voici."),
    ("tri=taille", "Tri « taille » inconnu : par nombre d’exemples."),
    ("q=" + "x" * 300, "Recherche trop longue"),
])
def test_bad_parameters_give_a_notice_and_a_page(client, world, query, notice):
    response = client.get("/organisations/?" + query)
    assert response.status_code == 200
    assert notice in text(response).replace("\u00a0", " ")


def test_the_list_is_paginated(client, world, monkeypatch):
    monkeypatch.setattr(organisation_pages, "PER_PAGE", 2)
    first = client.get("/organisations/")
    assert len(listed(first)) == 2
    assert 'href="/organisations/?page=2" rel="next"' in text(first)
    second = client.get("/organisations/?page=2")
    assert [name for name, _ in listed(second)] == ["Les Jardins du Thabor"]


def test_the_list_follows_publications_renames_and_merges(app, client, world, make_example,
                                                         make_user, auth):
    assert len(listed(client.get("/organisations/"))) == 3
    make_example(title="Nouvelle alliance", partners=partners(("Nouvelle Coopérative", "entreprise"), RENNES))
    link_partners(app)
    assert ("Nouvelle Coopérative", "Entreprise · 1 exemple") in listed(client.get("/organisations/"))
    with app.app_context():
        thabor, etienne = (db.session.scalar(sa.select(Organisation.id).where(Organisation.slug == slug))
                           for slug in ("les-jardins-du-thabor", "epicerie-saint-etienne"))
    make_user()
    auth.login()
    # A moderator renames: the list shows the new name, and finds it by it.
    response = client.post(f"/moderation/organisations/{thabor}",
                           data={"name": "Jardins partagés du Thabor", "kind": "association"})
    assert response.status_code == 302
    auth.logout()
    assert [name for name, _ in listed(client.get("/organisations/?q=partages"))] == [
        "Jardins partagés du Thabor"]
    # A moderator merges the épicerie into the jardins: one organisation with their examples.
    auth.login()
    response = client.post(f"/moderation/organisations/{etienne}/fusion",
                           data={"into": "les-jardins-du-thabor"})
    assert response.status_code == 302
    auth.logout()
    shown = listed(client.get("/organisations/"))
    assert ("Jardins partagés du Thabor", "Association · 3 exemples") in shown
    assert "Épicerie Saint-Étienne" not in [name for name, _ in shown]
    assert client.get("/organisations/epicerie-saint-etienne").headers["Location"].endswith(
        "/organisations/les-jardins-du-thabor")


def test_the_organisation_page(client, world):
    response = client.get("/organisations/ville-de-rennes")
    assert response.status_code == 200
    page = text(response)
    assert "<h1 lang=\"fr\">Ville de Rennes</h1>" in page
    assert "Collectivité territoriale" in page
    assert "213\u00a0502\u00a0388" in page and "213\u00a0502\u00a0388\u00a000019" in page
    assert 'href="https://metropole.rennes.fr"' in page
    for title in ("Potager partagé", "Repair café", "Épicerie solidaire"):
        assert f'lang="fr">{title}</a>' in page
    assert 'href="/exemples/?organisation=ville-de-rennes">Voir ses 3 exemples dans le catalogue' in page
    # Territories with the number of its examples there.
    assert '>Bretagne</a> <span class="count">(2 exemples)' in page.replace("\xa0", " ")
    assert "Loire (42)</a>" in page
    # « A fait alliance avec », counted by shared published examples, linked.
    allies = re.findall(r'<li><a href="/organisations/([^"]+)" lang="fr">[^<]+</a>\s*'
                        r'<span class="meta">[^·]+· (\d+)', page.split("A fait alliance avec")[1])
    assert allies == [("epicerie-saint-etienne", "2"), ("les-jardins-du-thabor", "2")]


def test_nothing_private_on_organisation_pages(client, world):
    """The pending example shares « Ville de Rennes »: neither it nor its contributor shows."""
    pages = [text(client.get("/organisations/ville-de-rennes")), text(client.get("/organisations/")),
             text(client.get("/organisations/?q=rennes"))]
    for page in pages:
        for private in ("Quasimodo", "Perceval", "Lagaffe", "perceval.lagaffe", "Brocéliande",
                        "Gontran", "Zorglub"):
            assert private not in page
    assert client.get("/organisations/fondation-secrete-zorglub").status_code == 404


def test_an_organisation_without_published_example_is_for_moderators_only(client, auth, world, make_user):
    assert client.get("/organisations/fondation-secrete-zorglub").status_code == 404
    make_user()
    auth.login()
    response = client.get("/organisations/fondation-secrete-zorglub")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "aucun exemple publié" in text(response)


def test_unknown_slug_is_404(client, world):
    assert client.get("/organisations/personne").status_code == 404


def test_a_merged_slug_redirects_permanently_to_the_organisation_kept(app, client, world):
    with app.app_context():
        kept = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "ville-de-rennes"))
        db.session.add(OrganisationRedirect(slug="mairie-de-rennes", name="Mairie de Rennes",
                                            organisation_id=kept.id))
        db.session.commit()
    response = client.get("/organisations/mairie-de-rennes")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/organisations/ville-de-rennes")


def jsonld(page: str) -> dict:
    [script] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(script)


def test_the_organisation_page_describes_it_in_json_ld(client, world):
    data = jsonld(text(client.get("/organisations/ville-de-rennes")))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "GovernmentOrganization"
    assert data["name"] == "Ville de Rennes"
    assert data["@id"] == data["url"] == "http://localhost/organisations/ville-de-rennes"
    assert data["sameAs"] == "https://metropole.rennes.fr"
    assert {"@type": "PropertyValue", "propertyID": "SIREN", "value": "213502388"} in data["identifier"]
    assert data["iso6523Code"] == "0002:213502388"
    assert data["address"]["addressLocality"] == "Rennes"
    assert sorted(work["name"] for work in data["subjectOf"]) == [
        "Potager partagé", "Repair café", "Épicerie solidaire"]


def test_example_pages_link_partners_to_their_organisation(app, client, world):
    with app.app_context():
        slug = db.session.scalar(sa.select(Example.slug).where(Example.title == "Épicerie solidaire"))
    page = text(client.get(f"/exemples/{slug}"))
    # Named as the example names it, linked to the organisation's page.
    assert '<a href="/organisations/ville-de-rennes" lang="fr">ville de rennes</a>' in page
    assert '<a href="/organisations/epicerie-saint-etienne" lang="fr">Épicerie Saint-Étienne</a>' in page
    contributors = jsonld(page)["contributor"]
    assert {"@type": "Organization", "name": "ville de rennes", "description": "Collectivité territoriale",
            "@id": "http://localhost/organisations/ville-de-rennes",
            "url": "http://localhost/organisations/ville-de-rennes"} in contributors


def test_a_partner_not_yet_matched_is_plain_text(app, client, make_example):
    example = make_example(title="Sans organisation", partners=partners(RENNES, THABOR))
    with app.app_context():
        db.session.execute(sa.update(Partner).values(organisation_id=None))
        db.session.commit()
    page = text(client.get(f"/exemples/{example.slug}"))
    assert '<span lang="fr">Ville de Rennes</span>' in page
    assert "/organisations/ville-de-rennes" not in page


def test_see_its_examples_in_the_catalogue_gives_those_examples(client, world):
    page = text(client.get("/organisations/epicerie-saint-etienne"))
    [link] = re.findall(r'href="([^"]+)">Voir ses 2 exemples dans le catalogue', page)
    catalogue = text(client.get(link.replace("&amp;", "&")))
    assert "2 exemples" in catalogue
    for title in ("Repair café", "Épicerie solidaire"):
        assert f'lang="fr">{title}</a>' in catalogue


def test_the_logo_shows_when_there_is_one(app, client, world):
    from media_samples import png_with_alpha

    from catalogue import media

    assert '<picture class="logo">' not in text(client.get("/organisations/ville-de-rennes"))
    with app.app_context():
        rennes = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "ville-de-rennes"))
        media.store_image(png_with_alpha(), "logo", organisation_id=rennes.id, alt="Logo de Rennes")
        db.session.commit()
    page = text(client.get("/organisations/ville-de-rennes"))
    [logo] = re.findall(r'<picture class="logo">.*?</picture>', page, re.S)
    assert 'type="image/webp"' in logo
    [img] = re.findall(r"<img [^>]+>", logo)
    assert 'alt="Logo de Rennes"' in img and 'width="' in img and 'height="' in img
    src = re.search(r' src="([^"]+)"', img).group(1)
    assert src.startswith("/medias/") and src.endswith(".jpg")
    assert jsonld(page)["logo"].startswith("http://localhost/medias/")
    for url in (src, jsonld(page)["logo"].removeprefix("http://localhost")):
        served = client.get(url)
        served.close()
        assert served.status_code == 200 and served.mimetype == "image/jpeg"


def test_the_list_describes_its_organisations_in_json_ld(client, world):
    data = jsonld(text(client.get("/organisations/?tri=nom")))
    assert data["@type"] == "ItemList" and data["numberOfItems"] == 3
    first = data["itemListElement"][0]
    assert first["position"] == 1
    assert first["item"] == {"@type": "Organization", "name": "Épicerie Saint-Étienne",
                             "@id": "http://localhost/organisations/epicerie-saint-etienne",
                             "url": "http://localhost/organisations/epicerie-saint-etienne"}
