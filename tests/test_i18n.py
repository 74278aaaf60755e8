"""French by default, English on request: a complete catalogue, no stray text, pages that follow.

A template text outside `_()`/`{% trans %}` fails `test_template_has_no_untranslated_text`; a new
msgid without an English translation fails `test_every_msgid_has_an_english_translation`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from helpers import PASSWORD, body, error_for, form_data, outbox
from jinja2 import Environment

from catalogue import i18n

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
PO = ROOT / "catalogue" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")
EN = {"Accept-Language": "en-GB,en;q=0.9"}


# --- the catalogue ---------------------------------------------------------------------------


def extracted() -> dict:
    """Extract the msgids as `make translations` does (babel.cfg), keyed by msgid."""
    with open(ROOT / "babel.cfg", encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")

    def only_sources(dirpath: str) -> bool:
        relative = Path(dirpath).relative_to(ROOT).parts
        return not relative or relative[0] in ("catalogue", "templates")

    found: dict = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, directory_filter=only_sources
    ):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


@pytest.fixture(scope="module")
def po():
    with open(PO, "rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def msgids():
    return extracted()


def test_extraction_finds_the_interface_and_the_data(msgids):
    assert len(msgids) > 500
    for msgid in ("Proposer un exemple", "Page introuvable", "Hybrider son modèle socio-économique",
                  "Bonne santé et bien-être", "En attente de modération", "L’envie d’alliance",
                  "Indiquez votre adresse électronique.", "Bonjour %(name)s,"):
        assert msgid in msgids
    assert "Bretagne" not in msgids, "région names are proper nouns: never translated"


def test_every_msgid_has_an_english_translation(po, msgids):
    missing = [
        f"{msgid!r} ({', '.join(msgids[msgid][:2])})"
        for msgid in msgids
        if msgid not in po or not all(po[msgid].string if isinstance(po[msgid].string, tuple)
                                      else [po[msgid].string])
    ]
    assert not missing, "no English translation (run `make translations`):\n" + "\n".join(missing)
    fuzzy = [m.id for m in po if m.id and m.fuzzy]
    assert not fuzzy, f"fuzzy translations to review: {fuzzy}"


def test_the_catalogue_holds_nothing_obsolete(po, msgids):
    stale = [
        m.id for m in po if m.id and (m.id if isinstance(m.id, str) else m.id[0]) not in msgids
    ]
    assert not stale, f"translations no code uses any more: {stale}"
    assert not po.obsolete, "obsolete (#~) entries: run `make translations`"


def test_translations_keep_the_placeholders(po):
    problems = [(message.id, [str(e) for e in errors]) for message, errors in po.check()]
    assert not problems


def test_compiled_catalogue_matches_the_po(po):
    with open(MO, "rb") as f:
        compiled = read_mo(f)
    def entries(catalog):
        return {
            tuple(m.id) if not isinstance(m.id, str) else m.id:
            tuple(m.string) if not isinstance(m.string, str) else m.string
            for m in catalog if m.id
        }

    source, built = entries(po), entries(compiled)
    assert built == source, "messages.mo is stale: run `make translations`"


# --- templates hide no text ------------------------------------------------------------------

LEXER_ENV = Environment(extensions=["jinja2.ext.i18n"])
CALLS = {"_", "gettext", "ngettext", "pgettext", "npgettext"}
# Shown as they are in every language.
ALLOWED = ("Catalogue des alliances",)
LETTER = re.compile(r"[^\W\d_]")
TEXT_ATTRIBUTES = {"title", "alt", "placeholder", "aria-label", "aria-description", "label"}
NOT_PROSE = {"code", "pre", "script", "style"}
EXPRESSION = "zzexpr"  # stands for a {{ … }} in the text of the page


def has_words(text: str) -> bool:
    for phrase in (*ALLOWED, EXPRESSION):
        text = text.replace(phrase, "")
    return bool(LETTER.search(text))


def is_prose(literal: str) -> bool:
    """Tell a string literal that reads as words from a code, a class, a type or an endpoint."""
    text = literal[1:-1]
    return bool(
        re.search(r"[À-ÿ]", text)
        or re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", text)
        or re.fullmatch(r"[A-Z][a-z]+", text)  # a capitalised word; CamelCase is a type name
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in NOT_PROSE:
            self.skipping += 1
        attrs = dict(attrs)
        for name, value in attrs.items():
            shown = name in TEXT_ATTRIBUTES or (
                name == "content" and attrs.get("name") == "description"
            )
            if shown and value and has_words(value):
                self.found.append(f'{name}="{value}"')

    def handle_endtag(self, tag):
        if tag in NOT_PROSE and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and has_words(data):
            self.found.append(data.strip())


def untranslated(source: str, html: bool = True) -> list[tuple[int, str]]:
    """Return (line, text) for the words of a template outside `_()` and `{% trans %}`.

    Text between tags and the visible attributes count, and so do string literals in
    expressions unless they are arguments of a translation call.
    """
    tokens = [t for t in LEXER_ENV.lexer.tokeniter(source, "template") if t[1] != "whitespace"]
    problems: list[tuple[int, str]] = []
    parser = _Text()
    in_trans, calls = 0, []
    for i, (line, kind, value) in enumerate(tokens):
        if kind == "name" and i and tokens[i - 1][1] == "block_begin":
            in_trans += {"trans": 1, "endtrans": -1}.get(value, 0)
        elif kind == "data" and not in_trans:
            if not html:
                if has_words(value):
                    problems.append((line, value.strip()))
                continue
            before = len(parser.found)
            parser.feed(value)
            problems += [(line, text) for text in parser.found[before:]]
        elif kind == "variable_begin" and not in_trans and html:
            parser.feed(EXPRESSION)
        elif kind == "operator" and value == "(":
            previous = tokens[i - 1]
            calls.append(previous[2] if previous[1] == "name" else "")
        elif kind == "operator" and value == ")" and calls:
            calls.pop()
        elif kind == "string" and not (calls and calls[-1] in CALLS) and is_prose(value):
            problems.append((line, f"string {value}"))
    parser.close()
    return problems


TEMPLATE_FILES = sorted(
    p.relative_to(TEMPLATES).as_posix()
    for p in TEMPLATES.rglob("*")
    if p.suffix in (".html", ".txt")
)


@pytest.mark.parametrize("name", TEMPLATE_FILES)
def test_template_has_no_untranslated_text(name):
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    problems = untranslated(source, html=name.endswith(".html"))
    assert not problems, "\n".join(f"{name}:{line}: {text[:120]}" for line, text in problems)


@pytest.mark.parametrize(
    ("source", "html"),
    [
        ("<p>Bonjour</p>", True),
        ('<nav aria-label="Navigation principale"></nav>', True),
        ('<meta name="description" content="Des exemples">', True),
        ("<p>{{ 'un exemple' if n < 2 else 'des exemples' }}</p>", True),
        ("<td>{{ 'Actif' if active else 'Jamais' }}</td>", True),
        ("<h2>{{ group or 'Autres repères' }}</h2>", True),
        ("<p>{{ n }} exemples</p>", True),
        ("<p>{% if x %}Retirer{% endif %}</p>", True),
        ("Bonjour {{ name }},", False),
    ],
)
def test_the_scanner_catches_french_text(source, html):
    assert untranslated(source, html)


@pytest.mark.parametrize(
    "source",
    [
        "<p>{{ _('Bonjour') }}</p>",
        "<p>{% trans url=u %}Voir <a href=\"{{ url }}\">la page</a>{% endtrans %}</p>",
        "<p>{{ ngettext('%(num)d exemple', '%(num)d exemples', n) }}</p>",
        '<a class="brand" href="/">Catalogue des alliances</a> · <code>/api/v1</code>',
        '<meta name="robots" content="noindex"><span class="state state-{{ s }}">→</span>',
        "<p>{{ url_for('public.catalogue', q=q) }} {{ label|t }}</p>",
    ],
)
def test_the_scanner_lets_translated_text_pass(source):
    assert untranslated(source) == []


@pytest.mark.parametrize("name", TEMPLATE_FILES)
def test_template_keeps_the_gettext_shortcut(name):
    # `{% set _ = … %}` would hide `_()` from the rest of the template or macro.
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    assert not re.search(r"\{%-?\s*set\s+_\s*=", source)


# --- pages follow the language -----------------------------------------------------------------


def lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def heading(html: str) -> str:
    return re.sub(r"<[^>]+>|\s+", " ", re.search(r"<h1>(.*?)</h1>", html, re.S).group(1)).strip()


def test_french_is_the_default(client, demo):
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert lang(html) == "fr"
    assert ">Exemples</a>" in html and ">Proposer un exemple</a>" in html
    assert "Examples" not in html
    assert {"Accept-Language", "Cookie"} <= set(response.vary)


@pytest.mark.parametrize(
    ("url", "english", "french"),
    [
        ("/", "Partnerships that get places moving", "Des alliances qui font bouger"),
        ("/exemples/", "Partnership examples", "Exemples d’alliances"),
        ("/cadre/", "Four objectives for partnering", "Quatre objectifs pour faire alliance"),
        ("/cadre/objectifs/hybrider", "Diversifying one’s socio-economic model",
         "Hybrider son modèle socio-économique"),
        ("/cadre/chiffres", "Key figures", "Chiffres clés"),
        ("/cadre/ressources", "Resources", "Ressources"),
        ("/proposer", "Propose an example", "Proposer un exemple"),
        ("/connexion", "Log in to the moderation area", "Connexion à l’espace de modération"),
        ("/api/", "API and open data", "API et données ouvertes"),
        ("/alertes/nouvelle", "Get new examples", "Recevoir les nouveaux exemples"),
    ],
)
def test_pages_follow_accept_language(client, demo, url, english, french):
    html = client.get(url, headers=EN).get_data(as_text=True)
    assert lang(html) == "en"
    assert heading(html) == english
    assert french not in html
    assert ">Examples</a>" in html and "Skip to content" in html
    assert "Aller au contenu" not in html and ">Exemples</a>" not in html


def test_a_french_browser_and_an_unknown_language_get_french(client, demo):
    for header in ("fr-FR,fr;q=0.9,en;q=0.5", "de-DE,de;q=0.9", ""):
        html = client.get("/exemples/", headers={"Accept-Language": header}).get_data(as_text=True)
        assert lang(html) == "fr" and heading(html) == "Exemples d’alliances"


def test_the_switch_is_on_every_page_and_works_without_javascript(client, demo):
    html = client.get("/exemples/?region=53").get_data(as_text=True)
    switch = re.search(r'<nav aria-label="Langue" class="lang-switch">(.*?)</nav>', html, re.S)
    assert switch, "no language switch in the header"
    link = re.search(r'href="([^"]+)"[^>]*>English</a>', switch.group(1)).group(1)
    assert link == "/langue/en?next=/exemples/?region%3D53"

    response = client.get(link.replace("&amp;", "&"))
    assert response.status_code == 303
    assert response.headers["Location"] == "/exemples/?region=53"
    cookie = client.get_cookie("lang")
    assert cookie.value == "en" and cookie.http_only
    html = client.get("/exemples/?region=53").get_data(as_text=True)
    assert lang(html) == "en" and heading(html) == "Partnership examples"
    assert '<span lang="en" aria-current="true">English</span>' in html
    assert 'lang="fr" hreflang="fr" rel="nofollow">Français</a>' in html

    # The choice wins over the browser's language, both ways.
    client.get("/langue/fr?next=/")
    html = client.get("/exemples/", headers=EN).get_data(as_text=True)
    assert lang(html) == "fr"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "", "javascript:x"])
def test_the_switch_goes_back_only_to_this_site(client, target):
    response = client.get("/langue/en", query_string={"next": target} if target else None)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_the_switch_knows_only_french_and_english(client):
    assert client.get("/langue/de?next=/").status_code == 404
    assert client.get_cookie("lang") is None


def test_taxonomy_and_framework_labels_are_translated(client, demo):
    html = client.get("/", headers=EN).get_data(as_text=True)
    assert "Co-building local solutions suited to local priorities" in html
    assert "of mayors believe it is necessary to “play as a team”" in html
    assert "Co-construire territorialement" not in html

    html = client.get("/exemples/?region=53", headers=EN).get_data(as_text=True)
    assert "Region: Bretagne" in html, "région names stay as they are"
    assert "Type of partner" in html

    html = client.get("/cadre/chiffres", headers=EN).get_data(as_text=True)
    assert "<dt>16\u00a0years</dt>" in html and "16\u00a0ans" not in html
    assert "October 2019 and May 2020" in html


def test_example_page_in_english(client, demo):
    slug = re.search(r'href="/exemples/([^"?]+)[?"]', client.get("/exemples/").get_data(as_text=True))
    html = client.get(f"/exemples/{slug.group(1)}", headers=EN).get_data(as_text=True)
    assert lang(html) == "en"
    assert "Context and actions" in html and "At a glance" in html
    assert "Contexte et actions" not in html and "En bref" not in html
    published = re.search(r"<dt>Published on</dt><dd><time[^>]*>([^<]+)</time>", html).group(1)
    assert re.fullmatch(r"\d{1,2} (January|February|March|April|May|June|July|August|September"
                        r"|October|November|December) \d{4}", published), "British dates"


def test_the_json_api_keeps_french(client, demo):
    vocabularies = client.get("/api/v1/taxonomy", headers=EN).get_json()
    labels = {t["code"]: t["label"] for t in vocabularies["objectives"]}
    assert labels["hybrider"] == "Hybrider son modèle socio-économique"
    error = client.get("/api/v1/examples?page=zéro", headers=EN).get_json()["error"]
    assert "invalide" in error["message"]
    missing = client.get("/api/v1/nulle-part", headers=EN).get_json()["error"]
    assert missing["title"] == "Page introuvable"


@pytest.mark.parametrize(
    ("url", "code", "title"),
    [("/nulle-part", 404, "Page not found"), ("/moderation/utilisateurs/1/activation", 405,
                                               "Method not allowed")],
)
def test_error_pages_in_english(client, url, code, title):
    response = client.get(url, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == code
    assert lang(html) == "en" and heading(html) == title
    assert f"Error {code}" in html and "Back to the home page" in html
    assert "Page introuvable" not in html and "Retour à l’accueil" not in html


def test_form_errors_in_english(client):
    response = client.post("/proposer", data=form_data(title="", submitter_email="nope"),
                           headers=EN)
    html = response.get_data(as_text=True)
    assert lang(html) == "en"
    assert error_for(html, "title") == "Give the example a title."
    assert error_for(html, "submitter_email").startswith("Invalid email address")
    assert "2 things to correct" in html
    assert '<a href="#title">Title: Give the example a title.</a>' in html
    assert "(required)" in html and "Objectives of the partnership" in html
    assert "Donnez un titre" not in html and "(obligatoire)" not in html


def test_form_errors_stay_french_by_default(client):
    html = client.post("/proposer", data=form_data(title="")).get_data(as_text=True)
    assert error_for(html, "title") == "Donnez un titre à l’exemple."
    assert "1 point à corriger" in html


def test_mail_follows_the_language_of_the_submission(app, client, make_user):
    make_user("modo@example.org")
    response = client.post("/proposer", data=form_data(), headers=EN)
    assert response.status_code == 302
    to_contributor, to_moderators = outbox(app)
    assert to_contributor["Subject"] == "Your example proposal has been received"
    text = body(to_contributor)
    assert text.startswith("Hello Camille Martin,")
    assert "Keep this link to yourself" in text and "— The Catalogue des alliances" in text
    assert "Bonjour" not in text
    # Moderators read the site's language, whatever the contributor's.
    assert to_moderators["Subject"].startswith("Nouvel exemple à modérer")
    assert body(to_moderators).startswith("Bonjour,")


def test_mail_in_french_by_default(app, client):
    assert client.post("/proposer", data=form_data()).status_code == 302
    mail = outbox(app)[0]
    assert mail["Subject"] == "Votre proposition d’exemple a bien été reçue"
    assert body(mail).startswith("Bonjour Camille Martin,")


def test_decisions_are_mailed_in_the_contributors_language(app, client, make_user, auth):
    make_user("modo@example.org")
    contributor = app.test_client()
    assert contributor.post("/proposer", data=form_data(), headers=EN).status_code == 302
    outbox(app).clear()
    # The moderator works in French: the contributor still reads English.
    auth.login("modo@example.org", PASSWORD)
    html = client.get("/moderation/").get_data(as_text=True)
    assert lang(html) == "fr"
    example_id, version = re.search(r'name="ids" value="(\d+):(\d+)"', html).groups()
    response = client.post(f"/moderation/exemples/{example_id}/decision",
                           data={"action": "request_changes", "version": version,
                                 "comment": "Pouvez-vous chiffrer les résultats ?"})
    assert response.status_code == 302
    [mail] = outbox(app)
    assert mail["Subject"] == "Your example proposal: changes are requested"
    text = body(mail)
    assert text.startswith("Hello Camille Martin,") and "Bonjour" not in text
    assert "Pouvez-vous chiffrer les résultats ?" in text  # the comment as written
    # A correction made in French switches the contributor's mails to French.
    [link] = [u for u in re.findall(r"https?://\S+", text) if "/proposer/suivi/" in u]
    path = link.removeprefix("http://localhost")
    follow = contributor.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', follow).group(1)
    assert contributor.post(path, data=form_data(version=version),
                            headers={"Accept-Language": "fr"}).status_code == 302
    outbox(app).clear()
    html = client.get(f"/moderation/exemples/{example_id}").get_data(as_text=True)
    version = re.search(r'name="version"[^>]*value="(\d+)"', html).group(1)
    client.post(f"/moderation/exemples/{example_id}/decision",
                data={"action": "approve", "comment": "", "version": version})
    [mail] = outbox(app)
    assert mail["Subject"] == "Votre exemple est publié"


def test_flash_messages_follow_the_language(client, make_user, auth):
    make_user("modo@example.org")
    client.get("/langue/en?next=/")
    auth.login("modo@example.org", PASSWORD)
    html = client.get("/moderation/").get_data(as_text=True)
    assert "you are logged in." in html
    html = client.get("/moderation/journal").get_data(as_text=True)
    assert heading(html) == "Moderation log" and "No events" in html


def test_tr_translates_marked_labels_only(app):
    with app.test_request_context(headers=EN):
        assert i18n.tr("Santé") == "Health"
        assert i18n.tr("Bretagne") == "Bretagne"
        assert i18n.tr("") == "" and i18n.tr(None) is None
    with app.test_request_context():
        assert i18n.tr("Santé") == "Santé"
