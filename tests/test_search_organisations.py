"""The « Organisation » filter and organisation names in the search: found by partners' names,
filtered by an organisation's slug (a merged slug filters on the one kept), counts exact."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from search_helpers import find
from werkzeug.datastructures import MultiDict

from catalogue import organisations, search
from catalogue.extensions import db
from catalogue.models import Organisation, OrganisationRedirect, Partner
from catalogue.search import parse_args, parse_args_strict


def link_partners() -> None:
    """Give every partner without one its organisation (by name and kind), as moderation does."""
    for partner in db.session.scalars(sa.select(Partner).where(Partner.organisation_id.is_(None))):
        partner.organisation = organisations.find_or_create(partner.name, partner.kind)
    db.session.commit()


def organisation(name: str, kind: str = "association") -> Organisation:
    return organisations.find(name, kind)


def partner(name: str, kind: str = "association") -> dict:
    return {"name": name, "kind": kind, "role": ""}


@pytest.fixture
def corpus(add):
    """Five examples; « Les Restos du Coeur » in three of them (spelt three ways)."""
    ids = {
        "restos": add(title="Cuisine", regions=["84"], departements=["69"],
                      partners=[partner("LES RESTOS DU COEUR"), partner("Mairie de Lyon", "collectivite")]),
        "restos2": add(title="Jardin", regions=["76"], departements=["31"],
                       partners=[partner("Les Restos du Coeur"), partner("Coop Azur", "entreprise")]),
        "restos3": add(title="Atelier", regions=["84"], departements=["38"],
                       partners=[partner("les restos du coeur"), partner("Coop Azur", "entreprise")]),
        "caf": add(title="Parents", regions=["84"], departements=["69"],
                   partners=[partner("Caisse d’allocations familiales du Rhône", "public"),
                             partner("Mairie de Lyon", "collectivite")]),
        "other": add(title="Autre", partners=[partner("Alpha", "autre"), partner("Omega", "autre")]),
    }
    link_partners()
    return ids


def test_an_example_is_found_by_its_partners_names_and_an_acronym(corpus):
    assert set(find("restos du coeur").ids()) == {corpus["restos"], corpus["restos2"], corpus["restos3"]}
    assert set(find("mairie de lyon").ids()) == {corpus["restos"], corpus["caf"]}
    # The thesaurus widens CAF to « caisse d’allocations familiales ».
    assert find("CAF").ids() == [corpus["caf"]]


def test_the_filter_keeps_the_examples_of_one_organisation(corpus):
    restos = organisation("Les Restos du Coeur")
    # One organisation for the three spellings: the filter finds the three examples.
    found = find("", organisation=restos.slug, per_page=100)
    assert set(found.ids()) == {corpus["restos"], corpus["restos2"], corpus["restos3"]}
    assert found.total == 3
    assert found.request.filters["organisation"] == (restos.slug,)


def test_counts_are_exact_and_the_filter_combines_with_words_and_facets(corpus):
    restos = organisation("Les Restos du Coeur")
    found = find("", organisation=restos.slug)
    regions = {v.value: v.count for v in found.facets["region"]}
    assert regions == {"84": 2, "76": 1}
    for code, count in regions.items():
        assert find("", organisation=restos.slug, region=code).total == count
    kinds = {v.value: v.count for v in found.facets["acteur"]}
    assert kinds == {"association": 3, "entreprise": 2, "collectivite": 1}
    assert find("jardin", organisation=restos.slug).ids() == [corpus["restos2"]]
    assert find("parents", organisation=restos.slug).total == 0
    assert set(find("", organisation=restos.slug, region="84").ids()) == {corpus["restos"], corpus["restos3"]}


def test_two_organisations_mean_alliances_of_both(corpus):
    restos, coop = organisation("Les Restos du Coeur"), organisation("Coop Azur", "entreprise")
    both = find("", organisation=[restos.slug, coop.slug])
    assert set(both.ids()) == {corpus["restos2"], corpus["restos3"]}
    mairie = organisation("Mairie de Lyon", "collectivite")
    assert find("", organisation=[coop.slug, mairie.slug]).total == 0


def test_an_unknown_slug_is_a_notice_and_the_strict_parser_refuses_it(corpus):
    req, notices = parse_args(MultiDict([("organisation", "nulle-part"), ("region", "84")]))
    assert "organisation" not in req.filters and req.filters["region"] == ("84",)
    assert notices == ["Filtre ignoré : organisation « nulle-part » inconnue."]
    with pytest.raises(search.BadParameter) as refused:
        parse_args_strict(MultiDict([("organisation", "nulle-part")]))
    assert refused.value.name == "organisation"


def test_a_merged_slug_filters_on_the_organisation_kept(corpus):
    restos = organisation("Les Restos du Coeur")
    coop = organisation("Coop Azur", "entreprise")
    # Merge « Coop Azur » into the Restos, as the moderators' merge does: partners follow.
    for p in db.session.scalars(sa.select(Partner).where(Partner.organisation_id == coop.id)):
        p.organisation = restos
    db.session.add(OrganisationRedirect(slug=coop.slug, name=coop.name, organisation_id=restos.id))
    old_slug = coop.slug
    db.session.delete(coop)
    db.session.commit()
    req, notices = parse_args(MultiDict([("organisation", old_slug)]))
    assert notices == [] and req.filters["organisation"] == (restos.slug,)
    assert find("", organisation=old_slug).total == 3
    assert search.check().clean


def test_a_bulk_move_of_partners_is_reindexed_through_the_helper(corpus):
    restos = organisation("Les Restos du Coeur")
    mairie = organisation("Mairie de Lyon", "collectivite")
    db.session.execute(sa.update(Partner).where(Partner.organisation_id == mairie.id)
                       .values(organisation_id=restos.id))
    search.record_organisation_changes([restos.id])
    db.session.commit()
    assert find("", organisation=restos.slug).total == 4
    assert find("", organisation=mairie.slug).total == 0
    assert search.check().clean


def test_renaming_an_organisation_reindexes_its_examples(corpus):
    caf = organisation("Caisse d’allocations familiales du Rhône", "public")
    assert find("prestations").total == 0
    caf.name = "Caisse des prestations familiales du Rhône"
    caf.slug = "caisse-des-prestations-familiales-du-rhone"
    db.session.commit()
    # Found by the organisation's new name, though the example wrote the old one.
    assert find("prestations").ids() == [corpus["caf"]]
    assert find("", organisation=caf.slug).ids() == [corpus["caf"]]
    assert search.check().clean


def test_the_catalogue_page_shows_a_removable_chip_and_the_notice(corpus, client):
    restos = organisation("Les Restos du Coeur")
    page = client.get(f"/exemples/?organisation={restos.slug}&region=84")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "2 exemples" in html
    assert "Organisation : LES RESTOS DU COEUR" in html
    # The chip removes the organisation and keeps the région; région links keep the organisation.
    assert 'href="/exemples/?region=84#resultats">Organisation : LES RESTOS DU COEUR' in html
    assert f"organisation={restos.slug}" in html.split('class="facets"')[1]
    unknown = client.get("/exemples/?organisation=nulle-part")
    assert unknown.status_code == 200
    assert "Filtre ignoré : organisation « nulle-part » inconnue." in unknown.get_data(as_text=True)


def test_the_api_filters_by_organisation_and_answers_404_for_an_unknown_one(corpus, client):
    coop = organisation("Coop Azur", "entreprise")
    data = client.get(f"/api/v1/examples?organisation={coop.slug}").get_json()
    assert {e["id"] for e in data["results"]} == {corpus["restos2"], corpus["restos3"]}
    assert data["total"] == 2
    unknown = client.get("/api/v1/examples?organisation=nulle-part")
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["parameter"] == "organisation"
