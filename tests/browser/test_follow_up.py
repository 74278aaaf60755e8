"""The contributor's follow-up page on a phone and a desktop: recap, withdrawal, erasure."""

from __future__ import annotations

import pytest
from helpers import BASE_RECORD
from playwright.sync_api import expect

from catalogue.extensions import db
from catalogue.importing import add_examples, validate_all

pytestmark = pytest.mark.browser


def new_proposal(server, title: str) -> str:
    """Add an example waiting for review; return its follow-up path."""
    with server.app.app_context():
        [example] = add_examples(validate_all([(1, {
            **BASE_RECORD, "title": title, "submitter_name": "Claude Bernard",
            "submitter_email": "claude@example.org"})]), state="pending")
        token = example.new_follow_token()
        db.session.commit()
    return f"/proposer/suivi/{token}"


@pytest.mark.parametrize("width", [360, 1280])
def test_withdraw_after_confirming(new_page, live_server, width):
    path = new_proposal(live_server, f"Une fresque participative entre un collège et un EHPAD ({width})")
    page = new_page(width=width, height=740)
    page.goto(path)
    recap = page.locator("section.recap")
    expect(recap.get_by_role("heading", name="Ce que vous avez envoyé")).to_be_visible()
    expect(recap).to_contain_text("Les Jardins du Thabor")
    page.get_by_role("link", name="Retirer ma proposition").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retirer votre proposition ?")
    page.get_by_role("link", name="Non, revenir au suivi").click()
    expect(page.locator(".follow-status")).to_contain_text("En attente")
    page.get_by_role("link", name="Retirer ma proposition").click()
    page.get_by_role("button", name="Oui, retirer ma proposition").click()
    expect(page.locator(".flash")).to_contain_text("Votre proposition est retirée")
    expect(page.locator(".follow-status")).to_contain_text("Retiré par son auteur")
    expect(page.get_by_role("link", name="Retirer ma proposition")).to_have_count(0)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [360, 1280])
def test_erase_details_after_confirming_then_the_link_explains(new_page, live_server, width):
    path = new_proposal(live_server, f"Un jardin de simples entre une pharmacie et un lycée ({width})")
    page = new_page(width=width, height=740)
    page.goto(path)
    page.get_by_role("link", name="Retirer mes coordonnées").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Retirer vos coordonnées ?")
    page.get_by_role("button", name="Oui, retirer mes coordonnées").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos coordonnées ont été retirées")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vos coordonnées ont été retirées")
    expect(page.get_by_role("link", name="proposer un autre exemple")).to_be_visible()
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
