"""The organisations of the benchmark's catalogue, and the timing of their pages.

`search_bench.py` calls these: `link_organisations` after filling the catalogue (every partner
gets an organisation: a few hundred recur in many examples, most in one or two; the rest of
the ORGANISATIONS have no published example), `measure_organisation_pages` with the others.
The partners keep their names: the search's corpus is the same with or without this file.
"""

from __future__ import annotations

import random
import time

ORGANISATIONS = 25_000
# The organisations that recur: a partner is one of them with probability RECURRING_SHARE, the
# first ones more often (a Zipf-like head: the largest has hundreds of examples).
RECURRING = 500
RECURRING_SHARE = 0.35


def link_organisations(db, rng: random.Random, total: int = ORGANISATIONS) -> int:
    """Create `total` organisations and give one to every partner; return how many partners."""
    import sqlalchemy as sa

    from catalogue.models import Organisation, Partner
    from catalogue.organisations import name_key

    organisations: list[dict] = []
    keys: set[tuple[str, str]] = set()

    def new(name: str, kind: str) -> int:
        base, n = f"{name.split(' ')[0]} {_name(rng)}", 1
        name = base
        while (name_key(name), kind) in keys:
            n += 1
            name = f"{base} {n}"
        keys.add((name_key(name), kind))
        number = len(organisations) + 1
        organisations.append({"id": number, "slug": f"organisation-{number}", "name": name,
                              "key": name_key(name), "kind": kind})
        return number

    links = []
    rows = db.session.execute(sa.select(Partner.id, Partner.name, Partner.kind).order_by(Partner.id))
    for partner_id, name, kind in rows:
        if len(organisations) >= RECURRING and rng.random() < RECURRING_SHARE:
            chosen = 1 + int(RECURRING * rng.random() ** 2)
        elif len(organisations) < total:
            chosen = new(name, kind)
        else:
            chosen = rng.randint(1, total)
        links.append({"id": partner_id, "organisation_id": chosen})
    while len(organisations) < total:
        new("Organisation", rng.choice(("association", "entreprise", "collectivite")))
    for chunk in range(0, len(organisations), 5000):
        db.session.execute(sa.insert(Organisation), organisations[chunk:chunk + 5000])
    db.session.execute(sa.update(Partner), links)  # bulk UPDATE by primary key
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT setval(pg_get_serial_sequence('organisation', 'id'), "
                                   "(SELECT max(id) FROM organisation))"))
    db.session.commit()
    return len(links)


def _name(rng: random.Random) -> str:
    syllables = ("ker", "val", "mor", "lan", "bri", "chau", "mont", "bel", "ro", "fon", "ta", "vi")
    return "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()


def list_mix(rng: random.Random, count: int) -> list[dict]:
    """Query strings of /organisations/: names searched, kinds, régions, sorts, pages."""
    from catalogue import taxonomy

    mixes = []
    for _ in range(count):
        params: dict = {}
        roll = rng.random()
        if roll < 0.3:
            params["q"] = _name(rng)[:rng.randint(3, 6)].lower()
        if rng.random() < 0.4:
            params["type"] = rng.choice(taxonomy.PARTNER_KINDS.codes)
        if rng.random() < 0.4:
            params["region"] = rng.choice(taxonomy.REGIONS.codes)
        if rng.random() < 0.3:
            params["tri"] = "nom"
        if rng.random() < 0.3:
            params["page"] = rng.randint(2, 20)
        mixes.append(params)
    return mixes


def suggestion_texts(rng: random.Random, count: int) -> list[str]:
    """What contributors type in a partner's name field, as the suggestions see it: the start
    of a name (2 to 6 letters), or of a word of it."""
    words = ("mairie", "association", "fondation", "ville", "region", "caisse", "france")
    return [(_name(rng) if rng.random() < 0.6 else rng.choice(words))[:rng.randint(2, 6)].lower()
            for _ in range(count)]


def measure_organisation_pages(app, rng: random.Random, count: int, warmup: int) -> dict:
    """Time the list (the first request, which reads the directory, apart), organisation pages
    (half among the recurring ones, the largest pages, half among the others) and the
    suggestions a partner's name field asks for as the contributor types."""
    import sqlalchemy as sa

    from catalogue.extensions import db
    from catalogue.models import Example, Partner

    with app.app_context():
        having = db.session.scalars(
            sa.select(Partner.organisation_id).join(Example)
            .where(Example.state == "published").distinct()).all()
    recurring = sorted(i for i in having if i <= RECURRING)
    others = sorted(i for i in having if i > RECURRING)
    client = app.test_client()
    # Wall time, and this process's CPU time (on a loaded machine wall time waits for a core).
    figures: dict = {"list": [], "page": [], "suggest": [], "list_cpu": [], "page_cpu": [],
                     "suggest_cpu": [], "errors": 0}
    t = time.perf_counter()
    client.get("/organisations/")
    figures["first_list_s"] = time.perf_counter() - t
    slugs = [f"organisation-{rng.choice(recurring if i % 2 else others)}"
             for i in range(count + warmup)]
    suggestions = "/api/v1/organisations/suggestions"
    for name, requests in (("list", [("/organisations/", p) for p in list_mix(rng, count + warmup)]),
                           ("page", [(f"/organisations/{slug}", {}) for slug in slugs]),
                           ("suggest", [(suggestions, {"q": q})
                                        for q in suggestion_texts(rng, count + warmup)])):
        for i, (path, params) in enumerate(requests):
            t, cpu = time.perf_counter(), time.process_time()
            response = client.get(path, query_string=params)
            elapsed, cpu_elapsed = time.perf_counter() - t, time.process_time() - cpu
            figures["errors"] += response.status_code != 200
            if i >= warmup:
                figures[name].append(elapsed)
                figures[f"{name}_cpu"].append(cpu_elapsed)
    return figures
