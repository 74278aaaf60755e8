"""Benchmark the search: index build, publishing, engine queries and the search page over HTTP.

Run with `make bench` (BENCH_N examples, default 10000; 1000 is always measured too), on the
synthetic French corpus of `corpus.py`.
Each size gets its own temporary instance folder (database and index), removed afterwards.
Also times the PDF dossier of a 20-example selection and the organisations' pages (25,000
organisations, `organisation_bench.py`). Prints tables; asserts nothing.

First, relevance (`relevance_bench.py`): the catalogue's search against plain SQLite FTS5 on
the judged set of the test suite.
"""

from __future__ import annotations

import json
import os
import random
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corpus import DEMO, SEED, corpus, populate  # noqa: E402
from organisation_bench import link_organisations, measure_organisation_pages  # noqa: E402
from relevance_bench import measure_relevance, multidict, print_relevance  # noqa: E402

QUERIES = 200
WARMUP = 20
PUBLISHES = 50
DOSSIER_SIZE = 20


def main() -> None:
    print_relevance(measure_relevance())
    sizes = sorted({1000, int(os.environ.get("BENCH_N", "10000"))})
    rows = []
    for n in sizes:
        rows.append(bench_size(n))
        print_table(rows)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak memory (max RSS of this process): {peak:.0f} MB")


def bench_size(n: int) -> dict:
    """Build an instance with n published examples and measure it."""
    tmp = Path(tempfile.mkdtemp(prefix=f"bench-{n}-"))
    os.environ["CATALOGUE_INSTANCE_PATH"] = str(tmp / "instance")
    try:
        from flask_migrate import upgrade

        from catalogue import create_app, search
        from catalogue.extensions import db

        app = create_app({
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite'}",
            "INDEX_DIR": str(tmp / "index"),
            "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
            "LOG_LEVEL": "WARNING",
        })
        row: dict = {"n": n}
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            rng = random.Random(SEED)
            t = time.perf_counter()
            populate(db, corpus(rng, n + PUBLISHES), published=n)
            link_organisations(db, random.Random(SEED + 5))
            row["populate_s"] = time.perf_counter() - t
            t = time.perf_counter()
            row["documents"] = search.rebuild()
            row["build_s"] = time.perf_counter() - t
            row["size_mb"] = dir_size(Path(app.config["INDEX_DIR"])) / 1e6
            row["publish"] = measure_publishes(db, n)
            # Let the background merge of the segments the publishes wrote finish first.
            app.extensions["search"].settle()
            # Two different mixes of the same kinds: the page is not timed on warm queries.
            row["engine"] = measure_engine(search, query_mix(random.Random(SEED + 1),
                                                             QUERIES + WARMUP))
        row["http"] = measure_http(app, query_mix(random.Random(SEED + 2), QUERIES + WARMUP))
        # The observatory counts every match of the same searches in the database.
        row["observatory"] = measure_http(app, query_mix(random.Random(SEED + 3), QUERIES + WARMUP),
                                          "/observatoire/")
        row["dossier"] = measure_dossier(app)
        row["organisations"] = measure_organisation_pages(app, random.Random(SEED + 6), QUERIES, WARMUP)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        return row
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def dir_size(path: Path) -> int:
    real = Path(os.path.realpath(path / "current"))
    return sum(f.stat().st_size for f in real.rglob("*") if f.is_file())


# --- measurements --------------------------------------------------------------------------


def measure_publishes(db, n: int) -> list[float]:
    """Approve pending examples one by one: commit and index update, as a moderator's request."""
    from catalogue.models import Example
    from catalogue.workflow import transition

    times = []
    for example_id in range(n + 1, n + PUBLISHES + 1):
        example = db.session.get(Example, example_id)
        transition(example, "approve", comment="Bench")
        t = time.perf_counter()
        db.session.commit()
        times.append(time.perf_counter() - t)
    return times


def query_mix(rng: random.Random, count: int) -> list[dict]:
    """Return a fixed mix of query-string parameter sets: words, phrases, typos, filters, sorts."""
    from catalogue import taxonomy

    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    words = sorted({w.lower() for d in demo for w in re.findall(r"[^\W\d_]{5,}", d["summary"])})
    frequent = ["association", "entreprise", "commune", "jeunes", "emploi", "insertion",
                "territoire", "coopération", "solidarité", "numérique", "santé", "habitants",
                "formation", "fondation", "mécénat", "agriculteurs", "éducation", "quartier"]
    mixes = []
    for i in range(count):
        kind = i % 10
        pool = frequent if rng.random() < 0.5 else words
        q = " ".join(rng.sample(pool, k=rng.randint(1, 3)))
        params: dict = {"q": q}
        if kind == 1:
            params["q"] = f'"{" ".join(rng.sample(frequent, k=2))}"'
        elif kind == 2:
            word = rng.choice(words)
            params["q"] = word[:-2] + word[-1] + word[-2] if len(word) > 5 else word  # typo
        elif kind == 3:
            params["q"] = rng.choice(frequent)[:5] + "*"
        elif kind == 4:
            params["q"] = ""
        if kind in (4, 5, 6, 7):
            params["region"] = rng.choice(taxonomy.REGIONS.codes)
        if kind in (5, 8):
            params["theme"] = rng.sample(taxonomy.THEMES.codes, k=rng.randint(1, 2))
        if kind in (6, 9):
            params["objectif"] = rng.choice(taxonomy.OBJECTIVES.codes)
        if kind == 7:
            params["tri"] = rng.choice(("recent", "titre"))
        if i % 13 == 0:
            params["page"] = "2"
        mixes.append(params)
    return mixes


def measure_engine(search, queries: list[dict]) -> list[float]:
    times = []
    for i, params in enumerate(queries):
        req, _ = search.parse_args(multidict(params))
        t = time.perf_counter()
        try:
            search.search(req)
        except search.PageOutOfRange:
            pass
        if i >= WARMUP:
            times.append(time.perf_counter() - t)
    return times


def measure_http(app, queries: list[dict], path: str = "/exemples/") -> list[float] | str:
    client = app.test_client()
    times, errors = [], 0
    for i, params in enumerate(queries):
        t = time.perf_counter()
        response = client.get(path, query_string=multidict(params))
        elapsed = time.perf_counter() - t
        if response.status_code not in (200, 404):
            errors += 1
            if errors == 1:
                print(f"  HTTP {response.status_code} for {params}", file=sys.stderr)
        if i >= WARMUP:
            times.append(elapsed)
    return times if errors < len(queries) else f"no {path} view"


def measure_dossier(app, size: int = DOSSIER_SIZE, runs: int = 3) -> dict | str:
    """Time the PDF dossier of a selection of `size` examples over HTTP (after one warm-up,
    which also loads WeasyPrint): wall times, and this process's CPU times (the render runs in
    it; on a loaded machine wall time waits for a core, CPU time does not)."""
    import sqlalchemy as sa

    from catalogue.extensions import db
    from catalogue.models import Example

    with app.app_context():
        ids = db.session.scalars(sa.select(Example.id).where(Example.state == "published")
                                 .order_by(Example.id).limit(size)).all()
    path = "/selection/" + "-".join(str(i) for i in ids) + ".pdf"
    client = app.test_client()
    times: dict[str, list[float]] = {"wall": [], "cpu": []}
    for i in range(runs + 1):
        t, cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        elapsed, cpu_elapsed = time.perf_counter() - t, time.process_time() - cpu
        if response.status_code != 200 or response.mimetype != "application/pdf":
            return f"HTTP {response.status_code}"
        if i:
            times["wall"].append(elapsed)
            times["cpu"].append(cpu_elapsed)
    return times


# --- report --------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


def print_table(rows: list[dict]) -> None:
    print("\n| examples | build (s) | index (MB) | publish p50/p95 (ms) | engine p50/p95 (ms) "
          "| search page p50/p95 (ms) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        http = r["http"]
        page = (f"{pct(http, 50):.1f} / {pct(http, 95):.1f}" if isinstance(http, list) else http)
        print(f"| {r['n']:,} | {r['build_s']:.1f} | {r['size_mb']:.1f} "
              f"| {pct(r['publish'], 50):.1f} / {pct(r['publish'], 95):.1f} "
              f"| {pct(r['engine'], 50):.1f} / {pct(r['engine'], 95):.1f} | {page} |")
    print("\n| examples | observatory page p50/p95 (ms) |")
    print("|---:|---:|")
    for r in rows:
        obs = r["observatory"]
        figure = f"{pct(obs, 50):.1f} / {pct(obs, 95):.1f}" if isinstance(obs, list) else obs
        print(f"| {r['n']:,} | {figure} |")
    print("\n| examples | organisations list p50/p95 (ms; target ≤ 50) | CPU p50/p95 "
          "| organisation page p50/p95 (ms; target ≤ 50) | CPU p50/p95 "
          "| suggestions p50/p95 (ms) | CPU p50/p95 "
          "| list's first request, reading the directory (ms) |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        o = r["organisations"]
        print(f"| {r['n']:,} | " + " | ".join(
            f"{pct(o[k], 50):.1f} / {pct(o[k], 95):.1f}"
            for k in ("list", "list_cpu", "page", "page_cpu", "suggest", "suggest_cpu"))
              + f" | {o['first_list_s'] * 1000:.0f}"
              f"{' (' + str(o['errors']) + ' errors)' if o['errors'] else ''} |")
    print(f"\n| examples | PDF dossier of {DOSSIER_SIZE} examples: wall best / worst of 3 "
          "(s; target ≤ 5) | CPU best / worst (s) |")
    print("|---:|---:|---:|")
    for r in rows:
        pdf = r.get("dossier")
        if isinstance(pdf, dict):
            wall, cpu = pdf["wall"], pdf["cpu"]
            print(f"| {r['n']:,} | {min(wall):.2f} / {max(wall):.2f} "
                  f"| {min(cpu):.2f} / {max(cpu):.2f} |")
        else:
            print(f"| {r['n']:,} | {pdf} | |")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
