"""Pictures and documents as the public pages show them: cards, the example page, sharing, demo."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
import sqlalchemy as sa

from catalogue import media, pictures
from catalogue.cli import DEMO_FILE
from catalogue.demo import CREDIT, DEMO_PICTURES, drawings
from catalogue.extensions import db
from catalogue.models import Example, Media, Organisation, Partner

GARDEN_ALT = "Des bacs de légumes au pied des immeubles"


def add_photo(app, example_id: int, position: int = 0, scene=drawings.garden, **fields) -> None:
    with app.app_context():
        media.store_image(drawings.png(scene, f"{example_id}-{position}"), "photo",
                          example_id=example_id, position=position,
                          **{"alt": GARDEN_ALT, "credit": "Camille Martin", "licence": "cc-by",
                             **fields})
        db.session.commit()


def add_document(app, example_id: int, title: str = "Rapport d’évaluation 2023") -> int:
    with app.app_context():
        data = drawings.pdf(drawings.report_page, title)
        media.store_document(data, title, example_id=example_id)
        db.session.commit()
        return len(data)


def card_of(html: str, title: str) -> str:
    """Return the HTML of the card whose title is `title`."""
    for card in re.findall(r'<article class="example-card.*?</article>', html, re.S):
        if title in unescape(card):
            return card
    raise AssertionError(f"no card for {title!r}")


def attributes(tag: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in re.findall(r'([\w-]+)="([^"]*)"', tag)}


def imgs(html: str) -> list[dict[str, str]]:
    return [attributes(tag) for tag in re.findall(r"<img [^>]*>", html)]


@pytest.fixture
def illustrated(app, make_example):
    """An example with a cover, two more photos and a PDF report; another one without any."""
    example = make_example(title="Un jardin partagé entre voisins")
    make_example(title="Une ressourcerie sans la moindre photo")
    add_photo(app, example.id)
    add_photo(app, example.id, 1, drawings.kitchen, alt="Une marmite sur la cuisinière",
              credit="Léa Dubois", licence="cc0")
    add_photo(app, example.id, 2, drawings.harvest, alt="Un panier de légumes", credit="",
              licence="autorisation")
    size = add_document(app, example.id)
    return example, size


def test_a_card_shows_its_cover_in_webp_and_jpeg_with_its_size(client, illustrated):
    html = client.get("/exemples/?tri=titre").get_data(as_text=True)
    card = card_of(html, "Un jardin partagé entre voisins")
    [source] = [attributes(t) for t in re.findall(r"<source [^>]*>", card)]
    [img] = imgs(card)
    assert source["type"] == "image/webp"
    # Cards offer the 480 and 960 px files (never the 1200 px one, too large for a card).
    assert re.fullmatch(r"/medias/[0-9a-f]{64}\.webp 480w, /medias/[0-9a-f]{64}\.webp 960w",
                        source["srcset"])
    assert img["srcset"].count(".jpg ") == 2 and img["src"].endswith(".jpg")
    assert source["sizes"] == img["sizes"] == "(min-width: 40em) 14rem, calc(100vw - 2rem)"
    assert (img["width"], img["height"]) == ("960", "600")  # those of src: no layout shift
    assert img["alt"] == GARDEN_ALT
    # The title comes first in the page's order; the picture is drawn above it (CSS).
    assert card.index("example-card-title") < card.index("<picture")


def test_a_card_without_a_photo_has_no_empty_frame(client, illustrated):
    html = client.get("/exemples/?tri=titre").get_data(as_text=True)
    card = card_of(html, "Une ressourcerie sans la moindre photo")
    assert "<picture" not in card and "<img" not in card and "has-cover" not in card


def test_only_the_first_two_cards_load_their_photo_at_once(app, client, make_example):
    for n in range(4):
        example = make_example(title=f"Alliance numéro {n} pour les photos")
        add_photo(app, example.id)
    html = client.get("/exemples/?tri=titre").get_data(as_text=True)
    lazy = [img.get("loading") for img in imgs(html)]
    assert lazy == [None, None, "lazy", "lazy"]
    assert [img.get("decoding") for img in imgs(html)] == [None, None, "async", "async"]


def test_the_example_page_shows_cover_gallery_and_documents(client, illustrated):
    example, size = illustrated
    html = client.get(f"/exemples/{example.slug}").get_data(as_text=True)
    cover, *gallery = imgs(html)
    assert "loading" not in cover and cover["fetchpriority"] == "high"
    assert cover["alt"] == GARDEN_ALT and cover["width"] == "960"
    figure = re.search(r'<figure class="example-cover">.*?</figure>', html, re.S).group()
    assert "Crédit : Camille Martin · CC BY" in unescape(figure)

    section = re.search(r'<section aria-labelledby="s-photos">.*?</section>', html, re.S).group()
    assert [img["alt"] for img in gallery] == ["Une marmite sur la cuisinière", "Un panier de légumes"]
    assert all(img["loading"] == "lazy" and img["width"] and img["height"] for img in gallery)
    captions = [unescape(c).strip() for c in re.findall(r"<figcaption>(.*?)</figcaption>", section, re.S)]
    assert captions == ["Crédit : Léa Dubois · CC0", "Tous droits réservés, avec autorisation"]
    # A click opens the large size: the largest JPEG, which the site serves.
    links = re.findall(r'<a href="(/medias/[0-9a-f]{64}\.jpg)">', section)
    assert len(links) == 2
    with client.get(links[0]) as large:
        assert large.status_code == 200 and large.mimetype == "image/jpeg"

    documents = re.search(r'<section aria-labelledby="s-documents">.*?</section>', html, re.S).group()
    text = unescape(re.sub(r"<[^>]+>", "", documents))
    kilobytes = round(size / 1024)
    assert "Rapport d’évaluation 2023" in text and f"(PDF, {kilobytes}\u00a0Ko)" in text
    [href] = re.findall(r'<a href="(/medias/[0-9a-f]{64}\.pdf)" download', documents)
    with client.get(href) as pdf:
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")


def test_a_page_leaves_the_files_bytes_in_the_database(app, illustrated):
    example, _ = illustrated
    with app.test_request_context():
        pictures.example_media(example.id)
        files = [f for m in db.session.scalars(sa.select(Media)) for f in m.files]
        assert len(files) == 3 * 6 + 1
        assert all("data" in sa.inspect(f).unloaded for f in files)


def test_an_example_without_pictures_shows_no_gallery_nor_documents(client, make_example):
    example = make_example()
    html = client.get(f"/exemples/{example.slug}").get_data(as_text=True)
    assert "<img" not in html and 's-photos' not in html and 's-documents' not in html
    assert "og:image" not in html


def test_sharing_gives_the_large_jpeg_of_the_cover(client, illustrated):
    example, _ = illustrated
    html = client.get(f"/exemples/{example.slug}").get_data(as_text=True)
    meta = {m["property"]: m["content"] for m in map(attributes, re.findall(r"<meta property[^>]*>", html))}
    assert re.fullmatch(r"http://localhost/medias/[0-9a-f]{64}\.jpg", meta["og:image"])
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "750")
    assert meta["og:image:alt"] == GARDEN_ALT
    assert meta["og:url"] == f"http://localhost/exemples/{example.slug}"
    with client.get(meta["og:image"]) as image:
        assert image.mimetype == "image/jpeg"
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["image"] == {"@type": "ImageObject", "url": meta["og:image"], "width": 1200,
                             "height": 750, "caption": GARDEN_ALT}


def test_sizes_are_written_in_the_visitors_language(client, illustrated):
    example, size = illustrated
    client.get("/langue/en")
    html = client.get(f"/exemples/{example.slug}").get_data(as_text=True)
    assert f"(PDF, {round(size / 1024)}" in html and "KB)" in html.replace("\u00a0", " ")
    assert "Credit: Camille Martin · CC BY" in unescape(html)


@pytest.mark.parametrize(("size", "french", "english"), [
    (300, "1 Ko", "1 KB"),
    (36_388, "36 Ko", "36 KB"),
    (1_258_291, "1,2 Mo", "1.2 MB"),
    (10 * 1024 * 1024, "10,0 Mo", "10.0 MB"),
])
def test_file_sizes_read_as_people_write_them(app, size, french, english):
    from catalogue.pictures import file_size

    for language, expected in (("fr", french), ("en", english)):
        with app.test_request_context(headers={"Cookie": f"lang={language}"}):
            assert file_size(size).replace("\u00a0", " ") == expected


def test_an_organisation_logo_names_the_organisation(app):
    with app.app_context():
        organisation = Organisation(slug="atelier-solidaire", name="Atelier solidaire",
                                    key="atelier solidaire", kind="association")
        db.session.add(organisation)
        db.session.flush()
        media.store_image(drawings.png(drawings.fablab, "logo"), "logo",
                          organisation_id=organisation.id)
        db.session.commit()
        with app.test_request_context():
            html = app.jinja_env.from_string(
                '{% from "macros/pictures.html" import logo %}'
                "{{ logo(organisation_logo(id), 'Atelier solidaire') }}").render(id=organisation.id)
    [img] = imgs(html)
    assert img["alt"] == "Logo de l’organisation Atelier solidaire" and img["sizes"] == "160px"
    assert img["width"] and img["height"] and "loading" not in img


# --- The demo's pictures ----------------------------------------------------------------------


def test_every_illustrated_demo_title_is_a_demo_example():
    titles = {record["title"] for record in json.loads(DEMO_FILE.read_text(encoding="utf-8"))}
    assert set(DEMO_PICTURES) <= titles
    assert 6 <= len(DEMO_PICTURES) <= 10


def test_demo_drawings_are_the_same_on_every_run():
    assert drawings.png(drawings.garden, "a") == drawings.png(drawings.garden, "a")
    assert drawings.pdf(drawings.report_page, "a") == drawings.pdf(drawings.report_page, "a")


def test_load_demo_illustrates_a_handful_of_examples(app, demo):
    with app.app_context():
        rows = db.session.execute(
            sa.select(Example.title, Media.kind, Media.position, Media.alt, Media.credit,
                      Media.licence, Media.title)
            .join(Media, Media.example_id == Example.id).order_by(Example.title, Media.position)
        ).all()
    covers = [r for r in rows if r.kind == "photo" and r.position == 0]
    assert {r.title for r in covers} == set(DEMO_PICTURES)
    assert all(r.alt.startswith("Dessin : ") and r.credit == CREDIT and r.licence == "cc0"
               for r in rows if r.kind == "photo")
    gallery = [r for r in rows if r.kind == "photo" and r.position > 0]
    documents = [r for r in rows if r.kind == "document"]
    assert len(gallery) == 2 and len(documents) == 1 and documents[0][6]


def test_loading_the_demo_again_adds_no_picture(app, runner, demo):
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(Media.id)))
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Media.id))) == before


def test_an_organisation_page_shows_the_covers_of_its_examples(app, client, illustrated):
    example, _ = illustrated
    with app.app_context():
        slug = db.session.scalar(
            sa.select(Organisation.slug).join(Partner, Partner.organisation_id == Organisation.id)
            .where(Partner.example_id == example.id).limit(1))
    assert slug, "import links each partner to an organisation"
    html = client.get(f"/organisations/{slug}").get_data(as_text=True)
    [img] = imgs(card_of(html, "Un jardin partagé entre voisins"))
    assert img["alt"] == GARDEN_ALT and img["width"] and img["height"]
