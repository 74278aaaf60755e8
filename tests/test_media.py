"""Pictures and documents: what is refused (with its French message), what is stored and how.

Every file is made in the test (media_samples); every refusal leaves no row behind.
"""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from media_samples import (
    SECRET,
    damaged_png,
    decompression_bomb,
    eleven_megabytes,
    gif,
    html_named_pdf,
    jpeg_pdf_polyglot,
    jpeg_then_pdf,
    jpeg_with_exif_gps,
    pdf,
    pdf_opening_with_launch,
    pdf_with_attachment,
    pdf_with_javascript,
    photo,
    png_with_alpha,
    svg,
    text_named_jpg,
    too_many_pixels,
    too_stretched,
    truncated_jpeg,
    truncated_pdf,
    truncated_pdf_with_end,
)
from PIL import Image

from catalogue import media
from catalogue.dossier import render_pdf
from catalogue.extensions import db
from catalogue.models import Media, MediaFile


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield app


def rows() -> tuple[int, int]:
    return (db.session.scalar(sa.select(sa.func.count(Media.id))),
            db.session.scalar(sa.select(sa.func.count(MediaFile.id))))


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


BAD_IMAGES = [
    (svg, "Les images SVG ne sont pas acceptées"),
    (gif, "Les images GIF ne sont pas acceptées"),
    (truncated_jpeg, "L’image est incomplète ou abîmée"),
    (damaged_png, "L’image est incomplète ou abîmée"),
    (decompression_bomb, "L’image déclare des dimensions démesurées"),
    (too_many_pixels, "L’image est trop grande (41 mégapixels) : 40 mégapixels au plus."),
    (eleven_megabytes, "Le fichier pèse 11 Mo : 10 Mo au plus."),
    (too_stretched, "L’image est trop étirée (100 × 20000 pixels) : un côté peut mesurer au plus "
                    "10 fois l’autre."),
    (text_named_jpg, "Ce fichier n’est pas une image JPEG, PNG ou WebP."),
    (pdf, "Ce fichier est un PDF"),
    (jpeg_pdf_polyglot, "Ce fichier est un PDF"),
    (lambda: b"", "Le fichier est vide."),
]


@pytest.mark.parametrize(("make", "message"), BAD_IMAGES, ids=[m.__name__ for m, _ in BAD_IMAGES])
def test_a_bad_picture_is_refused_with_its_message_and_nothing_stored(ctx, make, message):
    with pytest.raises(media.MediaError) as refused:
        media.store_image(make(), "photo", alt="Une photo")
    assert message in str(refused.value)
    db.session.commit()
    assert rows() == (0, 0)


def test_truncated_pictures_are_still_refused_after_a_pdf_was_made(ctx):
    # WeasyPrint, on import, makes Pillow accept truncated images for the whole process.
    render_pdf("<p>Fiche d’un exemple</p>")
    for make in (truncated_jpeg, damaged_png):
        with pytest.raises(media.MediaError, match="L’image est incomplète ou abîmée"):
            media.store_image(make(), "photo", alt="Une photo")
    assert rows() == (0, 0)


BAD_DOCUMENTS = [
    (truncated_pdf, "Le document PDF est incomplet (sa fin manque)"),
    (truncated_pdf_with_end, "Le document PDF est abîmé ou n’est pas un vrai PDF"),
    (jpeg_pdf_polyglot, "Le document PDF est abîmé ou n’est pas un vrai PDF"),
    (html_named_pdf, "Ce fichier n’est pas un document PDF."),
    (jpeg_then_pdf, "Ce fichier n’est pas un document PDF."),
    (lambda: photo((300, 200)), "Ce fichier n’est pas un document PDF."),
    (lambda: b"%PDF-1.7\n" + b"x" * (11 * 1024 * 1024) + b"\n%%EOF", "10 Mo au plus"),
    (pdf_with_javascript, "Le document PDF contient du code, des actions automatiques"),
    (pdf_with_attachment, "Le document PDF contient du code, des actions automatiques"),
    (pdf_opening_with_launch, "Le document PDF contient du code, des actions automatiques"),
]


@pytest.mark.parametrize(("make", "message"), BAD_DOCUMENTS,
                         ids=[m.__name__ for m, _ in BAD_DOCUMENTS])
def test_a_bad_document_is_refused_with_its_message_and_nothing_stored(ctx, make, message):
    with pytest.raises(media.MediaError) as refused:
        media.store_document(make(), "Rapport d’évaluation")
    assert message in str(refused.value)
    db.session.commit()
    assert rows() == (0, 0)


def test_messages_follow_the_visitors_language(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(media.MediaError) as refused:
            media.store_image(svg(), "photo")
        assert "SVG" in str(refused.value)
        assert "acceptées" not in str(refused.value)


def test_a_photo_gets_webp_and_jpeg_at_three_widths(ctx):
    stored = media.store_image(photo((2000, 1333)), "photo", alt="Le jardin partagé",
                               credit="Ville de Lyon", licence="CC BY", position=0)
    db.session.commit()
    made = sorted((f.mime, f.width, f.height) for f in stored.files)
    assert made == [("image/jpeg", 480, 320), ("image/jpeg", 960, 640), ("image/jpeg", 1600, 1066),
                    ("image/webp", 480, 320), ("image/webp", 960, 640), ("image/webp", 1600, 1066)]
    assert (stored.width, stored.height, stored.kind, stored.alt) == (1600, 1066, "photo",
                                                                      "Le jardin partagé")
    for f in stored.files:
        image = opened(f.data)
        assert image.format == {"image/webp": "WEBP", "image/jpeg": "JPEG"}[f.mime]
        assert image.size == (f.width, f.height)
        assert f.size == len(f.data)
    assert rows() == (1, 6)


def test_a_banner_ten_times_wider_than_high_is_accepted(ctx):
    stored = media.store_image(photo((2000, 200)), "photo")
    assert sorted({(f.width, f.height) for f in stored.files}) == [(480, 48), (960, 96), (1600, 160)]


def test_a_small_picture_is_never_enlarged(ctx):
    assert sorted({f.width for f in media.store_image(photo((700, 500)), "photo").files}) == [480, 700]
    assert sorted({f.width for f in media.store_image(photo((300, 200)), "photo").files}) == [300]


def test_a_logo_gets_smaller_widths_and_keeps_its_transparency_in_webp(ctx):
    logo = media.store_image(png_with_alpha((1000, 750)), "logo", organisation_id=None)
    assert sorted({f.width for f in logo.files}) == [160, 320, 640]
    for f in logo.files:
        image = opened(f.data)
        assert image.mode == ("RGBA" if f.mime == "image/webp" else "RGB")


def test_a_photo_with_transparency_is_laid_on_white(ctx):
    stored = media.store_image(png_with_alpha(), "photo")
    for f in stored.files:
        image = opened(f.data).convert("RGB")
        assert image.mode == "RGB"
        corner = image.getpixel((2, 2))
        assert min(corner) > 240, (f.mime, corner)


def test_webp_and_png_are_accepted(ctx):
    for data in (photo((900, 600), "WEBP"), photo((900, 600), "PNG")):
        assert {f.width for f in media.store_image(data, "photo").files} == {480, 900}


def test_exif_gps_xmp_icc_and_comments_are_gone_and_orientation_applied(ctx):
    original = jpeg_with_exif_gps()
    # The sample carries what must go: a meaningful test only.
    source = Image.open(io.BytesIO(original))
    assert source.getexif().get_ifd(0x8825) and b"SecretCam" in original and SECRET in original
    stored = media.store_image(original, "photo")
    assert (stored.width, stored.height) == (400, 600)  # turned upright
    for f in stored.files:
        image = opened(f.data)
        assert not image.getexif(), f.mime
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment"} & set(image.info)
        for secret in (b"Exif", b"SecretCam", SECRET, b"GPS", b"xmpmeta"):
            assert secret not in f.data, (f.mime, secret)
        assert image.height > image.width


def test_anything_hidden_after_the_picture_is_dropped(ctx):
    stored = media.store_image(jpeg_then_pdf(), "photo")
    assert stored.files
    assert all(b"%PDF" not in f.data and b"%%EOF" not in f.data for f in stored.files)


def test_a_480_pixels_webp_photo_stays_light(ctx):
    stored = media.store_image(photo((3000, 2000)), "photo")
    [small] = [f for f in stored.files if f.mime == "image/webp" and f.width == 480]
    assert small.size < 40 * 1024


def test_a_document_is_stored_as_sent(ctx):
    data = pdf(3)
    stored = media.store_document(data, "Rapport d’évaluation 2024", position=1)
    db.session.commit()
    [f] = stored.files
    assert (stored.kind, stored.title, stored.position) == ("document", "Rapport d’évaluation 2024", 1)
    assert (f.mime, f.data, f.size) == ("application/pdf", data, len(data))
    assert len(f.sha256) == 64


def test_sources_give_the_middle_jpeg_and_a_srcset_per_type(ctx):
    stored = media.store_image(photo((2000, 1000)), "photo")
    db.session.flush()
    found = media.sources(stored)
    by = {(f.mime, f.width): f for f in stored.files}
    assert found["src"] == f"/medias/{by['image/jpeg', 960].sha256}.jpg"
    assert (found["width"], found["height"]) == (960, 480)
    assert set(found["srcset"]) == {"image/webp", "image/jpeg"}
    assert found["srcset"]["image/webp"] == ", ".join(
        f"/medias/{by['image/webp', w].sha256}.webp {w}w" for w in (480, 960, 1600))
    assert media.file_url(by["image/jpeg", 480]) == f"/medias/{by['image/jpeg', 480].sha256}.jpg"


def test_sources_of_a_document_is_a_programming_error(ctx):
    with pytest.raises(ValueError):
        media.sources(media.store_document(pdf(), "Charte"))


def test_only_photos_and_logos_are_pictures(ctx):
    with pytest.raises(ValueError):
        media.store_image(photo((300, 200)), "document")


def _saved(image: Image.Image, fmt: str, **save) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def _grey16() -> Image.Image:
    return Image.linear_gradient("L").resize((600, 400)).convert("I").point(lambda v: v * 256).convert("I;16")


COLOUR_MODES = {
    "cmyk_jpeg": lambda: _saved(Image.open(io.BytesIO(photo((600, 400)))).convert("CMYK"), "JPEG"),
    "grey_jpeg": lambda: photo((600, 400), mode="L"),
    "grey_alpha_png": lambda: _saved(Image.new("LA", (600, 400), (90, 128)), "PNG"),
    "palette_png_with_transparency": lambda: _saved(
        Image.open(io.BytesIO(png_with_alpha((600, 400)))).convert("P"), "PNG", transparency=0),
    "grey_16_bits_png": lambda: _saved(_grey16(), "PNG"),
    "webp_with_alpha": lambda: _saved(Image.open(io.BytesIO(png_with_alpha((600, 400)))), "WEBP"),
}


@pytest.mark.parametrize("make", COLOUR_MODES.values(), ids=COLOUR_MODES.keys())
def test_every_colour_mode_becomes_plain_rgb(ctx, make):
    stored = media.store_image(make(), "photo")
    assert {(f.mime, f.width, f.height) for f in stored.files} == {
        ("image/webp", 480, 320), ("image/jpeg", 480, 320),
        ("image/webp", 600, 400), ("image/jpeg", 600, 400)}
    for f in stored.files:
        assert opened(f.data).mode == "RGB"


def test_a_grey_16_bits_picture_keeps_its_shades(ctx):
    stored = media.store_image(COLOUR_MODES["grey_16_bits_png"](), "photo")
    image = opened(stored.files[-1].data)
    dark, light = image.getpixel((300, 5)), image.getpixel((300, 395))
    assert dark[0] < 40 and light[0] > 215, (dark, light)


def test_sizes_in_messages_are_written_in_the_readers_language(app):
    too_big = b"\xff\xd8" + b"\0" * int(10.44 * 1024 * 1024)
    for language, expected in (("fr", "10,4 Mo"), ("en", "10.4 MB")):
        with app.test_request_context(headers={"Accept-Language": language}):
            with pytest.raises(media.MediaError) as refused:
                media.store_image(too_big, "photo")
            assert expected in str(refused.value), str(refused.value)
