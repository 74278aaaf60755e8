"""Partners keep their organisation on every path: import, approval, edits and owners' updates."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, body, example_by_title, form_data, links, outbox, path_of

from catalogue import organisations, workflow
from catalogue.extensions import db
from catalogue.models import Example, Organisation, OrganisationRedirect, Partner, Revision

TITLE = form_data()["title"]


def login(app):
    client = app.test_client()
    assert client.post("/connexion", data={"email": "modo@example.org",
                                           "password": PASSWORD}).status_code == 302
    return client


def links_of(app, example_id: int) -> list[tuple[str, str, str | None]]:
    """Return (partner name, kind, organisation name or None) in the example's order."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Partner.name, Partner.kind, Organisation.name)
            .outerjoin(Organisation, Organisation.id == Partner.organisation_id)
            .where(Partner.example_id == example_id).order_by(Partner.position)
        )
        return [tuple(row) for row in rows]


def unlinked_published_partners(app) -> int:
    with app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(Partner.id)).join(Example)
            .where(Example.state == "published", Partner.organisation_id.is_(None))
        )


def submit(app) -> Example:
    owner = app.test_client()
    assert owner.post("/proposer", data=form_data(**{
        "partners-0-name": "Mairie de Saint-Étienne", "partners-0-kind": "collectivite",
    })).status_code == 302
    return example_by_title(app, TITLE)


def test_import_links_every_partner_by_name_and_kind(app, make_example, record):
    first = make_example(partners=[
        {"name": "Mairie de Saint-Étienne", "kind": "collectivite", "role": ""},
        {"name": "Emmaüs", "kind": "association", "role": ""},
    ])
    second = make_example(state="pending", title="Un autre exemple", partners=[
        {"name": "mairie de saint etienne", "kind": "collectivite", "role": ""},
        {"name": "Emmaüs", "kind": "entreprise", "role": ""},  # same name, another kind
    ])
    assert links_of(app, first.id) == [
        ("Mairie de Saint-Étienne", "collectivite", "Mairie de Saint-Étienne"),
        ("Emmaüs", "association", "Emmaüs"),
    ]
    assert links_of(app, second.id) == [
        ("mairie de saint etienne", "collectivite", "Mairie de Saint-Étienne"),
        ("Emmaüs", "entreprise", "Emmaüs"),
    ]
    with app.app_context():
        slugs = sorted(db.session.scalars(sa.select(Organisation.slug)))
    assert slugs == ["emmaus", "emmaus-2", "mairie-de-saint-etienne"]


def test_a_submission_waits_unlinked_and_approval_over_http_links_it(app, make_user,
                                                                     make_example):
    make_example(title="Déjà publié", partners=[
        {"name": "Mairie de Saint Etienne", "kind": "collectivite", "role": ""},
        {"name": "Autre", "kind": "autre", "role": ""},
    ])
    make_user()
    example = submit(app)
    assert [organisation for *_, organisation in links_of(app, example.id)] == [None, None]

    moderator = login(app)
    response = moderator.post(f"/moderation/exemples/{example.id}/decision",
                              data={"action": "approve", "version": example.version})
    assert response.status_code == 302
    assert example_by_title(app, TITLE).state == "published"
    assert links_of(app, example.id) == [
        ("Mairie de Saint-Étienne", "collectivite", "Mairie de Saint Etienne"),  # the existing one
        ("Ville de Rennes", "collectivite", "Ville de Rennes"),  # created
    ]
    assert unlinked_published_partners(app) == 0


def test_bulk_approval_links_too(app, make_user):
    make_user()
    example = submit(app)
    moderator = login(app)
    page = moderator.get("/moderation/?etat=pending").get_data(as_text=True)
    assert f'value="{example.id}:{example.version}"' in page
    response = moderator.post("/moderation/publier", data={"ids": f"{example.id}:{example.version}"})
    assert response.status_code == 302
    assert example_by_title(app, TITLE).state == "published"
    assert unlinked_published_partners(app) == 0


@pytest.fixture
def published(app, make_user):
    """The base example submitted over HTTP and approved; returns (example id, follow link)."""
    make_user()
    owner = app.test_client()
    assert owner.post("/proposer", data=form_data()).status_code == 302
    [link] = [path_of(u) for u in links(body(outbox(app)[0])) if "/proposer/suivi/" in u]
    example = example_by_title(app, TITLE)
    assert login(app).post(f"/moderation/exemples/{example.id}/decision",
                           data={"action": "approve", "version": example.version}).status_code == 302
    return example.id, link


def decide_revision(app, moderator, example_id: int, action: str = "approve_update"):
    with app.app_context():
        version = db.session.get(Example, example_id).version
        revision_id = db.session.scalar(sa.select(sa.func.max(Revision.id))
                                        .where(Revision.example_id == example_id))
    return moderator.post(f"/moderation/mises-a-jour/{revision_id}/decision",
                          data={"action": action, "comment": "", "version": version})


def test_approving_a_revision_that_renames_a_partner_rematches_it(app, published):
    example_id, link = published
    assert links_of(app, example_id)[1] == ("Ville de Rennes", "collectivite", "Ville de Rennes")
    owner = app.test_client()
    assert owner.post(link + "/mise-a-jour", data=form_data(**{
        "partners-1-name": "Rennes Métropole", "note": "Le terrain est à la métropole.",
    })).status_code == 302
    # Until approved, the published partner keeps its organisation.
    assert links_of(app, example_id)[1][2] == "Ville de Rennes"

    assert decide_revision(app, login(app), example_id).status_code == 302
    assert links_of(app, example_id) == [
        ("Les Jardins du Thabor", "association", "Les Jardins du Thabor"),
        ("Rennes Métropole", "collectivite", "Rennes Métropole"),
    ]
    assert unlinked_published_partners(app) == 0


def test_an_edit_keeps_a_moderators_match(app, published):
    example_id, _ = published
    with app.app_context():  # a moderator matched « Ville de Rennes » to another organisation
        example = db.session.get(Example, example_id)
        city = organisations.find_or_create("Rennes (commune)", "collectivite")
        organisations.link_partners(example, {1: city.id})
        db.session.commit()
    moderator = login(app)
    page = moderator.get(f"/moderation/exemples/{example_id}/modifier").get_data(as_text=True)
    version = page.split('name="version"')[1].split('value="')[1].split('"')[0]
    data = form_data(results="Des résultats revus.", version=version, note="")
    for key in ("submitter_name", "submitter_email", "submitter_organisation", "terms"):
        data.pop(key)
    response = moderator.post(f"/moderation/exemples/{example_id}/modifier", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert links_of(app, example_id)[1] == ("Ville de Rennes", "collectivite", "Rennes (commune)")


def test_link_partners_applies_a_moderators_choices(app, make_example):
    example_id = make_example(state="pending").id
    with app.app_context():
        example = db.session.get(Example, example_id)
        other = organisations.find_or_create("Rennes Métropole", "public")
        for partner in example.partners:
            partner.organisation = None
        organisations.link_partners(example, {0: None, 1: other.id})
        db.session.commit()
    assert links_of(app, example_id) == [
        ("Les Jardins du Thabor", "association", "Les Jardins du Thabor"),
        ("Ville de Rennes", "public", "Rennes Métropole"),  # the kind of the organisation chosen
    ]
    with app.app_context(), pytest.raises(ValueError, match="n’existe plus"):
        organisations.link_partners(db.session.get(Example, example_id), {1: 999_999})


def test_a_name_merged_away_finds_the_organisation_kept(app):
    with app.app_context():
        kept = organisations.find_or_create("Ville de Saint-Étienne", "collectivite")
        db.session.add(OrganisationRedirect(slug="mairie-de-saint-etienne",
                                            name="Mairie de Saint-Étienne", organisation=kept))
        db.session.commit()
        assert organisations.find("mairie de saint etienne", "collectivite") == kept
        assert organisations.find("Mairie de Saint-Étienne", "association") is None
        assert organisations.by_slug("mairie-de-saint-etienne") == kept
        # A new organisation of that name does not take the old URL.
        created = organisations.find_or_create("Mairie de Saint-Étienne", "association")
        assert created.slug == "mairie-de-saint-etienne-2"


def test_new_organisations_of_one_approval_are_not_duplicated(app, make_example, record):
    example_id = make_example(state="pending", partners=[
        {"name": "Emmaüs", "kind": "association", "role": ""},
        {"name": "EMMAÜS", "kind": "association", "role": ""},
        {"name": "Emmaüs", "kind": "entreprise", "role": ""},
    ]).id
    with app.app_context():
        db.session.execute(sa.update(Partner).values(organisation_id=None))
        db.session.execute(sa.delete(Organisation))
        db.session.commit()
        example = db.session.get(Example, example_id)
        version = example.version
        workflow.transition(example, "approve", expected_version=version)
        db.session.commit()
        assert example.version == version + 1  # the example is written once
        slugs = [p.organisation.slug for p in example.partners]
    assert slugs == ["emmaus", "emmaus", "emmaus-2"]


def test_the_demo_has_organisations_that_recur(app, demo):
    with app.app_context():
        counts = dict(db.session.execute(
            sa.select(Organisation.name, sa.func.count(sa.distinct(Partner.example_id)))
            .join(Partner).group_by(Organisation.id)
        ).all())
    assert counts["France Travail"] == 4
    assert counts["Fondation Crédit des Territoires"] == 4
    assert counts["Région Grand Est"] == 3 and counts["Région Pays de la Loire"] == 3
    assert counts["Union nationale des CCAS"] == 3
    assert unlinked_published_partners(app) == 0


@pytest.mark.parametrize("written", ["restos du coeur", "RESTOS DU CŒUR", "Restos du Cœur !"])
def test_a_name_is_compared_without_case_accents_punctuation_or_ligatures(written):
    assert organisations.name_key(written) == "restos du coeur"
