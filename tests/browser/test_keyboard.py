"""The submission form with the keyboard alone: Tab, Space, Enter, arrows and typing; no mouse."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const e = document.activeElement;
  return {tag: e.tagName.toLowerCase(), id: e.id, name: e.getAttribute('name') || '',
          text: (e.innerText || e.value || '').trim().slice(0, 80)};
}"""

# What a focused element looks like: its outline, and the ring drawn around it.
FOCUS_STYLE = """() => {
  const s = getComputedStyle(document.activeElement);
  return {matches: document.activeElement.matches(':focus-visible'), style: s.outlineStyle,
          width: parseFloat(s.outlineWidth), color: s.outlineColor, shadow: s.boxShadow};
}"""


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def tab_to(page: Page, wanted: Callable[[dict], bool], what: str, limit: int = 200) -> dict:
    """Press Tab until the focused element is the one wanted; fail if it is never reached."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        if wanted(element):
            return element
    raise AssertionError(f"{what} not reached with Tab after {limit} presses")


def tab_to_id(page: Page, element_id: str) -> dict:
    return tab_to(page, lambda e: e["id"] == element_id, f"#{element_id}")


def type_into(page: Page, element_id: str, text: str) -> None:
    tab_to_id(page, element_id)
    page.keyboard.type(text)


def assert_focus_visible(page: Page, what: str) -> None:
    ring = page.evaluate(FOCUS_STYLE)
    assert ring["matches"], f"{what}: :focus-visible does not match after a Tab"
    assert ring["style"] not in ("none", "hidden") and ring["width"] >= 2, f"{what}: {ring}"
    assert ring["color"] not in ("transparent", "rgba(0, 0, 0, 0)"), f"{what}: {ring}"


def test_focus_is_visible_on_links_and_buttons(new_page):
    page = new_page()
    page.goto("/exemples/")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Aller au contenu"
    assert_focus_visible(page, "skip link")
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("#contenu")).to_be_focused()

    tab_to(page, lambda e: e["tag"] == "button", "the search button")
    assert_focus_visible(page, "search button")
    tab_to(page, lambda e: e["tag"] == "a" and "facet-value" in page.evaluate(
        "() => document.activeElement.className"), "a facet link")
    assert_focus_visible(page, "facet link")
    tab_to(page, lambda e: e["tag"] == "a" and e["text"] == "Le mouvement d’alliance",
           "a footer link")
    assert_focus_visible(page, "footer link")


def test_submission_form_with_the_keyboard_only(new_page, live_server):
    page = new_page()
    page.goto("/")
    tab_to(page, lambda e: e["tag"] == "a" and e["text"] == "Proposer un exemple",
           "the link to the form")
    assert_focus_visible(page, "main navigation link")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/proposer$"))

    type_into(page, "title", "Un repair café commun à une médiathèque et à un fablab associatif")
    type_into(page, "summary", "Des bénévoles réparent avec les habitants, chaque samedi.")
    type_into(page, "description", "La médiathèque prête la salle, le fablab les outils.")
    type_into(page, "results", "Trois cents objets réparés en un an.")
    type_into(page, "lessons", "Un créneau fixe fidélise les bénévoles.")
    tab_to_id(page, "objectives-2")  # innover
    page.keyboard.press("Space")
    tab_to(page, lambda e: e["name"] == "scale", "the first scale")
    page.keyboard.press("Space")  # the first option: local
    type_into(page, "partners-0-name", "Médiathèque de Figeac")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "partners-0-kind"
    page.keyboard.press("ArrowDown")  # association
    page.keyboard.press("ArrowDown")  # entreprise
    page.keyboard.press("ArrowDown")  # collectivité
    type_into(page, "partners-1-name", "Fablab du Lot")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")  # association
    type_into(page, "submitter_name", "Alex Durand")
    type_into(page, "submitter_email", "alex@example.org")
    # The terms are left unchecked: the form comes back with its errors.
    submit = tab_to(page, lambda e: e["text"] == "Envoyer la proposition", "the submit button")
    assert submit["tag"] == "button"
    assert_focus_visible(page, "submit button")
    page.keyboard.press("Enter")

    summary = page.locator("#erreurs")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # announced first, and the next Tab reaches its links
    assert page.input_value("#partners-0-kind") == "collectivite"
    assert page.input_value("#partners-1-kind") == "association"
    assert page.is_checked("#scale-0") and page.is_checked("#objectives-2")
    terms = page.locator("#terms")
    assert set(terms.get_attribute("aria-describedby").split()) == {"terms-aide", "terms-erreur"}

    link = tab_to(page, lambda e: e["tag"] == "a", "the link in the summary")
    assert "Acceptez les conditions" in link["text"]
    page.keyboard.press("Enter")
    expect(terms).to_be_focused()  # the summary's link leads to the field itself
    page.keyboard.press("Space")
    tab_to(page, lambda e: e["text"] == "Envoyer la proposition", "the submit button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/proposer/merci$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre proposition")
