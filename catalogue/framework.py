"""Key figures and resources of the alliance framework, taken from Le RAMEAU (2022).

The texts are French and marked `N_`: the framework pages translate them when they show them.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from .i18n import N_

T = TypeVar("T")

# Figures that carry no footnote in the source document are credited to the document itself.
RAMEAU_2022 = N_(
    "Le RAMEAU, «\u00a0Comprendre le mouvement d’alliance en France\u00a0», 1er septembre 2022"
)


@dataclass(frozen=True)
class KeyFigure:
    value: str  # as displayed in French, e.g. "81 %", "1 000+", "100 M€"
    label: str  # French sentence fragment saying what it measures
    source: str  # cited source as given in the document (study name, authors)
    date: str  # e.g. "octobre 2019 et mai 2020", "2022"
    # Heading the figure is listed under on the key-figures page; the page keeps
    # the groups in the order they first appear in KEY_FIGURES.
    group: str = ""


@dataclass(frozen=True)
class Resource:
    title: str  # French name of the resource
    url: str  # exactly as given in the source document (resources without one are left out)
    purpose: str  # "S’informer", "Se former", "Agir ensemble", ...
    description: str  # one or two sentences


_ENVIE = N_("L’envie d’alliance")
_RECHERCHE = N_("Seize ans de recherche empirique")
_MOYENS = N_("Expérimenter et financer")
_MISSION = N_("Une mobilisation nationale")

CITIZENS = KeyFigure(
    value=N_("81\u00a0%"),
    label=N_(
        "des Français jugent nécessaire de «\u00a0jouer collectif\u00a0» face aux défis nés "
        "des crises actuelles"
    ),
    source=N_("Étude IMPACT-Citoyens, Observatoire des partenariats (Comisis & OpinionWay)"),
    date=N_("octobre 2019 et mai 2020"),
    group=_ENVIE,
)
MAYORS = KeyFigure(
    value=N_("92\u00a0%"),
    label=N_(
        "des maires jugent nécessaire de «\u00a0jouer collectif\u00a0» face aux défis nés "
        "des crises actuelles"
    ),
    source=N_("Étude IMPACT-Élus locaux, Observatoire des partenariats (Comisis & OpinionWay)"),
    date=N_("novembre 2020"),
    group=_ENVIE,
)
BUSINESS_LEADERS = KeyFigure(
    value=N_("83\u00a0%"),
    label=N_(
        "des dirigeants d’entreprise jugent nécessaire de «\u00a0jouer collectif\u00a0» face "
        "aux défis nés des crises actuelles"
    ),
    source=N_("Étude IMPACT-Entreprises, Observatoire des partenariats (Comisis & OpinionWay)"),
    date=N_("septembre 2021"),
    group=_ENVIE,
)
ASSOCIATION_LEADERS = KeyFigure(
    value=N_("97\u00a0%"),
    label=N_(
        "des responsables associatifs jugent nécessaire de «\u00a0jouer collectif\u00a0» face "
        "aux défis nés des crises actuelles"
    ),
    source=N_("Étude IMPACT-Associations, Observatoire des partenariats (Comisis & OpinionWay)"),
    date=N_("septembre 2021"),
    group=_ENVIE,
)
FOUNDATIONS = KeyFigure(
    value=N_("98\u00a0%"),
    label=N_(
        "des fondations jugent nécessaire de «\u00a0jouer collectif\u00a0» face aux défis nés "
        "des crises actuelles"
    ),
    source=N_("Étude IMPACT-Fondations, Observatoire des partenariats (Comisis & OpinionWay)"),
    date=N_("septembre 2021"),
    group=_ENVIE,
)
EXAMPLES_RECORDED = KeyFigure(
    value=N_("1\u00a0000+"),
    label=N_("exemples inspirants de coopérations innovantes recensés à partir du terrain"),
    source=RAMEAU_2022,
    date="2022",
    group=_RECHERCHE,
)

KEY_FIGURES: tuple[KeyFigure, ...] = (
    CITIZENS,
    MAYORS,
    BUSINESS_LEADERS,
    ASSOCIATION_LEADERS,
    FOUNDATIONS,
    KeyFigure(
        value="2006",
        label=N_(
            "création du RAMEAU, laboratoire de recherche empirique "
            "sous statut associatif d’intérêt général"
        ),
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    KeyFigure(
        value=N_("16\u00a0ans"),
        label=N_("de recherche empirique sur les alliances d’intérêt général en France"),
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    KeyFigure(
        value=N_("7\u00a0ans"),
        label=N_(
            "d’observation au minimum pour chaque programme de recherche, "
            "avant d’en tirer des enseignements"
        ),
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    EXAMPLES_RECORDED,
    KeyFigure(
        value="2008",
        label=N_(
            "création de l’Observatoire des partenariats par Le RAMEAU et la Caisse des Dépôts, "
            "pour suivre l’évolution des alliances en France"
        ),
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    KeyFigure(
        value=N_("5\u00a0ans"),
        label=N_("d’étude d’impact du «\u00a0faire alliance\u00a0» en France"),
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    KeyFigure(
        value=N_("1re"),
        label=N_(
            "étude d’impact du «\u00a0faire alliance\u00a0» à l’échelle d’un pays, "
            "publiée par l’Observatoire des partenariats"
        ),
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    KeyFigure(
        value="500+",
        label=N_(
            "recherches-actions menées en 16\u00a0ans avec des acteurs publics et privés "
            "représentatifs de la diversité des organisations"
        ),
        source=RAMEAU_2022,
        date="2022",
        group=_MOYENS,
    ),
    KeyFigure(
        value="350",
        label=N_("écosystèmes territoriaux suivis dans leurs dynamiques collectives"),
        source=RAMEAU_2022,
        date="2022",
        group=_MOYENS,
    ),
    KeyFigure(
        value=N_("100\u00a0M€"),
        label=N_(
            "mobilisés pour financer plus de 50 innovations partenariales\u00a0: "
            "70\u00a0M€ pour les projets à impact, 15\u00a0M€ d’ingénierie, 8\u00a0M€ de "
            "recherche, 5\u00a0M€ de capitalisation et 2\u00a0M€ d’investissements"
        ),
        source=RAMEAU_2022,
        date="2022",
        group=_MOYENS,
    ),
    KeyFigure(
        value="9",
        label=N_(
            "dispositifs collectifs nés de la recherche pour accélérer le mouvement d’alliance"
        ),
        source=RAMEAU_2022,
        date="2022",
        group=_MOYENS,
    ),
    KeyFigure(
        value="100+",
        label=N_(
            "réseaux nationaux et territoriaux, publics et privés, mobilisés de 2019 à 2022 "
            "par la mission ministérielle co-pilotée par Le RAMEAU pour accélérer les alliances "
            "entre associations, entreprises et collectivités"
        ),
        source=N_(
            "Le RAMEAU, «\u00a0Comprendre le mouvement d’alliance en France\u00a0», "
            "1er septembre 2022\u00a0; bilan publié sur Carenews, «\u00a0ODD 17\u00a0: résultats "
            "de la stratégie collective du faire alliance en France\u00a0»"
        ),
        date="2022",
        group=_MISSION,
    ),
)

# The home page speaks to the three kinds of actors the 2019–2022 ministerial mission
# brought together (local authorities, companies, associations), plus the breadth of
# field experience the framework rests on.
HOME_FIGURES: tuple[KeyFigure, ...] = (
    MAYORS,
    BUSINESS_LEADERS,
    ASSOCIATION_LEADERS,
    EXAMPLES_RECORDED,
)

RESOURCES: tuple[Resource, ...] = (
    Resource(
        title=N_("Espace «\u00a0Alliances & Territoires\u00a0» d’associations.gouv.fr"),
        url="https://www.associations.gouv.fr/alliances-et-territoires.html",
        purpose=N_("S’informer"),
        description=N_(
            "L’espace consacré aux alliances sur le site public de la vie "
            "associative\u00a0: une porte d’entrée pour comprendre les coopérations entre "
            "associations, entreprises et collectivités, et en suivre l’actualité."
        ),
    ),
    Resource(
        title=N_(
            "ODD\u00a017\u00a0: le bilan de la stratégie collective "
            "du «\u00a0faire alliance\u00a0»"
        ),
        url="https://www.carenews.com/le-rameau/news/"
        "odd-17-resultats-de-la-strategie-collective-du-faire-alliance-en-france",
        purpose=N_("S’informer"),
        description=N_(
            "Un article de Carenews qui présente les résultats de la feuille de route "
            "menée de 2019 à 2022 avec plus d’une centaine de réseaux, sous la bannière "
            "de l’ODD\u00a017, l’objectif de développement durable consacré aux partenariats."
        ),
    ),
    Resource(
        title=N_("Plateforme pédagogique «\u00a0L’innovation territoriale en Actions\u00a0»"),
        url="https://innovationterritoriale.plateformecapitalisation.org/",
        purpose=N_("Se former"),
        description=N_(
            "Des contenus pédagogiques pour apprendre à construire et à animer "
            "une coopération sur son territoire."
        ),
    ),
    Resource(
        title=N_("Plateforme de capitalisation «\u00a0L’ODD\u00a017 en pratiques\u00a0»"),
        url="https://odd17.org/",
        purpose=N_("Agir ensemble"),
        description=N_(
            "Des retours d’expérience et des outils rassemblés pour passer à l’action "
            "à plusieurs, en s’appuyant sur ce que d’autres ont déjà testé."
        ),
    ),
)


def grouped(items: Iterable[T], key: Callable[[T], str]) -> list[tuple[str, list[T]]]:
    """Return (heading, items) pairs, headings in the order they first appear, items in theirs."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.items())
