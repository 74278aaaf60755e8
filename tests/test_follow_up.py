"""The follow-up page: recap, usual review delay, withdrawal and erasure with confirmation."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest
from helpers import (
    body,
    events_of,
    example_by_title,
    fresh,
    give_token,
    hidden,
    links,
    outbox,
    path_of,
    settings_for,
)
from test_contribute import TITLE, submit

from catalogue import workflow
from catalogue.contribute import delay_in_words
from catalogue.extensions import db
from catalogue.models import ModerationEvent, utcnow


def text(response) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


NOW = utcnow()  # one moment for every line: delays come out exact


def journal(app, example_id: int, *moves: tuple[str, timedelta]) -> None:
    """Write journal lines at chosen moments, `ago` before NOW."""
    with app.app_context():
        for action, ago in moves:
            db.session.add(ModerationEvent(example_id=example_id, action=action,
                                           from_state="pending", to_state="pending",
                                           created_at=NOW - ago))
        db.session.commit()


def decided(app, make_example, submitted_ago: timedelta, decided_ago: timedelta) -> int:
    example = make_example(state="pending")
    journal(app, example.id, ("submit", submitted_ago), ("approve", decided_ago))
    return example.id


DAY = timedelta(days=1)


def delay(app):
    with app.app_context():
        return workflow.usual_review_delay()


def test_no_delay_is_announced_with_too_few_decisions(app, make_example):
    assert delay(app) is None
    for days in (1, 2, 3, 4):
        decided(app, make_example, submitted_ago=(days + 10) * DAY, decided_ago=10 * DAY)
    assert delay(app) is None  # four decisions: too few to say anything


def test_delay_is_the_median_from_submission_to_decision(app, make_example):
    for days in (1, 2, 3, 4, 30):
        decided(app, make_example, submitted_ago=(days + 10) * DAY, decided_ago=10 * DAY)
    assert delay(app) == 3 * DAY


def test_delay_counts_from_the_latest_resubmission(app, make_example):
    for _ in range(4):
        decided(app, make_example, submitted_ago=12 * DAY, decided_ago=10 * DAY)
    example = make_example(state="pending")
    journal(app, example.id, ("submit", 40 * DAY), ("request_changes", 35 * DAY),
            ("resubmit", 9 * DAY), ("approve", 7 * DAY))
    with app.app_context():
        # the six decisions: 2, 2, 2, 2 days, then 5 days (first round) and 2 days (second)
        assert workflow.usual_review_delay() == 2 * DAY


def test_delay_reads_the_last_fifty_decisions_only(app, make_example):
    for _ in range(10):  # old and slow
        decided(app, make_example, submitted_ago=200 * DAY, decided_ago=100 * DAY)
    for _ in range(50):  # recent and quick
        decided(app, make_example, submitted_ago=3 * DAY, decided_ago=2 * DAY)
    assert delay(app) == DAY


@pytest.mark.parametrize(
    "value, words",
    [(None, None), (timedelta(hours=5), "moins d’une journée"), (timedelta(hours=30), "1 jour"),
     (timedelta(days=3, hours=4), "3 jours"), (timedelta(days=12), "12 jours")],
)
def test_delay_in_words(app, value, words):
    with app.test_request_context():
        assert delay_in_words(value) == words


def test_pending_follow_up_tells_the_usual_delay(app, client, make_example):
    example = make_example(state="pending")
    page = f"/proposer/suivi/{give_token(app, example.id)}"
    assert "La relecture prend en général" not in text(client.get(page))
    for days in (2, 3, 3, 4, 6):
        decided(app, make_example, submitted_ago=(days + 1) * DAY, decided_ago=DAY)
    assert ("La relecture prend en général 3 jours (durée médiane des cinquante dernières "
            "décisions).") in text(client.get(page))


def test_follow_up_recaps_what_was_sent(app, client):
    submit(client, contact="Camille, 02 99 00 00 00")
    [link] = [u for u in links(body(outbox(app)[0])) if "/proposer/suivi/" in u]
    page = text(client.get(path_of(link)))
    recap = page.split("Ce que vous avez envoyé", 1)[1]
    for shown in ("Un potager partagé entre une école et une maison de retraite",
                  "Quarante élèves et quinze résidents participent",
                  "Co-construire territorialement", "Locale", "En cours · depuis 2019",
                  "Bretagne",
                  "Ille-et-Vilaine", "Les Jardins du Thabor (Association) — Anime les ateliers.",
                  "Ville de Rennes (Collectivité", "Camille, 02 99 00 00 00 (non affiché)",
                  "camille@example.org", "https://jardins.example.org/"):
        assert shown in recap, shown


def test_withdrawal_asks_first_then_withdraws(app, client, make_example):
    example = make_example(state="pending")
    token = give_token(app, example.id)
    follow = client.get(f"/proposer/suivi/{token}").get_data(as_text=True)
    assert f'href="/proposer/suivi/{token}/retrait"' in follow
    confirm = client.get(f"/proposer/suivi/{token}/retrait")
    html = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and confirm.headers["Cache-Control"] == "no-store"
    assert "Retirer votre proposition ?" in html and "définitive" in html
    assert f'<form method="post" action="/proposer/suivi/{token}/retrait"' in html
    assert f'href="/proposer/suivi/{token}"' in html  # a way back
    assert fresh(app, example.id).state == "pending"  # asking changed nothing

    response = client.post(f"/proposer/suivi/{token}/retrait")
    assert response.status_code == 302 and response.headers["Location"] == f"/proposer/suivi/{token}"
    assert fresh(app, example.id).state == "withdrawn"
    action, from_state, to_state = events_of(app, example.id)[-1][:3]
    assert (action, to_state) == ("withdraw", "withdrawn") and from_state == "pending"
    page = text(client.get(f"/proposer/suivi/{token}"))
    assert "Retiré par son auteur" in page and "elle ne sera pas publiée" in page
    assert "/retrait" not in client.get(f"/proposer/suivi/{token}").get_data(as_text=True)
    # a second time: refused with a clear word, nothing changes
    client.post(f"/proposer/suivi/{token}/retrait")
    assert "Impossible" in text(client.get(f"/proposer/suivi/{token}"))
    assert len(events_of(app, example.id)) == 2


def test_a_published_example_cannot_be_withdrawn_from_its_link(app, client, make_example):
    example = make_example(state="published")
    token = give_token(app, example.id)
    assert "/retrait" not in client.get(f"/proposer/suivi/{token}").get_data(as_text=True)
    assert client.get(f"/proposer/suivi/{token}/retrait").status_code == 302
    client.post(f"/proposer/suivi/{token}/retrait")
    assert fresh(app, example.id).state == "published"


def test_changes_requested_can_be_withdrawn(app, client, make_example):
    example = make_example(state="changes_requested")
    token = give_token(app, example.id)
    client.post(f"/proposer/suivi/{token}/retrait")
    assert fresh(app, example.id).state == "withdrawn"


def test_erasing_details_asks_first_then_the_link_explains(app, client):
    submit(client)
    [link] = [u for u in links(body(outbox(app)[0])) if "/proposer/suivi/" in u]
    path = path_of(link)
    assert f'href="{path}/oubli"' in client.get(path).get_data(as_text=True)
    confirm = client.get(path + "/oubli")
    assert confirm.status_code == 200 and "Retirer vos coordonnées ?" in text(confirm)
    assert example_by_title(app, TITLE).submitter_email == "camille@example.org"
    response = client.post(path + "/oubli")
    assert response.status_code == 302 and response.headers["Location"] == path
    example = example_by_title(app, TITLE)
    assert example.submitter_email == "" and example.details_erased_at is not None
    gone = client.get(path)
    page = text(gone)
    assert gone.status_code == 410 and gone.headers["Cache-Control"] == "no-store"
    assert "Vos coordonnées ont été retirées" in page and "À votre demande, le " in page
    assert "ne permet plus de la corriger" in page
    assert TITLE not in page  # the link no longer shows the proposal
    assert client.post(path + "/oubli").status_code == 410
    assert client.get(path + "/retrait").status_code == 410


class TestCsrf:
    @pytest.fixture
    def app_config(self, tmp_path):
        return settings_for(tmp_path, WTF_CSRF_ENABLED=True)

    @pytest.mark.parametrize("step", ["retrait", "oubli"])
    def test_confirmation_carries_the_token(self, app, client, make_example, step):
        example = make_example(state="pending")
        path = f"/proposer/suivi/{give_token(app, example.id)}/{step}"
        assert client.post(path).status_code == 400  # no token: refused
        assert fresh(app, example.id).state == "pending"
        token = hidden(client.get(path).get_data(as_text=True), "csrf_token")
        assert client.post(path, data={"csrf_token": token}).status_code == 302
        changed = fresh(app, example.id)
        assert changed.state == "withdrawn" if step == "retrait" else changed.details_erased_at
