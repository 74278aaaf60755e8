"""Tests for the controlled vocabularies of the catalogue."""

import pytest

from catalogue import taxonomy
from catalogue.taxonomy import Term, Vocabulary


def test_objectives_codes():
    assert taxonomy.OBJECTIVES.codes == ("equilibrer", "hybrider", "innover", "co-construire")


def test_objectives_have_hint_and_description():
    for term in taxonomy.OBJECTIVES:
        assert term.hint and len(term.hint) <= 120
        assert "\n" not in term.hint
        assert term.description


def test_regions_count():
    assert len(taxonomy.REGIONS) == 18
    assert len([t for t in taxonomy.REGIONS if not t.overseas]) == 13
    assert {t.code for t in taxonomy.REGIONS if t.overseas} == {"01", "02", "03", "04", "06"}


def test_regions_sorted_by_code():
    assert list(taxonomy.REGIONS.codes) == sorted(taxonomy.REGIONS.codes)


def test_departements_count():
    assert len(taxonomy.DEPARTEMENTS) == 101
    assert len([t for t in taxonomy.DEPARTEMENTS if t.overseas]) == 5
    assert taxonomy.DEPARTEMENTS.codes[:3] == ("01", "02", "03")
    assert taxonomy.DEPARTEMENTS.codes[19:22] == ("2A", "2B", "21")
    assert taxonomy.DEPARTEMENTS.codes[-5:] == ("971", "972", "973", "974", "976")


@pytest.mark.parametrize("vocabulary", list(taxonomy.VOCABULARIES.values()), ids=lambda v: v.name)
def test_codes_unique(vocabulary):
    assert len(set(vocabulary.codes)) == len(vocabulary)


def test_vocabularies_registry():
    assert list(taxonomy.VOCABULARIES) == [
        "objectives", "regions", "departements", "partner_kinds", "themes",
        "odd", "scales", "statuses", "states",
    ]
    for name, vocabulary in taxonomy.VOCABULARIES.items():
        assert vocabulary.name == name


def test_every_departement_parent_exists():
    for term in taxonomy.DEPARTEMENTS:
        assert term.parent in taxonomy.REGIONS
        assert term.overseas == taxonomy.REGIONS[term.parent].overseas


def test_every_region_has_departements():
    for region in taxonomy.REGIONS:
        assert taxonomy.departements_of(region.code)


@pytest.mark.parametrize(
    ("region", "count"),
    [("84", 12), ("27", 8), ("53", 4), ("24", 6), ("94", 2), ("44", 10), ("32", 5),
     ("11", 8), ("28", 5), ("75", 12), ("76", 13), ("52", 5), ("93", 6),
     ("01", 1), ("02", 1), ("03", 1), ("04", 1), ("06", 1)],
)
def test_departements_per_region(region, count):
    assert len(taxonomy.departements_of(region)) == count


@pytest.mark.parametrize(
    ("departement", "region"),
    [("35", "53"), ("44", "52"), ("59", "32"), ("13", "93"), ("67", "44"), ("31", "76"),
     ("33", "75"), ("69", "84"), ("75", "11"), ("21", "27"), ("45", "24"), ("14", "28"),
     ("2A", "94"), ("2B", "94"), ("974", "04"), ("976", "06")],
)
def test_region_of(departement, region):
    assert taxonomy.region_of(departement) == region


def test_region_of_unknown():
    with pytest.raises(KeyError):
        taxonomy.region_of("20")


def test_departements_of_unknown():
    assert taxonomy.departements_of("99") == ()


def test_other_vocabulary_sizes():
    assert len(taxonomy.THEMES) == 12
    assert len(taxonomy.PARTNER_KINDS) == 7
    assert len(taxonomy.SCALES) == 5
    assert len(taxonomy.STATUSES) == 2
    assert taxonomy.STATES.codes == (
        "pending", "changes_requested", "published", "rejected", "archived", "withdrawn",
    )


def test_odd_numbered():
    assert taxonomy.ODD.codes == tuple(range(1, 18))
    assert taxonomy.ODD[17].label == "Partenariats pour la réalisation des objectifs"
    assert "17" not in taxonomy.ODD


def test_duplicate_code_raises():
    with pytest.raises(ValueError):
        Vocabulary("dup", [Term("a", "A"), Term("a", "B")])


def test_unknown_code():
    with pytest.raises(KeyError):
        taxonomy.THEMES["inconnu"]
    assert "inconnu" not in taxonomy.THEMES
    assert [] not in taxonomy.THEMES
    assert taxonomy.THEMES.get("inconnu") is None
    assert taxonomy.THEMES.get("sante").label == "Santé"


def test_label():
    assert taxonomy.REGIONS.label("53") == "Bretagne"
    assert taxonomy.REGIONS.label("99") == "99"
    assert taxonomy.ODD.label(42) == "42"


def test_choices_shape():
    choices = taxonomy.SCALES.choices()
    assert isinstance(choices, list)
    assert choices[0] == ("local", "Locale")
    assert all(isinstance(c, tuple) and len(c) == 2 for c in choices)
    assert [code for code, _ in choices] == list(taxonomy.SCALES.codes)


def test_vocabulary_iteration_order():
    vocabulary = Vocabulary("v", [Term("b", "B"), Term("a", "A")])
    assert [t.code for t in vocabulary] == ["b", "a"]
    assert len(vocabulary) == 2


def test_terms_are_frozen():
    with pytest.raises(AttributeError):
        taxonomy.THEMES["sante"].label = "x"  # type: ignore[misc]
