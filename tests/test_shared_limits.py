"""Several hosts: two gunicorn servers on one database and one real Redis share the limits."""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

import pytest
from helpers import form_data, hidden
from live import PASSWORD, Browser, Instance, RedisServer, csrf_token

from catalogue import REDIS_TIMEOUTS, limiter_storage_options

pytestmark = pytest.mark.skipif(
    not RedisServer.available(), reason="redis-server is not installed (make test installs it)")

MODERATOR = "modo@example.org"
# Per hour: no window ends mid-test, however slow the machine.
LIMITS = {"LOGIN_RATE_LIMIT": "3 per hour", "SUBMIT_RATE_LIMIT": "2 per hour",
          "ALERT_RATE_LIMIT": "2 per hour",
          # As behind a load balancer: the visitor's address comes in X-Forwarded-For.
          "PROXIES": "1"}


def hosts(root: Path, redis_url: str) -> tuple[Instance, Instance]:
    """Return two hosts on one database, each with its own instance folder and index."""
    first = Instance(root / "a", RATELIMIT_STORAGE_URI=redis_url, **LIMITS).prepare(demo=False)
    (root / "b").mkdir()
    database = f"sqlite:///{root / 'a' / 'instance' / 'catalogue.sqlite'}"
    second = Instance(root / "b", RATELIMIT_STORAGE_URI=redis_url, DATABASE_URL=database, **LIMITS)
    return first, second


def failed_login(browser: Browser, email: str = MODERATOR) -> int:
    status, _, _ = browser.post_form("/connexion", "/connexion",
                                     {"email": email, "password": "pas le bon"})
    return status


def submit(browser: Browser, title: str) -> int:
    _, page, _ = browser.get("/proposer")
    data = form_data(title=title, csrf_token=hidden(page, "csrf_token"), once=hidden(page, "once"))
    status, _, _ = browser.request("POST", "/proposer", data)
    return status


def subscribe(browser: Browser, email: str) -> int:
    status, _, _ = browser.post_form("/alertes/nouvelle?region=53", "/alertes/nouvelle?region=53",
                                     {"email": email})
    return status


def submissions(root: Path) -> int:
    with sqlite3.connect(root / "a" / "instance" / "catalogue.sqlite") as connection:
        return connection.execute("SELECT count(*) FROM example").fetchone()[0]


@pytest.mark.slow
def test_limits_count_once_for_every_worker_of_every_host(tmp_path):
    with RedisServer(tmp_path / "redis") as redis_server:
        a, b = hosts(tmp_path, redis_server.url)
        with a.gunicorn(workers=2) as base_a, b.gunicorn(workers=2) as base_b:
            for base in (base_a, base_b):
                status, body, _ = Browser(base).get("/healthz")
                assert status == 200
                assert json.loads(body)["rate_limits"] == {
                    "storage": "redis", "shared": True, "ok": True, "enabled": True}

            # Sessions live in the database, signed by the shared secret: a login made through
            # host A is honoured by host B, and B accepts the forms A served.
            moderator = Browser(base_a)
            moderator.login()
            _, page_a, _ = moderator.get("/moderation/")
            moderator.base = base_b
            status, page, _ = moderator.get("/moderation/")
            assert status == 200 and "Se déconnecter" in page
            status, _, _ = moderator.request(
                "POST", "/deconnexion", {"csrf_token": csrf_token(page_a)})
            assert status == 302
            moderator.base = base_a
            assert moderator.get("/moderation/")[0] == 302  # logged out on both hosts

            # The account's lock-out: failed logins from three addresses, through both hosts...
            for n, base in enumerate((base_a, base_b, base_a), start=1):
                assert failed_login(Browser(base, {"X-Forwarded-For": f"10.0.0.{n}"})) == 200
            # ...lock it from any address, on either host, even with the right password.
            for n, base in ((4, base_b), (5, base_a)):
                stranger = Browser(base, {"X-Forwarded-For": f"10.0.0.{n}"})
                status, page, _ = stranger.post_form(
                    "/connexion", "/connexion", {"email": MODERATOR, "password": PASSWORD})
                assert status == 429 and "Trop de demandes" in page

            # One address trying three accounts through both hosts is stopped as well.
            visitor = Browser(base_a, {"X-Forwarded-For": "192.0.2.7"})
            for n, base in enumerate((base_a, base_b, base_a)):
                visitor.base = base
                assert failed_login(visitor, f"personne{n}@example.org") == 200
            visitor.base = base_b
            assert failed_login(visitor, "encore@example.org") == 429

            contributor = Browser(base_a)
            assert submit(contributor, "Un lavoir restauré par la commune") == 302
            contributor.base = base_b
            assert submit(contributor, "Une épicerie solidaire de quartier") == 302
            assert submit(contributor, "Un troisième exemple refusé") == 429
            contributor.base = base_a
            assert submit(contributor, "Un quatrième exemple refusé") == 429
            assert submissions(tmp_path) == 2

            reader = Browser(base_b)
            assert subscribe(reader, "une@example.org") == 303
            reader.base = base_a
            assert subscribe(reader, "deux@example.org") == 303
            reader.base = base_b
            assert subscribe(reader, "trois@example.org") == 429

        # The counts are in Redis, under the site's prefix, not in the stopped processes.
        keys = [key.decode() for key in redis_server.client().keys("*")]
        assert keys and all(key.startswith("LIMITS:LIMITER/catalogue/") for key in keys), keys
        assert any("login-email:" + MODERATOR in key for key in keys), keys
        assert any("/192.0.2.7/auth.login/" in key for key in keys), keys


@pytest.mark.slow
def test_redis_down_keeps_searches_open_and_logins_limited_then_shares_again(tmp_path):
    redis_server = RedisServer(tmp_path / "redis").start()
    try:
        a, b = hosts(tmp_path, redis_server.url)
        # One worker a host: while Redis is down each process counts alone. Host A loses
        # Redis while serving; host B starts while it is down.
        with a.gunicorn(workers=1) as base_a:
            assert failed_login(Browser(base_a), "avant@example.org") == 200
            redis_server.stop()
            with b.gunicorn(workers=1) as base_b:
                redis_down(tmp_path, redis_server, base_a, base_b)
    finally:
        redis_server.stop()


def redis_down(root: Path, redis_server: RedisServer, base_a: str, base_b: str) -> None:
    """Check both hosts with Redis stopped, then started again."""
    for base in (base_a, base_b):  # searches never ask Redis
        status, page, _ = Browser(base).get("/exemples/?q=jardin&region=53")
        assert status == 200 and "<main" in page
        # The host stays in the load balancer; /healthz says the limits are local.
        status, body, _ = Browser(base).get("/healthz")
        assert status == 200
        assert json.loads(body)["rate_limits"] == {
            "storage": "redis", "shared": False, "ok": False, "enabled": True}

    # Login and submission stay limited: the process counts in its memory.
    visitor = Browser(base_a)
    for _ in range(3):
        assert failed_login(visitor) == 200
    assert failed_login(visitor) == 429
    contributor = Browser(base_b)
    assert submit(contributor, "Un lavoir restauré par la commune") == 302
    assert submit(contributor, "Une épicerie solidaire de quartier") == 302
    assert submit(contributor, "Un troisième exemple refusé") == 429
    assert submissions(root) == 2

    # Redis back (empty, as a replaced server): the processes count in it again.
    redis_server.start()
    client = redis_server.client()
    deadline = time.monotonic() + 180
    shared = False
    while not shared and time.monotonic() < deadline:
        status = failed_login(visitor, "retour@example.org")
        shared = bool(client.keys("*login-email:retour@example.org*"))
        if not shared:
            assert status == 429  # still counted in memory, still refused
            time.sleep(1)
    assert shared, "host A never used Redis again"
    assert status == 200  # Redis restarted empty: a fresh allowance, counted there
    assert json.loads(Browser(base_a).get("/healthz")[1])["rate_limits"]["shared"]


@pytest.mark.parametrize(("uri", "configured", "expected"), [
    ("memory://", {}, {}),
    ("redis://cache.example.org:6379/0", {}, REDIS_TIMEOUTS),
    ("rediss://cache.example.org:6380/0", {"socket_timeout": 3},
     {**REDIS_TIMEOUTS, "socket_timeout": 3}),
    ("redis+sentinel://sentinel.example.org:26379/mymaster", None, REDIS_TIMEOUTS),
])
def test_redis_gets_timeouts_unless_configured(uri, configured, expected):
    assert limiter_storage_options(uri, configured) == expected
