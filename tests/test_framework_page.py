"""The framework page opens with what the visitor wants, then tells the history; resources."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def page(client, demo):
    return client.get("/cadre/").get_data(as_text=True)


def test_objectives_and_guide_come_before_the_history(page):
    main = page.split('<main', 1)[1]
    order = [
        "<h1>Quatre objectifs pour faire alliance</h1>",
        "Équilibrer performance et engagement",
        "Co-construire territorialement",
        '<h2 id="quel-objectif">Quel objectif pour vous ?</h2>',
        '<h2 id="histoire">Le mouvement d’alliance</h2>',
        "Le RAMEAU, laboratoire d’innovations partenariales",
        "Source du cadre",
    ]
    positions = [main.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_guide_answers_three_questions_with_an_objective_and_its_examples(client, page):
    guide = re.search(r'<section class="guide".*?</section>', page, re.S).group(0)
    assert len(re.findall(r"<h3>", guide)) == 3
    for code in ("equilibrer", "hybrider", "innover", "co-construire"):
        assert f'href="/cadre/objectifs/{code}"' in guide, code
        assert f'href="/exemples/?objectif={code}"' in guide, code
    for href in set(re.findall(r'href="([^"#]+)"', guide)):
        response = client.get(href)
        assert response.status_code == 200, href
        response.close()
    assert "<script" not in guide  # plain links: works without JavaScript


def test_history_has_a_table_of_contents_whose_links_land(page):
    toc = re.search(r'<nav class="toc".*?</nav>', page, re.S).group(0)
    anchors = re.findall(r'href="#([^"]+)"', toc)
    assert len(anchors) == 7
    history = page.split('<section class="history"', 1)[1]
    for anchor in anchors:
        assert f'id="{anchor}"' in history, anchor
    assert history.index(toc) < history.index('id="de-quoi-parle-t-on"')


def test_every_resource_has_a_link_and_none_is_recommended_without(client):
    html = client.get("/cadre/ressources").get_data(as_text=True)
    cards = re.findall(r'<li class="card">(.*?)</li>', html, re.S)
    assert len(cards) == 4
    for card in cards:
        assert re.search(r'<h3><a href="https://[^"]+" rel="noopener">', card), card
    # the Vademecum has no address in the source: neither a card nor a recommendation
    assert "Vademecum" not in html
