"""Statistics of the examples a search finds, counted in the database (observatory, key figures).

The search only says which examples match (`search.all_ids`); every number here is counted
from the database rows of those ids, so a chart never disagrees with what is published. The
rows are read once per index version into bitsets (`Facts`): a page then costs one AND and one
popcount per value, not a read of every matching row.
"""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from . import search, taxonomy
from .extensions import db
from .i18n import gettext
from .models import Example, Partner


@dataclass
class Bars:
    """One count per value of a vocabulary (or per year), out of `total` examples."""

    name: str
    title: str
    rows: list[tuple[str, int]]  # (label, count), in the vocabulary's order
    total: int

    @property
    def top(self) -> tuple[str, int] | None:
        best = max(self.rows, key=lambda row: row[1], default=None)
        return best if best and best[1] else None

    @property
    def largest(self) -> int:
        return max((count for _, count in self.rows), default=0) or 1


@dataclass
class Matrix:
    """Counts of examples having both a row value and a column value."""

    name: str
    title: str
    rows: list[str]
    columns: list[str]
    cells: list[list[int]] = field(default_factory=list)
    total: int = 0

    @property
    def top(self) -> tuple[str, str, int] | None:
        cells = ((r, c, n) for r, line in zip(self.rows, self.cells, strict=True)
                 for c, n in zip(self.columns, line, strict=True))
        best = max(cells, key=lambda cell: cell[2], default=None)
        return best if best and best[2] else None

    @property
    def largest(self) -> int:
        return max((n for line in self.cells for n in line), default=0) or 1


TITLES = {
    "objectifs": _l("Exemples par objectif"),
    "alliances": _l("Qui s’allie avec qui"),
    "themes-objectifs": _l("Thématiques et objectifs"),
    "annees": _l("Exemples lancés par année"),
    "regions": _l("Exemples par région"),
    "departements": _l("Exemples par département"),
    "odd": _l("Objectifs de développement durable"),
    "echelles": _l("Échelle des exemples"),
}


CHARTS_OF_FACTS = ("objectifs", "themes", "annees", "regions", "departements", "odd", "echelles",
                   "acteurs")


class Facts:
    """Which published examples have each value, as bitsets over their positions.

    Loaded from the database once per index version (`search.version()`): counting a search's
    matches is then one AND and one popcount per value, whatever the number of matches.
    """

    def __init__(self) -> None:
        columns = (Example.id, Example.objectives, Example.themes, Example.start_year,
                   Example.regions, Example.departements, Example.odd, Example.scale)
        rows = db.session.execute(sa.select(*columns).where(Example.state == "published")).all()
        self.position = {row.id: n for n, row in enumerate(rows)}
        found: dict[str, dict] = {name: {} for name in CHARTS_OF_FACTS}
        for n, row in enumerate(rows):
            for name, values in (("objectifs", row.objectives), ("themes", row.themes),
                                 ("annees", [row.start_year] if row.start_year else ()),
                                 ("regions", row.regions), ("departements", row.departements),
                                 ("odd", row.odd), ("echelles", [row.scale] if row.scale else ())):
                for value in values or ():
                    found[name].setdefault(value, set()).add(n)
        kinds = sa.select(Partner.example_id, Partner.kind).join(Example).where(
            Example.state == "published")
        for example_id, kind in db.session.execute(kinds):
            found["acteurs"].setdefault(kind, set()).add(self.position[example_id])
        self.bits = {name: {value: self._bitset(positions) for value, positions in values.items()}
                     for name, values in found.items()}

    def _bitset(self, positions) -> int:
        found = bytearray(len(self.position) // 8 + 1)
        for n in positions:
            found[n >> 3] |= 1 << (n & 7)
        return int.from_bytes(found, "little")

    def selection(self, ids: list[int]) -> int:
        """Return the bitset of the examples among ids (distinct ids, all of them known)."""
        if len(ids) == len(self.position):
            return (1 << len(ids)) - 1
        return self._bitset(self.position[example_id] for example_id in ids)

    def count(self, name: str, value, selected: int) -> int:
        return (self.bits[name].get(value, 0) & selected).bit_count()


_loading = threading.Lock()


def current_facts(ids: list[int]) -> Facts:
    """Return the Facts of the current index version, loading them when it changed or when
    ids has an example published since they were loaded."""
    version = search.version()

    def fresh(memo) -> bool:
        return (version is not None and memo is not None and memo[0] == version
                and memo[1].position.keys() >= set(ids))

    memo = current_app.extensions.get("observatory_facts")
    if not fresh(memo):
        with _loading:  # one load per new version, however many requests wait for it
            memo = current_app.extensions.get("observatory_facts")
            if not fresh(memo):
                memo = (version, Facts())
                current_app.extensions["observatory_facts"] = memo
    return memo[1]


def charts(ids: list[int]) -> dict[str, Bars | Matrix]:
    """Count the published examples among ids for every chart, by chart name."""
    facts = current_facts(ids)
    # The index may still list an example the database has just withdrawn: it is not counted.
    selected = facts.selection([i for i in ids if i in facts.position])
    total = selected.bit_count()

    def bars(name, vocabulary) -> Bars:
        return Bars(name, str(TITLES[name]),
                    [(gettext(term.label), facts.count(name, term.code, selected))
                     for term in vocabulary], total)

    def matrix(name, rows, row_bits, columns, column_bits) -> Matrix:
        cells = []
        for r in rows:
            within = facts.bits[row_bits].get(r.code, 0) & selected
            cells.append([facts.count(column_bits, c.code, within) for c in columns])
        return Matrix(name, str(TITLES[name]), [gettext(t.label) for t in rows],
                      [gettext(t.label) for t in columns], cells, total)

    years = [y for y in facts.bits["annees"] if facts.count("annees", y, selected)]
    span = range(min(years), max(years) + 1) if years else range(0)
    present_deps = [t for t in taxonomy.DEPARTEMENTS if facts.count("departements", t.code, selected)]
    return {
        "objectifs": bars("objectifs", taxonomy.OBJECTIVES),
        "alliances": matrix("alliances", taxonomy.PARTNER_KINDS, "acteurs",
                            taxonomy.PARTNER_KINDS, "acteurs"),
        "themes-objectifs": matrix("themes-objectifs", taxonomy.THEMES, "themes",
                                   taxonomy.OBJECTIVES, "objectifs"),
        "annees": Bars("annees", str(TITLES["annees"]),
                       [(str(y), facts.count("annees", y, selected)) for y in span], total),
        "regions": bars("regions", taxonomy.REGIONS),
        "departements": bars("departements", present_deps),
        "odd": bars("odd", taxonomy.ODD),
        "echelles": bars("echelles", taxonomy.SCALES),
    }


def kind_counts(alliances: Matrix) -> Bars:
    """How many examples each partner kind takes part in: the diagonal of « qui s'allie avec qui »."""
    return Bars("acteurs", gettext("Exemples par type de partenaire"),
                [(label, alliances.cells[i][i]) for i, label in enumerate(alliances.rows)], alliances.total)


def reading(chart: Bars | Matrix) -> str:
    """One sentence saying what the chart shows first."""
    if not chart.total or chart.top is None:
        return gettext("Aucun exemple ne correspond à cette recherche.")
    if isinstance(chart, Matrix):
        row, column, count = chart.top
        if chart.name == "alliances" and row == column:
            return gettext("%(kind)s : présents dans %(percent)d %% des exemples (%(count)d sur %(total)d).",
                           kind=row, percent=round(100 * count / chart.total), count=count, total=chart.total)
        return gettext("Le croisement le plus fréquent : %(row)s et %(column)s, "
                       "dans %(count)d exemples sur %(total)d.",
                       row=row, column=column, count=count, total=chart.total)
    label, count = chart.top
    return gettext("Le plus fréquent : %(label)s, dans %(percent)d %% des exemples "
                   "(%(count)d sur %(total)d).",
                   label=label, percent=round(100 * count / chart.total), count=count, total=chart.total)


def to_csv(chart: Bars | Matrix) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    if isinstance(chart, Matrix):
        writer.writerow(["", *chart.columns])
        for label, line in zip(chart.rows, chart.cells, strict=True):
            writer.writerow([label, *line])
    else:
        writer.writerow([gettext("Valeur"), gettext("Exemples")])
        writer.writerows(chart.rows)
    return out.getvalue()
