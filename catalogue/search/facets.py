"""The facets of the catalogue search: URL parameter, vocabulary and values of an example."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from .. import taxonomy
from ..i18n import N_
from ..taxonomy import Term, Vocabulary
from .organisations import name_of

# Start-year ranges, the only facet that is not a taxonomy of its own. (first, last) inclusive.
YEAR_RANGES: dict[str, tuple[int | None, int | None]] = {
    "avant-2010": (None, 2009),
    "2010-2014": (2010, 2014),
    "2015-2019": (2015, 2019),
    "2020-2024": (2020, 2024),
    "2025-": (2025, None),
}
YEARS = Vocabulary("annees", [
    Term("avant-2010", N_("Avant 2010")),
    Term("2010-2014", N_("De 2010 à 2014")),
    Term("2015-2019", N_("De 2015 à 2019")),
    Term("2020-2024", N_("De 2020 à 2024")),
    Term("2025-", N_("Depuis 2025")),
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
    noun: str  # French msgid, as in « Filtre ignoré : région « 99 » inconnue. »
    feminine: bool
    values: Callable[[object], list[str]]  # the facet values of an Example
    # Values of the same facet combine with OR (any of them), or with AND when every value
    # chosen must be there (partner kinds: « alliances réunissant associations et entreprises »).
    all_of: bool = False

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(str(code) for code in self.vocabulary.codes)

    def label(self, code: str) -> str:
        key: object = int(code) if self.name == "odd" and code.isdigit() else code
        return self.vocabulary.label(key)

    def unknown(self, value: str) -> str:
        shown = value if len(value) <= 40 else value[:39] + "…"
        if self.feminine:
            return gettext("Filtre ignoré : %(noun)s « %(value)s » inconnue.",
                           noun=gettext(self.noun), value=shown)
        return gettext("Filtre ignoré : %(noun)s « %(value)s » inconnu.",
                       noun=gettext(self.noun), value=shown)


def _partner_kinds(example) -> list[str]:
    return list(dict.fromkeys(p.kind for p in example.partners))


def _year(example) -> list[str]:
    code = year_range(example.start_year)
    return [code] if code else []


# In the order the search page shows them.
FACETS: dict[str, Facet] = {
    f.name: f
    for f in (
        Facet("objectif", taxonomy.OBJECTIVES, N_("objectif"), False,
              lambda e: list(e.objectives)),
        Facet("theme", taxonomy.THEMES, N_("thématique"), True, lambda e: list(e.themes)),
        Facet("acteur", taxonomy.PARTNER_KINDS, N_("type d’acteur"), False, _partner_kinds,
              all_of=True),
        Facet("echelle", taxonomy.SCALES, N_("échelle"), True,
              lambda e: [e.scale] if e.scale else []),
        Facet("region", taxonomy.REGIONS, N_("région"), True, lambda e: list(e.regions)),
        Facet("departement", taxonomy.DEPARTEMENTS, N_("département"), False,
              lambda e: list(e.departements)),
        Facet("odd", taxonomy.ODD, N_("ODD"), False, lambda e: [str(n) for n in e.odd]),
        Facet("annee", YEARS, N_("période"), True, _year),
        Facet("statut", taxonomy.STATUSES, N_("statut"), False,
              lambda e: [e.status] if e.status else []),
    )
}

# What each facet is called as a heading (search sidebar, alerts, feed titles).
FACET_LABELS = {
    "objectif": _l("Objectif"),
    "region": _l("Région"),
    "departement": _l("Département"),
    "acteur": _l("Type de partenaire"),
    "theme": _l("Thématique"),
    "odd": _l("Objectif de développement durable"),
    "echelle": _l("Échelle"),
    "annee": _l("Année de lancement"),
    "statut": _l("Statut"),
    "organisation": _l("Organisation"),
}

# Every filter of a search: the facets, then the organisations (named by slug, not counted in
# the sidebar: thousands of them), which combine with AND like partner kinds.
FILTERS: tuple[str, ...] = (*FACETS, "organisation")


def label_of(name: str, value: str) -> str:
    """Return the French label of a filter value (the code when it has none), or the name of
    the organisation a slug names."""
    if name == "organisation":
        return name_of(value)
    return FACETS[name].label(value) if name in FACETS else value
