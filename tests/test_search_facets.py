"""Facets, filters, sorting and pages: the count beside a value is what clicking it returns."""

from __future__ import annotations

import pytest
from search_helpers import find
from werkzeug.datastructures import MultiDict

from catalogue import search
from catalogue.search import FACETS, SearchRequest, parse_args, parse_args_strict
from catalogue.search.facets import year_range


@pytest.fixture
def demo_app(search_app, demo):
    """The demo catalogue (64 examples, most published), an app context pushed."""
    return search_app


def counts(results) -> dict[str, dict[str, int]]:
    return {name: {v.value: v.count for v in values} for name, values in results.facets.items()}


@pytest.mark.parametrize("q", ["", "entreprises", "jeunes insertion"])
def test_every_facet_count_equals_the_total_after_selecting_it(demo_app, q):
    base = find(q)
    assert base.total > 0
    checked = 0
    for name, values in base.facets.items():
        assert [v.value for v in values] == [c for c in FACETS[name].codes
                                             if c in {v.value for v in values}]
        for value in values:
            assert value.count > 0 and not value.selected
            assert find(q, **{name: value.value}).total == value.count, (name, value.value)
            checked += 1
    assert checked > 20


def test_counts_with_a_selection_in_another_facet_and_in_the_same_one(demo_app):
    start = find("", region="84")
    assert start.total > 0
    for value in start.facets["theme"]:
        assert find("", region="84", theme=value.value).total == value.count
    # In the facet that has a selection, a value widens it (OR): its count is the new total.
    two = [v for v in find("").facets["region"] if v.value != "84"][:5]
    for value in two:
        shown = {v.value: v for v in start.facets["region"]}[value.value]
        assert not shown.selected
        assert find("", region=["84", value.value]).total == shown.count
    selected = [v for v in start.facets["region"] if v.selected]
    assert [v.value for v in selected] == ["84"] and selected[0].count == start.total


def test_each_value_also_tells_the_results_having_it_whatever_its_facet_holds(demo_app):
    # What a map shows by area: with « 84 » chosen, Occitanie still has its own results.
    start = find("jeunes", region="84", echelle="local")
    for value in start.facets["region"]:
        alone = find("jeunes", region=value.value, echelle="local").total
        assert value.having == alone, value.value
    occitanie = {v.value: v for v in start.facets["region"]}["76"]
    assert occitanie.having < occitanie.count  # choosing it too widens to 84 or 76
    assert start.facets["theme"]
    for value in start.facets["theme"]:  # a facet without a selection: the two agree
        assert value.having == value.count


def test_or_inside_a_facet_and_across_facets(demo_app):
    a = set(search.all_ids(parse_args(MultiDict([("region", "84")]))[0]))
    b = set(search.all_ids(parse_args(MultiDict([("region", "76")]))[0]))
    both = find("", region=["84", "76"], per_page=100)
    assert set(both.ids()) == a | b and len(a | b) > max(len(a), len(b))
    narrowed = find("", region=["84", "76"], echelle="local")
    assert 0 < narrowed.total < both.total
    assert set(narrowed.ids()) <= set(both.ids())


def test_partner_kinds_combine_with_and_and_counts_stay_exact(demo_app):
    """« Association » and « Entreprise » mean alliances bringing both together."""
    association = set(search.all_ids(parse_args(MultiDict([("acteur", "association")]))[0]))
    company = set(search.all_ids(parse_args(MultiDict([("acteur", "entreprise")]))[0]))
    both = find("", acteur=["association", "entreprise"], per_page=100)
    assert set(both.ids()) == association & company
    assert 0 < both.total < min(len(association), len(company))
    # Each value offered once a kind is chosen narrows the results: its count is the new total.
    start = find("", acteur="association")
    shown = {v.value: v for v in start.facets["acteur"]}
    assert shown["association"].selected and shown["association"].count == start.total
    others = [v for v in start.facets["acteur"] if not v.selected]
    assert others
    for value in others:
        assert value.count <= start.total
        assert find("", acteur=["association", value.value]).total == value.count, value.value
    # Still AND across facets.
    narrowed = find("", acteur=["association", "entreprise"], echelle="local")
    assert set(narrowed.ids()) <= set(both.ids())


def test_only_values_with_results_are_offered(search_app, add):
    add(regions=["53"], themes=["sante"])
    results = find("")
    assert [v.value for v in results.facets["region"]] == ["53"]
    assert [v.value for v in results.facets["theme"]] == ["sante"]
    assert [v.label for v in results.facets["region"]] == ["Bretagne"]


def test_selected_value_without_results_is_still_shown(search_app, add):
    add(regions=["53"])
    results = find("", region="11")
    assert results.total == 0
    shown = [(v.value, v.selected) for v in results.facets["region"]]
    assert shown == [("11", True), ("53", False)]


def test_years_and_odd_facets(search_app, add):
    add(start_year=2008, odd=[1, 17])
    add(start_year=2021, odd=[17])
    add(start_year=None, odd=[])
    results = find("")
    assert counts(results)["annee"] == {"avant-2010": 1, "2020-2024": 1}
    assert counts(results)["odd"] == {"1": 1, "17": 2}
    assert find("", annee="avant-2010").total == 1
    assert year_range(2009) == "avant-2010" and year_range(2010) == "2010-2014"
    assert year_range(2030) == "2025-" and year_range(None) is None


def test_facet_counts_cover_all_published(search_app, add):
    add(objectives=["innover", "hybrider"])
    add(objectives=["innover"])
    add(state="pending", objectives=["innover"])
    totals = search.facet_counts()
    assert totals["objectif"] == {"equilibrer": 0, "hybrider": 1, "innover": 2, "co-construire": 0}
    assert set(totals) == set(FACETS)


def test_pages_sort_and_page_out_of_range(search_app, add):
    ids = [add(title=f"Fiche {i:02d}") for i in range(45)]
    first = search.search(SearchRequest(per_page=20))
    assert first.total == 45 and first.pages == 3 and first.ids() == ids[::-1][:20]
    last = search.search(SearchRequest(page=3, per_page=20))
    assert last.ids() == ids[::-1][40:]
    with pytest.raises(search.PageOutOfRange):
        search.search(SearchRequest(page=4, per_page=20))
    by_title = search.search(SearchRequest(sort="titre", per_page=50))
    assert by_title.ids() == ids
    assert search.all_ids(SearchRequest(sort="titre")) == ids
    assert search.all_ids(SearchRequest(sort="titre"), limit=3) == ids[:3]
    empty = search.search(SearchRequest(q="introuvable", page=1))
    assert empty.total == 0 and empty.pages == 1 and empty.hits == []


def test_relevance_pages_do_not_overlap(search_app, add):
    for i in range(30):
        add(title=f"Verger {i}", summary="verger " * (i % 5 + 1))
    seen = []
    for page in (1, 2, 3):
        seen += search.search(SearchRequest(q="verger", page=page, per_page=10)).ids()
    assert len(seen) == len(set(seen)) == 30
    assert search.all_ids(SearchRequest(q="verger")) == seen


def test_similar_examples(search_app, add):
    me = add(title="Un verger conservatoire", summary="Des variétés anciennes de pommiers.",
             themes=["environnement"], regions=["53"])
    close = add(title="Pommiers et variétés anciennes", summary="Un verger partagé.",
                themes=["environnement"])
    same_theme = add(title="Une ressourcerie", themes=["environnement"])
    unrelated = add(title="Un club de lecture", themes=["culture-sport"])
    hidden = add(state="pending", title="Un verger de pommiers anciens", themes=["environnement"])
    found = search.similar(me)
    assert found[0] == close and same_theme in found
    assert me not in found and hidden not in found and unrelated not in found
    assert len(search.similar(me, limit=1)) == 1
    assert search.similar(hidden) == [] and search.similar(10_000) == []


# --- parse_args ----------------------------------------------------------------------------


def test_parse_args_reads_every_parameter():
    args = MultiDict([("q", "  jardins   partagés "), ("region", "53"), ("region", "11"),
                      ("theme", "sante"), ("odd", "17"), ("annee", "2020-2024"),
                      ("tri", "titre"), ("page", "2"), ("utm_source", "x")])
    req, messages = parse_args(args)
    assert messages == []
    assert req == SearchRequest(q="jardins partagés", filters={
        "theme": ("sante",), "region": ("11", "53"), "odd": ("17",), "annee": ("2020-2024",)},
        sort="titre", page=2)


def test_parse_args_explains_what_it_ignored():
    args = MultiDict([("q", "x" * 250), ("region", "99"), ("region", "53"), ("tri", "prix"),
                      ("page", "deux"), ("odd", "18"), ("objectif", "")])
    req, messages = parse_args(args)
    assert req.q == "x" * 200 and req.filters == {"region": ("53",)}
    assert req.sort == "pertinence" and req.page == 1
    assert "Filtre ignoré : région « 99 » inconnue." in messages
    assert "Filtre ignoré : ODD « 18 » inconnu." in messages
    assert any("200 premiers caractères" in m for m in messages)
    assert any("Tri « prix »" in m for m in messages)
    assert any("page" in m.lower() and "deux" in m for m in messages)
    assert len(messages) == 5


def test_parse_args_strips_control_characters_silently():
    req, messages = parse_args(MultiDict([("q", "jar\x00dins\tpar\u200btagés\x1b")]))
    assert req.q == "jardins partagés" and messages == []


def test_page_below_one_is_fixed_with_a_message():
    req, messages = parse_args(MultiDict([("page", "0")]))
    assert req.page == 1 and len(messages) == 1


def test_parse_args_strict_names_the_bad_parameter():
    with pytest.raises(search.BadParameter) as caught:
        parse_args_strict(MultiDict([("q", "ok"), ("departement", "2C")]))
    assert caught.value.name == "departement" and "2C" in caught.value.message
    with pytest.raises(search.BadParameter) as caught:
        parse_args_strict(MultiDict([("page", "-1")]))
    assert caught.value.name == "page"
    assert parse_args_strict(MultiDict([("q", "ok")])) == SearchRequest(q="ok")
