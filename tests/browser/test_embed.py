"""Another site frames the embeddable list, and cannot frame the rest of the catalogue."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from .conftest import LiveServer

pytestmark = pytest.mark.browser

LIST_PATH = "/integrer/liste?region=84&nombre=3"


class OtherSite:
    """A partner's site on another origin of 127.0.0.1 (another port), serving one page."""

    def __init__(self) -> None:
        self.page = b""
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(site.page)))
                self.end_headers()
                self.wfile.write(site.page)

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="other-site", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)


@pytest.fixture
def other_site() -> Iterator[OtherSite]:
    site = OtherSite()
    yield site
    site.close()


def framing_page(live_server: LiveServer, snippet: str) -> bytes:
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Réseau partenaire</title>'
        '</head><body><h1>Notre réseau</h1>'
        f'<div id="liste">{snippet}</div>'
        f'<div id="catalogue"><iframe src="{live_server("/exemples/")}" title="Catalogue" '
        'width="600" height="400"></iframe></div></body></html>'
    ).encode()


def test_other_site_frames_the_list_not_the_catalogue(new_page, live_server, other_site):
    # The snippet as the builder gives it, pasted unchanged on the partner's page.
    builder = new_page()
    builder.goto("/integrer/?region=84&nombre=3")
    snippet = builder.get_by_label("Copiez ce code HTML et collez-le dans une page de votre site :")
    snippet = snippet.input_value()
    assert live_server(LIST_PATH).replace("&", "&amp;") in snippet
    # The builder's live preview is the list itself.
    preview = builder.frame_locator("iframe.embed-preview")
    expect(preview.get_by_role("heading", level=1)).to_contain_text("Exemples d’alliances")
    other_site.page = framing_page(live_server, snippet)

    page = new_page(width=360)
    page.goto(other_site.url)
    listed = page.frame_locator("#liste iframe")
    expect(listed.get_by_role("heading", level=1)).to_contain_text("Exemples d’alliances")
    expect(listed.get_by_role("link", name="Voir l’exemple").first).to_be_visible()
    assert listed.locator(".embed-list > li").count() == 3

    # The catalogue refused to be framed: Chromium put its error page in that frame instead.
    page.wait_for_load_state("load")
    children = sorted(f.url for f in page.frames if f.parent_frame is not None)
    assert children == sorted([live_server(LIST_PATH), "chrome-error://chromewebdata/"])
    assert page.frame_locator("#catalogue iframe").get_by_text("Exemples d’alliances").count() == 0

    # « Voir l’exemple » opens the catalogue in the whole window, leaving the partner's page.
    link = listed.get_by_role("link", name="Voir l’exemple").first
    href = link.get_attribute("href")
    assert href.startswith(live_server("/exemples/"))
    link.click()
    page.wait_for_url(href)
    expect(page.locator("h1")).to_be_visible()


def test_list_reads_at_300_px_without_sideways_scrolling(new_page):
    page = new_page(width=300, height=800)
    page.goto(LIST_PATH)
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    # Its own small stylesheet is applied (the list markers are gone).
    assert page.locator(".embed-list").evaluate("e => getComputedStyle(e).listStyleType") == "none"
    assert page.context.cookies() == []
