"""The « Statut » facet at 360 and 1280 px: reachable (on a phone inside « Filtrer (N) »), exact."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .helpers import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1280])
def test_status_facet_filters_to_finished_alliances(new_page, width):
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(width=width, height=740 if width == 360 else 800)
    page.goto("/exemples/")
    toggle = page.locator("details.filters > summary")
    if width == 360:
        expect(toggle).to_have_text("Filtrer (0)")
        toggle.click()
    facet = page.locator("details.facet", has=page.locator("summary", has_text="Statut"))
    if facet.get_attribute("open") is None:
        facet.locator("summary").click()
    finished = facet.locator("li", has=page.locator("a.facet-value", has_text="Terminé"))
    expect(finished).to_be_visible()
    count = int(finished.locator(".count [aria-hidden=true]").inner_text())
    assert count > 0
    finished.locator("a.facet-value").click()
    page.wait_for_url(re.compile(r"statut=termine.*#resultats$"))
    page.screenshot(path=ARTIFACTS / f"status-facet-{width}.png")
    if width == 360:
        expect(page.locator("details.filters > summary")).to_have_text("Filtrer (1)")
    expect(page.locator("#titre-resultats")).to_contain_text(str(count))
    expect(page.get_by_role("link", name=re.compile("Statut : Terminé"))).to_be_visible()
    # Finished examples read their years as a span, never « depuis ».
    metas = page.locator(".example-list .example-card .meta").all_inner_texts()
    assert metas and not any("depuis" in meta for meta in metas)
    assert any(re.search(r"\d{4}–\d{4}", meta) for meta in metas)
