"""The facets of the catalogue search: URL parameter, vocabulary and values of an example."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import taxonomy
from ..taxonomy import Term, Vocabulary

# Start-year ranges, the only facet that is not a taxonomy of its own. (first, last) inclusive.
YEAR_RANGES: dict[str, tuple[int | None, int | None]] = {
    "avant-2010": (None, 2009),
    "2010-2014": (2010, 2014),
    "2015-2019": (2015, 2019),
    "2020-2024": (2020, 2024),
    "2025-": (2025, None),
}
YEARS = Vocabulary("annees", [
    Term("avant-2010", "Avant 2010"),
    Term("2010-2014", "De 2010 à 2014"),
    Term("2015-2019", "De 2015 à 2019"),
    Term("2020-2024", "De 2020 à 2024"),
    Term("2025-", "Depuis 2025"),
])


def year_range(year: int | None) -> str | None:
    """Return the code of the start-year range a year falls in (None for no year)."""
    if year is None:
        return None
    for code, (first, last) in YEAR_RANGES.items():
        if (first is None or year >= first) and (last is None or year <= last):
            return code
    return None


@dataclass(frozen=True)
class Facet:
    """One facet: its URL parameter (also the index field), vocabulary and French wording."""

    name: str
    vocabulary: Vocabulary
    noun: str  # as in « Filtre ignoré : région « 99 » inconnue. »
    feminine: bool
    values: Callable[[object], list[str]]  # the facet values of an Example

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(str(code) for code in self.vocabulary.codes)

    def label(self, code: str) -> str:
        key: object = int(code) if self.name == "odd" and code.isdigit() else code
        return self.vocabulary.label(key)

    def unknown(self, value: str) -> str:
        shown = value if len(value) <= 40 else value[:39] + "…"
        adjective = "inconnue" if self.feminine else "inconnu"
        return f"Filtre ignoré : {self.noun} « {shown} » {adjective}."


def _partner_kinds(example) -> list[str]:
    return list(dict.fromkeys(p.kind for p in example.partners))


def _year(example) -> list[str]:
    code = year_range(example.start_year)
    return [code] if code else []


# In the order the search page shows them.
FACETS: dict[str, Facet] = {
    f.name: f
    for f in (
        Facet("objectif", taxonomy.OBJECTIVES, "objectif", False, lambda e: list(e.objectives)),
        Facet("theme", taxonomy.THEMES, "thématique", True, lambda e: list(e.themes)),
        Facet("acteur", taxonomy.PARTNER_KINDS, "type d’acteur", False, _partner_kinds),
        Facet("echelle", taxonomy.SCALES, "échelle", True, lambda e: [e.scale] if e.scale else []),
        Facet("region", taxonomy.REGIONS, "région", True, lambda e: list(e.regions)),
        Facet("departement", taxonomy.DEPARTEMENTS, "département", False,
              lambda e: list(e.departements)),
        Facet("odd", taxonomy.ODD, "ODD", False, lambda e: [str(n) for n in e.odd]),
        Facet("annee", YEARS, "période", True, _year),
    )
}
