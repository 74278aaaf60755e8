"""The load bench's mix against two hosts sharing one PostgreSQL; how fast changes cross over.

`make bench-cluster` (on a throwaway PostgreSQL server): two gunicorn hosts, 2 workers each,
each with its own instance folder and search index, serve one 1,000-example catalogue for 60 s
(BENCH_LOAD_SECONDS). On each host, wrk runs 3 search and 1 detail connections; Python clients
submit through the form and approve pending examples at BENCH_LOAD_WRITE_RATE a second each,
alternating between the hosts (round robin). After each approval through one host, a probe
searches the other host for the example until it is found: the propagation delay. Printed:
searches a second and their p95 per host, the propagation delay p50 / p95 / max, and the
answers; afterwards no answer may be a 5xx, every approval must be found on both hosts and
`check-index` must be clean on both.
"""

from __future__ import annotations

import json
import random
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "tests")]

import corpus  # noqa: E402
import load_bench  # noqa: E402  (the mix, the recorder and the form shared with `make bench-load`)
import search_bench  # noqa: E402
from helpers import new_database_url  # noqa: E402
from live import Browser, Instance, version_of  # noqa: E402

SECONDS = load_bench.SECONDS
WRITE_RATE = load_bench.WRITE_RATE or 1.0
EXAMPLES, PENDING = 1000, 400
SEARCH_CONNECTIONS, DETAIL_CONNECTIONS = 3, 2
PROBE_TIMEOUT = 30.0  # seconds: an approval not found on the other host by then is lost
TARGET_PROPAGATION_P95 = 2000.0  # ms


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="bench-cluster-"))
    database = new_database_url(root)
    if not database.startswith("postgresql"):
        sys.exit("Run through `make bench-cluster` (a throwaway PostgreSQL server).")
    settings = {"DATABASE_URL": database, "RATELIMIT_ENABLED": "false"}
    hosts = [Instance(root / name, **settings) for name in ("a", "b")]
    records = populate(hosts[0], database)
    hosts[0].prepare(demo=False)
    pending = list(range(EXAMPLES + 1, EXAMPLES + PENDING + 1))
    queries = ["/exemples/?" + urllib.parse.urlencode(q, doseq=True)
               for q in search_bench.query_mix(random.Random(7), 200)]
    (root / "search.txt").write_text("\n".join(queries) + "\n")
    (root / "detail.txt").write_text(
        "\n".join(f"/exemples/exemple-{i}" for i in range(1, EXAMPLES + 1)) + "\n")
    print(f"Two hosts on one PostgreSQL database, {EXAMPLES} published and {PENDING} pending "
          f"examples; per host {SEARCH_CONNECTIONS} search and {DETAIL_CONNECTIONS} detail "
          f"connections; {WRITE_RATE:g} submission(s) and {WRITE_RATE:g} approval(s) a second "
          f"across the hosts, for {SECONDS:.0f} s …", flush=True)

    with hosts[0].gunicorn(workers=2) as a, hosts[1].gunicorn(workers=2) as b:
        bases = [a, b]
        recorder, work = load_bench.Recorder(), load_bench.Work(pending)
        delays: list[float] = []
        lost: list[int] = []
        stop = time.monotonic() + SECONDS
        threads = [threading.Thread(target=write, args=(bases, kind, stop, work, recorder,
                                                        records, delays, lost))
                   for kind in ("submit", "approve")]
        visitors = [(f"{kind} {name}", load_bench.wrk(base, root / f"{kind}.txt", n))
                    for name, base in zip("AB", bases, strict=True)
                    for kind, n in (("search", SEARCH_CONNECTIONS), ("detail", DETAIL_CONNECTIONS))]
        for t in threads:
            t.start()
        for kind, process in visitors:
            recorder.add_wrk(kind, process.communicate(timeout=SECONDS + 120)[0])
        for t in threads:
            t.join(timeout=PROBE_TIMEOUT + 120)
        problems = report(recorder, delays, lost, work)
        for host in hosts:
            check = host.flask("check-index", check=False)
            print(f"check-index on {host.root.name}: exit code {check.returncode}")
            if check.returncode != 0:
                problems.append(f"check-index on {host.root.name}: {check.stdout[-300:]}")
    if problems:
        print("\nPROBLEMS:\n- " + "\n- ".join(problems))
        sys.exit(1)
    print("\nNo 5xx; every approval was found on both hosts; check-index is clean on both.")


def populate(host: Instance, database: str) -> list[dict]:
    """Create the schema and the examples through the models; index them for the first host."""
    import os

    os.environ["CATALOGUE_INSTANCE_PATH"] = str(host.root / "instance")
    from flask_migrate import upgrade

    from catalogue import create_app, search
    from catalogue.extensions import db

    app = create_app({"SECRET_KEY": host.env["CATALOGUE_SECRET_KEY"], "LOG_LEVEL": "WARNING",
                      "DATABASE_URL": database})
    records = corpus.corpus(random.Random(corpus.SEED), EXAMPLES + PENDING)
    with app.app_context():
        upgrade(directory=app.extensions["migrate"].directory)
        corpus.populate(db, records, published=EXAMPLES)
        search.rebuild()
        db.session.remove()
        db.engine.dispose()
    return records


def write(bases: list[str], kind: str, stop: float, work, recorder, records: list[dict],
          delays: list[float], lost: list[int]) -> None:
    """Submit or approve at WRITE_RATE, alternating hosts; probe the other host after approvals."""
    browsers = [Browser(base) for base in bases]
    if kind == "approve":
        for browser in browsers:
            browser.login()
    probes: list[threading.Thread] = []
    interval, next_start, n = 1 / WRITE_RATE, time.monotonic(), 0
    while True:
        time.sleep(max(0.0, next_start - time.monotonic()))
        next_start += interval
        if time.monotonic() >= stop:
            break
        n += 1
        host = n % 2
        browser = browsers[host]
        if kind == "submit":
            _, form, _ = browser.get("/proposer")
            title = f"Banc d’essai {n} : une recyclerie partagée"
            load_bench.timed(recorder, kind, browser.request, "POST", "/proposer",
                             load_bench.submission(title, form))
            continue
        example_id = work.next_pending()
        if example_id is None:
            break
        _, review, _ = browser.get(f"/moderation/exemples/{example_id}")
        data = {"action": "approve", "comment": "", "version": version_of(review),
                "csrf_token": load_bench.csrf(review)}
        status = load_bench.timed(recorder, kind, browser.request, "POST",
                                  f"/moderation/exemples/{example_id}/decision", data)
        if status == 302:
            approved_at = time.monotonic()
            with work.lock:
                work.approved.append(example_id)
            place = records[example_id - 1]["locality"]
            probe = threading.Thread(target=find_on, args=(
                bases[1 - host], example_id, place, approved_at, delays, lost))
            probe.start()
            probes.append(probe)
    for probe in probes:
        probe.join(timeout=PROBE_TIMEOUT + 30)


def find_on(base: str, example_id: int, place: str, since: float, delays: list[float],
            lost: list[int]) -> None:
    """Search a host for an example (by its place name) until found; record the delay."""
    browser = Browser(base)
    query = urllib.parse.urlencode({"q": place, "exact": 1, "per_page": 100})
    while time.monotonic() - since < PROBE_TIMEOUT:
        status, body, _ = browser.get(f"/api/v1/examples?{query}")
        if status == 200 and example_id in [r["id"] for r in json.loads(body)["results"]]:
            delays.append((time.monotonic() - since) * 1000)
            return
        time.sleep(0.05)
    lost.append(example_id)


def report(recorder, delays: list[float], lost: list[int], work) -> list[str]:
    pct = load_bench.pct
    print(f"\n{'visitors':<10} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}  answers")
    problems = []
    for kind, w in sorted(recorder.wrk.items()):
        rate = w.get("requests", 0) / max(w.get("seconds", 1), 1e-9)
        errors = int(w.get("server_errors", 0) + w.get("socket_errors", 0))
        print(f"{kind:<10} {int(w.get('requests', 0)):>8} {rate:>8.1f} {w.get('p50', 0):>8.1f} "
              f"{w.get('p95', 0):>8.1f}  5xx or socket errors×{errors}")
        if errors or not w.get("requests"):
            problems.append(f"{kind}: {errors} 5xx or socket errors, {w.get('requests', 0)} requests")
    for kind in ("submit", "approve"):
        values, statuses = recorder.times.get(kind, []), recorder.statuses.get(kind, {})
        answers = ", ".join(f"{code}×{k}" for code, k in sorted(statuses.items()))
        print(f"{kind:<10} {len(values):>8} {'':>8} {pct(values, 50):>8.1f} "
              f"{pct(values, 95):>8.1f}  {answers}")
        if any(code >= 500 for code in statuses):
            problems.append(f"{kind}: 5xx answers {dict(statuses)}")
    searches = sum(w.get("requests", 0) / max(w.get("seconds", 1), 1e-9)
                   for kind, w in recorder.wrk.items() if kind.startswith("search"))
    p95 = max((w.get("p95", 0) for k, w in recorder.wrk.items() if k.startswith("search")),
              default=0)
    print(f"\nSearch pages, both hosts: {searches:.1f}/s; p95 {p95:.1f} ms (the slower host)")
    if delays:
        verdict = "met" if pct(delays, 95) <= TARGET_PROPAGATION_P95 else "NOT met"
        print(f"Propagation to the other host ({len(delays)} approvals): p50 "
              f"{pct(delays, 50):.0f} ms, p95 {pct(delays, 95):.0f} ms, max {max(delays):.0f} ms "
              f"(target p95 ≤ {TARGET_PROPAGATION_P95:.0f} ms: {verdict})")
    else:
        problems.append("no approval was measured")
    if lost:
        problems.append(f"{len(lost)} approval(s) never found on the other host: {lost[:5]}")
    print(f"Approvals: {len(work.approved)}; lost: {len(lost)}")
    return problems


if __name__ == "__main__":
    main()
