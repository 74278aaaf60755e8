"""The OpenAPI 3.1 description of the JSON API, its parameters taken from the taxonomy."""

from __future__ import annotations

from typing import Any

from . import taxonomy
from .i18n import N_
from .limits import (
    LOCALITY_MAX,
    PARTNER_NAME_MAX,
    PARTNER_ROLE_MAX,
    PARTNERS_MAX,
    PARTNERS_MIN,
    SUMMARY_MAX,
    TEXT_MAX,
    TITLE_MAX,
)
from .search import FACETS
from .search.request import PER_PAGE_MAX, Q_MAX

VERSION = "1.0.0"
# The vocabularies an integrator needs; moderation states never leave the site.
PUBLIC_VOCABULARIES = tuple(name for name in taxonomy.VOCABULARIES if name != "states")
# Example ids are 32-bit integers (PostgreSQL `integer`): no larger id may reach the database.
ID_MAX = 2**31 - 1
SLUG_MAX = PARTNER_NAME_MAX + 20  # an organisation's slug (models.Organisation.slug)

# The catalogue's filters, as on /exemples/: parameter → French description.
# French in the OpenAPI document, like the rest of it; the API page shows them translated.
FILTERS: dict[str, str] = {
    "objectif": N_("Objectif de l’alliance (codes de la taxonomie `objectives`)."),
    "region": N_("Région, code officiel INSEE (taxonomie `regions`)."),
    "departement": N_("Département, code officiel INSEE (taxonomie `departements`)."),
    "acteur": N_("Type de partenaire présent dans l’alliance (taxonomie `partner_kinds`)."),
    "theme": N_("Thématique (taxonomie `themes`)."),
    "odd": N_("Objectif de développement durable, de 1 à 17 (taxonomie `odd`)."),
    "echelle": N_("Échelle de l’action (taxonomie `scales`)."),
    "annee": N_("Période de lancement."),
    "statut": N_("Statut de l’alliance, en cours ou terminée (taxonomie `statuses`)."),
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _filter_parameter(name: str) -> dict[str, Any]:
    facet = FACETS[name]
    item: dict[str, Any]
    # An empty value, as a search form sends for a filter left blank, is ignored.
    if name == "odd":
        item = {"anyOf": [{"type": "integer", "enum": [int(code) for code in facet.codes]},
                          {"const": ""}]}
    else:
        item = {"type": "string", "enum": ["", *facet.codes]}
    if facet.all_of:
        repeat = (" Répétable : l’alliance doit réunir chacune des valeurs données (ET), et les "
                  "filtres différents se combinent (ET). Une valeur vide est ignorée.")
    else:
        repeat = (" Répétable : les valeurs d’un même filtre s’additionnent (OU), les filtres "
                  "différents se combinent (ET). Une valeur vide est ignorée.")
    return {
        "name": name, "in": "query", "required": False, "style": "form", "explode": True,
        "description": FILTERS[name] + repeat,
        "schema": {"type": "array", "items": item},
    }


def _error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": _ref("Error")}},
    }


def _ok(description: str, schema: dict, last_modified: bool = False) -> dict[str, Any]:
    headers: dict[str, Any] = {
        "ETag": {"description": "Empreinte du contenu, pour `If-None-Match`.",
                 "required": True, "schema": {"type": "string"}},
    }
    if last_modified:
        headers["Last-Modified"] = {
            "description": "Dernière publication ou modification des exemples concernés.",
            "schema": {"type": "string"},
        }
    return {
        "description": description,
        "headers": headers,
        "content": {"application/json": {"schema": schema}},
    }


NOT_MODIFIED = {"description": "Inchangé depuis la version que le client possède "
                               "(`If-None-Match`, `If-Modified-Since`)."}

_TEXT = {"type": "string", "maxLength": TEXT_MAX}
_CODES = {"type": "array", "items": {"type": "string"}}

SCHEMAS: dict[str, Any] = {
    "Partner": {
        "type": "object",
        "additionalProperties": False,
        "required": ["name", "kind", "role"],
        "properties": {
            "name": {"type": "string", "maxLength": PARTNER_NAME_MAX},
            "kind": {"type": "string", "enum": list(taxonomy.PARTNER_KINDS.codes)},
            "role": {"type": "string", "maxLength": PARTNER_ROLE_MAX},
        },
    },
    "Example": {
        "type": "object",
        "description": "Un exemple publié. Les données personnelles de la personne qui l’a "
                       "proposé ne sont jamais diffusées ; le contact seulement avec son accord.",
        "additionalProperties": False,
        "required": [
            "id", "slug", "url", "title", "summary", "description", "results", "lessons",
            "resources", "transferability", "objectives", "scale", "regions", "departements",
            "locality", "partners", "themes", "odd", "start_year", "end_year", "status",
            "website", "contact", "published_at",
        ],
        "properties": {
            "id": {"type": "integer", "minimum": 1},
            "slug": {"type": "string"},
            "url": {"type": "string", "format": "uri", "description": "Page de l’exemple."},
            "title": {"type": "string", "maxLength": TITLE_MAX},
            "summary": {"type": "string", "maxLength": SUMMARY_MAX},
            "description": {**_TEXT,
                            "description": "Contexte, besoin et actions (Markdown léger)."},
            "results": {**_TEXT, "description": "Résultats et impact (Markdown léger)."},
            "lessons": {**_TEXT, "description": "Enseignements (Markdown léger)."},
            "resources": {**_TEXT, "description": "Moyens mobilisés ; peut être vide."},
            "transferability": {**_TEXT,
                                "description": "Conditions de transfert ; peut être vide."},
            "objectives": {**_CODES, "minItems": 1, "maxItems": 4},
            "scale": {"type": "string", "enum": list(taxonomy.SCALES.codes)},
            "regions": _CODES,
            "departements": _CODES,
            "locality": {"type": "string", "maxLength": LOCALITY_MAX},
            "partners": {"type": "array", "items": _ref("Partner"),
                         "minItems": PARTNERS_MIN, "maxItems": PARTNERS_MAX},
            "themes": _CODES,
            "odd": {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 17}},
            "start_year": {"type": ["integer", "null"]},
            "end_year": {"type": ["integer", "null"],
                         "description": "Année de fin d’une alliance terminée, si connue."},
            "status": {"type": "string", "enum": list(taxonomy.STATUSES.codes)},
            "website": {"type": "string", "description": "Adresse web, ou vide."},
            "contact": {"type": ["string", "null"],
                        "description": "Contact public, seulement quand il a été autorisé."},
            "published_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "FacetValue": {
        "type": "object",
        "additionalProperties": False,
        "required": ["value", "label", "count", "selected"],
        "properties": {
            "value": {"type": "string", "description": "Valeur à passer au paramètre du filtre."},
            "label": {"type": "string"},
            "count": {"type": "integer", "minimum": 0},
            "selected": {"type": "boolean"},
        },
    },
    "ExampleList": {
        "type": "object",
        "additionalProperties": False,
        "required": ["total", "page", "pages", "per_page", "results", "facets", "links", "query"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "query": _ref("QueryReport"),
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 0},
            "per_page": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
            "results": {"type": "array", "items": _ref("Example")},
            "facets": {
                "type": "object",
                "description": "Pour chaque filtre, ses valeurs et le nombre d’exemples qui "
                               "correspondent à la recherche.",
                "propertyNames": {"enum": list(FACETS)},
                "additionalProperties": {"type": "array", "items": _ref("FacetValue")},
            },
            "links": {
                "type": "object",
                "additionalProperties": False,
                "required": ["self", "next", "previous"],
                "properties": {
                    "self": {"type": "string", "format": "uri"},
                    "next": {"type": ["string", "null"], "format": "uri"},
                    "previous": {"type": ["string", "null"], "format": "uri"},
                },
            },
        },
    },
    "QueryReport": {
        "type": "object",
        "description": "Ce que la recherche a fait des mots de `q`, comme la page /exemples/ "
                       "le dit au visiteur.",
        "additionalProperties": False,
        "required": ["q", "searched", "suggestion", "any_words", "widened", "unmatched",
                     "related", "themes"],
        "properties": {
            "q": {"type": "string", "description": "Les mots tels que reçus."},
            "searched": {"type": ["string", "null"],
                         "description": "Mots corrigés recherchés à la place de `q` (faute de "
                                        "frappe, rien trouvé tels quels) ; null sinon."},
            "suggestion": {"type": ["string", "null"],
                           "description": "Correction proposée sans être appliquée "
                                          "(« Vouliez-vous dire … ? »)."},
            "any_words": {"type": "boolean",
                          "description": "Aucun exemple n’a tous les mots : résultats ayant au "
                                         "moins l’un d’eux."},
            "widened": {"type": "array", "items": {"type": "string"},
                        "description": "Termes du thésaurus (sigles, synonymes) auxquels la "
                                       "recherche a été élargie et qui ont trouvé des résultats ; "
                                       "`exact=1` cherche les mots tels que tapés."},
            "unmatched": {"type": "array", "items": {"type": "string"},
                          "description": "Mots corrects qu’aucun exemple ne contient (jamais "
                                         "remplacés par un autre mot)."},
            "related": {"type": "array", "items": {"type": "string"},
                        "description": "Termes voisins de ces mots dans le thésaurus qui "
                                       "trouvent des exemples."},
            "themes": {"type": "array", "items": {"type": "string", "enum": list(taxonomy.THEMES.codes)},
                       "description": "Codes des thèmes les plus proches de ces mots (filtre "
                                      "`theme`)."},
        },
    },
    "Term": {
        "type": "object",
        "additionalProperties": False,
        "required": ["code", "label"],
        "properties": {
            "code": {"type": ["string", "integer"]},
            "label": {"type": "string"},
            "hint": {"type": "string"},
            "description": {"type": "string"},
            "parent": {"type": "string", "description": "Région d’un département."},
            "overseas": {"type": "boolean"},
        },
    },
    "OrganisationSuggestion": {
        "type": "object",
        "required": ["slug", "name", "kind", "kind_label", "commune", "examples"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string"},
            "kind_label": {"type": "string"},
            "commune": {"type": "string"},
            "examples": {"type": "integer", "minimum": 1,
                         "description": "Nombre d’exemples publiés."},
        },
    },
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "integer"},
                    "message": {"type": "string", "description": "En français."},
                    "parameter": {"type": "string", "description": "Le paramètre refusé."},
                    "title": {"type": "string"},
                },
            },
        },
    },
}


def document() -> dict[str, Any]:
    """Return the OpenAPI document of the API."""
    search_parameters = [
        {"name": "q", "in": "query", "required": False,
         "description": "Mots recherchés (accents et pluriels indifférents).",
         "schema": {"type": "string", "maxLength": Q_MAX}},
        {"name": "exact", "in": "query", "required": False,
         "description": "1 : chercher les mots tels que tapés, sans correction orthographique "
                        "ni élargissement par le thésaurus (sigles, synonymes).",
         "schema": {"type": "integer", "enum": [0, 1], "default": 0}},
        *(_filter_parameter(name) for name in FILTERS),
        {"name": "organisation", "in": "query", "required": False, "style": "form",
         "explode": True,
         "description": "Organisation partenaire, par son `slug` (voir `/api/v1/organisations`) ; "
                        "l’ancien slug d’une organisation fusionnée désigne celle qui est gardée. "
                        "Répétable : l’alliance doit réunir chacune des organisations données "
                        "(ET). Un slug inconnu répond 404.",
         "schema": {"type": "array", "items": {"type": "string", "maxLength": SLUG_MAX}}},
        {"name": "tri", "in": "query", "required": False,
         "description": "Ordre des résultats : pertinence, plus récents d’abord, ou titre.",
         "schema": {"type": "string", "enum": ["pertinence", "recent", "titre"]}},
        {"name": "page", "in": "query", "required": False,
         "schema": {"type": "integer", "minimum": 1, "default": 1}},
        {"name": "per_page", "in": "query", "required": False,
         "description": "Nombre de résultats par page.",
         "schema": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": 20}},
    ]
    vocabularies = {
        name: {"type": "array", "items": _ref("Term")}
        for name in PUBLIC_VOCABULARIES
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Catalogue des alliances – API des données ouvertes",
            "version": VERSION,
            "description": "Les exemples publiés du catalogue, leurs filtres et la taxonomie, "
                           "en JSON. Lecture seule, sans clé, CORS ouvert.",
        },
        "paths": {
            "/api/v1/examples": {"get": {
                "operationId": "listExamples",
                "summary": "Rechercher les exemples publiés",
                "description": "Mêmes paramètres que la page /exemples/, plus `per_page`.",
                "parameters": search_parameters,
                "responses": {
                    "200": _ok("Une page de résultats, avec filtres et liens de pagination.",
                               _ref("ExampleList"), last_modified=True),
                    "304": NOT_MODIFIED,
                    "400": _error_response("Paramètre refusé : `parameter` le nomme."),
                    "404": _error_response("Page au-delà de la dernière, ou organisation "
                                           "inconnue (`parameter` le dit)."),
                    "503": _error_response("Recherche momentanément indisponible."),
                },
            }},
            "/api/v1/examples/{id}": {"get": {
                "operationId": "getExample",
                "summary": "Lire un exemple publié",
                "parameters": [{
                    "name": "id", "in": "path", "required": True,
                    "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
                }],
                "responses": {
                    "200": _ok("L’exemple.", _ref("Example"), last_modified=True),
                    "304": NOT_MODIFIED,
                    "404": _error_response("Aucun exemple publié ne porte ce numéro."),
                },
            }},
            "/api/v1/taxonomy": {"get": {
                "operationId": "getTaxonomy",
                "summary": "Les vocabulaires : codes et libellés",
                "responses": {
                    "200": _ok("Chaque vocabulaire et ses termes, dans l’ordre d’affichage.", {
                        "type": "object", "additionalProperties": False,
                        "required": list(vocabularies), "properties": vocabularies,
                    }),
                    "304": NOT_MODIFIED,
                },
            }},
            "/api/v1/organisations/suggestions": {"get": {
                "operationId": "suggestOrganisations",
                "summary": "Suggérer des organisations d’après le début de leur nom",
                "description": "Au plus 8 organisations ayant un exemple publié dont le nom "
                               "contient `q` (accents et casse indifférents), celles qui "
                               "commencent par `q` d’abord. Moins de 2 caractères : liste vide.",
                "parameters": [
                    {"name": "q", "in": "query", "required": False,
                     "schema": {"type": "string", "maxLength": Q_MAX}},
                    {"name": "type", "in": "query", "required": False,
                     "description": "Type d’organisation (code des types de partenaires).",
                     "schema": {"type": "string", "enum": list(taxonomy.PARTNER_KINDS.codes)}},
                ],
                "responses": {
                    "200": _ok("Les organisations suggérées.", {
                        "type": "array", "maxItems": 8, "items": _ref("OrganisationSuggestion"),
                    }),
                    "304": NOT_MODIFIED,
                    "400": _error_response("Paramètre refusé : `parameter` le nomme."),
                },
            }},
            "/api/v1/openapi.json": {"get": {
                "operationId": "getOpenAPI",
                "summary": "Ce document",
                "responses": {
                    "200": _ok("La description OpenAPI 3.1 de l’API.", {"type": "object"}),
                    "304": NOT_MODIFIED,
                },
            }},
        },
        "components": {"schemas": SCHEMAS},
    }
