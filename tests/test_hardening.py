"""The weaknesses an attack on the running site found (issue 12), each closed over HTTP."""

from __future__ import annotations

import io
import re

import pytest
from helpers import PASSWORD, body, form_data, links, outbox

BASE = "https://alliances.example.org"


def logged_in(app, email="modo@example.org"):
    client = app.test_client()
    assert client.post("/connexion", data={"email": email, "password": PASSWORD}).status_code == 302
    return client


# --- Host header ---------------------------------------------------------------------------


def test_an_untrusted_host_is_refused(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "ce site ne répond pas à ce nom d’hôte" in response.get_data(as_text=True)
    response = client.post("/proposer", data=form_data(), headers={"Host": "evil.example"})
    assert response.status_code == 400


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "127.0.0.1:8123", "localhost:5000"])
def test_the_loopback_is_trusted_by_default(client, host):
    assert client.get("/", headers={"Host": host}).status_code == 200


def test_trusted_hosts_default_to_base_url_and_loopback(make_app):
    app = make_app(BASE_URL=BASE)
    assert app.config["TRUSTED_HOSTS"] == ["alliances.example.org", "127.0.0.1", "localhost"]
    client = app.test_client()
    assert client.get("/", headers={"Host": "alliances.example.org"}).status_code == 200
    assert client.get("/", headers={"Host": "alliances.example.org.evil"}).status_code == 400


def test_trusted_hosts_read_from_the_environment(make_app, monkeypatch):
    monkeypatch.setenv("CATALOGUE_TRUSTED_HOSTS", "a.example.org, .b.example.org")
    app = make_app()
    assert app.config["TRUSTED_HOSTS"] == ["a.example.org", ".b.example.org"]
    client = app.test_client()
    assert client.get("/", headers={"Host": "www.b.example.org"}).status_code == 200
    assert client.get("/", headers={"Host": "localhost"}).status_code == 400


def test_mail_links_are_built_from_base_url_not_host(make_app):
    # A Host the site trusts, yet not the public one: links still name BASE_URL.
    app = make_app(BASE_URL=BASE)
    client = app.test_client()
    with app.app_context():
        from catalogue.extensions import db
        from catalogue.models import User

        user = User(email="modo@example.org")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    response = client.post("/proposer", data=form_data(), headers={"Host": "127.0.0.1:8000"})
    assert response.status_code == 302
    response = client.post("/alertes/nouvelle?q=jardin", data={"email": "a@example.org"},
                           headers={"Host": "127.0.0.1:8000"})
    assert response.status_code == 303
    sent = outbox(app)
    assert len(sent) == 3  # the contributor, the moderators, the alert's confirmation
    found = [link for message in sent for link in links(body(message))]
    assert found and all(link.startswith(BASE + "/") for link in found), found
    assert any("/moderation/exemples/" in link for link in found)
    assert any("/proposer/suivi/" in link for link in found)
    assert any("/alertes/confirmer/" in link for link in found)


# --- no caching of private pages -----------------------------------------------------------


@pytest.mark.parametrize("url", ["/moderation/", "/moderation/journal", "/moderation/mot-de-passe",
                                 "/moderation/utilisateurs", "/connexion"])
def test_private_pages_are_not_stored(app, make_user, url):
    make_user("modo@example.org", role="admin")
    client = logged_in(app) if url != "/connexion" else app.test_client()
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_an_unpublished_example_seen_by_a_moderator_is_not_stored(app, make_user, make_example):
    make_user()
    pending = make_example("pending")
    published = make_example("published", title="Un exemple déjà publié")
    client = logged_in(app)
    response = client.get(f"/exemples/{pending.slug}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get(f"/exemples/{published.slug}").headers.get(
        "Cache-Control", "")


# --- odd requests --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/proposer", "/connexion", "/alertes/nouvelle"])
def test_a_text_field_sent_as_a_file_is_a_400(client, url):
    data = form_data(title=(io.BytesIO(b"a file"), "titre.txt"), email=(io.BytesIO(b"x"), "x.txt"))
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Requête incorrecte" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/moderation/exemples/99999999999999999999",
    "/moderation/exemples/9223372036854775808/modifier",
    "/moderation/utilisateurs/99999999999999999999/mot-de-passe",
    "/moderation/?page=9223372036854775807",
    "/moderation/journal?page=99999999999999999999",
])
def test_numbers_beyond_64_bits_are_404(app, make_user, url):
    make_user()
    make_user("admin@example.org", role="admin")
    response = logged_in(app, "admin@example.org").get(url)
    assert response.status_code == 404


@pytest.mark.parametrize("query", ["du=0001-01-01", "au=9999-12-31", "du=0001-01-01&au=0001-01-02"])
def test_dates_beyond_the_calendar_are_a_form_error(app, make_user, query):
    make_user()
    response = logged_in(app).get(f"/moderation/journal?{query}")
    assert response.status_code == 200
    assert "Indiquez une date entre 2000 et 9000." in response.get_data(as_text=True)


# --- login: lock-out, timing, throttles ----------------------------------------------------


def limited_app(make_app):
    # Per hour: on a loaded machine the attempts may outlast a minute's window.
    return make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="10 per hour")


def add_user(app, email="modo@example.org", active=True):
    from catalogue.extensions import db
    from catalogue.models import User

    with app.app_context():
        user = User(email=email, active=active)
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()


def test_strangers_cannot_lock_a_moderator_out_of_a_known_browser(make_app):
    app = limited_app(make_app)
    add_user(app)
    moderator = app.test_client()
    assert moderator.post("/connexion", data={"email": "modo@example.org",
                                              "password": PASSWORD}).status_code == 302
    assert moderator.post("/deconnexion").status_code == 302
    # 40 failed attempts from other clients and addresses: the account is locked for them.
    for i in range(40):
        attacker = app.test_client()
        response = attacker.post("/connexion", data={"email": "modo@example.org",
                                                     "password": f"essai {i}"},
                                 environ_base={"REMOTE_ADDR": f"10.0.{i // 10}.1"})
        assert response.status_code in (200, 429)
    stranger = app.test_client()
    response = stranger.post("/connexion", data={"email": "modo@example.org", "password": PASSWORD},
                             environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 429  # an unknown browser still meets the lock
    # The moderator's own browser, which logged in before, is not locked out.
    response = moderator.post("/connexion", data={"email": "modo@example.org",
                                                  "password": PASSWORD})
    assert response.status_code == 302
    assert moderator.get("/moderation/").status_code == 200


def test_a_forged_or_foreign_device_cookie_exempts_nothing(make_app):
    app = limited_app(make_app)
    add_user(app)
    add_user(app, "autre@example.org")
    other = app.test_client()
    assert other.post("/connexion", data={"email": "autre@example.org",
                                          "password": PASSWORD}).status_code == 302
    for i in range(10):
        app.test_client().post("/connexion", data={"email": "modo@example.org", "password": "x"},
                               environ_base={"REMOTE_ADDR": f"10.1.{i}.1"})
    forged = app.test_client()
    forged.set_cookie("appareil", "modo@example.org", path="/connexion")
    # A cookie earned by another account does not open this one's lock either.
    for client in (forged, other):
        response = client.post("/connexion", data={"email": "modo@example.org",
                                                   "password": PASSWORD},
                               environ_base={"REMOTE_ADDR": "10.8.8.8"})
        assert response.status_code == 429


def test_the_device_cookie_is_signed_httponly_and_scoped_to_the_login(app, make_user):
    make_user()
    response = app.test_client().post("/connexion", data={"email": "modo@example.org",
                                                          "password": PASSWORD})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("appareil="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/connexion" in cookie
    value = cookie.split(";")[0].removeprefix("appareil=")
    with app.test_request_context():
        from catalogue.auth import _devices

        assert _devices().loads(value)["email"] == "modo@example.org"


@pytest.fixture
def hashes(monkeypatch):
    """Count the password hashes computed (werkzeug's one internal function for them)."""
    import werkzeug.security

    computed = []
    real = werkzeug.security._hash_internal

    def counting(*args, **kwargs):
        computed.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(werkzeug.security, "_hash_internal", counting)
    return computed


def test_login_computes_one_hash_whoever_the_account_is(app, make_user, hashes):
    make_user("actif@example.org")
    make_user("inactif@example.org", active=False)
    client = app.test_client()
    client.post("/connexion", data={"email": "inconnu@example.org", "password": "x"})  # warm-up
    methods = {}
    for email in ("inconnu@example.org", "inactif@example.org", "actif@example.org"):
        for password in ("mauvais", PASSWORD):
            hashes.clear()
            response = app.test_client().post("/connexion", data={"email": email,
                                                                  "password": password})
            assert response.status_code == (302 if (email, password) == (
                "actif@example.org", PASSWORD) else 200)
            methods[email, password] = list(hashes)
    assert all(len(found) == 1 for found in methods.values()), methods
    assert len({found[0] for found in methods.values()}) == 1, methods  # same method and cost


def test_the_current_password_check_is_throttled(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per hour")
    add_user(app)
    client = logged_in(app)
    wrong = {"current": "pas le bon", "password": "un nouveau mot de passe",
             "confirm": "un nouveau mot de passe"}
    statuses = [client.post("/moderation/mot-de-passe", data=wrong).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    # Another address does not buy new guesses at the same account.
    response = client.post("/moderation/mot-de-passe", data=wrong,
                           environ_base={"REMOTE_ADDR": "10.7.7.7"})
    assert response.status_code == 429


# --- sessions end server-side --------------------------------------------------------------


def copy_of(app, client):
    """Return another client holding a copy of `client`'s session cookie (a stolen cookie)."""
    other = app.test_client()
    cookie = client.get_cookie("session")
    other.set_cookie("session", cookie.value)
    return other


def test_logout_ends_every_copy_of_the_session(app, make_user):
    make_user()
    client = logged_in(app)
    thief = copy_of(app, client)
    assert thief.get("/moderation/").status_code == 200
    assert client.post("/deconnexion").status_code == 302
    response = thief.get("/moderation/")
    assert response.status_code == 302 and "/connexion" in response.headers["Location"]


def test_a_password_change_ends_the_other_copies_and_keeps_this_one(app, make_user):
    make_user()
    client = logged_in(app)
    thief = copy_of(app, client)
    response = client.post("/moderation/mot-de-passe", data={
        "current": PASSWORD, "password": "un tout nouveau secret", "confirm": "un tout nouveau secret"})
    assert response.status_code == 302
    assert client.get("/moderation/").status_code == 200
    assert thief.get("/moderation/").status_code == 302


def test_deactivation_ends_every_session(app, make_user):
    target = make_user()
    make_user("admin@example.org", role="admin")
    client = logged_in(app)
    admin = logged_in(app, "admin@example.org")
    response = admin.post(f"/moderation/utilisateurs/{target.id}/activation", data={"active": "0"})
    assert response.status_code == 302
    assert client.get("/moderation/").status_code == 302
    with app.app_context():
        import sqlalchemy as sa

        from catalogue.extensions import db
        from catalogue.models import LoginSession

        assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginSession).where(
            LoginSession.user_id == target.id)) == 0


def idle_for(app, minutes):
    """Move every session's last request `minutes` into the past (instead of waiting)."""
    from datetime import timedelta

    import sqlalchemy as sa

    from catalogue.extensions import db
    from catalogue.models import LoginSession, utcnow

    with app.app_context():
        db.session.execute(sa.update(LoginSession).values(
            last_seen_at=utcnow() - timedelta(minutes=minutes)))
        db.session.commit()


def test_a_session_idle_for_eight_hours_ends(app, make_user):
    make_user()
    client = logged_in(app)
    idle_for(app, 7 * 60 + 50)
    assert client.get("/moderation/").status_code == 200  # and the request counts as activity
    idle_for(app, 8 * 60 + 1)
    assert client.get("/moderation/").status_code == 302


def test_the_idle_time_is_configurable(make_app, monkeypatch):
    monkeypatch.setenv("CATALOGUE_SESSION_IDLE_MINUTES", "30")
    app = make_app()
    add_user(app)
    client = logged_in(app)
    idle_for(app, 31)
    assert client.get("/moderation/").status_code == 302


# --- one submission per form ---------------------------------------------------------------


def test_the_same_form_sent_twice_makes_one_example_and_one_mail(app, make_user):
    import re

    import sqlalchemy as sa

    from catalogue.extensions import db
    from catalogue.models import Example

    make_user()
    client = app.test_client()
    page = client.get("/proposer").get_data(as_text=True)
    key = re.search(r'name="once" type="hidden" value="([^"]+)"', page).group(1)
    data = form_data(once=key)
    first = client.post("/proposer", data=data)
    again = client.post("/proposer", data=data)  # double click, or back and send again
    assert first.status_code == again.status_code == 302
    assert again.headers["Location"] == first.headers["Location"] == "/proposer/merci"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Example.id))) == 1
    to_moderators = [m for m in outbox(app) if m["To"] == "modo@example.org"]
    assert len(to_moderators) == 1 and len(outbox(app)) == 2
    # A new form (a new key) is a new proposal.
    page = client.get("/proposer").get_data(as_text=True)
    other = re.search(r'name="once" type="hidden" value="([^"]+)"', page).group(1)
    assert other != key
    assert client.post("/proposer", data=form_data(once=other)).status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Example.id))) == 2


def test_a_form_with_errors_keeps_its_key(client):
    page = client.get("/proposer").get_data(as_text=True)
    import re

    key = re.search(r'name="once" type="hidden" value="([^"]+)"', page).group(1)
    page = client.post("/proposer", data=form_data(once=key, title="")).get_data(as_text=True)
    assert f'name="once" type="hidden" value="{key}"' in page


# --- query size ----------------------------------------------------------------------------


def test_a_4_kb_query_is_cut_with_a_notice_and_links_stay_small(app, demo):
    client = app.test_client()
    ordinary = client.get("/exemples/", query_string={"q": "jardin " * 28}).get_data(as_text=True)
    response = client.get("/exemples/", query_string={"q": "jardin " * 600, "tri": "x" * 4000,
                                                      "bidule": "y" * 4000})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "seuls les 200 premiers caractères sont pris en compte" in page
    assert "jardin " * 40 not in page
    # Only the language switch, which comes back to the very URL asked, names the raw values.
    assert len(re.findall("x{300,}", page)) <= 1 and len(re.findall("y{300,}", page)) <= 1
    # The page weighs what a search of 200 characters weighs, not twenty times more.
    assert len(page) < 2 * len(ordinary)
