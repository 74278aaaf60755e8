"""Contact the people behind an example: the contributor's consent, the relay, its limits, its log."""

from __future__ import annotations

import json
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa
from helpers import (
    body,
    error_for,
    example_by_title,
    form_data,
    hidden,
    links,
    outbox,
    path_of,
    record,
)
from test_contribute import TITLE, submit

from catalogue.extensions import db
from catalogue.importing import add_examples, validate_all
from catalogue.limits import MESSAGE_MAX
from catalogue.models import Example, RelayedMessage, utcnow
from catalogue.serialisation import backup_record

CONSENT = "Les visiteurs peuvent m’écrire via le catalogue (mon adresse ne leur est pas montrée)"


def follow_path(app) -> str:
    [link] = [u for u in links(body(outbox(app)[0])) if "/proposer/suivi/" in u]
    return path_of(link)


# --- consent -------------------------------------------------------------------------------


def test_the_form_asks_for_consent_unchecked(client):
    html = client.get("/proposer").get_data(as_text=True)
    assert CONSENT in html
    tag = html[html.index('name="accepts_messages"') - 80:html.index('name="accepts_messages"') + 80]
    assert 'type="checkbox"' in tag and "checked" not in tag


@pytest.mark.parametrize(("ticked", "stored"), [({}, False), ({"accepts_messages": "y"}, True)])
def test_consent_is_stored_as_given(app, client, ticked, stored):
    submit(client, **ticked)
    assert example_by_title(app, TITLE).accepts_messages is stored


def test_the_follow_up_page_changes_the_consent(app, client):
    submit(client)
    path = follow_path(app)
    page = client.get(path).get_data(as_text=True)
    assert "Accepter les messages des visiteurs" in page
    assert 'name="accepts_messages"' not in page  # one control on the page, not two
    response = client.post(path + "/contact", data={"accepte": "oui"})
    assert response.status_code == 303 and response.location.endswith(path + "#messages")
    assert example_by_title(app, TITLE).accepts_messages is True
    page = client.get(path).get_data(as_text=True)
    assert "les visiteurs peuvent vous écrire via le catalogue" in page
    assert "Ne plus recevoir de messages des visiteurs" in page
    client.post(path + "/contact", data={"accepte": "non"})
    assert example_by_title(app, TITLE).accepts_messages is False


def test_the_consent_form_needs_its_csrf_token(app, make_app, tmp_path):
    strict = make_app(home=tmp_path / "strict", WTF_CSRF_ENABLED=True)
    client = strict.test_client()
    page = client.get("/proposer").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/proposer", data=form_data(csrf_token=token))
    path = follow_path(strict)
    assert client.post(path + "/contact", data={"accepte": "oui"}).status_code == 400
    assert example_by_title(strict, TITLE).accepts_messages is False
    page = client.get(path).get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(path + "/contact", data={"accepte": "oui", "csrf_token": token}).status_code == 303
    assert example_by_title(strict, TITLE).accepts_messages is True


def test_a_wrong_follow_up_token_changes_nothing(client):
    assert client.post("/proposer/suivi/faux-jeton/contact", data={"accepte": "oui"}).status_code == 404


def test_erasing_ones_details_switches_contact_off(app, client):
    submit(client, accepts_messages="y")
    path = follow_path(app)
    client.post(path + "/oubli")
    example = example_by_title(app, TITLE)
    assert example.accepts_messages is False and example.submitter_email == ""
    assert client.post(path + "/contact", data={"accepte": "oui"}).status_code == 410
    assert example_by_title(app, TITLE).accepts_messages is False


def test_consent_travels_in_backups_not_in_open_data(app, runner, make_example, make_app, tmp_path):
    example = make_example(accepts_messages=True, submitter_email="porteur@example.org")
    backup = tmp_path / "backup.json"
    assert runner.invoke(args=["export", str(backup)]).exit_code == 0
    [saved] = json.loads(backup.read_text())["examples"]
    assert saved["accepts_messages"] is True
    other = make_app()
    assert other.test_cli_runner().invoke(args=["import", str(backup)]).exit_code == 0
    with other.app_context():
        restored = db.session.scalar(sa.select(Example))
        assert restored.accepts_messages is True
        assert backup_record(restored) == saved
    client = app.test_client()
    for url in ("/api/v1/examples", f"/api/v1/examples/{example.id}", "/exemples.json",
                "/exemples.csv"):
        text = client.get(url).get_data(as_text=True)
        assert "accepts_messages" not in text and "porteur@example.org" not in text, url


def test_an_import_refuses_a_consent_that_is_not_a_boolean(runner, record, tmp_path):
    path = tmp_path / "one.json"
    path.write_text(json.dumps([record(accepts_messages="oui")]))
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code != 0 and "true ou false" in result.output


# --- the relay -----------------------------------------------------------------------------

OWNER = "porteuse.secrete@example.org"
MESSAGE = "Bonjour, nous montons un potager semblable à Brest : pourrions-nous en parler ?"


def letter(**overrides) -> dict:
    data = {"name": "Dominique Visiteur", "email": "dominique@example.net", "message": MESSAGE}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def reachable(make_example):
    """A published example whose contributor accepts messages."""
    return make_example(accepts_messages=True, submitter_email=OWNER,
                        website="https://jardins.example.org/")


def write(client, example, **overrides):
    return client.post(f"/exemples/{example.slug}/contacter", data=letter(**overrides))


def relayed(app) -> list[RelayedMessage]:
    with app.app_context():
        rows = db.session.scalars(sa.select(RelayedMessage).order_by(RelayedMessage.id)).all()
        db.session.expunge_all()
        return rows


def test_without_consent_no_form_and_the_website_instead(app, client, make_example):
    example = make_example(submitter_email=OWNER, website="https://jardins.example.org/")
    page = client.get(f"/exemples/{example.slug}").get_data(as_text=True)
    assert "Contacter les porteurs" not in page and "/contacter" not in page
    assert 'href="https://jardins.example.org/"' in page
    assert client.get(f"/exemples/{example.slug}/contacter").status_code == 404
    assert write(client, example).status_code == 404
    assert client.get(f"/exemples/{example.slug}/contacter/envoye").status_code == 404
    assert outbox(app) == [] and relayed(app) == []


@pytest.mark.parametrize("state", ["pending", "changes_requested", "archived"])
def test_an_unpublished_example_cannot_be_written_to(app, client, make_example, state):
    example = make_example(state, accepts_messages=True, submitter_email=OWNER)
    assert client.get(f"/exemples/{example.slug}/contacter").status_code == 404
    assert write(client, example).status_code == 404
    assert outbox(app) == []


def test_with_consent_the_message_is_relayed_with_reply_to(app, client, reachable):
    page = client.get(f"/exemples/{reachable.slug}").get_data(as_text=True)
    assert f'href="/exemples/{reachable.slug}/contacter"' in page and "Contacter les porteurs" in page
    form = client.get(f"/exemples/{reachable.slug}/contacter")
    assert form.status_code == 200 and form.headers["Cache-Control"] == "no-store"
    response = write(client, reachable)
    assert response.status_code == 303
    assert response.location.endswith(f"/exemples/{reachable.slug}/contacter/envoye")
    confirmation = client.get(response.location)
    assert "Message transmis" in confirmation.get_data(as_text=True)
    [mail] = outbox(app)
    assert mail["To"] == OWNER
    assert mail["Reply-To"] == "Dominique Visiteur <dominique@example.net>"
    assert "dominique@example.net" not in mail["From"]
    assert mail["X-Relayed-By"].startswith("Catalogue des alliances")
    assert "Catalogue des alliances" in mail["Subject"] and reachable.title in mail["Subject"]
    text = body(mail)
    assert text.startswith("Message transmis par le Catalogue des alliances")
    assert MESSAGE in text and f"http://localhost/exemples/{reachable.slug}" in text
    for shown in (page, form.get_data(as_text=True), response.get_data(as_text=True),
                  confirmation.get_data(as_text=True)):
        assert OWNER not in shown
    for url in (f"/api/v1/examples/{reachable.id}", "/api/v1/examples", "/exemples.json",
                "/exemples.csv", "/flux.atom"):
        assert OWNER not in client.get(url).get_data(as_text=True), url
    [entry] = relayed(app)
    assert entry.example_id == reachable.id and len(entry.sender_hash) == 64
    assert "dominique" not in entry.sender_hash


def test_the_mail_speaks_the_contributors_language(app, client, make_example):
    example = make_example(accepts_messages=True, submitter_email=OWNER, language="en")
    assert write(client, example).status_code == 303
    [mail] = outbox(app)
    assert body(mail).startswith("Message forwarded by the Catalogue des alliances")


def test_erased_details_close_the_form(app, client, reachable):
    with app.app_context():
        db.session.execute(sa.update(Example).values(submitter_email="", details_erased_at=utcnow()))
        db.session.commit()
    assert client.get(f"/exemples/{reachable.slug}/contacter").status_code == 404
    assert "/contacter" not in client.get(f"/exemples/{reachable.slug}").get_data(as_text=True)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "Eve\r\nBcc: victime@example.com", "Le nom tient sur une seule ligne"),
    ("name", "Eve\nX-Injected: oui", "Le nom tient sur une seule ligne"),
    ("email", "eve@example.net\r\nBcc: victime@example.com", "tient sur une seule ligne"),
    ("email", "eve@example.net\n", "tient sur une seule ligne"),
    ("email", "pas-une-adresse", "Adresse électronique invalide"),
    ("email", "", "Indiquez votre adresse électronique"),
    ("name", "", "Indiquez votre nom"),
    ("message", "   ", "Écrivez votre message"),
    ("message", "x" * (MESSAGE_MAX + 1), f"{MESSAGE_MAX} caractères au plus"),
])
def test_bad_input_is_refused_next_to_its_field(app, client, reachable, field, value, message):
    response = write(client, reachable, **{field: value})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert message in (error_for(html, field) or "")
    assert "point à corriger" in html
    if field != "message":
        assert MESSAGE in html  # what was typed is kept
    assert outbox(app) == [] and relayed(app) == []


def test_a_message_at_the_limit_is_relayed(app, client, reachable):
    assert write(client, reachable, message="é" * MESSAGE_MAX).status_code == 303


def test_the_honeypot_refuses_and_relays_nothing(app, client, reachable):
    response = write(client, reachable, homepage="http://spam.example")
    assert response.status_code == 400 and "Envoi refusé" in response.get_data(as_text=True)
    assert f"/exemples/{reachable.slug}/contacter" in response.get_data(as_text=True)
    assert outbox(app) == [] and relayed(app) == []


def test_a_sender_is_limited_across_examples(app, client, make_example):
    app.config["CONTACT_PER_SENDER_PER_DAY"] = 2
    first = make_example(accepts_messages=True, submitter_email=OWNER)
    second = make_example(accepts_messages=True, submitter_email=OWNER, title="Un autre jardin")
    assert write(client, first).status_code == 303
    assert write(client, second, email="Dominique@Example.net").status_code == 303
    response = write(client, second, email="DOMINIQUE@example.net ")
    assert response.status_code == 429
    assert "Vous avez envoyé beaucoup de messages aujourd’hui" in response.get_data(as_text=True)
    assert MESSAGE in response.get_data(as_text=True)
    assert len(outbox(app)) == 2 and len(relayed(app)) == 2
    assert write(client, second, email="quelqu.un@example.net").status_code == 303


def test_an_example_is_limited_whoever_writes(app, client, reachable):
    app.config["CONTACT_PER_EXAMPLE_PER_DAY"] = 2
    for n in range(2):
        assert write(client, reachable, email=f"personne{n}@example.net").status_code == 303
    response = write(client, reachable, email="encore@example.net")
    assert response.status_code == 429
    assert "ont reçu beaucoup de messages aujourd’hui" in response.get_data(as_text=True)
    assert len(outbox(app)) == 2


def test_messages_older_than_a_day_no_longer_count(app, client, reachable):
    app.config["CONTACT_PER_SENDER_PER_DAY"] = 1
    assert write(client, reachable).status_code == 303
    with app.app_context():
        db.session.execute(sa.update(RelayedMessage).values(sent_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
    assert write(client, reachable).status_code == 303


def test_the_limits_hold_across_processes(app, make_app, reachable, tmp_path):
    """Two apps on one database, as two workers: the counts are the database's, not theirs."""
    other = make_app(home=tmp_path / "worker-2", DATABASE_URL=app.config["DATABASE_URL"],
                     CONTACT_PER_SENDER_PER_DAY=2)
    app.config["CONTACT_PER_SENDER_PER_DAY"] = 2
    assert write(app.test_client(), reachable).status_code == 303
    assert write(other.test_client(), reachable).status_code == 303
    assert write(app.test_client(), reachable).status_code == 429
    assert write(other.test_client(), reachable).status_code == 429


def test_an_address_is_limited_per_ip(make_app, make_example, tmp_path):
    limited = make_app(home=tmp_path / "limited", RATELIMIT_ENABLED=True,
                       CONTACT_RATE_LIMIT="2 per hour")
    client = limited.test_client()
    with limited.app_context():
        [example] = add_examples(validate_all([(1, record(
            accepts_messages=True, submitter_email=OWNER))]), state="published")
        db.session.commit()
        slug = example.slug
    page = f"/exemples/{slug}/contacter"
    assert client.post(page, data=letter(email="")).status_code == 200  # a slip does not count
    for n in range(2):
        assert client.post(page, data=letter(email=f"p{n}@example.net")).status_code == 303
    response = client.post(page, data=letter(email="p3@example.net"))
    assert response.status_code == 429 and "Trop de demandes" in response.get_data(as_text=True)
    assert client.get(page).status_code == 200  # reading the form is never limited


def test_a_mail_failure_is_said_and_not_counted(make_app, tmp_path):
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    broken = make_app(home=tmp_path / "broken", MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
    with broken.app_context():
        [example] = add_examples(validate_all([(1, record(
            accepts_messages=True, submitter_email=OWNER))]), state="published")
        db.session.commit()
        slug = example.slug
    response = broken.test_client().post(f"/exemples/{slug}/contacter", data=letter())
    assert response.status_code == 503
    assert "n’a pas pu être transmis" in response.get_data(as_text=True)
    assert MESSAGE in response.get_data(as_text=True)
    assert relayed(broken) == []


def test_the_form_needs_its_csrf_token_and_keeps_the_message(make_app, tmp_path):
    strict = make_app(home=tmp_path / "strict", WTF_CSRF_ENABLED=True)
    with strict.app_context():
        [example] = add_examples(validate_all([(1, record(
            accepts_messages=True, submitter_email=OWNER))]), state="published")
        db.session.commit()
        slug = example.slug
    client = strict.test_client()
    page = f"/exemples/{slug}/contacter"
    response = client.post(page, data=letter())
    assert response.status_code == 200 and "Le formulaire a expiré" in response.get_data(as_text=True)
    assert MESSAGE in response.get_data(as_text=True) and outbox(strict) == []
    token = hidden(client.get(page).get_data(as_text=True), "csrf_token")
    assert client.post(page, data=letter(csrf_token=token)).status_code == 303
    assert len(outbox(strict)) == 1


# --- the log -------------------------------------------------------------------------------


def test_moderators_see_the_log_without_bodies_or_addresses(app, client, make_example, make_user,
                                                            auth):
    first = make_example(accepts_messages=True, submitter_email=OWNER)
    second = make_example(accepts_messages=True, submitter_email=OWNER, title="Un autre jardin")
    write(client, first)
    write(client, first, email="autre@example.net")
    write(client, second)
    assert client.get("/moderation/messages").status_code == 302  # not for visitors
    make_user()
    auth.login()
    response = client.get("/moderation/messages")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "3 messages relayés ces dernières 24 heures" in html
    assert first.title in html and "Un autre jardin" in html
    for secret in (MESSAGE, "Brest", "dominique@example.net", "autre@example.net", OWNER,
                   "Dominique Visiteur"):
        assert secret not in html
    hashes = [entry.sender_hash[:12] for entry in relayed(app)]
    assert hashes[0] == hashes[2] != hashes[1]  # one sender, one fingerprint
    assert all(h in html for h in hashes)
    only_second = client.get(f"/moderation/messages?exemple={second.id}").get_data(as_text=True)
    assert "Un autre jardin" in only_second and first.title not in only_second
    assert "Messages relayés" in client.get("/moderation/").get_data(as_text=True)
