"""The OpenAPI description of the organisations: the directory, one organisation, suggestions."""

from __future__ import annotations

from typing import Any

from .. import organisation_pages, taxonomy
from ..limits import PARTNER_NAME_MAX
from ..search.request import Q_MAX
from .responses import NOT_MODIFIED, error_response, ok, ref

SLUG_MAX = PARTNER_NAME_MAX + 20  # an organisation's slug (models.Organisation.slug)

_URI = {"type": "string", "format": "uri"}
_OPTIONAL = {"type": ["string", "null"]}
_LINKS = {
    "url": {**_URI, "description": "Page de l’organisation."},
    "api_url": {**_URI, "description": "Sa fiche dans l’API."},
}

_PROFILE_FIELDS: dict[str, Any] = {
    "regions": {"type": "array", "description": "Régions où agissent ses exemples, avec "
                                                 "leur nombre, les plus nombreuses d’abord.",
                "items": {"type": "object", "required": ["code", "count"],
                          "properties": {"code": {"type": "string"},
                                         "count": {"type": "integer", "minimum": 1}}}},
    "examples": {"type": "array", "description": "Ses exemples publiés, récents d’abord.",
                 "items": {"type": "object", "required": ["id", "title", "url", "api_url"],
                           "properties": {"id": {"type": "integer"},
                                          "title": {"type": "string"},
                                          "url": _URI, "api_url": _URI}}},
    "partners_with": {
        "type": "array",
        "description": f"« A fait alliance avec » : les "
                       f"{organisation_pages.ALLIES_SHOWN} organisations avec le plus "
                       "d’exemples publiés en commun.",
        "items": {"type": "object",
                  "required": ["slug", "name", "kind", "shared_examples", "url", "api_url"],
                  "properties": {"slug": {"type": "string"}, "name": {"type": "string"},
                                 "kind": {"type": "string"},
                                 "shared_examples": {"type": "integer", "minimum": 1},
                                 **_LINKS}}},
    "partners_with_total": {"type": "integer", "minimum": 0},
}

SCHEMAS: dict[str, Any] = {
    "PartnerOrganisation": {
        "type": "object",
        "description": "L’organisation qu’est ce partenaire (le nom de l’exemple peut différer).",
        "additionalProperties": False,
        "required": ["slug", "name", "url", "api_url"],
        "properties": {"slug": {"type": "string"}, "name": {"type": "string"}, **_LINKS},
    },
    "Organisation": {
        "type": "object",
        "description": "Une organisation ayant au moins un exemple publié.",
        "additionalProperties": False,
        "required": ["slug", "name", "kind", "siren", "siret", "rna", "cog", "website", "commune",
                     "logo", "examples_count", "url", "api_url", "examples_url"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "kind": {"type": "string", "enum": list(taxonomy.PARTNER_KINDS.codes)},
            "siren": {**_OPTIONAL, "description": "SIREN (9 chiffres) d’une entreprise."},
            "siret": {**_OPTIONAL, "description": "SIRET (14 chiffres)."},
            "rna": {**_OPTIONAL, "description": "Numéro RNA d’une association (W et 9 chiffres)."},
            "cog": {**_OPTIONAL, "description": "Code officiel géographique INSEE d’une "
                                                "collectivité."},
            "website": _OPTIONAL,
            "commune": _OPTIONAL,
            "logo": {"anyOf": [ref("Picture"), {"type": "null"}]},
            "examples_count": {"type": "integer", "minimum": 1,
                               "description": "Nombre de ses exemples publiés."},
            **_LINKS,
            "examples_url": {**_URI, "description": "Ses exemples dans le catalogue (filtre "
                                                    "« Organisation »)."},
        },
    },
    "OrganisationList": {
        "type": "object",
        "additionalProperties": False,
        "required": ["total", "page", "pages", "per_page", "results", "facets", "links"],
        "properties": {
            "total": {"type": "integer", "minimum": 0},
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "const": organisation_pages.PER_PAGE},
            "results": {"type": "array", "items": ref("Organisation")},
            "facets": {
                "type": "object",
                "description": "Nombre d’organisations par type (avec les autres filtres) et par "
                               "région (idem).",
                "required": ["type", "region"],
                "properties": {name: {"type": "array", "items": ref("FacetValue")}
                               for name in ("type", "region")},
            },
            "links": {
                "type": "object",
                "required": ["self", "next", "previous"],
                "properties": {"self": _URI, "next": {"type": ["string", "null"]},
                               "previous": {"type": ["string", "null"]}},
            },
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
}

PATHS: dict[str, Any] = {
    "/api/v1/organisations": {"get": {
        "operationId": "listOrganisations",
        "summary": "Les organisations ayant un exemple publié",
        "description": "Mêmes paramètres que la page /organisations/.",
        "parameters": [
            {"name": "q", "in": "query", "required": False,
             "description": "Mots du nom (accents et casse indifférents).",
             "schema": {"type": "string", "maxLength": organisation_pages.Q_MAX}},
            {"name": "type", "in": "query", "required": False,
             "description": "Type d’organisation (taxonomie `partner_kinds`).",
             "schema": {"type": "string", "enum": ["", *taxonomy.PARTNER_KINDS.codes]}},
            {"name": "region", "in": "query", "required": False,
             "description": "Région où agit au moins un de ses exemples (taxonomie `regions`).",
             "schema": {"type": "string", "enum": ["", *taxonomy.REGIONS.codes]}},
            {"name": "tri", "in": "query", "required": False,
             "description": "Par nombre d’exemples (défaut) ou par nom.",
             "schema": {"type": "string", "enum": list(organisation_pages.SORTS)}},
            {"name": "page", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "default": 1}},
        ],
        "responses": {
            "200": ok("Une page d’organisations.", ref("OrganisationList")),
            "304": NOT_MODIFIED,
            "400": error_response("Paramètre refusé : `parameter` le nomme."),
            "404": error_response("Page au-delà de la dernière."),
        },
    }},
    "/api/v1/organisations/{slug}": {"get": {
        "operationId": "getOrganisation",
        "summary": "Lire une organisation : ses exemples publiés et ses partenaires",
        "parameters": [{"name": "slug", "in": "path", "required": True,
                        "schema": {"type": "string", "maxLength": SLUG_MAX}}],
        "responses": {
            "200": ok("L’organisation.", ref("OrganisationProfile")),
            "301": {"description": "Organisation fusionnée dans une autre : `Location` donne "
                                   "la fiche de celle qui est gardée."},
            "304": NOT_MODIFIED,
            "404": error_response("Aucune organisation ayant un exemple publié ne porte ce "
                                  "slug."),
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
            "200": ok("Les organisations suggérées.", {
                "type": "array", "maxItems": 8, "items": ref("OrganisationSuggestion"),
            }),
            "304": NOT_MODIFIED,
            "400": error_response("Paramètre refusé : `parameter` le nomme."),
        },
    }},
}

# One organisation's record: the directory's fields, then its examples and partners.
_RECORD = SCHEMAS["Organisation"]
SCHEMAS["OrganisationProfile"] = {
    **_RECORD,
    "required": [*_RECORD["required"], *_PROFILE_FIELDS],
    "properties": {**_RECORD["properties"], **_PROFILE_FIELDS},
}
