"""Check the framework's key figures and resources against the source document."""

import pytest

from catalogue import framework

# The web addresses the source document gives (its footnotes 8 to 11), kept here so that the
# suite checks them without reading anything outside the repository.
SEED_ADDRESSES = {
    "https://www.carenews.com/le-rameau/news/odd-17-resultats-de-la-strategie-collective-du-faire-alliance-en-france",
    "https://www.associations.gouv.fr/alliances-et-territoires.html",
    "https://innovationterritoriale.plateformecapitalisation.org/",
    "https://odd17.org/",
}

PLATFORM_URLS = {
    "https://www.associations.gouv.fr/alliances-et-territoires.html",
    "https://innovationterritoriale.plateformecapitalisation.org/",
    "https://odd17.org/",
}


def plain(text):
    """Return text with non-breaking spaces turned into ordinary spaces."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.mark.parametrize("figure", framework.KEY_FIGURES, ids=lambda f: plain(f.value))
def test_figure_is_complete(figure):
    for field in ("value", "label", "source", "date"):
        assert getattr(figure, field).strip(), field


def test_home_figures_are_four_key_figures():
    assert len(framework.HOME_FIGURES) == 4
    for figure in framework.HOME_FIGURES:
        assert any(figure is key for key in framework.KEY_FIGURES)


@pytest.mark.parametrize(
    ("who", "value", "study"),
    [
        ("Français", "81 %", "IMPACT-Citoyens"),
        ("maires", "92 %", "IMPACT-Élus locaux"),
        ("dirigeants d’entreprise", "83 %", "IMPACT-Entreprises"),
        ("responsables associatifs", "97 %", "IMPACT-Associations"),
        ("fondations", "98 %", "IMPACT-Fondations"),
    ],
)
def test_jouer_collectif_percentages(who, value, study):
    matches = [
        f
        for f in framework.KEY_FIGURES
        if plain(f.value) == value and who in f.label and "jouer collectif" in plain(f.label)
    ]
    assert len(matches) == 1
    assert study in matches[0].source
    assert "Comisis" in matches[0].source


def test_money_breakdown_is_given():
    (money,) = [f for f in framework.KEY_FIGURES if plain(f.value) == "100 M€"]
    text = plain(money.label + " " + money.source)
    for part in ("70 M€", "15 M€", "8 M€", "5 M€", "2 M€"):
        assert part in text


@pytest.mark.parametrize("resource", framework.RESOURCES, ids=lambda r: r.purpose)
def test_resource_is_complete(resource):
    assert resource.title.strip()
    assert resource.purpose.strip()
    assert resource.description.strip()
    assert resource.url.startswith("https://")


def test_platforms_are_listed_and_resources_without_a_link_are_not():
    urls = {r.url for r in framework.RESOURCES}
    assert PLATFORM_URLS <= urls
    # The seed gives no address for the Vademecum: a card without a link is a dead end.
    assert not [r for r in framework.RESOURCES if "Vademecum" in r.title]


def test_resource_urls_appear_in_seed_document():
    unknown = [r.url for r in framework.RESOURCES if r.url not in SEED_ADDRESSES]
    assert unknown == []


def test_grouped_keeps_the_order_headings_and_items_first_appear_in():
    items = [("b", 1), ("a", 2), ("b", 3), ("", 4), ("a", 5)]
    assert framework.grouped(items, lambda item: item[0]) == [
        ("b", [("b", 1), ("b", 3)]), ("a", [("a", 2), ("a", 5)]), ("", [("", 4)])]
