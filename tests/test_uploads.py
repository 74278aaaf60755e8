"""Photos and documents sent with the submission form: kept between tries, one transaction,
French messages next to the field, the request-size limit raised for these forms only."""

from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from helpers import error_for, form_data, hidden
from PIL import Image
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from catalogue.extensions import db
from catalogue.models import Example, Media


def jpeg(width: int = 1200, height: int = 800, color=(40, 120, 80)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def pdf() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(buffer, "PDF")
    return buffer.getvalue()


def upload(data: bytes, name: str):
    return (io.BytesIO(data), name)


def post(client, files: dict | None = None, **overrides):
    data = form_data(**overrides)
    data.update(files or {})
    return client.post("/proposer", data=data, content_type="multipart/form-data")


def staged(app) -> list[Media]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Media).where(Media.example_id.is_(None))))


def test_the_form_asks_for_photos_and_documents(client):
    html = client.get("/proposer").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html
    assert "Photos et documents" in html
    assert 'name="photos-0-file"' in html and 'accept="image/jpeg,image/png,image/webp"' in html
    assert 'name="documents-2-file"' in html and 'accept="application/pdf,.pdf"' in html
    assert "JPEG, PNG ou WebP, 10 Mo au plus." in html
    assert "Photo de couverture" in html
    assert 'name="photos-4-alt"' in html and 'name="photos-5-alt"' not in html
    assert "Tous droits réservés, avec autorisation" in html and ">CC BY-SA<" in html


def test_a_submission_with_photos_and_a_document(app, client):
    response = post(client, {
        "photos-0-file": upload(jpeg(), "couverture.jpg"),
        "photos-0-alt": "Des élèves arrosent les tomates du potager",
        "photos-0-credit": "Photo : Camille Martin",
        "photos-0-licence": "cc-by",
        "photos-2-file": upload(jpeg(800, 800, (200, 40, 40)), "récolte.jpg"),
        "photos-2-alt": "La récolte de courges",
        "photos-2-licence": "autorisation",
        "documents-0-file": upload(pdf(), "bilan.pdf"),
        "documents-0-title": "Bilan 2023",
    })
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        example = db.session.scalar(sa.select(Example))
        photos = [m for m in example.media if m.kind == "photo"]
        documents = [m for m in example.media if m.kind == "document"]
        assert [(p.position, p.alt, p.credit, p.licence) for p in photos] == [
            (0, "Des élèves arrosent les tomates du potager", "Photo : Camille Martin", "cc-by"),
            (1, "La récolte de courges", "", "autorisation"),
        ]
        assert photos[0].width == 1200 or photos[0].width < 1200  # re-encoded derivatives
        assert all(f.mime in ("image/jpeg", "image/webp") for f in photos[0].files)
        assert [(d.title, d.files[0].mime) for d in documents] == [("Bilan 2023",
                                                                   "application/pdf")]
    assert staged(app) == []


def test_a_refused_file_is_said_next_to_its_field_and_nothing_is_stored(app, client):
    response = post(client, {
        "photos-0-file": upload(b"<svg xmlns='http://www.w3.org/2000/svg'/>", "logo.svg"),
        "photos-0-alt": "Un logo",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_for(html, "photos-0-file")
    assert hidden(html, "title") == form_data()["title"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Example.id))) == 0


def test_files_accepted_are_kept_when_another_field_is_wrong(app, client):
    response = post(client, {
        "photos-0-file": upload(jpeg(), "couverture.jpg"),
        "photos-0-alt": "Le potager au printemps",
        "documents-0-file": upload(pdf(), "bilan.pdf"),
        "documents-0-title": "Bilan",
    }, summary="")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_for(html, "summary")
    photo_token, document_token = hidden(html, "photos-0-staged"), hidden(html, "documents-0-staged")
    assert photo_token and document_token
    assert "Photo reçue" in html and "Document reçu" in html
    thumbnail = re.search(r'<img src="(/proposer/fichier/[^"]+)"', html).group(1)
    shown = client.get(thumbnail)
    assert shown.status_code == 200 and shown.mimetype == "image/jpeg"
    assert len(staged(app)) == 2
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Example.id))) == 0

    # Corrected, sent again without the files: the example gets them.
    response = post(client, {
        "photos-0-staged": photo_token, "photos-0-alt": "Le potager au printemps",
        "documents-0-staged": document_token, "documents-0-title": "Bilan",
    })
    assert response.status_code == 302
    assert staged(app) == []
    with app.app_context():
        example = db.session.scalar(sa.select(Example))
        assert sorted(m.kind for m in example.media) == ["document", "photo"]
    # The token names a media that now belongs to an example: it opens nothing any more.
    assert client.get(thumbnail).status_code == 404


def test_a_photo_needs_its_alternative_text_and_is_kept_meanwhile(app, client):
    response = post(client, {"photos-0-file": upload(jpeg(), "a.jpg")})
    html = response.get_data(as_text=True)
    assert error_for(html, "photos-0-alt") == "Décrivez ce que montre la photo (texte alternatif)."
    assert hidden(html, "photos-0-staged")


def test_a_kept_file_can_be_removed(app, client):
    html = post(client, {"photos-0-file": upload(jpeg(), "a.jpg")}).get_data(as_text=True)
    token = hidden(html, "photos-0-staged")
    response = post(client, {"photos-0-staged": token, "photos-0-remove": "y"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 0


def test_a_forged_token_opens_nothing(app, client):
    response = post(client, {"photos-0-staged": "1.forged", "photos-0-alt": "Texte"})
    html = response.get_data(as_text=True)
    assert error_for(html, "photos-0-file") == (
        "Choisissez le fichier, ou videz les champs de cette ligne.")
    assert client.get("/proposer/fichier/1.forged").status_code == 404


def post_bytes(client, url: str, values: dict):
    """Post a multipart body made in memory (the test client would spool a large one to a
    temporary file that a refused request leaves open)."""
    values = {k: FileStorage(io.BytesIO(v[0]), v[1]) if isinstance(v, tuple) else v
              for k, v in values.items()}
    boundary, body = encode_multipart(MultiDict(values))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_too_large_a_request_gets_a_french_413(make_app):
    app = make_app(UPLOAD_MAX_CONTENT_LENGTH=2 * 1024 * 1024)
    client = app.test_client()
    data = form_data()
    data["photos-0-file"] = (b"\xff" * (3 * 1024 * 1024), "grande.jpg")
    response = post_bytes(client, "/proposer", data)
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.get_data(as_text=True)


def test_the_larger_limit_is_for_the_forms_with_files_only(client):
    big = {"title": "x" * 100, "photo": (b"\xff" * (1024 * 1024), "a.jpg")}
    response = post_bytes(client, "/connexion", big)
    assert response.status_code == 413
    # A file under the small limit to a form that takes none: refused, not read.
    small = {"email": "a@example.org", "photo": upload(b"x" * 100, "a.jpg")}
    response = client.post("/connexion", data=small, content_type="multipart/form-data")
    assert response.status_code == 400


@pytest.mark.parametrize("field", ["photos-0-file", "documents-0-file"])
def test_files_wait_for_the_csrf_token(make_app, field):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    client.get("/proposer")
    data = form_data()
    data[field] = upload(jpeg() if field.startswith("photos") else pdf(), "f")
    response = client.post("/proposer", data=data, content_type="multipart/form-data")
    assert response.status_code == 200  # the form again, asking to send it once more
    assert staged(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Example.id))) == 0


def test_the_review_page_shows_the_photos_and_documents_sent(app, client, make_user, auth):
    post(client, {
        "photos-0-file": upload(jpeg(), "couverture.jpg"),
        "photos-0-alt": "Des élèves arrosent les tomates",
        "photos-0-credit": "Photo : Camille Martin",
        "photos-0-licence": "cc-by-sa",
        "documents-0-file": upload(pdf(), "bilan.pdf"),
        "documents-0-title": "Bilan 2023",
    })
    with app.app_context():
        example_id = db.session.scalar(sa.select(Example.id))
    make_user()
    auth.login()
    html = client.get(f"/moderation/exemples/{example_id}").get_data(as_text=True)
    assert 'alt="Des élèves arrosent les tomates"' in html
    assert "Photo : Camille Martin" in html and "CC BY-SA" in html
    image = re.search(r'<img src="(/medias/[0-9a-f]{64}\.jpg)" width="\d+" height="\d+"', html)
    assert image
    with client.get(image.group(1)) as response:
        assert response.status_code == 200
    document = re.search(r'<a href="(/medias/[0-9a-f]{64}\.pdf)">Bilan 2023</a>', html)
    assert document
    with client.get(document.group(1)) as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
    # Not published yet: the public sees nothing.
    auth.logout()
    with client.get(image.group(1)) as response:
        assert response.status_code == 404
