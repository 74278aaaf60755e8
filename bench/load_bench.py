"""Load a real gunicorn with a mix of visitors, contributors and moderators; print what it held.

`make bench-load`: 4 gunicorn workers on 127.0.0.1 serve a 1,000-example catalogue for 60 s
(BENCH_LOAD_SECONDS). Visitors are wrk connections (Debian's `wrk`, a C client that leaves the
two cores to the server): 6 search the catalogue with a fixed mix of 200 queries with and
without filters, 2 read examples, each as fast as the server answers. Meanwhile Python clients
fill in the submission form and moderators approve pending examples, through real forms with
CSRF tokens, at BENCH_LOAD_WRITE_RATE submissions and as many approvals a second (default 1:
thousands an hour, far more than such a catalogue receives, and enough for the index to change
under the readers every second). BENCH_LOAD_WRITE_RATE=0 lets BENCH_LOAD_WRITERS submitters and
as many moderators (default 1) write as fast as they can instead. Afterwards every accepted
submission must exist, every approval must be searchable, `check-index` must be clean, and no
answer may be a 5xx. Rate limits are off for this run: every client comes from 127.0.0.1.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import corpus  # noqa: E402  (the corpus of `make bench`)
import search_bench  # noqa: E402  (its query mix)
from live import Browser, Instance, version_of  # noqa: E402

SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
WRITE_RATE = float(os.environ.get("BENCH_LOAD_WRITE_RATE", "1"))  # of each kind, per second
WRITERS = int(os.environ.get("BENCH_LOAD_WRITERS", "1"))
SEARCH_CONNECTIONS, DETAIL_CONNECTIONS = 6, 2
EXAMPLES = 1000
PENDING = 400  # waiting for the moderators' approvals
KINDS = ("search", "detail", "submit", "approve")
TARGET_RATE, TARGET_P95 = 150.0, 150.0


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-load-"))
    instance = Instance(root, RATELIMIT_ENABLED="false")
    populate(instance, root)
    instance.prepare(demo=False)
    database = root / "instance" / "catalogue.sqlite"
    with sqlite3.connect(database) as connection:
        pending = [r[0] for r in connection.execute("SELECT id FROM example WHERE state = 'pending'")]
        slugs = [r[0] for r in connection.execute("SELECT slug FROM example WHERE state = 'published'")]
    queries = ["/exemples/?" + urllib.parse.urlencode(q, doseq=True)
               for q in search_bench.query_mix(random.Random(7), 200)]
    (root / "search.txt").write_text("\n".join(queries) + "\n")
    (root / "detail.txt").write_text("\n".join(f"/exemples/{slug}" for slug in slugs) + "\n")
    pace = (f"{WRITE_RATE:g} submission(s) and {WRITE_RATE:g} approval(s) a second" if WRITE_RATE > 0
            else f"{WRITERS} submitter(s) and {WRITERS} moderator(s) as fast as they can")
    print(f"Catalogue: {len(slugs)} published, {len(pending)} pending; {SEARCH_CONNECTIONS} search and "
          f"{DETAIL_CONNECTIONS} detail connections, {pace}, for {SECONDS:.0f} s against 4 gunicorn "
          "workers …", flush=True)

    with instance.gunicorn(workers=4) as base:
        recorder = Recorder()
        work = Work(pending)
        stop = time.monotonic() + SECONDS
        writers = [threading.Thread(target=writer, args=(base, kind, i, stop, work, recorder))
                   for kind in ("submit", "approve") for i in range(WRITERS)]
        visitors = [wrk(base, root / "search.txt", SEARCH_CONNECTIONS),
                    wrk(base, root / "detail.txt", DETAIL_CONNECTIONS)]
        for t in writers:
            t.start()
        for kind, process in zip(("search", "detail"), visitors, strict=True):
            recorder.add_wrk(kind, process.communicate(timeout=SECONDS + 120)[0])
        for t in writers:
            t.join(timeout=120)
        report(recorder)
        problems = verify(instance, database, base, work, recorder)
    if problems:
        print("\nPROBLEMS:\n- " + "\n- ".join(problems))
        sys.exit(1)
    print("\nEvery accepted submission exists, every approval is searchable, check-index is clean, no 5xx.")


def populate(instance: Instance, root: Path) -> None:
    """Create the schema and 1,000 published examples (+ pending ones) through the models."""
    os.environ["CATALOGUE_INSTANCE_PATH"] = str(root / "instance")
    from flask_migrate import upgrade

    from catalogue import create_app, search
    from catalogue.extensions import db

    app = create_app({"SECRET_KEY": instance.env["CATALOGUE_SECRET_KEY"], "LOG_LEVEL": "WARNING"})
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        records = corpus.corpus(random.Random(corpus.SEED), EXAMPLES + PENDING)
        corpus.populate(db, records, published=EXAMPLES)
        search.rebuild()
        db.session.remove()
        db.engine.dispose()


class Work:
    """Shared state of the run: examples left to approve, what was accepted and approved."""

    def __init__(self, pending: list[int]):
        self.lock = threading.Lock()
        self.pending = list(pending)
        self.submitted: list[str] = []
        self.approved: list[int] = []

    def next_pending(self) -> int | None:
        with self.lock:
            return self.pending.pop() if self.pending else None


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.statuses: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))

        self.started = time.monotonic()
        self.wrk: dict[str, dict[str, float]] = {}

    def add(self, kind: str, seconds: float, status: int) -> None:
        with self.lock:
            self.times[kind].append(seconds * 1000)
            self.statuses[kind][status] += 1

    def add_wrk(self, kind: str, output: str) -> None:
        line = next((ln for ln in output.splitlines() if ln.startswith("WRK ")), "")
        self.wrk[kind] = {k: float(v) for k, v in (f.split("=") for f in line.split()[1:])}
        if not line:
            print(f"wrk gave no figures for {kind}:\n{output}", file=sys.stderr)


def wrk(base: str, paths: Path, connections: int) -> subprocess.Popen:
    """Start wrk on the paths listed in a file for the length of the run."""
    return subprocess.Popen(
        ["wrk", "-t", "1", "-c", str(connections), "-d", f"{SECONDS:.0f}s", "--timeout", "10s",
         "-s", str(HERE / "wrk_paths.lua"), base, "--", str(paths)],
        stdout=subprocess.PIPE, text=True)


def writer(base: str, kind: str, number: int, stop: float, work: Work, recorder: Recorder) -> None:
    """Submit examples through the form, or approve pending ones as a moderator, until stop."""
    browser = Browser(base)
    if kind == "approve":
        browser.login()
    # Paced: each writer starts an operation every `interval` seconds (at once when late).
    interval = WRITERS / WRITE_RATE if WRITE_RATE > 0 else 0.0
    next_start = time.monotonic()
    n = 0
    while time.monotonic() < stop and n < 100_000:
        if interval:
            time.sleep(max(0.0, next_start - time.monotonic()))
            next_start += interval
            if time.monotonic() >= stop:
                return
        n += 1
        if kind == "submit":
            title = f"Banc d’essai {number}-{n} : une recyclerie partagée"
            _, form, _ = browser.get("/proposer")
            status = timed(recorder, kind, browser.request, "POST", "/proposer",
                           submission(title, form))
            if status == 302:
                with work.lock:
                    work.submitted.append(title)
            continue
        example_id = work.next_pending()
        if example_id is None:
            return
        _, review, _ = browser.get(f"/moderation/exemples/{example_id}")
        data = {"action": "approve", "comment": "", "version": version_of(review),
                "csrf_token": csrf(review)}
        status = timed(recorder, kind, browser.request, "POST",
                       f"/moderation/exemples/{example_id}/decision", data)
        if status == 302:
            with work.lock:
                work.approved.append(example_id)


def timed(recorder: Recorder, kind: str, call, *args) -> int:
    t = time.perf_counter()
    try:
        status = call(*args)[0]
    except OSError:
        status = 599  # connection failure
    recorder.add(kind, time.perf_counter() - t, status)
    return status


def csrf(html: str) -> str:
    from live import csrf_token

    return csrf_token(html)


def submission(title: str, form: str) -> dict:
    return {
        "csrf_token": csrf(form), "title": title,
        "summary": "Une recyclerie partagée entre une association, une entreprise d’insertion et la commune.",
        "description": "Les habitants déposent des objets ; une équipe en insertion les répare.",
        "results": "Douze tonnes d’objets réemployés et six emplois en insertion la première année.",
        "lessons": "Un local bien placé et un partenariat clair avec la collectivité.",
        "objectives": ["co-construire"], "scale": "local", "regions": ["53"], "departements": ["35"],
        "locality": "Rennes", "partners-0-name": "Recyclerie du Blosne", "partners-0-kind": "association",
        "partners-0-role": "Anime la recyclerie.", "partners-1-name": "Ville de Rennes",
        "partners-1-kind": "collectivite", "partners-1-role": "Prête le local.",
        "themes": ["environnement"], "odd": ["12"], "start_year": "2024", "status": "en-cours",
        "submitter_name": "Banc d’essai", "submitter_email": "banc@example.org",
        "submitter_organisation": "Banc d’essai", "terms": "y",
    }


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else 0.0


def report(recorder: Recorder) -> None:
    elapsed = time.monotonic() - recorder.started
    print(f"\n{'kind':<9} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  answers")
    for kind in KINDS:
        if kind in recorder.wrk:
            w = recorder.wrk[kind]
            n, rate = int(w.get("requests", 0)), w.get("requests", 0) / max(w.get("seconds", 1), 1e-9)
            p50, p95, p99 = w.get("p50", 0), w.get("p95", 0), w.get("p99", 0)
            answers = (f"5xx×{int(w.get('server_errors', 0))}, 404×{int(w.get('not_found', 0))}, "
                       f"socket errors×{int(w.get('socket_errors', 0))}")
        else:
            values = recorder.times.get(kind, [])
            n, rate = len(values), len(values) / elapsed
            p50, p95, p99 = pct(values, 50), pct(values, 95), pct(values, 99)
            answers = ", ".join(f"{code}×{k}" for code, k in sorted(recorder.statuses[kind].items()))
        print(f"{kind:<9} {n:>8} {rate:>8.1f} {p50:>8.1f} {p95:>8.1f} {p99:>8.1f}  {answers}")
    w = recorder.wrk.get("search", {})
    rate = w.get("requests", 0) / max(w.get("seconds", 1), 1e-9)
    p95 = w.get("p95", 0.0)
    verdict = "met" if rate >= TARGET_RATE and p95 <= TARGET_P95 else "NOT met"
    print(f"\nSearch pages: {rate:.1f}/s, p95 {p95:.1f} ms "
          f"(target ≥ {TARGET_RATE:.0f}/s with p95 ≤ {TARGET_P95:.0f} ms: {verdict})")


def verify(instance: Instance, database: Path, base: str, work: Work, recorder: Recorder) -> list[str]:
    problems = []
    errors = {k: sum(n for code, n in s.items() if code >= 500) for k, s in recorder.statuses.items()}
    errors.update({k: int(w.get("server_errors", 0) + w.get("socket_errors", 0))
                   for k, w in recorder.wrk.items()})
    if not all(recorder.wrk.get(k, {}).get("requests") for k in ("search", "detail")):
        problems.append("wrk reported no requests")
    if any(errors.values()):
        problems.append(f"5xx answers: {errors}")
    with sqlite3.connect(database) as connection:
        titles = {r[0] for r in connection.execute("SELECT title FROM example")}
        states = dict(connection.execute("SELECT id, state FROM example"))
        slug_of = dict(connection.execute("SELECT id, slug FROM example"))
    missing = [t for t in work.submitted if t not in titles]
    if missing:
        problems.append(f"{len(missing)} accepted submission(s) missing, e.g. {missing[:3]}")
    unpublished = [i for i in work.approved if states.get(i) != "published"]
    if unpublished:
        problems.append(f"{len(unpublished)} approval(s) not published: {unpublished[:5]}")
    browser = Browser(base)
    deadline = time.monotonic() + 30
    unsearchable = list(work.approved)
    while unsearchable and time.monotonic() < deadline:
        unsearchable = [i for i in unsearchable if not searchable(browser, slug_of[i])]
        if unsearchable:
            time.sleep(1)
    if unsearchable:
        problems.append(f"{len(unsearchable)} approval(s) not found by search: {unsearchable[:5]}")
    check = instance.flask("check-index", check=False)
    if check.returncode != 0:
        problems.append("check-index: " + (check.stdout + check.stderr)[-500:])
    print(f"\nAccepted submissions: {len(work.submitted)}; approvals: {len(work.approved)}; "
          f"check-index exit code {check.returncode}.")
    return problems


def searchable(browser: Browser, slug: str) -> bool:
    """Find an example through the catalogue search by the words of its title."""
    status, page, _ = browser.get(f"/exemples/{slug}")
    if status != 200:
        return False
    title = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
    words = " ".join(re.findall(r"\w{4,}", title))  # every word: the place name ends the title
    _, results, _ = browser.get("/exemples/?" + urllib.parse.urlencode({"q": words}))
    return f'href="/exemples/{slug}"' in results


if __name__ == "__main__":
    try:
        main()
    except subprocess.CalledProcessError as error:
        print(error.stdout, error.stderr, file=sys.stderr)
        raise
