"""What the site says about itself: who publishes it, how to reach them, its accessibility.

The publisher's details come from the settings (`PUBLISHER_*`, `HOSTING_*`, `CONTACT_EMAIL`,
see config.py and the README); the accessibility statement reports the automated checks of
the browser suite (tests/browser/test_audit.py), which list the same pages as AUDITED_PAGES.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from flask import current_app

from .i18n import N_


@dataclass(frozen=True)
class Publisher:
    name: str
    address: str
    director: str
    contact_email: str
    hosting_name: str
    hosting_address: str


def publisher() -> Publisher:
    """Return the publisher's details from the settings; the contact address defaults to
    contact@ the host of BASE_URL."""
    config = current_app.config
    email = config.get("CONTACT_EMAIL") or ""
    if not email:
        host = urlsplit(config.get("BASE_URL") or "").hostname or "localhost"
        email = f"contact@{host}"
    return Publisher(
        name=config.get("PUBLISHER_NAME") or "Catalogue des alliances",
        address=config.get("PUBLISHER_ADDRESS") or "",
        director=config.get("PUBLICATION_DIRECTOR") or "",
        contact_email=email,
        hosting_name=config.get("HOSTING_NAME") or "",
        hosting_address=config.get("HOSTING_ADDRESS") or "",
    )


@dataclass(frozen=True)
class AutomatedCheck:
    """The last run of the automated accessibility checks, as the statement reports it."""

    checked_on: date
    rules: str
    tools: tuple[str, ...]
    violations: int
    technologies: tuple[str, ...] = ("HTML", "CSS", "JavaScript")


# Update with the date of the run whenever the browser suite's audit passes after a change.
LAST_CHECK = AutomatedCheck(
    checked_on=date(2026, 12, 5),
    rules=N_("WCAG 2.2, niveaux A et AA"),
    tools=("axe-core 4.14", "Nu Html Checker (vnu)"),
    violations=0,
)

# The pages the audit visits (keys of tests/browser/test_audit.py PAGES), named for people.
AUDITED_PAGES: dict[str, str] = {
    "accueil": N_("Accueil"),
    "catalogue-filtres": N_("Catalogue, avec une recherche et des filtres"),
    "catalogue-region": N_("Catalogue d’une région, avec la carte de ses départements"),
    "exemple": N_("Page d’un exemple"),
    "exemple-illustre": N_("Page d’un exemple avec photos et documents"),
    "proposer-erreurs": N_("Formulaire de proposition, avec ses messages d’erreur"),
    "merci": N_("Confirmation d’envoi d’une proposition"),
    "suivi-en-attente": N_("Suivi d’une proposition en attente"),
    "suivi-a-corriger": N_("Suivi d’une proposition à corriger, avec son formulaire"),
    "cadre": N_("Le cadre : le mouvement d’alliance"),
    "cadre-equilibrer": N_("Objectif « Équilibrer »"),
    "cadre-hybrider": N_("Objectif « Hybrider »"),
    "cadre-innover": N_("Objectif « Innover »"),
    "cadre-co-construire": N_("Objectif « Co-construire »"),
    "cadre-chiffres": N_("Chiffres clés"),
    "cadre-ressources": N_("Ressources"),
    "observatoire": N_("Observatoire"),
    "contact": N_("Contact"),
    "mentions-legales": N_("Mentions légales"),
    "accessibilite": N_("Déclaration d’accessibilité"),
    "plan-du-site": N_("Plan du site"),
    "integrer": N_("Intégrer une liste d’exemples : le générateur"),
    "integrer-liste": N_("Intégrer une liste d’exemples : la liste intégrée"),
    "selection-vide": N_("Ma sélection, vide"),
    "selection": N_("Ma sélection, avec deux exemples"),
    "selection-partagee": N_("Une sélection partagée"),
    "selection-vider": N_("Vider ma sélection"),
    "connexion": N_("Connexion à l’espace de modération"),
    "signaler-erreurs": N_("Signaler une erreur, avec ses messages d’erreur"),
    "signaler-merci": N_("Confirmation d’un signalement"),
    "introuvable": N_("Page introuvable"),
    "moderation-file": N_("Modération : file des propositions"),
    "moderation-relecture": N_("Modération : relecture d’une proposition"),
    "moderation-modification": N_("Modération : modification d’un exemple"),
    "moderation-journal": N_("Modération : journal"),
    "moderation-signalements": N_("Modération : signalements"),
    "moderation-signalement": N_("Modération : un signalement"),
}
