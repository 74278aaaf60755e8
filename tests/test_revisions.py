"""Owners update their published examples through the follow-up link; moderators decide, over HTTP."""

from __future__ import annotations

import re
from html import unescape

import pytest
from helpers import (
    PASSWORD,
    body,
    error_for,
    events_of,
    example_by_title,
    field_value,
    form_data,
    found,
    give_token,
    links,
    outbox,
    path_of,
)

from catalogue.extensions import db
from catalogue.models import Revision

TITLE = form_data()["title"]
NEW_RESULTS = "Soixante élèves et vingt résidents participent ; trois tonnes de légumes en 2024."


def text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def login(app, email: str = "modo@example.org"):
    client = app.test_client()
    assert client.post("/connexion", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


def decide(moderator, revision_id: int, action: str, comment: str = "", version=None):
    if version is None:
        page = moderator.get(f"/moderation/mises-a-jour/{revision_id}").get_data(as_text=True)
        version = re.search(r'name="version"[^>]*value="(\d+)"', page).group(1)
    return moderator.post(f"/moderation/mises-a-jour/{revision_id}/decision",
                          data={"action": action, "comment": comment, "version": version})


def revisions_of(app, example_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return [(r.id, r.state) for r in db.session.scalars(
            db.select(Revision).where(Revision.example_id == example_id).order_by(Revision.id))]


def publish_base_example(app, make_user):
    """Submit the base example over HTTP, publish it as a moderator; return (example, link)."""
    make_user()
    owner = app.test_client()
    assert owner.post("/proposer", data=form_data()).status_code == 302
    [link] = [path_of(u) for u in links(body(outbox(app)[0])) if "/proposer/suivi/" in u]
    example = example_by_title(app, TITLE)
    moderator = login(app)
    response = moderator.post(f"/moderation/exemples/{example.id}/decision",
                              data={"action": "approve", "version": example.version})
    assert response.status_code == 302
    outbox(app).clear()
    return example_by_title(app, TITLE), link


@pytest.fixture
def published(app, make_user):
    return publish_base_example(app, make_user)


def propose(client, link: str, **changes):
    page = client.get(link + "/mise-a-jour")
    assert page.status_code == 200
    return client.post(link + "/mise-a-jour", data=form_data(**changes))


def test_an_update_waits_for_approval_then_replaces_the_published_text(app, published):
    example, link = published
    owner, visitor, moderator = app.test_client(), app.test_client(), login(app)
    follow = owner.get(link)
    assert "Proposer une mise à jour" in text(follow)
    form = owner.get(link + "/mise-a-jour").get_data(as_text=True)
    assert field_value(form, "results") == example.results  # prefilled with the published text

    response = propose(owner, link, results=NEW_RESULTS, note="Les chiffres de 2024.")
    assert response.status_code == 302 and response.headers["Location"] == link
    assert "attend la relecture" in text(owner.get(link))
    # The public page and the example stay as they were.
    page = text(visitor.get(f"/exemples/{example.slug}"))
    assert example.results in page and NEW_RESULTS not in page
    assert example_by_title(app, TITLE).results == example.results
    [(revision_id, state)] = revisions_of(app, example.id)
    assert state == "pending"
    [mail] = outbox(app)
    assert mail["To"] == "modo@example.org" and "Mise à jour proposée" in mail["Subject"]
    assert f"/moderation/mises-a-jour/{revision_id}" in body(mail)

    # The queue counts it; the review shows the field-by-field diff.
    queue = text(moderator.get("/moderation/"))
    assert "Mises à jour proposées (1)" in queue and TITLE in queue
    review = moderator.get(f"/moderation/mises-a-jour/{revision_id}").get_data(as_text=True)
    assert "Résultats et impact" in review and "Les chiffres de 2024." in review
    assert "<ins>" in review and "Soixante" in review and "<del>" in review
    assert "Titre" not in re.sub(r"<title>.*?</title>", "", review).split("changements")[1]

    assert decide(moderator, revision_id, "approve_update").status_code == 302
    after = example_by_title(app, TITLE)
    assert after.results == NEW_RESULTS and after.state == "published"
    assert after.revised_at is not None and after.updated_at > example.updated_at
    assert NEW_RESULTS in text(visitor.get(f"/exemples/{example.slug}"))
    assert revisions_of(app, example.id) == [(revision_id, "approved")]
    assert [e[0] for e in events_of(app, example.id)][-2:] == ["propose_update", "approve_update"]
    assert after.events[-1].snapshot["results"] == NEW_RESULTS
    owner_mail = outbox(app)[-1]
    assert owner_mail["To"] == "camille@example.org" and "publiée" in owner_mail["Subject"]
    journal = text(moderator.get("/moderation/journal"))
    assert "Mise à jour proposée" in journal and "Mise à jour publiée" in journal


def test_the_approved_text_reaches_the_search(app, published):
    example, link = published
    propose(app.test_client(), link, results="Une récolte de topinambours remarquable.")
    [(revision_id, _)] = revisions_of(app, example.id)
    assert found(app, "topinambours") == []
    decide(login(app), revision_id, "approve_update")
    assert found(app, "topinambours") == [example.id]


def test_a_new_proposal_replaces_the_pending_one(app, published):
    example, link = published
    owner = app.test_client()
    propose(owner, link, results="Première version de la mise à jour.")
    form = owner.get(link + "/mise-a-jour").get_data(as_text=True)
    assert field_value(form, "results") == "Première version de la mise à jour."
    propose(owner, link, results="Seconde version de la mise à jour.")
    [(revision_id, state)] = revisions_of(app, example.id)
    assert state == "pending"
    review = login(app).get(f"/moderation/mises-a-jour/{revision_id}").get_data(as_text=True)
    assert "Seconde version" in review and "Première version" not in review


def test_a_rejected_update_leaves_the_example_and_tells_the_owner(app, published):
    example, link = published
    owner, moderator = app.test_client(), login(app)
    propose(owner, link, results=NEW_RESULTS)
    [(revision_id, _)] = revisions_of(app, example.id)
    refused = decide(moderator, revision_id, "reject_update")  # no comment
    assert refused.status_code == 400
    assert error_for(refused.get_data(as_text=True), "comment")
    assert decide(moderator, revision_id, "reject_update", "Chiffres non sourcés.").status_code == 302
    assert example_by_title(app, TITLE).results == example.results
    assert revisions_of(app, example.id) == [(revision_id, "rejected")]
    mail = outbox(app)[-1]
    assert "pas été retenue" in mail["Subject"] and "Chiffres non sourcés." in body(mail)
    follow = text(owner.get(link))
    assert "n’a pas été retenue" in follow and "Chiffres non sourcés." in follow
    # Decided once: no more buttons, and a second decision is refused, nothing changes.
    assert "Chiffres non sourcés." in text(moderator.get(f"/moderation/mises-a-jour/{revision_id}"))
    version = example_by_title(app, TITLE).version
    assert decide(moderator, revision_id, "approve_update", version=version).status_code == 409
    assert example_by_title(app, TITLE).results == example.results


def test_an_update_sent_back_is_corrected_through_the_mailed_link(app, published):
    example, link = published
    owner, moderator = app.test_client(), login(app)
    propose(owner, link, results=NEW_RESULTS)
    [(revision_id, _)] = revisions_of(app, example.id)
    response = decide(moderator, revision_id, "request_update_changes", "Précisez l’année.")
    assert response.status_code == 302
    mail = outbox(app)[-1]
    assert "modifications sont demandées" in mail["Subject"]
    [new_link] = [path_of(u) for u in links(body(mail)) if "/proposer/suivi/" in u]
    assert owner.get(link).status_code == 404  # the mailed link replaces the old one
    follow = text(owner.get(new_link))
    assert "Précisez l’année." in follow and "Modifier ma mise à jour" in follow
    form = owner.get(new_link + "/mise-a-jour").get_data(as_text=True)
    assert field_value(form, "results") == NEW_RESULTS  # the update, not the published text
    propose(owner, new_link, results=NEW_RESULTS + " Chiffres de 2024.")
    assert revisions_of(app, example.id) == [(revision_id, "pending")]
    assert example_by_title(app, TITLE).results == example.results
    decide(moderator, revision_id, "approve_update")
    assert example_by_title(app, TITLE).results == NEW_RESULTS + " Chiffres de 2024."


def test_an_update_with_errors_keeps_what_was_typed(app, published):
    example, link = published
    owner = app.test_client()
    owner.get(link + "/mise-a-jour")
    response = owner.post(link + "/mise-a-jour", data=form_data(title="", results="Gardé."))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and error_for(html, "title")
    assert field_value(html, "results") == "Gardé."
    assert revisions_of(app, example.id) == []


def test_only_a_published_example_takes_updates(app, make_example):
    pending = make_example(state="pending")
    token = give_token(app, pending.id)
    client = app.test_client()
    assert client.get(f"/proposer/suivi/{token}/mise-a-jour").status_code == 302
    client.post(f"/proposer/suivi/{token}/mise-a-jour", data=form_data())
    assert revisions_of(app, pending.id) == []
    assert client.get("/proposer/suivi/faux-jeton/mise-a-jour").status_code == 404


def test_an_unknown_decision_is_refused(app, published):
    example, link = published
    propose(app.test_client(), link, results=NEW_RESULTS)
    [(revision_id, _)] = revisions_of(app, example.id)
    moderator = login(app)
    assert decide(moderator, revision_id, "archive").status_code == 400
    assert decide(moderator, revision_id, "approve").status_code == 400
    assert revisions_of(app, example.id) == [(revision_id, "pending")]


def test_an_archived_examples_update_waits_outside_the_queue(app, published):
    example, link = published
    propose(app.test_client(), link, results=NEW_RESULTS)
    [(revision_id, _)] = revisions_of(app, example.id)
    moderator = login(app)
    archive = moderator.post(f"/moderation/exemples/{example.id}/decision",
                             data={"action": "archive",
                                   "version": example_by_title(app, TITLE).version})
    assert archive.status_code == 302
    assert "Mises à jour proposées (0)" in text(moderator.get("/moderation/"))
    review = text(moderator.get(f"/moderation/mises-a-jour/{revision_id}"))
    assert "Aucune décision n’est possible" in review
    version = example_by_title(app, TITLE).version
    assert decide(moderator, revision_id, "approve_update", version=version).status_code == 409
    assert example_by_title(app, TITLE).results == example.results
    restore = moderator.post(f"/moderation/exemples/{example.id}/decision",
                             data={"action": "restore", "version": version})
    assert restore.status_code == 302
    assert "Mises à jour proposées (1)" in text(moderator.get("/moderation/"))
