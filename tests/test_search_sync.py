"""The index follows the database: after commits, through crashes, rebuilds and faults."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from search_helpers import (
    add_records,
    feed_rows,
    find,
    immutable,
    neutral,
    pending_changes,
)

from catalogue import create_app, search
from catalogue.extensions import db
from catalogue.models import Example
from catalogue.search import SCHEMA_VERSION, schema, sync
from catalogue.workflow import transition


def store(app):
    return app.extensions["search"]


def current(app) -> str:
    return os.path.realpath(Path(app.config["INDEX_DIR"]) / "current")


def edit(example_id: int, **changes) -> None:
    example = db.session.get(Example, example_id)
    for name, value in changes.items():
        setattr(example, name, value)
    db.session.commit()


def move(example_id: int, action: str) -> None:
    transition(db.session.get(Example, example_id), action, comment="Test.")
    db.session.commit()


def wait_for(predicate, timeout: float = 15.0):
    """Poll predicate() until it returns something true, at most timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


# --- every change shows right after its commit ---------------------------------------------


def test_publish_edit_archive_restore_delete(search_app, add):
    eid = add(state="pending", title="Un rucher pédagogique")
    assert find("rucher").total == 0
    move(eid, "approve")
    assert find("rucher").ids() == [eid]
    edit(eid, title="Un verger pédagogique")
    assert find("rucher").total == 0 and find("verger").ids() == [eid]
    move(eid, "archive")
    assert find("verger").total == 0
    move(eid, "restore")
    assert find("verger").ids() == [eid]
    db.session.delete(db.session.get(Example, eid))
    db.session.commit()
    assert find("verger").total == 0 and find("").total == 0
    assert search.check().clean and pending_changes() == 0


def test_partner_changes_are_indexed(search_app, add):
    eid = add()
    example = db.session.get(Example, eid)
    example.set_partners([{"name": "Fondation Kerbihan", "kind": "fondation", "role": ""},
                          {"name": "Alpha", "kind": "autre", "role": ""}])
    db.session.commit()
    assert find("Kerbihan").ids() == [eid] and find("Omega").total == 0
    assert find("", acteur="fondation").ids() == [eid]
    example = db.session.get(Example, eid)
    example.partners[0].name = "Fondation Lanvaux"
    db.session.commit()
    assert find("Kerbihan").total == 0 and find("Lanvaux").ids() == [eid]
    assert search.check().clean


def test_editing_an_unpublished_example_leaves_no_feed_row(search_app, add):
    eid = add(state="pending")
    edit(eid, title="Brouillon")
    assert feed_rows() == 0 and find("brouillon").total == 0


def test_a_new_submission_with_partners_leaves_no_feed_row(search_app):
    # A pending example's partners are flushed with it: not worth opening the index writer.
    from catalogue.importing import add_examples, validate_all

    [example] = add_examples(validate_all([(1, neutral())]), state="pending")
    assert example.partners
    db.session.flush()
    assert feed_rows() == 0
    db.session.commit()
    assert feed_rows() == 0 and find("").total == 0


def test_rollback_leaves_the_index_untouched(search_app, add):
    eid = add(title="Un lavoir restauré")
    before = feed_rows()
    example = db.session.get(Example, eid)
    example.title = "Un moulin restauré"
    db.session.flush()
    assert feed_rows() == before + 1  # written in the transaction…
    db.session.rollback()
    assert feed_rows() == before  # …and gone with it
    assert find("lavoir").ids() == [eid] and find("moulin").total == 0
    assert search.check().clean


def test_feed_row_is_committed_with_the_change(search_app, add, monkeypatch):
    eid = add(title="Un lavoir")
    # The index write fails once, as if the process died right after the database commit.
    real = sync.document
    calls = {"n": 0}

    def crash_once(example):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("killed between the commit and the index write")
        return real(example)

    monkeypatch.setattr(sync, "document", crash_once)
    edit(eid, title="Un moulin")
    assert db.session.get(Example, eid).title == "Un moulin"  # the data change is committed
    assert pending_changes() == 1 and find("moulin").total == 0   # the index is behind, durably
    # The next start-up catches up.
    restarted = create_app(dict(search_app.config, TESTING=True))
    with restarted.app_context():
        assert pending_changes() == 0
        assert find("moulin").ids() == [eid] and find("lavoir").total == 0


def test_bulk_update_goes_through_record_changes(search_app, add):
    eid = add(title="Un lavoir")
    db.session.execute(sa.update(Example).where(Example.id == eid).values(title="Un moulin"))
    search.record_changes([eid])
    db.session.commit()
    assert find("moulin").ids() == [eid] and search.check().clean


def test_locked_writer_leaves_rows_applied_by_the_next_commit(make_app):
    app = make_app(SEARCH_WRITE_TIMEOUT=0.2)
    with app.app_context():
        first, second = add_records([neutral(title="Un lavoir"), neutral(title="Un four")])
        lockfile = Path(current(app)) / "MAIN_WRITELOCK"
        holder = subprocess.Popen(
            [sys.executable, "-c", (
                "import fcntl, os, sys, time\n"
                f"fd = os.open({str(lockfile)!r}, os.O_CREAT | os.O_WRONLY)\n"
                "fcntl.flock(fd, fcntl.LOCK_EX)\n"
                "print('locked', flush=True)\n"
                "time.sleep(60)\n")],
            stdout=subprocess.PIPE, text=True)
        try:
            assert holder.stdout.readline().strip() == "locked"
            edit(first, title="Un moulin")
            assert pending_changes() == 1 and find("moulin").total == 0
            assert search.catch_up() == 0  # still locked: nothing lost, nothing applied
        finally:
            holder.kill()
            holder.wait(timeout=10)
            holder.stdout.close()
        edit(second, title="Une forge")
        assert pending_changes() == 0
        assert find("moulin").ids() == [first] and find("forge").ids() == [second]
        assert search.check().clean
        db.session.remove()


# --- rebuild, check, start-up --------------------------------------------------------------


def test_reindex_swaps_while_searches_keep_answering(search_app, runner, monkeypatch):
    ids = add_records([neutral(title=f"Verger {i}") for i in range(40)])
    before = current(search_app)
    slow = sync.published_documents

    def slowly():
        # Each document waits for one more search to answer, so searches run during the
        # rebuild however loaded the machine is (a fixed sleep left too few under load). The
        # wait ends if the searching thread died, and all waits together are bounded: a search
        # stuck behind the rebuild fails the assertions below instead of hanging the suite.
        deadline = time.monotonic() + 120
        for doc in slow():
            seen = len(answers)
            while len(answers) <= seen and searcher.is_alive() and time.monotonic() < deadline:
                time.sleep(0.005)
            yield doc

    monkeypatch.setattr(sync, "published_documents", slowly)
    answers, stop = [], threading.Event()

    def keep_searching():
        with search_app.app_context():
            while not stop.is_set():
                results = find("verger")
                answers.append((time.monotonic(), results.total, results.degraded))

    searcher = threading.Thread(target=keep_searching)
    searcher.start()
    try:
        started = time.monotonic()
        result = runner.invoke(args=["reindex"])
        ended = time.monotonic()
    finally:
        stop.set()
        searcher.join(timeout=30)
    assert result.exit_code == 0, result.output
    assert "40 exemple(s)" in result.output
    during = [a for a in answers if started < a[0] < ended]
    assert len(during) > 5
    assert all(total == 40 and not degraded for _, total, degraded in answers)
    after = current(search_app)
    assert after != before and not os.path.exists(before)
    assert sorted(find("verger", per_page=100).ids()) == ids
    assert search.check().clean


def test_check_index_reports_missing_stale_and_orphaned(search_app, runner, add):
    kept, missing, stale = add(), add(), add()
    orphan = add(state="pending", title="Jamais publié")
    ok = runner.invoke(args=["check-index"])
    assert ok.exit_code == 0 and "à jour" in ok.output
    writer = store(search_app).open_writer()
    writer.delete_by_term("id", str(missing))
    writer.update_document(**schema.document(db.session.get(Example, orphan)))
    store(search_app).commit(writer)
    # A bulk UPDATE emits no ORM event: the index is left stale.
    db.session.execute(sa.update(Example).where(Example.id == stale).values(title="Changé"))
    db.session.commit()
    report = search.check()
    assert (report.missing, report.stale, report.orphaned) == ([missing], [stale], [orphan])
    assert not report.clean
    bad = runner.invoke(args=["check-index"])
    assert bad.exit_code == 1
    assert f"absent(s) de l’index : {missing}" in bad.output
    assert f"périmé(s) dans l’index : {stale}" in bad.output
    assert f"orphelin(s) dans l’index (non publiés) : {orphan}" in bad.output
    fixed = runner.invoke(args=["check-index", "--fix"])
    assert fixed.exit_code == 0, fixed.output
    assert search.check().clean and find("changé").ids() == [stale] and kept


def test_check_index_applies_pending_rows_first(search_app, runner, add, monkeypatch):
    eid = add(title="Un lavoir")
    monkeypatch.setattr(sync, "catch_up", lambda store: 0)  # the after-commit apply fails
    edit(eid, title="Un moulin")
    monkeypatch.undo()
    assert pending_changes() == 1
    result = runner.invoke(args=["check-index"])
    assert result.exit_code == 0, result.output
    assert "sur le flux des changements : 1 changement(s)" in result.output
    assert "1 mise(s) à jour en attente appliquée(s)" in result.output
    assert find("moulin").ids() == [eid] and pending_changes() == 0


def test_missing_index_is_rebuilt_at_start_up(search_app, add):
    eid = add(title="Un lavoir")
    shutil.rmtree(search_app.config["INDEX_DIR"])
    restarted = create_app(dict(search_app.config))
    assert os.path.isdir(current(restarted))
    with restarted.app_context():
        assert find("lavoir").ids() == [eid]


def test_older_schema_is_rebuilt_at_start_up(search_app, add):
    eid = add(title="Un lavoir")
    old = current(search_app)
    Path(old, "catalogue.json").write_text(json.dumps({"schema_version": SCHEMA_VERSION - 1}))
    assert store(search_app).needs_rebuild()
    restarted = create_app(dict(search_app.config))
    assert current(restarted) != old and store(restarted).schema_version() == SCHEMA_VERSION
    with restarted.app_context():
        assert find("lavoir").ids() == [eid] and search.status()["ok"]


def test_start_up_before_init_db_does_nothing(tmp_path, make_app):
    app = make_app(migrate=False)
    assert not (tmp_path / "index").exists()
    with app.app_context():
        assert search.status()["ok"] is False


def test_status_reports_documents_and_pending(search_app, add):
    add()
    add()
    info = search.status()
    assert info == {"ok": True, "documents": 2, "pending": 0, "behind_seconds": 0.0,
                    "schema_version": SCHEMA_VERSION, "error": None}


# --- faults --------------------------------------------------------------------------------


def test_removed_and_unwritable_index_degrades_then_recovers(tmp_path, make_app):
    box = tmp_path / "box"
    box.mkdir()
    app = make_app(INDEX_DIR=str(box / "index"))
    with app.app_context():
        [eid] = add_records([neutral(title="Un lavoir")])
        shutil.rmtree(box / "index")
        with immutable(box):
            results = find("lavoir")
            assert results.degraded and results.hits == [] and results.total == 0
            edit(eid, title="Un moulin")  # the database keeps working
            assert db.session.get(Example, eid).title == "Un moulin"
            assert pending_changes() >= 1 and not search.status()["ok"]
            assert search.all_ids(search.SearchRequest()) == [] and search.similar(eid) == []
        recovered = wait_for(lambda: (lambda r: None if r.degraded else r)(find("moulin")))
        assert recovered and recovered.ids() == [eid]
        assert wait_for(lambda: pending_changes() == 0) and search.check().clean
        db.session.remove()


def test_read_only_index_keeps_answering_and_catches_up(search_app, add):
    eid = add(title="Un lavoir")
    other = add(title="Un four")
    with immutable(Path(current(search_app))):
        edit(eid, title="Un moulin")
        assert pending_changes() == 1
        results = find("lavoir")
        assert not results.degraded and results.ids() == [eid]  # the last known state
    edit(other, title="Une forge")  # the next commit applies both
    assert pending_changes() == 0
    assert find("moulin").ids() == [eid] and find("forge").ids() == [other]


def test_submissions_do_not_touch_the_index(search_app, add):
    add(title="Publié")
    generation = store(search_app).searcher().reader().generation()
    pending = add(state="pending", title="Proposé")  # a submission, with its partners
    example = db.session.get(Example, pending)
    example.set_partners([{"name": "Beta", "kind": "association", "role": ""},
                          {"name": "Gamma", "kind": "entreprise", "role": ""}])
    db.session.commit()
    assert feed_rows() == 1  # the published example's, only
    assert store(search_app).searcher().reader().generation() == generation


def test_a_bug_is_logged_with_its_traceback_not_taken_for_an_outage(search_app, add, monkeypatch,
                                                                     caplog):
    """A failing read on a readable index: the visitor gets a page, the log a traceback."""
    from catalogue.search import lexicon

    eid = add(title="Un lavoir")
    # A host whose French word list is missing: the first unknown word needs it and fails.
    monkeypatch.setitem(sys.modules, "spellchecker", None)
    lexicon.french_words.cache_clear()
    client = search_app.test_client()
    with caplog.at_level("INFO", logger="catalogue.search"):
        response = client.get("/exemples/", query_string={"q": "zorglub"})
    assert response.status_code == 200
    assert "Traceback" not in response.get_data(as_text=True)
    [record] = [r for r in caplog.records if r.levelname == "ERROR"]
    assert record.exc_info and issubclass(record.exc_info[0], ImportError)
    assert not any("unavailable" in r.getMessage() for r in caplog.records)
    assert search.status()["ok"] and client.get("/healthz").status_code == 200
    monkeypatch.undo()
    lexicon.french_words.cache_clear()
    assert find("lavoir").ids() == [eid]
