"""The partner name field suggests known organisations (combobox), by keyboard and by mouse."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from catalogue.extensions import db
from catalogue.models import Organisation, Partner
from catalogue.organisations import find_or_create

from .helpers import guarded_page, traffic_problems

pytestmark = pytest.mark.browser

BANK = "Banque coopérative Atlantique Mutuelle"  # a partner of a published demo example


@pytest.fixture
def bank_slug(live_server) -> str:
    """The demo's partners as organisations (as the migration makes them); the bank's slug."""
    with live_server.app.app_context():
        for partner in db.session.scalars(
                sa.select(Partner).where(Partner.organisation_id.is_(None))):
            partner.organisation = find_or_create(partner.name, partner.kind)
        db.session.commit()
        return db.session.scalar(sa.select(Organisation.slug).where(Organisation.name == BANK))


@pytest.mark.parametrize("width", [360, 1280])
def test_typing_banq_and_picking_with_the_keyboard(new_page, bank_slug, width):
    page = new_page(width=width, height=740)
    page.goto("/proposer")
    name = page.get_by_role("combobox", name="Nom du partenaire 1")
    expect(name).to_have_attribute("aria-expanded", "false")
    name.press_sequentially("banq", delay=30)
    listbox = page.get_by_role("listbox")
    option = listbox.get_by_role("option").filter(has_text=BANK)
    expect(option).to_be_visible()
    expect(name).to_have_attribute("aria-expanded", "true")
    expect(option).to_contain_text("Entreprise")
    count = listbox.get_by_role("option").count()
    status = page.locator(".combobox [role=status]").first
    expect(status).to_contain_text("1 organisation connue" if count == 1
                                   else f"{count} organisations connues")
    box = listbox.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    while name.get_attribute("aria-activedescendant") != option.get_attribute("id"):
        name.press("ArrowDown")
    expect(option).to_have_attribute("aria-selected", "true")
    name.press("Enter")
    expect(name).to_have_value(BANK)
    expect(name).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_label("Type du partenaire 1")).to_have_value("entreprise")
    hidden = page.locator("input[name='partners-0-organisation']")
    expect(hidden).to_have_value(bank_slug)
    expect(status).to_have_text(f"« {BANK} » choisie.")
    assert page.url.endswith("/proposer")  # Enter chose; it did not send the form
    # Typing again: the name is the contributor's own, matched later by a moderator.
    name.press("End")
    name.press_sequentially(" Ouest", delay=30)
    expect(hidden).to_have_value("")


def test_escape_closes_then_empties_and_a_click_picks(new_page, bank_slug):
    page = new_page()
    page.goto("/proposer")
    name = page.get_by_role("combobox", name="Nom du partenaire 2")
    name.press_sequentially("atlantique mut", delay=30)
    option = page.get_by_role("option").filter(has_text=BANK)
    expect(option).to_be_visible()
    name.press("Escape")
    expect(option).to_be_hidden()
    expect(name).to_have_value("atlantique mut")
    name.press("Escape")
    expect(name).to_have_value("")
    name.press_sequentially("BANQUE coop", delay=30)
    page.get_by_role("option").filter(has_text=BANK).click()
    expect(name).to_have_value(BANK)
    expect(page.locator("input[name='partners-1-organisation']")).to_have_value(bank_slug)
    expect(name).to_be_focused()


def test_an_unknown_name_is_said_and_stays_a_plain_field(new_page, bank_slug):
    page = new_page()
    page.goto("/proposer")
    name = page.get_by_role("combobox", name="Nom du partenaire 1")
    name.press_sequentially("Zzyzx inconnue", delay=20)
    expect(page.locator(".combobox [role=status]").first).to_contain_text(
        "Aucune organisation connue sous ce nom")
    expect(page.get_by_role("listbox")).to_be_hidden()
    expect(name).to_have_value("Zzyzx inconnue")


def test_without_javascript_the_field_is_plain(browser, live_server, bank_slug):
    page = guarded_page(browser, live_server.url, 1280, 900, java_script_enabled=False)
    try:
        page.goto("/proposer")
        name = page.get_by_label("Nom du partenaire 1")
        expect(name).not_to_have_attribute("role", "combobox")
        name.fill("banq")
        expect(page.get_by_role("listbox")).to_have_count(0)
        assert not traffic_problems(page)
    finally:
        page.context.close()
