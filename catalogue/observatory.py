"""The observatory: charts of the examples the current search finds (see `statistics`)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for

from . import search
from .statistics import TITLES, Bars, Matrix, charts, reading, to_csv

bp = Blueprint("observatory", __name__, url_prefix="/observatoire")


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
