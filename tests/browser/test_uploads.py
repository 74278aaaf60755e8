"""A contributor adds a photo from the real submission form; a mistake elsewhere keeps it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from catalogue.extensions import db
from catalogue.models import Example

from .test_journeys import fill_submission

pytestmark = pytest.mark.browser

TITLE = "Un atelier vélo photographié entre une ressourcerie et une communauté de communes"


def test_a_photo_sent_with_a_mistake_is_kept_then_given_to_the_example(new_page, live_server,
                                                                        tmp_path):
    photo = tmp_path / "atelier.jpg"
    Image.new("RGB", (1000, 700), (30, 110, 160)).save(photo, "JPEG")
    page = new_page(width=360, height=800)
    page.goto("/proposer")
    fill_submission(page, partners=1)
    page.get_by_label("Titre", exact=True).fill(TITLE)
    page.get_by_label("Photo de couverture", exact=True).set_input_files(str(photo))
    page.get_by_label("Photo de couverture : texte alternatif").fill(
        "Deux bénévoles réparent un vélo dans l’atelier")
    page.get_by_label("Photo de couverture : licence").select_option("cc-by")
    page.get_by_role("button", name="Envoyer la proposition").click()

    expect(page.locator("#erreurs")).to_contain_text("au moins 2 partenaires")
    kept = page.locator(".media-kept")
    expect(kept).to_contain_text("Photo reçue")
    thumbnail = kept.locator("img")
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.complete && img.naturalWidth > 0")
    expect(page.get_by_label("Photo de couverture : texte alternatif")).to_have_value(
        "Deux bénévoles réparent un vélo dans l’atelier")

    page.get_by_label("Nom du partenaire 2").fill("Communauté de communes du Trièves")
    page.get_by_label("Type du partenaire 2").select_option("collectivite")
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url(re.compile(r"/proposer/merci$"))
    with live_server.app.app_context():
        example = db.session.scalar(sa.select(Example).where(Example.title == TITLE))
        assert [(m.kind, m.position, m.alt, m.licence) for m in example.media] == [
            ("photo", 0, "Deux bénévoles réparent un vélo dans l’atelier", "cc-by")]
