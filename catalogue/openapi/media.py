"""The OpenAPI description of pictures and documents: an example's photos and PDF documents,
an organisation's logo."""

from __future__ import annotations

from typing import Any

from ..models.media import ALT_MAX, CREDIT_MAX, DOCUMENT_TITLE_MAX
from .responses import ref

_URI = {"type": "string", "format": "uri"}
_SIZE = {"type": "integer", "minimum": 1, "description": "Taille du fichier en octets."}

SCHEMAS: dict[str, Any] = {
    "MediaFile": {
        "type": "object",
        "description": "Un fichier d’une image : une de ses déclinaisons (format et largeur). "
                       "Son adresse change avec son contenu : elle peut être gardée en cache.",
        "additionalProperties": False,
        "required": ["url", "type", "width", "height", "size"],
        "properties": {
            "url": _URI,
            "type": {"type": "string", "enum": ["image/webp", "image/jpeg"]},
            "width": {"type": "integer", "minimum": 1},
            "height": {"type": "integer", "minimum": 1},
            "size": _SIZE,
        },
    },
    "Picture": {
        "type": "object",
        "description": "Une photo ou un logo, ré-encodé en plusieurs largeurs (WebP et JPEG).",
        "additionalProperties": False,
        "required": ["alt", "credit", "licence", "width", "height", "files"],
        "properties": {
            "alt": {"type": "string", "maxLength": ALT_MAX,
                    "description": "Texte de remplacement, pour qui ne voit pas l’image."},
            "credit": {"type": ["string", "null"], "maxLength": CREDIT_MAX},
            "licence": {"type": ["string", "null"],
                        "description": "Licence de réutilisation (code), si elle a été donnée."},
            "width": {"type": ["integer", "null"], "description": "De la plus grande déclinaison."},
            "height": {"type": ["integer", "null"]},
            "files": {"type": "array", "items": ref("MediaFile")},
            "cover": {"type": "boolean", "description": "Photo de couverture (la première)."},
        },
    },
    "Document": {
        "type": "object",
        "description": "Un document PDF joint à l’exemple (rapport d’évaluation…).",
        "additionalProperties": False,
        "required": ["title", "url", "type", "size"],
        "properties": {
            "title": {"type": "string", "maxLength": DOCUMENT_TITLE_MAX},
            "url": {**_URI, "description": "Servi en téléchargement."},
            "type": {"const": "application/pdf"},
            "size": _SIZE,
        },
    },
    "ExampleMedia": {
        "type": "object",
        "additionalProperties": False,
        "required": ["photos", "documents"],
        "properties": {
            "photos": {"type": "array", "items": ref("Picture"), "maxItems": 5,
                       "description": "Photos, la couverture d’abord."},
            "documents": {"type": "array", "items": ref("Document"), "maxItems": 3},
        },
    },
}
