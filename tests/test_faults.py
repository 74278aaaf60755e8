"""Faults: a worker killed while indexing, the index gone, the database locked or unreachable."""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, form_data
from live import Browser, Instance, free_port, version_of, worker_pids
from search_helpers import immutable

from catalogue.extensions import db
from catalogue.models import Example, User


def wait_until(predicate, timeout: float = 30.0, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


@pytest.mark.slow
def test_worker_killed_while_indexing_then_the_index_catches_up(tmp_path):
    instance = Instance(tmp_path, SEARCH_WRITE_TIMEOUT="30").prepare()
    database = tmp_path / "instance" / "catalogue.sqlite"
    with sqlite3.connect(database) as connection:
        example_id, slug = connection.execute(
            "SELECT id, slug FROM example WHERE state = 'pending' ORDER BY id LIMIT 1").fetchone()

    def state() -> str:
        with sqlite3.connect(database) as connection:
            return connection.execute("SELECT state FROM example WHERE id = ?", (example_id,)).fetchone()[0]

    with instance.gunicorn(workers=2) as base:
        moderator = Browser(base)
        moderator.login()
        _, review, _ = moderator.get(f"/moderation/exemples/{example_id}")
        lock_path = Path(os.path.realpath(tmp_path / "instance" / "index")) / "MAIN_WRITELOCK"
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # the worker will wait for the index writer
            approval = threading.Thread(target=moderator.post_form, args=(
                f"/moderation/exemples/{example_id}", f"/moderation/exemples/{example_id}/decision",
                {"action": "approve", "comment": "", "version": version_of(review)}),
                kwargs={"timeout": 60}, daemon=True)
            approval.start()
            assert wait_until(lambda: state() == "published"), "the approval was not committed"
            time.sleep(0.5)  # the worker is now inside the index update, waiting for the lock
            for pid in worker_pids(instance.gunicorn_pid):
                os.kill(pid, signal.SIGKILL)
            fcntl.flock(lock, fcntl.LOCK_UN)
        approval.join(timeout=60)

        def caught_up() -> bool:
            status, body, _ = Browser(base).get("/healthz")
            return status == 200 and '"pending":0' in body.replace(" ", "")

        assert wait_until(caught_up, timeout=60), "the new workers did not catch up with the change feed"
        _, page, _ = Browser(base).get(f"/exemples/{slug}")
        assert "Aperçu réservé" not in page
        title = re.search(r"<h1>(.*?)</h1>", page).group(1)
        words = " ".join(re.findall(r"\w{6,}", title)[:3])
        _, results, _ = Browser(base).get("/exemples/?q=" + words.replace(" ", "+"))
        assert f"/exemples/{slug}" in results
    check = instance.flask("check-index", check=False)
    assert check.returncode == 0, check.stdout + check.stderr


def test_index_gone_keeps_submissions_and_moderation_working(tmp_path, make_app):
    box = tmp_path / "box"
    box.mkdir()
    app = make_app(INDEX_DIR=str(box / "index"))
    client = app.test_client()
    for child in box.iterdir():  # the index (and its generations) removed while serving
        child.unlink() if child.is_symlink() else shutil.rmtree(child)
    with app.app_context():
        user = User(email="modo@example.org", role="moderator")
        user.set_password(PASSWORD)
        db.session.add(user)
        db.session.commit()
    with immutable(box):
        assert client.post("/proposer", data=form_data(title="Un lavoir restauré")).status_code == 302
        page = client.get("/exemples/?q=lavoir").get_data(as_text=True)
        assert "momentanément dégradée" in page
        assert client.post("/connexion", data={"email": "modo@example.org",
                                               "password": PASSWORD}).status_code == 302
        with app.app_context():
            example = db.session.scalar(sa.select(Example))
            example_id, version = example.id, example.version
        response = client.post(f"/moderation/exemples/{example_id}/decision",
                               data={"action": "approve", "comment": "", "version": version})
        assert response.status_code == 302
        assert client.get("/healthz").status_code == 503
    found = wait_until(lambda: "lavoir" in client.get("/exemples/?q=lavoir").get_data(as_text=True).lower()
                       and "dégradée" not in client.get("/exemples/?q=lavoir").get_data(as_text=True))
    assert found, "search did not recover once the index folder was writable again"
    assert wait_until(lambda: client.get("/healthz").status_code == 200)


@pytest.fixture
def quick_lock_app(tmp_path, make_app):
    return make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'locked.sqlite'}",
                    SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"timeout": 0.2}})


def count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Example.id)))


def test_locked_database_answers_a_french_503_and_writes_nothing(quick_lock_app, tmp_path):
    """Another process holds the write lock: reads go on (WAL), a write gets a French 503."""
    app = quick_lock_app
    client = app.test_client()
    before = count(app)
    locker = sqlite3.connect(tmp_path / "locked.sqlite", isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        response = client.post("/proposer", data=form_data())
        assert response.status_code == 503
        text = response.get_data(as_text=True)
        assert "Service momentanément indisponible" in text and "Traceback" not in text
        assert response.headers["Retry-After"]
        assert client.get("/").status_code == 200
        assert client.get("/healthz").get_json()["database"]["ok"] is True
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert count(app) == before
    assert client.post("/proposer", data=form_data()).status_code == 302
    assert count(app) == before + 1


def test_unreachable_database_answers_503(make_app):
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/catalogue?connect_timeout=2"
    app = make_app(migrate=False, DATABASE_URL=url)
    client = app.test_client()
    response = client.get("/")
    assert response.status_code == 503
    assert "Service momentanément indisponible" in response.get_data(as_text=True)
    assert client.get("/healthz").status_code == 503
    assert client.get("/api/v1/examples").status_code == 503
