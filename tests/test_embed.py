"""« Intégrer » : the snippet builder and the list other sites frame (/integrer/, /integrer/liste)."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qsl, urlsplit

from test_public import listed_slugs, text

from catalogue import embed


def snippet_of(page: str) -> str:
    match = re.search(r'<textarea id="code-integration"[^>]*>(.*?)</textarea>', page, re.S)
    assert match, "no snippet on the page"
    return unescape(match.group(1))


def listed_in_embed(page: str) -> list[str]:
    return re.findall(r'<a href="http://localhost/exemples/([^"?]+)" target="_top">', page)


# --- the builder ------------------------------------------------------------------------------

def test_builder_snippet_carries_the_search_and_the_count(client, demo):
    page = text(client.get("/integrer/?q=jardin&region=53&objectif=innover&nombre=3&tri=titre"))
    code = snippet_of(page)
    iframe = re.fullmatch(r'<iframe src="([^"]+)" title="([^"]+)" height="(\d+)" '
                          r'style="width: 100%; border: 0;" loading="lazy"></iframe>', code)
    assert iframe, code
    src = urlsplit(unescape(iframe.group(1)))  # &amp; in the attribute, as HTML wants
    # Absolute, on BASE_URL (http://localhost in tests), whatever Host the request named.
    assert (src.scheme, src.netloc, src.path) == ("http", "localhost", "/integrer/liste")
    assert sorted(parse_qsl(src.query)) == sorted(
        [("q", "jardin"), ("objectif", "innover"), ("region", "53"), ("nombre", "3")])
    assert iframe.group(2) == "Exemples d’alliances – Catalogue des alliances"
    assert int(iframe.group(3)) == embed.frame_height(3)
    # The textarea is read-only and labelled; the live preview is the list itself.
    assert re.search(r'<label for="code-integration">', page)
    assert re.search(r'<textarea id="code-integration"[^>]*\breadonly\b', page)
    preview = re.search(r'<iframe class="embed-preview" src="([^"]+)"', page).group(1)
    assert unescape(preview) == "/integrer/liste?" + src.query


def test_snippet_and_list_links_follow_base_url_not_the_host(client, demo):
    page = text(client.get("/integrer/?q=jardin", headers={"Host": "127.0.0.1"}))
    assert snippet_of(page).startswith('<iframe src="http://localhost/integrer/liste?q=jardin&amp;')
    listed = text(client.get("/integrer/liste?q=jardin", headers={"Host": "127.0.0.1"}))
    assert listed_in_embed(listed) and "127.0.0.1" not in listed


def test_builder_offers_the_counts_in_a_get_form_keeping_the_search(client, demo):
    page = text(client.get("/integrer/?q=jardin&region=53&region=11"))
    form = re.search(r'<form method="get" action="/integrer/"[^>]*>(.*?)</form>', page, re.S).group(1)
    assert re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form) == [
        ("q", "jardin"), ("region", "11"), ("region", "53")]
    values = re.findall(r'<input type="radio" name="nombre" value="(\d+)"( checked)?>', form)
    assert values == [("3", ""), ("5", " checked"), ("10", "")]
    assert "Combien d’exemples la liste montre-t-elle ?" in form
    # The search is described as the catalogue understood it.
    assert "<dd>« jardin »</dd>" in page and "Bretagne" in page and "Île-de-France" in page


def test_catalogue_links_to_the_builder_with_its_search(client, demo):
    page = text(client.get("/exemples/?q=jardin&region=53&tri=titre&page=1"))
    link = re.search(r'<a href="([^"]+)">Intégrer cette liste à votre site</a>', page)
    assert link, "no link to /integrer/"
    url = urlsplit(unescape(link.group(1)))
    assert url.path == "/integrer/"
    assert sorted(parse_qsl(url.query)) == [("q", "jardin"), ("region", "53")]


# --- the list ---------------------------------------------------------------------------------

QUERIES = ["", "objectif=innover", "region=84&acteur=entreprise", "q=jardin",
           "q=emploi&theme=emploi-insertion"]


def test_list_is_the_catalogues_newest_matches(client, demo):
    for query in QUERIES:
        newest = listed_slugs(client, f"{query}&tri=recent")
        for count in (3, 10):
            page = text(client.get(f"/integrer/liste?{query}&nombre={count}"))
            assert listed_in_embed(page) == newest[:count], (query, count)
        assert newest, query  # every query finds something in the demo
        all_link = re.search(r'<p class="embed-all"><a href="([^"]+)" target="_top">([^<]+)</a>', page)
        url = urlsplit(unescape(all_link.group(1)))
        assert (url.scheme, url.netloc, url.path) == ("http", "localhost", "/exemples/")
        assert sorted(parse_qsl(url.query)) == sorted(parse_qsl(query))
        assert all_link.group(2) == (f"Voir les {len(newest)} exemples sur le Catalogue des alliances"
                                     if len(newest) > 1 else
                                     "Voir l’exemple sur le Catalogue des alliances")


def test_list_item_shows_title_summary_place_and_link(client, make_example):
    example = make_example(summary="Une phrase. " * 30, locality="Rennes", regions=["53"])
    page = text(client.get("/integrer/liste"))
    item = re.search(r'<ul class="embed-list">(.*?)</ul>', page, re.S).group(1)
    assert f'<h2 lang="fr">{example.title}</h2>' in item
    summary = re.search(r'<p class="embed-summary" lang="fr">([^<]+)</p>', item).group(1)
    assert len(summary) <= embed.SUMMARY_MAX and summary.startswith("Une phrase.")
    assert "Rennes · Bretagne" in item
    assert (f'<a href="http://localhost/exemples/{example.slug}" target="_top">Voir l’exemple'
            f'<span class="visually-hidden"> : {example.title}</span></a>') in item
    assert '<link rel="stylesheet" href="/static/css/embed.css">' in page
    assert "site.css" not in page


def test_list_without_match_says_so(client, demo):
    page = text(client.get("/integrer/liste?q=zzzzqqqq&exact=1"))
    assert "Aucun exemple publié ne correspond encore à cette recherche." in page
    assert listed_in_embed(page) == []


BAD = [
    ("nombre=99999999999999999999999", "Au plus 10 exemples sont affichés dans une liste intégrée.", 10),
    ("nombre=11", "Au plus 10 exemples sont affichés dans une liste intégrée.", 10),
    ("nombre=-3", "Nombre d’exemples invalide « -3 » : 5 retenus.", 5),
    ("nombre=0", "Nombre d’exemples invalide « 0 » : 5 retenus.", 5),
    ("nombre=%3Cscript%3E", "Nombre d’exemples invalide « &lt;script&gt; » : 5 retenus.", 5),
    ("nombre=%D9%A3", "Nombre d’exemples invalide « ٣ » : 5 retenus.", 5),  # an Arabic-Indic 3
    ("region=xx", "Filtre ignoré : région « xx » inconnue.", 5),
    ("q=" + "a" * 300, "Recherche trop longue", 0),
]


def test_bad_parameters_give_the_list_with_a_french_note(client, demo):
    for query, note, listed in BAD:
        for path in ("/integrer/liste", "/integrer/"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 200, (path, query)
            assert note in text(response), (path, query)
        assert len(listed_in_embed(text(client.get(f"/integrer/liste?{query}")))) == listed, query


def test_malformed_queries_never_fail(client, demo):
    for query in ["q=%22unclosed", "q=AND+OR+NOT", "q=*", "q=%00%ff", "nombre=3&nombre=abc",
                  "q=(((", "nombre=%F0%9F%98%80", "region=53&region=53&nombre=%0A3"]:
        for path in ("/integrer/liste", "/integrer/"):
            assert client.get(f"{path}?{query}").status_code == 200, (path, query)


def test_parse_count():
    assert embed.parse_count({}) == (5, None)
    assert embed.parse_count({"nombre": " 3 "}) == (3, None)
    assert embed.parse_count({"nombre": "10"}) == (10, None)
    assert embed.parse_count({"nombre": "1000"})[0] == 10
    assert embed.parse_count({"nombre": "trois"})[0] == 5


# --- framing and cookies ----------------------------------------------------------------------

def test_list_may_be_framed_by_any_site(client, demo):
    response = client.get("/integrer/liste?region=53")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "'none'" in csp.split("frame-ancestors")[0]
    assert "script-src" not in csp and "default-src 'none'" in csp and "style-src 'self'" in csp
    assert "X-Frame-Options" not in response.headers
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_builder_is_not_frameable(client):
    response = client.get("/integrer/")
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


def test_list_sets_no_cookie_even_for_a_logged_in_visitor_with_pending_messages(
        client, demo, auth, make_user):
    make_user()
    auth.login()  # a session cookie with a login, and a flash message waiting to be shown
    client.set_cookie("lang", "en")
    client.set_cookie("selection", "1")
    response = client.get("/integrer/liste?objectif=innover", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers.getlist("Set-Cookie") == []
    assert "See the example" in text(response)
    # The flash was not consumed: the next ordinary page still shows it.
    assert "vous êtes connecté" in text(client.get("/", headers={"Accept-Language": "fr"}))


def test_list_sets_no_cookie_for_a_new_visitor(client, demo):
    response = client.get("/integrer/liste?nombre=abc&region=xx")
    assert response.headers.getlist("Set-Cookie") == []


def test_every_other_get_route_refuses_framing(app, client, demo, make_example):
    """Walk the URL map: every GET route but the embedded list answers frame-ancestors 'none'."""
    from test_access import ACCESS

    pending = make_example("pending", title="Une proposition en attente")
    values = {"pub": "x", "pen": pending.slug, "pub_id": 1, "pen_id": pending.id, "user_id": 1,
              "rev_id": 1, "report_id": 1, "org_id": 1, "org": "x"}
    checked = set()
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        url = ACCESS[(rule.endpoint, "GET")][0].format(**values)
        response = client.get(url)
        response.close()
        csp = response.headers["Content-Security-Policy"]
        if rule.endpoint == "embed.embedded_list":
            assert "frame-ancestors *" in csp and "X-Frame-Options" not in response.headers
        else:
            assert "frame-ancestors 'none'" in csp, url
            assert response.headers["X-Frame-Options"] == "DENY", url
        checked.add(rule.endpoint)
    assert {"embed.builder", "embed.embedded_list", "public.catalogue", "moderation.queue"} <= checked
