"""The observatory: charts of the examples a search finds, counted in the database.

The search only says which examples match (`search.all_ids`); every number here is counted
from the database rows of those ids, so a chart never disagrees with what is published.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l

from . import search, taxonomy
from .extensions import db
from .i18n import gettext
from .models import Example, Partner

bp = Blueprint("observatory", __name__, url_prefix="/observatoire")

BATCH = 500  # ids per IN (…): a whole catalogue would overflow one


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


def charts(ids: list[int]) -> dict[str, Bars | Matrix]:
    """Count the published examples among ids for every chart, by chart name."""
    columns = (Example.id, Example.objectives, Example.themes, Example.start_year,
               Example.regions, Example.departements, Example.odd, Example.scale)
    rows, kinds = [], {}
    for start in range(0, len(ids), BATCH):
        batch = ids[start:start + BATCH]
        rows += db.session.execute(
            sa.select(*columns).where(Example.id.in_(batch), Example.state == "published")).all()
        for example_id, kind in db.session.execute(
                sa.select(Partner.example_id, Partner.kind).where(Partner.example_id.in_(batch))):
            kinds.setdefault(example_id, set()).add(kind)
    total = len(rows)

    def bars(name, vocabulary, values_of) -> Bars:
        counts = Counter(v for row in rows for v in set(values_of(row)))
        return Bars(name, str(TITLES[name]),
                    [(gettext(term.label), counts[term.code]) for term in vocabulary], total)

    def matrix(name, row_vocab, column_vocab, pairs_of) -> Matrix:
        counts = Counter(pair for row in rows for pair in pairs_of(row))
        return Matrix(name, str(TITLES[name]), [gettext(t.label) for t in row_vocab],
                      [gettext(t.label) for t in column_vocab],
                      [[counts[(r.code, c.code)] for c in column_vocab] for r in row_vocab], total)

    def together(row):
        found = sorted(kinds.get(row.id, ()))
        return [(k, k) for k in found] + [p for a, b in combinations(found, 2) for p in ((a, b), (b, a))]

    years = Counter(row.start_year for row in rows if row.start_year)
    span = range(min(years), max(years) + 1) if years else range(0)
    present_deps = [t for t in taxonomy.DEPARTEMENTS
                    if any(t.code in (row.departements or ()) for row in rows)]
    return {
        "objectifs": bars("objectifs", taxonomy.OBJECTIVES, lambda r: r.objectives or ()),
        "alliances": matrix("alliances", taxonomy.PARTNER_KINDS, taxonomy.PARTNER_KINDS, together),
        "themes-objectifs": matrix(
            "themes-objectifs", taxonomy.THEMES, taxonomy.OBJECTIVES,
            lambda r: {(t, o) for t in r.themes or () for o in r.objectives or ()}),
        "annees": Bars("annees", str(TITLES["annees"]), [(str(y), years[y]) for y in span], total),
        "regions": bars("regions", taxonomy.REGIONS, lambda r: r.regions or ()),
        "departements": bars("departements", present_deps, lambda r: r.departements or ()),
        "odd": bars("odd", taxonomy.ODD, lambda r: r.odd or ()),
        "echelles": bars("echelles", taxonomy.SCALES, lambda r: [r.scale] if r.scale else ()),
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


def _current_charts() -> tuple[dict[str, Bars | Matrix], search.SearchRequest]:
    req, _notices = search.parse_args(request.args)
    return charts(search.all_ids(req)), req


@bp.get("/")
def index():
    found, _req = _current_charts()
    query = request.query_string.decode("ascii", "replace")
    return render_template(
        "observatory/index.html", charts=found, reading=reading,
        total=next(iter(found.values())).total,
        csv_url=lambda name: url_for("observatory.chart_csv", name=name) + (f"?{query}" if query else ""),
        catalogue_url=url_for("public.catalogue") + (f"?{query}" if query else ""),
    )


@bp.get("/<name>.csv")
def chart_csv(name: str):
    if name not in TITLES:
        abort(404)
    found, _req = _current_charts()
    return Response(to_csv(found[name]), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="observatoire-{name}.csv"'})
