"""Contact the people behind an example: the contributor's consent, the relay, its limits, its log."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from helpers import body, example_by_title, form_data, links, outbox, path_of
from test_contribute import TITLE, submit

from catalogue.extensions import db
from catalogue.models import Example
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
    [saved] = json.loads(backup.read_text())
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
