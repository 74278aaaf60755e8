"""Moderation over HTTP: the queue, review and decisions, edits, the journal, accounts, access."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from helpers import (
    PASSWORD,
    body,
    error_for,
    events_of,
    field_value,
    form_data,
    found,
    fresh,
    hidden,
    links,
    outbox,
    path_of,
)

from catalogue.extensions import db
from catalogue.models import Example, ModerationEvent, User

MODERATOR = "modo@example.org"
ADMIN = "admin@example.org"


@pytest.fixture
def moderator(app, make_user):
    """Return a client logged in as a moderator."""
    make_user(MODERATOR, display_name="Dominique Modo")
    client = app.test_client()
    assert (
        client.post("/connexion", data={"email": MODERATOR, "password": PASSWORD}).status_code
        == 302
    )
    return client


@pytest.fixture
def admin(app, make_user):
    make_user(ADMIN, role="admin")
    client = app.test_client()
    assert client.post("/connexion", data={"email": ADMIN, "password": PASSWORD}).status_code == 302
    return client


def decide(client, example, action, comment="", version=None):
    return client.post(
        f"/moderation/exemples/{example.id}/decision",
        data={
            "action": action,
            "comment": comment,
            "version": example.version if version is None else version,
        },
    )


def state_of(app, example_id) -> str:
    with app.app_context():
        return db.session.get(Example, example_id).state


# --- the whole journey ---------------------------------------------------------------------


def test_the_whole_journey(app, client, moderator):
    """Submit, correct on request, approve, archive: visibility and search follow each step."""
    title = "Des cyclopousses pour les aînés d’un quartier rennais"
    assert client.post("/proposer", data=form_data(title=title)).status_code == 302
    with app.app_context():
        example = db.session.scalar(sa.select(Example).where(Example.title == title))
        example_id, slug = example.id, example.slug
    assert client.get(f"/exemples/{slug}").status_code == 404
    assert example_id not in found(app, "cyclopousses")

    # the moderator asks for changes; the comment is mailed with a private link
    page = moderator.get(f"/moderation/exemples/{example_id}").get_data(as_text=True)
    assert "camille@example.org" in page and "Camille Martin" in page  # private fields
    outbox(app).clear()
    response = moderator.post(
        f"/moderation/exemples/{example_id}/decision",
        data={
            "action": "request_changes",
            "version": hidden(page, "version"),
            "comment": "Pouvez-vous chiffrer le nombre de trajets ?",
        },
    )
    assert response.status_code == 302
    assert state_of(app, example_id) == "changes_requested"
    [mail] = outbox(app)
    assert mail["To"] == "camille@example.org"
    assert "Pouvez-vous chiffrer le nombre de trajets ?" in body(mail)
    [link] = [u for u in links(body(mail)) if "/proposer/suivi/" in u]

    # the contributor corrects through the link from the mail
    contributor = app.test_client()
    follow = contributor.get(path_of(link)).get_data(as_text=True)
    assert "Pouvez-vous chiffrer le nombre de trajets ?" in follow
    response = contributor.post(
        path_of(link),
        data=form_data(
            title=title,
            results="Huit cents trajets la première année.",
            version=hidden(follow, "version"),
        ),
    )
    assert response.status_code == 302
    assert state_of(app, example_id) == "pending"
    assert client.get(f"/exemples/{slug}").status_code == 404

    # the moderator sees what changed, then approves: public and searchable at once
    page = moderator.get(f"/moderation/exemples/{example_id}").get_data(as_text=True)
    assert "Ce qui a changé depuis la version précédente" in page
    assert re.search(r"<ins>.*Huit cents trajets", page)
    outbox(app).clear()
    response = moderator.post(
        f"/moderation/exemples/{example_id}/decision",
        data={"action": "approve", "version": hidden(page, "version"), "comment": ""},
    )
    assert response.status_code == 302
    assert client.get(f"/exemples/{slug}").status_code == 200
    assert example_id in found(app, "cyclopousses")
    [mail] = outbox(app)
    assert f"http://localhost/exemples/{slug}" in links(body(mail))

    # archived: gone from the public site and the search
    page = moderator.get(f"/moderation/exemples/{example_id}").get_data(as_text=True)
    response = moderator.post(
        f"/moderation/exemples/{example_id}/decision",
        data={"action": "archive", "version": hidden(page, "version"), "comment": ""},
    )
    assert response.status_code == 302
    assert client.get(f"/exemples/{slug}").status_code == 404
    assert example_id not in found(app, "cyclopousses")

    assert [a for a, _, _ in events_of(app, example_id)] == [
        "submit",
        "request_changes",
        "resubmit",
        "approve",
        "archive",
    ]


def test_rejection_is_mailed_and_never_public(app, client, moderator, make_example):
    example = make_example(
        state="pending",
        submitter_email="camille@example.org",
        title="Une alliance introuvable pour les cyclopousses",
    )
    response = decide(moderator, example, "reject", "Cet exemple sort du champ du catalogue.")
    assert response.status_code == 302
    after = fresh(app, example.id)
    assert after.state == "rejected" and after.published_at is None
    event = after.events[-1]
    assert (event.action, event.from_state, event.to_state) == ("reject", "pending", "rejected")
    assert (
        event.actor.email == MODERATOR
        and event.comment == "Cet exemple sort du champ du catalogue."
    )
    [mail] = outbox(app)
    assert mail["To"] == "camille@example.org"
    assert "Cet exemple sort du champ du catalogue." in body(mail)
    assert client.get(f"/exemples/{example.slug}").status_code == 404
    assert example.id not in found(app, "cyclopousses")


# --- decisions -----------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["reject", "request_changes"])
def test_a_comment_is_required_to_reject_or_request_changes(app, moderator, make_example, action):
    example = make_example(state="pending")
    response = decide(moderator, example, action, "   ")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Un commentaire est nécessaire" in (error_for(html, "comment") or "")
    assert state_of(app, example.id) == "pending" and outbox(app) == []


def test_review_offers_the_decisions_of_the_state(moderator, make_example):
    pending = moderator.get(f"/moderation/exemples/{make_example(state='pending').id}")
    html = pending.get_data(as_text=True)
    assert all(f'value="{a}"' in html for a in ("approve", "request_changes", "reject"))
    assert 'value="archive"' not in html
    html = moderator.get(f"/moderation/exemples/{make_example(state='published').id}").get_data(
        as_text=True
    )
    assert 'value="archive"' in html and 'value="approve"' not in html


def test_an_impossible_move_changes_nothing(app, moderator, make_example):
    example = make_example(state="pending")
    response = decide(moderator, example, "archive")
    assert response.status_code == 409
    assert "n’est pas possible" in response.get_data(as_text=True)
    assert state_of(app, example.id) == "pending"
    assert decide(moderator, example, "teleport").status_code == 400


def test_two_moderators_deciding_on_the_same_version(app, moderator, make_user, make_example):
    make_user("autre@example.org")
    other = app.test_client()
    other.post("/connexion", data={"email": "autre@example.org", "password": PASSWORD})
    example = make_example(state="pending")
    first = moderator.get(f"/moderation/exemples/{example.id}").get_data(as_text=True)
    second = other.get(f"/moderation/exemples/{example.id}").get_data(as_text=True)
    assert hidden(first, "version") == hidden(second, "version")

    assert (
        decide(moderator, example, "approve", version=hidden(first, "version")).status_code == 302
    )
    events = events_of(app, example.id)
    response = decide(other, example, "reject", "Hors sujet.", version=hidden(second, "version"))
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "modifié entre-temps" in html and "Décision non enregistrée" in html
    assert "Hors sujet." in html  # the comment typed is kept
    assert state_of(app, example.id) == "published"
    assert events_of(app, example.id) == events


def test_a_concurrent_commit_is_caught_as_stale(app, moderator, make_example):
    """Another process updates the row between our read and our write: StaleDataError."""
    example = make_example(state="pending")
    fired = []

    def meddle(session, flush_context, instances):
        if not fired:
            fired.append(True)
            with db.engine.begin() as connection:
                connection.execute(
                    sa.text("UPDATE example SET version = version + 1 WHERE id = :id"),
                    {"id": example.id},
                )

    sa.event.listen(db.session, "before_flush", meddle)
    try:
        response = decide(moderator, example, "approve")
    finally:
        sa.event.remove(db.session, "before_flush", meddle)
    assert fired
    assert response.status_code == 409
    assert "modifié entre-temps" in response.get_data(as_text=True)
    assert state_of(app, example.id) == "pending"
    assert [a for a, _, _ in events_of(app, example.id)] == ["import"]


def test_archive_and_restore(app, client, moderator, make_example):
    example = make_example(state="published", title="Le bus des cyclopousses solidaires")
    assert example.id in found(app, "cyclopousses")
    assert decide(moderator, example, "archive").status_code == 302
    assert client.get(f"/exemples/{example.slug}").status_code == 404
    assert example.id not in found(app, "cyclopousses")
    example = fresh(app, example.id)
    assert decide(moderator, example, "restore").status_code == 302
    assert client.get(f"/exemples/{example.slug}").status_code == 200
    assert example.id in found(app, "cyclopousses")


def test_moderators_may_preview_unpublished_examples(client, moderator, make_example):
    example = make_example(state="pending")
    assert client.get(f"/exemples/{example.slug}").status_code == 404
    response = moderator.get(f"/exemples/{example.slug}")
    assert response.status_code == 200 and "Aperçu" in response.get_data(as_text=True)


# --- the queue -----------------------------------------------------------------------------


def set_created(app, example_id, days_ago):
    with app.app_context():
        db.session.execute(
            sa.update(Example)
            .where(Example.id == example_id)
            .values(created_at=datetime.now(UTC) - timedelta(days=days_ago))
        )
        db.session.commit()


def test_queue_counts_states_and_lists_oldest_pending_first(app, moderator, make_example):
    make_example(state="pending", title="Récent : une épicerie solidaire")
    older = make_example(state="pending", title="Ancien : un tiers-lieu rural")
    set_created(app, older.id, 10)
    make_example(state="published")
    make_example(state="rejected")
    html = moderator.get("/moderation/").get_data(as_text=True)
    assert 'En attente de modération <span class="count">(2)</span>' in html
    assert 'Publié <span class="count">(1)</span>' in html
    assert 'Refusé <span class="count">(1)</span>' in html
    assert html.index("Ancien : un tiers-lieu rural") < html.index(
        "Récent : une épicerie solidaire"
    )
    html = moderator.get("/moderation/?etat=published").get_data(as_text=True)
    assert "Récent" not in html and 'aria-current="page">Publié' in html


@pytest.mark.parametrize(
    "q, expected",
    [
        ("tiers-lieu", ["Un tiers-lieu rural"]),
        ("CONSERVERIE", ["Une conserverie"]),  # in the summary
        ("Amicale des Lilas", ["Un tiers-lieu rural"]),  # the submitter's organisation
        ("100%", []),  # LIKE wildcards are plain characters
    ],
)
def test_search_inside_the_queue(moderator, make_example, q, expected):
    make_example(
        state="pending", title="Un tiers-lieu rural", submitter_organisation="Amicale des Lilas"
    )
    make_example(state="pending", title="Une conserverie", summary="Une conserverie partagée.")
    html = moderator.get("/moderation/", query_string={"q": q}).get_data(as_text=True)
    shown = re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html)
    assert shown == expected


def test_queue_is_paginated(app, moderator, make_example):
    for i in range(21):
        make_example(state="pending", title=f"Exemple numéro {i:02d}")
    first = moderator.get("/moderation/").get_data(as_text=True)
    second = moderator.get("/moderation/?page=2").get_data(as_text=True)
    assert first.count('<th scope="row">') == 20 and second.count('<th scope="row">') == 1
    assert 'href="/moderation/?etat=pending&amp;page=2"' in first


def test_bulk_approve(app, client, moderator, make_example):
    a = make_example(state="pending", title="Premier à publier")
    b = make_example(state="pending", title="Second à publier")
    c = make_example(state="pending", title="Modifié entre-temps")
    html = moderator.get("/moderation/").get_data(as_text=True)
    boxes = re.findall(r'name="ids" value="([^"]+)"', html)
    assert len(boxes) == 3
    with app.app_context():  # someone edits `c` after the page was shown
        db.session.get(Example, c.id).summary = "Résumé changé."
        db.session.commit()
    response = moderator.post("/moderation/publier", data={"ids": boxes})
    assert response.status_code == 302
    assert [state_of(app, x.id) for x in (a, b, c)] == ["published", "published", "pending"]
    html = moderator.get(response.headers["Location"]).get_data(as_text=True)
    assert (
        "2 exemples publiés." in html
        and "« Modifié entre-temps » : Cet exemple a été modifié" in html
    )
    assert client.get(f"/exemples/{a.slug}").status_code == 200
    assert [e for e in events_of(app, a.id)][-1] == ("approve", "pending", "published")


# --- editing -------------------------------------------------------------------------------


def test_edit_any_field_keeps_the_state(app, client, moderator, make_example):
    example = make_example(state="published", submitter_email="camille@example.org")
    page = moderator.get(f"/moderation/exemples/{example.id}/modifier").get_data(as_text=True)
    assert field_value(page, "title") == example.title
    assert field_value(page, "submitter_email") == "camille@example.org"
    data = form_data(
        title="Un verger partagé de cyclopousses",
        version=hidden(page, "version"),
        note="Titre précisé.",
    )
    data.pop("terms")
    response = moderator.post(f"/moderation/exemples/{example.id}/modifier", data=data)
    assert response.status_code == 302
    after = fresh(app, example.id)
    assert after.state == "published" and after.title == "Un verger partagé de cyclopousses"
    assert after.version > example.version
    event = after.events[-1]
    assert (event.action, event.from_state, event.to_state, event.comment) == (
        "edit",
        "published",
        "published",
        "Titre précisé.",
    )
    assert event.actor.email == MODERATOR and event.snapshot["title"] == after.title
    assert example.id in found(app, "verger cyclopousses")
    assert client.get(f"/exemples/{example.slug}").status_code == 200


def test_an_imported_example_without_submitter_can_be_edited(app, moderator, make_example):
    example = make_example(state="published")  # imported: no submitter details
    page = moderator.get(f"/moderation/exemples/{example.id}/modifier").get_data(as_text=True)
    assert 'autocomplete="name"' not in page and 'autocomplete="email"' not in page
    data = form_data(
        title="Titre revu",
        version=hidden(page, "version"),
        submitter_name="",
        submitter_email="",
        submitter_organisation="",
    )
    response = moderator.post(f"/moderation/exemples/{example.id}/modifier", data=data)
    assert response.status_code == 302
    assert fresh(app, example.id).title == "Titre revu"


def test_edit_with_errors_or_an_old_version_changes_nothing(app, moderator, make_example):
    example = make_example(state="pending")
    html = moderator.post(
        f"/moderation/exemples/{example.id}/modifier",
        data=form_data(title="", version=example.version),
    ).get_data(as_text=True)
    assert error_for(html, "title")
    decide(moderator, example, "approve")
    response = moderator.post(
        f"/moderation/exemples/{example.id}/modifier",
        data=form_data(title="Nouveau titre", version=example.version),
    )
    assert response.status_code == 409 and "modifié entre-temps" in response.get_data(as_text=True)
    assert fresh(app, example.id).title == example.title


def test_edit_form_adds_partner_rows_without_javascript(moderator, make_example):
    example = make_example(state="pending")
    data = form_data(add_partner="y", version=example.version)
    html = moderator.post(f"/moderation/exemples/{example.id}/modifier", data=data).get_data(
        as_text=True
    )
    assert 'name="partners-3-name"' in html


# --- the journal ---------------------------------------------------------------------------


def test_journal_lists_events_newest_first_and_filters(app, moderator, make_user, make_example):
    a = make_example(state="pending", title="Alliance A")
    b = make_example(state="pending", title="Alliance B")
    decide(moderator, a, "approve")
    decide(moderator, b, "reject", "Hors champ.")
    html = moderator.get("/moderation/journal").get_data(as_text=True)
    table = html[html.index('<table class="journal">') :]
    assert table.index("Hors champ.") < table.index("Importé")
    assert "Dominique Modo" in html and "4 événements" in html

    with app.app_context():
        modo_id = db.session.scalar(sa.select(User.id).where(User.email == MODERATOR))
    html = moderator.get("/moderation/journal", query_string={"acteur": modo_id}).get_data(
        as_text=True
    )
    assert "2 événements" in html and "Importé" not in html[html.index('<table class="journal">') :]
    html = moderator.get("/moderation/journal", query_string={"action": "reject"}).get_data(
        as_text=True
    )
    assert "1 événement," in html and "Alliance B" in html
    html = moderator.get("/moderation/journal", query_string={"acteur": "contributeur"}).get_data(
        as_text=True
    )
    assert "2 événements" in html

    today = datetime.now(UTC).date()
    html = moderator.get(
        "/moderation/journal",
        query_string={
            "du": (today - timedelta(days=1)).isoformat(),
            "au": (today + timedelta(days=1)).isoformat(),
        },
    ).get_data(as_text=True)
    assert "4 événements" in html
    html = moderator.get(
        "/moderation/journal", query_string={"du": (today + timedelta(days=2)).isoformat()}
    ).get_data(as_text=True)
    assert "Aucun événement" in html
    html = moderator.get(
        "/moderation/journal",
        query_string={"du": today.isoformat(), "au": (today - timedelta(days=3)).isoformat()},
    ).get_data(as_text=True)
    assert "La date de fin précède la date de début." in html


def test_journal_is_paginated(app, moderator, make_example):
    for i in range(21):
        make_example(state="pending", title=f"Exemple {i}")
    html = moderator.get("/moderation/journal?action=import").get_data(as_text=True)
    assert 'href="/moderation/journal?action=import&amp;page=2"' in html
    html = moderator.get("/moderation/journal?action=import&page=2").get_data(as_text=True)
    assert html.count("<time ") == 1


# --- accounts ------------------------------------------------------------------------------


def test_admin_creates_an_account(app, admin):
    response = admin.post(
        "/moderation/utilisateurs",
        data={
            "email": " Nouvelle@Example.org",
            "display_name": "Nouvelle",
            "role": "moderator",
            "password": "une phrase assez longue",
            "confirm": "une phrase assez longue",
        },
    )
    assert response.status_code == 302
    other = app.test_client()
    assert (
        other.post(
            "/connexion",
            data={"email": "nouvelle@example.org", "password": "une phrase assez longue"},
        ).status_code
        == 302
    )
    html = admin.get("/moderation/utilisateurs").get_data(as_text=True)
    assert "nouvelle@example.org" in html


@pytest.mark.parametrize(
    "data, field_id, message",
    [
        ({"email": "admin@example.org"}, "email", "existe déjà"),
        ({"email": "pas-une-adresse"}, "email", "invalide"),
        ({"password": "court", "confirm": "court"}, "password", "Entre 12 et 200"),
        ({"confirm": "autre chose encore"}, "confirm", "diffèrent"),
    ],
)
def test_account_creation_errors(admin, data, field_id, message):
    fields = {
        "email": "x@example.org",
        "role": "moderator",
        "password": "une phrase assez longue",
        "confirm": "une phrase assez longue",
        **data,
    }
    response = admin.post("/moderation/utilisateurs", data=fields)
    assert response.status_code == 400
    assert message in (error_for(response.get_data(as_text=True), field_id) or "")


def test_admin_changes_role_and_deactivates(app, admin, make_user):
    user = make_user(MODERATOR)
    admin.post(f"/moderation/utilisateurs/{user.id}/role", data={"role": "admin"})
    with app.app_context():
        assert db.session.get(User, user.id).role == "admin"
    admin.post(f"/moderation/utilisateurs/{user.id}/activation", data={"active": "0"})
    with app.app_context():
        assert db.session.get(User, user.id).active is False
    admin.post(f"/moderation/utilisateurs/{user.id}/activation", data={"active": "1"})
    with app.app_context():
        assert db.session.get(User, user.id).active is True


def test_the_last_admin_stays(app, admin):
    with app.app_context():
        me = db.session.scalar(sa.select(User).where(User.email == ADMIN))
    response = admin.post(
        f"/moderation/utilisateurs/{me.id}/activation", data={"active": "0"}, follow_redirects=True
    )
    assert "propre compte" in response.get_data(as_text=True)
    response = admin.post(
        f"/moderation/utilisateurs/{me.id}/role", data={"role": "moderator"}, follow_redirects=True
    )
    assert "dernier compte d’administration" in response.get_data(as_text=True)
    with app.app_context():
        me = db.session.get(User, me.id)
        assert me.active and me.role == "admin"


def test_moderation_pages_are_french_and_not_indexed(moderator, make_example):
    example = make_example(state="pending")
    html = moderator.get(f"/moderation/exemples/{example.id}").get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in html
    assert "Journal de cet exemple" in html and "Importé" in html


def test_event_snapshots_are_kept(app, moderator, make_example):
    example = make_example(state="pending")
    decide(moderator, example, "approve")
    with app.app_context():
        events = db.session.scalars(sa.select(ModerationEvent).order_by(ModerationEvent.id)).all()
        assert [e.snapshot is not None for e in events] == [True, False]
