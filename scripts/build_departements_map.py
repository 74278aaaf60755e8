"""Build `catalogue/geo/departements.json`: the départements of each région, as SVG paths.

Run once, by hand, from the repository root, on a checkout of gregoiredavid/france-geojson
(see `catalogue/geo/LICENCE.md`); nothing reads the source at run time:

    .venv/bin/python scripts/build_departements_map.py PATH/TO/france-geojson

Each région gets its own frame, 600 units wide like the map of the régions. The steps (each
one is described in LICENCE.md): equirectangular projection fitted to the région, borders
split into arcs at the points where three or more outlines meet, each arc simplified once
(Douglas–Peucker) so that neighbours keep one common border, coordinates rounded to whole units,
outlines under MIN_AREA dropped, and a label point well inside each département.
"""

from __future__ import annotations

import json
import math
import sys
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from catalogue import taxonomy  # noqa: E402  (the repository's own package, not installed here)

OUTPUT = ROOT / "catalogue" / "geo" / "departements.json"
METROPOLE = "departements-version-simplifiee.geojson"
OVERSEAS = "departements/{code}-{slug}/departement-{code}-{slug}.geojson"
SLUGS = {"971": "guadeloupe", "972": "martinique", "973": "guyane", "974": "la-reunion",
         "976": "mayotte"}
WIDTH, MAX_HEIGHT, MARGIN = 600, 672, 8  # the frame, in SVG units (the régions map: 600 × 672)
TOLERANCE = 1.0  # Douglas–Peucker, in SVG units
MIN_AREA = 4.0  # square SVG units: smaller islands and holes are left out
SOURCE = ("IGN – ADMIN EXPRESS COG 2018 (contours) ; INSEE – Code officiel géographique 2018 "
          "(codes et noms) ; via france-geojson (Grégoire David). Données modifiées : projection, "
          "simplification, arrondi.")
LICENCE = "Licence Ouverte / Open Licence 2.0 (Etalab)"

Point = tuple[float, float]


def read_features(source: Path) -> dict[str, list[list[list[Point]]]]:
    """Return the polygons (each a list of rings) of every département, by INSEE code."""
    files = [source / METROPOLE] + [source / OVERSEAS.format(code=code, slug=slug)
                                    for code, slug in SLUGS.items()]
    found: dict[str, list[list[list[Point]]]] = {}
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        for feature in data.get("features", [data]):  # an overseas file is a single Feature
            geometry = feature["geometry"]
            polygons = geometry["coordinates"]
            if geometry["type"] == "Polygon":
                polygons = [polygons]
            found[feature["properties"]["code"]] = [
                [[(lon, lat) for lon, lat in ring[:-1]] for ring in polygon] for polygon in polygons]
    return found


def project(rings: dict[str, list[list[Point]]]) -> tuple[dict[str, list[list[Point]]], int]:
    """Fit the rings into the frame (equirectangular at the mean latitude); return the height."""
    points = [p for code_rings in rings.values() for ring in code_rings for p in ring]
    lon0, lon1 = min(p[0] for p in points), max(p[0] for p in points)
    lat0, lat1 = min(p[1] for p in points), max(p[1] for p in points)
    kx = math.cos(math.radians((lat0 + lat1) / 2))
    scale = min((WIDTH - 2 * MARGIN) / ((lon1 - lon0) * kx), (MAX_HEIGHT - 2 * MARGIN) / (lat1 - lat0))
    dx = (WIDTH - (lon1 - lon0) * kx * scale) / 2
    projected = {code: [[((lon - lon0) * kx * scale + dx, (lat1 - lat) * scale + MARGIN)
                         for lon, lat in ring] for ring in code_rings]
                 for code, code_rings in rings.items()}
    return projected, min(MAX_HEIGHT, math.ceil((lat1 - lat0) * scale + 2 * MARGIN))


def simplify(points: list[Point], tolerance: float) -> list[Point]:
    """Douglas–Peucker on an open line: keep both ends and the points farther than tolerance."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        length = math.hypot(bx - ax, by - ay)
        farthest, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
            else:
                distance = math.hypot(px - ax, py - ay)
            if distance > farthest:
                farthest, index = distance, i
        if index is not None and farthest > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, kept in zip(points, keep, strict=True) if kept]


def simplify_shared(rings: dict[str, list[list[Point]]]) -> dict[str, list[list[Point]]]:
    """Simplify every ring, each border once: a border shared by two départements stays common.

    A point where three or more outlines meet (more than two neighbours) is a junction; rings
    are cut into arcs at their junctions, and an arc and its reverse are simplified together.
    """
    neighbours: dict[Point, set[Point]] = {}
    for code_rings in rings.values():
        for ring in code_rings:
            for i, p in enumerate(ring):
                neighbours.setdefault(p, set()).update((ring[i - 1], ring[(i + 1) % len(ring)]))
    junctions = {p for p, near in neighbours.items() if len(near) > 2}
    done: dict[tuple[Point, ...], list[Point]] = {}

    def arc(points: list[Point]) -> list[Point]:
        key = min(tuple(points), tuple(reversed(points)))
        if key not in done:
            done[key] = simplify(list(key), TOLERANCE)
        return done[key] if tuple(points) == key else list(reversed(done[key]))

    result: dict[str, list[list[Point]]] = {}
    for code, code_rings in rings.items():
        result[code] = []
        for ring in code_rings:
            cuts = [i for i, p in enumerate(ring) if p in junctions]
            if not cuts:
                # A closed outline shared by nobody, or all of it by one neighbour (an enclave):
                # start it at its lowest point, and cut it again at its farthest point.
                start = ring.index(min(ring))
                ring = ring[start:] + ring[:start]
                far = max(range(len(ring)), key=lambda i: math.dist(ring[0], ring[i]))
                cuts = [0, far]
            out: list[Point] = []
            for a, b in zip(cuts, cuts[1:] + [cuts[0] + len(ring)], strict=True):
                out += arc([ring[i % len(ring)] for i in range(a, b + 1)])[:-1]
            result[code].append(out)
    return result


def rounded(ring: list[Point]) -> list[tuple[int, int]]:
    """Return the ring in whole units, without repeated points."""
    out: list[tuple[int, int]] = []
    for x, y in ring:
        p = (round(x), round(y))
        if not out or p != out[-1]:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    return out


def edges(ring: list[tuple[int, int]]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    return list(zip(ring, ring[1:] + ring[:1], strict=True))


def area(ring: list[tuple[int, int]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in edges(ring))) / 2


def path(rings: list[list[tuple[int, int]]]) -> str:
    """Return SVG path data: each ring an absolute move, then relative lines, then z."""
    parts = []
    for ring in rings:
        text = f"M{ring[0][0]} {ring[0][1]}l"
        for (x0, y0), (x1, y1) in pairwise(ring):
            for value in (x1 - x0, y1 - y0):
                word = str(value)
                text += word if text[-1] == "l" or word.startswith("-") else " " + word
        parts.append(text + "z")
    return "".join(parts)


def inside(x: float, y: float, rings: list[list[tuple[int, int]]]) -> bool:
    """Even-odd rule, as the stylesheet fills the map."""
    crossings = 0
    for ring in rings:
        for (x0, y0), (x1, y1) in edges(ring):
            if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
                crossings += 1
    return crossings % 2 == 1


def edge_distance(x: float, y: float, rings: list[list[tuple[int, int]]]) -> float:
    best = math.inf
    for ring in rings:
        for (x0, y0), (x1, y1) in edges(ring):
            dx, dy = x1 - x0, y1 - y0
            t = max(0.0, min(1.0, ((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy or 1)))
            best = min(best, math.hypot(x - x0 - t * dx, y - y0 - t * dy))
    return best


def label_point(rings: list[list[tuple[int, int]]]) -> list[float]:
    """Return the point of the largest outline farthest from any edge, found on two grids."""
    largest = max(rings, key=area)
    xs, ys = [p[0] for p in largest], [p[1] for p in largest]
    best, cell = None, max(max(xs) - min(xs), max(ys) - min(ys)) / 30
    candidates = [(min(xs) + i * cell, min(ys) + j * cell) for i in range(31) for j in range(31)]
    for _ in range(2):
        for x, y in candidates:
            if inside(x, y, rings):
                distance = edge_distance(x, y, rings)
                if best is None or distance > best[0]:
                    best = (distance, x, y)
        _, cx, cy = best
        cell /= 10
        candidates = [(cx + i * cell, cy + j * cell) for i in range(-15, 16) for j in range(-15, 16)]
    return [round(best[1], 1), round(best[2], 1)]


def build(source: Path) -> dict:
    features = read_features(source)
    regions = {}
    for region in taxonomy.REGIONS:
        codes = [term.code for term in taxonomy.departements_of(region.code)]
        rings = {code: [ring for polygon in features[code] for ring in polygon] for code in codes}
        projected, height = project(rings)
        departements = {}
        for code, code_rings in simplify_shared(projected).items():
            kept = [ring for ring in map(rounded, code_rings) if len(ring) > 2 and area(ring) >= MIN_AREA]
            departements[code] = {"name": taxonomy.DEPARTEMENTS.label(code), "path": path(kept),
                                  "label": label_point(kept)}
        regions[region.code] = {"viewBox": f"0 0 {WIDTH} {height}", "departements": departements}
    return {"licence": LICENCE, "source": SOURCE, "regions": regions}


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    data = build(Path(sys.argv[1]))
    OUTPUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                      encoding="utf-8")
    print(f"{OUTPUT.relative_to(ROOT)}: {OUTPUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
