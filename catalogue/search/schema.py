"""What an index document holds: the schema, the field weights, the document of an example."""

from __future__ import annotations

import hashlib
import json

from whoosh import columns, fields

from .. import taxonomy
from .analysis import french_analyzer, sort_key, spelling_analyzer
from .facets import FACETS

# Bump when the schema, the analysis or the content of documents changes: an index built for an
# older version is rebuilt at start-up.
SCHEMA_VERSION = 4

# The one place relevance weights live: title > summary > body; the context field holds partner
# names (as each example writes them, and as their organisations are named), places and
# taxonomy labels.
FIELD_WEIGHTS: dict[str, float] = {
    "title": 4.0,
    "summary": 2.0,
    "context": 1.5,
    "body": 1.0,
}
DESCRIPTION_STORED_CHARS = 2000


def make_schema() -> fields.Schema:
    """Return a new schema instance (analyzers included)."""
    french = french_analyzer()
    facet_fields = {
        name: fields.KEYWORD(commas=True, lowercase=False, scorable=False) for name in FACETS
    }
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        stamp=fields.STORED(),
        title=fields.TEXT(analyzer=french, stored=True),
        summary=fields.TEXT(analyzer=french, stored=True),
        body=fields.TEXT(analyzer=french),
        context=fields.TEXT(analyzer=french),
        description=fields.STORED(),
        spell=fields.TEXT(analyzer=spelling_analyzer(), phrase=False),
        # Column-only values read in bulk per segment: example id and the sort keys.
        pk=fields.COLUMN(columns.NumericColumn("q")),
        published=fields.COLUMN(columns.NumericColumn("q")),
        title_key=fields.COLUMN(columns.VarBytesColumn()),
        # The slugs of the partners' organisations: the « Organisation » filter.
        organisation=fields.KEYWORD(commas=True, lowercase=False, scorable=False),
        **facet_fields,
    )


def document(example) -> dict:
    """Build the index document of a published example (its partners and their organisations
    loaded)."""
    partners = list(example.partners)
    organisations = {p.organisation.slug: p.organisation.name
                     for p in partners if p.organisation is not None}
    # An organisation's name, when no partner of the example is written that way.
    names = [*(p.name for p in partners),
             *(name for name in dict.fromkeys(organisations.values())
               if name not in {p.name for p in partners})]
    places = [taxonomy.REGIONS.label(c) for c in example.regions]
    places += [taxonomy.DEPARTEMENTS.label(c) for c in example.departements]
    labels = [taxonomy.OBJECTIVES.label(c) for c in example.objectives]
    labels += [taxonomy.THEMES.label(c) for c in example.themes]
    labels += [taxonomy.ODD.label(n) for n in example.odd]
    labels += [taxonomy.PARTNER_KINDS.label(p.kind) for p in partners]
    labels.append(taxonomy.SCALES.label(example.scale))
    long_texts = [
        example.description, example.results, example.lessons, example.resources,
        example.transferability,
    ]
    doc = {
        "id": str(example.id),
        "title": example.title,
        "summary": example.summary,
        "body": "\n".join([*long_texts, *(p.role for p in partners if p.role)]),
        "context": "\n".join([*names, example.locality, *places, *labels]),
        "description": example.description[:DESCRIPTION_STORED_CHARS],
        # Short on purpose: each distinct word is a term written at every publish.
        "spell": "\n".join([example.title, example.summary, example.locality,
                            *names, *places]),
        "pk": example.id,
        "published": int(example.published_at.timestamp()) if example.published_at else 0,
        "title_key": sort_key(example.title).encode("utf-8"),
        "organisation": ",".join(organisations),
    }
    for name, facet in FACETS.items():
        doc[name] = ",".join(facet.values(example))
    doc["stamp"] = stamp(doc)
    return doc


def stamp(doc: dict) -> str:
    """Return a digest of a document's content: a differing stamp means a stale document."""
    content = {k: v.decode() if isinstance(v, bytes) else v for k, v in doc.items() if k != "stamp"}
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(f"{SCHEMA_VERSION}:{payload}".encode(), digest_size=16).hexdigest()
