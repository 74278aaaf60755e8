"""The yearly check: « Où en est votre alliance ? » once a year, one-step answers, « à actualiser »."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from babel.dates import format_date
from helpers import PASSWORD, body, give_token, links, outbox, path_of
from search_helpers import find

from catalogue.extensions import db
from catalogue.models import Example, ModerationEvent, utcnow
from catalogue.reminders import send_reminders

OWNER = {"submitter_name": "Camille Martin", "submitter_email": "camille@example.org"}


def age(app, example_id: int, days: int, **columns) -> None:
    """Make an example's publication (and any other dates given) `days` old."""
    with app.app_context():
        example = db.session.get(Example, example_id)
        example.published_at = utcnow() - timedelta(days=days)
        for name, value in columns.items():
            setattr(example, name, value)
        db.session.commit()


def stored(app, example_id: int) -> Example:
    with app.app_context():
        example = db.session.get(Example, example_id)
        db.session.expunge(example)
        return example


def test_owners_are_asked_once_a_year_and_a_second_run_sends_nothing(app, runner, make_example):
    due = make_example(title="Publié il y a treize mois", **OWNER)
    age(app, due.id, 400)
    recent = make_example(title="Publié il y a un mois", **OWNER)
    age(app, recent.id, 30)
    erased = make_example(title="Coordonnées retirées", **OWNER)
    age(app, erased.id, 400, details_erased_at=utcnow(), submitter_email="")
    waiting = make_example("pending", title="En attente", **OWNER)
    age(app, waiting.id, 400)

    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0 and "1 envoyé(s)" in first.output, first.output
    second = runner.invoke(args=["send-reminders"])
    assert second.exit_code == 0 and "0 envoyé(s)" in second.output
    [mail] = outbox(app)
    assert mail["To"] == "camille@example.org"
    assert mail["Subject"] == "Où en est votre alliance ? « Publié il y a treize mois »"
    [link] = [path_of(u) for u in links(body(mail)) if "/proposer/suivi/" in u]
    reminded = stored(app, due.id).reminded_at
    assert reminded is not None and stored(app, recent.id).reminded_at is None

    page = app.test_client().get(link)
    assert page.status_code == 200
    assert "Où en est votre alliance\u00a0?" in page.get_data(as_text=True)  # no lone « ? »
    # A year later, one more.
    with app.app_context():
        assert send_reminders(reminded + timedelta(days=100)) == {"sent": 0, "failed": 0}
        assert send_reminders(reminded + timedelta(days=366))["sent"] == 2  # and `recent` now
    assert len(outbox(app)) == 3


def test_a_confirmation_postpones_the_reminder(app, make_example):
    example = make_example(**OWNER)
    age(app, example.id, 400, confirmed_at=utcnow() - timedelta(days=10))
    with app.app_context():
        assert send_reminders() == {"sent": 0, "failed": 0}


def test_the_owner_confirms_in_one_step(app, client, make_example):
    example = make_example(**OWNER)
    age(app, example.id, 400)
    path = f"/proposer/suivi/{give_token(app, example.id)}"
    page = client.get(path).get_data(as_text=True)
    assert 'action="' + path + '/actualite"' in page and "Toujours d’actualité" in page
    response = client.post(path + "/actualite", data={"current": "1"})
    assert response.status_code == 303 and response.location.endswith(path + "#actualite")
    after = stored(app, example.id)
    assert after.confirmed_at is not None and after.status == "en-cours"
    with app.app_context():
        event = db.session.scalars(sa.select(ModerationEvent).where(
            ModerationEvent.example_id == example.id).order_by(ModerationEvent.id.desc())).first()
        assert event.action == "confirm" and "toujours d’actualité" in event.comment
    assert "les informations de l’exemple sont confirmées" in client.get(path).get_data(as_text=True)


def test_the_owner_marks_the_alliance_finished_with_its_end_year(app, client, make_example):
    example = make_example(start_year=2019, **OWNER)
    path = f"/proposer/suivi/{give_token(app, example.id)}"
    response = client.post(path + "/actualite", data={"finished": "1", "end_year": "2023"})
    assert response.status_code == 303
    after = stored(app, example.id)
    assert (after.status, after.end_year) == ("termine", 2023) and after.confirmed_at is not None
    assert "<dt>Dates</dt><dd>2019–2023</dd>" in client.get(f"/exemples/{example.slug}").get_data(
        as_text=True)
    with app.app_context():
        assert find("", statut="termine").ids() == [example.id]


@pytest.mark.parametrize(("end_year", "message"), [
    ("2018", "L’année de fin précède l’année de lancement (2019)."),
    ("3000", "Une année entre 1950 et"),
    ("bientôt", "en chiffres"),
])
def test_a_wrong_end_year_is_refused_next_to_the_field(app, client, make_example, end_year,
                                                        message):
    example = make_example(start_year=2019, **OWNER)
    path = f"/proposer/suivi/{give_token(app, example.id)}"
    response = client.post(path + "/actualite", data={"finished": "1", "end_year": end_year})
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(r'<p class="error-message" id="end_year-erreur"><span>(.*?)</span>', html)
    assert error and message in error.group(1)
    assert 'aria-describedby="end_year-erreur"' in html
    after = stored(app, example.id)
    assert after.status == "en-cours" and after.end_year is None and after.confirmed_at is None


def test_the_answer_needs_its_csrf_token(make_app, tmp_path, record):
    strict = make_app(home=tmp_path / "strict", WTF_CSRF_ENABLED=True)
    from catalogue.importing import add_examples, validate_all

    with strict.app_context():
        [example] = add_examples(validate_all([(1, record(**OWNER))]), state="published")
        db.session.commit()
        example_id = example.id
    path = f"/proposer/suivi/{give_token(strict, example_id)}"
    client = strict.test_client()
    assert client.post(path + "/actualite", data={"current": "1"}).status_code == 400
    assert stored(strict, example_id).confirmed_at is None
    page = client.get(path).get_data(as_text=True)
    token = page.split('id="actualite"')[1].split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post(path + "/actualite", data={"current": "1", "csrf_token": token}
                       ).status_code == 303
    assert stored(strict, example_id).confirmed_at is not None


def test_three_years_without_news_is_flagged_for_moderators_and_dated_for_visitors(
        app, client, make_example, make_user):
    old = make_example(title="Une alliance sans nouvelles", **OWNER)
    age(app, old.id, 3 * 365 + 20)
    fresh = make_example(title="Une alliance confirmée", **OWNER)
    age(app, fresh.id, 3 * 365 + 20, confirmed_at=utcnow() - timedelta(days=200))
    since = stored(app, old.id).published_at
    month = format_date(since, "LLLL yyyy", locale="fr")

    page = client.get(f"/exemples/{old.slug}").get_data(as_text=True)
    assert f"Informations datant de {month}" in page
    assert "Informations datant de" not in client.get(f"/exemples/{fresh.slug}").get_data(
        as_text=True)

    make_user()
    moderator = app.test_client()
    moderator.post("/connexion", data={"email": "modo@example.org", "password": PASSWORD})
    queue = moderator.get("/moderation/?etat=published").get_data(as_text=True)
    assert "1 exemple à actualiser" in queue
    row = queue.split("Une alliance sans nouvelles")[1].split("</th>")[0]
    assert "à actualiser" in row
    assert "à actualiser" not in queue.split("Une alliance confirmée")[1].split("</th>")[0]
    flagged = moderator.get("/moderation/?etat=published&actualiser=1").get_data(as_text=True)
    assert "Une alliance sans nouvelles" in flagged and "Une alliance confirmée" not in flagged

    # The owner's confirmation lifts the flag.
    client.post(f"/proposer/suivi/{give_token(app, old.id)}/actualite", data={"current": "1"})
    assert "Informations datant de" not in client.get(f"/exemples/{old.slug}").get_data(
        as_text=True)
    assert "Aucun exemple à actualiser" in moderator.get("/moderation/?etat=published").get_data(
        as_text=True)


def test_a_backup_keeps_the_yearly_check_dates(app, runner, make_example, tmp_path):
    example = make_example(**OWNER)
    age(app, example.id, 400, confirmed_at=utcnow() - timedelta(days=30),
        reminded_at=utcnow() - timedelta(days=40))
    before = stored(app, example.id)
    path = tmp_path / "backup.json"
    assert runner.invoke(args=["export", str(path)]).exit_code == 0
    with app.app_context():
        db.session.execute(sa.delete(Example))
        db.session.commit()
    result = runner.invoke(args=["import", str(path)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        after = db.session.scalars(sa.select(Example)).one()
        assert (after.confirmed_at, after.reminded_at) == (before.confirmed_at,
                                                           before.reminded_at)
