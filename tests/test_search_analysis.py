"""French analysis and relevance: what must match, what must not, in which order."""

from __future__ import annotations

import pytest
from search_helpers import find, neutral

from catalogue.search.analysis import analyze, sort_key

# Each document carries the words one group of queries is about; the rest is neutral.
CORPUS = {
    "coop": neutral(
        title="Une coopération agricole exemplaire",
        summary="Les collectivités territoriales soutiennent l’association d’intérêt général.",
    ),
    "cocons": neutral(summary="Une démarche de co-construction avec les habitants du bourg."),
    "coconsb": neutral(summary="La coconstruction du programme a pris deux ans."),
    "tiers": neutral(title="Un tiers-lieu dans une ancienne gare"),
    "rennes": neutral(locality="Rennes", regions=["53"], departements=["35"],
                      summary="Un atelier de réparation de vélos."),
    "jeunesse": neutral(summary="Un programme pour la jeunesse des quartiers nord."),
    "solidaire": neutral(summary="Une épicerie solidaire ouverte à tous."),
    "mobilite": neutral(title="La mobilité des seniors isolés"),
    "mecenes": neutral(summary="Trois entreprises mécènes financent les ateliers."),
    "numerique": neutral(title="Inclusion numérique en médiathèque"),
    "kerlann": neutral(partners=[
        {"name": "Fondation Kerlann", "kind": "fondation", "role": "Finance."},
        {"name": "Alpha", "kind": "autre", "role": ""},
    ]),
    "educpop": neutral(title="Éducation populaire et théâtre forum"),
    "idf": neutral(regions=["11"], summary="Des maraîchers livrent des cantines."),
    "territoire": neutral(summary="Un diagnostic partagé du territoire."),
    "environ": neutral(summary="Environ deux cents familles sont concernées."),
    "alim": neutral(themes=["alimentation-agriculture"]),
    "phrase": neutral(description="Un général est venu ; l’intérêt fut vif."),
    "cœur": neutral(summary="Un lieu au cœur du village."),
}

MATCH = [
    # case and accent folding, plural and derived forms through the stemmer
    ("cooperation", "coop"),
    ("coopération", "coop"),
    ("COOPÉRATION", "coop"),
    ("coopératives", "coop"),
    ("collectivites", "coop"),
    ("collectivité", "coop"),
    ("mobilite", "mobilite"),
    ("Mobilités", "mobilite"),
    ("entreprise", "mecenes"),
    ("numerique", "numerique"),
    # elisions, straight and curly apostrophes
    ("l'association", "coop"),
    ("l’association", "coop"),
    ("d'intérêt général", "coop"),
    ("interet general", "coop"),
    # hyphenated words
    ("co-construction", "cocons"),
    ("co-construction", "coconsb"),
    ("coconstruction", "cocons"),
    ("coconstruction", "coconsb"),
    ("co construction", "cocons"),
    ("tiers-lieu", "tiers"),
    ("tiers lieu", "tiers"),
    ("tierslieu", "tiers"),
    # places: région and département names, locality
    ("Bretagne", "rennes"),
    ("bretagne", "rennes"),
    ("Ille-et-Vilaine", "rennes"),
    ("rennes", "rennes"),
    ("Île-de-France", "idf"),
    ("ile de france", "idf"),
    # partner names and taxonomy labels
    ("Kerlann", "kerlann"),
    ("alimentation", "alim"),
    # domain variants the stemmer does not join
    ("jeune", "jeunesse"),
    ("jeunes", "jeunesse"),
    ("solidarité", "solidaire"),
    ("territorial", "territoire"),
    # phrases, prefixes, ligatures
    ('"intérêt général"', "coop"),
    ("coopér*", "coop"),
    ("numéri*", "numerique"),
    ("coeur", "cœur"),
]

NO_MATCH = [
    ("coopération", "numerique"),
    ("cooperation", "coconsb"),
    ("co construction", "coconsb"),   # both words required: only the merged form is there
    ("Bretagne", "idf"),
    ("mobilité", "solidaire"),
    ("environnement", "environ"),     # "environ" (about) is not the stem of environnement
    ('"intérêt général"', "phrase"),  # the words, not side by side
    ("solidaire", "jeunesse"),
    ("Rennes", "kerlann"),
    ("tiers-lieu", "territoire"),
]


@pytest.fixture(scope="module")
def corpus(app_holding):
    """An app holding CORPUS, shared by the tests of this module: (app, ids by key)."""
    return app_holding(CORPUS)


def found(corpus, q: str) -> set[str]:
    app, ids = corpus
    keys = {v: k for k, v in ids.items()}
    with app.app_context():
        results = find(q, per_page=100)
    return {keys[i] for i in results.ids()}


@pytest.mark.parametrize(("q", "key"), MATCH)
def test_query_matches(corpus, q, key):
    assert key in found(corpus, q)


@pytest.mark.parametrize(("q", "key"), NO_MATCH)
def test_query_does_not_match(corpus, q, key):
    assert key not in found(corpus, q)


def test_table_is_big_enough():
    assert len(MATCH) + len(NO_MATCH) >= 30


def test_stop_words_and_elisions_vanish():
    assert analyze("les ils elles cette l’ d' qu'") == []
    assert analyze("L’association d’intérêt général") == ["associ", "interet", "general"]


def test_accents_do_not_change_terms():
    accented = analyze("collectivités mobilité éducation")
    assert accented == analyze("collectivites mobilite education")


def test_hyphenated_word_is_merged_at_index_time_only():
    assert analyze("co-construction", mode="index") == ["co", "construct", "coconstruct"]
    assert analyze("co-construction") == ["co", "construct"]


def test_empty_and_punctuation_fields_are_safe():
    assert analyze("", mode="index") == []
    assert analyze(" -- ’ « » ", mode="index") == []


def test_title_sort_key_ignores_case_accents_and_signs():
    titles = ["Zèbre", "« Élan »", "abeille", "École", "éclair"]
    assert sorted(titles, key=sort_key) == ["abeille", "éclair", "École", "« Élan »", "Zèbre"]


# --- relevance -----------------------------------------------------------------------------


def test_title_match_ranks_above_body_match(search_app, add):
    body = add(description="Le mécénat de compétences et encore le mécénat, le mécénat.")
    summary = add(summary="Un mécénat discret.")
    title = add(title="Le mécénat de proximité")
    assert find("mécénat").ids() == [title, summary, body]


def test_all_words_first_then_any_word(search_app, add):
    both = add(summary="Un verger et un rucher.")
    verger = add(summary="Un verger communal.")
    add(summary="Un lavoir restauré.")
    results = find("verger rucher")
    assert results.ids() == [both] and not results.any_words
    results = find("verger xylophone")
    assert set(results.ids()) == {both, verger} and results.any_words
    assert results.searched is None and results.suggestion is None


def test_phrase_needs_the_words_side_by_side(search_app, add):
    together = add(summary="Une épicerie sociale et solidaire.")
    apart = add(summary="Une épicerie de quartier, sociale avant tout.")
    assert set(find("épicerie sociale").ids()) == {together, apart}
    assert find('"épicerie sociale"').ids() == [together]


def test_prefix_completes_words(search_app, add):
    one = add(title="Ressourcerie")
    two = add(title="Des ressources partagées")
    add(title="Un rucher")
    assert set(find("ressour*").ids()) == {one, two}


def test_spelling_correction_is_searched_when_nothing_matches(search_app, add):
    target = add(title="Éducation populaire en milieu rural")
    results = find("educaton")
    assert results.searched == "éducation"
    assert results.ids() == [target]
    results = find("educaton rurl")
    assert results.searched == "éducation rural" and results.ids() == [target]


def test_exact_searches_the_words_as_typed_and_suggests(search_app, add):
    add(title="Éducation populaire en milieu rural")
    results = find("educaton", exact="1")
    assert results.total == 0 and results.searched is None
    assert results.suggestion == "éducation" and results.request.exact


def test_spelling_suggestion_when_some_words_matched(search_app, add):
    add(title="Éducation populaire en milieu rural")
    other = add(title="Un verger partagé")
    results = find("verger educaton")
    assert results.any_words and results.ids() == [other]
    assert results.searched is None
    assert results.suggestion == "verger éducation"


def test_no_suggestion_for_known_words(search_app, add):
    add(title="Coopération et mobilité")
    results = find("cooperation mobilite")
    assert results.total == 1 and results.suggestion is None and results.searched is None


def test_snippet_is_escaped_and_only_marks_matches(search_app, add):
    add(summary='<script>alert("x")</script> & <b>coopération</b> locale')
    [hit] = find("coopération").hits
    html = str(hit.snippet)
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html
    assert "<mark>coopération</mark>" in html
    assert html.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_snippet_falls_back_to_description_then_none(search_app, add):
    add(summary="Rien ici.", description="Une recyclerie solidaire anime le quartier.")
    add(summary="Rien non plus.", partners=[
        {"name": "Recyclerie du Port", "kind": "association", "role": ""},
        {"name": "Alpha", "kind": "autre", "role": ""},
    ])
    snippets = {str(h.snippet) if h.snippet else None for h in find("recyclerie").hits}
    assert None in snippets
    assert any(s and "<mark>recyclerie</mark>" in s for s in snippets)


def test_empty_query_lists_everything_newest_first(search_app, add):
    first = add(title="Premier")
    second = add(title="Second")
    results = find("")
    assert results.sort == "recent" and results.ids() == [second, first]
    assert [h.snippet for h in results.hits] == [None, None]


def test_sort_by_title_ignores_accents(search_app, add):
    ids = [add(title=t) for t in ("Zèbre", "Élan", "abeille")]
    assert find("", tri="titre").ids() == [ids[2], ids[1], ids[0]]
