"""The map of a search: inline SVG drawn on the server, shaded by the examples of each area.

Without a région chosen, the map shows the régions; with exactly one, that région's
départements. The outlines come from `geo/regions.json` and `geo/departements.json` (open data,
see `geo/LICENCE.md`). Colours live in the stylesheet (classes `map-c0` to `map-c4`): the
Content-Security-Policy forbids inline styles.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from markupsafe import Markup, escape

from .i18n import gettext, ngettext
from .taxonomy import DEPARTEMENTS, REGIONS, departements_of

DATA_FILE = Path(__file__).resolve().parent / "geo" / "regions.json"
DEPARTEMENTS_FILE = DATA_FILE.with_name("departements.json")
SHADES = 5  # map-c0 (no example) to map-c4 (the most)
TITLE_ID = "carte-regions-titre"
DESC_ID = "carte-regions-desc"


class LegendEntry(NamedTuple):
    shade: int
    text: str


@cache
def geometry() -> dict[str, Any]:
    """Return the shipped outlines of the régions, read once per process, paths escaped for SVG."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for region in data["regions"].values():
        region["path"] = str(escape(region["path"]))
    return data


@cache
def departements_geometry() -> dict[str, Any]:
    """Return the shipped outlines of the départements, région by région, like `geometry`."""
    data = json.loads(DEPARTEMENTS_FILE.read_text(encoding="utf-8"))
    for region in data["regions"].values():
        for departement in region["departements"].values():
            departement["path"] = str(escape(departement["path"]))
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


@dataclass(frozen=True)
class AreaMap:
    """The map of a search: the régions of France, or the départements of the one région chosen.

    `counts` are the search's facet counts by code; `selected` the codes its filter holds. Each
    area of the map and each row of its table is a link toggling `facet` for that area.
    """

    facet: str  # "region" or "departement"
    region: str | None  # the région whose départements are drawn; None for all the régions
    counts: Mapping[str, int]
    selected: frozenset[str]

    @classmethod
    def of_regions(cls, counts: Mapping[str, int], selected: Collection[str] = ()) -> AreaMap:
        return cls("region", None, counts, frozenset(selected))

    @classmethod
    def of_departements(cls, region: str, counts: Mapping[str, int],
                        selected: Collection[str] = ()) -> AreaMap:
        return cls("departement", region, counts, frozenset(selected))

    @property
    def codes(self) -> tuple[str, ...]:
        if self.region is None:
            return tuple(REGIONS.codes)
        return tuple(term.code for term in departements_of(self.region))

    @property
    def largest(self) -> int:
        return max((self.counts.get(code, 0) for code in self.codes), default=0)

    def name(self, code: str) -> str:
        vocabulary = REGIONS if self.region is None else DEPARTEMENTS
        return gettext(vocabulary.label(code))

    def rows(self) -> list[tuple[str, str, int]]:
        """Return (code, name, count) for every area, in alphabetical order of the names."""
        return sorted(((code, self.name(code), self.counts.get(code, 0)) for code in self.codes),
                      key=lambda row: _sort_key(row[1]))

    def legend(self) -> list[LegendEntry]:
        """Return the shading classes in use for these counts, each with the range it stands for."""
        largest = self.largest
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

    @property
    def region_name(self) -> str:
        return gettext(REGIONS.label(self.region)) if self.region else ""

    @property
    def heading(self) -> str:
        """The name of the map, shown on the control that unfolds it."""
        if self.region is None:
            return gettext("Carte des régions")
        return gettext("Carte des départements : %(region)s", region=self.region_name)

    @property
    def caption(self) -> str:
        if self.region is None:
            return gettext("Nombre d’exemples par région pour cette recherche")
        return gettext("Nombre d’exemples par département (%(region)s) pour cette recherche",
                       region=self.region_name)

    @property
    def column(self) -> str:
        return gettext("Région") if self.region is None else gettext("Département")

    def svg(self, link: Callable[[str], str]) -> Markup:
        """Return the map as inline SVG: each area a link (`link(code)`) shaded by its count.

        The links come in the alphabetical order of the table that follows the map.

        The SVG is a group, not an image: an image's children are presentational, which would
        hide the links from assistive technologies. Each link is named by its `<title>`.
        """
        if self.region is None:
            data, areas = geometry(), geometry()["regions"]
            title = gettext("Carte des régions : nombre d’exemples pour cette recherche")
            desc = gettext(
                "Plus une région est foncée, plus elle compte d’exemples pour cette recherche. "
                "Les régions d’outre-mer figurent dans des encadrés, à des échelles différentes. "
                "Chaque région est un lien vers ses exemples ; le tableau qui suit donne les mêmes "
                "nombres.")
        else:
            data = departements_geometry()["regions"][self.region]
            areas = data["departements"]
            title = gettext("Carte des départements (%(region)s) : nombre d’exemples pour cette "
                            "recherche", region=self.region_name)
            desc = gettext(
                "Plus un département est foncé, plus il compte d’exemples pour cette recherche. "
                "Chaque département est un lien vers ses exemples ; le tableau qui suit donne les "
                "mêmes nombres.")
        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" role="group"'
            f' viewBox="{escape(data["viewBox"])}" aria-labelledby="{TITLE_ID}"'
            f' aria-describedby="{DESC_ID}">',
            f'<title id="{TITLE_ID}">{escape(title)}</title>'
            f'<desc id="{DESC_ID}">{escape(desc)}</desc>',
        ]
        if self.region is None:
            parts.append(_insets(areas))
        largest, outlines = self.largest, []
        for code, area_name, count in self.rows():
            area = areas[code]
            selected = code in self.selected
            classes = f"map-c{shade(count, largest)}" + (" map-selected" if selected else "")
            name = gettext("%(region)s : %(examples)s", region=area_name, examples=examples(count))
            if selected:
                name = gettext("%(title)s (retirer ce filtre)", title=name)
                outlines.append(f'<path class="map-outline" d="{area["path"]}"/>')
            x, y = area["label"]
            parts.append(
                f'<a href="{escape(link(code))}" class="map-region"><title>{escape(name)}</title>'
                f'<path class="{classes}" d="{area["path"]}"/>'
                f'<text class="map-count" x="{x}" y="{y}" aria-hidden="true">{count}</text></a>'
            )
        if outlines:
            # Drawn again on top, so that no neighbour drawn later covers the selected outline.
            parts.append('<g class="map-outlines" aria-hidden="true">' + "".join(outlines) + "</g>")
        parts.append("</svg>")
        return Markup("".join(parts))


def _insets(regions: Mapping[str, Any]) -> str:
    """Return the frames and names of the overseas régions' insets on the map of the régions."""
    parts = ['<g class="map-insets" aria-hidden="true">']
    for code in REGIONS.codes:
        if box := regions[code].get("box"):
            x, y, width, height = box
            parts.append(
                f'<rect class="map-inset-frame" x="{x}" y="{y}" width="{width}" height="{height}"/>'
                f'<text class="map-inset-label" x="{x + 5}" y="{y + 17}">'
                f"{escape(gettext(REGIONS.label(code)))}</text>"
            )
    parts.append("</g>")
    return "".join(parts)


@cache
def _sort_key(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
