"""The search page on a phone and a wide screen: results first, filters at hand, map after."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import ARTIFACTS

pytestmark = pytest.mark.browser


def first_result_top(page: Page) -> float:
    """Where the first result's title starts, in px from the top of the page."""
    box = page.locator(".example-list .example-card-title").first.bounding_box()
    assert box is not None
    return box["y"] + page.evaluate("() => window.scrollY")


def test_phone_filters_fold_under_the_search_box_and_land_on_the_results(new_page):
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(width=360, height=740)
    page.goto("/exemples/?q=insertion")
    page.screenshot(path=ARTIFACTS / "search-phone-360.png")
    toggle = page.locator("details.filters > summary")
    expect(toggle).to_have_text("Filtrer (0)")
    expect(toggle).to_be_visible()
    search_box = page.get_by_role("searchbox", name="Rechercher un exemple").bounding_box()
    summary = toggle.bounding_box()
    assert search_box and summary and 0 < summary["y"] - search_box["y"] < 150
    # Folded: the facets take no room, and the first result shows within one screen height.
    expect(page.locator("details.facet").first).to_be_hidden()
    assert first_result_top(page) < 740
    expect(page.locator("details.map > .map-body")).to_be_hidden()

    toggle.click()
    facet = page.locator("details.facet", has=page.locator("summary", has_text="Échelle"))
    if facet.get_attribute("open") is None:
        facet.locator("summary").click()
    facet.locator("a.facet-value:not(.selected)").first.click()
    page.wait_for_url(re.compile(r"echelle=.*#resultats$"))
    page.screenshot(path=ARTIFACTS / "search-phone-360-filtered.png")
    expect(page.locator("details.filters > summary")).to_have_text("Filtrer (1)")
    # The page opens on the results, not on the top of the filters.
    heading = page.locator("#titre-resultats").bounding_box()
    assert heading is not None and 0 <= heading["y"] < 740 / 2
    assert page.evaluate("() => window.scrollY") > 0


def test_wide_screen_shows_filters_beside_the_first_result_and_the_map_after(new_page):
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(width=1280, height=800)
    page.goto("/exemples/")
    page.screenshot(path=ARTIFACTS / "search-wide-1280.png")
    expect(page.locator("details.filters > summary")).to_be_hidden()
    expect(page.locator("details.facet").first).to_be_visible()
    assert first_result_top(page) < 800 - 40  # its title shows without scrolling
    map_body = page.locator("details.map > .map-body")
    expect(map_body).to_be_visible()
    box = map_body.bounding_box()
    assert box is not None and box["y"] + page.evaluate("() => window.scrollY") > first_result_top(page)


@pytest.mark.parametrize("width", [360, 1280])
def test_no_map_when_nothing_matched(new_page, width):
    page = new_page(width=width, height=800)
    page.goto("/exemples/?q=zzzqqqxxx")
    expect(page.locator(".empty")).to_be_visible()
    expect(page.locator("details.map")).to_have_count(0)


@pytest.mark.parametrize("width", [360, 1280])
def test_a_region_chosen_maps_its_departements(new_page, width):
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(width=width, height=800)
    page.goto("/exemples/?region=53")
    summary = page.locator("details.map > summary")
    if width == 360:  # folded on a phone, like the map of the régions
        expect(summary).to_have_text("Carte des départements : Bretagne")
        expect(page.locator("details.map > .map-body")).to_be_hidden()
        summary.click()
    svg = page.locator("details.map svg")
    expect(svg).to_be_visible()
    svg.scroll_into_view_if_needed()
    page.screenshot(path=ARTIFACTS / f"search-departements-{width}.png", full_page=True)
    # The four départements of Bretagne, each a link, and nothing wider than the screen.
    expect(svg.locator("a.map-region")).to_have_count(4)
    expect(page.get_by_role("table", name="Nombre d’exemples par département (Bretagne) pour "
                            "cette recherche").locator("tbody tr")).to_have_count(4)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    box = svg.bounding_box()
    assert box is not None and box["width"] <= width and box["height"] <= 800
    svg.locator("a.map-region", has=page.locator("title", has_text="Finistère")).click()
    page.wait_for_url(re.compile(r"region=53&departement=29#resultats$"))
    expect(page.locator("details.map svg a.map-region path.map-selected")).to_have_count(1)
