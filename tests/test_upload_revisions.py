"""Photos and documents in an owner's update: new files wait with the revision, removals and
new texts apply only when a moderator approves it."""

from __future__ import annotations

import time
from contextlib import contextmanager
from types import SimpleNamespace

import itsdangerous.timed
import sqlalchemy as sa
from helpers import PASSWORD, body, error_for, form_data, hidden, links, outbox, path_of
from test_uploads import jpeg, pdf, upload

from catalogue import attachments
from catalogue.extensions import db
from catalogue.models import Example, Media, Organisation, Revision


def media_of(app) -> list[tuple]:
    with app.app_context():
        example = db.session.scalar(sa.select(Example))
        return [(m.kind, m.position, m.alt or m.title) for m in example.media]


def test_an_update_changes_the_photos_only_once_approved(app, make_user):
    make_user()
    owner = app.test_client()
    data = form_data()
    data.update({
        "photos-0-file": upload(jpeg(), "a.jpg"), "photos-0-alt": "Le potager en mai",
        "documents-0-file": upload(pdf(), "bilan.pdf"), "documents-0-title": "Bilan",
    })
    assert owner.post("/proposer", data=data, content_type="multipart/form-data").status_code == 302
    [link] = [path_of(u) for u in links(body(outbox(app)[0])) if "/proposer/suivi/" in u]
    moderator = app.test_client()
    moderator.post("/connexion", data={"email": "modo@example.org", "password": PASSWORD})
    with app.app_context():
        example = db.session.scalar(sa.select(Example))
        example_id, version = example.id, example.version
    moderator.post(f"/moderation/exemples/{example_id}/decision",
                   data={"action": "approve", "version": version})
    published = [("document", 0, "Bilan"), ("photo", 0, "Le potager en mai")]
    assert media_of(app) == published

    # The form shows the published files; the owner removes the photo, adds another, renames
    # the document.
    html = owner.get(link + "/mise-a-jour").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html, html[html.index("<main"):][:3000]
    photo, document = hidden(html, "photos-0-staged"), hidden(html, "documents-0-staged")
    assert photo and document and 'value="Le potager en mai"' in html
    data = form_data()
    data.update({
        "photos-0-staged": photo, "photos-0-alt": "Le potager en mai", "photos-0-remove": "y",
        "photos-1-file": upload(jpeg(640, 480, (10, 10, 200)), "b.jpg"),
        "photos-1-alt": "La récolte d’octobre", "photos-1-licence": "cc0",
        "documents-0-staged": document, "documents-0-title": "Bilan révisé",
    })
    response = owner.post(link + "/mise-a-jour", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    assert media_of(app) == published  # nothing changes before the decision
    with app.app_context():
        revision = db.session.scalar(sa.select(Revision))
        waiting = list(db.session.scalars(sa.select(Media).where(Media.revision_id == revision.id)))
        assert [(m.kind, m.width) for m in waiting] == [("photo", 640)]
        revision_id = revision.id

    # Back on the form, the proposal is what it shows.
    html = owner.get(link + "/mise-a-jour").get_data(as_text=True)
    assert 'value="La récolte d’octobre"' in html and 'value="Bilan révisé"' in html
    assert 'value="Le potager en mai"' not in html

    page = moderator.get(f"/moderation/mises-a-jour/{revision_id}").get_data(as_text=True)
    assert "Photos et documents proposés" in page
    assert 'alt="La récolte d’octobre"' in page and "Bilan révisé" in page
    assert "Le potager en mai" not in page
    version = int(hidden(page, "version"))
    response = moderator.post(f"/moderation/mises-a-jour/{revision_id}/decision",
                              data={"action": "approve_update", "comment": "", "version": version})
    assert response.status_code == 302
    assert media_of(app) == [("document", 0, "Bilan révisé"), ("photo", 0, "La récolte d’octobre")]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 2
        assert db.session.scalar(sa.select(Media).where(Media.kind == "photo")).licence == "cc0"


def test_a_moderator_adds_edits_and_removes_photos_and_documents(app, make_user, make_example):
    example = make_example(state="published")
    make_user()
    moderator = app.test_client()
    moderator.post("/connexion", data={"email": "modo@example.org", "password": PASSWORD})
    url = f"/moderation/exemples/{example.id}/modifier"

    def send(page: str, **fields):
        data = form_data(version=hidden(page, "version"))
        data.pop("terms")
        data.update(fields)
        return moderator.post(url, data=data, content_type="multipart/form-data")

    page = moderator.get(url).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    response = send(page, **{
        "photos-0-file": upload(jpeg(), "a.jpg"), "photos-0-alt": "Le verger",
        "documents-0-file": upload(pdf(), "b.pdf"), "documents-0-title": "Rapport",
    })
    assert response.status_code == 302
    assert media_of(app) == [("document", 0, "Rapport"), ("photo", 0, "Le verger")]

    page = moderator.get(url).get_data(as_text=True)
    response = send(page, **{
        "photos-0-staged": hidden(page, "photos-0-staged"), "photos-0-alt": "Le verger en fleurs",
        "documents-0-staged": hidden(page, "documents-0-staged"), "documents-0-remove": "y",
    })
    assert response.status_code == 302
    assert media_of(app) == [("photo", 0, "Le verger en fleurs")]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 1

    # A refused file: the edit is not saved, the message is next to the field.
    page = moderator.get(url).get_data(as_text=True)
    response = send(page, **{"photos-0-staged": hidden(page, "photos-0-staged"),
                             "photos-0-alt": "Le verger en fleurs",
                             "photos-1-file": upload(b"GIF89a....", "c.gif"),
                             "photos-1-alt": "Une image animée"})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "photos-1-file")
    assert media_of(app) == [("photo", 0, "Le verger en fleurs")]


@contextmanager
def two_days_ago(monkeypatch):
    """Sign tokens as if it were two days ago."""
    with monkeypatch.context() as patch:
        patch.setattr(itsdangerous.timed, "time",
                      SimpleNamespace(time=lambda: time.time() - 2 * 86400))
        yield


def test_an_edit_form_left_open_overnight_keeps_the_examples_photos(app, make_user, make_example,
                                                                      monkeypatch):
    example = make_example(state="published")
    make_user()
    moderator = app.test_client()
    moderator.post("/connexion", data={"email": "modo@example.org", "password": PASSWORD})
    url = f"/moderation/exemples/{example.id}/modifier"
    data = form_data(version=hidden(moderator.get(url).get_data(as_text=True), "version"))
    data.pop("terms")
    sent = moderator.post(url, data={**data, "photos-0-file": upload(jpeg(), "a.jpg"),
                                     "photos-0-alt": "Le verger"},
                          content_type="multipart/form-data")
    assert sent.status_code == 302

    # The form is opened, then sent two days later: its photo's token is two days old.
    page = moderator.get(url).get_data(as_text=True)
    with app.test_request_context(), two_days_ago(monkeypatch):
        old_token = attachments.token_for(db.session.scalar(sa.select(Media)))
    data = form_data(version=hidden(page, "version"))
    data.pop("terms")
    sent = moderator.post(url, data={**data, "photos-0-staged": old_token,
                                     "photos-0-alt": "Le verger en fleurs",
                                     "photos-1-file": upload(jpeg(640, 480), "b.jpg"),
                                     "photos-1-alt": "La cueillette"},
                          content_type="multipart/form-data")
    assert sent.status_code == 302
    assert media_of(app) == [("photo", 0, "Le verger en fleurs"), ("photo", 1, "La cueillette")]


def test_a_file_staged_more_than_a_day_ago_is_not_taken(app, client, monkeypatch):
    page = client.post("/proposer", data={**form_data(), "summary": "",
                                          "photos-0-file": upload(jpeg(), "a.jpg"),
                                          "photos-0-alt": "Le verger"},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert hidden(page, "photos-0-staged")
    with app.test_request_context(), two_days_ago(monkeypatch):
        old_token = attachments.token_for(db.session.scalar(sa.select(Media)))
    response = client.post("/proposer", data={**form_data(), "photos-0-staged": old_token,
                                              "photos-0-alt": "Le verger"},
                           content_type="multipart/form-data")
    assert response.status_code == 200
    assert error_for(response.get_data(as_text=True), "photos-0-file") == (
        "Choisissez le fichier, ou videz les champs de cette ligne.")


def test_a_moderator_gives_an_organisation_a_logo_then_removes_it(app, make_user, make_example):
    make_example(state="published")
    make_user()
    moderator = app.test_client()
    moderator.post("/connexion", data={"email": "modo@example.org", "password": PASSWORD})
    with app.app_context():
        organisation = db.session.scalar(sa.select(Organisation).order_by(Organisation.id))
        url = f"/moderation/organisations/{organisation.id}"
        fields = {"name": organisation.name, "kind": organisation.kind}

    def logos() -> list[str]:
        with app.app_context():
            return [m.alt for m in db.session.scalars(
                sa.select(Media).where(Media.organisation_id == organisation.id))]

    page = moderator.get(url).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'name="logo"' in page
    refused = moderator.post(url, data={**fields, "logo": upload(b"<svg/>", "logo.svg")},
                             content_type="multipart/form-data")
    assert refused.status_code == 400 and error_for(refused.get_data(as_text=True), "logo")
    assert logos() == []
    sent = moderator.post(url, data={**fields, "logo": upload(jpeg(400, 200), "logo.png")},
                          content_type="multipart/form-data")
    assert sent.status_code == 302 and logos() == [organisation.name]
    again = moderator.post(url, data={**fields, "logo": upload(jpeg(300, 300), "logo2.png")},
                           content_type="multipart/form-data")
    assert again.status_code == 302 and len(logos()) == 1  # replaced
    page = moderator.get(url).get_data(as_text=True)
    assert 'name="remove_logo"' in page and "Logo actuel" in page
    assert '<picture class="logo">' in page and 'width="300"' in page
    removed = moderator.post(url, data={**fields, "remove_logo": "y"},
                             content_type="multipart/form-data")
    assert removed.status_code == 302 and logos() == []


def test_a_proposal_sent_back_for_changes_gets_its_photos_corrected(app, make_user):
    make_user()
    owner = app.test_client()
    data = form_data()
    data.update({"photos-0-file": upload(jpeg(), "a.jpg"), "photos-0-alt": "Le potager en mai"})
    assert owner.post("/proposer", data=data, content_type="multipart/form-data").status_code == 302
    moderator = app.test_client()
    moderator.post("/connexion", data={"email": "modo@example.org", "password": PASSWORD})
    with app.app_context():
        example = db.session.scalar(sa.select(Example))
        example_id, version = example.id, example.version
    response = moderator.post(f"/moderation/exemples/{example_id}/decision", data={
        "action": "request_changes", "version": version,
        "comment": "Ajoutez une photo de la récolte et le bilan, s’il vous plaît."})
    assert response.status_code == 302
    # The mail asking for changes gives a new follow-up link.
    [link] = [path_of(u) for u in links(body(outbox(app)[-1])) if "/proposer/suivi/" in u]

    html = owner.get(link).get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'value="Le potager en mai"' in html
    photo = hidden(html, "photos-0-staged")
    version = hidden(html, "version")
    corrected = form_data()
    corrected.update({
        "version": version, "photos-0-staged": photo, "photos-0-alt": "Le potager en mai",
        "photos-1-file": upload(jpeg(640, 480, (10, 10, 200)), "b.jpg"),
        "photos-1-alt": "La récolte d’octobre",
        "documents-0-file": upload(b"<svg/>", "bilan.pdf"), "documents-0-title": "Bilan",
    })
    # A refused file: said next to its field, the example unchanged, the new photo kept.
    response = owner.post(link, data=corrected, content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert error_for(html, "documents-0-file") == "Ce fichier n’est pas un document PDF."
    assert media_of(app) == [("photo", 0, "Le potager en mai")]
    with app.app_context():
        assert db.session.get(Example, example_id).state == "changes_requested"
    kept = hidden(html, "photos-1-staged")
    assert kept

    corrected.update({"photos-1-staged": kept, "documents-0-file": upload(pdf(), "bilan.pdf")})
    del corrected["photos-1-file"]
    response = owner.post(link, data=corrected, content_type="multipart/form-data")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Example, example_id).state == "pending"
    assert media_of(app) == [("document", 0, "Bilan"), ("photo", 0, "Le potager en mai"),
                             ("photo", 1, "La récolte d’octobre")]
    review = moderator.get(f"/moderation/exemples/{example_id}").get_data(as_text=True)
    assert 'alt="La récolte d’octobre"' in review and "Bilan" in review
