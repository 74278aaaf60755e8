"""The map of the régions: shipped geometry, the SVG it draws, and the map on the catalogue page
(the départements of a région: test_map_departements.py)."""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from catalogue import regions_map, search
from catalogue.extensions import db
from catalogue.models import Example
from catalogue.regions_map import AreaMap
from catalogue.taxonomy import REGIONS

SVG = "{http://www.w3.org/2000/svg}"
NOTHING = "zzqxwvkjy"  # matches no example, and no spelling is near it


def parse(markup: str) -> ET.Element:
    """Parse a fragment of the page as XML, which the inline SVG must be."""
    return ET.fromstring(f"<root>{markup}</root>")


def links(svg: ET.Element) -> dict[str, ET.Element]:
    """Return the map's région links by the name in their title."""
    found = {}
    for a in svg.iter(f"{SVG}a"):
        title = a.find(f"{SVG}title").text
        found[title.split(" : ")[0]] = a
    return found


def shade_of(a: ET.Element) -> str:
    [name] = [c for c in a.find(f"{SVG}path").get("class").split() if re.fullmatch(r"map-c\d", c)]
    return name


def map_section(page: str) -> str:
    start = page.index('<details class="map"')
    return page[start:page.index("</details>", start) + len("</details>")]


def table_counts(page: str) -> dict[str, int]:
    """Return the counts of the page's table of régions, by région name."""
    rows = re.findall(r'<th scope="row"><a href="[^"]*">([^<]+)(?:<span[^>]*>[^<]*</span>)?'
                      r'</a></th>\s*<td>(\d+)</td>', map_section(page))
    return {html.unescape(name): int(count) for name, count in rows}


def facet_counts(app, query: str) -> dict[str, int]:
    """Return the région facet of the search the catalogue runs for a query string."""
    with app.test_request_context(f"/exemples/?{query}"):
        req, _notices = search.parse_args(MultiDict(
            [tuple(pair.split("=", 1)) for pair in query.split("&") if pair]))
        results = search.search(req)
    return {REGIONS.label(v.value): v.count for v in results.facets.get("region", [])}


# --- The shipped geometry ----------------------------------------------------------------------


def test_data_file_has_the_eighteen_regions_with_their_official_codes():
    data = regions_map.geometry()
    assert set(data["regions"]) == set(REGIONS.codes)
    x0, y0, width, height = map(float, data["viewBox"].split())
    for code, region in data["regions"].items():
        assert region["name"] == REGIONS.label(code)
        assert re.fullmatch(r"(M[-\d. ]+l[-\d. ]+z)+", region["path"]), code
        x, y = region["label"]
        assert x0 < x < x0 + width and y0 < y < y0 + height, code
    overseas = {code for code, region in data["regions"].items() if "box" in region}
    assert overseas == {term.code for term in REGIONS if term.overseas}


def test_data_file_is_small_and_credits_its_source():
    assert regions_map.DATA_FILE.stat().st_size < 40_000
    data = json.loads(regions_map.DATA_FILE.read_text(encoding="utf-8"))
    assert "Licence Ouverte" in data["licence"]
    assert "IGN" in data["source"] and "INSEE" in data["source"]
    notice = (regions_map.DATA_FILE.parent / "LICENCE.md").read_text(encoding="utf-8")
    assert "Licence Ouverte" in notice and "france-geojson" in notice and "Douglas" in notice


def test_geometry_is_read_once_per_process():
    assert regions_map.geometry() is regions_map.geometry()


# --- The SVG ---------------------------------------------------------------------------------


def test_map_of_regions_is_svg_with_a_titled_link_per_region():
    counts = {"53": 12, "11": 1}
    markup = AreaMap.of_regions(counts).svg(lambda code: f"/exemples/?q=a&region={code}")
    [svg] = parse(markup)
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "group"  # an img's children would be hidden from assistive tech
    title_id, desc_id = svg.get("aria-labelledby"), svg.get("aria-describedby")
    assert svg.find(f"{SVG}title").get("id") == title_id
    assert svg.find(f"{SVG}desc").get("id") == desc_id
    found = links(svg)
    assert set(found) == {term.label for term in REGIONS}
    assert found["Bretagne"].find(f"{SVG}title").text == "Bretagne : 12 exemples"
    assert found["Île-de-France"].find(f"{SVG}title").text == "Île-de-France : 1 exemple"
    assert found["Corse"].find(f"{SVG}title").text == "Corse : 0 exemple"
    assert found["Bretagne"].get("href") == "/exemples/?q=a&region=53"
    assert "style" not in markup  # the Content-Security-Policy forbids inline styles


def test_map_of_regions_escapes_what_it_is_given():
    markup = AreaMap.of_regions({}).svg(lambda code: f'/x?r={code}&"<b>')
    assert "<b>" not in markup
    [svg] = parse(markup)
    assert links(svg)["Corse"].get("href") == '/x?r=94&"<b>'


def test_shading_follows_the_counts():
    counts = {"53": 12, "11": 6, "24": 1, "84": 9}
    [svg] = parse(AreaMap.of_regions(counts).svg(str))
    found = links(svg)
    assert shade_of(found["Bretagne"]) == "map-c4"  # the largest count
    assert shade_of(found["Auvergne-Rhône-Alpes"]) == "map-c3"
    assert shade_of(found["Île-de-France"]) == "map-c2"
    assert shade_of(found["Centre-Val de Loire"]) == "map-c1"
    assert shade_of(found["Corse"]) == "map-c0"  # none
    assert {shade_of(a) for name, a in found.items()
            if name not in ("Bretagne", "Auvergne-Rhône-Alpes", "Île-de-France",
                            "Centre-Val de Loire")} == {"map-c0"}


@pytest.mark.parametrize(("count", "largest", "expected"), [
    (0, 0, 0), (0, 10, 0), (1, 1, 4), (1, 100, 1), (25, 100, 1), (26, 100, 2),
    (50, 100, 2), (75, 100, 3), (99, 100, 4), (100, 100, 4), (1, 2, 2), (2, 2, 4),
])
def test_shade(count, largest, expected):
    assert regions_map.shade(count, largest) == expected


def test_selected_regions_are_marked():
    [svg] = parse(AreaMap.of_regions({"53": 3, "52": 2}, {"53"}).svg(str))
    found = links(svg)
    assert "map-selected" in found["Bretagne"].find(f"{SVG}path").get("class").split()
    assert found["Bretagne"].find(f"{SVG}title").text == "Bretagne : 3 exemples (retirer ce filtre)"
    others = [a for name, a in found.items() if name != "Bretagne"]
    assert not any("map-selected" in a.find(f"{SVG}path").get("class") for a in others)
    # Its outline is drawn once more over the others, outside the links.
    [outline] = svg.iterfind(f"{SVG}g[@class='map-outlines']/{SVG}path")
    assert outline.get("d") == found["Bretagne"].find(f"{SVG}path").get("d")


def test_links_follow_the_order_of_the_table():
    counts = {"53": 3}
    area_map = AreaMap.of_regions(counts, {"53"})
    [svg] = parse(area_map.svg(str))
    assert list(links(svg)) == [name for _code, name, _count in area_map.rows()]


@pytest.mark.parametrize("largest", [0, 1, 2, 3, 5, 12, 100])
def test_legend_ranges_cover_every_count_once(largest):
    entries = AreaMap.of_regions({"53": largest}).legend()
    assert entries[0] == (0, "aucun exemple")
    for count in range(1, largest + 1):
        shade = regions_map.shade(count, largest)
        [entry] = [e for e in entries if e.shade == shade]
        numbers = [int(n) for n in re.findall(r"\d+", entry.text)]
        assert min(numbers) <= count <= max(numbers), (count, entry)


def test_rows_list_every_region_in_alphabetical_order():
    rows = AreaMap.of_regions({"94": 2}).rows()
    assert len(rows) == 18
    names = [name for _code, name, _count in rows]
    assert names.index("Île-de-France") == names.index("Hauts-de-France") + 1
    assert ("94", "Corse", 2) in rows and ("53", "Bretagne", 0) in rows


# --- On the catalogue page -------------------------------------------------------------------


def test_catalogue_shows_the_map_and_the_table(client, demo):
    page = client.get("/exemples/").get_data(as_text=True)
    section = map_section(page)
    # After the results, folded on a phone (the stylesheet unfolds it on a wide screen).
    assert section.startswith('<details class="map">')
    assert page.index('class="example-card-title"') < page.index('<details class="map"')
    assert "Nombre d’exemples par région pour cette recherche" in section
    [svg] = parse(section[section.index("<svg"):section.index("</svg>") + len("</svg>")])
    assert len(links(svg)) == 18
    assert len(table_counts(page)) == 18


@pytest.mark.parametrize("query", ["", "objectif=innover", "q=jardin"])
def test_table_and_map_give_the_region_facet_counts(app, client, demo, query):
    page = client.get(f"/exemples/?{query}").get_data(as_text=True)
    expected = {term.label: 0 for term in REGIONS} | facet_counts(app, query)
    assert table_counts(page) == expected
    section = map_section(page)
    [svg] = parse(section[section.index("<svg"):section.index("</svg>") + len("</svg>")])
    for name, a in links(svg).items():
        count = int(re.search(r" : (\d+) exemples?", a.find(f"{SVG}title").text).group(1))
        assert count == expected[name]


def test_following_a_region_link_filters_by_that_region(app, client, demo):
    page = client.get("/exemples/").get_data(as_text=True)
    section = map_section(page)
    [svg] = parse(section[section.index("<svg"):section.index("</svg>") + len("</svg>")])
    bretagne = links(svg)["Bretagne"]
    count = table_counts(page)["Bretagne"]
    assert count > 0
    assert bretagne.get("href") == "/exemples/?region=53#resultats"
    filtered = client.get("/exemples/?region=53").get_data(as_text=True)
    heading = re.search(r'<h2 id="titre-resultats"[^>]*>(.*?)</h2>', filtered, re.S).group(1)
    assert re.search(rf"\b{count} exemples?\b", heading)
    cards = re.findall(r'class="example-card-title"><a href="/exemples/([^"?]+)[?"]', filtered)
    assert cards and len(cards) <= count
    # One région chosen: the map is that of its départements (below).
    assert "<summary>Carte des départements : Bretagne</summary>" in map_section(filtered)


def test_regions_chosen_are_marked_on_the_map_of_the_regions(app, client, demo):
    page = client.get("/exemples/?region=53&region=11").get_data(as_text=True)
    section = map_section(page)
    assert "<summary>Carte des régions</summary>" in section
    # Each région its own count, straight from the database.
    with app.app_context():
        regions = db.session.scalars(sa.select(Example.regions)
                                     .where(Example.state == "published")).all()
    assert table_counts(page) == {term.label: sum(term.code in r for r in regions)
                                  for term in REGIONS}
    assert section.count("map-selected") == 2
    assert section.count('<tr class="map-row-selected">') == 2


def test_no_map_when_nothing_matched(client, demo):
    response = client.get(f"/exemples/?q={NOTHING}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Aucun exemple ne correspond" in page
    assert '<details class="map"' not in page


def test_map_counts_an_example_in_each_of_its_regions(client, make_example):
    make_example(regions=["53", "52"], departements=["35"])
    page = client.get("/exemples/").get_data(as_text=True)
    counts = table_counts(page)
    assert counts["Bretagne"] == counts["Pays de la Loire"] == 1
    assert sum(counts.values()) == 2


def test_no_map_while_search_is_degraded(client):
    page = client.get("/exemples/").get_data(as_text=True)  # no index yet: search is degraded
    assert "momentanément dégradée" in page
    assert '<details class="map"' not in page
