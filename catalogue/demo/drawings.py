"""Illustrations of the demo catalogue, drawn by code: shapes and colours, no text, no download.

Each drawing is deterministic (same bytes on every run), so demo pages look the same everywhere.
They are drawn twice as large and reduced, which smooths the edges ImageDraw leaves jagged.
"""

from __future__ import annotations

import io
import math
import random
import time
from collections.abc import Callable

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 1200, 750
SCALE = 2  # drawn at twice the size, then reduced
W, H = WIDTH * SCALE, HEIGHT * SCALE

Draw = ImageDraw.ImageDraw
Scene = Callable[[Draw, random.Random], None]  # draws on an empty canvas, seeded


def _sky(d: Draw, top: str, bottom: str, until: int = H) -> None:
    """Fill the area above `until` with a vertical gradient from top to bottom."""
    t = [int(top[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(bottom[i:i + 2], 16) for i in (1, 3, 5)]
    for y in range(0, until, 4):
        f = y / max(until - 1, 1)
        d.rectangle((0, y, W, y + 4), fill=tuple(round(t[i] + (b[i] - t[i]) * f) for i in range(3)))


def _sun(d: Draw, x: int, y: int, r: int, colour: str = "#f6c445") -> None:
    d.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _hills(d: Draw, base: int, colour: str, amplitude: int, phase: float) -> None:
    points = [(x, base - amplitude * math.sin(x / W * math.pi * 2 + phase)) for x in range(0, W + 40, 40)]
    d.polygon([(0, H), *points, (W, H)], fill=colour)


def garden(d: Draw, rng: random.Random) -> None:
    """Raised beds of vegetables in a city garden, under the sun."""
    _sky(d, "#8ecae6", "#e0f4fb", H // 2)
    _sun(d, W - 380, 300, 150)
    for i, x in enumerate(range(100, W, 520)):  # buildings of the neighbourhood behind
        d.rectangle((x, 320 + (i % 2) * 80, x + 380, H // 2 + 40), fill="#d9c3a5")
        for wx in range(x + 50, x + 340, 110):
            for wy in range(400 + (i % 2) * 80, H // 2 - 40, 130):
                d.rectangle((wx, wy, wx + 60, wy + 80), fill="#7a8c99")
    d.rectangle((0, H // 2, W, H), fill="#8bb174")
    for row, y in enumerate((H // 2 + 160, H // 2 + 520)):
        for x in range(140 + row * 160, W - 300, 760):
            d.rectangle((x, y, x + 620, y + 240), fill="#8a5a3b")
            d.rectangle((x + 20, y + 20, x + 600, y + 90), fill="#5b3a24")
            for px in range(x + 70, x + 600, 110):
                r = rng.randint(38, 56)
                d.ellipse((px - r, y + 40 - r, px + r, y + 40 + r), fill=rng.choice(("#3f8f3a", "#57a84a")))
                if rng.random() < 0.5:
                    d.ellipse((px - 18, y + 20, px + 18, y + 56), fill="#d94b3d")


def kitchen(d: Draw, rng: random.Random) -> None:
    """A pot on a stove and a table of vegetables in a shared kitchen."""
    d.rectangle((0, 0, W, H), fill="#f3e9d2")
    d.rectangle((0, H * 2 // 3, W, H), fill="#c8a27a")
    d.rectangle((300, 700, 1100, H * 2 // 3), fill="#5c677d")  # stove
    d.ellipse((420, 640, 980, 760), fill="#9aa5b1")
    d.rectangle((440, 420, 960, 700), fill="#9aa5b1")  # pot
    d.ellipse((440, 380, 960, 470), fill="#b7c0c8")
    for i in range(3):  # steam
        x = 560 + i * 140
        d.arc((x, 180, x + 90, 380), 90, 270, fill="#ffffff", width=18)
    d.rectangle((1400, 820, 2300, 870), fill="#8a5a3b")  # table
    for x, colour, r in ((1520, "#f28c28", 70), (1700, "#d94b3d", 90), (1900, "#3f8f3a", 80),
                         (2100, "#7b2d8b", 75)):
        d.ellipse((x - r, 820 - 2 * r, x + r, 820), fill=colour)


def harvest(d: Draw, rng: random.Random) -> None:
    """A basket of freshly picked vegetables on the grass."""
    d.rectangle((0, 0, W, H), fill="#a7c957")
    for _ in range(140):
        x, y = rng.randrange(W), rng.randrange(H)
        d.line((x, y, x + rng.randint(-20, 20), y - 60), fill="#6a994e", width=8)
    d.ellipse((500, 800, 1900, 1350), fill="#b08150")
    d.rectangle((500, 700, 1900, 1075), fill="#b08150")
    d.arc((700, 200, 1700, 1200), 180, 360, fill="#8a5a3b", width=50)
    for _ in range(22):
        x, y = rng.randint(620, 1780), rng.randint(560, 760)
        r = rng.randint(60, 110)
        d.ellipse((x - r, y - r, x + r, y + r), fill=rng.choice(("#d94b3d", "#f28c28", "#3f8f3a", "#f6c445")))
    for x in range(560, 1900, 120):
        d.line((x, 780, x + 40, 1300), fill="#8a5a3b", width=14)


def _wheel(d: Draw, x: int, y: int, r: int) -> None:
    d.ellipse((x - r, y - r, x + r, y + r), outline="#222222", width=26)
    for a in range(0, 180, 30):
        dx, dy = r * math.cos(math.radians(a)), r * math.sin(math.radians(a))
        d.line((x - dx, y - dy, x + dx, y + dy), fill="#555555", width=6)


def cargo_bike(d: Draw, rng: random.Random) -> None:
    """A cargo bicycle with its wooden box on a city street."""
    _sky(d, "#bde0fe", "#f1f7fd", H // 2)
    x = 0
    while x < W:  # façades along the street
        w = rng.randint(260, 420)
        top = rng.randint(200, 520)
        colour = rng.choice(("#e9d8a6", "#ee9b00", "#ca6702", "#94d2bd"))
        d.rectangle((x, top, x + w, H * 2 // 3), fill=colour)
        for wy in range(top + 60, H * 2 // 3 - 120, 170):
            for wx in range(x + 40, x + w - 80, 120):
                d.rectangle((wx, wy, wx + 60, wy + 100), fill="#41505c")
        x += w + 20
    d.rectangle((0, H * 2 // 3, W, H), fill="#6c757d")
    for x in range(0, W, 300):
        d.rectangle((x, H * 2 // 3 + 250, x + 160, H * 2 // 3 + 275), fill="#f8f9fa")
    _wheel(d, 900, 1260, 190)
    _wheel(d, 1800, 1260, 190)
    d.rectangle((700, 760, 1250, 1090), fill="#a0522d")  # the box
    d.line((900, 1260, 1300, 1100, 1800, 1260), fill="#2a9d8f", width=34, joint="curve")
    d.line((1300, 1100, 1560, 900, 1800, 1260), fill="#2a9d8f", width=34, joint="curve")
    d.line((1560, 900, 1520, 760), fill="#2a9d8f", width=30)
    d.rectangle((1440, 730, 1620, 770), fill="#222222")  # saddle
    d.line((1250, 1090, 1250, 700), fill="#2a9d8f", width=30)
    d.line((1180, 700, 1330, 700), fill="#222222", width=30)


def houses(d: Draw, rng: random.Random) -> None:
    """A row of brick terraced houses at dusk, some windows lit."""
    _sky(d, "#3d405b", "#f2cc8f", 1200)
    d.rectangle((0, 1200, W, H), fill="#81806e")
    for x in range(-60, W, 400):
        top = 560
        d.rectangle((x, top, x + 380, 1200), fill="#a4493d")
        d.polygon([(x - 20, top), (x + 190, top - 200), (x + 400, top)], fill="#4a4e69")
        d.rectangle((x + 270, top - 170, x + 320, top - 60), fill="#6b2f28")
        for wy in (top + 90, top + 330):
            for wx in (x + 50, x + 230):
                lit = rng.random() < 0.6
                d.rectangle((wx, wy, wx + 100, wy + 140), fill="#ffd166" if lit else "#2b2d42")
        d.rectangle((x + 150, 1040, x + 230, 1200), fill="#2b2d42")


def sea_nets(d: Draw, rng: random.Random) -> None:
    """A fishing boat on the waves, green fishing nets piled on the quay."""
    _sky(d, "#90e0ef", "#caf0f8", H // 2)
    d.rectangle((0, H // 2, W, H), fill="#0077b6")
    for y in range(H // 2 + 40, H, 90):
        for x in range(-100 + (y // 90 % 2) * 100, W, 200):
            d.arc((x, y, x + 200, y + 70), 200, 340, fill="#48cae4", width=12)
    d.polygon([(700, 700), (1500, 700), (1400, 880), (800, 880)], fill="#d62828")
    d.rectangle((950, 520, 1200, 700), fill="#f8f9fa")
    d.line((1300, 300, 1300, 700), fill="#3d2b1f", width=20)
    d.rectangle((0, H - 420, W, H), fill="#adb5bd")  # quay
    d.polygon([(1500, H - 420), (2300, H - 420), (2200, H - 700), (1650, H - 760)], fill="#2d6a4f")
    for x in range(1520, 2300, 45):
        d.line((x, H - 420, x + 60, H - 740), fill="#52b788", width=6)
    for y in range(H - 740, H - 420, 45):
        d.line((1500, y, 2300, y + 20), fill="#52b788", width=6)


def fablab(d: Draw, rng: random.Random) -> None:
    """A workbench with a 3D printer, tools and gears in a fablab."""
    d.rectangle((0, 0, W, H), fill="#e7ecef")
    d.rectangle((0, 1000, W, 1080), fill="#8b5e34")
    d.rectangle((80, 1080, 160, H), fill="#6f4518")
    d.rectangle((W - 160, 1080, W - 80, H), fill="#6f4518")
    d.rectangle((300, 420, 1000, 1000), outline="#274c77", width=40)  # printer frame
    d.rectangle((420, 860, 880, 900), fill="#274c77")
    d.polygon([(560, 860), (740, 860), (700, 700), (600, 700)], fill="#f77f00")
    d.rectangle((560, 520, 760, 580), fill="#6096ba")
    for cx, cy, r, teeth in ((1500, 600, 220, 12), (1880, 800, 150, 9)):
        for k in range(teeth):
            a = 2 * math.pi * k / teeth
            x, y = cx + (r + 40) * math.cos(a), cy + (r + 40) * math.sin(a)
            d.ellipse((x - 45, y - 45, x + 45, y + 45), fill="#a3cef1")
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill="#a3cef1")
        d.ellipse((cx - r // 3, cy - r // 3, cx + r // 3, cy + r // 3), fill="#e7ecef")
    d.line((2100, 1000, 2250, 700), fill="#495057", width=40)  # a screwdriver
    d.line((2250, 700, 2290, 620), fill="#d62828", width=60)


def seagrass(d: Draw, rng: random.Random) -> None:
    """Seagrass meadows swaying under clear water, a fish and a diver's bubbles."""
    _sky(d, "#48cae4", "#023e8a")
    d.rectangle((0, H - 220, W, H), fill="#e9c46a")
    for _ in range(90):
        x = rng.randrange(W)
        height = rng.randint(400, 900)
        sway = rng.randint(-120, 120)
        d.line((x, H - 200, x + sway // 2, H - 200 - height // 2, x + sway, H - 200 - height),
               fill=rng.choice(("#2d6a4f", "#40916c", "#52b788")), width=26, joint="curve")
    d.polygon([(1500, 500), (1800, 400), (1800, 600)], fill="#f4a261")  # a fish
    d.ellipse((1300, 400, 1650, 600), fill="#f4a261")
    d.ellipse((1360, 460, 1400, 500), fill="#1d3557")
    for i in range(8):
        r = 18 + i * 5
        x, y = 600 + rng.randint(-30, 30), 900 - i * 110
        d.ellipse((x - r, y - r, x + r, y + r), outline="#caf0f8", width=8)


def football(d: Draw, rng: random.Random) -> None:
    """A ball in front of a goal on a green pitch, under a blue sky."""
    _sky(d, "#a2d2ff", "#e3f2fd", H // 3)
    d.rectangle((0, H // 3, W, H), fill="#52a447")
    for x in range(0, W, 320):
        d.rectangle((x, H // 3, x + 160, H), fill="#4a9a3f")
    d.line((0, 1150, W, 1150), fill="#ffffff", width=16)
    d.ellipse((W // 2 - 300, 1000, W // 2 + 300, 1300), outline="#ffffff", width=16)
    d.rectangle((700, 360, 1700, 900), outline="#ffffff", width=36)  # the goal
    for x in range(740, 1700, 80):
        d.line((x, 380, x, 890), fill="#d8f3dc", width=4)
    for y in range(420, 900, 80):
        d.line((720, y, 1680, y), fill="#d8f3dc", width=4)
    cx, cy, r = 1200, 1150, 120
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill="#ffffff", outline="#222222", width=8)
    d.regular_polygon((cx, cy, 44), 5, fill="#222222")
    for k in range(5):
        a = math.radians(k * 72 - 90)
        d.regular_polygon((cx + 95 * math.cos(a), cy + 95 * math.sin(a), 26), 5, fill="#222222")


def books(d: Draw, rng: random.Random) -> None:
    """Stacks of colourful books on a mat in the shade of a tree."""
    _sky(d, "#ffd6a5", "#fdffb6", H // 2)
    d.rectangle((0, H // 2, W, H), fill="#c9a66b")
    d.rectangle((200, 200, 320, H // 2 + 80), fill="#6f4518")  # the tree
    for cx, cy, r in ((260, 200, 260), (80, 300, 180), (440, 320, 200)):
        d.ellipse((cx - r, cy - r, cx + r, cy + r), fill="#386641")
    d.rectangle((600, 1000, 2200, 1300), fill="#e76f51")  # a mat
    for stack, x in enumerate((800, 1250, 1700)):
        y = 1000
        for _ in range(3 + stack % 2 * 2):
            w, h = rng.randint(300, 380), rng.randint(50, 80)
            colour = rng.choice(("#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#8338ec", "#3a86ff"))
            d.rectangle((x - w // 2, y - h, x + w // 2, y), fill=colour)
            y -= h + 6
    d.polygon([(1950, 990), (2150, 900), (2150, 960), (1950, 1050)], fill="#ffffff")
    d.polygon([(1950, 990), (1750, 900), (1750, 960), (1950, 1050)], fill="#f1faee")


def report_page(d: Draw, rng: random.Random) -> None:
    """A report's first page: a title band, lines of text as grey bars, a bar chart."""
    d.rectangle((0, 0, W, H), fill="#ffffff")
    d.rectangle((0, 0, W, 260), fill="#2a9d8f")
    for y in range(360, 900, 70):
        d.rectangle((160, y, 160 + rng.randint(1400, 2000), y + 30), fill="#ced4da")
    for i, h in enumerate((180, 260, 340, 420)):
        d.rectangle((400 + i * 400, 1400 - h, 640 + i * 400, 1400), fill="#e9c46a")


def draw(scene: Scene, seed: str) -> Image.Image:
    """Draw a scene, seeded so that each run gives the same picture."""
    image = Image.new("RGB", (W, H), "#ffffff")
    scene(ImageDraw.Draw(image), random.Random(seed))
    return image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)


def png(scene: Scene, seed: str) -> bytes:
    """Return the scene as PNG bytes, as an upload would bring it."""
    buffer = io.BytesIO()
    draw(scene, seed).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def pdf(scene: Scene, seed: str) -> bytes:
    """Return the scene as a one-page PDF, its dates fixed so that the bytes never change."""
    moment = time.gmtime(1704067200)  # 1 January 2024
    buffer = io.BytesIO()
    draw(scene, seed).convert("RGB").save(buffer, "PDF", resolution=150.0, title=seed,
                                          creationDate=moment, modDate=moment, quality=70)
    return buffer.getvalue()
