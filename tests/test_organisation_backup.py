"""Organisations in data in and out: backups carry them and their merges, imports name them."""

from __future__ import annotations

import json

import sqlalchemy as sa

from catalogue.cli import snapshot_records
from catalogue.extensions import db
from catalogue.models import Example, Organisation, OrganisationRedirect, Partner, User


def write_json(path, data) -> str:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def partner_links(app) -> list[tuple[str, str, str | None]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(Example.slug, Partner.name, Organisation.slug)
            .join(Example, Example.id == Partner.example_id)
            .outerjoin(Organisation, Organisation.id == Partner.organisation_id)
            .order_by(Example.slug, Partner.position))]


def test_a_backup_restores_organisations_merges_and_links_exactly(
        app, runner, make_example, make_user, make_app, tmp_path):
    make_example(partners=[
        {"name": "Mairie de Saint-Étienne", "kind": "collectivite", "role": "Finance."},
        {"name": "France Travail", "kind": "public", "role": ""},
    ])
    make_example(title="Un second exemple", partners=[
        {"name": "mairie de saint etienne", "kind": "collectivite", "role": ""},
        {"name": "Emmaüs Connect", "kind": "association", "role": ""},
    ])
    make_example(state="pending", title="Une proposition", partners=[
        {"name": "Emmaüs Connect", "kind": "association", "role": ""},
        {"name": "Épicerie solidaire", "kind": "association", "role": ""},
    ])
    moderator = make_user()
    with app.app_context():
        city = db.session.scalar(sa.select(Organisation).where(Organisation.kind == "collectivite"))
        city.cog, city.website, city.commune = "42218", "https://www.saint-etienne.fr/", "Saint-Étienne"
        travail = db.session.scalar(sa.select(Organisation).where(Organisation.kind == "public"))
        travail.siren, travail.siret = "130005481", "13000548100010"
        db.session.add(OrganisationRedirect(slug="ville-de-saint-etienne", name="Ville de Saint-Étienne",
                                            organisation=city, actor_id=moderator.id))
        # A submission's partner a moderator has not matched yet.
        pending = db.session.scalar(sa.select(Example).where(Example.state == "pending"))
        pending.partners[1].organisation = None
        db.session.commit()
        before = snapshot_records()
    # Each example's new organisations are created in the order of their names.
    assert [o["slug"] for o in before["organisations"]] == [
        "france-travail", "mairie-de-saint-etienne", "emmaus-connect", "epicerie-solidaire"]
    assert before["organisation_redirects"][0]["actor"] == "modo@example.org"
    assert before["examples"][0]["partners"][0]["organisation"] == "mairie-de-saint-etienne"
    assert "organisation" not in before["examples"][2]["partners"][1]

    backup = tmp_path / "backup.json"
    assert runner.invoke(args=["export", str(backup)]).exit_code == 0
    assert json.loads(backup.read_text(encoding="utf-8")) == before
    other = make_app()
    with other.app_context():
        user = User(email="modo@example.org", role="moderator")
        user.set_password("correct horse battery")
        db.session.add(user)
        db.session.commit()
    restore = other.test_cli_runner().invoke(args=["import", str(backup)])
    assert restore.exit_code == 0, restore.output
    assert "4 organisation(s) restaurée(s)" in restore.output
    with other.app_context():
        assert snapshot_records() == before
    assert partner_links(other) == partner_links(app)


def test_a_plain_import_links_partners_by_the_organisation_named_or_by_name(
        app, runner, make_example, record, tmp_path):
    make_example(partners=[
        {"name": "Ville de Rennes", "kind": "collectivite", "role": ""},
        {"name": "Les Jardins du Thabor", "kind": "association", "role": ""},
    ])
    file = write_json(tmp_path / "import.json", [record(title="Un autre", partners=[
        {"name": "Rennes", "kind": "collectivite", "role": "", "organisation": "ville-de-rennes"},
        {"name": "Les jardins du Thabor", "kind": "association", "role": ""},
    ])])
    result = runner.invoke(args=["import", file])
    assert result.exit_code == 0, result.output
    assert ("un-autre", "Rennes", "ville-de-rennes") in partner_links(app)
    assert ("un-autre", "Les jardins du Thabor", "les-jardins-du-thabor") in partner_links(app)


def test_an_import_naming_unknown_organisations_is_refused_whole(app, runner, record, tmp_path):
    file = write_json(tmp_path / "import.json", [record(partners=[
        {"name": "A", "kind": "association", "role": "", "organisation": "inconnue"},
        {"name": "B", "kind": "association", "role": "", "organisation": "Pas Un Slug"},
    ])])
    result = runner.invoke(args=["import", file])
    assert result.exit_code != 0
    assert "enregistrement 1 : partenaire 1 : organisation inconnue « inconnue »" in result.output
    assert "partenaire 2 : organisation inconnue « Pas Un Slug »" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Organisation.id))) == 0


def test_a_backup_with_wrong_organisations_says_what_is_wrong(app, runner, record, tmp_path):
    file = write_json(tmp_path / "backup.json", {
        "organisations": [
            {"slug": "ok", "name": "Une association", "kind": "association", "rna": "W123"},
            {"slug": "ok", "name": "Une entreprise", "kind": "entreprise", "siren": "130005482",
             "siret": "13000548100011", "cog": "20004", "website": "ftp://x", "extra": 1},
            {"slug": "Mal Écrit", "name": "", "kind": "martien"},
        ],
        "organisation_redirects": [{"slug": "ancien", "name": "Ancien", "organisation": "perdu"}],
        "examples": [record()],
    })
    result = runner.invoke(args=["import", file])
    assert result.exit_code != 0
    for message in (
        "organisation 1 : RNA : Le numéro RNA s’écrit W suivi de 9 chiffres",
        "organisation 2 : adresse « ok » en double",
        "organisation 2 : SIREN : Ce numéro SIREN n’est pas valide (clé de contrôle).",
        "organisation 2 : SIRET : Ce numéro SIRET n’est pas valide (clé de contrôle).",
        "organisation 2 : code INSEE : Ce code INSEE ne correspond à aucune commune",
        "organisation 2 : une adresse http:// ou https:// est attendue",
        "organisation 2 : champ inconnu « extra »",
        "organisation 3 : adresse (slug) absente ou invalide",
        "organisation 3 : nom obligatoire",
        "organisation 3 : type inconnu « martien »",
        "redirection 1 : organisation inconnue « perdu »",
    ):
        assert message in result.output, message
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Example.id))) == 0


def test_restoring_into_a_catalogue_that_has_the_organisation_under_another_slug(
        app, runner, make_example, record, tmp_path):
    make_example()  # « Ville de Rennes » is ville-de-rennes here
    file = write_json(tmp_path / "backup.json", {
        "organisations": [{"slug": "rennes", "name": "VILLE DE RENNES", "kind": "collectivite"}],
        "examples": [record(title="Restauré", partners=[
            {"name": "Ville de Rennes", "kind": "collectivite", "role": "", "organisation": "rennes"},
            {"name": "Autre", "kind": "autre", "role": ""},
        ])],
    })
    result = runner.invoke(args=["import", file])
    assert result.exit_code == 0, result.output
    assert ("restaure", "Ville de Rennes", "ville-de-rennes") in partner_links(app)
    with app.app_context():  # its slug leads to the catalogue's record
        assert db.session.get(OrganisationRedirect, "rennes").organisation.slug == "ville-de-rennes"
