"""Helpers of the search tests (their fixtures, `search_app` and `add`, are in conftest.py)."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import neutral
from werkzeug.datastructures import MultiDict

from catalogue import search
from catalogue.extensions import db
from catalogue.importing import add_examples, validate_all
from catalogue.models import Example, IndexChange

__all__ = ["add_records", "find", "immutable", "neutral", "feed_rows", "pending_changes",
           "published_ids"]


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


def feed_rows() -> int:
    """Count the rows of the change feed (applied or not)."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(IndexChange)) or 0


def pending_changes() -> int:
    """Count the changes this app's index copy has not applied."""
    return search.status()["pending"]


def published_ids() -> set[int]:
    return set(db.session.scalars(sa.select(Example.id).where(Example.state == "published")))


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
