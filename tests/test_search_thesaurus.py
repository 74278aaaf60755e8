"""The field's vocabulary: thesaurus widening, no "correction" of correct words, the help offered."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from search_helpers import find

from catalogue.search import thesaurus
from catalogue.search.analysis import analyze
from catalogue.search.lexicon import never_corrected

# --- the file format -----------------------------------------------------------------------


def test_parse_reads_equivalences_mappings_and_comments():
    lines, problems = thesaurus.parse(
        "# a comment\n\nESS, économie sociale et solidaire  # trailing comment\n"
        "philanthropie, philanthrope => mécénat, fondation\n"
    )
    assert problems == []
    ess, phil = lines
    assert ess.number == 3 and ess.targets is None
    assert [t.text for t in ess.sources] == ["ESS", "économie sociale et solidaire"]
    assert ess.sources[1].stems == ("econom", "social", "solidair")
    assert [t.text for t in phil.sources] == ["philanthropie", "philanthrope"]
    assert [t.text for t in phil.targets] == ["mécénat", "fondation"]


@pytest.mark.parametrize(("line", "reason"), [
    ("a => b => c", "une fois"),
    ("RSE, , responsabilité sociétale", "terme vide"),
    ("RSE,", "terme vide"),
    ("seniors", "au moins deux termes"),
    ("seniors, senior", "au moins deux termes"),  # the same words for the search
    ("RSE => ", "chaque côté"),
    ("les, RSE", "aucun mot cherchable"),
    (r"a\, b, c", "échappements"),
    ("aide accueil atelier bourg chantier emploi ferme jardin marché, dix", "dépasse"),
])
def test_parse_refuses_bad_lines_with_a_reason(line, reason):
    lines, [problem] = thesaurus.parse(f"# first\n{line}\n")
    assert lines == [] and problem.number == 2 and reason in problem.message


def test_one_way_rules_widen_one_way_and_relate_both_ways():
    lines, _ = thesaurus.parse("philanthropie => mécénat\nseniors, personnes âgées\n")
    rules = thesaurus.Thesaurus(lines)
    assert [t.text for t in rules.widen(("philanthrop",))] == ["mécénat"]
    assert rules.widen(("mecenat",)) == ()
    assert [t.text for t in rules.related(("mecenat",))] == ["philanthropie"]
    assert [t.text for t in rules.widen(("person", "age"))] == ["seniors"]
    assert rules.longest == 2


def test_a_word_that_is_also_a_place_never_widens():
    # « aînés » and the département of the Ain share the index word "ain".
    lines, _ = thesaurus.parse("seniors, aînés\n")
    rules = thesaurus.Thesaurus(lines, ambiguous=thesaurus.place_stems())
    assert rules.widen(("senior",)) == ()
    assert [t.text for t in rules.related(("senior",))] == ["aînés"]


REQUIRED = [
    "RSE", "ESS", "IAE", "SIAE", "ACI", "EI", "ETTI", "GEIQ", "QPV", "ZRR", "EHPAD", "CCAS", "CAF",
    "MSA", "PTCE", "SCIC", "SCOP", "TZCLD", "PAT", "ODD", "EPCI", "RSA", "PMR", "NEET", "mécénat",
    "philanthropie", "fondation", "mécénat de compétences", "personnes âgées", "seniors",
    "sans-abri", "économie sociale et solidaire",
]


def test_packaged_thesaurus_is_valid_and_covers_the_field():
    text = thesaurus.PACKAGED.read_text(encoding="utf-8")
    lines, problems = thesaurus.parse(text)
    assert problems == []
    assert len(lines) >= 150
    rules = thesaurus.Thesaurus(lines, ambiguous=thesaurus.place_stems())
    for term in REQUIRED:
        stems = tuple(analyze(term))
        assert rules.widen(stems), term
    assert "économie sociale et solidaire" in [t.text for t in rules.widen(("ess",))]


def test_theme_words_point_to_existing_themes():
    from catalogue import taxonomy

    lines, problems = thesaurus.parse(thesaurus.THEME_WORDS.read_text(encoding="utf-8"))
    assert problems == [] and lines
    assert {t.text for line in lines for t in line.targets} <= set(taxonomy.THEMES.codes)
    assert thesaurus.load(thesaurus.PACKAGED).theme_codes(("foret",)) == ("environnement",)


# --- widening ------------------------------------------------------------------------------


def test_sigle_finds_the_spelt_out_form_and_the_reverse(search_app, add):
    spelt = add(summary="Un chantier porté par une structure d’insertion par l’activité économique.")
    sigle = add(summary="Une SIAE du bâtiment recrute.")
    add(summary="Une activité économique locale.")
    results = find("SIAE")
    assert results.ids() == [sigle, spelt]
    assert results.widened == ["structure d’insertion par l’activité économique"]
    assert find("structure d’insertion par l’activité économique").ids() == [spelt, sigle]


def test_multi_word_synonyms_both_ways(search_app, add):
    seniors = add(title="Des seniors au jardin")
    agees = add(summary="Un accueil de jour pour personnes âgées isolées.")
    apart = add(summary="Des personnes de tout âge, âgées ou non, y passent.")
    assert find("seniors").ids() == [seniors, agees]
    results = find("personnes âgées")
    # The words typed anywhere still match; the synonym comes after them.
    assert results.ids()[-1] == seniors and set(results.ids()) == {seniors, agees, apart}
    assert results.widened == ["seniors"]


def test_words_typed_rank_above_the_terms_they_widen_to(search_app, add):
    widened = add(title="Responsabilité sociétale des entreprises : un club local",
                  summary="La responsabilité sociétale des entreprises au quotidien.")
    literal = add(description="Un volet RSE discret dans le programme.")
    assert find("RSE").ids() == [literal, widened]


def test_exact_searches_the_words_as_typed_without_widening(search_app, add):
    add(summary="Un accueil de jour pour personnes âgées isolées.")
    results = find("seniors", exact="1")
    assert results.total == 0 and results.widened == []
    assert results.unmatched == ["seniors"] and results.related == ["personnes âgées"]


def test_quoted_phrases_and_prefixes_are_not_widened(search_app, add):
    add(summary="Un accueil de jour pour personnes âgées isolées.")
    assert find('"seniors"').total == 0
    assert find("senio*").total == 0


def test_instance_file_replaces_the_packaged_one_without_reindex(search_app, add):
    target = add(summary="Un verger partagé au cœur du village.")
    assert find("pommeraie").total == 0
    path = Path(search_app.instance_path) / "synonyms.txt"
    path.write_text("pommeraie, verger\n", encoding="utf-8")
    results = find("pommeraie")
    assert results.ids() == [target] and results.widened == ["verger"]
    path.write_text("# nothing any more\n", encoding="utf-8")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # same second: force
    assert find("pommeraie").total == 0
    # The packaged thesaurus no longer applies either.
    add(summary="La responsabilité sociétale des entreprises au quotidien.")
    assert find("RSE").total == 0


# --- never "correct" a correct word --------------------------------------------------------


@pytest.mark.parametrize("word", ["forêt", "foret", "bus", "vin", "RSE", "TZCLD", "2024", "Lozère",
                                  "Finistère", "seniors"])
def test_correct_words_are_never_corrected(word):
    assert never_corrected(word)


def test_words_of_the_thesaurus_are_never_corrected():
    assert not never_corrected("ressourcerie")  # not in the French word list
    assert never_corrected("ressourcerie", thesaurus.load(thesaurus.PACKAGED))


@pytest.mark.parametrize("word", ["covoitrage", "solidare", "educaton", "rurl", "Rse"])
def test_typos_may_be_corrected(word):
    assert not never_corrected(word)


@pytest.mark.parametrize(("q", "near"), [
    ("forêt", "Un fort médiéval restauré."),
    ("bus", "Un marché bas de gamme."),
    ("vin", "La vie du quartier."),
    ("RSE", "Une rue piétonne."),
    ("Lozère", "Une loterie au bourg."),
])
def test_a_correct_word_that_matches_nothing_is_said_so(search_app, add, q, near):
    add(title=near)
    results = find(q, exact="1")
    assert results.total == 0 and results.searched is None and results.suggestion is None
    assert results.unmatched == [q]


def test_help_offers_related_terms_and_closest_themes(search_app, add):
    add(title="Des chemins de randonnée entretenus", themes=["environnement"])
    add(summary="La responsabilité sociétale des entreprises au quotidien.",
        themes=["developpement-economique"])
    results = find("forêt")
    assert results.total == 0 and results.unmatched == ["forêt"]
    assert [(t.value, t.count) for t in results.themes] == [("environnement", 1)]
    results = find("RSE", exact="1")
    assert results.unmatched == ["RSE"] and "responsabilité sociétale" in results.related


def test_real_typos_are_still_corrected(search_app, add):
    target = add(title="Des lignes de covoiturage entre villages")
    epicerie = add(summary="Une épicerie solidaire itinérante.")
    add(summary="Une épicerie de quartier.")
    results = find("covoitrage")
    assert results.searched == "covoiturage" and results.ids() == [target]
    results = find("epicerie solidare")
    assert results.searched == "epicerie solidaire" and results.ids() == [epicerie]
    assert results.unmatched == []


# --- what the visitor and the API are told -------------------------------------------------


def test_results_page_says_the_search_was_widened(search_app, add):
    add(summary="Un accueil de jour pour personnes âgées isolées.")
    html = search_app.test_client().get("/exemples/?q=seniors").get_data(as_text=True)
    notice = re.search(r"Recherche élargie à : personnes âgées\.\s*<a href=\"([^\"]+)\">"
                       r"Rechercher seulement « seniors »</a>", html)
    assert notice and "exact=1" in notice.group(1)
    html = search_app.test_client().get(notice.group(1).replace("&amp;", "&")).get_data(
        as_text=True)
    assert "Recherche élargie" not in html and "Aucun exemple ne contient le mot « seniors »" in html
    assert "personnes âgées</a>" in html  # the related term, as a link


def test_results_page_offers_help_for_a_correct_word_without_results(search_app, add):
    add(title="Des chemins de randonnée entretenus", themes=["environnement"])
    html = search_app.test_client().get("/exemples/?q=for%C3%AAt").get_data(as_text=True)
    assert "Aucun exemple ne contient le mot « forêt »." in html
    assert "Thèmes proches" in html and "theme=environnement" in html
    assert "Vouliez-vous dire" not in html and "Résultats pour" not in html


def test_api_reports_what_was_searched(search_app, add):
    add(summary="Un accueil de jour pour personnes âgées isolées.")
    data = search_app.test_client().get("/api/v1/examples?q=seniors").get_json()
    assert data["total"] == 1
    assert data["query"] == {
        "q": "seniors", "searched": None, "suggestion": None, "any_words": False,
        "widened": ["personnes âgées"], "unmatched": [], "related": [], "themes": [],
    }
    data = search_app.test_client().get("/api/v1/examples?q=for%C3%AAt").get_json()
    assert data["total"] == 0 and data["query"]["unmatched"] == ["forêt"]


# --- synonyms check ------------------------------------------------------------------------


def test_synonyms_check_reports_each_line_on_the_current_index(search_app, add, runner):
    add(summary="Un accueil de jour pour personnes âgées isolées.")
    result = runner.invoke(args=["synonyms", "check"])
    assert result.exit_code == 0, result.output
    assert f"Fichier : {thesaurus.PACKAGED}" in result.output
    assert "« seniors » (0) → personnes âgées (1), aînés (ignoré" in result.output
    assert "0 refusée(s)" in result.output


def test_synonyms_check_refuses_a_bad_file(search_app, runner, tmp_path):
    path = Path(search_app.instance_path) / "synonyms.txt"
    path.write_text("seniors, personnes âgées\nRSE => \n", encoding="utf-8")
    result = runner.invoke(args=["synonyms", "check"])
    assert result.exit_code == 1
    assert f"Fichier : {path}" in result.output
    assert "ligne 2 : RSE =>" in result.output and "REFUSÉE" in result.output
    other = tmp_path / "essai.txt"
    other.write_text("vélo, bicyclette\n", encoding="utf-8")
    result = runner.invoke(args=["synonyms", "check", "--file", str(other)])
    # No example was ever published: no index yet, the file is checked all the same.
    assert result.exit_code == 0 and "« vélo » (?) → bicyclette (?)" in result.output
    assert "Index indisponible" in result.output
