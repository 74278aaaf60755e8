"""Browser fixtures: the app served on 127.0.0.1 in a thread, Debian's Chromium under Playwright.

One app and one browser serve the whole session; each test gets fresh browser contexts. Every
request a page makes goes through a guard that refuses any host but 127.0.0.1 and counts the
bytes each page load transfers: a test fails when a page reaches for another host or weighs
more than PAGE_BUDGET without its pictures (PICTURES_BUDGET with them).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from catalogue.extensions import db

from .helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    LiveServer,
    add_waiting_examples,
    closing_responses,
    create_live_app,
    guarded_page,
    log_in,
    traffic_problems,
)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer]:
    """Serve the real app, demo content loaded, on a free port of 127.0.0.1."""
    app = create_live_app(tmp_path_factory.mktemp("live"))
    httpd = make_server("127.0.0.1", 0, closing_responses(app), threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="live-server", daemon=True)
    thread.start()
    server = LiveServer(app, f"http://127.0.0.1:{httpd.server_port}")
    app.config["BASE_URL"] = server.url  # as a deployment sets it: mails link to this server
    add_waiting_examples(server)
    yield server
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=10)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Start Debian's Chromium once for the session."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def moderator_state(browser, live_server) -> dict:
    """Log the moderator in once through the form; return the cookies to reuse."""
    page = guarded_page(browser, live_server.url)
    log_in(page)
    state = page.context.storage_state()
    assert not traffic_problems(page)
    page.context.close()
    return state


NewPage = Callable[..., Page]


@pytest.fixture
def new_page(request, browser, live_server) -> Iterator[NewPage]:
    """Return a factory of pages, each in its own guarded context.

    `width` sets the viewport, `moderator=True` starts logged in, `bypass_csp=True` lets a
    test inject a script (axe-core). After the test, fail on any request to another host or
    any page load over the budget.
    """
    opened: list[Page] = []

    def make(width: int = 1280, height: int = 900, moderator: bool = False,
             bypass_csp: bool = False) -> Page:
        # The login is asked for only by the tests that need it.
        storage = request.getfixturevalue("moderator_state") if moderator else None
        page = guarded_page(browser, live_server.url, width, height,
                            bypass_csp=bypass_csp, storage_state=storage)
        opened.append(page)
        return page

    yield make

    problems = []
    for page in opened:
        problems += traffic_problems(page)
        page.context.close()
    assert not problems, "\n".join(problems)
