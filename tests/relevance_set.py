"""A judged relevance set of the field's vocabulary: a small corpus, queries and their answers.

Not the demo file: 40 short examples written for this set, each saying one thing one way (a
sigle, or its spelt-out form, or a synonym), plus look-alike words that a spelling corrector
could wrongly reach (« fort » for « forêt », « bas » for « bus », « vie » for « vin », « rue » for
« RSE »). Each query lists the examples that answer it; an empty list means nothing in the
corpus is relevant, and any result shown is a wrong answer.

Used by tests/test_search_relevance.py (targets) and by `make bench` (bench/search_bench.py),
which prints the same figures for plain SQLite FTS5 on the same set.
"""

from __future__ import annotations

from collections.abc import Callable

from helpers import neutral

# The tests' neutral record, with two kinds of partners; each example sets its title and summary.
BASE = neutral(
    title="", summary="", objectives=["co-construire"], start_year=2020,
    partners=[{"name": "Alpha", "kind": "association", "role": ""},
              {"name": "Omega", "kind": "entreprise", "role": ""}],
)


def _record(title: str, summary: str, **fields) -> dict:
    return neutral(**{**BASE, "title": title, "summary": summary, **fields})


CORPUS: dict[str, dict] = {
    # Insertion par l'activité économique
    "siae": _record("Une SIAE du bâtiment forme des poseurs de fenêtres",
                    "La SIAE embauche douze salariés en parcours chaque année."),
    "iae_long": _record("L’insertion par l’activité économique au service des maraîchers",
                        "Un chantier agricole accompagne des personnes éloignées de l’emploi."),
    "aci": _record("Un atelier chantier d’insertion restaure les murets de pierre sèche",
                   "Dix salariés en insertion apprennent la maçonnerie traditionnelle."),
    "geiq": _record("Le GEIQ propreté recrute et qualifie",
                    "Des demandeurs d’emploi obtiennent un titre professionnel en alternance."),
    "tzcld": _record("Territoire zéro chômeur de longue durée dans la vallée",
                     "Une entreprise à but d’emploi embauche en CDI les habitants volontaires."),
    "chomeurs": _record("Des chômeurs de longue durée reprennent pied grâce au sport",
                        "Un club de rugby et une association de retour à l’emploi s’allient."),
    # Économie sociale et solidaire
    "ess": _record("Un incubateur ESS pour les projets du quartier",
                   "Douze porteurs de projet accompagnés pendant un an."),
    "ess_long": _record("Les entreprises de l’économie sociale et solidaire achètent local",
                        "Une plateforme relie les achats des mutuelles aux artisans."),
    "scic": _record("Une société coopérative d’intérêt collectif pour l’énergie citoyenne",
                    "Habitants, commune et entreprises détiennent les panneaux solaires."),
    "ressourcerie": _record("Une ressourcerie ouvre dans l’ancienne poste",
                            "Meubles et vêtements réemployés plutôt que jetés."),
    # Action sociale, publics
    "ehpad": _record("Des lycéens animent des ateliers dans un EHPAD",
                     "Chaque mercredi, jeux et musique avec les résidents."),
    "ehpad_long": _record("Un potager dans un établissement d’hébergement pour personnes âgées "
                          "dépendantes",
                          "Les résidents cultivent des légumes avec une école voisine."),
    "seniors": _record("Des seniors initient les enfants aux échecs",
                       "Un club d’échecs intergénérationnel à la médiathèque."),
    "agees": _record("Rompre l’isolement des personnes âgées par le téléphone",
                     "Des bénévoles appellent chaque semaine des personnes seules."),
    "sdf": _record("Des consignes solidaires pour les personnes sans domicile fixe",
                   "Des casiers sécurisés pour ranger papiers et affaires."),
    "sansabri": _record("Un accueil de jour pour les sans-abri l’hiver",
                        "Douches, café et accompagnement social."),
    "ccas": _record("Le CCAS et une banque s’allient contre le surendettement",
                    "Des ateliers budget pour les familles."),
    "caf": _record("La caisse d’allocations familiales finance des vacances familiales",
                   "Des séjours pour des familles qui ne partent jamais."),
    "pmr": _record("Des plages accessibles aux personnes à mobilité réduite",
                   "Tiralos et cheminements posés chaque été."),
    "handicap": _record("Des entreprises recrutent des personnes en situation de handicap",
                        "Un job dating inclusif chaque printemps."),
    "neet": _record("Remobiliser les NEET par le théâtre",
                    "Six mois de création collective et de stages."),
    "epicerie": _record("Une épicerie solidaire dans le bourg",
                        "Des produits à petits prix pour les familles modestes."),
    # Territoires
    "qpv": _record("Des commerces éphémères dans un QPV",
                   "Des boutiques tests en pied d’immeuble."),
    "quartiers": _record("Des stages de troisième pour les collégiens des quartiers prioritaires",
                         "Des entreprises ouvrent leurs portes aux élèves."),
    "zrr": _record("Une maison de services dans une zone de revitalisation rurale",
                   "Un guichet unique pour les démarches des habitants."),
    "epci": _record("L’intercommunalité lance une plateforme de covoiturage",
                    "Trois cents trajets partagés chaque mois."),
    "loire": _record("Des bateliers racontent le fleuve aux écoliers",
                     "Des sorties en barque et des ateliers d’histoire locale.",
                     regions=["52"], departements=["44"]),
    # RSE, mécénat, philanthropie
    "rse": _record("La RSE d’un transporteur au service des associations",
                   "Le transporteur prête ses camions aux associations du territoire."),
    "rse_long": _record("Responsabilité sociétale des entreprises : un club de dirigeants",
                        "Vingt entreprises partagent leurs pratiques chaque trimestre."),
    "competences": _record("Du mécénat de compétences pour les petites associations",
                           "Des salariés juristes conseillent des associations."),
    "pro_bono": _record("Des graphistes pro bono pour les associations d’entraide",
                        "Des affiches et des sites offerts par une agence."),
    "fondation": _record("Une fondation finance des bourses d’études",
                         "Des étudiants boursiers accompagnés jusqu’au diplôme."),
    "mecenat": _record("Un mécénat pour restaurer l’orgue de l’église",
                       "Des entreprises locales réunissent les fonds nécessaires."),
    # Transition, alimentation
    "pat": _record("Le projet alimentaire territorial relie cantines et fermes",
                   "Soixante pour cent de produits locaux dans les cantines."),
    "odd": _record("Des ateliers sur les ODD dans les lycées",
                   "Des élèves évaluent leur établissement au regard des dix-sept objectifs."),
    "autopartage": _record("Une voiture en autopartage pour tout le village",
                           "Une association gère les réservations en ligne."),
    # Look-alikes of absent words: a corrector must not reach them.
    "fort": _record("Un fort engagement des habitants pour le lavoir",
                    "Le lavoir du hameau retrouve son toit."),
    "bas": _record("Des vacances pour les ménages à bas revenus",
                   "Des séjours à la mer pour des parents et leurs enfants."),
    "vie": _record("Améliorer la qualité de vie au travail des aides à domicile",
                   "Des horaires repensés avec les salariées."),
    "rue": _record("Une rue piétonne animée par les commerçants",
                   "Des animations chaque samedi."),
}

# (category, query, relevant examples). Categories: sigle (sigle typed, spelt-out form
# written), spelt (the reverse), synonym, paraphrase, absent (correct words no example
# contains: nothing is relevant), typo.
JUDGED: list[tuple[str, str, set[str]]] = [
    ("sigle", "IAE", {"siae", "iae_long", "aci"}),
    ("sigle", "ESS", {"ess", "ess_long"}),
    ("sigle", "EHPAD", {"ehpad", "ehpad_long"}),
    ("sigle", "QPV", {"qpv", "quartiers"}),
    ("sigle", "TZCLD", {"tzcld"}),
    ("sigle", "RSE", {"rse", "rse_long"}),
    ("sigle", "SCIC", {"scic"}),
    ("sigle", "PMR", {"pmr"}),
    ("sigle", "ZRR", {"zrr"}),
    ("sigle", "PAT", {"pat"}),
    ("sigle", "EPCI", {"epci"}),
    ("sigle", "CAF", {"caf"}),
    ("spelt", "économie sociale et solidaire", {"ess", "ess_long"}),
    ("spelt", "quartiers prioritaires", {"qpv", "quartiers"}),
    ("spelt", "responsabilité sociétale des entreprises", {"rse", "rse_long"}),
    ("spelt", "objectifs de développement durable", {"odd"}),
    ("spelt", "centre communal d'action sociale", {"ccas"}),
    ("spelt", "jeunes ni en emploi ni en formation", {"neet"}),
    ("spelt", "groupement d’employeurs pour l’insertion et la qualification", {"geiq"}),
    ("synonym", "seniors", {"seniors", "agees"}),
    ("synonym", "personnes âgées", {"seniors", "agees", "ehpad_long"}),
    ("synonym", "sans-abri", {"sdf", "sansabri"}),
    ("synonym", "SDF", {"sdf", "sansabri"}),
    ("synonym", "mécénat de compétences", {"competences", "pro_bono"}),
    ("synonym", "philanthropie", {"mecenat", "competences", "fondation"}),
    ("synonym", "recyclerie", {"ressourcerie"}),
    ("synonym", "covoiturage", {"epci", "autopartage"}),
    ("synonym", "chômeurs de longue durée", {"tzcld", "chomeurs"}),
    ("synonym", "intercommunalité", {"epci"}),
    ("paraphrase", "isolement des personnes âgées", {"agees"}),
    ("paraphrase", "accueil des SDF", {"sansabri"}),
    ("paraphrase", "seniors et enfants", {"seniors"}),
    ("paraphrase", "mécénat de compétences juridique", {"competences"}),
    ("absent", "forêt", set()),
    ("absent", "bus", set()),
    ("absent", "vin", set()),
    ("absent", "xylophone", set()),
    ("absent", "RGPD", set()),
    ("absent", "Lozère", set()),
    ("absent", "tramway", set()),
    ("typo", "covoitrage", {"epci"}),
    ("typo", "epicerie solidare", {"epicerie"}),
    ("typo", "ressourcrie", {"ressourcerie"}),
    ("typo", "intercomunalité", {"epci"}),
    ("typo", "handicapp", {"handicap"}),
]


def evaluate(search: Callable[[str], list[str]]) -> dict:
    """Return the figures of a search function (query -> ranked example keys) on the set.

    recall@10: share of the relevant examples among the first ten, averaged over the queries
    that have some; top-3: share of those queries with a relevant example in the first three;
    wrong answers: queries with nothing relevant for which results are shown.
    """
    recalls, tops, wrong, misses = [], [], [], []
    for category, q, relevant in JUDGED:
        ranked = search(q)
        if not relevant:
            if ranked:
                wrong.append(q)
            continue
        recall = len(relevant & set(ranked[:10])) / len(relevant)
        recalls.append(recall)
        tops.append(bool(relevant & set(ranked[:3])))
        if recall < 1 or not tops[-1]:
            misses.append((category, q, ranked[:5]))
    return {
        "queries": len(JUDGED),
        "recall_at_10": sum(recalls) / len(recalls),
        "top_3": sum(tops) / len(tops),
        "wrong_answers": wrong,
        "misses": misses,
    }
