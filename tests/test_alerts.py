"""Saved-search alerts: double opt-in, digests from `send-alerts`, one-click unsubscribe."""

from __future__ import annotations

import re
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa

from catalogue.alerts import claim_digest
from catalogue.extensions import db
from catalogue.models import Alert, Example, utcnow

SECRETS = ("Gaspard Confidentiel", "gaspard.secret@example.net", "Organisation Cachée",
           "Contact Privé 06")


def outbox(app) -> list:
    return app.extensions.setdefault("mail_outbox", [])


def alerts(app) -> list[Alert]:
    with app.app_context():
        rows = db.session.scalars(sa.select(Alert).order_by(Alert.id)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def link(message, kind: str) -> str:
    """Return the path of the confirmation or unsubscribe link in a mail."""
    match = re.search(rf"http://\S+(/alertes/{kind}/[\w-]+)", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def subscribe(client, email="lea@example.org", query="region=53"):
    return client.post(f"/alertes/nouvelle?{query}", data={"email": email})


def confirmed(app, client, email="lea@example.org", query="region=53", days_ago=1):
    """Subscribe and confirm through the mail's link; return the confirmation path."""
    subscribe(client, email, query)
    path = link(outbox(app)[-1], "confirmer")
    assert client.post(path).status_code == 303
    with app.app_context():  # confirmed some time ago, to publish examples "since"
        alert = db.session.scalars(sa.select(Alert).order_by(Alert.id.desc())).first()
        alert.confirmed_at = utcnow() - timedelta(days=days_ago)
        db.session.commit()
    return path


def set_published(app, example_id, moment):
    with app.app_context():
        db.session.get(Example, example_id).published_at = moment
        db.session.commit()


# --- subscribing ---------------------------------------------------------------------------


def test_form_shows_the_search_it_saves(client):
    page = client.get("/alertes/nouvelle?q=jardin&region=53&tri=titre&page=2")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "« jardin »" in text and "Bretagne" in text
    assert 'name="email"' in text
    assert page.headers["Cache-Control"] == "no-store"


def test_subscribing_stores_a_pending_alert_and_mails_a_confirmation(app, client):
    response = client.post("/alertes/nouvelle?region=53&q=jardin&tri=titre&page=2",
                           data={"email": "  Lea@Example.org "})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/alertes/envoyee")
    [alert] = alerts(app)
    assert alert.email == "lea@example.org"
    assert alert.query == "q=jardin&region=53"  # words and filters; no page, no sort
    assert alert.confirmed_at is None and alert.token_hash
    [message] = outbox(app)
    assert message["To"] == "lea@example.org"
    body = message.get_content()
    assert "Bretagne" in body and "« jardin »" in body
    assert link(message, "confirmer") and link(message, "desabonner")
    assert "un courriel vient d’y être envoyé" in client.get("/alertes/envoyee").get_data(
        as_text=True)


def test_the_confirmation_link_shows_a_button_and_the_button_confirms(app, client):
    subscribe(client)
    path = link(outbox(app)[0], "confirmer")
    page = client.get(path)
    assert page.status_code == 200 and "Confirmer mon alerte" in page.get_data(as_text=True)
    assert alerts(app)[0].confirmed_at is None  # opening the link alone confirms nothing
    response = client.post(path)
    assert response.status_code == 303
    assert alerts(app)[0].confirmed_at is not None
    assert "Votre alerte est active" in client.get(path).get_data(as_text=True)


def test_unknown_tokens_are_not_found(client):
    assert client.get("/alertes/confirmer/inconnu").status_code == 404
    assert client.post("/alertes/confirmer/inconnu").status_code == 404
    assert client.get("/alertes/desabonner/inconnu").status_code == 404


def test_the_honeypot_stores_and_sends_nothing(app, client):
    response = client.post("/alertes/nouvelle?region=53",
                           data={"email": "robot@example.org", "homepage": "http://spam"})
    assert response.status_code == 303
    assert alerts(app) == [] and outbox(app) == []


@pytest.mark.parametrize("email, message", [
    ("", "Indiquez votre adresse électronique."),
    ("pas-une-adresse", "Adresse électronique invalide."),
    ("a@b", "Adresse électronique invalide."),
    ("x" * 250 + "@example.org", "254 caractères au plus"),
])
def test_a_bad_address_is_refused_in_french(app, client, email, message):
    response = subscribe(client, email=email)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert alerts(app) == [] and outbox(app) == []


def confirmation_mailed_ago(app, hours):
    """Move the confirmation mails `hours` into the past (instead of waiting)."""
    with app.app_context():
        db.session.execute(sa.update(Alert).where(Alert.confirm_sent_at.is_not(None))
                           .values(confirm_sent_at=utcnow() - timedelta(hours=hours)))
        db.session.commit()


def test_asking_again_resends_the_link_once_a_day_at_most_then_says_nothing(app, client):
    subscribe(client)
    subscribe(client)
    assert len(alerts(app)) == 1 and len(outbox(app)) == 1
    confirmation_mailed_ago(app, 23)
    subscribe(client)
    assert len(outbox(app)) == 1
    confirmation_mailed_ago(app, 25)
    subscribe(client)
    assert len(alerts(app)) == 1 and len(outbox(app)) == 2
    client.post(link(outbox(app)[-1], "confirmer"))
    confirmation_mailed_ago(app, 25)
    response = subscribe(client)
    assert response.status_code == 303  # the same answer: nothing tells the address is known
    assert len(alerts(app)) == 1 and len(outbox(app)) == 2


def test_an_address_has_few_unconfirmed_alerts_and_one_mail_a_day(app, client):
    for region in ("53", "76", "84", "11", "93"):
        assert subscribe(client, query=f"region={region}").status_code == 303
    assert len(alerts(app)) == 3 and len(outbox(app)) == 1


def test_many_clients_cannot_flood_one_mailbox(app):
    for i in range(40):
        client = app.test_client()
        response = client.post("/alertes/nouvelle?region=53", data={"email": "victime@example.org"},
                               environ_base={"REMOTE_ADDR": f"10.0.{i}.1"})
        assert response.status_code == 303
    assert len(outbox(app)) == 1


def test_subscription_with_csrf_on(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    assert subscribe(client).status_code == 400  # no token: refused
    assert alerts(app) == []
    page = client.get("/alertes/nouvelle?region=53").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/alertes/nouvelle?region=53",
                           data={"email": "lea@example.org", "csrf_token": token})
    assert response.status_code == 303
    path = link(outbox(app)[0], "confirmer")
    confirm_page = client.get(path).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', confirm_page).group(1)
    assert client.post(path).status_code == 400
    assert client.post(path, data={"csrf_token": token}).status_code == 303
    assert alerts(app)[0].confirmed_at is not None
    # One-click unsubscribe (RFC 8058) comes from a mail program: no CSRF token.
    response = client.post(link(outbox(app)[0], "desabonner"),
                           data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert alerts(app) == []


def test_subscription_is_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, ALERT_RATE_LIMIT="2 per hour")
    client = app.test_client()
    assert subscribe(client, email="a@example.org").status_code == 303
    assert subscribe(client, email="b@example.org").status_code == 303
    assert subscribe(client, email="c@example.org").status_code == 429
    assert client.get("/alertes/nouvelle?region=53").status_code == 200  # reading is free
    assert len(alerts(app)) == 2


def test_catalogue_page_offers_the_alert(client, make_example):
    make_example()
    page = client.get("/exemples/?q=potager&region=53").get_data(as_text=True)
    assert 'href="/alertes/nouvelle?q=potager&amp;region=53"' in page


# --- digests -------------------------------------------------------------------------------


def test_send_alerts_mails_new_matching_examples_once(app, client, runner, make_example):
    confirmed(app, client, query="region=53")
    old = make_example(title="Publié avant l’alerte")
    set_published(app, old.id, utcnow() - timedelta(days=3))
    new = make_example(title="Nouvel exemple breton")
    make_example(title="Nouvel exemple occitan", regions=["76"], departements=["31"])
    make_example(state="pending", title="Exemple breton en attente")
    outbox(app).clear()

    result = runner.invoke(args=["send-alerts"])
    assert result.exit_code == 0, result.output
    assert "Alertes : 1 envoyée(s), 0 sans nouvel exemple" in result.output
    [message] = outbox(app)
    body = message.get_content()
    assert message["To"] == "lea@example.org"
    assert message["Subject"] == "1 nouvel exemple d’alliance pour votre recherche"
    assert "Nouvel exemple breton" in body and f"/exemples/{new.slug}" in body
    for absent in ("avant l’alerte", "occitan", "en attente"):
        assert absent not in body
    assert "Bretagne" in body
    assert link(message, "desabonner")
    assert alerts(app)[0].last_sent_at is not None

    again = runner.invoke(args=["send-alerts"])
    assert "Alertes : 0 envoyée(s), 1 sans nouvel exemple" in again.output
    assert len(outbox(app)) == 1


def test_dry_run_prints_and_changes_nothing(app, client, runner, make_example):
    confirmed(app, client)
    make_example(title="Nouvel exemple breton")
    outbox(app).clear()
    result = runner.invoke(args=["send-alerts", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "lea@example.org : 1 exemple(s) pour « region=53 »" in result.output
    assert "  - Nouvel exemple breton" in result.output
    assert "Rien n’a été envoyé ni modifié" in result.output
    assert outbox(app) == [] and alerts(app)[0].last_sent_at is None
    assert runner.invoke(args=["send-alerts"]).exit_code == 0
    assert len(outbox(app)) == 1


def test_unconfirmed_alerts_get_no_digest_and_are_forgotten(app, client, runner, make_example):
    subscribe(client)
    with app.app_context():
        db.session.execute(sa.update(Alert).values(created_at=utcnow() - timedelta(days=8)))
        db.session.commit()
    subscribe(client, query="region=76")  # recent: kept
    make_example(title="Nouvel exemple breton")
    outbox(app).clear()
    dry = runner.invoke(args=["send-alerts", "--dry-run"])
    assert "1 non confirmée(s) depuis 7 jours à oublier" in dry.output
    assert len(alerts(app)) == 2
    result = runner.invoke(args=["send-alerts"])
    assert "1 non confirmée(s) depuis 7 jours oubliée(s)" in result.output
    assert outbox(app) == []
    assert [a.query for a in alerts(app)] == ["region=76"]


def test_a_digest_lists_many_examples_with_a_link_to_the_rest(app, client, runner,
                                                               make_example, monkeypatch):
    from catalogue import alerts as alerts_module

    monkeypatch.setattr(alerts_module, "DIGEST_MAX", 2)
    confirmed(app, client, query="q=potager")
    for i in range(3):
        make_example(title=f"Un potager numéro {i}")
    outbox(app).clear()
    runner.invoke(args=["send-alerts"])
    [message] = outbox(app)
    assert message["Subject"] == "3 nouveaux exemples d’alliances pour votre recherche"
    body = message.get_content()
    assert "… et 1 autre : http://" in body and "q=potager" in body


def test_a_digest_never_shows_private_fields(app, client, runner, make_example):
    confirmed(app, client)
    make_example(title="Nouvel exemple breton", submitter_name=SECRETS[0],
                 submitter_email=SECRETS[1], submitter_organisation=SECRETS[2],
                 contact=SECRETS[3])
    outbox(app).clear()
    runner.invoke(args=["send-alerts"])
    body = outbox(app)[0].get_content()
    for secret in SECRETS:
        assert secret not in body


# --- unsubscribing -------------------------------------------------------------------------


def test_unsubscribe_link_asks_then_deletes_the_alert(app, client, runner, make_example):
    confirmed(app, client)
    make_example(title="Nouvel exemple breton")
    outbox(app).clear()
    runner.invoke(args=["send-alerts"])
    path = link(outbox(app)[0], "desabonner")  # the digest's link works
    page = client.get(path)
    assert page.status_code == 200 and "Me désabonner" in page.get_data(as_text=True)
    assert len(alerts(app)) == 1
    response = client.post(path)
    assert response.status_code == 200
    assert "Désabonnement effectué" in response.get_data(as_text=True)
    assert alerts(app) == []
    assert client.post(path).status_code == 200  # again: still done
    assert client.get(path).status_code == 404


def test_unsubscribing_from_everything_forgets_the_address(app, client):
    confirmed(app, client, query="region=53")
    confirmed(app, client, query="region=76")
    confirmed(app, client, email="autre@example.org", query="region=76")
    path = link(outbox(app)[0], "desabonner")
    assert "Supprimer aussi mon autre alerte" in client.get(path).get_data(as_text=True)
    client.post(path, data={"toutes": "1"})
    assert [a.email for a in alerts(app)] == ["autre@example.org"]


def test_tokens_survive_in_the_database_only_as_hashes(app, client):
    subscribe(client)
    token = link(outbox(app)[0], "confirmer").rsplit("/", 1)[1]
    [alert] = alerts(app)
    assert token not in alert.token_hash and len(alert.token_hash) == 64


def test_links_in_new_mails_work_after_the_secret_key_changes(app, client, runner,
                                                             make_example):
    confirmed(app, client)
    old_link = link(outbox(app)[0], "desabonner")
    app.config["SECRET_KEY"] = "une-nouvelle-clé"
    make_example(title="Nouvel exemple breton")
    runner.invoke(args=["send-alerts"])
    new_link = link(outbox(app)[-1], "desabonner")
    assert new_link != old_link
    assert client.get(old_link).status_code == 404
    assert client.get(new_link).status_code == 200


def test_a_digest_is_claimed_once_when_two_runs_send_at_once(app, client, runner, make_example):
    # Two hosts' crons read the alert before either sends: only one claim succeeds.
    confirmed(app, client)
    first, second = utcnow() - timedelta(minutes=2), utcnow() - timedelta(minutes=1)
    with app.app_context():
        alert_id = db.session.scalar(sa.select(Alert.id))
        assert claim_digest(alert_id, None, first)
        assert not claim_digest(alert_id, None, second)  # the other run's view is stale
        assert db.session.get(Alert, alert_id).last_sent_at == first
        assert claim_digest(alert_id, first, second)  # the next day's run goes on from there
    make_example(title="Nouvel exemple breton")
    outbox(app).clear()
    assert runner.invoke(args=["send-alerts"]).exit_code == 0
    assert len(outbox(app)) == 1


def test_a_digest_that_could_not_leave_goes_in_the_next_run(app, client, runner, make_example):
    confirmed(app, client)
    make_example(title="Nouvel exemple breton")
    with socket.socket() as probe:  # a port where nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    failed = runner.invoke(args=["send-alerts"])
    assert failed.exit_code == 1 and "réessayé(s) au prochain passage" in failed.output
    assert alerts(app)[0].last_sent_at is None  # the claim was given back
    app.config.update(MAIL_SERVER="")
    outbox(app).clear()
    result = runner.invoke(args=["send-alerts"])
    assert "Alertes : 1 envoyée(s)" in result.output
    assert "Nouvel exemple breton" in outbox(app)[0].get_content()
    assert alerts(app)[0].last_sent_at is not None
