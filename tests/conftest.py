"""Shared fixtures: real apps on a real SQLite file and index directory under tmp_path.

Only fixtures live here; the helpers they use (and test files use) are in helpers.py.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Helper modules shared by test files: their asserts are rewritten too (before any import).
pytest.register_assert_rewrite("helpers", "live", "search_helpers")

import sqlalchemy as sa  # noqa: E402
from flask import Flask  # noqa: E402
from helpers import POSTGRES_URL, build_app, close_app, settings_for  # noqa: E402
from helpers import record as base_record  # noqa: E402
from search_helpers import add_records, neutral  # noqa: E402

from catalogue.cli import DEMO_FILE  # noqa: E402
from catalogue.extensions import db  # noqa: E402
from catalogue.importing import add_examples, validate_all  # noqa: E402
from catalogue.models import Example, User  # noqa: E402

# Several hosts on PostgreSQL and Redis: their own run, `make test-cluster`.
collect_ignore = [] if os.environ.get("CATALOGUE_TEST_CLUSTER") else ["cluster"]


@pytest.fixture
def make_app(tmp_path: Path, monkeypatch) -> Iterator[Callable[..., Flask]]:
    """Return a factory of real apps, closed at the end of the test: `make_app(**settings)`.

    The first app lives in tmp_path, each further one in its own folder under it (or in `home`);
    `migrate=False` leaves the database empty. The instance folder of the first app stays
    CATALOGUE_INSTANCE_PATH for the test, so nothing writes into the repository's instance/.
    """
    made: list[Flask] = []

    def make(*, home: Path | None = None, migrate: bool = True, **overrides) -> Flask:
        if home is None:
            home = tmp_path if not made else tmp_path / f"app-{len(made)}"
        home.mkdir(parents=True, exist_ok=True)
        if not made:
            monkeypatch.setenv("CATALOGUE_INSTANCE_PATH", str(home / "instance"))
        application = build_app(home, migrate=migrate, **overrides)
        made.append(application)
        return application

    yield make
    for application in made:
        close_app(application)


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    """Settings for the `app` fixture; override in a test module to change them."""
    return settings_for(tmp_path)


@pytest.fixture(scope="session")
def demo_copy(tmp_path_factory) -> Path | None:
    """The demo catalogue loaded once per session into a SQLite file and index folder, for
    `app` to copy into each test that asks for `demo` (None on PostgreSQL: loaded per test)."""
    if POSTGRES_URL:
        return None
    home = tmp_path_factory.mktemp("demo-catalogue")
    application = build_app(home)
    result = application.test_cli_runner().invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    close_app(application)
    return home


def copy_catalogue(source: Path, config: dict) -> None:
    """Copy a catalogue (SQLite file and index folder) to where `config` keeps its data."""
    database = Path(sa.make_url(config["DATABASE_URL"]).database)
    for suffix in ("", "-wal", "-shm"):
        if (source / f"catalogue.sqlite{suffix}").exists():
            shutil.copy(source / f"catalogue.sqlite{suffix}", f"{database}{suffix}")
    shutil.copytree(source / "index", config["INDEX_DIR"], symlinks=True)


@pytest.fixture
def app(app_config, make_app, request) -> Flask:
    if "demo" in request.fixturenames and request.getfixturevalue("demo_copy") is not None:
        copy_catalogue(request.getfixturevalue("demo_copy"), app_config)
    return make_app(**app_config)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def record() -> Callable[..., dict]:
    """Return a factory of valid import records (helpers.record), with fields overridden."""
    return base_record


@pytest.fixture
def make_example(app, record) -> Callable[..., Example]:
    """Return a factory that commits one example (published unless `state` says otherwise)."""

    def make(state: str = "published", **overrides) -> Example:
        with app.app_context():
            [example] = add_examples(validate_all([(1, record(**overrides))]), state=state)
            db.session.commit()
            db.session.refresh(example)
            db.session.expunge(example)
            return example

    return make


@pytest.fixture
def demo(app, runner, demo_copy) -> list[dict]:
    """The demo content, in the app's catalogue (copied from the session's, or loaded on
    PostgreSQL); returns its records."""
    if demo_copy is None:
        result = runner.invoke(args=["load-demo"])
        assert result.exit_code == 0, result.output
    return json.loads(DEMO_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def make_user(app) -> Callable[..., User]:
    """Return a factory that commits one user with the password `correct horse battery`."""

    def make(email: str = "modo@example.org", role: str = "moderator", **fields) -> User:
        with app.app_context():
            user = User(email=User.normalize_email(email), role=role, **fields)
            user.set_password("correct horse battery")
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return make


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str = "modo@example.org", password: str = "correct horse battery"):
        return self._client.post("/connexion", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/deconnexion")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


# --- Search ----------------------------------------------------------------------------------


@pytest.fixture
def search_app(app) -> Iterator[Flask]:
    """The app, with an app context pushed for the test."""
    with app.app_context():
        yield app


@pytest.fixture
def add(search_app) -> Callable[..., int]:
    """Return a factory adding one example made of neutral words; returns its id."""

    def make(state: str = "published", **overrides) -> int:
        return add_records([neutral(**overrides)], state=state)[0]

    return make


@pytest.fixture(scope="module")
def app_holding(tmp_path_factory) -> Iterator[Callable[[dict[str, dict]], tuple[Flask, dict]]]:
    """Return a factory of apps holding a corpus ({key: record}), shared by a module's tests;
    each call returns (app, ids by key)."""
    made: list[Flask] = []

    def make(corpus: dict[str, dict]) -> tuple[Flask, dict]:
        application = build_app(tmp_path_factory.mktemp("corpus"))
        made.append(application)
        with application.app_context():
            ids = dict(zip(corpus, add_records(list(corpus.values())), strict=True))
        return application, ids

    yield make
    for application in made:
        close_app(application)
