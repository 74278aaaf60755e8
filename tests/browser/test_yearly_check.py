"""The yearly check on the follow-up page of a published example, at 360 and 1280 px."""

from __future__ import annotations

import pytest
from helpers import BASE_RECORD
from playwright.sync_api import expect

from catalogue.extensions import db
from catalogue.importing import add_examples, validate_all

from .helpers import ARTIFACTS

pytestmark = pytest.mark.browser


def published(server, title: str) -> tuple[str, str]:
    """Add a published example with its owner; return its follow-up path and its page."""
    with server.app.app_context():
        [example] = add_examples(validate_all([(1, {
            **BASE_RECORD, "title": title, "start_year": 2016, "submitter_name": "Claude Bernard",
            "submitter_email": "claude@example.org"})]), state="published")
        token = example.new_follow_token()
        db.session.commit()
        return f"/proposer/suivi/{token}", f"/exemples/{example.slug}"


@pytest.mark.parametrize("width", [360, 1280])
def test_the_owner_marks_the_alliance_finished_in_one_step(new_page, live_server, width):
    ARTIFACTS.mkdir(exist_ok=True)
    follow, example = published(live_server, f"Un atelier vélo entre un lycée et une régie ({width})")
    page = new_page(width=width, height=740)
    page.goto(follow)
    check = page.locator("section#actualite")
    expect(check.get_by_role("heading", name="Où en est votre alliance ?")).to_be_visible()
    expect(check.get_by_role("button", name="Toujours d’actualité")).to_be_visible()
    check.get_by_label("Année de fin, si vous la connaissez").fill("2022")
    page.screenshot(path=ARTIFACTS / f"yearly-check-{width}.png", full_page=False)
    check.get_by_role("button", name="L’alliance est terminée").click()
    expect(page.locator(".flash")).to_contain_text("l’alliance est indiquée comme terminée")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width
    page.goto(example)
    expect(page.locator("dl")).to_contain_text("2016–2022")
