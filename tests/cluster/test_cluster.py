"""Two hosts behind one load balancer: one PostgreSQL database, one Redis, two index copies.

`make test-cluster` runs these on a throwaway PostgreSQL server (scripts/with-postgres.sh);
each test starts its own Redis server and two gunicorn "hosts", each with its own instance
folder and search index, sharing the database and the rate limits.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.parse
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from helpers import neutral, new_database_url
from live import Browser, Instance, RedisServer, version_of

pytestmark = pytest.mark.slow

# Publishes the records of a JSON file one per transaction, as a web worker of the host whose
# environment it runs in would: its own commits are applied to that host's index copy.
WRITER = """
import json, sys
from catalogue import create_app
from catalogue.extensions import db
from catalogue.importing import add_examples, validate_all

app = create_app()
with app.app_context():
    for position, record in enumerate(json.load(open(sys.argv[1])), start=1):
        add_examples(validate_all([(position, record)]), state="published")
        db.session.commit()
        print(position, flush=True)
"""


@pytest.fixture
def redis(tmp_path):
    if not RedisServer.available():
        pytest.fail("redis-server is missing: `make test-cluster` installs it")
    with RedisServer(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def hosts(tmp_path, redis) -> tuple[Instance, Instance]:
    """Two hosts' instance folders on one new PostgreSQL database and one Redis."""
    database = new_database_url(tmp_path)
    assert database.startswith("postgresql"), "run through `make test-cluster`"
    shared = {"DATABASE_URL": database, "RATELIMIT_STORAGE_URI": redis.url}
    first = Instance(tmp_path / "a", **shared).prepare()
    second = Instance(tmp_path / "b", **shared)
    return first, second


def records(word: str, count: int) -> list[dict]:
    return [neutral(title=f"Alliance {word} numéro {i}", summary=f"Résumé {word} {i}.")
            for i in range(count)]


def publish(host: Instance, word: str, count: int) -> subprocess.Popen:
    """Start publishing `count` examples titled with `word` through this host, one by one."""
    path = host.root / f"{word}.json"
    path.write_text(json.dumps(records(word, count), ensure_ascii=False))
    return subprocess.Popen([sys.executable, "-c", WRITER, str(path)], env=host.env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(writer: subprocess.Popen) -> int:
    out, err = writer.communicate(timeout=600)
    assert writer.returncode == 0, err[-2000:]
    return len(out.split())


def search(base: str, words: str, per_page: int = 1) -> dict:
    """The host's search API for these words (as typed, never corrected)."""
    query = urllib.parse.urlencode({"q": words, "exact": 1, "per_page": per_page})
    status, body, _ = Browser(base).get(f"/api/v1/examples?{query}")
    assert status == 200, body[:500]
    return json.loads(body)


def found(base: str, word: str) -> int:
    """How many examples the host's search finds for a word."""
    return search(base, word)["total"]


def finds(base: str, example: dict) -> bool:
    """Whether the host's search finds this example by its title."""
    return example["id"] in [r["id"] for r in search(base, example["title"], 50)["results"]]


def wait_until(predicate, timeout: float = 120.0, step: float = 0.2):
    deadline = time.monotonic() + timeout
    while not (value := predicate()) and time.monotonic() < deadline:
        time.sleep(step)
    return value


def index_clean(host: Instance) -> None:
    check = host.flask("check-index", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "0 changement(s)" in check.stdout, check.stdout


def generation(host: Instance) -> str:
    return os.path.realpath(host.root / "instance" / "index" / "current")


def test_writes_through_both_hosts_converge_in_both_indexes(hosts):
    first, second = hosts
    with first.gunicorn() as a, second.gunicorn() as b:
        writers = [publish(first, "zorbanite", 30), publish(second, "quilvaret", 30)]
        assert [finish(w) for w in writers] == [30, 30]
        # Moderators approve pending submissions, one on each host.
        pending = moderation_queue(a)
        for base, example_id in zip((a, b), pending[:2], strict=True):
            approve(base, example_id)
        approved = [published(a, example_id) for example_id in pending[:2]]
        for base in (a, b):
            assert wait_until(lambda base=base: found(base, "zorbanite") == 30)
            assert wait_until(lambda base=base: found(base, "quilvaret") == 30)
            for example in approved:
                assert wait_until(lambda base=base, example=example: finds(base, example))
    index_clean(first)
    index_clean(second)


def test_a_host_killed_while_applying_changes_loses_nothing(hosts):
    first, second = hosts
    with second.gunicorn(workers=1):
        writer = publish(first, "brelandine", 200)
        # Kill every process of the second host while it follows the stream of publications.
        assert wait_until(lambda: int(writer.stdout.readline() or 0) >= 60)
        os.killpg(second.gunicorn_pid, signal.SIGKILL)
    assert finish(writer) > 0
    with second.gunicorn(workers=1) as b:
        assert wait_until(lambda: found(b, "brelandine") == 200)
    index_clean(second)


def test_a_host_down_during_200_publications_catches_up(hosts):
    first, second = hosts
    with second.gunicorn(workers=1) as b:
        assert found(b, "ostrelune") == 0
    assert finish(publish(first, "ostrelune", 200)) == 200
    with second.gunicorn(workers=1) as b:
        assert wait_until(lambda: found(b, "ostrelune") == 200)
    index_clean(second)
    index_clean(first)


def test_a_host_behind_the_retained_window_rebuilds(hosts):
    first, second = hosts
    with second.gunicorn(workers=1):
        pass
    before = generation(second)
    # The host stays away longer than the feed keeps its rows: its position is eight days old,
    # and the rows it never read have expired.
    position_file = Path(before, "feed-position.json")
    position = json.loads(position_file.read_text())
    position["read_at"] = (datetime.fromisoformat(position["read_at"])
                           - timedelta(days=8)).isoformat()
    position_file.write_text(json.dumps(position))
    assert finish(publish(first, "varlopine", 20)) == 20
    expire = ("from catalogue import create_app\nfrom catalogue.extensions import db\n"
              "import sqlalchemy as sa\napp = create_app()\nwith app.app_context():\n"
              "    db.session.execute(sa.text('DELETE FROM index_change'))\n"
              "    db.session.commit()\n")
    subprocess.run([sys.executable, "-c", expire], env=first.env, check=True, timeout=120)
    with second.gunicorn(workers=1) as b:
        assert generation(second) != before  # rebuilt at start
        assert wait_until(lambda: found(b, "varlopine") == 20)
    index_clean(second)


def test_login_throttling_counts_attempts_on_both_hosts_together(hosts):
    first, second = hosts
    with first.gunicorn() as a, second.gunicorn() as b:
        statuses = []
        for attempt in range(12):
            base = (a, b)[attempt % 2]
            status, _, _ = Browser(base).post_form(
                "/connexion", "/connexion", {"email": "modo@example.org", "password": "faux"})
            statuses.append(status)
        # 10 attempts a minute from one address, whichever host and worker answers.
        assert 429 not in statuses[:10] and statuses[10:] == [429, 429], statuses


# --- moderation through HTTP ----------------------------------------------------------------


def moderation_queue(base: str) -> list[int]:
    moderator = Browser(base)
    moderator.login()
    _, page, _ = moderator.get("/moderation/")
    ids = [int(i) for i in re.findall(r'/moderation/exemples/(\d+)"', page)]
    assert len(ids) >= 2, "the demo catalogue has pending submissions"
    return list(dict.fromkeys(ids))


def approve(base: str, example_id: int) -> None:
    moderator = Browser(base)
    moderator.login()
    page = f"/moderation/exemples/{example_id}"
    _, review, _ = moderator.get(page)
    status, _, _ = moderator.post_form(page, f"{page}/decision", {
        "action": "approve", "comment": "", "version": version_of(review)})
    assert status == 302


def published(base: str, example_id: int) -> dict:
    status, body, _ = Browser(base).get(f"/api/v1/examples/{example_id}")
    assert status == 200, body[:500]
    return json.loads(body)

