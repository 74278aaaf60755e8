"""« Signaler une erreur » in a real browser: a visitor reports, a moderator dismisses."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from catalogue.extensions import db
from catalogue.models import Example

from .helpers import ARTIFACTS

pytestmark = pytest.mark.browser

TITLE_START = "Rénover les copropriétés"
MESSAGE = "Le laboratoire a fermé en 2025 : la fiche dit encore « en cours »."


def test_report_reaches_the_moderators_and_is_dismissed(new_page, live_server):
    with live_server.app.app_context():
        title = db.session.scalar(sa.select(Example.title)
                                  .where(Example.title.startswith(TITLE_START)))
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page(width=360, height=740)
    page.goto("/exemples/?q=copropriétés")
    page.get_by_role("link", name=title).first.click()
    page.get_by_role("link", name="Signaler une erreur").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Signaler une erreur")
    # Sent empty: the error is said next to the field, the form stays.
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator("#message-erreur")).to_contain_text("Décrivez l’erreur")
    page.get_by_label("Votre message").fill(MESSAGE)
    page.screenshot(path=str(ARTIFACTS / "signaler-erreur-telephone.png"), full_page=True)
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre signalement")

    moderator = new_page(moderator=True)
    moderator.goto("/moderation/")
    expect(moderator.locator(".queue-reports")).to_contain_text("à traiter")
    moderator.locator(".queue-reports a").click()
    moderator.get_by_role("row", name=re.compile(TITLE_START)).get_by_role("link").click()
    expect(moderator.get_by_text(MESSAGE)).to_be_visible()
    moderator.screenshot(path=str(ARTIFACTS / "moderation-signalement.png"), full_page=True)
    moderator.get_by_label("Réponse ou note").fill("Vérifié avec la copropriété : toujours actif.")
    moderator.get_by_role("button", name="Classer sans suite").click()
    expect(moderator.locator(".flash-success")).to_contain_text("classé sans suite")
    moderator.goto("/moderation/signalements?etat=dismissed")
    expect(moderator.get_by_role("row", name=re.compile(TITLE_START))).to_have_count(1)
