"""Key figures and resources of the alliance framework, taken from Le RAMEAU (2022)."""

from dataclasses import dataclass

# Figures that carry no footnote in the source document are credited to the document itself.
RAMEAU_2022 = (
    "Le RAMEAU, «\u00a0Comprendre le mouvement d’alliance en France\u00a0», 1er septembre 2022"
)
_IMPACT = "Étude IMPACT-{}, Observatoire des partenariats (Comisis & OpinionWay)"


@dataclass(frozen=True)
class KeyFigure:
    value: str  # as displayed, e.g. "81 %", "1 000+", "100 M€"
    label: str  # French sentence fragment saying what it measures
    source: str  # cited source as given in the document (study name, authors)
    date: str  # e.g. "octobre 2019 et mai 2020", "2022"
    # Heading the figure is listed under on the key-figures page; the page keeps
    # the groups in the order they first appear in KEY_FIGURES.
    group: str = ""


@dataclass(frozen=True)
class Resource:
    title: str  # French name of the resource
    url: str  # exactly as named in the source document; "" when it gives none
    purpose: str  # "S’informer", "Se former", "Agir ensemble", ...
    description: str  # one or two sentences


_ENVIE = "L’envie d’alliance"
_RECHERCHE = "Seize ans de recherche empirique"
_MOYENS = "Expérimenter et financer"
_MISSION = "Une mobilisation nationale"

_COLLECTIF = (
    "jugent nécessaire de «\u00a0jouer collectif\u00a0» face aux défis nés des crises actuelles"
)

CITIZENS = KeyFigure(
    value="81\u00a0%",
    label=f"des Français {_COLLECTIF}",
    source=_IMPACT.format("Citoyens"),
    date="octobre 2019 et mai 2020",
    group=_ENVIE,
)
MAYORS = KeyFigure(
    value="92\u00a0%",
    label=f"des maires {_COLLECTIF}",
    source=_IMPACT.format("Élus locaux"),
    date="novembre 2020",
    group=_ENVIE,
)
BUSINESS_LEADERS = KeyFigure(
    value="83\u00a0%",
    label=f"des dirigeants d’entreprise {_COLLECTIF}",
    source=_IMPACT.format("Entreprises"),
    date="septembre 2021",
    group=_ENVIE,
)
ASSOCIATION_LEADERS = KeyFigure(
    value="97\u00a0%",
    label=f"des responsables associatifs {_COLLECTIF}",
    source=_IMPACT.format("Associations"),
    date="septembre 2021",
    group=_ENVIE,
)
FOUNDATIONS = KeyFigure(
    value="98\u00a0%",
    label=f"des fondations {_COLLECTIF}",
    source=_IMPACT.format("Fondations"),
    date="septembre 2021",
    group=_ENVIE,
)
EXAMPLES_RECORDED = KeyFigure(
    value="1\u00a0000+",
    label="exemples inspirants de coopérations innovantes recensés à partir du terrain",
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
        label="création du RAMEAU, laboratoire de recherche empirique "
        "sous statut associatif d’intérêt général",
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    KeyFigure(
        value="16\u00a0ans",
        label="de recherche empirique sur les alliances d’intérêt général en France",
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    KeyFigure(
        value="7\u00a0ans",
        label="d’observation au minimum pour chaque programme de recherche, "
        "avant d’en tirer des enseignements",
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    EXAMPLES_RECORDED,
    KeyFigure(
        value="2008",
        label="création de l’Observatoire des partenariats par Le RAMEAU et la Caisse des Dépôts, "
        "pour suivre l’évolution des alliances en France",
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    KeyFigure(
        value="5\u00a0ans",
        label="d’étude d’impact du «\u00a0faire alliance\u00a0» en France",
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    KeyFigure(
        value="1re",
        label="étude d’impact du «\u00a0faire alliance\u00a0» à l’échelle d’un pays, "
        "publiée par l’Observatoire des partenariats",
        source=RAMEAU_2022,
        date="2022",
        group=_RECHERCHE,
    ),
    KeyFigure(
        value="500+",
        label="recherches-actions menées en 16\u00a0ans avec des acteurs publics et privés "
        "représentatifs de la diversité des organisations",
        source=RAMEAU_2022,
        date="2022",
        group=_MOYENS,
    ),
    KeyFigure(
        value="350",
        label="écosystèmes territoriaux suivis dans leurs dynamiques collectives",
        source=RAMEAU_2022,
        date="2022",
        group=_MOYENS,
    ),
    KeyFigure(
        value="100\u00a0M€",
        label="mobilisés pour financer plus de 50 innovations partenariales\u00a0: "
        "70\u00a0M€ pour les projets à impact, 15\u00a0M€ d’ingénierie, 8\u00a0M€ de recherche, "
        "5\u00a0M€ de capitalisation et 2\u00a0M€ d’investissements",
        source=RAMEAU_2022,
        date="2022",
        group=_MOYENS,
    ),
    KeyFigure(
        value="9",
        label="dispositifs collectifs nés de la recherche pour accélérer le mouvement d’alliance",
        source=RAMEAU_2022,
        date="2022",
        group=_MOYENS,
    ),
    KeyFigure(
        value="100+",
        label="réseaux nationaux et territoriaux, publics et privés, mobilisés de 2019 à 2022 "
        "par la mission ministérielle co-pilotée par Le RAMEAU pour accélérer les alliances "
        "entre associations, entreprises et collectivités",
        source=RAMEAU_2022 + "\u00a0; bilan publié sur Carenews, «\u00a0ODD 17\u00a0: résultats "
        "de la stratégie collective du faire alliance en France\u00a0»",
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
        title="Vademecum du «\u00a0faire alliance\u00a0»",
        url="",
        purpose="Commencer",
        description="Le point de départ conseillé par Le RAMEAU pour comprendre la démarche "
        "avant de choisir un outil. Le document source ne donne pas de lien\u00a0: cherchez "
        "«\u00a0Vademecum du faire alliance\u00a0» sur le site du RAMEAU ou dans un moteur "
        "de recherche.",
    ),
    Resource(
        title="Espace «\u00a0Alliances & Territoires\u00a0» d’associations.gouv.fr",
        url="https://www.associations.gouv.fr/alliances-et-territoires.html",
        purpose="S’informer",
        description="L’espace consacré aux alliances sur le site public de la vie "
        "associative\u00a0: une porte d’entrée pour comprendre les coopérations entre "
        "associations, entreprises et collectivités, et en suivre l’actualité.",
    ),
    Resource(
        title="ODD\u00a017\u00a0: le bilan de la stratégie collective "
        "du «\u00a0faire alliance\u00a0»",
        url="https://www.carenews.com/le-rameau/news/"
        "odd-17-resultats-de-la-strategie-collective-du-faire-alliance-en-france",
        purpose="S’informer",
        description="Un article de Carenews qui présente les résultats de la feuille de route "
        "menée de 2019 à 2022 avec plus d’une centaine de réseaux, sous la bannière "
        "de l’ODD\u00a017, l’objectif de développement durable consacré aux partenariats.",
    ),
    Resource(
        title="Plateforme pédagogique «\u00a0L’innovation territoriale en Actions\u00a0»",
        url="https://innovationterritoriale.plateformecapitalisation.org/",
        purpose="Se former",
        description="Des contenus pédagogiques pour apprendre à construire et à animer "
        "une coopération sur son territoire.",
    ),
    Resource(
        title="Plateforme de capitalisation «\u00a0L’ODD\u00a017 en pratiques\u00a0»",
        url="https://odd17.org/",
        purpose="Agir ensemble",
        description="Des retours d’expérience et des outils rassemblés pour passer à l’action "
        "à plusieurs, en s’appuyant sur ce que d’autres ont déjà testé.",
    ),
)
