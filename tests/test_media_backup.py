"""Backups carry pictures and documents: files beside the JSON, restored byte for byte."""

from __future__ import annotations

import hashlib
import json

import sqlalchemy as sa
from media_samples import pdf, photo, png_with_alpha

from catalogue import media as media_store
from catalogue.extensions import db
from catalogue.models import Example, Media, MediaFile, Organisation, Revision


def stored(app) -> list[tuple]:
    """Return every media with its owner's slug and its files' bytes, in a stable order."""
    with app.app_context():
        rows = []
        for media in db.session.scalars(sa.select(Media).order_by(Media.kind, Media.position,
                                                                  Media.title)):
            owner = (media.example_id and db.session.get(Example, media.example_id).slug,
                     media.organisation_id and db.session.get(Organisation,
                                                              media.organisation_id).slug,
                     media.revision_id is not None)
            rows.append((owner, media.kind, media.position, media.alt, media.credit,
                         media.licence, media.title, media.width, media.height,
                         media.created_at,
                         [(f.mime, f.width, f.height, f.size, f.sha256, bytes(f.data))
                          for f in media.files]))
        return rows


def test_a_backup_restores_pictures_documents_and_logos_byte_for_byte(
        app, runner, make_example, make_app, tmp_path):
    example_id = make_example().id
    with app.app_context():
        example = db.session.get(Example, example_id)
        media_store.store_image(photo((900, 600)), "photo", example_id=example_id, position=0,
                                alt="Des enfants arrosent le potager.", credit="Ville de Rennes",
                                licence="CC-BY-4.0")
        media_store.store_image(photo((640, 800)), "photo", example_id=example_id, position=1,
                                alt="Le jardin en hiver.")
        media_store.store_document(pdf(2), "Bilan 2024", example_id=example_id)
        city = example.partners[1].organisation
        media_store.store_image(png_with_alpha((400, 300)), "logo", organisation_id=city.id,
                                alt="Logo de la Ville de Rennes")
        revision = Revision(example_id=example_id, data={}, note="Une photo de plus.")
        db.session.add(revision)
        db.session.flush()
        media_store.store_image(photo((700, 700)), "photo", revision_id=revision.id,
                                alt="La récolte.")
        db.session.commit()
    before = stored(app)
    assert len(before) == 5

    backup = tmp_path / "out" / "backup.json"
    result = runner.invoke(args=["export", str(backup)])
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out" / "backup.json.files").iterdir())
    saved = json.loads(backup.read_text(encoding="utf-8"))
    hashes = {f["sha256"] for m in saved["media"] for f in m["files"]}
    assert {path.name for path in files} == hashes
    assert all(hashlib.sha256(path.read_bytes()).hexdigest() == path.name for path in files)
    assert {m["alt"] for m in saved["media"]} >= {"Des enfants arrosent le potager.", "La récolte."}
    # A second export rewrites nothing: the same names hold the same bytes.
    stamps = {path.name: path.stat().st_mtime_ns for path in files}
    assert runner.invoke(args=["export", str(backup)]).exit_code == 0
    assert {p.name: p.stat().st_mtime_ns for p in files} == stamps

    other = make_app()
    restore = other.test_cli_runner().invoke(args=["import", str(backup)])
    assert restore.exit_code == 0, restore.output
    assert "5 image(s) et document(s) restauré(s)" in restore.output
    assert stored(other) == before


def test_a_backup_whose_file_is_missing_or_altered_is_refused(app, runner, make_example,
                                                             make_app, tmp_path):
    example_id = make_example().id
    with app.app_context():
        media_store.store_document(pdf(1), "Convention", example_id=example_id)
        db.session.commit()
    backup = tmp_path / "backup.json"
    assert runner.invoke(args=["export", str(backup)]).exit_code == 0
    [path] = (tmp_path / "backup.json.files").iterdir()
    path.write_bytes(path.read_bytes() + b"%")
    other = make_app()
    result = other.test_cli_runner().invoke(args=["import", str(backup)])
    assert result.exit_code != 0
    assert f"média 1 : le fichier {path.name} ne correspond pas à son empreinte" in result.output
    path.unlink()
    result = other.test_cli_runner().invoke(args=["import", str(backup)])
    assert f"média 1 : fichier absent de backup.json.files : {path.name}" in result.output
    with other.app_context():
        assert db.session.scalar(sa.select(sa.func.count(MediaFile.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Example.id))) == 0
