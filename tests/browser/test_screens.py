"""The main pages on a phone and a desktop, kept as screenshots; a detail page in print."""

from __future__ import annotations

import pytest

from .helpers import ARTIFACTS, LiveServer

pytestmark = pytest.mark.browser

DETAIL_TITLE = "Du fromage de la coopérative"


def detail_path(server: LiveServer) -> str:
    import sqlalchemy as sa

    from catalogue.extensions import db
    from catalogue.models import Example

    with server.app.app_context():
        slug = db.session.scalar(
            sa.select(Example.slug).where(Example.title.startswith(DETAIL_TITLE))
        )
    return f"/exemples/{slug}"


SCREENS = {
    "accueil": lambda s: "/",
    "catalogue": lambda s: "/exemples/",
    "exemple": detail_path,
    "proposer": lambda s: "/proposer",
    "cadre": lambda s: "/cadre/",
    "cadre-objectif": lambda s: "/cadre/objectifs/innover",
    "cadre-chiffres": lambda s: "/cadre/chiffres",
    "cadre-ressources": lambda s: "/cadre/ressources",
    "observatoire": lambda s: "/observatoire/",
    "connexion": lambda s: "/connexion",
    "moderation": lambda s: "/moderation/",
}

# Controls outside running text smaller than 24×24 px (WCAG 2.2, 2.5.8). Links inside a
# sentence (paragraph, table cell, definition, prose block) are exempt, as the criterion says,
# and so are the map's régions: the table under the map offers the same links (equivalent).
SMALL_TARGETS = """() => {
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const inText = 'p, td, dd, .prose, figcaption, caption, blockquote';
  return [...document.querySelectorAll(controls)]
    .filter(e => !e.closest('.visually-hidden, .map-region') && e.getClientRects().length)
    .filter(e => !(e.matches('a') && e.parentElement.closest(inText)))
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([e, r]) => r.width > 0 && (r.width < 24 || r.height < 24))
    .filter(([e, r]) => !(e.matches(':focus-visible, .skip-link, [class*=skip]') && r.top < 0))
    .slice(0, 8)
    .map(([e, r]) => `${Math.round(r.width)}×${Math.round(r.height)} ${e.outerHTML.slice(0, 100)}`);
}"""

# The innermost elements that stick out on the right, where sideways scrolling comes from.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth + 1;
  const out = e => e.getBoundingClientRect().right > width;
  return [...document.querySelectorAll('body *')]
    .filter(e => out(e) && ![...e.children].some(out) && !e.closest('.visually-hidden'))
    .slice(0, 5).map(e => e.outerHTML.slice(0, 120));
}"""


@pytest.mark.parametrize("width", [360, 1280])
def test_screenshots_without_sideways_scrolling(new_page, live_server, width):
    ARTIFACTS.mkdir(exist_ok=True)
    public = new_page(width=width, height=800)
    moderator = new_page(width=width, height=800, moderator=True)
    for name, path in SCREENS.items():
        page = moderator if name == "moderation" else public
        page.goto(path(live_server))
        page.screenshot(path=ARTIFACTS / f"{name}-{width}.png", full_page=True)
        width_used = page.evaluate("() => document.documentElement.scrollWidth")
        assert width_used <= width, f"{name} at {width} px: {page.evaluate(OVERFLOW)}"


def test_controls_are_at_least_24_px_on_a_phone(new_page, live_server):
    public = new_page(width=360, height=740)
    moderator = new_page(width=360, height=740, moderator=True)
    small = {}
    for name, path in SCREENS.items():
        page = moderator if name == "moderation" else public
        page.goto(path(live_server))
        if found := page.evaluate(SMALL_TARGETS):
            small[name] = found
    assert not small, "\n".join(f"{name}: {items}" for name, items in small.items())


def test_detail_page_prints_its_content_only(new_page, live_server):
    ARTIFACTS.mkdir(exist_ok=True)
    page = new_page()
    page.goto(detail_path(live_server))
    page.emulate_media(media="print")
    page.screenshot(path=ARTIFACTS / "exemple-impression.png", full_page=True)
    pdf = page.pdf(path=ARTIFACTS / "exemple-impression.pdf", format="A4")
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page\n") + pdf.count(b"/Type /Page ") <= 4

    for hidden in (".site-header", ".site-footer", ".breadcrumb", ".similar", ".skip-link"):
        if page.locator(hidden).count():
            assert not page.locator(hidden).first.is_visible(), f"{hidden} is printed"
    for shown in ("h1", ".lead", ".prose", "table.partners", ".example-facts"):
        assert page.locator(shown).first.is_visible(), f"{shown} is not printed"
    # A printed link says where it goes.
    website = page.locator(".example-facts a[href^='http']")
    if website.count():
        after = website.first.evaluate("a => getComputedStyle(a, '::after').content")
        assert website.first.get_attribute("href") in after
    assert page.evaluate("() => getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
