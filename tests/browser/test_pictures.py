"""Pictures in the browser: a catalogue page of 20 photos stays light on a phone, no picture
moves the page as it arrives, the gallery opens the large size from the keyboard.

The photos are made to weigh what real ones do (detail at every scale, grain): flat drawings
would pass any budget.
"""

from __future__ import annotations

import io
import random
import re

import pytest
import sqlalchemy as sa
from PIL import Image, ImageDraw, ImageFilter
from playwright.sync_api import Page, expect
from werkzeug.datastructures import MultiDict

from catalogue import media, search
from catalogue.extensions import db
from catalogue.models import Example, Media

from .helpers import ARTIFACTS, PAGE_BUDGET, PICTURES_BUDGET, LiveServer

pytestmark = pytest.mark.browser

CATALOGUE = "/exemples/?tri=titre"
ILLUSTRATED_TITLE = "La Ferme des Possibles"

# Sum of the layout shifts the page made by itself (not after a click or a key), and the nodes
# that moved: a picture without its size pushes what follows it when it arrives.
LAYOUT_SHIFTS = """() => new Promise(resolve => {
  const found = {score: 0, moved: []};
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) {
      if (entry.hadRecentInput) continue;
      found.score += entry.value;
      for (const s of entry.sources || []) found.moved.push(s.node ? s.node.outerHTML.slice(0, 80) : '?');
    }
  }).observe({type: 'layout-shift', buffered: true});
  setTimeout(() => resolve(found), 200);
})"""

ALL_LOADED = """() => [...document.querySelectorAll('main img')]
  .every(img => img.complete && img.naturalWidth > 0)"""

# The width of the file each card's picture took, read from its WebP candidates.
CHOSEN_WIDTHS = """() => [...document.querySelectorAll('.card-cover img')].map(img => {
  const chosen = new URL(img.currentSrc).pathname;
  const candidates = img.closest('picture').querySelector('source').srcset.split(', ');
  return candidates.find(c => c.startsWith(chosen + ' ')).split(' ')[1];
})"""

UNSIZED = """() => [...document.querySelectorAll('main img')]
  .filter(img => !img.getAttribute('width') || !img.getAttribute('height'))
  .map(img => img.outerHTML.slice(0, 100))"""


def photo_like(seed: int, width: int = 1000, height: int = 625) -> bytes:
    """Return a PNG that compresses like a photograph: shapes, soft edges, grain."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(80):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randint(15, 200)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    image = image.filter(ImageFilter.GaussianBlur(2))
    grain = Image.merge("RGB", [
        Image.effect_noise((width // 3, height // 3), 50).resize((width, height), Image.Resampling.BICUBIC)
        for _ in range(3)])
    buffer = io.BytesIO()
    Image.blend(image, grain, 0.3).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def photographed(live_server: LiveServer) -> list[int]:
    """Give each example of the catalogue's first page (by title) a cover if it has none."""
    with live_server.app.app_context():
        req, _ = search.parse_args(MultiDict({"tri": "titre"}))
        ids = search.search(req).ids()
        covered = set(db.session.scalars(sa.select(Media.example_id).where(
            Media.example_id.in_(ids), Media.kind == "photo", Media.position == 0)))
        for example_id in ids:
            if example_id not in covered:
                media.store_image(photo_like(example_id), "photo", example_id=example_id,
                                  position=0, alt=f"Photo d’essai n° {example_id}",
                                  credit="Tests du catalogue", licence="cc0")
        db.session.commit()
    return ids


def scroll_through(page: Page) -> None:
    """Bring every picture of the page into view, so that the lazy ones load too."""
    for img in page.locator("main img").all():
        img.scroll_into_view_if_needed()
    page.wait_for_function(ALL_LOADED)
    page.wait_for_load_state("networkidle")


def test_a_catalogue_page_of_20_photos_stays_light_on_a_phone(new_page, photographed):
    assert len(photographed) == 20
    page = new_page(width=360, height=740)
    page.goto(CATALOGUE)
    expect(page.locator(".card-cover img")).to_have_count(20)
    scroll_through(page)

    [weight] = page.traffic.weights()
    [(_, requests)] = page.traffic.loads
    pictures = [r for r in requests if r.resource_type == "image" and "/medias/" in r.url]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "catalogue-photos-360.txt").write_text(
        f"{len(pictures)} photos; {weight.without_pictures / 1024:.1f} KB without pictures, "
        f"{weight.total / 1024:.1f} KB in all\n", encoding="utf-8")
    # Chromium takes the WebP at the smallest width that fills a card 328 px wide.
    assert len({r.url for r in pictures}) == 20
    assert all(r.url.endswith(".webp") for r in pictures)
    assert set(page.evaluate(CHOSEN_WIDTHS)) == {"480w"}
    assert weight.without_pictures < PAGE_BUDGET
    assert weight.total < PICTURES_BUDGET
    page.screenshot(path=ARTIFACTS / "catalogue-photos-360.png")


@pytest.mark.parametrize("width", [360, 1280])
def test_no_picture_moves_the_page_as_it_arrives(new_page, live_server, photographed, width):
    page = new_page(width=width, height=800)
    with live_server.app.app_context():
        slug = db.session.scalar(
            sa.select(Example.slug).where(Example.title.startswith(ILLUSTRATED_TITLE)))
    for path in (CATALOGUE, "/", f"/exemples/{slug}"):
        page.goto(path)
        assert page.evaluate(UNSIZED) == [], path
        scroll_through(page)
        shifts = page.evaluate(LAYOUT_SHIFTS)
        assert shifts["score"] < 0.001, (path, shifts)
    page.screenshot(path=ARTIFACTS / f"exemple-illustre-{width}.png", full_page=True)


def test_the_gallery_opens_the_large_size_from_the_keyboard(new_page, live_server):
    page = new_page(width=360)
    with live_server.app.app_context():
        slug = db.session.scalar(
            sa.select(Example.slug).where(Example.title.startswith(ILLUSTRATED_TITLE)))
    page.goto(f"/exemples/{slug}")
    gallery = page.locator(".gallery a")
    expect(gallery).to_have_count(2)
    for _ in range(80):  # Tab through the page to the gallery's first link
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.closest('.gallery') !== null"):
            break
    else:
        pytest.fail("the gallery's links cannot be reached with Tab")
    name = page.evaluate("() => document.activeElement.querySelector('img').alt")
    assert name.startswith("Dessin : ")
    with page.expect_navigation() as navigation:
        page.keyboard.press("Enter")
    response = navigation.value
    assert re.search(r"/medias/[0-9a-f]{64}\.jpg$", response.url)
    assert response.headers["content-type"] == "image/jpeg"
