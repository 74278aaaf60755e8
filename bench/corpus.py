"""A synthetic but French catalogue for the benches: sentences of the demo examples recombined,
with generated place and organisation names for a realistic long tail of rare words. The same
seed gives the same corpus.
"""

from __future__ import annotations

import json
import random
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEMO = Path(__file__).resolve().parent.parent / "catalogue" / "demo" / "examples.json"
SEED = 20261126
SYLLABLES = ("ker", "val", "mor", "lan", "bri", "chau", "mont", "bel", "ro", "fon", "ta", "vi",
             "lou", "sa", "gre", "nan", "pel", "dou", "mar", "ti", "bro", "cel", "lia", "ven")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?;])\s+", text) if len(s.strip()) > 20]


def corpus(rng: random.Random, n: int) -> list[dict]:
    """Return n example records recombined from the demo examples."""
    from catalogue import taxonomy

    demo = json.loads(DEMO.read_text(encoding="utf-8"))
    pools = {key: [s for d in demo for s in sentences(d.get(key) or "")]
             for key in ("summary", "description", "results", "lessons", "resources",
                         "transferability")}
    titles = [d["title"] for d in demo]
    partners = [p for d in demo for p in d["partners"]]
    regions = [r for r in taxonomy.REGIONS.codes]
    deps_of = {r: [t.code for t in taxonomy.departements_of(r)] for r in regions}
    records = []
    for _ in range(n):
        place = name(rng)
        region = rng.choice(regions)
        deps = rng.sample(deps_of[region], k=min(len(deps_of[region]), rng.choice((0, 1, 1, 2))))
        chosen = [dict(p) for p in rng.sample(partners, k=rng.randint(2, 4))]
        for p in chosen[: rng.randint(0, 2)]:
            p["name"] = f"{p['name'].split(' ')[0]} {name(rng)}"[:200]

        def text(key: str, k: int, limit: int, place: str = place) -> str:
            picked = " ".join(rng.sample(pools[key], k=min(k, len(pools[key]))))
            return picked.replace("la commune", f"la commune de {place}", 1)[:limit]

        records.append({
            "title": f"{rng.choice(titles)} à {place}"[:200],
            "summary": text("summary", 2, 600),
            "description": text("description", rng.randint(6, 9), 10_000),
            "results": text("results", rng.randint(2, 3), 10_000),
            "lessons": text("lessons", rng.randint(2, 3), 10_000),
            "resources": text("resources", 1, 10_000) if rng.random() < 0.7 else "",
            "transferability": text("transferability", 1, 10_000) if rng.random() < 0.5 else "",
            "objectives": rng.sample(taxonomy.OBJECTIVES.codes, k=rng.randint(1, 3)),
            "scale": rng.choice(taxonomy.SCALES.codes),
            "regions": [region],
            "departements": deps,
            "locality": place,
            "partners": chosen,
            "themes": rng.sample(taxonomy.THEMES.codes, k=rng.randint(1, 3)),
            "odd": sorted(rng.sample(range(1, 18), k=rng.randint(1, 4))),
            "start_year": rng.randint(2004, 2026),
            "status": rng.choice(("en-cours", "termine")),
        })
    return records


def name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()


def populate(db, records: list[dict], published: int) -> None:
    """Insert the records through the models in bulk (ORM events skipped: rebuild() follows)."""
    import sqlalchemy as sa

    from catalogue.models import Example, Partner

    start = datetime(2020, 1, 1, tzinfo=UTC)
    examples, partners = [], []
    for i, rec in enumerate(records, start=1):
        moment = start + timedelta(hours=7 * i)
        fields = {k: v for k, v in rec.items() if k != "partners"}
        examples.append({
            **fields, "id": i, "slug": f"exemple-{i}", "website": "", "contact": "",
            "contact_public": False, "submitter_name": "", "submitter_email": "",
            "submitter_organisation": "", "follow_token_hash": None,
            "state": "published" if i <= published else "pending",
            "created_at": moment, "updated_at": moment,
            "published_at": moment if i <= published else None, "version": 1,
        })
        partners.extend({"example_id": i, "position": pos, **p}
                        for pos, p in enumerate(rec["partners"]))
    for chunk in range(0, len(examples), 2000):
        db.session.execute(sa.insert(Example), examples[chunk:chunk + 2000])
    for chunk in range(0, len(partners), 5000):
        db.session.execute(sa.insert(Partner), partners[chunk:chunk + 5000])
    if db.engine.dialect.name == "postgresql":  # ids were given: move the sequences past them
        for table in ("example", "partner"):
            db.session.execute(sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"))
    db.session.commit()
