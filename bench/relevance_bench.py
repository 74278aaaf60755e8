"""Relevance: the judged set of tests/relevance_set.py (the field's vocabulary: sigles both ways,
synonyms, paraphrases, correct words no example contains, typos), searched by the catalogue and
by plain SQLite FTS5 (unicode61 tokenizer with diacritics removed, every word required, ranked
by bm25 with the catalogue's field weights) on the same corpus.

`search_bench.py` prints it first; `python bench/relevance_bench.py` prints it alone.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def measure_relevance() -> dict:
    """Evaluate the catalogue's search and plain FTS5 on the judged set of the test suite."""
    sys.path.insert(0, str(ROOT / "tests"))
    from relevance_set import CORPUS, JUDGED, evaluate

    tmp = Path(tempfile.mkdtemp(prefix="bench-relevance-"))
    os.environ["CATALOGUE_INSTANCE_PATH"] = str(tmp / "instance")
    try:
        from flask_migrate import upgrade

        from catalogue import create_app, search
        from catalogue.extensions import db
        from catalogue.importing import add_examples, validate_all

        app = create_app({
            "DATABASE_URL": f"sqlite:///{tmp / 'relevance.sqlite'}",
            "INDEX_DIR": str(tmp / "index"), "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
        })
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            records = list(CORPUS.values())
            examples = add_examples(validate_all(list(enumerate(records, start=1))),
                                    state="published")
            db.session.commit()
            keys = {e.id: key for e, key in zip(examples, CORPUS, strict=True)}

            def catalogue_search(q: str) -> list[str]:
                req, _ = search.parse_args(multidict({"q": q, "per_page": "10"}))
                return [keys[i] for i in search.search(req).ids()]

            catalogue = evaluate(catalogue_search)
            db.session.remove()
            db.engine.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {"queries": len(JUDGED), "catalogue": catalogue, "fts5": evaluate(fts5_search(CORPUS))}


def fts5_search(corpus: dict[str, dict]):
    """Return a search function over the corpus with plain SQLite FTS5."""
    from catalogue import taxonomy
    from catalogue.search.schema import FIELD_WEIGHTS

    con = sqlite3.connect(":memory:")
    con.execute("CREATE VIRTUAL TABLE fts USING fts5(key UNINDEXED, title, summary, context, "
                "body, tokenize='unicode61 remove_diacritics 2')")
    for key, r in corpus.items():
        context = " ".join([*(p["name"] for p in r["partners"]), r["locality"],
                            *map(taxonomy.REGIONS.label, r["regions"]),
                            *map(taxonomy.DEPARTEMENTS.label, r["departements"])])
        body = " ".join([r["description"], r["results"], r["lessons"], r["resources"],
                         r["transferability"], *(p["role"] for p in r["partners"])])
        con.execute("INSERT INTO fts VALUES (?, ?, ?, ?, ?)",
                    (key, r["title"], r["summary"], context, body))
    weights = ", ".join(str(FIELD_WEIGHTS[f]) for f in ("title", "summary", "context", "body"))

    def run(q: str) -> list[str]:
        words = re.findall(r"\w+", q)
        if not words:
            return []
        match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = con.execute(f"SELECT key FROM fts WHERE fts MATCH ? ORDER BY bm25(fts, 0, "
                           f"{weights}) LIMIT 10", (match,))
        return [key for (key,) in rows]

    return run


def print_relevance(figures: dict) -> None:
    print(f"\n| relevance: {figures['queries']} judged queries (tests/relevance_set.py) "
          "| recall@10 | top-3 | wrong answers |")
    print("|---|---:|---:|---:|")
    for label, name in (("catalogue search", "catalogue"), ("plain SQLite FTS5", "fts5")):
        f = figures[name]
        print(f"| {label} | {f['recall_at_10']:.2f} | {f['top_3']:.0%} "
              f"| {len(f['wrong_answers'])} |")
    sys.stdout.flush()


def multidict(params: dict):
    from werkzeug.datastructures import MultiDict

    md = MultiDict()
    for key, value in params.items():
        for v in value if isinstance(value, list) else [value]:
            md.add(key, v)
    return md


if __name__ == "__main__":
    print_relevance(measure_relevance())
