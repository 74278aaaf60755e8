"""The organisations' list and an organisation's page on a phone and a wide screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .helpers import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1280])
def test_from_the_list_to_an_organisation_and_its_allies(new_page, width):
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(width=width, height=740)
    page.goto("/organisations/")
    page.screenshot(path=ARTIFACTS / f"organisations-{width}.png")
    expect(page.get_by_role("heading", level=1)).to_have_text("Les organisations")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    filters = page.locator("details.filters > summary")
    if width == 360:  # folded under the search box, as in the catalogue
        expect(filters).to_have_text("Filtrer (0)")
        expect(page.locator("details.facet").first).to_be_hidden()
        filters.click()
    facet = page.locator("details.facet", has=page.locator("summary", has_text="Type d’organisation"))
    facet.locator("a.facet-value", has_text="Association").click()
    page.wait_for_url(re.compile(r"type=association#resultats$"))
    first = page.locator(".organisation-list li a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    page.screenshot(path=ARTIFACTS / f"organisation-{width}.png", full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    expect(page.locator(".example-card").first).to_be_visible()
    allies = page.locator("section[aria-labelledby='s-alliances'] .organisation-list a")
    if allies.count():
        ally = allies.first.inner_text()
        allies.first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(ally)
