"""« Signaler une erreur »: a visitor's report reaches the moderation queue; moderators answer,
fix or dismiss it, each step journaled, the reporter's address private and erased at closing."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from helpers import body, error_for, events_of, fresh, outbox, record

from catalogue.extensions import db
from catalogue.importing import add_examples, validate_all
from catalogue.limits import REPORT_MAX
from catalogue.models import Report

ADDRESS = "lea.dupont@example.org"


def reports(app) -> list[Report]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(Report).order_by(Report.id)))
        db.session.expunge_all()
        return found


def publish(app) -> str:
    """Publish the base record in this app's catalogue; return its slug."""
    with app.app_context():
        [example] = add_examples(validate_all([(1, record())]), state="published")
        db.session.commit()
        return example.slug


def send_report(client, slug, message="Le site web indiqué ne répond plus.", email=ADDRESS,
                **extra):
    return client.post(f"/exemples/{slug}/signaler",
                       data={"message": message, "email": email, **extra})


@pytest.fixture
def published(make_example):
    return make_example()


@pytest.fixture
def moderator(make_user, auth):
    make_user("modo@example.org", "moderator", display_name="Noé Modo")
    auth.login()


def test_example_page_offers_the_report_form(client, published):
    page = client.get(f"/exemples/{published.slug}").get_data(as_text=True)
    assert f'href="/exemples/{published.slug}/signaler"' in page
    assert "Signaler une erreur" in page
    form = client.get(f"/exemples/{published.slug}/signaler")
    assert form.status_code == 200
    html = form.get_data(as_text=True)
    assert 'name="message"' in html and 'name="email"' in html
    assert published.title in html
    assert form.headers["Cache-Control"] == "no-store"


def test_report_reaches_the_queue_and_is_dismissed(app, client, published, make_user):
    make_user("modo@example.org", "moderator")
    response = send_report(client, published.slug)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/exemples/{published.slug}/signaler/merci"
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Merci pour votre signalement" in thanks
    [report] = reports(app)
    assert (report.example_id, report.state, report.email) == (published.id, "open", ADDRESS)
    # The moderators hear of it, with a link to the report.
    [notice] = outbox(app)
    assert published.title in notice["Subject"]
    assert f"/moderation/signalements/{report.id}" in body(notice)
    # The address is private: never on the public page.
    assert ADDRESS not in client.get(f"/exemples/{published.slug}").get_data(as_text=True)

    client.post("/connexion", data={"email": "modo@example.org",
                                    "password": "correct horse battery"})
    queue = client.get("/moderation/").get_data(as_text=True)
    assert "1 signalement à traiter" in queue
    listing = client.get("/moderation/signalements").get_data(as_text=True)
    assert f'href="/moderation/signalements/{report.id}"' in listing
    page = client.get(f"/moderation/signalements/{report.id}").get_data(as_text=True)
    assert "Le site web indiqué ne répond plus." in page and ADDRESS in page
    assert f'href="/moderation/exemples/{published.id}/modifier"' in page

    version = fresh(app, published.id).version
    response = client.post(f"/moderation/signalements/{report.id}/decision",
                           data={"action": "dismiss", "answer": "Le site fonctionne."})
    assert response.status_code == 302
    [report] = reports(app)
    assert report.state == "dismissed" and report.email == "" and report.handled_at
    assert report.answer == "Le site fonctionne."
    assert len(outbox(app)) == 1  # dismissing mails nobody
    assert "signalement à traiter" not in client.get("/moderation/").get_data(as_text=True)
    # Journaled on the example, which itself is left as it was.
    assert [e[0] for e in events_of(app, published.id)][-2:] == ["report", "report_dismiss"]
    assert fresh(app, published.id).version == version
    journal = client.get("/moderation/journal?action=report_dismiss").get_data(as_text=True)
    assert "Signalement classé sans suite" in journal and "Le site fonctionne." in journal
    # The report itself came from a visitor, not from the person who proposed the example.
    journal = client.get("/moderation/journal?action=report").get_data(as_text=True)
    assert "Erreur signalée" in journal and "Un visiteur du site" in journal


def test_answer_is_mailed_and_the_address_erased(app, client, published, moderator):
    send_report(client, published.slug)
    [report] = reports(app)
    decision = f"/moderation/signalements/{report.id}/decision"
    # An answer needs its text, said next to the field.
    response = client.post(decision, data={"action": "answer", "answer": "  "})
    assert response.status_code == 400
    assert error_for(response.get_data(as_text=True), "answer") == "Écrivez la réponse à envoyer."
    assert reports(app)[0].state == "open"

    response = client.post(decision, data={"action": "answer",
                                           "answer": "Merci, nous vérifions avec les porteurs."})
    assert response.status_code == 302
    answer = outbox(app)[-1]
    assert answer["To"] == ADDRESS
    assert "Merci, nous vérifions avec les porteurs." in body(answer)
    assert f"/exemples/{published.slug}" in body(answer)
    [report] = reports(app)
    assert (report.state, report.email) == ("answered", "")
    assert report.handled_by_id is not None
    page = client.get(f"/moderation/signalements/{report.id}").get_data(as_text=True)
    assert "Effacée à la clôture du signalement." in page and ADDRESS not in page
    assert events_of(app, published.id)[-1][0] == "report_answer"
    # A closed report is not closed again (another moderator, another tab).
    again = client.post(decision, data={"action": "dismiss", "answer": ""})
    assert again.status_code == 409
    assert "déjà été traité" in again.get_data(as_text=True)
    assert reports(app)[0].state == "answered"


def test_fixed_report_thanks_the_reporter(app, client, published, moderator):
    send_report(client, published.slug)
    send_report(client, published.slug, message="L’année de lancement est fausse.", email="")
    first, second = reports(app)
    client.post(f"/moderation/signalements/{first.id}/decision", data={"action": "fix"})
    thanks = outbox(app)[-1]
    assert thanks["To"] == ADDRESS and "corrigée" in thanks["Subject"]
    sent = len(outbox(app))
    # Without an address, nobody to write to.
    client.post(f"/moderation/signalements/{second.id}/decision", data={"action": "fix"})
    assert len(outbox(app)) == sent
    assert [r.state for r in reports(app)] == ["fixed", "fixed"]
    fixed = client.get("/moderation/signalements?etat=fixed").get_data(as_text=True)
    assert "L’année de lancement est fausse." in fixed


@pytest.mark.parametrize(
    ("message", "email", "field", "error"),
    [
        ("", ADDRESS, "message", "Décrivez l’erreur que vous avez remarquée."),
        ("x" * (REPORT_MAX + 1), "", "message", f"{REPORT_MAX} caractères au plus"),
        ("Une erreur.", "pas-une-adresse", "email", "Adresse électronique invalide."),
    ],
)
def test_bad_report_is_explained_next_to_the_field(app, client, published, message, email,
                                                     field, error):
    response = send_report(client, published.slug, message=message, email=email)
    assert response.status_code == 400
    assert error in (error_for(response.get_data(as_text=True), field) or "")
    assert reports(app) == []


def test_robot_filling_the_trap_files_nothing(app, client, published):
    response = send_report(client, published.slug, homepage="http://spam.example")
    assert response.status_code == 303
    assert reports(app) == [] and outbox(app) == []


def test_report_with_csrf_on(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    slug = publish(app)
    client = app.test_client()
    assert send_report(client, slug).status_code == 400  # no token: refused
    page = client.get(f"/exemples/{slug}/signaler").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert send_report(client, slug, csrf_token=token).status_code == 303
    assert len(reports(app)) == 1


def test_reports_are_rate_limited(make_app):
    app = make_app(RATELIMIT_ENABLED=True, REPORT_RATE_LIMIT="2 per hour")
    slug = publish(app)
    client = app.test_client()
    assert send_report(client, slug).status_code == 303
    assert send_report(client, slug, message="").status_code == 400  # not counted
    assert send_report(client, slug).status_code == 303
    assert send_report(client, slug).status_code == 429
    assert client.get(f"/exemples/{slug}/signaler").status_code == 200
    assert len(reports(app)) == 2


def test_the_answer_speaks_the_reporters_language(app, client, published, make_user):
    make_user("modo@example.org", "moderator")
    client.get("/langue/en?next=/")
    send_report(client, published.slug)
    [report] = reports(app)
    assert report.language == "en"
    moderator = app.test_client()  # in French
    moderator.post("/connexion", data={"email": "modo@example.org",
                                       "password": "correct horse battery"})
    moderator.post(f"/moderation/signalements/{report.id}/decision",
                   data={"action": "answer", "answer": "Thanks, we are checking."})
    answer = outbox(app)[-1]
    assert answer["Subject"] == "Your report on the Catalogue des alliances"
    assert "Here is the moderation team’s answer" in body(answer)
