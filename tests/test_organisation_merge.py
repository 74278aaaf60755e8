"""Moderators' organisation pages: the list, the record with its identifiers, the merge."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from test_organisation_suggestions import link_all, partners

from catalogue.extensions import db
from catalogue.models import IndexChange, Media, MediaFile, Organisation, OrganisationRedirect, Partner, User
from catalogue.organisation_merge import MergeRefused, merge
from catalogue.organisations import find


@pytest.fixture
def moderator(client, make_user):
    make_user("modo@example.org", "moderator", display_name="Camille Modo")
    client.post("/connexion", data={"email": "modo@example.org",
                                    "password": "correct horse battery"})
    return client


@pytest.fixture
def orgs(app, make_example):
    """Two spellings of one food bank (association and, by mistake, company) and a third."""
    make_example(title="Épicerie solidaire", partners=partners(
        ("Banque Alimentaire du Rhône", "association"), ("Ville de Lyon", "collectivite")))
    make_example(title="Collecte d’hiver", partners=partners(
        ("Banque alimentaire Rhône", "association"), ("Ville de Lyon", "collectivite")))
    make_example(title="Paniers", partners=partners(
        ("BA Rhône", "entreprise"), ("Métropole de Lyon", "collectivite")))
    link_all(app)
    with app.app_context():
        ids = {o.name: o.id for o in db.session.scalars(sa.select(Organisation))}
        kept = db.session.get(Organisation, ids["Banque Alimentaire du Rhône"])
        kept.rna = "W691000001"
        db.session.commit()
    return ids


def organisation(app, organisation_id) -> Organisation | None:
    with app.app_context():
        found = db.session.get(Organisation, organisation_id)
        if found is not None:
            db.session.expunge(found)
        return found


def test_merge_moves_partners_redirects_journals_and_fills_the_gaps(app, orgs):
    with app.app_context():
        kept = db.session.get(Organisation, orgs["Banque Alimentaire du Rhône"])
        merged = db.session.get(Organisation, orgs["Banque alimentaire Rhône"])
        merged.siren, merged.website, merged.commune = "552100554", "https://ba69.example.org", "Lyon"
        merged.rna = "W691000002"
        db.session.add(Media(organisation_id=merged.id, kind="logo", alt="Logo"))
        actor = User(email="modo@example.org", role="moderator")
        actor.set_password("correct horse battery")
        db.session.add(actor)
        db.session.commit()
        merged_slug, merged_id = merged.slug, merged.id
        changes_before = db.session.scalar(sa.select(sa.func.count(IndexChange.id)))

        redirect = merge(merged, kept, actor)
        db.session.commit()

        assert db.session.get(Organisation, merged_id) is None
        assert redirect.slug == merged_slug and redirect.name == "Banque alimentaire Rhône"
        assert redirect.actor.email == "modo@example.org" and redirect.created_at is not None
        assert db.session.get(OrganisationRedirect, merged_slug).organisation_id == kept.id
        titles = sorted(p.example.title for p in kept.partners)
        assert titles == ["Collecte d’hiver", "Épicerie solidaire"]
        # Taken where missing, kept where the kept one had its own.
        assert (kept.siren, kept.website, kept.commune) == (
            "552100554", "https://ba69.example.org", "Lyon")
        assert kept.rna == "W691000001"
        assert db.session.scalar(sa.select(Media.organisation_id).where(Media.kind == "logo")) == kept.id
        # The examples that changed partner are re-indexed (the change feed has them).
        assert db.session.scalar(sa.select(sa.func.count(IndexChange.id))) > changes_before


def test_a_second_merge_repoints_older_redirects_one_hop(app, orgs):
    with app.app_context():
        first = db.session.get(Organisation, orgs["Banque alimentaire Rhône"])
        middle = db.session.get(Organisation, orgs["BA Rhône"])
        last = db.session.get(Organisation, orgs["Banque Alimentaire du Rhône"])
        first_slug, middle_slug = first.slug, middle.slug
        merge(first, middle, None)
        db.session.commit()
        merge(middle, last, None)
        db.session.commit()
        targets = {r.slug: r.organisation_id for r in db.session.scalars(sa.select(OrganisationRedirect))}
        assert targets == {first_slug: last.id, middle_slug: last.id}
        assert len({p.example_id for p in last.partners}) == 3


def test_an_organisation_is_not_merged_into_itself(app, orgs):
    with app.app_context():
        same = db.session.get(Organisation, orgs["BA Rhône"])
        with pytest.raises(MergeRefused):
            merge(same, same, None)


def test_a_logo_of_the_merged_one_goes_when_the_kept_one_has_its_own(app, orgs):
    with app.app_context():
        kept_id, merged_id = orgs["Banque Alimentaire du Rhône"], orgs["BA Rhône"]
        for owner in (kept_id, merged_id):
            media = Media(organisation_id=owner, kind="logo", alt="Logo")
            media.files.append(MediaFile(mime="image/png", width=1, height=1, size=1,
                                         sha256=f"{owner:064d}", data=b"x"))
            db.session.add(media)
        db.session.commit()
        merge(db.session.get(Organisation, merged_id), db.session.get(Organisation, kept_id), None)
        db.session.commit()
        assert db.session.scalars(sa.select(Media.organisation_id)).all() == [kept_id]
        assert db.session.scalar(sa.select(sa.func.count(MediaFile.id))) == 1


def test_moderators_list_and_search_organisations(moderator, orgs):
    page = moderator.get("/moderation/organisations/?q=rhone").get_data(as_text=True)
    assert "3 organisations" in page
    assert "Banque Alimentaire du Rhône" in page and "Ville de Lyon" not in page
    page = moderator.get("/moderation/organisations/?q=lyon&type=collectivite").get_data(as_text=True)
    assert "Ville de Lyon" in page and "Métropole de Lyon" in page and "Rhône" not in page


def test_merge_from_the_moderators_page(app, moderator, orgs):
    merged_id, kept_id = orgs["BA Rhône"], orgs["Banque Alimentaire du Rhône"]
    page = moderator.get(f"/moderation/organisations/{merged_id}").get_data(as_text=True)
    assert "Fusionner avec…" in page and "Paniers" in page
    kept = organisation(app, kept_id)
    # The close names are offered, each with its own button.
    assert f'name="into" value="{kept.slug}"' in page
    response = moderator.post(f"/moderation/organisations/{merged_id}/fusion",
                              data={"into": kept.slug})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/moderation/organisations/{kept_id}"
    assert organisation(app, merged_id) is None
    page = moderator.get(response.headers["Location"]).get_data(as_text=True)
    assert "« BA Rhône »" in page and "par Camille Modo" in page and "Paniers" in page
    listing = moderator.get("/moderation/organisations/").get_data(as_text=True)
    assert "« BA Rhône » fusionnée dans" in listing


@pytest.mark.parametrize(("into", "message"), [
    ("", "Indiquez l’organisation à garder."),
    ("nulle-part", "Aucune organisation n’a cette adresse."),
])
def test_merge_into_nothing_says_why(app, moderator, orgs, into, message):
    merged_id = orgs["BA Rhône"]
    response = moderator.post(f"/moderation/organisations/{merged_id}/fusion", data={"into": into})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert organisation(app, merged_id) is not None


def test_merge_into_itself_says_why(app, moderator, orgs):
    merged = organisation(app, orgs["BA Rhône"])
    response = moderator.post(f"/moderation/organisations/{merged.id}/fusion",
                              data={"into": merged.slug})
    assert response.status_code == 400
    assert "avec elle-même" in response.get_data(as_text=True)


def test_edit_the_record_with_checked_identifiers(app, moderator, orgs):
    org_id = orgs["BA Rhône"]
    data = {"name": "BA Rhône", "kind": "entreprise", "siren": "552 100 554",
            "siret": "55210055400013", "rna": "", "cog": "69123",
            "website": "ba-rhone.example.org", "commune": "Lyon"}
    response = moderator.post(f"/moderation/organisations/{org_id}", data=data)
    assert response.status_code == 302
    saved = organisation(app, org_id)
    assert (saved.siren, saved.siret, saved.cog, saved.website, saved.commune) == (
        "552100554", "55210055400013", "69123", "https://ba-rhone.example.org", "Lyon")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("siren", "552100555", "Ce numéro SIREN n’est pas valide (clé de contrôle)."),
    ("siret", "1234", "Le SIRET doit compter 14 chiffres."),
    ("rna", "X123", None),
    ("cog", "99999", None),
    ("website", "javascript:alert(1)", "Une adresse commençant par http:// ou https:// est attendue."),
    ("name", "", "Indiquez le nom de l’organisation."),
])
def test_a_wrong_field_is_explained_next_to_it(app, moderator, orgs, field, value, message):
    org_id = orgs["BA Rhône"]
    data = {"name": "BA Rhône", "kind": "entreprise", field: value}
    response = moderator.post(f"/moderation/organisations/{org_id}", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert re.search(rf'id="{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="{field}"', page)
    if message:
        assert message in page
    assert organisation(app, org_id).siren == ""


def test_renaming_onto_another_record_proposes_a_merge(app, moderator, orgs):
    org_id = orgs["Banque alimentaire Rhône"]
    response = moderator.post(f"/moderation/organisations/{org_id}", data={
        "name": "banque alimentaire du rhone", "kind": "association"})
    assert response.status_code == 400
    assert "fusionnez les deux fiches plutôt" in response.get_data(as_text=True)
    with app.app_context():
        assert find("Banque alimentaire Rhône", "association").id == org_id


def test_renaming_reindexes_the_examples(app, moderator, orgs):
    org_id = orgs["Ville de Lyon"]
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(IndexChange.id)))
    response = moderator.post(f"/moderation/organisations/{org_id}", data={
        "name": "Ville de Lyon (mairie)", "kind": "collectivite"})
    assert response.status_code == 302
    with app.app_context():
        changed = db.session.scalars(sa.select(IndexChange.example_id).where(
            IndexChange.id > before)).all()
        examples = db.session.scalars(sa.select(Partner.example_id).where(
            Partner.organisation_id == org_id)).all()
        assert set(changed) >= set(examples) and len(examples) == 2
        assert db.session.get(Organisation, org_id).key == "ville de lyon mairie"


def test_csrf_protects_the_organisation_forms(make_app, make_user, app_config):
    app = make_app(**{**app_config, "WTF_CSRF_ENABLED": True})
    make_user("modo@example.org", "moderator")
    client = app.test_client()
    with app.app_context():
        first = Organisation(slug="a", name="A", key="a", kind="autre")
        second = Organisation(slug="b", name="B", key="b", kind="autre")
        db.session.add_all([first, second])
        db.session.commit()
        first_id = first.id
    login_page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    client.post("/connexion", data={"email": "modo@example.org", "csrf_token": token,
                                    "password": "correct horse battery"})
    assert client.post(f"/moderation/organisations/{first_id}/fusion",
                       data={"into": "b"}).status_code == 400
    assert client.post(f"/moderation/organisations/{first_id}",
                       data={"name": "A2", "kind": "autre"}).status_code == 400
    page = client.get(f"/moderation/organisations/{first_id}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"/moderation/organisations/{first_id}/fusion",
                           data={"into": "b", "csrf_token": token})
    assert response.status_code == 302
