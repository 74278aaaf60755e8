"""« Ma sélection »: the cookie list, its pages without JavaScript, share link, CSV and PDFs."""

from __future__ import annotations

import csv
import io
import re
import socket
from html import unescape
from pathlib import Path

import pytest
from helpers import hidden
from pypdf import PdfReader

from catalogue import selection
from catalogue.dossier import allowed, render_pdf

TITLES = [
    "Une recyclerie entre une association d’insertion et une communauté de communes",
    "Un fonds de dotation territorial pour l’emploi des jeunes",
    "Des entreprises du bâtiment forment des réfugiés avec une école de la deuxième chance",
]


@pytest.fixture
def examples(make_example):
    return [make_example(title=title) for title in TITLES]


def cookie_of(response) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(f"{selection.COOKIE}="):
            return header
    return None


def selection_cookie(client) -> str | None:
    cookie = client.get_cookie(selection.COOKIE)
    return cookie.value if cookie else None


def item_titles(html: str) -> list[str]:
    items = re.findall(r'<li class="selection-item".*?<a href="[^"]*" lang="fr">(.*?)</a>', html, re.S)
    return [unescape(t) for t in items]


def pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# --- the list ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("12-45-7", [12, 45, 7]),
    ("7-7-12-7", [7, 12]),
    ("", []),
    (None, []),
    ("abc", []),
    ("0-3", [3]),
    ("-5--6", [5, 6]),  # the separator is `-`: no negative number can be written
    ("1.5-2e3-٣-²-3", [3]),  # only plain ASCII digits
    ("9" * 40 + "-4", [4]),  # longer than any id: skipped, never an overflow
    ("<script>-1", [1]),
])
def test_parse_ids_keeps_distinct_positive_integers(text, expected):
    assert selection.parse_ids(text) == expected


def test_parse_ids_caps_the_list():
    assert selection.parse_ids("-".join(str(i) for i in range(1, 10_001))) == list(range(1, 51))


def test_list_operations():
    assert selection.with_added([1, 2], 3) == [1, 2, 3]
    assert selection.with_added([1, 2], 2) == [1, 2]
    full = list(range(1, selection.MAX_ITEMS + 1))
    assert selection.with_added(full, 999) == full
    assert selection.without([1, 2, 3], 2) == [1, 3]
    assert selection.moved([1, 2, 3], 3, -1) == [1, 3, 2]
    assert selection.moved([1, 2, 3], 1, 1) == [2, 1, 3]
    assert selection.moved([1, 2, 3], 1, -1) == [1, 2, 3]
    assert selection.moved([1, 2, 3], 3, 1) == [1, 2, 3]
    assert selection.moved([1, 2, 3], 9, 1) == [1, 2, 3]


# --- the visitor's pages, without JavaScript --------------------------------------------------


def test_empty_selection_says_how_to_add(client):
    page = client.get("/selection/")
    assert page.status_code == 200
    assert "Votre sélection est vide." in page.text
    assert "« Ajouter à ma sélection »" in page.text
    assert "Ma sélection (0)" in page.text


def test_add_reorder_remove_and_clear(client, examples):
    first, second, third = examples
    card_page = client.get("/exemples/")
    assert card_page.text.count("Ajouter à ma sélection") == 3
    for example in examples:
        response = client.post(f"/selection/ajouter/{example.id}", data={"next": "/exemples/?q=emploi"})
        assert response.status_code == 303
        assert response.headers["Location"] == "/exemples/?q=emploi"
    assert selection_cookie(client) == f"{first.id}-{second.id}-{third.id}"
    page = client.get("/selection/")
    assert item_titles(page.text) == TITLES
    assert "Ma sélection (3)" in page.text
    example_page = client.get(f"/exemples/{first.slug}").text
    assert f'action="/selection/retirer/{first.id}"' in example_page
    assert f'action="/selection/ajouter/{first.id}"' not in example_page

    assert client.post(f"/selection/monter/{third.id}").status_code == 303
    assert client.post(f"/selection/descendre/{first.id}").status_code == 303
    page = client.get("/selection/")
    assert item_titles(page.text) == [TITLES[2], TITLES[0], TITLES[1]]

    response = client.post(f"/selection/retirer/{first.id}", data={"next": f"/exemples/{first.slug}"})
    assert response.headers["Location"] == f"/exemples/{first.slug}"
    assert "a été retiré de votre sélection" in client.get("/selection/").text
    assert selection_cookie(client) == f"{third.id}-{second.id}"

    confirm = client.get("/selection/vider")
    assert "Vider la sélection ?" in confirm.text and selection_cookie(client)
    response = client.post("/selection/vider")
    assert response.status_code == 303 and selection_cookie(client) is None
    assert "Votre sélection est vide." in client.get("/selection/").text


@pytest.mark.parametrize("target", ["https://ailleurs.example/", "//ailleurs.example/",
                                    "javascript:alert(1)", ""])
def test_going_back_stays_on_the_site(client, examples, target):
    response = client.post(f"/selection/ajouter/{examples[0].id}", data={"next": target})
    assert response.headers["Location"] == "/selection/"


def test_only_published_examples_can_be_added(client, make_example):
    pending = make_example("pending", title="Une proposition en attente")
    assert client.post(f"/selection/ajouter/{pending.id}").status_code == 404
    assert client.post("/selection/ajouter/999999").status_code == 404
    assert selection_cookie(client) is None


def test_cookie_flags(client, examples):
    header = cookie_of(client.post(f"/selection/ajouter/{examples[0].id}"))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Secure" not in header


def test_cookie_is_secure_over_https(app, examples):
    app.config["HTTPS"] = True
    header = cookie_of(app.test_client().post(f"/selection/ajouter/{examples[0].id}"))
    assert "Secure" in header


@pytest.mark.parametrize("value", [
    "garbage", "%00%ff", "-1--2", "1" * 5000, "-".join(["7"] * 3000),
    "-".join(str(i) for i in range(1, 10_001)), "2.5", "99999999999999999999999999",
])
def test_tampered_cookie_gives_a_normal_page(app, examples, make_example, value):
    pending = make_example("pending", title="Une proposition en attente")
    # Sent as a raw header: a browser would refuse to store the largest of these.
    headers = {"Cookie": f"{selection.COOKIE}={value}-{pending.id}-{examples[1].id}"}
    client = app.test_client(use_cookies=False)
    for path in ("/selection/", "/exemples/", f"/exemples/{examples[1].slug}", "/"):
        response = client.get(path, headers=headers)
        assert response.status_code == 200, path
    page = client.get("/selection/", headers=headers)
    # Only published examples are shown and counted; 1 and 2 are the fixture's published ones.
    shown = item_titles(page.text)
    assert TITLES[1] in shown and "Une proposition en attente" not in shown
    assert f"Ma sélection ({len(shown)})" in page.text


def test_adding_with_a_tampered_cookie_rewrites_it_clean(client, examples, make_example):
    pending = make_example("pending", title="Une proposition en attente")
    client.set_cookie(selection.COOKIE, f"abc-{pending.id}-999999-{examples[0].id}")
    client.post(f"/selection/ajouter/{examples[1].id}")
    assert selection_cookie(client) == f"{examples[0].id}-{examples[1].id}"


def test_a_full_selection_refuses_more(client, examples, monkeypatch):
    monkeypatch.setattr(selection, "MAX_ITEMS", 2)  # the cap, made small enough to reach
    client.set_cookie(selection.COOKIE, f"{examples[0].id}-{examples[1].id}")
    client.post(f"/selection/ajouter/{examples[2].id}")
    assert "retirez-en un pour en ajouter un autre" in client.get("/selection/").text
    assert selection_cookie(client) == f"{examples[0].id}-{examples[1].id}"


def test_forms_carry_a_csrf_token(make_app):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    page = client.get("/exemples/")
    assert client.post("/selection/ajouter/1").status_code == 400
    assert "Ajouter à ma sélection" not in page.text  # empty catalogue: nothing to add yet
    page = client.get("/selection/vider")
    token = hidden(page.text, "csrf_token")
    assert client.post("/selection/vider", data={"csrf_token": token}).status_code == 303


# --- share link, CSV, PDF ---------------------------------------------------------------------


def test_share_link_is_read_only_and_can_be_taken_over(client, app, examples, make_example):
    pending = make_example("pending", title="Une proposition en attente")
    ids = f"{examples[2].id}-{pending.id}-{examples[0].id}"
    stranger = app.test_client()
    page = stranger.get(f"/selection/{ids}")
    assert page.status_code == 200
    assert item_titles(page.text) == [TITLES[2], TITLES[0]]
    assert "Monter" not in page.text and "Reprendre cette sélection" in page.text
    assert selection_cookie(stranger) is None
    response = stranger.post(f"/selection/{ids}/reprendre")
    assert response.status_code == 303
    assert selection_cookie(stranger) == f"{examples[2].id}-{examples[0].id}"


def test_own_page_gives_the_share_link(client, examples):
    client.set_cookie(selection.COOKIE, f"{examples[1].id}-{examples[0].id}")
    page = client.get("/selection/")
    assert f'value="http://localhost/selection/{examples[1].id}-{examples[0].id}"' in page.text
    assert f'href="/selection/{examples[1].id}-{examples[0].id}.pdf"' in page.text
    assert f'href="/selection/{examples[1].id}-{examples[0].id}.csv"' in page.text


@pytest.mark.parametrize("path", ["/selection/abc", "/selection/1-", "/selection/-1",
                                  "/selection/" + "-".join(["1"] * 51), "/selection/1-2.doc"])
def test_malformed_share_links_are_not_found(client, path):
    assert client.get(path).status_code == 404


def test_csv_has_the_catalogue_export_columns(client, examples):
    ids = f"{examples[1].id}-{examples[0].id}"
    response = client.get(f"/selection/{ids}.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    catalogue_header = next(csv.reader(
        io.StringIO(client.get("/exemples.csv").data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == catalogue_header
    title = rows[0].index("title")
    assert [row[title] for row in rows[1:]] == [TITLES[1], TITLES[0]]


def test_pdf_dossier_opens_and_holds_each_example(client, examples):
    ids = "-".join(str(e.id) for e in examples)
    response = client.get(f"/selection/{ids}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    text = pdf_text(response.data)
    assert len(reader.pages) >= 2 + len(examples)  # cover, contents, a page per example
    assert "Ma sélection d’alliances" in text and "3 exemples" in text and "Sommaire" in text
    for title in TITLES:
        assert text.count(title) >= 2, title  # in the contents and on its page
    assert "Ville de Rennes" in text and "deux tonnes de légumes" in text


def test_example_fiche_pdf(client, examples, make_example):
    response = client.get(f"/exemples/{examples[0].slug}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert TITLES[0] in pdf_text(response.data)
    page = client.get(f"/exemples/{examples[0].slug}")
    assert f'href="/exemples/{examples[0].slug}.pdf"' in page.text
    pending = make_example("pending", title="Une proposition en attente")
    assert client.get(f"/exemples/{pending.slug}.pdf").status_code == 404
    assert client.get("/exemples/inconnu.pdf").status_code == 404


def test_pdf_reads_only_the_static_folder(app):
    root = Path(app.static_folder).resolve()
    assert allowed((root / "css" / "dossier.css").as_uri(), root)
    assert allowed("data:text/plain,x", root)
    assert not allowed("https://example.org/font.woff2", root)
    assert not allowed("file:///etc/passwd", root)
    assert not allowed((root / ".." / "setup.cfg").as_uri(), root)
    # A document naming a resource on a listening server: no connection reaches it.
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        server.setblocking(False)
        url = f"http://127.0.0.1:{server.getsockname()[1]}/x.png"
        assert not allowed(url, root)
        with app.test_request_context():
            body = render_pdf(f'<p>Texte</p><img src="{url}" alt="">'
                              f'<link rel="stylesheet" href="{url}">')
        with pytest.raises(BlockingIOError):
            server.accept()
    assert "Texte" in pdf_text(body)


def test_unreachable_database_with_a_selection_answers_503(tmp_path, monkeypatch):
    from helpers import settings_for
    from live import free_port

    from catalogue import create_app

    monkeypatch.setenv("CATALOGUE_INSTANCE_PATH", str(tmp_path / "instance"))
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/catalogue?connect_timeout=2"
    client = create_app(settings_for(tmp_path, DATABASE_URL=url)).test_client(use_cookies=False)
    for path in ("/", "/selection/"):
        response = client.get(path, headers={"Cookie": f"{selection.COOKIE}=1-2"})
        assert response.status_code == 503, path
        assert "Service momentanément indisponible" in response.text
