"""Hostile text through every field of the form, approved, renders inert in every output."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from helpers import PASSWORD, form_data, outbox

from catalogue.extensions import db
from catalogue.models import Example

SCRIPT = '<script>alert("xss")</script>'
BREAK = '"><b id="pwn" onmouseover="alert(1)">x</b>'
QUOTE = "' onfocus='alert(2)' autofocus='"
BIDI = "\u202egnp.exe\u202c \u200bzéro\u200d"
MARKUP = f"Kermesse {SCRIPT} {BREAK} {QUOTE} {BIDI}"
FORMULAS = ['=HYPERLINK("http://evil.example")', "+SUM(1;2)", "-2+3", "@cmd"]
TEXT_FIELDS = ("title", "summary", "description", "results", "lessons", "resources",
               "transferability", "locality")
PARTNER_FIELDS = ("partners-0-name", "partners-0-role", "partners-1-name", "partners-1-role")


class Inspector(HTMLParser):
    """Collect what would run in a browser: script elements, event handlers, injected ids."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[tuple[str, str]] = []
        self.ids: list[str] = []
        self.in_script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, _value in attrs:
            if name.lower().startswith("on") or name.lower() == "autofocus":
                self.handlers.append((tag, name))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "script":
            self.in_script = {"type": attributes.get("type"), "src": attributes.get("src"), "text": ""}
            self.scripts.append(self.in_script)

    def handle_data(self, data):
        if self.in_script is not None:
            self.in_script["text"] += data

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = None


def assert_inert(html: str) -> Inspector:
    page = Inspector()
    page.feed(html)
    assert page.handlers == []
    assert "pwn" not in page.ids
    for script in page.scripts:
        # Only JSON-LD data blocks, or our own files: nothing inline that would execute.
        assert script["type"] == "application/ld+json" or (script["src"] or "").startswith("/static/")
        if script["type"] == "application/ld+json":
            json.loads(script["text"])
    return page


def hostile_form(marker: str, text: str, long: bool = False) -> dict:
    data = form_data()
    for name in TEXT_FIELDS:
        value = f"{marker} {name} {text}"
        data[name] = (value + " " + "très long " * 900)[:9_900] if long and name in (
            "description", "results", "lessons") else value
    for name in PARTNER_FIELDS:
        data[name] = f"{marker} {text}"[:200]
    data["contact"] = f"{marker} {text}"[:200]
    data["contact_public"] = "y"
    data["submitter_name"] = f"{marker} {text}"[:200]
    data["submitter_organisation"] = f"{marker} {text}"[:200]
    data["title"] = data["title"][:200]
    return data


@pytest.fixture
def approved(app, client, make_user):
    """Submit and approve three hostile examples; return their ids by marker."""
    make_user("modo@example.org", "moderator")
    ids = {}
    forms = {
        "zqmarkup": hostile_form("zqmarkup", MARKUP),
        "zqformula": hostile_form("zqformula", " ".join(FORMULAS)),
        "zqlong": hostile_form("zqlong", MARKUP, long=True),
    }
    forms["zqformula"]["title"] = FORMULAS[0]
    forms["zqformula"]["locality"] = FORMULAS[3]
    forms["zqformula"]["partners-0-name"] = FORMULAS[1]
    forms["zqformula"]["partners-1-name"] = FORMULAS[2]
    forms["zqformula"]["summary"] = "zqformula " + FORMULAS[2]
    for marker, data in forms.items():
        response = client.post("/proposer", data=data)
        assert response.status_code == 302, (marker, response.get_data(as_text=True)[:3000])
    login = client.post("/connexion", data={"email": "modo@example.org", "password": PASSWORD})
    assert login.status_code == 302
    with app.app_context():
        rows = db.session.scalars(sa.select(Example).order_by(Example.id)).all()
        for row, marker in zip(rows, forms, strict=True):
            ids[marker] = (row.id, row.slug, row.version)
    for marker, (example_id, _slug, version) in ids.items():
        review = client.get(f"/moderation/exemples/{example_id}")
        assert_inert(review.get_data(as_text=True))
        response = client.post(f"/moderation/exemples/{example_id}/decision",
                               data={"action": "approve", "comment": "", "version": version})
        assert response.status_code == 302, marker
    return ids


def test_stored_text_has_no_bidi_or_zero_width_characters(app, approved):
    with app.app_context():
        for example in db.session.scalars(sa.select(Example)):
            for name in (*TEXT_FIELDS, "submitter_name", "contact"):
                value = getattr(example, name)
                assert not any(ch in value for ch in "\u202e\u202c\u200b\u200d"), name
            assert "\n" not in example.title


def test_html_outputs_are_inert(app, client, approved):
    slug = approved["zqmarkup"][1]
    example_id = approved["zqmarkup"][0]
    pages = [
        f"/exemples/{slug}",
        f"/exemples/{approved['zqlong'][1]}",
        f"/exemples/{approved['zqformula'][1]}",
        "/exemples/",
        "/exemples/?q=zqmarkup",
        "/exemples/?q=kermesse",
        "/exemples/?q=%3Cscript%3Ealert",
        "/exemples/?q=zqmarkup&tri=titre",
        '/exemples/?q="><b id="pwn">',
        "/",
        "/moderation/",
        "/moderation/?etat=published",
        f"/moderation/exemples/{example_id}",
        f"/moderation/exemples/{example_id}/modifier",
        "/moderation/journal",
        "/api/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert_inert(html)
        assert SCRIPT not in html and '<b id="pwn"' not in html, url
    detail = client.get(f"/exemples/{slug}").get_data(as_text=True)
    assert "&lt;script&gt;" in detail  # shown as text, not dropped
    search = client.get("/exemples/?q=kermesse").get_data(as_text=True)
    assert "<mark>" in search or "<mark " in search


def test_json_ld_is_valid_and_escaped(client, approved):
    html = client.get(f"/exemples/{approved['zqmarkup'][1]}").get_data(as_text=True)
    page = assert_inert(html)
    [data] = [json.loads(s["text"]) for s in page.scripts if s["type"] == "application/ld+json"]
    assert "<script>" in data["name"]  # the data is intact once parsed
    assert "</script>" not in html.split('type="application/ld+json"')[1].split("</script>")[0]


def test_api_outputs_are_data(client, approved):
    listing = client.get("/api/v1/examples?q=zqmarkup")
    assert listing.mimetype == "application/json"
    assert listing.headers["X-Content-Type-Options"] == "nosniff"
    body = listing.get_json()
    assert body["total"] >= 1
    item = client.get(f"/api/v1/examples/{approved['zqmarkup'][0]}").get_json()
    assert SCRIPT in item["title"] or SCRIPT in item["summary"]
    for private in ("submitter_name", "submitter_email", "submitter_organisation"):
        assert private not in item


def test_csv_neutralises_formulas(client, approved):
    response = client.get("/exemples.csv")
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    cells = [cell for row in rows[1:] for cell in row]
    assert any("HYPERLINK" in cell for cell in cells)
    for cell in cells:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell


def test_json_export_and_atom_are_well_formed(client, approved):
    records = client.get("/exemples.json").get_json()
    assert any(SCRIPT in value for r in records for value in r.values() if isinstance(value, str))
    feed = client.get("/flux.atom").get_data()
    root = ET.fromstring(feed)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.text for e in root.findall("a:entry/a:title", ns)]
    assert any(FORMULAS[0] == t for t in titles)
    for element in root.iter():
        assert not element.tag.endswith("script")


def test_mails_are_plain_text_with_clean_headers(app, approved):
    messages = outbox(app)
    assert messages
    for message in messages:
        assert message.get_content_type() == "text/plain"
        for header in ("Subject", "To", "From"):
            value = str(message[header] or "")
            assert "\n" not in value and "\r" not in value
