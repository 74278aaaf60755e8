"""Backups: `export` while the site writes gives a consistent snapshot that `import` restores."""

from __future__ import annotations

import json
import threading

import sqlalchemy as sa

from catalogue.extensions import db
from catalogue.models import Example


def test_export_during_writes_is_a_consistent_snapshot(app, runner, make_example, tmp_path):
    example = make_example()
    stop = threading.Event()
    versions: list[int] = []

    def keep_editing() -> None:
        # Title and first partner change together in each transaction.
        n = 0
        with app.app_context():
            while not stop.is_set() and n < 2000:
                n += 1
                row = db.session.get(Example, example.id)
                row.title = f"Version {n}"
                row.partners[0].name = f"Partenaire {n}"
                db.session.commit()
                versions.append(n)
                started.set()
            db.session.remove()

    started = threading.Event()
    writer = threading.Thread(target=keep_editing)
    writer.start()
    try:
        # Count exports, not seconds: on a loaded machine 30 exports may take long.
        assert started.wait(timeout=120), "the writer committed nothing"
        exports = 0
        while exports < 30:
            path = tmp_path / f"backup-{exports}.json"
            result = runner.invoke(args=["export", str(path)])
            assert result.exit_code == 0, result.output
            [record] = json.loads(path.read_text())["examples"]
            title_n = record["title"].removeprefix("Version ")
            partner_n = record["partners"][0]["name"].removeprefix("Partenaire ")
            assert title_n == partner_n or record["title"].startswith("Un potager")
            exports += 1
    finally:
        stop.set()
        writer.join(timeout=30)
    assert exports == 30
    assert versions, "the writer committed nothing during the exports"
    with app.app_context():
        assert db.session.scalar(sa.select(Example.title)) == f"Version {versions[-1]}"
