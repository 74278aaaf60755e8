"""Controlled vocabularies of the catalogue: objectives, territories, partners, themes and states.

Labels are French, as the API, the exports and the search index use them. Those marked `N_` are
translated when a page shows them (`i18n.tr`, the `t` and `label` template filters); the names of
régions and départements are proper nouns and stay as they are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .i18n import N_


@dataclass(frozen=True)
class Term:
    """One entry of a vocabulary."""

    code: str | int
    label: str
    hint: str = ""
    description: str = ""
    parent: str = ""
    overseas: bool = False


class Vocabulary:
    """An ordered, read-only set of terms looked up by code."""

    def __init__(self, name: str, terms: Iterable[Term]) -> None:
        self.name = name
        self._terms: tuple[Term, ...] = tuple(terms)
        self._by_code: dict[str | int, Term] = {}
        for term in self._terms:
            if term.code in self._by_code:
                raise ValueError(f"duplicate code {term.code!r} in vocabulary {name!r}")
            self._by_code[term.code] = term

    def __repr__(self) -> str:
        return f"Vocabulary({self.name!r}, {len(self)} terms)"

    def __iter__(self) -> Iterator[Term]:
        return iter(self._terms)

    def __len__(self) -> int:
        return len(self._terms)

    def __contains__(self, code: object) -> bool:
        try:
            return code in self._by_code
        except TypeError:  # unhashable
            return False

    def __getitem__(self, code: Any) -> Term:
        try:
            return self._by_code[code]
        except TypeError:  # unhashable
            raise KeyError(code) from None

    def get(self, code: Any, default: Term | None = None) -> Term | None:
        return self._by_code.get(code, default) if code in self else default

    def label(self, code: Any) -> str:
        term = self.get(code)
        return term.label if term is not None else str(code)

    @property
    def codes(self) -> tuple:
        return tuple(term.code for term in self._terms)

    def choices(self) -> list[tuple[Any, str]]:
        return [(term.code, term.label) for term in self._terms]


OBJECTIVES = Vocabulary("objectives", [
    Term(
        "equilibrer",
        N_("Équilibrer performance et engagement de son organisation"),
        hint=N_("Alliances qui renforcent à la fois l’efficacité d’une structure et son engagement sociétal."),
        description=N_(
            "Une organisation cherche à concilier sa performance et sa contribution à la société. "
            "Pour une entreprise, cela passe par sa politique RSE ou l’engagement de ses collaborateurs ; "
            "pour une association, par sa professionnalisation et la consolidation de son projet. "
            "L’alliance devient alors un levier de transformation interne autant qu’un engagement extérieur."
        ),
    ),
    Term(
        "hybrider",
        N_("Hybrider son modèle socio-économique"),
        hint=N_("Partenariats qui diversifient les ressources : financements publics, privés, mécénat, revenus propres."),
        description=N_(
            "Une organisation fait évoluer la manière dont elle finance et mène son action. "
            "Elle combine plusieurs sources de richesses — ressources publiques, privées, revenus d’activité, "
            "mécénat financier ou de compétences — et peut aller jusqu’à créer de la valeur partagée avec ses partenaires. "
            "Cette diversification réduit sa dépendance à un seul financeur et renforce sa pérennité."
        ),
    ),
    Term(
        "innover",
        N_("Accélérer une démarche d’innovation sociétale"),
        hint=N_("Alliances qui expérimentent ou essaiment des réponses nouvelles à des fragilités sociales ou environnementales."),
        description=N_(
            "Des partenaires unissent leurs compétences pour inventer des réponses aux fragilités sociales "
            "ou environnementales que personne ne traite seul de façon satisfaisante. "
            "L’alliance permet d’expérimenter, d’évaluer puis de changer d’échelle une solution qui a fait ses preuves."
        ),
    ),
    Term(
        "co-construire",
        N_("Co-construire territorialement des solutions adaptées aux priorités locales"),
        hint=N_("Coopérations entre acteurs d’un même territoire pour répondre ensemble à ses besoins prioritaires."),
        description=N_(
            "Les acteurs d’un territoire — associations, entreprises, collectivités, fondations, habitants — "
            "partagent un diagnostic de ses besoins et construisent ensemble les réponses. "
            "Chacun y apporte ses ressources et son expertise au service d’un projet commun. "
            "La coopération s’inscrit dans la durée et renforce la capacité du territoire à agir par lui-même."
        ),
    ),
])


REGIONS = Vocabulary("regions", [
    Term("01", "Guadeloupe", overseas=True),
    Term("02", "Martinique", overseas=True),
    Term("03", "Guyane", overseas=True),
    Term("04", "La Réunion", overseas=True),
    Term("06", "Mayotte", overseas=True),
    Term("11", "Île-de-France"),
    Term("24", "Centre-Val de Loire"),
    Term("27", "Bourgogne-Franche-Comté"),
    Term("28", "Normandie"),
    Term("32", "Hauts-de-France"),
    Term("44", "Grand Est"),
    Term("52", "Pays de la Loire"),
    Term("53", "Bretagne"),
    Term("75", "Nouvelle-Aquitaine"),
    Term("76", "Occitanie"),
    Term("84", "Auvergne-Rhône-Alpes"),
    Term("93", "Provence-Alpes-Côte d'Azur"),
    Term("94", "Corse"),
])


def _dep(code: str, label: str, region: str) -> Term:
    return Term(code, label, parent=region, overseas=code.startswith("97"))


DEPARTEMENTS = Vocabulary("departements", [
    _dep("01", "Ain", "84"),
    _dep("02", "Aisne", "32"),
    _dep("03", "Allier", "84"),
    _dep("04", "Alpes-de-Haute-Provence", "93"),
    _dep("05", "Hautes-Alpes", "93"),
    _dep("06", "Alpes-Maritimes", "93"),
    _dep("07", "Ardèche", "84"),
    _dep("08", "Ardennes", "44"),
    _dep("09", "Ariège", "76"),
    _dep("10", "Aube", "44"),
    _dep("11", "Aude", "76"),
    _dep("12", "Aveyron", "76"),
    _dep("13", "Bouches-du-Rhône", "93"),
    _dep("14", "Calvados", "28"),
    _dep("15", "Cantal", "84"),
    _dep("16", "Charente", "75"),
    _dep("17", "Charente-Maritime", "75"),
    _dep("18", "Cher", "24"),
    _dep("19", "Corrèze", "75"),
    _dep("2A", "Corse-du-Sud", "94"),
    _dep("2B", "Haute-Corse", "94"),
    _dep("21", "Côte-d'Or", "27"),
    _dep("22", "Côtes-d'Armor", "53"),
    _dep("23", "Creuse", "75"),
    _dep("24", "Dordogne", "75"),
    _dep("25", "Doubs", "27"),
    _dep("26", "Drôme", "84"),
    _dep("27", "Eure", "28"),
    _dep("28", "Eure-et-Loir", "24"),
    _dep("29", "Finistère", "53"),
    _dep("30", "Gard", "76"),
    _dep("31", "Haute-Garonne", "76"),
    _dep("32", "Gers", "76"),
    _dep("33", "Gironde", "75"),
    _dep("34", "Hérault", "76"),
    _dep("35", "Ille-et-Vilaine", "53"),
    _dep("36", "Indre", "24"),
    _dep("37", "Indre-et-Loire", "24"),
    _dep("38", "Isère", "84"),
    _dep("39", "Jura", "27"),
    _dep("40", "Landes", "75"),
    _dep("41", "Loir-et-Cher", "24"),
    _dep("42", "Loire", "84"),
    _dep("43", "Haute-Loire", "84"),
    _dep("44", "Loire-Atlantique", "52"),
    _dep("45", "Loiret", "24"),
    _dep("46", "Lot", "76"),
    _dep("47", "Lot-et-Garonne", "75"),
    _dep("48", "Lozère", "76"),
    _dep("49", "Maine-et-Loire", "52"),
    _dep("50", "Manche", "28"),
    _dep("51", "Marne", "44"),
    _dep("52", "Haute-Marne", "44"),
    _dep("53", "Mayenne", "52"),
    _dep("54", "Meurthe-et-Moselle", "44"),
    _dep("55", "Meuse", "44"),
    _dep("56", "Morbihan", "53"),
    _dep("57", "Moselle", "44"),
    _dep("58", "Nièvre", "27"),
    _dep("59", "Nord", "32"),
    _dep("60", "Oise", "32"),
    _dep("61", "Orne", "28"),
    _dep("62", "Pas-de-Calais", "32"),
    _dep("63", "Puy-de-Dôme", "84"),
    _dep("64", "Pyrénées-Atlantiques", "75"),
    _dep("65", "Hautes-Pyrénées", "76"),
    _dep("66", "Pyrénées-Orientales", "76"),
    _dep("67", "Bas-Rhin", "44"),
    _dep("68", "Haut-Rhin", "44"),
    _dep("69", "Rhône", "84"),
    _dep("70", "Haute-Saône", "27"),
    _dep("71", "Saône-et-Loire", "27"),
    _dep("72", "Sarthe", "52"),
    _dep("73", "Savoie", "84"),
    _dep("74", "Haute-Savoie", "84"),
    _dep("75", "Paris", "11"),
    _dep("76", "Seine-Maritime", "28"),
    _dep("77", "Seine-et-Marne", "11"),
    _dep("78", "Yvelines", "11"),
    _dep("79", "Deux-Sèvres", "75"),
    _dep("80", "Somme", "32"),
    _dep("81", "Tarn", "76"),
    _dep("82", "Tarn-et-Garonne", "76"),
    _dep("83", "Var", "93"),
    _dep("84", "Vaucluse", "93"),
    _dep("85", "Vendée", "52"),
    _dep("86", "Vienne", "75"),
    _dep("87", "Haute-Vienne", "75"),
    _dep("88", "Vosges", "44"),
    _dep("89", "Yonne", "27"),
    _dep("90", "Territoire de Belfort", "27"),
    _dep("91", "Essonne", "11"),
    _dep("92", "Hauts-de-Seine", "11"),
    _dep("93", "Seine-Saint-Denis", "11"),
    _dep("94", "Val-de-Marne", "11"),
    _dep("95", "Val-d'Oise", "11"),
    _dep("971", "Guadeloupe", "01"),
    _dep("972", "Martinique", "02"),
    _dep("973", "Guyane", "03"),
    _dep("974", "La Réunion", "04"),
    _dep("976", "Mayotte", "06"),
])


PARTNER_KINDS = Vocabulary("partner_kinds", [
    Term("association", N_("Association")),
    Term("entreprise", N_("Entreprise")),
    Term("collectivite", N_("Collectivité territoriale")),
    Term("public", N_("Services de l’État et organismes publics")),
    Term("fondation", N_("Fondation")),
    Term("enseignement-recherche", N_("Enseignement et recherche")),
    Term("autre", N_("Autre")),
])


THEMES = Vocabulary("themes", [
    Term("emploi-insertion", N_("Emploi et insertion")),
    Term("education-jeunesse", N_("Éducation et jeunesse")),
    Term("sante", N_("Santé")),
    Term("environnement", N_("Environnement et transition écologique")),
    Term("culture-sport", N_("Culture et sport")),
    Term("solidarite", N_("Solidarités et lien social")),
    Term("numerique", N_("Numérique et inclusion numérique")),
    Term("alimentation-agriculture", N_("Alimentation et agriculture")),
    Term("mobilite", N_("Mobilité")),
    Term("logement", N_("Logement et habitat")),
    Term("developpement-economique", N_("Développement économique local")),
    Term("gouvernance-citoyennete", N_("Gouvernance et citoyenneté")),
])


ODD = Vocabulary("odd", [
    Term(1, N_("Pas de pauvreté")),
    Term(2, N_("Faim « zéro »")),
    Term(3, N_("Bonne santé et bien-être")),
    Term(4, N_("Éducation de qualité")),
    Term(5, N_("Égalité entre les sexes")),
    Term(6, N_("Eau propre et assainissement")),
    Term(7, N_("Énergie propre et d’un coût abordable")),
    Term(8, N_("Travail décent et croissance économique")),
    Term(9, N_("Industrie, innovation et infrastructure")),
    Term(10, N_("Inégalités réduites")),
    Term(11, N_("Villes et communautés durables")),
    Term(12, N_("Consommation et production responsables")),
    Term(13, N_("Mesures relatives à la lutte contre les changements climatiques")),
    Term(14, N_("Vie aquatique")),
    Term(15, N_("Vie terrestre")),
    Term(16, N_("Paix, justice et institutions efficaces")),
    Term(17, N_("Partenariats pour la réalisation des objectifs")),
])


SCALES = Vocabulary("scales", [
    Term("local", N_("Locale")),
    Term("departemental", N_("Départementale")),
    Term("regional", N_("Régionale")),
    Term("national", N_("Nationale")),
    Term("international", N_("Internationale")),
])


STATUSES = Vocabulary("statuses", [
    Term("en-cours", N_("En cours")),
    Term("termine", N_("Terminé")),
])


STATES = Vocabulary("states", [
    Term("pending", N_("En attente de modération")),
    Term("changes_requested", N_("Modifications demandées")),
    Term("published", N_("Publié")),
    Term("rejected", N_("Refusé")),
    Term("archived", N_("Archivé")),
    Term("withdrawn", N_("Retiré par son auteur")),
])

# What became of a visitor's report of an error (moderation only).
REPORT_STATES = Vocabulary("report_states", [
    Term("open", N_("À traiter")),
    Term("answered", N_("Répondu")),
    Term("fixed", N_("Corrigé")),
    Term("dismissed", N_("Classé sans suite")),
])

# The states of an owner's update of a published example (a Revision).
REVISION_STATES = Vocabulary("revision_states", [
    Term("pending", N_("En attente de modération")),
    Term("changes_requested", N_("Modifications demandées")),
    Term("approved", N_("Publiée")),
    Term("rejected", N_("Refusée")),
])


# Under which terms a photo may be shown and reused (« avec autorisation »: the person who sent
# it has the right to let the catalogue show it, nothing more).
LICENCES = Vocabulary("licences", [
    Term("autorisation", N_("Tous droits réservés, avec autorisation")),
    Term("cc-by", "CC BY"),
    Term("cc-by-sa", "CC BY-SA"),
    Term("cc0", "CC0"),
])


def region_of(departement: str) -> str:
    """Return the région code of a département code; KeyError if unknown."""
    return DEPARTEMENTS[departement].parent


def departements_of(region: str) -> tuple[Term, ...]:
    """Return the départements of a région, in COG order (empty if unknown)."""
    return tuple(term for term in DEPARTEMENTS if term.parent == region)


VOCABULARIES: dict[str, Vocabulary] = {
    vocabulary.name: vocabulary
    for vocabulary in (
        OBJECTIVES, REGIONS, DEPARTEMENTS, PARTNER_KINDS, THEMES, ODD, SCALES, STATUSES, STATES,
    )
}
