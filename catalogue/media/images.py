"""Check a picture sent to the site and re-encode it into the derivatives pages show.

The type comes from the content: Pillow must recognise a JPEG, PNG or WebP image, whatever
the file is called. Nothing of the original is kept: every derivative is drawn anew from its
pixels (orientation applied, colours in sRGB), so EXIF, GPS, ICC, XMP and comments are gone,
and so is anything hidden after the image data (a polyglot).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from .errors import MediaError, check_size, decimal

# Total pixels a picture may have (40 megapixels): beyond, decoding it would hold too much memory.
MAX_PIXELS = 40_000_000
ACCEPTED = ("JPEG", "PNG", "WEBP")

# Widths of the derivatives, by kind of media; a smaller picture is never enlarged.
WIDTHS = {"photo": (480, 960, 1600), "logo": (160, 320, 640)}
# Chosen so that a 480 px WebP photo stays well under 40 KB (a page of 20 cards under 600 KB).
WEBP_QUALITY = 68
JPEG_QUALITY = 75

# Mime type of each derivative format, and Pillow's name for it.
FORMATS = {"image/webp": "WEBP", "image/jpeg": "JPEG"}


@dataclass(frozen=True)
class Derivative:
    """One re-encoded file of a picture."""

    mime: str
    width: int
    height: int
    data: bytes


def derivatives(data: bytes, kind: str) -> list[Derivative]:
    """Check a picture and return its derivatives (WebP and JPEG at each width), smallest first.

    Raise MediaError with a French message for the contributor when the file is refused.
    """
    if kind not in WIDTHS:
        raise ValueError(f"unknown kind of picture: {kind!r}")
    check_size(data)
    picture = _decode(data)
    widths = sorted({min(width, picture.width) for width in WIDTHS[kind]}, reverse=True)
    made = []
    source = picture
    for width in widths:
        height = max(1, round(picture.height * width / picture.width))
        # Each width is drawn from the one above it: much faster than from the original, and
        # as sharp (a reduction of at most about 2).
        source = source if source.width == width else source.resize(
            (width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        opaque = _flatten(source) if source.mode == "RGBA" else source
        for mime, name in FORMATS.items():
            keep_alpha = kind == "logo" and name == "WEBP"
            made.append(Derivative(mime, width, height, _encode(source if keep_alpha else opaque, name)))
    return made[::-1]


def _decode(data: bytes) -> Image.Image:
    """Open, check and fully decode a picture; return it upright, in RGB or RGBA, without metadata."""
    _refuse_known_formats(data)
    with warnings.catch_warnings():
        # Pillow's decompression-bomb guard warns before it refuses: refuse at the warning too.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=ACCEPTED) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise MediaError(_l(
                        "L’image est trop grande (%(pixels)s mégapixels) : %(limit)s mégapixels au "
                        "plus.", pixels=decimal(image.width * image.height / 1e6),
                        limit=MAX_PIXELS // 1_000_000))
                if image.format == "JPEG":
                    # Decode at a reduced scale when the largest derivative allows it (faster).
                    largest = max(max(widths) for widths in WIDTHS.values())
                    image.draft("RGB", (largest, largest))
                image.load()
                upright = ImageOps.exif_transpose(image)
                return _to_srgb(upright)
        except MediaError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise MediaError(_l(
                "L’image déclare des dimensions démesurées : elle est refusée.")) from None
        except UnidentifiedImageError:
            raise MediaError(_l(
                "Ce fichier n’est pas une image JPEG, PNG ou WebP.")) from None
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError,
                MemoryError):
            # Pillow reports truncated and malformed data with any of these.
            raise MediaError(_l(
                "L’image est incomplète ou abîmée : elle n’a pas pu être lue. Enregistrez-la à "
                "nouveau en JPEG, PNG ou WebP.")) from None


def _refuse_known_formats(data: bytes) -> None:
    """Name the formats people often send, for a clearer message than « not an image »."""
    head = data[:1024].lstrip().lower()
    if data[:6] in (b"GIF87a", b"GIF89a"):
        raise MediaError(_l(
            "Les images GIF ne sont pas acceptées : envoyez une image JPEG, PNG ou WebP."))
    if b"<svg" in head or (head.startswith(b"<?xml") and b"svg" in head):
        raise MediaError(_l(
            "Les images SVG ne sont pas acceptées : envoyez une image JPEG, PNG ou WebP."))
    if data[:5] == b"%PDF-":
        raise MediaError(_l(
            "Ce fichier est un PDF : ajoutez-le comme document, ou envoyez une image JPEG, PNG "
            "ou WebP."))


def _to_srgb(image: Image.Image) -> Image.Image:
    """Return the picture in sRGB, as RGB or RGBA (when it has transparency), with no metadata."""
    icc = image.info.get("icc_profile")
    alpha = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info)
    target = "RGBA" if alpha else "RGB"
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        # 16-bit and float greys: bring them to 8 bits before any colour conversion.
        image = image.point(lambda value: value / 256).convert("L")
    if icc and image.mode in ("RGB", "RGBA", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            image = ImageCms.profileToProfile(
                image, source, ImageCms.createProfile("sRGB"),
                outputMode="RGBA" if alpha and image.mode == "RGBA" else "RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: the pixels are taken as they are
    converted = image.convert(target) if image.mode != target else image.copy()
    converted.info = {}
    return converted


def _flatten(image: Image.Image) -> Image.Image:
    """Lay a transparent picture on white (JPEG has no transparency)."""
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _encode(image: Image.Image, name: str) -> bytes:
    image.info = {}  # nothing of the original's metadata goes into a derivative
    out = io.BytesIO()
    if name == "WEBP":
        image.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()
