"""Serving stored files: headers, who may see what, and each host's disk cache."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from media_samples import pdf, photo, png_with_alpha

from catalogue import media
from catalogue.extensions import db
from catalogue.models import Example, MediaFile, Organisation, Partner, Revision

PUBLIC_CACHE = "public, max-age=31536000, immutable"


def get(client, url: str, **kwargs):
    """GET a URL and close the response (a file served from disk is open until then)."""
    with client.get(url, **kwargs) as response:
        response.get_data()
    return response


def attach(app, *, example_id=None, organisation_id=None, revision_id=None, document=False):
    """Store a photo (or a PDF) for an owner; return {mime or width: url}, and the urls' hashes."""
    with app.test_request_context():
        owner = {"example_id": example_id, "organisation_id": organisation_id,
                 "revision_id": revision_id}
        if document:
            stored = media.store_document(pdf(2), "Rapport d’évaluation 2024 (version finale)",
                                          **owner)
        elif organisation_id:
            stored = media.store_image(png_with_alpha((700, 500)), "logo", **owner)
        else:
            stored = media.store_image(photo((1000, 700)), "photo", alt="Le jardin", **owner)
        db.session.commit()
        return [(media.file_url(f), f.sha256, f.data) for f in stored.files]


@pytest.fixture
def published(make_example):
    return make_example("published")


def test_a_published_examples_file_is_served_for_ever(app, client, published):
    for url, sha256, data in attach(app, example_id=published.id):
        response = get(client, url)
        assert response.status_code == 200
        assert response.data == data
        assert response.headers["ETag"] == f'"{sha256}"'
        assert response.headers["Cache-Control"] == PUBLIC_CACHE
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.mimetype == ("image/webp" if url.endswith(".webp") else "image/jpeg")
        assert "img-src 'self'" in response.headers["Content-Security-Policy"]
        again = get(client, url, headers={"If-None-Match": f'"{sha256}"'})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == f'"{sha256}"'
        assert again.headers["Cache-Control"] == PUBLIC_CACHE


def test_a_document_is_served_as_an_attachment(app, client, published):
    [(url, sha256, data)] = attach(app, example_id=published.id, document=True)
    assert url == f"/medias/{sha256}.pdf"
    response = get(client, url)
    assert (response.status_code, response.mimetype, response.data) == (200, "application/pdf", data)
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="rapport-devaluation-2024-version-finale.pdf"')


@pytest.mark.parametrize("state", ["pending", "changes_requested", "rejected", "archived", "withdrawn"])
def test_unpublished_examples_files_are_404_for_the_public_and_seen_by_moderators(
        app, client, make_example, make_user, auth, state):
    example = make_example("pending")
    with app.app_context():
        db.session.execute(sa.update(Example).where(Example.id == example.id).values(state=state))
        db.session.commit()
    files = attach(app, example_id=example.id)
    for url, sha256, _ in files:
        response = get(client, url)
        assert response.status_code == 404, url
        assert response.headers["Cache-Control"] == "no-store"
        # Knowing the hash opens nothing either.
        assert get(client, url, headers={"If-None-Match": f'"{sha256}"'}).status_code == 404
    make_user()
    auth.login()
    for url, _, data in files:
        response = get(client, url)
        assert (response.status_code, response.data) == (200, data)
        assert response.headers["Cache-Control"] == "private, no-store"


def test_a_pending_revisions_files_are_404_for_the_public(app, client, published, record):
    with app.app_context():
        revision = Revision(example_id=published.id, data=record(title="Mise à jour"))
        db.session.add(revision)
        db.session.commit()
        revision_id = revision.id
    for url, _, _ in attach(app, revision_id=revision_id):
        assert get(client, url).status_code == 404


def test_a_logo_is_public_once_its_organisation_partners_in_a_published_example(
        app, client, published, make_example):
    pending = make_example("pending", title="Une proposition en attente")
    with app.app_context():
        organisation = Organisation(slug="ville-de-lyon", name="Ville de Lyon", key="ville de lyon",
                                    kind="collectivite")
        db.session.add(organisation)
        db.session.flush()
        partner = db.session.scalars(sa.select(Partner).where(Partner.example_id == pending.id)).first()
        partner.organisation_id = organisation.id
        db.session.commit()
        organisation_id = organisation.id
    files = attach(app, organisation_id=organisation_id)
    assert all(get(client, url).status_code == 404 for url, _, _ in files)
    with app.app_context():
        partner = db.session.scalars(sa.select(Partner).where(Partner.example_id == published.id)).first()
        partner.organisation_id = organisation_id
        db.session.commit()
    for url, _, data in files:
        response = get(client, url)
        assert (response.status_code, response.data) == (200, data)
        assert response.headers["Cache-Control"] == PUBLIC_CACHE


def test_unknown_and_odd_names_are_404(app, client, published):
    [(url, sha256, _), *_] = attach(app, example_id=published.id)
    other_ext = url.rsplit(".", 1)[0] + (".webp" if url.endswith(".jpg") else ".jpg")
    for bad in (other_ext, f"/medias/{sha256}.png", f"/medias/{sha256}.pdf",
                f"/medias/{sha256.upper()}.jpg", f"/medias/{'0' * 64}.jpg", "/medias/abc.jpg",
                f"/medias/{sha256[:-1]}g.jpg", f"/medias/{sha256}.jpg.exe"):
        assert get(client, bad).status_code == 404, bad


def test_a_served_file_is_kept_in_the_cache_and_served_from_there(app, client, published):
    [(url, sha256, data), *_] = attach(app, example_id=published.id)
    cached = Path(app.instance_path) / "media-cache" / sha256[:2] / url.rsplit("/", 1)[1]
    assert not cached.exists()
    assert get(client, url).data == data
    assert cached.read_bytes() == data
    assert [p.name for p in cached.parent.iterdir()] == [cached.name]  # no temporary file left
    # Served from the copy now: the database is not read for the content any more.
    with app.app_context():
        db.session.execute(sa.update(MediaFile).where(MediaFile.sha256 == sha256)
                           .values(data=b"\0" * len(data)))
        db.session.commit()
    assert get(client, url).data == data
    # A copy of the wrong size (a crash while another tool wrote it) is replaced.
    cached.write_bytes(b"partial")
    assert get(client, url).data == b"\0" * len(data)


def test_a_file_gone_from_the_database_is_404_even_when_cached(app, client, published):
    [(url, sha256, data), *_] = attach(app, example_id=published.id)
    assert get(client, url).status_code == 200
    with app.app_context():
        db.session.execute(sa.delete(MediaFile).where(MediaFile.sha256 == sha256))
        db.session.commit()
    assert get(client, url).status_code == 404


def test_two_hosts_on_one_database_serve_the_same_files_from_their_own_caches(
        app, make_app, tmp_path, published):
    other = make_app(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
                     MEDIA_CACHE_DIR=str(tmp_path / "host-b-cache"), SECRET_KEY="test-secret-key",
                     INDEX_DIR=str(tmp_path / "host-b-index"), TESTING=True,
                     RATELIMIT_ENABLED=False, BASE_URL="http://localhost")
    files = attach(app, example_id=published.id)
    for url, _, data in files:
        assert get(other.test_client(), url).data == data
        assert get(app.test_client(), url).data == data
    host_a = {p.name for p in (Path(app.instance_path) / "media-cache").rglob("*") if p.is_file()}
    host_b = {p.name for p in (tmp_path / "host-b-cache").rglob("*") if p.is_file()}
    assert host_a == host_b == {url.rsplit("/", 1)[1] for url, _, _ in files}


def test_an_unwritable_cache_still_serves_the_file(app, client, published, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    app.config["MEDIA_CACHE_DIR"] = str(blocker)
    [(url, _, data), *_] = attach(app, example_id=published.id)
    response = get(client, url)
    assert (response.status_code, response.data) == (200, data)


def test_a_public_file_carries_no_cookie_even_for_a_moderator(app, client, published, make_user,
                                                              auth):
    make_user()
    auth.login()
    for url, _, data in attach(app, example_id=published.id):
        response = get(client, url)
        assert (response.status_code, response.data) == (200, data)
        assert response.headers["Cache-Control"] == PUBLIC_CACHE
        assert "Set-Cookie" not in response.headers


def test_pruning_the_cache_deletes_copies_of_files_gone_and_stale_temporary_files(
        app, client, published, runner):
    files = attach(app, example_id=published.id)
    for url, _, _ in files:
        get(client, url)
    folder = Path(app.instance_path) / "media-cache"
    [(_, gone_sha256, _), *kept] = files
    with app.app_context():
        db.session.execute(sa.delete(MediaFile).where(MediaFile.sha256 == gone_sha256))
        db.session.commit()
    stale = folder / gone_sha256[:2] / ".part-crashed"
    stale.write_bytes(b"half")
    os.utime(stale, (0, 0))
    fresh = folder / gone_sha256[:2] / ".part-being-written"
    fresh.write_bytes(b"half")
    result = runner.invoke(args=["prune-media-cache"])
    assert result.exit_code == 0, result.output
    assert f"2 file(s) deleted, {len(kept) + 1} kept" in result.output
    left = {p.name for p in folder.rglob("*") if p.is_file()}
    assert left == {url.rsplit("/", 1)[1] for url, _, _ in kept} | {fresh.name}
