"""The map of the départements of the one région a search keeps: shipped geometry, the SVG, and
the map on the catalogue page, its counts compared with the database."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa
from test_map import SVG, links, map_section, parse, shade_of, table_counts

from catalogue import regions_map
from catalogue.extensions import db
from catalogue.models import Example
from catalogue.regions_map import AreaMap
from catalogue.taxonomy import DEPARTEMENTS, REGIONS, departements_of

# --- The départements of a région ------------------------------------------------------------


def svg_of(page: str) -> ET.Element:
    section = map_section(page)
    [svg] = parse(section[section.index("<svg"):section.index("</svg>") + len("</svg>")])
    return svg


def svg_counts(svg: ET.Element) -> dict[str, int]:
    """Return the count each area's link gives in its title, by area name."""
    return {name: int(re.search(r" : (\d+) exemples?", a.find(f"{SVG}title").text).group(1))
            for name, a in links(svg).items()}


def published_count(app, departement: str, objective: str | None = None) -> int:
    """Count, straight from the database, the published examples in a département."""
    with app.app_context():
        rows = db.session.execute(sa.select(Example.departements, Example.objectives)
                                  .where(Example.state == "published")).all()
    return sum(departement in deps and (objective is None or objective in objectives)
               for deps, objectives in rows)


def test_departements_file_has_each_region_with_exactly_its_departements():
    data = regions_map.departements_geometry()
    assert set(data["regions"]) == set(REGIONS.codes)
    for region, frame in data["regions"].items():
        x0, y0, width, height = map(float, frame["viewBox"].split())
        assert width == 600 and height <= 672, region  # no taller than the map of the régions
        assert set(frame["departements"]) == {term.code for term in departements_of(region)}
        for code, departement in frame["departements"].items():
            assert departement["name"] == DEPARTEMENTS.label(code)
            assert re.fullmatch(r"(M[-\d. ]+l[-\d. ]+z)+", departement["path"]), code
            x, y = departement["label"]
            assert x0 < x < x0 + width and y0 < y < y0 + height, code
    assert sum(len(frame["departements"]) for frame in data["regions"].values()) == 101


def test_departements_file_is_small_and_credits_its_source():
    assert regions_map.DEPARTEMENTS_FILE.stat().st_size < 80_000
    data = json.loads(regions_map.DEPARTEMENTS_FILE.read_text(encoding="utf-8"))
    assert "Licence Ouverte" in data["licence"]
    assert "IGN" in data["source"] and "INSEE" in data["source"]
    notice = (regions_map.DATA_FILE.parent / "LICENCE.md").read_text(encoding="utf-8")
    assert "departements.json" in notice and "scripts/build_departements_map.py" in notice


def test_map_of_departements_draws_only_that_region():
    # An example in Bretagne and Pays de la Loire counts in Loire-Atlantique too: not drawn.
    area_map = AreaMap.of_departements("53", {"35": 4, "29": 1, "44": 9}, {"29"})
    [svg] = parse(area_map.svg(lambda code: f"/exemples/?region=53&departement={code}"))
    assert svg_counts(svg) == {"Côtes-d'Armor": 0, "Finistère": 1, "Ille-et-Vilaine": 4,
                               "Morbihan": 0}
    found = links(svg)
    assert found["Morbihan"].get("href") == "/exemples/?region=53&departement=56"
    assert shade_of(found["Ille-et-Vilaine"]) == "map-c4"  # the largest of the région's
    assert "map-selected" in found["Finistère"].find(f"{SVG}path").get("class").split()
    assert found["Finistère"].find(f"{SVG}title").text == "Finistère : 1 exemple (retirer ce filtre)"
    assert "map-inset" not in area_map.svg(str)  # the insets are those of the régions' map
    assert [entry.text for entry in area_map.legend()][-1] == "4 exemples"
    assert area_map.rows()[0] == ("22", "Côtes-d'Armor", 0)


@pytest.fixture
def placed(make_example, demo):
    """Examples added to the demo's, for counts above one in some départements."""
    for title, regions, departements, objectives in [
        ("Rennes", ["53"], ["35"], ["innover"]),
        ("Brest et Rennes", ["53"], ["29", "35"], ["equilibrer"]),
        ("Rennes et Nantes", ["53", "52"], ["35", "44"], ["innover"]),
        ("Paris", ["11"], ["75"], ["innover"]),
        ("Paris et Nanterre", ["11"], ["75", "92"], ["equilibrer"]),
        ("Saint-Denis de La Réunion", ["04"], ["974"], ["innover"]),
    ]:
        make_example(title=f"Alliance à {title}", regions=regions, departements=departements,
                     objectives=objectives)


@pytest.mark.parametrize("region", ["53", "11", "04"])  # Bretagne, Île-de-France, La Réunion
@pytest.mark.parametrize("objective", [None, "innover"])
def test_a_region_chosen_shows_its_departements_with_the_database_counts(
        app, client, placed, region, objective):
    query = f"region={region}" + (f"&objectif={objective}" if objective else "")
    page = client.get(f"/exemples/?{query}").get_data(as_text=True)
    name = REGIONS.label(region)
    assert f"<summary>Carte des départements : {name}</summary>" in map_section(page)
    expected = {term.label: published_count(app, term.code, objective)
                for term in departements_of(region)}
    assert svg_counts(svg_of(page)) == expected
    assert table_counts(page) == expected
    assert any(expected.values())
    assert f"Nombre d’exemples par département ({name}) pour cette recherche" in page


@pytest.mark.parametrize("chosen", [["35"], ["35", "29"]])
def test_departements_chosen_leave_each_departement_its_own_count(app, client, placed, chosen):
    # Not the facet's count (what choosing it too would give): what each département has.
    query = "region=53" + "".join(f"&departement={code}" for code in chosen)
    page = client.get(f"/exemples/?{query}").get_data(as_text=True)
    expected = {term.label: published_count(app, term.code) for term in departements_of("53")}
    assert svg_counts(svg_of(page)) == expected
    assert table_counts(page) == expected
    assert map_section(page).count('<tr class="map-row-selected">') == len(chosen)


def test_bretagne_counts_include_the_examples_added(app, client, placed):
    counts = svg_counts(svg_of(client.get("/exemples/?region=53").get_data(as_text=True)))
    assert counts["Ille-et-Vilaine"] == published_count(app, "35") >= 3
    assert "Loire-Atlantique" not in counts  # in Pays de la Loire


def test_departement_links_keep_the_other_filters(client, placed):
    page = client.get("/exemples/?q=alliance&objectif=innover&region=53&tri=titre&page=1")
    page = page.get_data(as_text=True)
    found = links(svg_of(page))
    href = found["Ille-et-Vilaine"].get("href")
    assert href == "/exemples/?q=alliance&objectif=innover&region=53&tri=titre&departement=35#resultats"
    assert re.search(rf'<th scope="row"><a href="{re.escape(html.escape(href))}">Ille-et-Vilaine</a>',
                     page)
    # Following it filters by the département; its link now removes that filter.
    filtered = client.get(href.removesuffix("#resultats")).get_data(as_text=True)
    ille = links(svg_of(filtered))["Ille-et-Vilaine"]
    assert ille.get("href") == "/exemples/?q=alliance&objectif=innover&region=53&tri=titre#resultats"
    assert ille.find(f"{SVG}title").text.endswith("(retirer ce filtre)")
    assert '<tr class="map-row-selected">' in map_section(filtered)


def test_back_to_all_the_regions_drops_the_region_and_its_departements(client, placed):
    page = client.get("/exemples/?objectif=innover&region=53&departement=35").get_data(as_text=True)
    up = re.search(r'<p class="map-up"><a href="([^"]+)">([^<]+)</a>', map_section(page))
    assert html.unescape(up.group(1)) == "/exemples/?objectif=innover#resultats"
    assert html.unescape(up.group(2)) == "Voir toutes les régions (retire le filtre « Bretagne »)"
    regions = client.get("/exemples/?objectif=innover").get_data(as_text=True)
    assert '<p class="map-up">' not in regions and len(table_counts(regions)) == 18


def test_an_overseas_region_shows_its_one_departement(app, client, placed):
    page = client.get("/exemples/?region=06").get_data(as_text=True)  # Mayotte
    assert svg_counts(svg_of(page)) == {"Mayotte": published_count(app, "976")}
    assert table_counts(page) == {"Mayotte": published_count(app, "976")}


def test_the_map_of_departements_in_english(client, placed):
    client.get("/langue/en?next=/")
    page = client.get("/exemples/?region=53").get_data(as_text=True)
    assert "Map of the departments: Bretagne" in map_section(page)
