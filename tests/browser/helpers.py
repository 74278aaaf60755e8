"""Helpers of the browser tests: the live app, the traffic guard, logging in."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from flask import Flask
from helpers import BASE_RECORD, build_app
from playwright.sync_api import Browser, Page, Request, Route

from catalogue.extensions import db
from catalogue.importing import add_examples, validate_all

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / "node_modules"
ARTIFACTS = ROOT / "test-artifacts"

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium calls Google's hosts at every start.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Bytes one page load may transfer (headers and bodies): the page and all it loads but pictures
# (HTML, CSS, scripts), and everything with pictures (a catalogue page of 20 photos at 360 px).
PAGE_BUDGET = 150 * 1024
PICTURES_BUDGET = 600 * 1024
MODERATOR_EMAIL = "moderation@example.org"
MODERATOR_PASSWORD = "des alliances bien relues"
PENDING_TITLE = "Une recyclerie solidaire portée par une régie de quartier et un bailleur"
TO_CORRECT_TITLE = "Un atelier vélo entre un lycée professionnel et une entreprise de transport"


@dataclass
class LiveServer:
    """The app served on 127.0.0.1, and the data the tests set up in it."""

    app: Flask
    url: str
    pending_id: int = 0
    pending_token: str = ""
    to_correct_token: str = ""

    def __call__(self, path: str) -> str:
        return self.url + path


@dataclass
class Traffic:
    """What the pages of one context asked for: refused foreign requests, bytes per page load."""

    foreign: list[str] = field(default_factory=list)
    loads: list[tuple[str, list[Request]]] = field(default_factory=list)

    def route(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.foreign.append(route.request.url)
            route.abort("blockedbyclient")

    def on_request(self, request: Request) -> None:
        # A page load starts with a navigation of the main frame (a redirect starts another).
        if request.is_navigation_request() and request.frame.parent_frame is None:
            self.loads.append((request.url, []))

    def on_finished(self, request: Request) -> None:
        if self.loads:
            self.loads[-1][1].append(request)

    def weights(self) -> list[Weight]:
        """Return each page load with the bytes it transferred: headers and bodies received."""
        weights = []
        for url, requests in self.loads:
            total = pictures = 0
            for request in requests:
                sizes = request.sizes()
                size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
                total += size
                pictures += size if request.resource_type == "image" else 0
            weights.append(Weight(url, total, total - pictures))
        return weights

    def heavy(self) -> list[str]:
        return [f"{w.url}: {w.without_pictures / 1024:.1f} KB without pictures, "
                f"{w.total / 1024:.1f} KB in all" for w in self.weights()
                if w.without_pictures >= PAGE_BUDGET or w.total >= PICTURES_BUDGET]


class Weight(NamedTuple):
    """What one page load transferred, in bytes."""

    url: str
    total: int
    without_pictures: int


def create_live_app(tmp: Path) -> Flask:
    """Create the app with CSRF on, high rate limits, its data under tmp."""
    app = build_app(
        tmp,
        migrate=False,  # init-db below, as a deployment would
        WTF_CSRF_ENABLED=True,
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="1000 per minute",
        SUBMIT_RATE_LIMIT="1000 per minute",
        ALERT_RATE_LIMIT="1000 per minute",
    )
    password_file = tmp / "password.txt"
    password_file.write_text(MODERATOR_PASSWORD + "\n", encoding="utf-8")
    runner = app.test_cli_runner()
    for args in (
        ["init-db"],
        ["load-demo"],
        ["create-user", MODERATOR_EMAIL, "--role", "moderator", "--name", "Dominique",
         "--password-file", str(password_file)],
    ):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    return app


def add_waiting_examples(server: LiveServer) -> None:
    """Add one example waiting for review and one sent back for changes, with their links."""
    private = {
        "submitter_name": "Camille Martin",
        "submitter_email": "camille@example.org",
        "submitter_organisation": "Régie de quartier Nord",
    }
    with server.app.app_context():
        [pending] = add_examples(
            validate_all([(1, {**BASE_RECORD, **private, "title": PENDING_TITLE})]),
            state="pending",
        )
        record = {**BASE_RECORD, **private, "title": TO_CORRECT_TITLE,
                  "moderation_comment": "Précisez les résultats, avec des chiffres si possible."}
        [to_correct] = add_examples(validate_all([(1, record)]), state="changes_requested")
        server.pending_token = pending.new_follow_token()
        server.to_correct_token = to_correct.new_follow_token()
        db.session.commit()
        server.pending_id = pending.id


def closing_responses(app):
    """Wrap a WSGI app so that its response is closed even when the browser drops the
    connection: werkzeug's server skips `close()` when reading the rest of a reset connection
    fails, and the unclosed static file then fails whichever test runs (ResourceWarning).
    Chromium drops connections whenever a page closes while its favicon is still loading."""

    def app_closing_its_response(environ, start_response):
        response = app(environ, start_response)
        try:
            yield from response
        finally:
            if hasattr(response, "close"):
                response.close()

    return app_closing_its_response


def guarded_page(browser: Browser, base_url: str, width: int = 1280, height: int = 900,
                 **options) -> Page:
    """Open a page in a new context whose every request goes through a `Traffic` guard.

    The guard is `page.traffic`; `options` go to `browser.new_context` (`bypass_csp=True` lets
    a test inject a script such as axe-core, `storage_state` starts logged in).
    """
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, locale="fr-FR", **options
    )
    context.set_default_timeout(10_000)
    traffic = Traffic()
    context.route("**/*", traffic.route)
    context.on("request", traffic.on_request)
    context.on("requestfinished", traffic.on_finished)
    page = context.new_page()
    page.traffic = traffic  # type: ignore[attr-defined]
    return page


def traffic_problems(page: Page) -> list[str]:
    """Say what the page's context did wrong: requests to another host, heavy page loads."""
    traffic: Traffic = page.traffic  # type: ignore[attr-defined]
    return [f"request to another host: {url}" for url in traffic.foreign] + [
        f"page over {PAGE_BUDGET // 1024} KB (or {PICTURES_BUDGET // 1024} KB with pictures): {line}"
        for line in traffic.heavy()
    ]


def log_in(page: Page, email: str = MODERATOR_EMAIL, password: str = MODERATOR_PASSWORD) -> None:
    """Log in through the login form and land on the moderation queue."""
    page.goto("/connexion")
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(re.compile(r"/moderation/"))
