"""Several index copies on one database follow the change feed, each from its own position."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from search_helpers import add_records, feed_rows, find, neutral, pending_changes

from catalogue import create_app, search
from catalogue.extensions import db
from catalogue.models import Example, IndexChange, utcnow
from catalogue.search import feed, follow


@pytest.fixture
def hosts(make_app):
    """Two apps on one database, each with its own instance folder and index copy."""
    first = make_app()
    second = make_app(DATABASE_URL=first.config["DATABASE_URL"])
    assert first.config["INDEX_DIR"] != second.config["INDEX_DIR"]
    return first, second


def on(app, work):
    with app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


def retitle(example_id: int, title: str) -> None:
    db.session.get(Example, example_id).title = title
    db.session.commit()


def position(app) -> feed.Position:
    return feed.load(app.extensions["search"].current_path())


def wait_for(predicate, timeout: float = 60.0):
    deadline = time.monotonic() + timeout
    while not (value := predicate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


def test_a_change_through_one_host_reaches_the_other_copy(hosts):
    first, second = hosts
    [eid] = on(first, lambda: add_records([neutral(title="Un lavoir")]))
    assert on(first, lambda: find("lavoir").ids()) == [eid]
    # The second copy has not read the feed yet: it is behind by one change, and says so.
    assert on(second, lambda: (find("lavoir").total, pending_changes())) == (0, 1)
    assert on(second, search.catch_up) == 1
    assert on(second, lambda: (find("lavoir").ids(), pending_changes())) == ([eid], 0)
    # Applied changes stay in the feed for every other copy; reading again applies nothing.
    assert on(first, feed_rows) == 1 and on(second, search.catch_up) == 0
    on(second, lambda: retitle(eid, "Un moulin"))
    assert on(first, lambda: (pending_changes(), find("moulin").total)) == (1, 0)
    assert on(first, search.catch_up) == 1
    assert on(first, lambda: find("moulin").ids()) == [eid]
    assert on(first, lambda: search.check().clean) and on(second, lambda: search.check().clean)


def test_a_stopped_host_catches_up_at_start(hosts):
    first, second = hosts
    ids = on(first, lambda: add_records([neutral(title=f"Verger {i}") for i in range(30)]))
    restarted = create_app(dict(second.config))
    try:
        assert on(restarted, lambda: sorted(find("verger", per_page=50).ids())) == ids
        assert on(restarted, pending_changes) == 0
    finally:
        on(restarted, lambda: db.engine.dispose())


def test_a_copy_behind_the_retained_window_is_rebuilt(hosts):
    first, second = hosts
    [kept] = on(first, lambda: add_records([neutral(title="Un lavoir")]))
    on(second, search.catch_up)
    # The second host stops; meanwhile a change is made and the feed forgets it (expired).
    saved = position(second)
    saved.read_at = utcnow() - timedelta(days=8)
    feed.save(second.extensions["search"].current_path(), saved)
    [later] = on(first, lambda: add_records([neutral(title="Un four")]))
    on(first, lambda: (db.session.execute(sa.delete(IndexChange)), db.session.commit()))
    old_generation = second.extensions["search"].current_path()
    assert "behind the change feed" in second.extensions["search"].needs_rebuild()
    assert on(second, search.catch_up) == 0
    assert second.extensions["search"].current_path() != old_generation  # rebuilt
    assert on(second, lambda: (find("four").ids(), find("lavoir").ids())) == ([later], [kept])
    assert on(second, lambda: search.check().clean)


def test_rows_older_than_the_window_are_deleted(search_app, add):
    first, second = add(), add()
    old = utcnow() - timedelta(days=8)
    db.session.execute(sa.update(IndexChange).where(IndexChange.example_id == first)
                       .values(created_at=old))
    db.session.commit()
    with db.engine.begin() as conn:
        assert feed.prune(conn, feed.RETENTION) == 1
    assert db.session.scalars(sa.select(IndexChange.example_id)).all() == [second]


def test_an_idle_copy_records_its_reads_and_stays_in_the_window(search_app, add):
    add()
    store = search_app.extensions["search"]
    saved = feed.load(store.current_path())
    saved.read_at = utcnow() - timedelta(days=6)
    feed.save(store.current_path(), saved)
    assert search.catch_up() == 0
    assert feed.load(store.current_path()).read_at > utcnow() - timedelta(minutes=1)
    assert store.needs_rebuild() is None


def test_a_copy_without_a_position_is_rebuilt_at_start(search_app, add):
    eid = add(title="Un lavoir")
    store = search_app.extensions["search"]
    old = store.current_path()
    os.remove(Path(old, feed.POSITION_FILE))
    assert store.needs_rebuild() == "no position in the change feed"
    restarted = create_app(dict(search_app.config))
    with restarted.app_context():
        assert restarted.extensions["search"].current_path() != old
        assert find("lavoir").ids() == [eid] and pending_changes() == 0


def test_the_position_file_is_what_it_says(search_app, add):
    add()
    store = search_app.extensions["search"]
    data = json.loads(Path(store.current_path(), feed.POSITION_FILE).read_text())
    assert set(data) == {"read_at", "after_id", "xmin", "seen"}
    assert feed.Position.from_json(data) == feed.load(store.current_path())


def test_transactions_committing_out_of_order_are_never_skipped(hosts):
    """PostgreSQL hands out ids at INSERT and shows rows at COMMIT: a change with a smaller id
    can become visible after a larger one was read. A reader by id would skip it for ever."""
    first, second = hosts
    if not first.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("SQLite serialises writers: ids become visible in order")
    early, late = on(first, lambda: add_records([neutral(title="Un lavoir"),
                                                 neutral(title="Un four")]))
    on(second, search.catch_up)

    def rename(conn, example_id: int, title: str) -> None:
        conn.execute(sa.update(Example.__table__).where(Example.id == example_id)
                     .values(title=title, version=Example.version + 1))
        search.record_changes([example_id], connection=conn)

    with first.app_context():
        slow = db.engine.connect()
        slow_tx = slow.begin()
        rename(slow, early, "Un moulin")  # the smaller id, not committed yet
        with db.engine.begin() as fast:
            rename(fast, late, "Une forge")  # the larger id, committed first
        ids = dict(slow.execute(sa.select(IndexChange.example_id, IndexChange.id)).all())
        assert ids[early] < ids[late]
        assert on(second, search.catch_up) == 1
        assert on(second, lambda: (find("forge").ids(), find("moulin").total)) == ([late], 0)
        slow_tx.commit()
        slow.close()
    assert on(second, search.catch_up) == 1
    assert on(second, lambda: find("moulin").ids()) == [early]
    assert on(second, search.catch_up) == 0  # and never applied again and again
    assert on(second, lambda: search.check().clean)


def test_the_follower_brings_other_hosts_changes_without_a_request(hosts, monkeypatch):
    first, second = hosts
    monkeypatch.setattr(follow, "POLL", 0.5)
    follower = follow.start(second)
    try:
        ids = on(first, lambda: add_records([neutral(title=f"Ruche {i}") for i in range(5)]))
        assert wait_for(lambda: on(second, lambda: find("ruche").total) == 5)
        on(first, lambda: retitle(ids[0], "Un moulin"))
        assert wait_for(lambda: on(second, lambda: find("moulin").ids()) == [ids[0]])
    finally:
        follower.stop()
    assert not follower.is_alive()


def test_one_follower_per_index_copy(hosts, monkeypatch):
    first, second = hosts
    monkeypatch.setattr(follow, "POLL", 0.2)
    followers = [follow.start(second), follow.start(second)]
    try:
        assert wait_for(lambda: any(f.following for f in followers))
        time.sleep(0.5)
        assert sum(f.following for f in followers) == 1
    finally:
        for follower in followers:
            follower.stop()
