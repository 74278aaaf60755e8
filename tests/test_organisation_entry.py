"""Entering partners without duplicates: the organisation a contributor chooses travels with the
form, an unknown one is ignored, and edits keep the organisations of the partners."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from helpers import form_data
from test_organisation_suggestions import link_all

from catalogue.extensions import db
from catalogue.models import Example, Organisation


@pytest.fixture
def known(app, make_example):
    """A published example whose two partners are organisations; return their slugs."""
    make_example(title="Jardin partagé", partners=[
        {"name": "Banque Alimentaire d’Ille-et-Vilaine", "kind": "association", "role": ""},
        {"name": "Rennes Métropole", "kind": "collectivite", "role": ""},
    ])
    link_all(app)
    with app.app_context():
        return {o.name: o.slug for o in db.session.scalars(sa.select(Organisation))}


def partners_of(app, title: str) -> list[tuple[str, str | None]]:
    with app.app_context():
        example = db.session.scalar(sa.select(Example).where(Example.title == title))
        return [(p.name, p.organisation.slug if p.organisation else None)
                for p in example.partners]


def test_the_chosen_organisation_travels_with_the_submission(app, client, known):
    slug = known["Banque Alimentaire d’Ille-et-Vilaine"]
    response = client.post("/proposer", data=form_data(**{
        "title": "Une épicerie solidaire",
        "partners-0-name": "Banque Alimentaire d’Ille-et-Vilaine",
        "partners-0-kind": "association",
        "partners-0-organisation": slug,
        "partners-1-organisation": "une-organisation-qui-n-existe-pas",
    }))
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    # The choice is kept for the moderator; an unknown slug is no error, only no choice.
    assert partners_of(app, "Une épicerie solidaire") == [
        ("Banque Alimentaire d’Ille-et-Vilaine", slug), ("Ville de Rennes", None)]


def test_the_form_carries_a_hidden_field_per_partner_and_the_script(client):
    page = client.get("/proposer").get_data(as_text=True)
    assert page.count('type="hidden"') >= 3
    for i in range(3):
        assert f'name="partners-{i}-organisation" type="hidden" value=""' in page
    assert 'src="/static/js/organisations.js"' in page
    assert 'data-url="/api/v1/organisations/suggestions"' in page


def test_a_moderator_edit_keeps_the_organisations(app, client, make_user, known):
    make_user("modo@example.org", "moderator")
    client.post("/connexion", data={"email": "modo@example.org",
                                    "password": "correct horse battery"})
    with app.app_context():
        example = db.session.scalar(sa.select(Example).where(Example.title == "Jardin partagé"))
        example_id, version = example.id, example.version
    page = client.get(f"/moderation/exemples/{example_id}/modifier").get_data(as_text=True)
    slug = known["Rennes Métropole"]
    assert f'name="partners-1-organisation" type="hidden" value="{slug}"' in page
    data = form_data(**{
        "title": "Jardin partagé", "version": str(version), "note": "",
        "partners-0-name": "Banque Alimentaire d’Ille-et-Vilaine",
        "partners-0-kind": "association",
        "partners-0-organisation": known["Banque Alimentaire d’Ille-et-Vilaine"],
        "partners-1-name": "Rennes Métropole", "partners-1-kind": "collectivite",
        "partners-1-organisation": slug, "terms": None,
    })
    response = client.post(f"/moderation/exemples/{example_id}/modifier", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert partners_of(app, "Jardin partagé") == [
        ("Banque Alimentaire d’Ille-et-Vilaine", known["Banque Alimentaire d’Ille-et-Vilaine"]),
        ("Rennes Métropole", slug)]


def test_a_slug_merged_meanwhile_leads_to_the_kept_organisation(app, client, known):
    from catalogue.organisation_merge import merge
    with app.app_context():
        kept = db.session.scalar(sa.select(Organisation).where(Organisation.kind == "collectivite"))
        merged = Organisation(slug="rennes-metro", name="Rennes Metro", key="rennes metro",
                              kind="collectivite")
        db.session.add(merged)
        db.session.flush()
        merge(merged, kept, None)
        db.session.commit()
        kept_slug = kept.slug
    response = client.post("/proposer", data=form_data(**{
        "title": "Un atelier vélo", "partners-1-organisation": "rennes-metro"}))
    assert response.status_code == 302, response.get_data(as_text=True)[:1000]
    assert partners_of(app, "Un atelier vélo")[1] == ("Ville de Rennes", kept_slug)


def test_the_organisation_chosen_is_no_change_of_the_partners(app):
    from catalogue.diff import compare
    before = {"partners": [{"name": "A", "kind": "autre", "role": ""}]}
    after = {"partners": [{"name": "A", "kind": "autre", "role": "", "organisation": "a"}]}
    with app.test_request_context():
        assert compare(before, after) == []
        renamed = compare(before, {"partners": [{"name": "B", "kind": "autre", "role": ""}]})
        assert [c["name"] for c in renamed] == ["partners"]


# --- moderators confirm or change the match ------------------------------------------------


@pytest.fixture
def moderator(client, make_user):
    make_user("modo@example.org", "moderator")
    client.post("/connexion", data={"email": "modo@example.org",
                                    "password": "correct horse battery"})
    return client


def submitted(app, client, **fields) -> Example:
    response = client.post("/proposer", data=form_data(title="Une épicerie solidaire", **fields))
    assert response.status_code == 302
    with app.app_context():
        example = db.session.scalar(sa.select(Example).where(
            Example.title == "Une épicerie solidaire"))
        db.session.expunge(example)
        return example


def organisation_id(app, name: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Organisation.id).where(Organisation.name == name))


def test_review_proposes_the_choice_else_the_same_name_else_new(app, client, known, moderator):
    bank = known["Banque Alimentaire d’Ille-et-Vilaine"]
    example = submitted(app, client, **{
        "partners-0-name": "Banque alimentaire 35", "partners-0-kind": "association",
        "partners-0-organisation": bank,
        "partners-1-name": "rennes metropole", "partners-1-kind": "collectivite",
        "partners-2-name": "Compagnie des Vélos", "partners-2-kind": "entreprise"})
    page = moderator.get(f"/moderation/exemples/{example.id}").get_data(as_text=True)
    assert "Organisations des partenaires" in page
    bank_id = organisation_id(app, "Banque Alimentaire d’Ille-et-Vilaine")
    metropole_id = organisation_id(app, "Rennes Métropole")
    assert f'<option value="{bank_id}" selected>' in page
    assert "Choisie dans les suggestions." in page
    assert f'<option value="{metropole_id}" selected>' in page and "Même nom et même type." in page
    assert '<option value="nouvelle" selected>Nouvelle organisation : Compagnie des Vélos' in page


def test_approving_applies_the_moderators_choices(app, client, known, moderator):
    example = submitted(app, client, **{
        "partners-0-organisation": known["Banque Alimentaire d’Ille-et-Vilaine"]})
    metropole_id = organisation_id(app, "Rennes Métropole")
    response = moderator.post(f"/moderation/exemples/{example.id}/decision", data={
        "action": "approve", "version": str(example.version),
        "organisation-0": "nouvelle", "organisation-1": str(metropole_id)})
    assert response.status_code == 302
    with app.app_context():
        example = db.session.get(Example, example.id)
        assert example.state == "published"
        first, second = example.partners
        # « nouvelle »: the organisation of its own name and kind, created as it was new.
        assert first.organisation.name == "Les Jardins du Thabor"
        assert first.organisation.kind == "association"
        assert second.organisation_id == metropole_id and second.name == "Ville de Rennes"


def test_a_choice_merged_away_meanwhile_refuses_the_decision(app, client, known, moderator):
    from catalogue.organisation_merge import merge
    example = submitted(app, client)
    bank_id = organisation_id(app, "Banque Alimentaire d’Ille-et-Vilaine")
    with app.app_context():
        merge(db.session.get(Organisation, bank_id),
              db.session.get(Organisation, organisation_id(app, "Rennes Métropole")), None)
        db.session.commit()
    response = moderator.post(f"/moderation/exemples/{example.id}/decision", data={
        "action": "approve", "version": str(example.version), "organisation-0": str(bank_id)})
    assert response.status_code == 409
    assert "n’existe plus" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Example, example.id).state == "pending"


def test_approving_an_owners_update_applies_the_choices(app, client, known, moderator, record):
    from catalogue.models import Revision
    with app.app_context():
        example = db.session.scalar(sa.select(Example).where(Example.title == "Jardin partagé"))
        data = record(title="Jardin partagé", partners=[
            {"name": "Banque Alimentaire d’Ille-et-Vilaine", "kind": "association", "role": "",
             "organisation": known["Banque Alimentaire d’Ille-et-Vilaine"]},
            {"name": "Maison de quartier", "kind": "association", "role": ""},
            {"name": "Collège Anne de Bretagne", "kind": "enseignement-recherche", "role": ""},
        ])
        revision = Revision(example_id=example.id, data=data)
        db.session.add(revision)
        db.session.commit()
        revision_id, version = revision.id, example.version
    page = moderator.get(f"/moderation/mises-a-jour/{revision_id}").get_data(as_text=True)
    assert "Choisie dans les suggestions." in page
    assert '<option value="nouvelle" selected>Nouvelle organisation : Maison de quartier' in page
    metropole_id = organisation_id(app, "Rennes Métropole")
    response = moderator.post(f"/moderation/mises-a-jour/{revision_id}/decision", data={
        "action": "approve_update", "version": str(version),
        "organisation-1": str(metropole_id)})
    assert response.status_code == 302
    # No choice and no organisation of that name: a new one, made as the update is published.
    assert partners_of(app, "Jardin partagé") == [
        ("Banque Alimentaire d’Ille-et-Vilaine", known["Banque Alimentaire d’Ille-et-Vilaine"]),
        ("Maison de quartier", known["Rennes Métropole"]),
        ("Collège Anne de Bretagne", "college-anne-de-bretagne")]
