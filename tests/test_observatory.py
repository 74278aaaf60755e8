"""The observatory: every chart's numbers equal a direct count of the published examples."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
import sqlalchemy as sa

from catalogue import taxonomy
from catalogue.extensions import db
from catalogue.models import Example


def published(app) -> list[dict]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Example).where(Example.state == "published")
            .options(sa.orm.selectinload(Example.partners))).all()
        return [{"objectif": set(e.objectives), "region": set(e.regions),
                 "departement": set(e.departements), "theme": set(e.themes),
                 "odd": {str(n) for n in e.odd}, "echelle": {e.scale},
                 "acteur": {p.kind for p in e.partners}, "annee": e.start_year} for e in rows]


# Filters as the catalogue reads them: OR within a facet, AND across, partner kinds with AND.
SEARCHES = [
    ("", lambda e: True),
    ("objectif=innover", lambda e: "innover" in e["objectif"]),
    ("region=53&region=11&objectif=innover",
     lambda e: bool({"53", "11"} & e["region"]) and "innover" in e["objectif"]),
    ("acteur=association&acteur=entreprise", lambda e: {"association", "entreprise"} <= e["acteur"]),
    ("echelle=local&theme=environnement",
     lambda e: "local" in e["echelle"] and "environnement" in e["theme"]),
]


def read_csv(client, name: str, query: str) -> list[list[str]]:
    response = client.get(f"/observatoire/{name}.csv?{query}")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def bars(client, name: str, query: str) -> dict[str, int]:
    header, *rows = read_csv(client, name, query)
    assert header == ["Valeur", "Exemples"]
    return {label: int(count) for label, count in rows}


def matrix(client, name: str, query: str) -> dict[tuple[str, str], int]:
    header, *rows = read_csv(client, name, query)
    return {(row[0], column): int(n) for row in rows for column, n in zip(header[1:], row[1:], strict=True)}


@pytest.mark.parametrize(("query", "keep"), SEARCHES, ids=[s[0] or "tout" for s in SEARCHES])
def test_every_chart_equals_a_direct_count(client, demo, app, query, keep):
    rows = [e for e in published(app) if keep(e)]
    assert rows or query.startswith("echelle")

    def count(facet, code):
        return sum(code in e[facet] for e in rows)

    for name, facet, vocabulary in [("objectifs", "objectif", taxonomy.OBJECTIVES),
                                    ("regions", "region", taxonomy.REGIONS),
                                    ("odd", "odd", taxonomy.ODD),
                                    ("echelles", "echelle", taxonomy.SCALES)]:
        expected = {term.label: count(facet, str(term.code)) for term in vocabulary}
        assert bars(client, name, query) == expected, name
    deps = {term.label: count("departement", term.code) for term in taxonomy.DEPARTEMENTS}
    assert bars(client, "departements", query) == {k: n for k, n in deps.items() if n}
    years = [e["annee"] for e in rows if e["annee"]]
    if years:
        expected_years = {str(y): years.count(y) for y in range(min(years), max(years) + 1)}
    else:
        expected_years = {}
    assert bars(client, "annees", query) == expected_years
    assert matrix(client, "alliances", query) == {
        (a.label, b.label): sum({a.code, b.code} <= e["acteur"] for e in rows)
        for a in taxonomy.PARTNER_KINDS for b in taxonomy.PARTNER_KINDS}
    assert matrix(client, "themes-objectifs", query) == {
        (t.label, o.label): sum(t.code in e["theme"] and o.code in e["objectif"] for e in rows)
        for t in taxonomy.THEMES for o in taxonomy.OBJECTIVES}


def test_page_shows_each_chart_with_its_reading_table_and_csv(client, demo, app):
    rows = [e for e in published(app) if "innover" in e["objectif"]]
    page = unescape(client.get("/observatoire/?objectif=innover").get_data(as_text=True))
    assert f"Ce que montrent les {len(rows)} exemples de cette recherche." in page
    assert page.count('<svg class="chart"') == 8
    assert page.count('<table class="chart-data">') == 8
    assert page.count('style=') == 0  # the CSP forbids inline style
    for name in ("objectifs", "alliances", "themes-objectifs", "annees", "regions",
                 "departements", "odd", "echelles"):
        assert f'href="/observatoire/{name}.csv?objectif=innover"' in page
    # The reading of « qui s'allie avec qui » names the partner kind most often present.
    best = max(taxonomy.PARTNER_KINDS, key=lambda k: sum(k.code in e["acteur"] for e in rows))
    n = sum(best.code in e["acteur"] for e in rows)
    percent = round(100 * n / len(rows))
    assert f"{best.label} : présents dans {percent} % des exemples ({n} sur {len(rows)})." in page


def test_catalogue_links_to_the_observatory_for_its_examples(client, demo, app):
    page = unescape(client.get("/exemples/?objectif=innover").get_data(as_text=True))
    n = sum("innover" in e["objectif"] for e in published(app))
    link = re.search(r'<a href="(/observatoire/[^"]*)">Observatoire pour ces (\d+) exemples</a>', page)
    assert link and int(link.group(2)) == n
    assert "objectif=innover" in link.group(1)


def test_no_match_and_unknown_chart(client, demo):
    page = unescape(client.get("/observatoire/?q=zzzqqqxxyy&exact=1").get_data(as_text=True))
    assert "Aucun exemple ne correspond à cette recherche." in page
    assert client.get("/observatoire/inconnu.csv").status_code == 404


def test_key_figures_add_the_catalogues_live_counts_apart_from_the_studies(client, demo, app):
    rows = published(app)
    page = unescape(client.get("/cadre/chiffres").get_data(as_text=True))
    live = page[page.index('id="catalogue-en-direct"'):page.index("Note de méthode")]
    assert f"Comptés à l’instant sur les {len(rows)} exemples publiés" in live
    for term in taxonomy.OBJECTIVES:
        n = sum(term.code in e["objectif"] for e in rows)
        assert f'<th scope="row">{term.label}</th><td>{n}</td>' in live
    for term in taxonomy.PARTNER_KINDS:
        n = sum(term.code in e["acteur"] for e in rows)
        assert f'<th scope="row">{term.label}</th><td>{n}</td>' in live
