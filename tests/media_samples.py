"""Files for the media tests, made here with Pillow and pypdf: good ones and every kind of bad."""

from __future__ import annotations

import io
import random
import struct
import zlib

from PIL import ExifTags, Image, ImageDraw
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

SECRET = b"secret-comment-42"


def photo(size: tuple[int, int] = (2000, 1333), fmt: str = "JPEG", mode: str = "RGB",
          **save) -> bytes:
    """Return a picture with about the detail of a photo: sky, ground, a few hundred shapes and
    a fractal texture; always the same for the same size (seeded, no noise)."""
    width, height = size
    shade = Image.linear_gradient("L").resize(size)
    image = Image.merge("RGB", (shade.point(lambda v: 60 + v // 3), shade.point(lambda v: 120 + v // 4),
                                Image.new("L", size, 210)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, height * 3 // 5, width, height), fill=(70, 120, 50))
    chance = random.Random(f"{width}x{height}")
    for _ in range(400):
        x, y = chance.randrange(width), chance.randrange(height * 2 // 5, height)
        w, h = chance.randrange(4, width // 12 + 5), chance.randrange(4, height // 10 + 5)
        colour = tuple(chance.randrange(30, 230) for _ in range(3))
        (draw.ellipse if chance.random() < 0.5 else draw.rectangle)((x, y, x + w, y + h), fill=colour)
    texture = Image.effect_mandelbrot(size, (-0.7454, 0.1130, -0.7440, 0.1142), 120).convert("RGB")
    image = Image.blend(image, texture, 0.25)
    if mode != "RGB":
        image = image.convert(mode)
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_exif_gps() -> bytes:
    """A 600×400 JPEG turned on its side by its EXIF orientation, with GPS, camera, XMP and
    a comment: all to be gone from the derivatives."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned 90° clockwise: 400×600 upright
    exif[ExifTags.Base.Make] = "SecretCam"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 3.0)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">' + SECRET + b"</x:xmpmeta>"
    return photo((600, 400), exif=exif.tobytes(), comment=SECRET, xmp=xmp,
                 icc_profile=_srgb_profile())


def _srgb_profile() -> bytes:
    from PIL import ImageCms
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def png_with_alpha(size: tuple[int, int] = (800, 600)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((100, 100, 500, 400), fill=(200, 30, 30, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def svg() -> bytes:
    return (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" '
            b'height="10"><script>alert(1)</script></svg>')


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (20, 20)).save(out, "GIF")
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = photo((800, 600))
    return data[: len(data) // 2]


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def decompression_bomb() -> bytes:
    """A PNG of a few bytes declaring 100 000 × 100 000 pixels."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(b"\0" * 64)) + png_chunk(b"IEND", b""))


def too_many_pixels() -> bytes:
    """A real, whole PNG of 41 megapixels (plain: a small file)."""
    out = io.BytesIO()
    Image.new("L", (8000, 5125), 128).save(out, "PNG")
    return out.getvalue()


def eleven_megabytes() -> bytes:
    return photo((400, 300)) + b"\0" * (11 * 1024 * 1024)


def text_named_jpg() -> bytes:
    return "Ceci n’est pas une image.\n".encode()


def pdf(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf() -> bytes:
    data = pdf(3)
    return data[: len(data) * 2 // 3]


def truncated_pdf_with_end() -> bytes:
    """A PDF cut in the middle, its end marker added back: only a real parse finds it out."""
    data = pdf(3)
    return data[: len(data) // 2] + b"\n%%EOF\n"


def jpeg_pdf_polyglot() -> bytes:
    """A JPEG behind a PDF header and ending with a PDF end marker."""
    return b"%PDF-1.4\n" + photo((200, 150)) + b"\n%%EOF\n"


def html_named_pdf() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n%%EOF\n"


def jpeg_then_pdf() -> bytes:
    """A valid JPEG with a PDF appended after its end (a JPEG/PDF polyglot)."""
    return photo((640, 480)) + pdf(1)


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    """A PDF whose document-level JavaScript runs when it is opened."""
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    script = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('bonjour');")})
    tree = DictionaryObject({NameObject("/Names"): ArrayObject(
        [TextStringObject("bonjour"), writer._add_object(script)])})
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(tree)})
    return _written(writer)


def pdf_with_attachment() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.add_attachment("facture.exe", b"MZ" + b"\0" * 100)
    return _written(writer)


def pdf_opening_with_launch() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})
    return _written(writer)
