"""An owner updates a published example in a browser; a moderator publishes it; the page says so."""

from __future__ import annotations

import pytest
from helpers import BASE_RECORD
from playwright.sync_api import expect

from catalogue.extensions import db
from catalogue.importing import add_examples, validate_all

from .helpers import ARTIFACTS

pytestmark = pytest.mark.browser

NEW_RESULTS = "Soixante élèves et vingt résidents en 2024 ; trois tonnes de légumes récoltées."


def published_example(server, title: str) -> tuple[str, str]:
    """Add a published example with a follow-up link; return (its follow-up path, its slug)."""
    with server.app.app_context():
        [example] = add_examples(validate_all([(1, {
            **BASE_RECORD, "title": title, "submitter_name": "Claude Bernard",
            "submitter_email": "claude@example.org"})]), state="published")
        token = example.new_follow_token()
        db.session.commit()
        return f"/proposer/suivi/{token}", example.slug


@pytest.mark.parametrize("width", [360, 1280])
def test_owner_update_through_moderation_to_the_public_history(new_page, live_server, width):
    title = f"Un rucher partagé entre une entreprise et un lycée agricole ({width})"
    ARTIFACTS.mkdir(exist_ok=True)
    follow, slug = published_example(live_server, title)
    owner = new_page(width=width, height=740)
    owner.goto(follow)
    owner.get_by_role("link", name="Proposer une mise à jour").click()
    expect(owner.get_by_role("heading", level=1)).to_have_text("Proposer une mise à jour")
    owner.get_by_label("Résultats et impact").fill(NEW_RESULTS)
    owner.get_by_label("J’accepte les conditions de publication").check()
    owner.get_by_role("button", name="Envoyer la mise à jour").click()
    expect(owner.locator(".flash")).to_contain_text("votre mise à jour est envoyée")
    expect(owner.locator("section.update")).to_contain_text("attend la relecture")
    assert owner.evaluate("() => document.documentElement.scrollWidth") <= width
    owner.screenshot(path=ARTIFACTS / f"revision-follow-{width}.png", full_page=True)

    moderator = new_page(width=width, height=740, moderator=True)
    moderator.goto("/moderation/")
    moderator.locator("section.queue-revisions").get_by_role("link", name=title).click()
    expect(moderator.locator("section.diff ins").first).to_contain_text("Soixante")
    moderator.screenshot(path=ARTIFACTS / f"revision-review-{width}.png", full_page=True)
    moderator.get_by_role("button", name="Publier la mise à jour").click()
    expect(moderator.locator(".flash")).to_contain_text("mise à jour publiée")

    owner.goto(f"/exemples/{slug}")
    expect(owner.locator("#s-resultats + .prose")).to_contain_text("Soixante élèves")
    expect(owner.locator(".example-facts")).to_contain_text("mis à jour le")
    expect(owner.locator("section.history")).to_contain_text("Résultats et impact")
    assert owner.evaluate("() => document.documentElement.scrollWidth") <= width
    owner.screenshot(path=ARTIFACTS / f"revision-public-{width}.png", full_page=True)
