"""The framework page on a phone and a desktop: the guide first, the history's contents."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1280])
def test_guide_then_history_through_its_contents(new_page, width):
    page = new_page(width=width, height=740)
    page.goto("/cadre/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quatre objectifs pour faire alliance")
    guide = page.get_by_role("region", name="Quel objectif pour vous ?")
    expect(guide.get_by_role("heading", level=3)).to_have_count(3)
    toc = page.get_by_role("navigation", name="Sommaire")
    toc.get_by_role("link", name="Trois missions").click()
    expect(page.locator("#trois-missions")).to_be_in_viewport()
    assert page.url.endswith("#trois-missions")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.goto("/cadre/")
    guide.get_by_role("link", name="Innover", exact=True).click()
    page.wait_for_url(re.compile(r"/cadre/objectifs/innover$"))
    page.goto("/cadre/")
    guide.get_by_role("link", name="voir ses exemples").nth(2).click()
    page.wait_for_url(re.compile(r"/exemples/\?objectif=innover$"))
