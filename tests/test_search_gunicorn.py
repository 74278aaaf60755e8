"""Several processes: gunicorn workers search while other processes publish and edit."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlalchemy as sa
from live import listening_socket
from search_helpers import add_records, neutral, pending_changes

from catalogue import search
from catalogue.extensions import db
from catalogue.models import Example

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
WRITERS = 3
EDITS = 8
EXAMPLES = 12

# One writer process: the app factory on the shared database and index, edits committed one by
# one (approve, then edits of published examples, some shared with the other writers).
WRITER = textwrap.dedent("""
    import json, sys
    from sqlalchemy.orm.exc import StaleDataError
    from catalogue import create_app, search
    from catalogue.extensions import db
    from catalogue.models import Example
    from catalogue.workflow import transition

    writer, edits, pending_id = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    ids = json.loads(sys.argv[4])
    syllables = ("bak", "dor", "fil", "gum", "hep", "jov", "kir", "lud", "mab", "nop")
    word = lambda n: "zq" + "".join(syllables[int(d)] for d in str(n)) + "zq"
    app = create_app({"SEARCH_WRITE_TIMEOUT": 20.0})
    late = []
    with app.app_context():
        transition(db.session.get(Example, pending_id), "approve", comment="Concurrent.")
        db.session.commit()
        # Quoted: a vanished word is not corrected into another writer's word.
        if pending_id not in search.all_ids(search.SearchRequest(q=f'"{word(pending_id)}"')):
            late.append(pending_id)
        for k in range(edits):
            example_id = ids[(writer + k) % len(ids)]
            token = word(writer * 100 + k)
            for _ in range(20):  # another process may have changed the row meanwhile
                example = db.session.get(Example, example_id)
                example.summary = f"Version {token} de la fiche."
                try:
                    db.session.commit()
                    break
                except StaleDataError:
                    db.session.rollback()
            found = example_id in search.all_ids(search.SearchRequest(q=f'"{token}"'))
            db.session.expire_all()
            # Unless another writer has changed it since, the edit is searchable at once.
            if not found and token in db.session.get(Example, example_id).summary:
                late.append(example_id)
        db.session.remove()
    print(json.dumps({"late": late}))
""")


SYLLABLES = ("bak", "dor", "fil", "gum", "hep", "jov", "kir", "lud", "mab", "nop")


def word(n: int) -> str:
    """Return a word naming a number, kept whole by the analyzer (no digits, no suffix)."""
    return "zq" + "".join(SYLLABLES[int(d)] for d in str(n)) + "zq"


# Bounds on waits, not speed expectations: a loaded machine (other suites, two cores) is slow.
def get_json(url: str, timeout: float = 60.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.status, json.loads(response.read())


def api_ids(base: str, word: str) -> set[int]:
    """Return the ids the API finds for a word (quoted: no spelling correction to another)."""
    query = urllib.parse.urlencode({"q": f'"{word}"', "per_page": 100})
    status, data = get_json(f"{base}/api/v1/examples?{query}")
    assert status == 200
    return {item["id"] for item in data["results"]}


def stop(process: subprocess.Popen) -> None:
    """Stop a process started by this test: SIGTERM, then SIGKILL after ten seconds."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(not GUNICORN.exists(), reason="gunicorn is not installed in .venv")
def test_concurrent_publishes_and_edits_lose_no_update(tmp_path, make_app):
    env = dict(os.environ,
               CATALOGUE_INSTANCE_PATH=str(tmp_path / "instance"),
               CATALOGUE_DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite'}",
               CATALOGUE_INDEX_DIR=str(tmp_path / "index"),
               PYTHONPATH=str(ROOT))
    # A secret for every process: otherwise the workers race to create instance/secret_key.
    env["CATALOGUE_SECRET_KEY"] = "gunicorn-test-secret"
    env.pop("CATALOGUE_TEST_POSTGRES_URL", None)
    app = make_app(DATABASE_URL=env["CATALOGUE_DATABASE_URL"], INDEX_DIR=env["CATALOGUE_INDEX_DIR"])
    with app.app_context():
        ids = add_records([neutral(title=f"Fiche {i}") for i in range(EXAMPLES)])
        pending = add_records([neutral(title=f"Attente {i}") for i in range(WRITERS)],
                              state="pending")
        for example_id in pending:  # a word naming the id, known only now
            db.session.get(Example, example_id).title = f"Attente {word(example_id)}"
        db.session.commit()
        db.session.remove()

    sock = listening_socket()  # passed as is: no other suite can take the port meanwhile
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    server = subprocess.Popen(
        [str(GUNICORN), "-w", "3", "-b", f"fd://{sock.fileno()}", "--timeout", "60",
         "catalogue:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        pass_fds=(sock.fileno(),))
    writers: list[subprocess.Popen] = []
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if get_json(f"{base}/healthz", timeout=2)[0] == 200:
                    break
            except (OSError, ValueError):
                pass
            assert server.poll() is None, server.stderr.read()
            assert time.monotonic() < deadline, "gunicorn did not answer in 180 s"
            time.sleep(0.2)

        writers = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, str(w), str(EDITS), str(pending[w]),
                 json.dumps(ids)],
                cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for w in range(WRITERS)
        ]
        # Searches keep answering while the writers commit.
        searches = 0
        deadline = time.monotonic() + 600
        while any(w.poll() is None for w in writers) and searches < 5000:
            assert time.monotonic() < deadline, "writers did not finish in 600 s"
            status, data = get_json(f"{base}/api/v1/examples?q=fiche&per_page=5")
            assert status == 200 and data["total"] >= EXAMPLES
            searches += 1
        assert searches > 0
        for w in writers:
            out, err = w.communicate(timeout=60)
            assert w.returncode == 0, err
            assert json.loads(out.strip().splitlines()[-1]) == {"late": []}

        with app.app_context():
            assert pending_changes() == 0
            final = {e.id: e.summary for e in db.session.scalars(
                sa.select(Example).where(Example.state == "published"))}
            assert search.check().clean
            db.session.remove()
        assert len(final) == EXAMPLES + WRITERS
        # Through every worker (several requests each), the latest text of every example.
        for example_id, summary in final.items():
            if summary.startswith("Version "):
                token = summary.split()[1]
                for _ in range(3):
                    assert example_id in api_ids(base, token), (example_id, token)
        for example_id in pending:
            assert api_ids(base, word(example_id)) == {example_id}
        for w in range(WRITERS):
            for k in range(EDITS):
                token = word(w * 100 + k)
                expected = {i for i, s in final.items() if f" {token} " in s}
                assert api_ids(base, token) == expected
    finally:
        for w in writers:
            stop(w)
            for stream in (w.stdout, w.stderr):
                if stream and not stream.closed:
                    stream.close()
        stop(server)
        sock.close()
        if server.stderr and not server.stderr.closed:
            server.stderr.close()
        with app.app_context():
            db.engine.dispose()
