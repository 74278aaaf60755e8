"""Every main page, audited: axe-core (WCAG 2.2 A/AA), the Nu Html Checker, and its weight.

The pages are visited once per session in Chromium; axe-core runs on each live page, and the
HTML each navigation received over HTTP is kept and checked by vnu in one Java run.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, Response

from catalogue.extensions import db
from catalogue.models import Example

from .helpers import (
    ARTIFACTS,
    NODE_MODULES,
    PAGE_BUDGET,
    PICTURES_BUDGET,
    LiveServer,
    guarded_page,
    traffic_problems,
)

pytestmark = pytest.mark.browser

AXE = NODE_MODULES / "axe-core" / "axe.min.js"
VNU = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => ({target: n.target.join(' '), summary: n.failureSummary})),
  }));
}"""


def _slug_of(server: LiveServer, title_start: str) -> str:
    with server.app.app_context():
        return db.session.scalar(
            sa.select(Example.slug).where(Example.title.startswith(title_start))
        )


def _form_with_errors(page: Page, server: LiveServer) -> Response | None:
    page.goto("/proposer")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Envoyer la proposition").click()
    return navigation.value


def _selection_of_two(page: Page, server: LiveServer) -> Response | None:
    """Add two examples from the catalogue's cards, then open « Ma sélection »."""
    page.goto("/exemples/")
    for n in range(2):
        with page.expect_navigation():
            page.locator(".example-card .selection-toggle button").nth(n).click()
    return page.goto("/selection/")


def _selection_ids(server: LiveServer) -> str:
    with server.app.app_context():
        ids = db.session.scalars(sa.select(Example.id).where(Example.state == "published")
                                 .order_by(Example.id).limit(3)).all()
    return "-".join(str(i) for i in ids)


def _report_with_errors(page: Page, server: LiveServer) -> Response | None:
    page.goto("/exemples/" + _slug_of(server, "Du fromage de la coopérative") + "/signaler")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Envoyer le signalement").click()
    return navigation.value


def _report_sent(page: Page, server: LiveServer) -> Response | None:
    """Report an error on an example: the moderators' report pages then have one to show."""
    page.goto("/exemples/" + _slug_of(server, "Du fromage de la coopérative") + "/signaler")
    page.get_by_label("Votre message").fill("Le nombre de collèges servis a changé en 2024.")
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name="Envoyer le signalement").click()
    return navigation.value


def _first_report(page: Page, server: LiveServer) -> Response | None:
    page.goto("/moderation/signalements")
    with page.expect_navigation() as navigation:
        page.locator("table.queue tbody a").first.click()
    return navigation.value


Visit = Callable[[Page, LiveServer], "Response | None"]


def goto(path: str | Callable[[LiveServer], str]) -> Visit:
    return lambda page, server: page.goto(path(server) if callable(path) else path)


OBJECTIVES = ["equilibrer", "hybrider", "innover", "co-construire"]

# name: how to reach the page; the moderator's pages come last, in a logged-in context.
PUBLIC_PAGES: dict[str, Visit] = {
    "accueil": goto("/"),
    "catalogue-filtres": goto("/exemples/?q=emploi&objectif=co-construire&echelle=local"),
    "catalogue-region": goto("/exemples/?region=53"),
    "exemple": goto(lambda s: "/exemples/" + _slug_of(s, "Du fromage de la coopérative")),
    # The demo example with a cover, a gallery and a document.
    "exemple-illustre": goto(lambda s: "/exemples/" + _slug_of(s, "La Ferme des Possibles")),
    "proposer-erreurs": _form_with_errors,
    "merci": goto("/proposer/merci"),
    "suivi-en-attente": goto(lambda s: f"/proposer/suivi/{s.pending_token}"),
    "suivi-a-corriger": goto(lambda s: f"/proposer/suivi/{s.to_correct_token}"),
    "cadre": goto("/cadre/"),
    **{f"cadre-{code}": goto(f"/cadre/objectifs/{code}") for code in OBJECTIVES},
    "cadre-chiffres": goto("/cadre/chiffres"),
    "cadre-ressources": goto("/cadre/ressources"),
    "observatoire": goto("/observatoire/?objectif=innover"),
    "contact": goto("/contact"),
    "mentions-legales": goto("/mentions-legales"),
    "accessibilite": goto("/accessibilite"),
    "plan-du-site": goto("/plan-du-site"),
    "integrer": goto("/integrer/?region=84&objectif=innover"),
    "integrer-liste": goto("/integrer/liste?region=84&nombre=5"),
    "connexion": goto("/connexion"),
    "selection-vide": goto("/selection/"),
    "selection": _selection_of_two,
    "selection-partagee": goto(lambda s: f"/selection/{_selection_ids(s)}"),
    "selection-vider": goto("/selection/vider"),
    "signaler-erreurs": _report_with_errors,
    "signaler-merci": _report_sent,
    "introuvable": goto("/exemples/cet-exemple-n-existe-pas"),
}
MODERATOR_PAGES: dict[str, Visit] = {
    "moderation-file": goto("/moderation/"),
    "moderation-relecture": goto(lambda s: f"/moderation/exemples/{s.pending_id}"),
    "moderation-modification": goto(lambda s: f"/moderation/exemples/{s.pending_id}/modifier"),
    "moderation-journal": goto("/moderation/journal"),
    "moderation-signalements": goto("/moderation/signalements"),
    "moderation-signalement": _first_report,
}
PAGES = [*PUBLIC_PAGES, *MODERATOR_PAGES]


@dataclass
class Audit:
    html: dict[str, str] = field(default_factory=dict)  # name: the HTML received over HTTP
    violations: dict[str, list[dict]] = field(default_factory=dict)
    weights: list[tuple[str, int]] = field(default_factory=list)
    traffic: list[str] = field(default_factory=list)  # problems: foreign hosts, heavy pages


@pytest.fixture(scope="session")
def audit(browser, live_server, moderator_state) -> Audit:
    """Visit every audited page once: keep its HTML, run axe-core on it, weigh it."""
    assert AXE.is_file(), f"{AXE} is missing: `make test` installs it with npm ci"
    result = Audit()
    for pages, storage in ((PUBLIC_PAGES, None), (MODERATOR_PAGES, moderator_state)):
        # CSP (script-src 'self') would refuse the injected axe-core: bypass it here only.
        page = guarded_page(browser, live_server.url, bypass_csp=True, storage_state=storage)
        for name, visit in pages.items():
            response = visit(page, live_server)
            assert response is not None, name
            result.html[name] = response.text()
            page.add_script_tag(path=str(AXE))
            result.violations[name] = page.evaluate(RUN_AXE, WCAG_TAGS)
        result.weights += page.traffic.weights()
        result.traffic += traffic_problems(page)
        page.context.close()
    return result


def test_the_accessibility_statement_lists_the_audited_pages():
    from catalogue.about import AUDITED_PAGES, LAST_CHECK

    assert set(AUDITED_PAGES) == set(PAGES)
    assert LAST_CHECK.violations == 0  # what the statement says, checked just below


@pytest.mark.parametrize("name", PAGES)
def test_no_wcag_violation(audit, name):
    violations = audit.violations[name]
    report = "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n"
        + "\n".join(f"    {n['target']}: {n['summary']}" for n in v["nodes"][:5])
        for v in violations
    )
    assert not violations, f"axe-core on {name}:\n{report}"


def run_vnu(files: list[Path]) -> list[dict]:
    """Check the files with the Nu Html Checker in one Java run; return its messages."""
    assert VNU.is_file(), f"{VNU} is missing: `make test` installs it with npm ci"
    done = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--stdout", "--exit-zero-always",
         *map(str, files)],
        capture_output=True, text=True, timeout=180, check=True,
    )
    return json.loads(done.stdout)["messages"]


def test_html_is_valid(audit, tmp_path):
    files = []
    for name, html in audit.html.items():
        path = tmp_path / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)
    errors = [m for m in run_vnu(files) if m["type"] in ("error", "non-document-error")]
    report = "\n".join(
        f"{Path(m.get('url', '?')).stem}:{m.get('lastLine', '?')}: {m['message']}"
        f" [{m.get('extract', '').strip()[:80]}]"
        for m in errors[:40]
    )
    assert not errors, f"vnu found {len(errors)} error(s):\n{report}"


def test_pages_are_light_and_stay_on_this_host(audit):
    ARTIFACTS.mkdir(exist_ok=True)
    lines = [f"{w.without_pictures / 1024:7.1f} KB {w.total / 1024:7.1f} KB  {w.url}"
             for w in audit.weights]
    (ARTIFACTS / "page-weights.txt").write_text(
        "without pictures, in all\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert len(audit.weights) >= len(PAGES)
    assert all(w.without_pictures < PAGE_BUDGET for w in audit.weights)
    assert all(w.total < PICTURES_BUDGET for w in audit.weights)
    assert not audit.traffic, "\n".join(audit.traffic)
