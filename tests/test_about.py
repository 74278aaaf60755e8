"""The footer's pages: contact, legal notice, accessibility statement, site map, over HTTP."""

from __future__ import annotations

import re
from html import unescape

import pytest
from helpers import settings_for

from catalogue import about, create_app

FOOTER_PAGES = {
    "/contact": "Contact",
    "/mentions-legales": "Mentions légales",
    "/accessibilite": "Déclaration d’accessibilité",
    "/plan-du-site": "Plan du site",
}


def text(response) -> str:
    # No-break spaces read as spaces: the assertions are about the words.
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def footer(html: str) -> str:
    return re.search(r'<footer class="site-footer">.*?</footer>', html, re.S).group(0)


@pytest.mark.parametrize("path", ["/", "/exemples/", "/proposer", "/cadre/", *FOOTER_PAGES])
def test_every_page_has_the_trusted_footer(client, path):
    links = dict(
        (label, href)
        for href, label in re.findall(r'<a href="([^"]+)">([^<]+)</a>',
                                      footer(client.get(path).get_data(as_text=True)))
    )
    assert links["Contact"] == "/contact"
    assert links["Mentions légales"] == "/mentions-legales"
    # RGAA: the footer says the conformity status in the link itself
    assert links["Accessibilité : non conforme"] == "/accessibilite"
    assert links["Plan du site"] == "/plan-du-site"


@pytest.mark.parametrize("path, heading", FOOTER_PAGES.items())
def test_footer_pages_answer_in_french(client, path, heading):
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert re.search(rf"<h1>{heading}</h1>", html)
    assert f"<title>{heading} · Catalogue des alliances</title>" in html


def test_defaults_name_the_site_and_a_contact_at_its_host(client):
    legal = text(client.get("/mentions-legales"))
    assert "Nom Catalogue des alliances" in legal
    assert "contact@localhost" in legal  # BASE_URL is http://localhost in the tests
    # what the settings leave empty says so, rather than inventing a detail
    assert "Directeur ou directrice de la publication non renseigné" in legal
    assert "Hébergeur non renseigné" in legal
    assert 'href="mailto:contact@localhost"' in client.get("/contact").get_data(as_text=True)


def test_publisher_details_come_from_the_settings(tmp_path):
    app = create_app(settings_for(
        tmp_path,
        PUBLISHER_NAME="Association Alliances en partage",
        PUBLISHER_ADDRESS="12 rue des Coopérations, 35000 Rennes",
        PUBLICATION_DIRECTOR="Camille Martin",
        CONTACT_EMAIL="bonjour@alliances.example.org",
        HOSTING_NAME="Hébergeur Exemple SAS",
        HOSTING_ADDRESS="1 quai des Serveurs, 59000 Lille",
    ))
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
    client = app.test_client()
    legal = text(client.get("/mentions-legales"))
    for detail in ("Nom Association Alliances en partage",
                   "Adresse 12 rue des Coopérations, 35000 Rennes",
                   "Directeur ou directrice de la publication Camille Martin",
                   "Contact bonjour@alliances.example.org",
                   "Hébergeur Hébergeur Exemple SAS", "Adresse 1 quai des Serveurs, 59000 Lille"):
        assert detail in legal, detail
    assert "non renseigné" not in legal
    contact = text(client.get("/contact"))
    assert "bonjour@alliances.example.org" in contact and "12 rue des Coopérations" in contact
    statement = text(client.get("/accessibilite"))
    assert "Association Alliances en partage s’engage à rendre son site accessible" in statement


def test_publisher_details_escape_markup(tmp_path):
    app = create_app(settings_for(tmp_path, PUBLISHER_NAME="<script>x</script>"))
    html = app.test_client().get("/contact").get_data(as_text=True)
    assert "<script>x</script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html


def test_accessibility_statement_follows_the_rgaa_layout(client):
    statement = text(client.get("/accessibilite"))
    sections = ["État de conformité", "Résultats des tests", "Contenus non accessibles",
                "Établissement de cette déclaration", "Retour d’information et contact",
                "Voies de recours"]
    positions = [statement.index(s) for s in sections]
    assert positions == sorted(positions)
    assert "loi n° 2005-102 du 11 février 2005" in statement
    assert "non conforme avec le RGAA 4.1.2" in statement
    # the automated checks, with their date and what they found
    assert "Le 5 décembre 2026, les contrôles automatisés (WCAG 2.2, niveaux A et AA) " \
           "n’ont relevé aucune erreur" in statement
    assert f"sur les {len(about.AUDITED_PAGES)} pages vérifiées" in statement
    for page in ("Accueil", "Formulaire de proposition, avec ses messages d’erreur",
                 "Modération : journal", "Déclaration d’accessibilité"):
        assert page in statement
    assert "axe-core 4.14" in statement
    assert "Défenseur des droits, Libre réponse 71120, 75342 Paris CEDEX 07" in statement


def test_the_statement_reports_the_date_of_the_last_check(client, monkeypatch):
    from datetime import date
    monkeypatch.setattr(about, "LAST_CHECK", about.AutomatedCheck(
        checked_on=date(2027, 3, 14), rules="WCAG 2.2, niveaux A et AA", tools=("axe-core",),
        violations=0))
    statement = text(client.get("/accessibilite"))
    assert "Le 14 mars 2027, les contrôles automatisés" in statement
    assert "Cette déclaration a été établie le 14 mars 2027." in statement


def test_site_map_links_every_public_page_and_each_answers(client):
    html = client.get("/plan-du-site").get_data(as_text=True)
    main = re.search(r'<ul class="sitemap">.*?</ul>\s*{?', html, re.S)
    block = html.split('<ul class="sitemap">')[1].split("</main>")[0]
    hrefs = re.findall(r'<a href="([^"]+)"', block)
    assert main and len(hrefs) == len(set(hrefs))
    for expected in ("/", "/exemples/", "/observatoire/", "/api/", "/cadre/",
                     "/cadre/objectifs/equilibrer", "/cadre/objectifs/co-construire",
                     "/cadre/chiffres", "/cadre/ressources", "/proposer", "/contact",
                     "/mentions-legales", "/accessibilite", "/connexion"):
        assert expected in hrefs, expected
    for href in hrefs:
        response = client.get(href)
        assert response.status_code == 200, href
        response.close()


def test_footer_pages_speak_english(client):
    client.get("/langue/en?next=/")
    assert "<h1>Legal notice</h1>" in client.get("/mentions-legales").get_data(as_text=True)
    assert "<h1>Accessibility statement</h1>" in client.get("/accessibilite").get_data(as_text=True)
    assert "Accessibility: not compliant" in client.get("/").get_data(as_text=True)
