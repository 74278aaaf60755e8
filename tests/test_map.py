"""The map of a search: shipped geometry, the SVG it draws, and the map on the catalogue page:
the régions, or the départements of the one région chosen."""

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
from catalogue.taxonomy import DEPARTEMENTS, REGIONS, departements_of

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
