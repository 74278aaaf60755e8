"""Writing to the people behind an example, on a phone and a desktop, audited by axe-core."""

from __future__ import annotations

import pytest
from helpers import BASE_RECORD
from playwright.sync_api import Page, expect

from catalogue.extensions import db
from catalogue.importing import add_examples, validate_all

from .helpers import ARTIFACTS
from .test_audit import AXE, RUN_AXE, WCAG_TAGS

pytestmark = pytest.mark.browser

OWNER = "porteuse@example.org"


def reachable_example(server, title: str) -> str:
    """Publish an example whose contributor accepts messages; return its slug."""
    with server.app.app_context():
        [example] = add_examples(validate_all([(1, {
            **BASE_RECORD, "title": title, "submitter_name": "Claude Bernard",
            "submitter_email": OWNER, "accepts_messages": True})]), state="published")
        db.session.commit()
        return example.slug


def no_violations(page: Page) -> None:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(RUN_AXE, WCAG_TAGS)
    assert not violations, "\n".join(f"{v['id']}: {v['help']} {v['nodes'][:3]}" for v in violations)


def fits(page: Page, width: int) -> None:
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width", [360, 1280])
def test_a_visitor_writes_to_the_people_behind_an_example(new_page, live_server, width):
    live_server.app.config["CONTACT_RATE_LIMIT"] = "1000 per minute"
    slug = reachable_example(
        live_server, f"Une conserverie solidaire entre un ESAT et des maraîchers ({width})")
    sent_before = len(live_server.app.extensions.get("mail_outbox", []))
    page = new_page(width=width, height=740, bypass_csp=True)
    page.goto(f"/exemples/{slug}")
    page.get_by_role("link", name="Contacter les porteurs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contacter les porteurs")
    assert OWNER not in page.content()
    page.get_by_role("button", name="Envoyer le message").click()  # empty: errors, French
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("3 points à corriger")
    expect(page.locator("#name-erreur")).to_have_text("Indiquez votre nom.")
    no_violations(page)
    fits(page, width)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"contacter-erreurs-{width}.png"), full_page=True)
    page.get_by_label("Votre nom").fill("Alex Lecteur")
    page.get_by_label("Votre adresse électronique").fill("alex@example.net")
    page.get_by_label("Votre message").fill("Bonjour, pouvons-nous visiter la conserverie ?")
    page.get_by_role("button", name="Envoyer le message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Message transmis")
    assert OWNER not in page.content()
    no_violations(page)
    fits(page, width)
    page.screenshot(path=str(ARTIFACTS / f"contacter-envoye-{width}.png"), full_page=True)
    mails = live_server.app.extensions["mail_outbox"][sent_before:]
    assert [(m["To"], m["Reply-To"]) for m in mails] == [(OWNER, "Alex Lecteur <alex@example.net>")]


@pytest.mark.parametrize("width", [360, 1280])
def test_the_form_works_from_the_keyboard(new_page, live_server, width):
    live_server.app.config["CONTACT_RATE_LIMIT"] = "1000 per minute"
    slug = reachable_example(live_server, f"Un tiers-lieu entre une mairie et une coopérative ({width})")
    page = new_page(width=width, height=740)
    page.goto(f"/exemples/{slug}/contacter")
    page.get_by_label("Votre nom").focus()
    page.keyboard.type("Sam Clavier")
    page.keyboard.press("Tab")
    page.keyboard.type("sam@example.net")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Votre message")).to_be_focused()
    page.keyboard.type("Un message tapé au clavier.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Envoyer le message")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Message transmis")


@pytest.mark.parametrize("width", [360, 1280])
def test_moderators_read_the_log(new_page, live_server, width):
    live_server.app.config["CONTACT_RATE_LIMIT"] = "1000 per minute"
    title = f"Une ressourcerie entre un bailleur et une régie ({width})"
    slug = reachable_example(live_server, title)
    visitor = new_page(width=width)
    visitor.goto(f"/exemples/{slug}/contacter")
    visitor.get_by_label("Votre nom").fill("Lou Lectrice")
    visitor.get_by_label("Votre adresse électronique").fill("lou@example.net")
    visitor.get_by_label("Votre message").fill("Un texte que le journal ne doit jamais montrer.")
    visitor.get_by_role("button", name="Envoyer le message").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Message transmis")
    page = new_page(width=width, height=740, moderator=True, bypass_csp=True)
    page.goto("/moderation/")
    page.get_by_role("link", name="Messages relayés").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages relayés")
    expect(page.locator("table.journal")).to_contain_text(title[:40])
    page.screenshot(path=str(ARTIFACTS / f"messages-relayes-{width}.png"), full_page=True)
    assert "jamais montrer" not in page.content() and "lou@example.net" not in page.content()
    no_violations(page)
    fits(page, width)


def test_the_contributor_changes_their_mind_on_the_follow_up_page(new_page, live_server):
    with live_server.app.app_context():
        [example] = add_examples(validate_all([(1, {
            **BASE_RECORD, "title": "Un repair café entre une médiathèque et une association",
            "submitter_name": "Claude Bernard", "submitter_email": OWNER})]), state="pending")
        token = example.new_follow_token()
        db.session.commit()
    page = new_page(width=360, height=740, bypass_csp=True)
    page.goto(f"/proposer/suivi/{token}")
    page.get_by_role("button", name="Accepter les messages des visiteurs").click()
    expect(page.locator(".flash")).to_contain_text("les visiteurs peuvent vous écrire")
    expect(page.get_by_role("button", name="Ne plus recevoir de messages des visiteurs")).to_be_visible()
    no_violations(page)
    fits(page, 360)
