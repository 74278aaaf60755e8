"""The submission form's helpers on a phone and a desktop: counters, départements, buttons."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [360, 1280])
def test_live_counter_tells_the_room_left_and_the_excess(new_page, width):
    page = new_page(width=width, height=740)
    page.goto("/proposer")
    title = page.get_by_label("Titre", exact=True)
    counter = page.locator("#title-compteur")
    expect(counter).to_have_text("Caractères restants : 200")
    title.fill("x" * 195)
    expect(counter).to_have_text("Caractères restants : 5")
    spoken = page.locator("#title-compteur + [aria-live=polite]")
    # near the limit, screen readers hear it once typing pauses
    expect(spoken).to_have_text("Caractères restants : 5")
    title.fill("x" * 207)
    expect(counter).to_have_text("Caractères en trop : 7")
    expect(counter).to_have_class("counter hint counter-over")
    expect(spoken).to_have_text("Caractères en trop : 7")
    # the visible count is not read twice
    assert counter.get_attribute("aria-hidden") == "true"
    # nothing was cut: the server, not the browser, judges the length
    expect(title).to_have_value("x" * 207)
    page.get_by_role("button", name="Envoyer la proposition").click()
    expect(page.locator("#title-erreur")).to_contain_text("200 caractères au plus")
    expect(page.get_by_label("Titre", exact=True)).to_have_value("x" * 207)


@pytest.mark.parametrize("width", [360, 1280])
def test_departements_are_ticked_inside_their_region(new_page, width):
    page = new_page(width=width, height=740)
    page.goto("/proposer")
    finistere = page.get_by_label("29 – Finistère")
    expect(finistere).to_be_hidden()  # folded until its région is opened
    page.locator("details.region-departements summary", has_text="Bretagne").click()
    expect(finistere).to_be_visible()
    finistere.check()
    page.get_by_label("35 – Ille-et-Vilaine").check()
    box = finistere.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    assert box["width"] >= 24 and box["height"] >= 24
    # sent with an error elsewhere: the choice comes back, its région open and counted
    page.get_by_role("button", name="Envoyer la proposition").click()
    group = page.locator("details.region-departements[open]", has_text="Bretagne")
    expect(group.locator("summary")).to_have_text("Bretagne (2 cochés)")
    expect(page.get_by_label("29 – Finistère")).to_be_checked()
    expect(page.get_by_label("35 – Ille-et-Vilaine")).to_be_checked()


@pytest.mark.parametrize("width", [360, 1280])
def test_add_a_partner_looks_and_works_like_a_button(new_page, width):
    page = new_page(width=width, height=740)
    page.goto("/proposer")
    add = page.get_by_role("button", name="Ajouter un partenaire")
    send = page.get_by_role("button", name="Envoyer la proposition")
    style = """e => { const s = getComputedStyle(e);
        return [s.borderTopWidth, s.borderTopStyle, s.borderTopColor, s.fontWeight,
                s.paddingLeft]; }"""
    added_style, send_style = add.evaluate(style), send.evaluate(style)
    assert added_style[:2] == ["2px", "solid"] and added_style[2] == send_style[2]
    assert added_style[3:] == send_style[3:]
    assert add.bounding_box()["height"] >= 24
    page.get_by_label("Nom du partenaire 1").fill("Ressourcerie du Trièves")
    add.click()
    expect(page.get_by_label("Nom du partenaire 4")).to_be_visible()
    expect(page.get_by_label("Nom du partenaire 1")).to_have_value("Ressourcerie du Trièves")
