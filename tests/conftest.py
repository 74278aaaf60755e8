"""Shared fixtures: a real app on a real SQLite file and index directory under tmp_path."""

from __future__ import annotations

import copy
import json
import os
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

# Helper modules shared by test files: their asserts are rewritten too (before any import).
pytest.register_assert_rewrite("fixtures_app", "live", "search_fixtures")

import sqlalchemy as sa  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from catalogue import create_app  # noqa: E402
from catalogue.cli import DEMO_FILE  # noqa: E402
from catalogue.extensions import db  # noqa: E402
from catalogue.importing import add_examples, validate_all  # noqa: E402
from catalogue.models import Example, User  # noqa: E402

BASE_RECORD = {
    "title": "Un potager partagé entre une école et une maison de retraite",
    "summary": "Des élèves et des résidents cultivent ensemble un jardin, soutenus par la commune.",
    "description": "La commune prête un terrain ; une association anime les ateliers chaque semaine.",
    "results": "Quarante élèves et quinze résidents participent ; deux tonnes de légumes récoltées.",
    "lessons": "Un animateur stable et un calendrier partagé font la réussite du projet.",
    "resources": "",
    "transferability": "",
    "objectives": ["co-construire"],
    "scale": "local",
    "regions": ["53"],
    "departements": ["35"],
    "locality": "Rennes",
    "partners": [
        {"name": "Les Jardins du Thabor", "kind": "association", "role": "Anime les ateliers."},
        {"name": "Ville de Rennes", "kind": "collectivite", "role": "Prête le terrain."},
    ],
    "themes": ["alimentation-agriculture"],
    "odd": [2, 17],
    "start_year": 2019,
    "status": "en-cours",
    "website": "",
}


# Set by scripts/with-postgres.sh (`make test-postgres`): every app gets a fresh PostgreSQL database.
POSTGRES_URL = os.environ.get("CATALOGUE_TEST_POSTGRES_URL", "")


def new_database_url(tmp_path: Path) -> str:
    """Return the URL of an empty database for one test: SQLite under tmp_path, or PostgreSQL."""
    if not POSTGRES_URL:
        return f"sqlite:///{tmp_path / 'catalogue.sqlite'}"
    name = f"test_{uuid.uuid4().hex[:16]}"
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def settings_for(tmp_path: Path, **overrides) -> dict:
    """Return the settings of a test app whose data lives under tmp_path."""
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "DATABASE_URL": new_database_url(tmp_path),
        "INDEX_DIR": str(tmp_path / "index"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        # The test client's host: links in mails name the site the tests talk to.
        "BASE_URL": "http://localhost",
    }
    if POSTGRES_URL:
        # No pool: a connection closes when returned, none is left open for the GC to find.
        config["SQLALCHEMY_ENGINE_OPTIONS"] = {"poolclass": sa.pool.NullPool}
    config.update(overrides)
    return config


@pytest.fixture
def app_config(tmp_path: Path) -> dict:
    """Settings for the `app` fixture; override in a test module to change them."""
    return settings_for(tmp_path)


@pytest.fixture
def app(app_config, tmp_path, monkeypatch):
    monkeypatch.setenv("CATALOGUE_INSTANCE_PATH", str(tmp_path / "instance"))
    application = create_app(app_config)
    with application.app_context():
        upgrade(directory=application.extensions["migrate"].directory)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def record() -> Callable[..., dict]:
    """Return a factory of valid import records, with fields overridden."""

    def make(**overrides) -> dict:
        data = copy.deepcopy(BASE_RECORD)
        data.update(overrides)
        return data

    return make


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
def demo(app, runner):
    """Load the demo content and return its records."""
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
