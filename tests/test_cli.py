"""The command line: init-db, load-demo, import and export, through the Flask CLI runner."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from catalogue.cli import snapshot_records
from catalogue.extensions import db
from catalogue.models import Example, ModerationEvent, Partner, Report, Revision, User, utcnow
from catalogue.serialisation import backup_record, public_record


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def write_json(path, records) -> str:
    path.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_init_db_is_repeatable(runner):
    first = runner.invoke(args=["init-db"])
    second = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and second.exit_code == 0
    assert "Base de données à jour" in second.output


def test_load_demo_twice_keeps_the_same_rows(app, runner, demo):
    examples, partners, events = count(app, Example), count(app, Partner), count(app, ModerationEvent)
    assert examples == len(demo) >= 60
    result = runner.invoke(args=["load-demo"])
    assert result.exit_code == 0
    assert f"0 exemple(s) ajouté(s), {len(demo)} déjà présent(s)" in result.output
    assert (count(app, Example), count(app, Partner), count(app, ModerationEvent)) == (
        examples, partners, events)


def test_load_demo_if_empty_skips_a_filled_catalogue(runner, make_example):
    make_example()
    result = runner.invoke(args=["load-demo", "--if-empty"])
    assert result.exit_code == 0
    assert "démo non chargée" in result.output


def test_demo_states_give_moderators_work(app, demo):
    with app.app_context():
        states = dict(db.session.execute(
            sa.select(Example.state, sa.func.count()).group_by(Example.state)).all())
        assert states["published"] >= 55
        assert states["pending"] >= 3
        assert states["changes_requested"] == 1
        assert states["rejected"] == 1
        asked = db.session.scalar(sa.select(ModerationEvent).where(
            ModerationEvent.to_state == "changes_requested"))
        assert asked.comment


def test_import_json_array(app, runner, record, tmp_path):
    path = write_json(tmp_path / "in.json", [record(), record(title="Un second exemple")])
    result = runner.invoke(args=["import", path])
    assert result.exit_code == 0, result.output
    assert "2 exemple(s) importé(s)" in result.output
    with app.app_context():
        examples = db.session.scalars(sa.select(Example).order_by(Example.id)).all()
        assert [e.state for e in examples] == ["published", "published"]
        assert examples[0].partners[1].name == "Ville de Rennes"
        assert examples[0].published_at is not None
        assert examples[0].events[0].action == "import"


def test_import_json_lines_as_pending(app, runner, record, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [record(), record(title="Autre")]) + "\n")
    result = runner.invoke(args=["import", str(path), "--state", "pending"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert set(db.session.scalars(sa.select(Example.state))) == {"pending"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"objectives": ["inconnu"]}, "objectifs : code(s) inconnu(s) inconnu"),
        ({"objectives": []}, "objectifs : entre un et quatre"),
        ({"regions": ["11"], "departements": ["35"]}, "départements hors des régions choisies : 35"),
        ({"title": ""}, "titre : obligatoire"),
        ({"title": "x" * 201}, "titre : 201 caractères, 200 au plus"),
        ({"summary": "x" * 601}, "résumé : 601 caractères, 600 au plus"),
        ({"description": "x" * 10_001}, "description : 10001 caractères, 10000 au plus"),
        ({"partners": [{"name": "Seul", "kind": "association", "role": ""}]}, "partenaires : entre 2 et 12"),
        ({"partners": [{"name": "A", "kind": "ovni"}, {"name": "B", "kind": "autre"}]},
         "partenaire 1 : type inconnu"),
        ({"scale": "galactique"}, "échelle : obligatoire"),
        ({"start_year": 1900}, "année de lancement : entre 1950"),
        ({"start_year": "2019"}, "année de lancement : un nombre entier est attendu"),
        ({"website": "javascript:alert(1)"}, "site web : une adresse http:// ou https:// est attendue"),
        ({"odd": [18]}, "ODD : code(s) inconnu(s) 18"),
        ({"colour": "bleu"}, "champ inconnu « colour »"),
        ({"themes": "sante"}, "thématiques : une liste est attendue"),
        ({"language": "de"}, "langue inconnue « de »"),
        ({"language": ["fr"]}, "langue inconnue « ['fr'] »"),
    ],
)
def test_import_refuses_a_bad_record_and_imports_nothing(app, runner, record, tmp_path, overrides, message):
    path = write_json(tmp_path / "in.json", [record(), record(**{"title": "Deux", **overrides})])
    result = runner.invoke(args=["import", path])
    assert result.exit_code != 0
    assert "enregistrement 2 : " + message in result.output
    assert "rien n’a été importé" in result.output
    assert count(app, Example) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{", "JSON invalide, ligne 1"),
        ("", "fichier vide"),
        ('{"title": "a"}\nnot json\n', "ligne 2 : JSON invalide"),
        ("[1, \"two\"]", "enregistrement 1 : un objet JSON est attendu"),
    ],
)
def test_import_refuses_a_bad_file(app, runner, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0
    assert message in result.output
    assert count(app, Example) == 0


def test_import_missing_file(runner, tmp_path):
    result = runner.invoke(args=["import", str(tmp_path / "absent.json")])
    assert result.exit_code != 0
    assert "fichier introuvable" in result.output


def test_departement_alone_adds_its_region(app, runner, record, tmp_path):
    path = write_json(tmp_path / "in.json", [record(regions=[], departements=["2A", "974"])])
    assert runner.invoke(args=["import", path]).exit_code == 0
    with app.app_context():
        example = db.session.scalar(sa.select(Example))
        assert example.regions == ["94", "04"]


def test_export_then_import_gives_an_identical_catalogue(app, runner, demo, tmp_path, make_app):
    with app.app_context():  # one contributor wrote in English: their mails must stay so
        first = db.session.scalar(sa.select(sa.func.min(Example.id)))
        db.session.execute(sa.update(Example).where(Example.id == first).values(language="en"))
        db.session.commit()
    backup = tmp_path / "backup.json"
    result = runner.invoke(args=["export", str(backup)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        before = [backup_record(e) for e in db.session.scalars(sa.select(Example).order_by(Example.id))]

    other = make_app()
    restore = other.test_cli_runner().invoke(args=["import", str(backup)])
    assert restore.exit_code == 0, restore.output
    with other.app_context():
        after = [backup_record(e) for e in db.session.scalars(sa.select(Example).order_by(Example.id))]
    assert len(after) == len(before) == len(demo)
    assert before[0]["language"] == "en"
    for old, new in zip(before, after, strict=True):
        assert new == old


def test_a_backup_keeps_owners_updates_and_visitors_reports(app, runner, make_example, make_user,
                                                             tmp_path, make_app):
    """Restoring a backup must not lose an update waiting for moderation, nor a report."""
    example = make_example()
    moderator = make_user()
    with app.app_context():
        revision_data = {**public_record(db.session.get(Example, example.id)),
                         "results": "Trente tonnes d’objets réemployés."}
        db.session.add_all([
            Revision(example_id=example.id, data=revision_data, note="Les chiffres de 2026."),
            Report(example_id=example.id, message="Le site web a changé.",
                   email="visiteur@example.org"),
            Report(example_id=example.id, message="Coquille dans le titre.", state="fixed",
                   handled_by_id=moderator.id, handled_at=utcnow(), answer="Corrigé, merci."),
        ])
        db.session.commit()
        before = snapshot_records()
    backup = tmp_path / "backup.json"
    assert runner.invoke(args=["export", str(backup)]).exit_code == 0
    [saved] = json.loads(backup.read_text())["examples"]
    assert [r["state"] for r in saved["revisions"]] == ["pending"]
    assert [r["state"] for r in saved["reports"]] == ["open", "fixed"]

    other = make_app()
    with other.app_context():  # the same moderator account exists where the backup is restored
        user = User(email="modo@example.org", role="moderator")
        user.set_password("correct horse battery")
        db.session.add(user)
        db.session.commit()
    restore = other.test_cli_runner().invoke(args=["import", str(backup)])
    assert restore.exit_code == 0, restore.output
    with other.app_context():
        assert snapshot_records() == before
        [revision] = db.session.scalars(sa.select(Revision)).all()
        assert revision.example.slug == example.slug and revision.state == "pending"


def test_a_backup_with_unknown_report_states_is_refused(app, runner, tmp_path, record):
    bad = {**record(), "state": "published", "history": [],
           "reports": [{"message": "?", "state": "lost"}], "revisions": "not a list"}
    result = runner.invoke(args=["import", write_json(tmp_path / "bad.json", [bad])])
    assert result.exit_code != 0
    assert "reports.state" in result.output and "revisions" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Example.id))) == 0
