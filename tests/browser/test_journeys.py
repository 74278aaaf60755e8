"""What visitors, contributors and moderators do, in a real browser against the live app."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .helpers import PAGE_BUDGET

pytestmark = pytest.mark.browser

NEW_TITLE = (
    "Une vélo-école itinérante entre une ressourcerie et la communauté de communes du Trièves"
)


def results_count(page: Page) -> int:
    text = page.locator("#titre-resultats").inner_text()
    match = re.match(r"\s*(\d+) exemples?", text)
    return int(match.group(1)) if match else 0


def test_search_and_refine_with_facets(new_page):
    page = new_page()
    page.goto("/")
    page.get_by_role("searchbox", name="Rechercher un exemple").fill("insertion jeunes")
    page.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"/exemples/\?q=insertion"))
    found = results_count(page)
    assert found > 1

    facet = page.locator("details.facet", has=page.locator("summary", has_text="Échelle"))
    if facet.get_attribute("open") is None:
        facet.locator("summary").click()
    value = facet.locator("a.facet-value:not(.selected)").first
    label = value.inner_text().replace("☐", "").strip()
    value.click()
    page.wait_for_url(re.compile(r"echelle="))

    chip = page.locator("ul.chips a.chip", has_text=f"Échelle : {label}")
    expect(chip).to_be_visible()
    refined = results_count(page)
    assert 0 < refined <= found
    expect(page.get_by_role("searchbox", name="Rechercher un exemple")).to_have_value(
        "insertion jeunes")
    expect(facet.locator("a.facet-value.selected")).to_have_count(1)

    chip.click()
    page.wait_for_url(lambda url: "echelle=" not in url)
    expect(page.locator("ul.chips")).to_have_count(0)
    assert results_count(page) == found


def test_open_an_example_then_a_similar_one(new_page):
    page = new_page()
    page.goto("/exemples/?q=circuits+courts")
    first = page.locator(".example-list .example-card-title a").first
    title = first.inner_text().strip()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)

    similar = page.locator("section.similar")
    expect(similar.get_by_role("heading", name="Exemples similaires")).to_be_visible()
    other = similar.locator(".example-card-title a").first
    other_title = other.inner_text().strip()
    assert other_title != title
    other.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(other_title)
    expect(page.get_by_role("navigation", name="Fil d’Ariane")).to_be_visible()


def fill_submission(page: Page, partners: int) -> None:
    """Fill in the submission form with the mouse-free API of Playwright (no validation)."""
    page.get_by_label("Titre", exact=True).fill(NEW_TITLE)
    page.get_by_label("Résumé").fill(
        "Des bénévoles de la ressourcerie réparent des vélos et apprennent aux habitants "
        "à circuler en sécurité, avec le soutien de la communauté de communes.")
    page.get_by_label("Contexte et actions").fill(
        "Dans ce territoire de montagne, se déplacer sans voiture est difficile.")
    page.get_by_label("Résultats et impact").fill("Cent vingt vélos remis en état en un an.")
    page.get_by_label("Enseignements").fill("Un atelier fixe et un camion qui circule.")
    page.get_by_role("group", name=re.compile("^Objectifs de l’alliance")).get_by_label(
        re.compile("^Co-construire")).check()
    page.get_by_label("Locale", exact=True).check()
    names = ["Ressourcerie du Trièves", "Communauté de communes du Trièves"]
    kinds = ["association", "collectivite"]
    for i in range(partners):
        page.get_by_label(f"Nom du partenaire {i + 1}").fill(names[i])
        page.get_by_label(f"Type du partenaire {i + 1}").select_option(kinds[i])
    page.get_by_label("Votre nom").fill("Claude Bernard")
    page.get_by_label("Votre adresse électronique").fill("claude@example.org")
    page.get_by_label("J’accepte les conditions de publication").check()


def test_propose_with_a_mistake_correct_it_then_get_it_approved_and_found(new_page, live_server):
    page = new_page()
    page.goto("/proposer")
    fill_submission(page, partners=1)
    page.get_by_role("button", name="Envoyer la proposition").click()

    summary = page.locator("#erreurs")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("1 point à corriger")
    expect(summary.get_by_role("link")).to_contain_text("au moins 2 partenaires")
    partners = page.locator("fieldset#partners")
    expect(page.locator("#partners-erreur")).to_contain_text("au moins 2 partenaires")
    assert "partners-erreur" in partners.get_attribute("aria-describedby").split()
    # What was typed is kept.
    expect(page.get_by_label("Titre", exact=True)).to_have_value(NEW_TITLE)
    summary.get_by_role("link").click()
    assert page.url.endswith("#partners")

    page.get_by_label("Nom du partenaire 2").fill("Communauté de communes du Trièves")
    page.get_by_label("Type du partenaire 2").select_option("collectivite")
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url(re.compile(r"/proposer/merci$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Merci pour votre proposition")
    follow = page.locator("a.follow-link")
    link = follow.get_attribute("href")
    outbox = live_server.app.extensions["mail_outbox"]
    mailed = [m for m in outbox if m["To"] == "claude@example.org"]
    assert mailed and link in mailed[-1].get_content()
    follow.click()
    expect(page.locator(".follow-status")).to_contain_text("En attente")

    moderation = new_page(moderator=True)
    moderation.goto("/moderation/")
    moderation.get_by_role("link", name=NEW_TITLE).click()
    review_url = moderation.url
    version = moderation.locator("form input[name=version]").input_value()
    # A second tab decides first: the first tab's decision, on an older version, is refused.
    other = moderation.context.new_page()
    other.goto(review_url)
    moderation.get_by_role("button", name="Publier", exact=True).click()
    moderation.wait_for_url(re.compile(r"/moderation/$"))
    expect(moderation.locator(".flashes")).to_contain_text("publié")
    other.get_by_role("button", name="Publier", exact=True).click()
    expect(other.locator("#conflit")).to_contain_text("modifié entre-temps")
    # The refused tab now shows, and would decide on, the current version.
    current = other.locator("form input[name=version]").input_value()
    assert current != version
    expect(other.locator("main")).to_contain_text(f"version {current}")

    page.goto("/exemples/")
    page.get_by_role("searchbox", name="Rechercher un exemple").fill("vélo-école Trièves")
    page.get_by_role("button", name="Rechercher").click()
    result = page.locator(".example-list .example-card-title a", has_text=NEW_TITLE)
    expect(result).to_have_count(1)
    result.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
    assert all(w.without_pictures < PAGE_BUDGET for w in page.traffic.weights())
