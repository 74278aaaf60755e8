"""Security by default: headers, cookies, request size, CSRF."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("url", ["/", "/exemples/", "/connexion", "/proposer", "/api/v1/taxonomy",
                                 "/nulle-part", "/static/css/site.css"])
def test_headers_on_every_response(client, url):
    response = client.get(url)
    response.close()
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_session_cookie_is_httponly_and_lax(client, make_user):
    make_user()
    response = client.post("/connexion", data={"email": "modo@example.org",
                                               "password": "correct horse battery"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_https_gives_hsts_and_secure_cookies(make_app, monkeypatch):
    monkeypatch.setenv("CATALOGUE_HTTPS", "1")
    app = make_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    client = app.test_client()
    response = client.get("/", base_url="https://localhost")
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_request_too_large_is_a_french_413(client):
    response = client.post("/proposer", data={"description": "x" * 600_000})
    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.get_data(as_text=True)


def test_secret_key_is_generated_into_the_instance_folder(make_app, tmp_path):
    # Two starts on the same folders: the second reads the key the first wrote.
    first = make_app(migrate=False, SECRET_KEY="").config["SECRET_KEY"]
    second = make_app(home=tmp_path, migrate=False, SECRET_KEY="").config["SECRET_KEY"]
    key_file = tmp_path / "instance" / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 64
    assert key_file.stat().st_mode & 0o077 == 0
