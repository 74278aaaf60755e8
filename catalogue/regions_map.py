"""The map of the régions: inline SVG drawn on the server, shaded by the examples of a search.

The outlines come from `geo/regions.json` (open data, see `geo/LICENCE.md`). Colours live in
the stylesheet (classes `map-c0` to `map-c4`): the Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from .i18n import gettext, ngettext
from .taxonomy import REGIONS

DATA_FILE = Path(__file__).resolve().parent / "geo" / "regions.json"
SHADES = 5  # map-c0 (no example) to map-c4 (the most)
TITLE_ID = "carte-regions-titre"
DESC_ID = "carte-regions-desc"


class LegendEntry(NamedTuple):
    shade: int
    text: str


@cache
def geometry() -> dict[str, Any]:
    """Return the shipped outlines, read once per process, with each path escaped for SVG."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for region in data["regions"].values():
        region["path"] = str(escape(region["path"]))
    return data


def shade(count: int, largest: int) -> int:
    """Return the shading class of a count: 0 for none, 4 for the largest, in quarters between."""
    if count <= 0 or largest <= 0:
        return 0
    return min(SHADES - 1, max(1, math.ceil(count * (SHADES - 1) / largest)))


def examples(count: int) -> str:
    """Return « 0 exemple », « 1 exemple », « 12 exemples » in the page's language."""
    if count == 0:
        return gettext("0 exemple")
    return ngettext("%(num)d exemple", "%(num)d exemples", count)


def region_name(code: str) -> str:
    return gettext(REGIONS.label(code))


def render_map(counts: Mapping[str, int], link: Callable[[str], str],
               selected: Collection[str] = frozenset()) -> Markup:
    """Return the map as inline SVG: each région a link (`link(code)`) shaded by its count.

    The links come in the alphabetical order of the table that follows the map.

    The SVG is a group, not an image: an image's children are presentational, which would hide
    the links from assistive technologies. Each link is named by its `<title>`.
    """
    data = geometry()
    largest = max((counts.get(code, 0) for code in REGIONS.codes), default=0)
    title = gettext("Carte des régions : nombre d’exemples pour cette recherche")
    desc = gettext(
        "Plus une région est foncée, plus elle compte d’exemples pour cette recherche. "
        "Les régions d’outre-mer figurent dans des encadrés, à des échelles différentes. "
        "Chaque région est un lien vers ses exemples ; le tableau qui suit donne les mêmes nombres."
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" role="group"'
        f' viewBox="{escape(data["viewBox"])}" aria-labelledby="{TITLE_ID}"'
        f' aria-describedby="{DESC_ID}">',
        f'<title id="{TITLE_ID}">{escape(title)}</title><desc id="{DESC_ID}">{escape(desc)}</desc>',
        '<g class="map-insets" aria-hidden="true">',
    ]
    for code in REGIONS.codes:
        if box := data["regions"][code].get("box"):
            x, y, width, height = box
            parts.append(
                f'<rect class="map-inset-frame" x="{x}" y="{y}" width="{width}" height="{height}"/>'
                f'<text class="map-inset-label" x="{x + 5}" y="{y + 17}">'
                f"{escape(region_name(code))}</text>"
            )
    parts.append("</g>")
    outlines = []
    for code, region_label, count in rows(counts):
        region = data["regions"][code]
        classes = f"map-c{shade(count, largest)}" + (" map-selected" if code in selected else "")
        name = gettext("%(region)s : %(examples)s", region=region_label, examples=examples(count))
        if code in selected:
            name = gettext("%(title)s (retirer ce filtre)", title=name)
            outlines.append(f'<path class="map-outline" d="{region["path"]}"/>')
        x, y = region["label"]
        parts.append(
            f'<a href="{escape(link(code))}" class="map-region"><title>{escape(name)}</title>'
            f'<path class="{classes}" d="{region["path"]}"/>'
            f'<text class="map-count" x="{x}" y="{y}" aria-hidden="true">{count}</text></a>'
        )
    if outlines:
        # Drawn again on top, so that no neighbour drawn later covers the selected outline.
        parts.append('<g class="map-outlines" aria-hidden="true">' + "".join(outlines) + "</g>")
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(counts: Mapping[str, int]) -> list[LegendEntry]:
    """Return the shading classes in use for these counts, each with the range it stands for."""
    largest = max((counts.get(code, 0) for code in REGIONS.codes), default=0)
    entries = [LegendEntry(0, gettext("aucun exemple"))]
    for k in range(1, SHADES):
        low = math.floor((k - 1) * largest / (SHADES - 1)) + 1
        high = math.floor(k * largest / (SHADES - 1))
        if low > high:
            continue  # too few examples for this class to hold any count
        text = examples(high) if low == high else gettext(
            "%(low)d à %(examples)s", low=low, examples=examples(high))
        entries.append(LegendEntry(k, text))
    return entries


def rows(counts: Mapping[str, int]) -> list[tuple[str, str, int]]:
    """Return (code, name, count) for every région, in alphabetical order of the names."""
    return sorted(((code, region_name(code), counts.get(code, 0)) for code in REGIONS.codes),
                  key=lambda row: _sort_key(row[1]))


@cache
def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
