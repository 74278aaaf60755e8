"""Whatever arrives in the query string, the search answers: a page, or 404 past the last one."""

from __future__ import annotations

import pytest
from search_helpers import add_records, neutral
from werkzeug.datastructures import MultiDict

from catalogue import search

HOSTILE_Q = [
    "AND OR ((",
    '"unclosed',
    '"',
    '""',
    "title:",
    "title:foo body:bar",
    "*",
    "**",
    "*foo",
    "fo*o*",
    "a*",
    "~",
    "foo~2",
    "^",
    "foo^2",
    "?",
    "[a TO",
    "[1 TO 5]",
    "{a TO b}",
    "((()))",
    "NOT",
    "OR",
    "OU verger OU",
    "AND AND",
    "x" * 10_000,
    "verger " * 2_000,
    "\x00",
    "co\x00opération",
    "\x1b[31mrouge",
    "\u202eevil\u202c",
    "\ud800verger",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "🙂🙃",
    "日本語の検索",
    "l'",
    "l’’’",
    "-",
    "--verger--",
    "co-",
    "-co",
    "a-b-c-d-e-f-g-h-i-j",
    "\\",
    "/regex.*/",
    "é" * 300,
    "   ",
    "\t\n\r",
]

HOSTILE_ARGS = [
    [("page", "abc")],
    [("page", "-1")],
    [("page", "0")],
    [("page", "1e3")],
    [("page", "1.5")],
    [("page", "２")],
    [("page", " 2 ")],
    [("page", "")],
    [("page", "99999999999999999999999")],
    [("page", "7")],
    [("region", "99")],
    [("region", "<b>")],
    [("region", "53\x00")],
    [("region", "")],
    [("departement", "2C")],
    [("odd", "0"), ("odd", "18"), ("odd", "1.0")],
    [("annee", "1990-1999")],
    [("tri", "random")],
    [("tri", "")],
    [("per_page", "0")],
    [("per_page", "100000")],
    [("per_page", "x")],
    [("objectif", "innover")] * 50,
    [("q", "verger"), ("q", "four")],
    [("unknown", "value")],
]


@pytest.fixture
def small_catalogue(search_app):
    add_records([neutral(title=f"Un verger {i}", summary="Un four à pain et un verger.")
                 for i in range(25)])
    return search_app


def run(args: MultiDict):
    req, messages = search.parse_args(args)
    assert all(isinstance(m, str) and m for m in messages)
    try:
        results = search.search(req)
    except search.PageOutOfRange:
        return req, messages, None
    assert not results.degraded
    assert results.pages >= 1 and 0 <= len(results.hits) <= req.per_page
    assert len(search.all_ids(req, limit=5)) == min(5, results.total)
    return req, messages, results


def test_there_are_enough_hostile_inputs():
    assert len(HOSTILE_Q) + len(HOSTILE_ARGS) >= 40


@pytest.mark.parametrize("q", HOSTILE_Q)
def test_hostile_query_is_searched_as_plain_words(small_catalogue, q):
    req, messages, results = run(MultiDict([("q", q)]))
    assert results is not None
    assert len(req.q) <= 200 and "\x00" not in req.q
    if len(q) > 200:
        assert any("200" in m for m in messages)
    for hit in results.hits:
        assert hit.snippet is None or "<script" not in str(hit.snippet)


@pytest.mark.parametrize("pairs", HOSTILE_ARGS, ids=lambda p: repr(p[:2])[:40])
def test_hostile_parameters_never_raise(small_catalogue, pairs):
    req, messages, results = run(MultiDict(pairs))
    if results is None:  # only a page beyond the last one
        assert req.page > 1
    strict_ok = True
    try:
        search.parse_args_strict(MultiDict(pairs))
    except search.BadParameter as exc:
        strict_ok = False
        assert exc.name in {name for name, _ in pairs} and exc.message
    assert strict_ok == (messages == [])


@pytest.mark.parametrize("q", HOSTILE_Q[:12] + ["x" * 10_000, "\x00", "<script>"])
def test_hostile_query_gives_a_normal_page(small_catalogue, client, q):
    response = client.get("/exemples/", query_string={"q": q})
    assert response.status_code == 200
    assert "momentanément dégradée" not in response.get_data(as_text=True)


@pytest.mark.parametrize(("page", "status"), [("abc", 200), ("0", 200), ("2", 200),
                                              ("3", 404), ("99999999999", 404)])
def test_pages_beyond_the_last_are_not_found(small_catalogue, client, page, status):
    response = client.get("/exemples/", query_string={"q": "verger", "page": page})
    assert response.status_code == status


def test_snippets_escape_what_was_indexed(search_app, add):
    add(title="Verger", summary='<img src=x onerror="alert(1)"> verger & <b>four</b>')
    [hit] = search.search(search.SearchRequest(q="verger four")).hits
    html = str(hit.snippet)
    assert "<img" not in html and "<b>" not in html and "&lt;img" in html
