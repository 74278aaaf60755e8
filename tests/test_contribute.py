"""Proposing an example at /proposer and following it at /proposer/suivi/<token>, over HTTP."""

from __future__ import annotations

import logging
import re
import socket

import pytest
import sqlalchemy as sa
from helpers import (
    SMTPRecorder,
    body,
    count_examples,
    described_by,
    error_for,
    events_of,
    example_by_title,
    field_value,
    form_data,
    give_token,
    hidden,
    links,
    outbox,
    path_of,
    settings_for,
)

from catalogue.extensions import db
from catalogue.models import Example, hash_token
from catalogue.validation import first_year_max

TITLE = form_data()["title"]


def submit(client, **overrides):
    return client.post("/proposer", data=form_data(**overrides))


# --- the empty form ------------------------------------------------------------------------


def test_form_has_every_field_with_label_and_limits(client):
    html = client.get("/proposer").get_data(as_text=True)
    for name in (
        "title",
        "summary",
        "description",
        "results",
        "lessons",
        "resources",
        "transferability",
        "locality",
        "start_year",
        "website",
        "contact",
        "submitter_name",
        "submitter_email",
        "submitter_organisation",
        "partners-0-name",
        "partners-0-kind",
        "partners-0-role",
    ):
        assert f'<label class="label" for="{name}">' in html, name
    for name in ("objectives", "scale", "status", "themes", "odd", "regions"):
        assert '<fieldset class="field choices' in html and f'id="{name}"' in html, name
    assert 'name="departements"' in html and "<select" not in html.split('id="departements"')[1][:200]
    assert html.count('name="partners-') == 12  # three empty rows: name, kind, role, organisation
    # limits announced, never enforced by the browser (which would cut pasted text silently)
    assert re.search(r'id="title"[^>]*data-maxlength="200"|data-maxlength="200"[^>]*id="title"', html)
    assert 'data-maxlength="600"' in html and "600 caractères au plus" in html
    assert not re.search(r'id="(title|summary)"[^>]* maxlength=', html)
    assert 'autocomplete="name"' in html and 'autocomplete="email"' in html
    assert 'autocomplete="organization"' in html
    # every objective with its one-line hint, announced with its checkbox
    assert 'aria-describedby="objectives-0-aide"' in html
    assert "Partenariats qui diversifient les ressources" in html
    # the privacy notice: what is kept, who sees it, how to have it deleted
    assert "Vos données personnelles" in html and "modération" in html
    assert "faire supprimer" in html
    assert 'name="terms"' in html
    # the honeypot is hidden from eyes, screen readers and the keyboard
    trap = re.search(
        r'<div class="honeypot visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S
    )
    assert trap and 'tabindex="-1"' in trap.group(1) and 'autocomplete="off"' in trap.group(1)
    assert "state" not in re.findall(r'name="([^"]+)"', html)


# --- a valid submission --------------------------------------------------------------------


def test_valid_submission_waits_for_moderation(app, client, make_user):
    make_user("modo@example.org")
    response = submit(client)
    assert response.status_code == 302
    assert response.headers["Location"] == "/proposer/merci"

    example = example_by_title(app, TITLE)
    assert example.state == "pending"
    assert example.published_at is None
    assert [p.name for p in example.partners] == ["Les Jardins du Thabor", "Ville de Rennes"]
    assert example.regions == ["53"] and example.departements == ["35"] and example.odd == [2, 17]
    assert example.start_year == 2019 and example.website == "https://jardins.example.org/"
    assert (example.submitter_name, example.submitter_email, example.submitter_organisation) == (
        "Camille Martin",
        "camille@example.org",
        "Les Jardins du Thabor",
    )
    assert example.contact_public is False
    [event] = example.events
    assert (event.action, event.from_state, event.to_state, event.actor_id) == (
        "submit",
        None,
        "pending",
        None,
    )
    assert (
        event.snapshot["title"] == TITLE and event.snapshot["partners"][1]["kind"] == "collectivite"
    )

    thanks = client.get("/proposer/merci").get_data(as_text=True)
    assert "Merci pour votre proposition" in thanks and "relire" in thanks
    [link] = re.findall(r'href="(http://localhost/proposer/suivi/[^"]+)"', thanks)
    token = link.rsplit("/", 1)[1]
    assert len(token) >= 22  # at least 128 random bits in URL-safe base64
    assert example.follow_token_hash == hash_token(token) != token

    # nothing is public before a moderator approves it
    assert client.get(f"/exemples/{example.slug}").status_code == 404

    to_submitter, to_moderators = outbox(app)
    assert to_submitter["To"] == "camille@example.org"
    assert link in links(body(to_submitter))
    assert to_moderators["To"] == "modo@example.org"
    assert TITLE in to_moderators["Subject"]
    assert f"http://localhost/moderation/exemples/{example.id}" in links(body(to_moderators))


def test_empty_partner_rows_are_ignored_and_order_kept(app, client):
    response = submit(
        client,
        **{
            "partners-0-name": "",
            "partners-0-kind": "",
            "partners-0-role": "",
            "partners-2-name": "Fondation Ouest",
            "partners-2-kind": "fondation",
        },
    )
    assert response.status_code == 302
    example = example_by_title(app, TITLE)
    assert [(p.name, p.kind) for p in example.partners] == [
        ("Ville de Rennes", "collectivite"),
        ("Fondation Ouest", "fondation"),
    ]


def test_a_departement_alone_adds_its_region(app, client):
    assert submit(client, regions=[], departements=["29", "13"]).status_code == 302
    example = example_by_title(app, TITLE)
    assert example.departements == ["29", "13"] and example.regions == ["53", "93"]


def test_departements_are_checkboxes_grouped_by_region(client):
    html = client.get("/proposer").get_data(as_text=True)
    assert "Maintenez Ctrl" not in html and "<optgroup" not in html
    block = re.search(r'<fieldset class="field departements.*?</fieldset>\s*</details>\s*</fieldset>',
                      html, re.S).group(0)
    groups = re.findall(r'<details class="region-departements"[^>]*>\s*<summary>([^<]+)', block)
    assert len(groups) == 18 and "Bretagne" in groups and "Corse" in groups
    assert block.count('type="checkbox"') == 101
    brittany = re.search(r"<summary>Bretagne</summary>.*?</details>", block, re.S).group(0)
    assert sorted(re.findall(r'value="(\d\w?)"', brittany)) == ["22", "29", "35", "56"]
    assert "Départements : Bretagne" in brittany  # each group's own legend
    # nothing chosen: every group folded, so the list stays short on a phone
    assert "<details class=\"region-departements\" open>" not in block


def test_chosen_departements_stay_open_and_counted_after_an_error(client):
    html = submit(client, title="", departements=["29", "35"]).get_data(as_text=True)
    brittany = re.search(r'<details class="region-departements" open>\s*<summary>Bretagne '
                         r'<span class="chosen-count">\(2 cochés\)</span>', html)
    assert brittany
    assert re.search(r'<input checked id="departements-\d+" name="departements" '
                     r'type="checkbox" value="29">', html)


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("www.example.org", "https://www.example.org"),
        ("  jardins.example.org/projet?id=3  ", "https://jardins.example.org/projet?id=3"),
        ("http://example.org/", "http://example.org/"),
        ("https://example.org/", "https://example.org/"),
    ],
)
def test_a_website_without_scheme_is_read_as_https(app, client, typed, kept):
    assert submit(client, website=typed).status_code == 302
    assert example_by_title(app, TITLE).website == kept


def test_the_website_field_lets_the_browser_accept_a_bare_host(client):
    html = client.get("/proposer").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="website"[^>]*>', html).group(0)
    assert 'type="text"' in field and 'inputmode="url"' in field
    assert "www.exemple.org" in html


REQUIRED = ("title", "summary", "description", "results", "lessons", "objectives", "scale",
            "status", "submitter_name", "submitter_email", "terms")
OPTIONAL = ("resources", "transferability", "start_year", "themes", "odd", "regions",
            "departements", "locality", "website", "contact", "submitter_organisation")


def test_required_fields_say_so_in_their_label(client):
    html = client.get("/proposer").get_data(as_text=True)

    def label_of(name: str) -> str:
        found = re.search(rf'<label[^>]*for="{name}"[^>]*>.*?</label>(.{{0,80}})', html, re.S)
        if found:
            return found.group(0)
        return re.search(rf'id="{name}"[^>]*>\s*<legend[^>]*>(.*?)</legend>', html, re.S).group(0)

    for name in REQUIRED:
        assert "(obligatoire)" in label_of(name), name
    for name in OPTIONAL:
        assert "(obligatoire)" not in label_of(name), name
    assert "(deux au moins)" in html  # the partners


def test_live_counters_come_from_a_static_script(client):
    html = client.get("/proposer").get_data(as_text=True)
    script = re.search(r'<script src="(/static/js/counter\.js)" defer ([^>]*)></script>', html)
    assert script and "Caractères restants : {n}" in script.group(2)
    assert "Caractères en trop : {n}" in script.group(2)
    # no inline script anywhere: the policy stays script-src 'self'
    assert not re.search(r"<script(?![^>]*\bsrc=)(?![^>]*application/ld\+json)", html)
    response = client.get(script.group(1))
    served = response.get_data(as_text=True)
    response.close()
    assert response.status_code == 200 and "data-maxlength" in served
    assert "script-src 'self'" in client.get("/proposer").headers["Content-Security-Policy"]


def test_same_title_twice_gets_two_slugs(app, client):
    assert submit(client).status_code == 302
    assert submit(client).status_code == 302
    with app.app_context():
        slugs = db.session.scalars(sa.select(Example.slug).order_by(Example.id)).all()
    assert len(set(slugs)) == 2 and slugs[1] == slugs[0] + "-2"


def test_contact_is_kept_with_consent(app, client):
    submit(client, contact="Camille, 02 99 00 00 00", contact_public="y")
    example = example_by_title(app, TITLE)
    assert example.contact == "Camille, 02 99 00 00 00" and example.contact_public is True


# --- bad input -----------------------------------------------------------------------------

LONG = "x" * 10_001
NEXT_YEAR = str(first_year_max())

INVALID = [
    ({"title": ""}, "title", "Donnez un titre"),
    ({"title": "   "}, "title", "Donnez un titre"),
    ({"title": "\u200b\u202e"}, "title", "Obligatoire"),  # only invisible characters
    ({"title": "x" * 201}, "title", "200 caractères au plus"),
    ({"summary": ""}, "summary", "résumé"),
    ({"summary": "x" * 601}, "summary", "600 caractères au plus"),
    ({"description": ""}, "description", "contexte"),
    ({"description": LONG}, "description", "10000 caractères au plus"),
    ({"results": ""}, "results", "résultats"),
    ({"results": LONG}, "results", "10000 caractères au plus"),
    ({"lessons": ""}, "lessons", "enseignement"),
    ({"lessons": LONG}, "lessons", "10000 caractères au plus"),
    ({"resources": LONG}, "resources", "10000 caractères au plus"),
    ({"transferability": LONG}, "transferability", "10000 caractères au plus"),
    ({"objectives": []}, "objectives", "entre un et quatre"),
    ({"objectives": ["equilibrer", "nouveau"]}, "objectives", "Choix inconnu : nouveau"),
    ({"scale": None}, "scale", "Choisissez l’échelle"),
    ({"scale": "galactique"}, "scale", "Choix inconnu"),
    ({"regions": ["99"]}, "regions", "Choix inconnu : 99"),
    ({"departements": ["13"]}, "departements", "Hors des régions cochées : Bouches-du-Rhône"),
    ({"departements": ["20"]}, "departements", "Choix inconnu : 20"),
    ({"locality": "x" * 201}, "locality", "200 caractères au plus"),
    (
        {"partners-1-name": "", "partners-1-kind": "", "partners-1-role": ""},
        "partners",
        "au moins 2 partenaires",
    ),
    ({"partners-1-name": ""}, "partners-1-name", "Indiquez le nom de ce partenaire"),
    ({"partners-1-kind": ""}, "partners-1-kind", "Choisissez le type"),
    ({"partners-1-kind": "club"}, "partners-1-kind", "Type de partenaire inconnu"),
    ({"partners-1-name": "\u200b"}, "partners-1-name", "Nom obligatoire"),  # only invisible
    ({"partners-0-name": "x" * 201}, "partners-0-name", "200 caractères au plus"),
    ({"partners-0-role": "x" * 301}, "partners-0-role", "300 caractères au plus"),
    ({"themes": ["astronomie"]}, "themes", "Choix inconnu : astronomie"),
    ({"odd": ["18"]}, "odd", "Choix inconnu : 18"),
    ({"odd": ["un"]}, "odd", "Choix inconnu : un"),
    ({"start_year": "1949"}, "start_year", f"entre 1950 et {NEXT_YEAR}"),
    ({"start_year": str(int(NEXT_YEAR) + 1)}, "start_year", f"entre 1950 et {NEXT_YEAR}"),
    ({"start_year": "deux mille"}, "start_year", "en chiffres"),
    ({"end_year": "2020"}, "end_year", "choisissez le statut « Terminé » ou effacez l’année"),
    ({"status": "termine", "end_year": "2018"}, "end_year",
     "L’année de fin précède l’année de lancement (2019)"),
    ({"status": "termine", "end_year": NEXT_YEAR}, "end_year",
     f"entre 1950 et {int(NEXT_YEAR) - 1}"),
    ({"status": "termine", "end_year": "vingt"}, "end_year", "en chiffres"),
    ({"status": None}, "status", "en cours ou terminée"),
    ({"status": "abandonne"}, "status", "Choix inconnu"),
    ({"website": "javascript:alert(1)"}, "website", "http:// ou https://"),
    ({"website": "ftp://example.org/"}, "website", "http:// ou https://"),
    ({"website": "https://example.org/" + "x" * 490}, "website", "500 caractères au plus"),
    ({"contact": "x" * 201}, "contact", "200 caractères au plus"),
    ({"contact_public": "y", "contact": ""}, "contact_public", "Indiquez le contact"),
    ({"submitter_name": ""}, "submitter_name", "Indiquez votre nom"),
    ({"submitter_name": "x" * 201}, "submitter_name", "200 caractères au plus"),
    ({"submitter_email": ""}, "submitter_email", "Indiquez votre adresse"),
    ({"submitter_email": "pas-une-adresse"}, "submitter_email", "Adresse électronique invalide"),
    ({"submitter_email": "a@" + "b" * 250 + ".fr"}, "submitter_email", "254 caractères au plus"),
    ({"submitter_organisation": "x" * 201}, "submitter_organisation", "200 caractères au plus"),
    ({"terms": None}, "terms", "Acceptez les conditions"),
]


@pytest.mark.parametrize(
    "overrides, field_id, message",
    INVALID,
    ids=[f"{case[1]}-{i}" for i, case in enumerate(INVALID)],
)
def test_bad_input_is_refused_next_to_its_field_keeping_the_rest(
    app, client, overrides, field_id, message
):
    response = submit(client, **overrides)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert count_examples(app) == 0 and outbox(app) == []
    shown = error_for(html, field_id)
    assert shown and message in shown, shown
    # tied to its field and listed in the summary at the top, with a link to the field
    assert f"{field_id}-erreur" in described_by(html, field_id)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert f'href="#{field_id}"' in summary
    # everything else typed is still there, partner rows included
    data = form_data(**overrides)
    for name in ("title", "lessons", "partners-0-name", "partners-1-role", "submitter_email"):
        if name not in overrides:
            assert field_value(html, name) == data[name], name
    if "objectives" not in overrides:
        assert re.search(r'<input[^>]*checked[^>]*value="co-construire"', html)
    if "departements" not in overrides:
        assert re.search(r'<input checked id="departements-\d+" name="departements" '
                         r'type="checkbox" value="35">', html)


def test_next_year_is_a_valid_start_year(app, client):
    assert submit(client, start_year=NEXT_YEAR).status_code == 302


def test_errors_are_french_and_the_summary_counts_them(client):
    html = client.post("/proposer", data={}).get_data(as_text=True)
    assert re.search(r"<h2>\d+ points à corriger</h2>", html)
    assert "This field" not in html and "Not a valid" not in html


# --- more partner rows without JavaScript ---------------------------------------------------


def test_add_partner_button_adds_a_row_and_keeps_everything(app, client):
    data = form_data(**{"partners-2-name": "Fondation Ouest", "partners-2-kind": "fondation"})
    data["add_partner"] = "Ajouter un partenaire"
    html = client.post("/proposer", data=data).get_data(as_text=True)
    assert count_examples(app) == 0
    assert 'name="partners-3-name"' in html and 'name="partners-4-name"' not in html
    assert field_value(html, "partners-2-name") == "Fondation Ouest"
    assert field_value(html, "title") == TITLE
    assert "Une ligne a été ajoutée" in html
    assert "points à corriger" not in html  # adding a row is not a failed submission
    assert 'formaction="/proposer#partners"' in html


def test_at_most_twelve_partners(app, client):
    rows = {}
    for i in range(12):
        rows |= {f"partners-{i}-name": f"Partenaire {i}", f"partners-{i}-kind": "entreprise"}
    html = client.post("/proposer", data=form_data(**rows, add_partner="y")).get_data(as_text=True)
    assert 'name="partners-11-name"' in html and 'name="partners-12-name"' not in html
    assert 'name="add_partner"' not in html and "maximum de douze partenaires" in html
    assert submit(client, **rows).status_code == 302
    assert len(example_by_title(app, TITLE).partners) == 12


# --- spam ----------------------------------------------------------------------------------


def test_honeypot_refuses_with_a_clear_page_and_saves_nothing(app, client, make_user):
    make_user()
    response = submit(client, homepage="http://buy.example.com")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Envoi refusé" in html and "robots" in html
    assert count_examples(app) == 0 and outbox(app) == []


class TestRateLimit:
    @pytest.fixture
    def app_config(self, tmp_path):
        return settings_for(tmp_path, RATELIMIT_ENABLED=True, SUBMIT_RATE_LIMIT="2 per hour")

    def test_submissions_per_address_are_limited(self, app, client):
        for _ in range(3):  # forms sent back for corrections do not count
            assert submit(client, title="").status_code == 200
        assert submit(client).status_code == 302
        assert submit(client).status_code == 302
        response = submit(client)
        assert response.status_code == 429
        assert "Trop de demandes" in response.get_data(as_text=True)
        assert count_examples(app) == 2
        assert client.get("/proposer").status_code == 200  # reading the form is never limited
        other = client.post("/proposer", data=form_data(), environ_base={"REMOTE_ADDR": "10.1.2.3"})
        assert other.status_code == 302

    def test_the_honeypot_counts_against_the_limit(self, app, client):
        for _ in range(2):
            assert submit(client, homepage="spam").status_code == 400
        assert submit(client).status_code == 429
        assert count_examples(app) == 0


# --- CSRF ----------------------------------------------------------------------------------


class TestCsrf:
    @pytest.fixture
    def app_config(self, tmp_path):
        return settings_for(tmp_path, WTF_CSRF_ENABLED=True)

    def test_scraped_token_is_accepted(self, app, client):
        token = hidden(client.get("/proposer").get_data(as_text=True), "csrf_token")
        response = client.post("/proposer", data=form_data(csrf_token=token))
        assert response.status_code == 302
        assert example_by_title(app, TITLE).state == "pending"

    def test_missing_token_reshows_the_filled_form(self, app, client):
        client.get("/proposer")  # a session, as a person would have
        response = submit(client)
        html = response.get_data(as_text=True)
        assert response.status_code == 200
        assert count_examples(app) == 0
        assert "Le formulaire a expiré" in html and "rien n’a été enregistré" in html
        assert field_value(html, "title") == TITLE
        assert field_value(html, "partners-1-name") == "Ville de Rennes"
        # the page carries a fresh token: sending again works
        again = client.post("/proposer", data=form_data(csrf_token=hidden(html, "csrf_token")))
        assert again.status_code == 302 and count_examples(app) == 1

    def test_a_forged_token_is_refused_too(self, app, client):
        client.get("/proposer")
        html = submit(client, csrf_token="forged").get_data(as_text=True)
        assert "Le formulaire a expiré" in html and count_examples(app) == 0

    def test_follow_up_form_reshows_without_token(self, app, client, make_example):
        example = make_example(
            state="changes_requested", moderation_comment="Ajoutez des chiffres."
        )
        token = give_token(app, example.id)
        page = client.get(f"/proposer/suivi/{token}").get_data(as_text=True)
        data = form_data(
            title=example.title, results="Deux tonnes de légumes.", version=hidden(page, "version")
        )
        html = client.post(f"/proposer/suivi/{token}", data=data).get_data(as_text=True)
        assert (
            "Le formulaire a expiré" in html
            and field_value(html, "results") == "Deux tonnes de légumes."
        )
        with app.app_context():
            assert db.session.get(Example, example.id).state == "changes_requested"
        data["csrf_token"] = hidden(html, "csrf_token")
        assert client.post(f"/proposer/suivi/{token}", data=data).status_code == 302
        with app.app_context():
            assert db.session.get(Example, example.id).state == "pending"


# --- the follow-up page --------------------------------------------------------------------


def test_wrong_token_is_404(client, make_example):
    make_example(state="pending")
    assert client.get("/proposer/suivi/nimportequoi").status_code == 404
    assert client.post("/proposer/suivi/nimportequoi", data=form_data()).status_code == 404


def test_follow_up_shows_the_state(app, client, make_example):
    example = make_example(state="pending")
    html = client.get(f"/proposer/suivi/{give_token(app, example.id)}").get_data(as_text=True)
    assert "En attente de modération" in html and example.title in html
    assert 'name="title"' not in html  # nothing to correct
    assert (
        client.get(f"/proposer/suivi/{give_token(app, example.id)}").headers["Cache-Control"]
        == "no-store"
    )


def test_follow_up_of_a_published_example_links_to_it(app, client, make_example):
    example = make_example(state="published")
    html = client.get(f"/proposer/suivi/{give_token(app, example.id)}").get_data(as_text=True)
    assert "Publié" in html and f'href="/exemples/{example.slug}"' in html


def test_follow_up_shows_the_comment_and_a_prefilled_form(app, client, make_example):
    example = make_example(state="changes_requested", moderation_comment="Ajoutez des chiffres.")
    html = client.get(f"/proposer/suivi/{give_token(app, example.id)}").get_data(as_text=True)
    assert "Modifications demandées" in html and "Ajoutez des chiffres." in html
    assert field_value(html, "title") == example.title
    assert field_value(html, "partners-1-name") == "Ville de Rennes"
    assert 'name="partners-2-name"' in html  # one empty row to add a partner
    assert re.search(r'<input[^>]*checked[^>]*value="co-construire"', html)


def test_resubmission_returns_to_pending_and_tells_moderators(app, client, make_example, make_user):
    make_user()
    example = make_example(state="changes_requested", moderation_comment="Ajoutez des chiffres.")
    token = give_token(app, example.id)
    page = client.get(f"/proposer/suivi/{token}").get_data(as_text=True)
    data = form_data(
        title=example.title,
        results="Deux tonnes de légumes en 2023.",
        version=hidden(page, "version"),
        note="J’ai ajouté les chiffres.",
    )
    response = client.post(f"/proposer/suivi/{token}", data=data)
    assert (
        response.status_code == 302 and response.headers["Location"] == f"/proposer/suivi/{token}"
    )
    after = example_by_title(app, example.title)
    assert after.state == "pending" and after.results == "Deux tonnes de légumes en 2023."
    resubmit = after.events[-1]
    assert (resubmit.action, resubmit.from_state, resubmit.to_state) == (
        "resubmit",
        "changes_requested",
        "pending",
    )
    assert resubmit.snapshot["results"] == "Deux tonnes de légumes en 2023."
    assert resubmit.comment == "J’ai ajouté les chiffres."
    [mail] = outbox(app)
    assert mail["To"] == "modo@example.org" and "corrigé" in mail["Subject"]
    html = client.get(f"/proposer/suivi/{token}").get_data(as_text=True)
    assert "vos corrections sont envoyées" in html and "En attente de modération" in html
    # a second post changes nothing: the example no longer waits for corrections
    client.post(f"/proposer/suivi/{token}", data=data)
    assert [a for a, _, _ in events_of(app, example.id)] == ["import", "resubmit"]


def test_resubmission_with_errors_keeps_what_was_typed(app, client, make_example):
    example = make_example(state="changes_requested", moderation_comment="Précisez.")
    token = give_token(app, example.id)
    data = form_data(title="", results="Nouveaux chiffres.")
    html = client.post(f"/proposer/suivi/{token}", data=data).get_data(as_text=True)
    assert error_for(html, "title") and field_value(html, "results") == "Nouveaux chiffres."
    assert example_by_title(app, example.title).state == "changes_requested"


def test_resubmission_on_an_old_version_is_refused(app, client, make_example):
    example = make_example(state="changes_requested", moderation_comment="Précisez.")
    token = give_token(app, example.id)  # this commit already moved the version on
    data = form_data(
        title=example.title, results="Nouveaux chiffres.", version=str(example.version)
    )
    response = client.post(f"/proposer/suivi/{token}", data=data)
    assert response.status_code == 409
    assert "modifié entre-temps" in response.get_data(as_text=True)
    assert example_by_title(app, example.title).state == "changes_requested"


def test_the_contributor_can_erase_their_details(app, client):
    submit(client, contact="Camille, 02 99 00 00 00", contact_public="y")
    [link] = [u for u in links(body(outbox(app)[0])) if "/proposer/suivi/" in u]
    page = client.get(path_of(link)).get_data(as_text=True)
    assert "Retirer mes coordonnées" in page
    response = client.post(path_of(link) + "/oubli")
    assert response.status_code == 302
    example = example_by_title(app, TITLE)
    assert (example.submitter_name, example.submitter_email, example.submitter_organisation) == (
        "",
        "",
        "",
    )
    assert example.contact == "" and example.contact_public is False
    assert example.state == "pending" and example.summary == form_data()["summary"]
    event = example.events[-1]
    assert event.action == "edit" and event.actor_id is None and "à sa demande" in event.comment
    assert client.get(path_of(link)).status_code == 410  # explained: tests/test_follow_up.py
    assert "/proposer/suivi/" not in client.get("/proposer/merci").get_data(as_text=True)


# --- mail ----------------------------------------------------------------------------------


def test_mail_goes_to_the_log_by_default(app, client, caplog):
    with caplog.at_level(logging.INFO, logger="catalogue.mail"):
        submit(client)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name == "catalogue.mail")
    assert "To: camille@example.org" in logged
    assert "http://localhost/proposer/suivi/" in logged


def test_mail_goes_through_smtp_when_configured(app, client, make_user):
    make_user()
    with SMTPRecorder() as smtp:
        app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_USE_TLS=False)
        assert submit(client).status_code == 302
    recipients = sorted(m["To"] for m in smtp.messages)
    assert recipients == ["camille@example.org", "modo@example.org"]
    received = next(m for m in smtp.messages if m["To"] == "camille@example.org")
    assert "proposer/suivi/" in received.get_payload(decode=True).decode()


def test_a_mail_failure_never_loses_the_submission(app, client, caplog):
    with socket.socket() as probe:  # a port where nobody listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_USE_TLS=False)
    with caplog.at_level(logging.ERROR, logger="catalogue.mail"):
        response = submit(client)
    assert response.status_code == 302
    assert example_by_title(app, TITLE).state == "pending"
    assert any("could not send mail" in r.getMessage() for r in caplog.records)
    assert "/proposer/suivi/" in client.get("/proposer/merci").get_data(as_text=True)


def test_a_title_cannot_forge_mail_headers(app, client, make_user):
    make_user()
    # the title field keeps no line break, but a moderator's subject must never break either
    submit(client, title="Titre\r\nBcc: victim@example.org")
    for message in outbox(app):
        assert "Bcc" not in message.keys()


def test_follow_link_in_the_mail_opens_the_follow_page(app, client):
    submit(client)
    [link] = [u for u in links(body(outbox(app)[0])) if "/proposer/suivi/" in u]
    assert client.get(path_of(link)).status_code == 200
