"""Public pages as a visitor meets them: home, catalogue with filters, examples, framework."""

from __future__ import annotations

import re
from html import unescape

import pytest
import sqlalchemy as sa

from catalogue import framework, public, search, taxonomy
from catalogue.extensions import db
from catalogue.models import Example


def text(response) -> str:
    return response.get_data(as_text=True)


def published(app) -> list[Example]:
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Example).where(Example.state == "published")).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def listed_slugs(client, query: str) -> list[str]:
    """Every example slug the catalogue lists for a query string, over all pages."""
    slugs, page = [], 1
    while True:
        response = client.get(f"/exemples/?{query}&page={page}")
        assert response.status_code == 200, query
        found = re.findall(r'class="example-card-title"><a href="/exemples/([^"?]+)[?"]', text(response))
        slugs += found
        if 'rel="next"' not in text(response):
            return slugs
        page += 1


def test_home_shows_search_objectives_figures_and_latest(client, demo, app):
    page = text(client.get("/"))
    assert 'role="search"' in page and 'name="q"' in page
    for objective in taxonomy.OBJECTIVES:
        assert objective.label.replace("’", "&#39;") in page or objective.label in page
    for figure in framework.HOME_FIGURES:
        assert figure.value in page
    latest = sorted(published(app), key=lambda e: e.published_at, reverse=True)[:6]
    positions = [page.index(f"/exemples/{e.slug}") for e in latest]
    assert positions == sorted(positions)
    assert "illustratifs" in page


def test_home_objective_counts_match_the_database(client, demo, app):
    page = text(client.get("/"))
    for objective in taxonomy.OBJECTIVES:
        n = sum(objective.code in e.objectives for e in published(app))
        assert f'href="/exemples/?objectif={objective.code}">{n} exemples' in page


def test_catalogue_lists_published_examples_newest_first_20_a_page(client, demo, app):
    rows = sorted(published(app), key=lambda e: (e.published_at, e.id), reverse=True)
    first = text(client.get("/exemples/"))
    assert f"{len(rows)} exemples" in first
    slugs = re.findall(r'class="example-card-title"><a href="/exemples/([^"?]+)[?"]', first)
    assert slugs == [e.slug for e in rows[:20]]
    assert listed_slugs(client, "tri=recent") == [e.slug for e in rows]


FILTERS = [
    ("objectif", lambda e: e.objectives),
    ("region", lambda e: e.regions),
    ("departement", lambda e: e.departements),
    ("acteur", lambda e: [p.kind for p in e.partners]),
    ("theme", lambda e: e.themes),
    ("odd", lambda e: [str(n) for n in e.odd]),
    ("echelle", lambda e: [e.scale]),
]


@pytest.mark.parametrize(("name", "values_of"), FILTERS, ids=[f[0] for f in FILTERS])
def test_each_filter_returns_exactly_the_matching_examples(client, demo, app, name, values_of):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Example).where(Example.state == "published")
            .options(sa.orm.selectinload(Example.partners))).all()
        seen_values = sorted({v for e in rows for v in values_of(e)})
        assert seen_values
        for value in seen_values[:6]:
            expected = {e.slug for e in rows if value in values_of(e)}
            assert set(listed_slugs(client, f"{name}={value}")) == expected, (name, value)


def test_filters_combine_and_across_or_within(client, demo, app):
    rows = published(app)
    expected = {e.slug for e in rows
                if ("53" in e.regions or "11" in e.regions) and "innover" in e.objectives}
    assert set(listed_slugs(client, "region=53&region=11&objectif=innover")) == expected


def test_partner_kinds_mean_alliances_bringing_them_together(client, demo, app):
    with app.app_context():
        rows = db.session.scalars(
            sa.select(Example).where(Example.state == "published")
            .options(sa.orm.selectinload(Example.partners))).all()
        kinds = {e.slug: {p.kind for p in e.partners} for e in rows}
    expected = {slug for slug, found in kinds.items() if {"association", "entreprise"} <= found}
    assert 0 < len(expected) < sum("association" in found for found in kinds.values())
    assert set(listed_slugs(client, "acteur=association&acteur=entreprise")) == expected
    page = unescape(text(client.get("/exemples/?acteur=association&acteur=entreprise")))
    assert "Alliances réunissant Association et Entreprise" in page
    assert "pour les alliances qui les réunissent tous" in page


def facet_values(page: str, name: str) -> list[str]:
    """The values a facet of the sidebar links to, in order (selected or not)."""
    return re.findall(rf'href="/exemples/\?[^"]*?{name}=([^"&#]+)[^"]*" class="facet-value', page)


def test_sidebar_lists_ten_departements_until_a_region_is_chosen(client, make_example):
    places = {"53": ["22", "29", "35", "56"], "28": ["14", "27", "50", "61", "76"],
              "52": ["44", "49", "85"]}
    for region, departements in places.items():
        for code in departements:
            for _ in range(3 if code in ("35", "85") else 1):
                make_example(title=f"Une recyclerie {code}", regions=[region], departements=[code])
    page = unescape(text(client.get("/exemples/")))
    shown = facet_values(page, "departement")
    # The two with three examples, then eight of those with one, in the taxonomy's order.
    assert shown == ["14", "22", "27", "29", "35", "44", "49", "50", "56", "85"]
    assert "Et 2 autres : choisissez une région pour les voir." in page
    chosen = unescape(text(client.get("/exemples/?departement=76")))
    # A chosen département is listed whatever its count (76 is not among the ten best).
    assert 'aria-label="Retirer le filtre département : Seine-Maritime"' in chosen
    assert "Et 1 autre : choisissez une région pour le voir." in chosen
    in_region = unescape(text(client.get("/exemples/?region=28")))
    assert facet_values(in_region, "departement") == ["14", "27", "50", "61", "76"]
    assert "choisissez une région" not in in_region


def test_links_carry_the_filters_as_understood(client, make_example):
    make_example(title="Une recyclerie", regions=["53"], departements=[])
    make_example(title="Un jardin", regions=["52"], departements=[])
    page = unescape(text(client.get("/exemples/?region=%2053&region=99")))
    assert "Filtre ignoré : région « 99 » inconnue." in page
    # The chip removes the région typed with a space; no link keeps the unknown one.
    assert '<a class="chip" href="/exemples/#resultats">' in page
    assert 'href="/exemples/?region=53&region=52#resultats" class="facet-value"' in page
    assert "region=99" not in page and "region=+53" not in page


def test_filters_fold_under_a_count_of_the_active_ones_before_the_results(client, demo):
    page = unescape(text(client.get("/exemples/")))
    assert '<details class="filters" id="filtres">\n    <summary>Filtrer (0)</summary>' in page
    page = unescape(text(client.get("/exemples/?region=53&objectif=innover&objectif=hybrider")))
    assert "<summary>Filtrer (3)</summary>" in page
    # Right under the search box: the filters, then the results they land on.
    assert (page.index('role="search"') < page.index('class="filters"')
            < page.index('id="resultats"') < page.index('class="example-card-title"'))
    assert 'action="/exemples/#resultats"' in page


def test_filter_chip_and_sort_links_land_on_the_results(client, demo):
    page = unescape(text(client.get("/exemples/?q=insertion&region=53")))
    facet_links = re.findall(r'href="([^"]*)" class="facet-value', page)
    assert facet_links and all(link.endswith("#resultats") for link in facet_links)
    chips = re.findall(r'<a class="chip[^"]*" href="([^"]*)"', page)
    assert chips == ["/exemples/?q=insertion#resultats", "/exemples/?q=insertion#resultats"]
    sorts = re.findall(r'<li><a href="(/exemples/\?[^"]*tri=[^"]*)"( aria-current="true")?>([^<]*)</a>',
                       page)
    assert [(href, bool(current), label) for href, current, label in sorts] == [
        ("/exemples/?q=insertion&region=53&tri=pertinence#resultats", True, "pertinence"),
        ("/exemples/?q=insertion&region=53&tri=recent#resultats", False, "les plus récents"),
        ("/exemples/?q=insertion&region=53&tri=titre#resultats", False, "titre"),
    ]


def test_chips_name_the_facet_and_the_value(app, demo):
    with app.test_request_context("/exemples/?region=53&acteur=entreprise") as context:
        req, _ = search.parse_args(context.request.args)
        found = public.chips(search.search(req))
    # In the order of the facets in the sidebar.
    assert [chip.label for chip in found] == ["Type de partenaire : Entreprise", "Région : Bretagne"]
    assert [chip.href for chip in found] == ["/exemples/?region=53#resultats",
                                             "/exemples/?acteur=entreprise#resultats"]


def test_tools_sit_next_to_the_results_count(client, demo):
    page = text(client.get("/exemples/?q=insertion"))
    count = page.index('id="titre-resultats"')
    tools = page.index('class="catalogue-tools"')
    assert count < tools < page.index('class="example-card-title"')
    assert "Recevoir les nouveaux exemples" in page[tools:] and "flux Atom" in page[tools:]


def test_back_to_the_results_returns_to_the_search_it_came_from(client, demo):
    page = unescape(text(client.get("/exemples/?q=insertion&region=53&tri=titre&page=1")))
    link = re.search(r'class="example-card-title"><a href="([^"]+)"', page).group(1)
    assert "?retour=" in link
    example = unescape(text(client.get(link)))
    back = re.search(r'<p class="back-link"><a href="([^"]+)">', example).group(1)
    assert back == "/exemples/?q=insertion&region=53&tri=titre&page=1#resultats"
    assert "Retour aux résultats" in example
    # The similar examples keep the way back to the same search.
    similar = re.findall(r'class="example-card-title"><a href="([^"]+)"', example)
    assert similar and all("retour=" in href for href in similar)


@pytest.mark.parametrize("target", [
    "https://evil.example/exemples/?q=a", "//evil.example/exemples/", "/connexion?next=/",
    "javascript:alert(1)", "/exemples/x", "/exemples/?q=" + "a" * 3000,
])
def test_back_link_refuses_anything_but_a_catalogue_search(client, make_example, target):
    example = make_example()
    page = text(client.get(f"/exemples/{example.slug}", query_string={"retour": target}))
    assert "Retour aux résultats" not in page and 'class="back-link"' not in page


def test_back_link_keeps_only_what_the_search_understands(client, make_example):
    example = make_example()
    target = '/exemples/?q=jardin"><script>&region=53&region=99&evil=1'
    page = text(client.get(f"/exemples/{example.slug}", query_string={"retour": target}))
    back = re.search(r'<p class="back-link"><a href="([^"]+)">', page).group(1)
    assert unescape(back) == "/exemples/?q=jardin%22%3E%3Cscript%3E&region=53#resultats"


def test_example_page_shows_every_public_field(client, app, make_example):
    example = make_example(website="https://potager.example.org", resources="Budget de 12 000 €.",
                           transferability="Un terrain et une équipe bénévole.")
    page = text(client.get(f"/exemples/{example.slug}"))
    for value in ("Un potager partagé", "Rennes", "Ille-et-Vilaine", "Bretagne", "Locale",
                  "Les Jardins du Thabor", "Prête le terrain.", "Budget de 12 000 €.",
                  "Un terrain et une équipe bénévole.", "https://potager.example.org",
                  "2019", "En cours", "ODD 2"):
        assert value in page, value
    assert 'href="/exemples/?objectif=co-construire"' in page
    assert 'href="/exemples/?theme=alimentation-agriculture"' in page


@pytest.mark.parametrize("state", ["pending", "changes_requested", "rejected", "archived"])
def test_unpublished_examples_are_404(client, make_example, state):
    if state == "archived":
        example = make_example("published")
        from catalogue.workflow import transition

        with client.application.app_context():
            row = db.session.get(Example, example.id)
            transition(row, "archive")
            db.session.commit()
    else:
        example = make_example(state)
    response = client.get(f"/exemples/{example.slug}")
    assert response.status_code == 404
    assert "Page introuvable" in text(response)


def test_private_fields_are_not_shown(client, app, make_example):
    example = make_example(submitter_name="Camille Secret", submitter_email="camille@example.org",
                           submitter_organisation="Org Secrète", contact="06 00 00 00 00")
    page = text(client.get(f"/exemples/{example.slug}"))
    for private in ("Camille Secret", "camille@example.org", "Org Secrète", "06 00 00 00 00"):
        assert private not in page


def test_public_contact_is_shown_with_consent(client, make_example):
    example = make_example(contact="contact@potager.example.org", contact_public=True)
    assert "contact@potager.example.org" in text(client.get(f"/exemples/{example.slug}"))


def test_rich_text_is_sanitised(client, make_example):
    example = make_example(description="Un **atelier** <script>alert(1)</script> [lien](javascript:alert(2))")
    page = text(client.get(f"/exemples/{example.slug}"))
    assert "<strong>atelier</strong>" in page
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'href="javascript' not in page


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/cadre/", "Le RAMEAU"),
        ("/cadre/objectifs/equilibrer", "Équilibrer performance et engagement"),
        ("/cadre/objectifs/hybrider", "Hybrider son modèle socio-économique"),
        ("/cadre/objectifs/innover", "innovation sociétale"),
        ("/cadre/objectifs/co-construire", "Co-construire territorialement"),
        ("/cadre/chiffres", "81"),
        ("/cadre/ressources", "https://odd17.org/"),
    ],
)
def test_framework_pages(client, demo, url, expected):
    response = client.get(url)
    assert response.status_code == 200
    assert expected in text(response)


def test_objective_page_lists_its_examples(client, demo, app):
    page = text(client.get("/cadre/objectifs/hybrider"))
    n = sum("hybrider" in e.objectives for e in published(app))
    assert f"Voir les {n}&nbsp;exemples" in page
    assert page.count('href="/exemples/') >= 6


def test_key_figures_cite_their_sources(client):
    page = unescape(text(client.get("/cadre/chiffres")))
    for figure in framework.KEY_FIGURES:
        assert figure.value in page
        assert figure.source in page, figure.source


def test_unknown_objective_is_404(client):
    assert client.get("/cadre/objectifs/inconnu").status_code == 404


@pytest.mark.parametrize(
    ("method", "url", "code", "title"),
    [
        ("get", "/nulle-part", 404, "Page introuvable"),
        ("post", "/exemples/", 405, "Méthode non autorisée"),
        ("get", "/exemples/?page=9999", 404, "Page introuvable"),
    ],
)
def test_error_pages_are_french(client, demo, method, url, code, title):
    response = getattr(client, method)(url)
    assert response.status_code == code
    assert title in text(response)
    assert '<html lang="fr">' in text(response)


def test_every_page_has_a_skip_link_and_one_h1(client, demo, app):
    slug = published(app)[0].slug
    for url in ("/", "/exemples/", f"/exemples/{slug}", "/cadre/", "/cadre/chiffres"):
        page = text(client.get(url))
        assert 'href="#contenu"' in page
        assert page.count("<h1") == 1, url


def test_static_assets_are_served_locally(client):
    with client.get("/static/css/site.css") as response:
        assert response.status_code == 200
    page = text(client.get("/"))
    assert not re.search(r'(src|href)="(https?:)?//', page.split("<main")[0])


def test_spelling_correction_offers_the_original_words(client, demo):
    page = text(client.get("/exemples/?q=educaton"))
    assert "Résultats pour « éducation »" in page
    link = re.search(r'<a href="([^"]*exact=1[^"]*)">Rechercher quand même', page)
    assert link
    original = text(client.get(link.group(1).replace("&amp;", "&")))
    assert "Aucun exemple" in original
    assert "Vouliez-vous dire" in original and "éducation" in original


def test_listing_trusts_the_database_over_a_lagging_index(client, app, make_example):
    example = make_example(title="Un lavoir restauré par ses voisins")
    with app.app_context():  # a bulk UPDATE emits no ORM event: the index still lists it
        db.session.execute(sa.update(Example).where(Example.id == example.id).values(state="archived"))
        db.session.commit()
    page = text(client.get("/exemples/?q=lavoir"))
    assert f"/exemples/{example.slug}" not in page
