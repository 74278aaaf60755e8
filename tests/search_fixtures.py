"""Fixtures and helpers of the search tests; test modules import the fixtures they use."""

from __future__ import annotations

import copy
import os
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import settings_for
from flask_migrate import upgrade
from werkzeug.datastructures import MultiDict

from catalogue import create_app, search
from catalogue.extensions import db
from catalogue.importing import add_examples, validate_all
from catalogue.models import Example, IndexOutbox

# A record whose words stay out of the way of the queries under test.
NEUTRAL = {
    "title": "Fiche",
    "summary": "Résumé bref.",
    "description": "Texte.",
    "results": "Bilan.",
    "lessons": "Leçons.",
    "resources": "",
    "transferability": "",
    "objectives": ["equilibrer"],
    "scale": "local",
    "regions": [],
    "departements": [],
    "locality": "",
    "partners": [
        {"name": "Alpha", "kind": "autre", "role": ""},
        {"name": "Omega", "kind": "autre", "role": ""},
    ],
    "themes": [],
    "odd": [],
    "start_year": 2018,
    "status": "en-cours",
    "website": "",
}


def neutral(**overrides) -> dict:
    """Return a valid import record made of neutral words, with fields overridden."""
    data = copy.deepcopy(NEUTRAL)
    data.update(overrides)
    return data


def add_records(records: list[dict], state: str = "published") -> list[int]:
    """Add records through the ORM and commit (inside an app context); return their ids."""
    examples = add_examples(validate_all(list(enumerate(records, start=1))), state=state)
    db.session.commit()
    return [e.id for e in examples]


def find(q: str = "", **params) -> search.SearchResults:
    """Search as /exemples/ would, from query-string parameters (inside an app context)."""
    args = MultiDict([("q", q)])
    for name, value in params.items():
        for v in value if isinstance(value, (list, tuple)) else [value]:
            args.add(name, str(v))
    req, _ = search.parse_args(args)
    return search.search(req)


def outbox_rows() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(IndexOutbox)) or 0


def published_ids() -> set[int]:
    return set(db.session.scalars(sa.select(Example.id).where(Example.state == "published")))


def new_app(tmp_path: Path, **overrides):
    """Create an app whose database and index live under tmp_path (the schema upgraded)."""
    app = create_app(settings_for(tmp_path, **overrides))
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
    return app


@pytest.fixture
def search_app(app) -> Iterator:
    """The conftest app, with an app context pushed for the test."""
    with app.app_context():
        yield app


@pytest.fixture
def add(search_app) -> Callable[..., int]:
    """Return a factory adding one example made of neutral words; returns its id."""

    def make(state: str = "published", **overrides) -> int:
        return add_records([neutral(**overrides)], state=state)[0]

    return make


@contextmanager
def immutable(path: Path) -> Iterator[None]:
    """Make a directory unwritable, even for root (chattr +i), for the duration of the block."""
    os.chmod(path, 0o555)
    frozen = False
    try:
        if os.geteuid() == 0:
            done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
            frozen = done.returncode == 0
        probe = path / ".probe"
        try:
            probe.touch()
        except OSError:
            pass
        else:
            probe.unlink()
            pytest.skip("cannot make a directory unwritable here")
        yield
    finally:
        if frozen:
            subprocess.run(["chattr", "-i", str(path)], check=False)
        os.chmod(path, 0o755)
