"""Possible duplicates on the moderators' review page: a near-copy of a published or of a
pending example lists it first; an unrelated one is not listed; contributors see nothing."""

from __future__ import annotations

import re
from html import unescape

import pytest
from helpers import example_by_title, form_data

from catalogue import search

NEAR_COPY = {
    "title": "Potager partagé entre l’école et la maison de retraite de Rennes",
    "summary": "Des élèves et des résidents de la maison de retraite cultivent un jardin "
               "ensemble, avec le soutien de la commune.",
}
UNRELATED = {
    "title": "Des vélos réparés par des jeunes en insertion",
    "summary": "Un atelier associatif forme des jeunes à la mécanique en réparant les vélos "
               "abandonnés que la métropole lui confie.",
    "description": "Chaque semaine, une dizaine de jeunes suivent l’atelier encadré.",
    "results": "Trois cents vélos remis en circulation.",
    "lessons": "Un encadrant technique à plein temps.",
    "partners-0-name": "Atelier Roue Libre", "partners-0-kind": "association",
    "partners-1-name": "Métropole de Lyon", "partners-1-kind": "collectivite",
    "regions": "84", "departements": "69", "locality": "Lyon",
    "themes": "mobilite", "objectives": "hybrider",
}


@pytest.fixture
def catalogue(make_example):
    """A few published examples on other subjects, so that words have their usual weight."""
    make_example(title="Une épicerie solidaire tenue par des bénévoles et un supermarché",
                 summary="Les invendus d’un supermarché approvisionnent une épicerie sociale.",
                 partners=[{"name": "Épicerie du cœur", "kind": "association", "role": ""},
                           {"name": "Hypermarché Sud", "kind": "entreprise", "role": ""}])
    make_example(title="Des ingénieures marraines de lycéennes",
                 summary="Une entreprise et un lycée encouragent les filles vers les sciences.",
                 partners=[{"name": "Lycée Curie", "kind": "enseignement-recherche", "role": ""},
                           {"name": "Industrie Ouest", "kind": "entreprise", "role": ""}])


def submit(client, **fields):
    response = client.post("/proposer", data=form_data(**fields))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response


def duplicates_listed(page: str) -> list[tuple[str, str]]:
    """Return the (title, state) pairs of the review page's possible duplicates, in order."""
    section = re.search(r'<section class="duplicates".*?</section>', page, re.S)
    if section is None:
        return []
    return [(unescape(title), unescape(state)) for title, state in re.findall(
        r'<li><a href="/moderation/exemples/\d+"[^>]*>(.*?)</a>\s*— <span class="state[^"]*">'
        r'(.*?)</span>', section.group(0), re.S)]


@pytest.fixture
def moderator(make_user, auth):
    make_user("modo@example.org", "moderator")
    return auth


@pytest.mark.parametrize("original_state", ["published", "pending"])
def test_a_near_copy_lists_the_original_first(app, client, catalogue, make_example, moderator,
                                              original_state):
    original = make_example(original_state)
    submit(client, **NEAR_COPY)
    submit(client, **UNRELATED)
    copy = example_by_title(app, NEAR_COPY["title"])
    unrelated = example_by_title(app, UNRELATED["title"])
    # Nothing of it reaches the contributor.
    thanks = client.get("/proposer/merci").get_data(as_text=True)
    assert original.title not in thanks and "Doublons" not in thanks

    moderator.login()
    listed = duplicates_listed(client.get(f"/moderation/exemples/{copy.id}").get_data(as_text=True))
    state = "Publié" if original_state == "published" else "En attente de modération"
    assert listed[0] == (original.title, state)
    assert UNRELATED["title"] not in [title for title, _ in listed]
    # And the unrelated submission lists neither.
    page = client.get(f"/moderation/exemples/{unrelated.id}").get_data(as_text=True)
    assert [t for t, _ in duplicates_listed(page)
            if t in (original.title, NEAR_COPY["title"])] == []


def test_a_near_copy_is_listed_from_the_original_too(app, client, catalogue, make_example,
                                                     moderator):
    original = make_example("pending")
    submit(client, **NEAR_COPY)
    moderator.login()
    page = client.get(f"/moderation/exemples/{original.id}").get_data(as_text=True)
    assert duplicates_listed(page)[0] == (NEAR_COPY["title"], "En attente de modération")
    assert f'href="/moderation/exemples/{example_by_title(app, NEAR_COPY["title"]).id}"' in page


def test_similar_to_text_finds_published_examples_only(app, catalogue, make_example):
    published = make_example()
    pending = make_example("pending", title="Un potager partagé entre une école et un foyer")
    with app.app_context():
        found = search.similar_to_text("potager partagé école maison de retraite", 5)
    assert found[0] == published.id and pending.id not in found
    with app.app_context():
        assert search.similar_to_text("xylophone", 5) == []


def test_resemblance_reads_words_as_the_search_does():
    scores = search.resemblance("Les Jardins partagés de l’école", {
        1: "jardin partagé, écoles",  # inflections and accents do not hide it
        2: "Réparer des vélos",
        3: "",
    })
    assert scores[1] == pytest.approx(1.0)
    assert scores[2] == 0.0 and scores[3] == 0.0
