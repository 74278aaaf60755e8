"""The checks the browser tests rely on catch what they are meant to catch."""

from __future__ import annotations

import pytest

from .helpers import ROOT
from .test_audit import AXE, RUN_AXE, WCAG_TAGS

pytestmark = pytest.mark.browser


def test_requests_to_another_host_are_refused_and_reported(new_page):
    page = new_page(bypass_csp=True)  # CSP would stop the request before the guard sees it
    page.goto("/")
    outcome = page.evaluate(
        "() => fetch('http://example.org/tracker.js').then(() => 'sent', () => 'refused')"
    )
    assert outcome == "refused"
    assert page.traffic.foreign == ["http://example.org/tracker.js"]
    page.traffic.foreign.clear()  # planted on purpose: do not fail this test's teardown


def test_page_weight_counts_the_page_and_what_it_loads(new_page):
    page = new_page()
    response = page.goto("/")
    [weight] = page.traffic.weights()
    assert weight.url.endswith("/")
    css = (ROOT / "static" / "css" / "site.css").stat().st_size
    assert weight.without_pictures > len(response.body()) + css
    assert weight.total >= weight.without_pictures


def test_axe_reports_a_planted_violation(new_page):
    page = new_page(bypass_csp=True)
    page.goto("/")
    page.evaluate("""() => {
      const main = document.querySelector('main');
      main.insertAdjacentHTML('beforeend',
        '<img src="/static/favicon.svg"><input type="text" name="nameless">');
    }""")
    page.add_script_tag(path=str(AXE))
    found = {v["id"] for v in page.evaluate(RUN_AXE, WCAG_TAGS)}
    assert {"image-alt", "label"} <= found
