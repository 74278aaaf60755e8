"""Accounts: login and logout, sessions that end, throttling, and the create-user command."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, hidden, settings_for

from catalogue.extensions import db
from catalogue.models import User

MODERATOR = "modo@example.org"
ADMIN = "admin@example.org"


def logged_in(client) -> bool:
    return client.get("/moderation/").status_code == 200


def test_login_page_has_labelled_fields(client):
    html = client.get("/connexion").get_data(as_text=True)
    assert (
        '<label class="label" for="email">' in html
        and '<label class="label" for="password">' in html
    )
    assert 'autocomplete="current-password"' in html and 'autocomplete="username"' in html


def test_login_and_logout(app, client, auth, make_user):
    make_user(MODERATOR)
    response = auth.login()
    assert response.status_code == 302 and response.headers["Location"] == "/moderation/"
    assert logged_in(client)
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.email == MODERATOR)).last_login_at
    response = auth.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert not logged_in(client)
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_logout_only_by_post(client):
    assert client.get("/deconnexion").status_code == 405


@pytest.mark.parametrize(
    "email, password",
    [
        ("inconnu@example.org", PASSWORD),
        (MODERATOR, "wrong password!"),
    ],
)
def test_wrong_email_or_password_gets_one_generic_message(client, auth, make_user, email, password):
    make_user(MODERATOR)
    response = auth.login(email, password)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in html
    assert hidden(html, "email") == email  # the address is kept, never the password
    assert 'value="' + password not in html
    assert not logged_in(client)


def test_email_case_and_spaces_do_not_matter(client, auth, make_user):
    make_user(MODERATOR)
    assert auth.login("  Modo@Example.ORG ").status_code == 302


def test_inactive_user_cannot_log_in(client, auth, make_user):
    make_user(MODERATOR, active=False)
    html = auth.login().get_data(as_text=True)
    assert "Adresse électronique ou mot de passe incorrect." in html
    assert not logged_in(client)


def test_login_starts_a_fresh_session(client, auth, make_user):
    make_user(MODERATOR)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login()
    with client.session_transaction() as session:
        assert "planted" not in session and ":" in session["_user_id"]  # id:nonce


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/moderation/journal", "/moderation/journal"),
        ("/moderation/?etat=published", "/moderation/?etat=published"),
        ("//evil.example.com/", "/moderation/"),
        ("https://evil.example.com/", "/moderation/"),
        ("/\\evil.example.com", "/moderation/"),
        ("javascript:alert(1)", "/moderation/"),
        ("/\tevil", "/moderation/"),
        ("", "/moderation/"),
    ],
)
def test_next_goes_only_to_local_paths(client, make_user, target, expected):
    make_user(MODERATOR)
    response = client.post(
        "/connexion", data={"email": MODERATOR, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302 and response.headers["Location"] == expected


def test_login_page_carries_next_from_the_redirect(client, make_user):
    make_user(MODERATOR)
    response = client.get("/moderation/journal")
    assert response.status_code == 302 and response.headers["Location"].startswith(
        "/connexion?next="
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert hidden(html, "next") == "/moderation/journal"
    response = client.post(
        "/connexion", data={"email": MODERATOR, "password": PASSWORD, "next": hidden(html, "next")}
    )
    assert response.headers["Location"] == "/moderation/journal"


# --- sessions that end ---------------------------------------------------------------------


def test_changing_ones_password_ends_the_other_sessions(app, auth, make_user):
    make_user(MODERATOR)
    here, elsewhere = app.test_client(), app.test_client()
    for client in (here, elsewhere):
        client.post("/connexion", data={"email": MODERATOR, "password": PASSWORD})
        assert logged_in(client)
    new = "a brand new passphrase"
    response = here.post(
        "/moderation/mot-de-passe", data={"current": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert logged_in(here)
    assert not logged_in(elsewhere)
    assert (
        elsewhere.post("/connexion", data={"email": MODERATOR, "password": new}).status_code == 302
    )


def test_wrong_current_password_changes_nothing(client, auth, make_user):
    make_user(MODERATOR)
    auth.login()
    response = client.post(
        "/moderation/mot-de-passe",
        data={
            "current": "not my password",
            "password": "another long one",
            "confirm": "another long one",
        },
    )
    assert "Mot de passe actuel incorrect." in response.get_data(as_text=True)
    auth.logout()
    assert auth.login().status_code == 302


def test_new_password_needs_twelve_characters_typed_twice(client, auth, make_user):
    make_user(MODERATOR)
    auth.login()
    html = client.post(
        "/moderation/mot-de-passe",
        data={"current": PASSWORD, "password": "short", "confirm": "other"},
    ).get_data(as_text=True)
    assert "Entre 12 et 200 caractères." in html and "Les deux mots de passe diffèrent." in html


def test_deactivated_user_is_logged_out_at_the_next_request(app, auth, make_user):
    make_user(ADMIN, role="admin")
    target = make_user(MODERATOR)
    admin, moderator = app.test_client(), app.test_client()
    admin.post("/connexion", data={"email": ADMIN, "password": PASSWORD})
    moderator.post("/connexion", data={"email": MODERATOR, "password": PASSWORD})
    assert logged_in(moderator)
    admin.post(f"/moderation/utilisateurs/{target.id}/activation", data={"active": "0"})
    response = moderator.get("/moderation/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/connexion")


def test_a_password_reset_by_an_admin_ends_the_users_sessions(app, make_user):
    make_user(ADMIN, role="admin")
    target = make_user(MODERATOR)
    admin, moderator = app.test_client(), app.test_client()
    admin.post("/connexion", data={"email": ADMIN, "password": PASSWORD})
    moderator.post("/connexion", data={"email": MODERATOR, "password": PASSWORD})
    new = "given by the admin 2024"
    response = admin.post(
        f"/moderation/utilisateurs/{target.id}/mot-de-passe", data={"password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert not logged_in(moderator)
    assert (
        moderator.post("/connexion", data={"email": MODERATOR, "password": new}).status_code == 302
    )


# --- throttling and CSRF -------------------------------------------------------------------


class TestLoginThrottle:
    @pytest.fixture
    def app_config(self, tmp_path):
        # Per hour: no window ends mid-test, however slow the machine.
        return settings_for(tmp_path, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per hour")

    def test_failed_logins_per_address_are_limited(self, client, make_user):
        make_user(MODERATOR)
        for i in range(3):
            assert (
                client.post(
                    "/connexion", data={"email": f"x{i}@example.org", "password": "nope"}
                ).status_code
                == 200
            )
        response = client.post("/connexion", data={"email": MODERATOR, "password": PASSWORD})
        assert response.status_code == 429
        assert "Trop de demandes" in response.get_data(as_text=True)

    def test_case_and_spaces_in_the_email_do_not_buy_attempts(self, client, make_user):
        make_user(MODERATOR)
        variants = ["modo@example.org", "MODO@example.org", " m o d o@Example.org "]
        for i, email in enumerate(variants):  # from three addresses: only the email is common
            response = client.post(
                "/connexion",
                data={"email": email, "password": "nope"},
                environ_base={"REMOTE_ADDR": f"10.0.0.{i + 1}"},
            )
            assert response.status_code == 200
        response = client.post(
            "/connexion",
            data={"email": "Modo@Example.org", "password": PASSWORD},
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
        )
        assert response.status_code == 429

    def test_successful_logins_do_not_count(self, client, auth, make_user):
        make_user(MODERATOR)
        for _ in range(5):
            assert auth.login().status_code == 302
            auth.logout()


class TestCsrfOn:
    @pytest.fixture
    def app_config(self, tmp_path):
        return settings_for(tmp_path, WTF_CSRF_ENABLED=True)

    def test_login_without_token_is_refused(self, client, make_user):
        make_user(MODERATOR)
        response = client.post("/connexion", data={"email": MODERATOR, "password": PASSWORD})
        assert response.status_code == 400
        assert "Le formulaire a expiré" in response.get_data(as_text=True)
        assert not logged_in(client)

    def test_login_and_logout_with_scraped_tokens(self, client, make_user):
        make_user(MODERATOR)
        token = hidden(client.get("/connexion").get_data(as_text=True), "csrf_token")
        response = client.post(
            "/connexion", data={"email": MODERATOR, "password": PASSWORD, "csrf_token": token}
        )
        assert response.status_code == 302 and logged_in(client)
        assert client.post("/deconnexion").status_code == 400  # no token: still logged in
        assert logged_in(client)
        page = client.get("/moderation/").get_data(as_text=True)
        response = client.post("/deconnexion", data={"csrf_token": hidden(page, "csrf_token")})
        assert response.status_code == 302 and not logged_in(client)


# --- create-user ---------------------------------------------------------------------------


def test_create_user_from_a_password_file(app, runner, tmp_path, client):
    secret = tmp_path / "password"
    secret.write_text("a passphrase for the admin\n")
    result = runner.invoke(
        args=[
            "create-user",
            "Chef@Example.org",
            "--role",
            "admin",
            "--password-file",
            str(secret),
            "--name",
            "Chef",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "chef@example.org" in result.output
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "chef@example.org"))
        assert user.role == "admin" and user.display_name == "Chef"
        assert user.password_hash != "a passphrase for the admin"
        assert user.check_password("a passphrase for the admin")
    assert (
        client.post(
            "/connexion",
            data={"email": "chef@example.org", "password": "a passphrase for the admin"},
        ).status_code
        == 302
    )


def test_create_user_asks_the_password_twice(app, runner):
    result = runner.invoke(
        args=["create-user", "modo@example.org", "--role", "moderator"],
        input="twelve chars ok\ntwelve chars ok\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.role).where(User.email == "modo@example.org")) == (
            "moderator"
        )


@pytest.mark.parametrize(
    "args, stdin, message",
    [
        (["create-user", "modo@example.org", "--role", "moderator"], "short\nshort\n", "12"),
        (
            ["create-user", "pas-une-adresse", "--role", "moderator"],
            "twelve chars ok\n" * 2,
            "adresse électronique invalide",
        ),
        (["create-user", "modo@example.org", "--role", "chef"], "", "chef"),
    ],
)
def test_create_user_refuses(app, runner, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code != 0 and message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_create_user_refuses_an_existing_email(runner, make_user, tmp_path):
    make_user(MODERATOR)
    secret = tmp_path / "password"
    secret.write_text("twelve chars ok")
    result = runner.invoke(
        args=["create-user", " MODO@example.org", "--role", "admin", "--password-file", str(secret)]
    )
    assert result.exit_code != 0 and "existe déjà" in result.output
