"""The footer on a phone and a desktop: each of its pages reached from any page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LINKS = {
    "Contact": "Contact",
    "Mentions légales": "Mentions légales",
    "Accessibilité : non conforme": "Déclaration d’accessibilité",
    "Plan du site": "Plan du site",
}


@pytest.mark.parametrize("width", [360, 1280])
def test_footer_leads_to_contact_legal_accessibility_and_site_map(new_page, width):
    page = new_page(width=width, height=740)
    for link, heading in LINKS.items():
        page.goto("/exemples/")
        footer = page.get_by_role("contentinfo")
        target = footer.get_by_role("link", name=link, exact=True)
        expect(target).to_be_visible()
        box = target.bounding_box()
        assert box["height"] >= 24 and box["x"] + box["width"] <= width
        target.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    # from the site map, every page is one click away
    page.goto("/plan-du-site")
    page.locator("ul.sitemap").get_by_role("link", name="Ressources").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ressources")
