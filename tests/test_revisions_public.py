"""What visitors see of owners' updates: the page's dates and history, the feed, the alerts; and
the owner's way back in (a new follow-up link by mail)."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
import sqlalchemy as sa
from helpers import body, form_data, links, outbox, path_of, record
from test_revisions import (
    NEW_RESULTS,
    TITLE,
    decide,
    login,
    propose,
    publish_base_example,
    revisions_of,
    text,
)

from catalogue.extensions import db
from catalogue.importing import add_examples, validate_all
from catalogue.models import Alert, Example, utcnow
from catalogue.serialisation import backup_record

ATOM = "{http://www.w3.org/2005/Atom}"


def published_long_ago(app, example_id: int, days: int = 30) -> None:
    with app.app_context():
        example = db.session.get(Example, example_id)
        example.published_at = utcnow() - timedelta(days=days)
        db.session.commit()


def approved_update(app, link: str, **changes) -> None:
    owner = app.test_client()
    propose(owner, link, **changes)
    with app.app_context():
        example_id = db.session.scalar(sa.select(Example.id).where(Example.title == TITLE))
    [(revision_id, _)] = revisions_of(app, example_id)
    assert decide(login(app), revision_id, "approve_update").status_code == 302


def history_of(page: str) -> str:
    match = re.search(r'<section class="history".*?</section>', page, re.S)
    assert match, "no history on the page"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))


# --- the example page ----------------------------------------------------------------------


def test_the_page_says_when_it_was_updated_and_which_sections(app, published):
    example, link = published
    visitor = app.test_client()
    before = visitor.get(f"/exemples/{example.slug}").get_data(as_text=True)
    assert "mis à jour le" not in before
    assert "publication" in history_of(before) and "mise à jour" not in history_of(before)

    approved_update(app, link, results=NEW_RESULTS, locality="Rennes Métropole",
                    submitter_name="Camille Martin-Durand")
    page = visitor.get(f"/exemples/{example.slug}").get_data(as_text=True)
    assert re.search(r"<dd><time[^>]*>[^<]+</time> · mis à jour le <time", page)
    history = history_of(page)
    assert "Résultats et impact" in history and "Localité" in history
    for private in ("Camille", "modo@example.org", "Titre"):
        assert private not in history


def test_a_pending_or_rejected_update_leaves_no_trace_in_public(app, published):
    example, link = published
    owner, visitor = app.test_client(), app.test_client()
    propose(owner, link, results=NEW_RESULTS)
    [(revision_id, _)] = revisions_of(app, example.id)
    decide(login(app), revision_id, "reject_update", "Non.")
    page = visitor.get(f"/exemples/{example.slug}").get_data(as_text=True)
    assert "mis à jour le" not in page and NEW_RESULTS not in page
    assert "mise à jour" not in history_of(page)


def test_a_moderators_edit_of_public_content_shows_in_the_history(app, published):
    example, _ = published
    moderator = login(app)
    edit = moderator.get(f"/moderation/exemples/{example.id}/modifier").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', edit).group(1)
    response = moderator.post(f"/moderation/exemples/{example.id}/modifier",
                              data=form_data(summary="Un résumé corrigé par la modération.",
                                             version=version))
    assert response.status_code == 302
    page = app.test_client().get(f"/exemples/{example.slug}").get_data(as_text=True)
    assert "mis à jour le" in page and "Résumé" in history_of(page)
    assert "modo" not in history_of(page)


# --- the feed and the alerts ---------------------------------------------------------------


def feed_entries(client) -> list[ET.Element]:
    return ET.fromstring(client.get("/flux.atom").data).findall(f"{ATOM}entry")


def test_the_feed_announces_an_update_of_the_text(app, published, make_example):
    example, link = published
    published_long_ago(app, example.id)
    for n in range(3):
        make_example(title=f"Exemple plus récent {n}")
    client = app.test_client()
    [entry] = [e for e in feed_entries(client) if e.find(f"{ATOM}title").text == TITLE]
    published_updated = entry.find(f"{ATOM}updated").text
    assert feed_entries(client)[0].find(f"{ATOM}title").text != TITLE

    approved_update(app, link, results=NEW_RESULTS)
    first = feed_entries(client)[0]
    assert first.find(f"{ATOM}title").text == f"Mise à jour : {TITLE}"
    assert first.find(f"{ATOM}updated").text > published_updated
    assert first.find(f"{ATOM}published").text == entry.find(f"{ATOM}published").text
    assert first.find(f"{ATOM}id").text == entry.find(f"{ATOM}id").text


def test_the_feed_keeps_an_updated_example_within_its_search(app, published):
    example, link = published
    approved_update(app, link, results=NEW_RESULTS)
    titles = [e.find(f"{ATOM}title").text for e in ET.fromstring(
        app.test_client().get("/flux.atom?region=76").data).findall(f"{ATOM}entry")]
    assert all(TITLE not in t for t in titles)


def test_an_update_that_leaves_the_text_is_not_announced(app, published):
    example, link = published
    published_long_ago(app, example.id)
    approved_update(app, link, odd=["2", "4", "17"])
    [entry] = [e for e in feed_entries(app.test_client())
               if TITLE in e.find(f"{ATOM}title").text]
    assert entry.find(f"{ATOM}title").text == TITLE


def test_alerts_mail_an_updated_example_once(app, published):
    example, link = published
    published_long_ago(app, example.id)
    with app.app_context():
        db.session.add(Alert(email="lea@example.org", query="region=53",
                             confirmed_at=utcnow() - timedelta(days=2),
                             last_sent_at=utcnow() - timedelta(days=1)))
        db.session.commit()
    runner = app.test_cli_runner()
    outbox(app).clear()
    assert "0 envoyée(s)" in runner.invoke(args=["send-alerts"]).output

    approved_update(app, link, results=NEW_RESULTS)
    outbox(app).clear()
    result = runner.invoke(args=["send-alerts"])
    assert result.exit_code == 0 and "1 envoyée(s)" in result.output
    [mail] = outbox(app)
    assert mail["Subject"] == "1 nouvel exemple ou mise à jour pour votre recherche"
    assert f"Mise à jour : {TITLE}" in body(mail) and f"/exemples/{example.slug}" in body(mail)
    outbox(app).clear()
    assert "0 envoyée(s)" in runner.invoke(args=["send-alerts"]).output
    assert outbox(app) == []


def test_the_update_time_travels_in_backups(app, published, make_app, tmp_path):
    example, link = published
    approved_update(app, link, results=NEW_RESULTS)
    backup = tmp_path / "backup.json"
    assert app.test_cli_runner().invoke(args=["export", str(backup)]).exit_code == 0
    [saved] = json.loads(backup.read_text())["examples"]
    assert saved["revised_at"] and saved["results"] == NEW_RESULTS
    other = make_app()
    assert other.test_cli_runner().invoke(args=["import", str(backup)]).exit_code == 0
    with other.app_context():
        restored = backup_record(db.session.scalar(sa.select(Example)))
    # The other catalogue has no moderator accounts: the journal's lines and the decided
    # update come without their moderator (the whole round trip: test_cli).
    for key in ("history", "revisions", "reports"):
        restored.pop(key), saved.pop(key)
    assert restored == saved
    page = other.test_client().get(f"/exemples/{example.slug}").get_data(as_text=True)
    assert "Résultats et impact" in history_of(page)


# --- a new link ----------------------------------------------------------------------------


def renew(client, slug: str, email: str):
    return client.post(f"/exemples/{slug}/porteur", data={"email": email})


def test_the_page_leads_the_owner_to_a_new_link(app, published):
    example, _ = published
    page = app.test_client().get(f"/exemples/{example.slug}").get_data(as_text=True)
    assert f'href="/exemples/{example.slug}/porteur"' in page
    assert "Vous êtes porteur de cet exemple ?" in page
    form = app.test_client().get(f"/exemples/{example.slug}/porteur")
    assert form.status_code == 200 and 'name="email"' in form.get_data(as_text=True)


def test_the_matching_address_gets_a_new_link_and_the_old_one_dies(app, published):
    example, link = published
    client = app.test_client()
    response = renew(client, example.slug, "  Camille@Example.org ")
    assert response.status_code == 303
    [mail] = outbox(app)
    assert mail["To"] == "camille@example.org" and "lien de suivi" in mail["Subject"]
    [new_link] = [path_of(u) for u in links(body(mail)) if "/proposer/suivi/" in u]
    assert new_link != link
    assert client.get(link).status_code == 404
    assert "Proposer une mise à jour" in text(client.get(new_link))
    journal = text(login(app).get(f"/moderation/exemples/{example.id}"))
    assert "Lien de suivi renouvelé" in journal


def test_any_other_address_gets_the_same_answer_and_nothing_changes(app, published):
    example, link = published
    answers = []
    for email in ("camille@example.org", "quelquun@example.org"):
        client = app.test_client()
        response = renew(client, example.slug, email)
        answers.append((response.status_code, response.headers["Location"],
                        text(client.get(response.headers["Location"]))))
    assert answers[0] == answers[1]
    assert "Si cette adresse est celle" in answers[0][2]
    assert len(outbox(app)) == 1  # only the stored address got a mail


def test_a_wrong_address_leaves_the_link_alive(app, published):
    example, link = published
    renew(app.test_client(), example.slug, "quelquun@example.org")
    assert outbox(app) == []
    assert app.test_client().get(link).status_code == 200


def test_a_bad_address_is_refused_next_to_the_field(app, published):
    example, _ = published
    response = renew(app.test_client(), example.slug, "pas une adresse")
    assert response.status_code == 200
    assert 'id="email-erreur"' in response.get_data(as_text=True)
    assert outbox(app) == []


def test_only_a_published_example_offers_a_new_link(app, make_example):
    pending = make_example(state="pending", submitter_email="camille@example.org")
    client = app.test_client()
    assert client.get(f"/exemples/{pending.slug}/porteur").status_code == 404
    assert renew(client, pending.slug, "camille@example.org").status_code == 404
    assert outbox(app) == []


def published_in(app) -> str:
    """Publish the base example in an app made by the test; return its slug."""
    with app.app_context():
        [example] = add_examples(validate_all([(1, record())]), state="published")
        example.submitter_email = "camille@example.org"
        db.session.commit()
        return example.slug


def test_renewal_needs_its_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    slug, client = published_in(app), app.test_client()
    assert renew(client, slug, "camille@example.org").status_code == 400
    assert outbox(app) == []
    page = client.get(f"/exemples/{slug}/porteur").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post(f"/exemples/{slug}/porteur",
                           data={"email": "camille@example.org", "csrf_token": token})
    assert response.status_code == 303 and len(outbox(app)) == 1


def test_renewal_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, RENEW_RATE_LIMIT="2 per hour")
    slug, client = published_in(app), app.test_client()
    assert renew(client, slug, "a@example.org").status_code == 303
    assert renew(client, slug, "b@example.org").status_code == 303
    assert renew(client, slug, "camille@example.org").status_code == 429
    assert client.get(f"/exemples/{slug}/porteur").status_code == 200  # reading is free
    assert outbox(app) == []


@pytest.fixture
def published(app, make_user):
    return publish_base_example(app, make_user)
