"""Pieces of the OpenAPI document shared by its parts: references and responses."""

from __future__ import annotations

from typing import Any


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": ref("Error")}},
    }


def ok(description: str, schema: dict, last_modified: bool = False) -> dict[str, Any]:
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
