"""« Ma sélection » in Chromium: built from the cards and the example page with plain forms (the
site serves no script), reordered with the keyboard, shared; on a phone and a desktop."""

from __future__ import annotations

import re

import pytest

from .helpers import ARTIFACTS
from .test_screens import OVERFLOW, SMALL_TARGETS

pytestmark = pytest.mark.browser


def titles(page) -> list[str]:
    return page.locator(".selection-item h2 a").all_inner_texts()


@pytest.mark.parametrize("width", [360, 1280])
def test_build_reorder_and_share_a_selection(new_page, live_server, width):
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(width=width, height=800)
    page.goto("/exemples/?tri=titre")
    cards = page.locator(".example-card")
    first, second = cards.nth(0), cards.nth(1)
    first_title = first.locator(".example-card-title a").inner_text()
    second_title = second.locator(".example-card-title a").inner_text()
    with page.expect_navigation():
        first.get_by_role("button", name=re.compile("^Ajouter à ma sélection")).click()
    assert "/exemples/?tri=titre" in page.url
    assert page.get_by_role("link", name="Ma sélection (1)").is_visible()

    second.locator(".example-card-title a").click()
    with page.expect_navigation():
        page.locator(".example-actions").get_by_role(
            "button", name=re.compile("^Ajouter à ma sélection")).click()
    assert page.locator(".example-actions").get_by_role(
        "button", name=re.compile("^Retirer de ma sélection")).is_visible()

    page.get_by_role("link", name="Ma sélection (2)").click()
    assert titles(page) == [first_title, second_title]
    # Keyboard only: focus the second example's « Monter » and press Enter.
    page.get_by_role("button", name=f"Monter : {second_title}").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert titles(page) == [second_title, first_title]

    page.screenshot(path=ARTIFACTS / f"selection-{width}.png", full_page=True)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width, page.evaluate(OVERFLOW)
    assert page.evaluate(SMALL_TARGETS) == []

    share = page.get_by_label("Lien à partager (lecture seule)").input_value()
    assert re.search(r"/selection/\d+-\d+$", share)
    stranger = new_page(width=width, height=800)
    stranger.goto(share)
    assert titles(stranger) == [second_title, first_title]
    assert stranger.get_by_role("link", name="Ma sélection (0)").is_visible()
    with stranger.expect_navigation():
        stranger.get_by_role("button", name="Reprendre cette sélection").click()
    assert stranger.get_by_role("link", name="Ma sélection (2)").is_visible()

    page.get_by_role("link", name="Vider la sélection").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Oui, vider la sélection").click()
    assert page.get_by_text("Votre sélection est vide.").is_visible()
