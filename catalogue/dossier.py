"""PDF documents: a selection's dossier and an example's fiche, with WeasyPrint.

The HTML comes from templates/dossier/, the print stylesheet from static/css/dossier.css, the
fonts from the machine (DejaVu, Liberation: Debian's font packages). Nothing is fetched from the
network: the only files WeasyPrint may read are the site's own static files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app, render_template

from .models import Example, utcnow

STYLESHEET = "css/dossier.css"


class RefusedFetch(ValueError):
    """A document asked for a resource outside the site's static files."""


def allowed(url: str, static: Path) -> bool:
    """Tell whether a PDF may read url: a `data:` URL or a file inside the static folder."""
    parts = urlsplit(url)
    if parts.scheme == "data":
        return True
    if parts.scheme != "file" or parts.netloc:
        return False
    path = Path(unquote(parts.path)).resolve()
    return path.is_relative_to(static) and path.is_file()


@cache
def _weasyprint():
    """Import WeasyPrint: it takes seconds, so only the PDF pages load it, on first use."""
    import weasyprint
    import weasyprint.urls
    from PIL import ImageFile

    # On import, WeasyPrint makes Pillow accept truncated images in the whole process. Uploads
    # rely on Pillow refusing them (media.images), and the PDFs show only pictures we re-encoded.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint


@cache
def _fetcher_class():
    URLFetcher = _weasyprint().urls.URLFetcher

    class LocalFetcher(URLFetcher):
        """WeasyPrint's fetcher, limited to the site's static files: never the network."""

        def __init__(self, static: Path):
            # A refused resource is left out (WeasyPrint logs it); the document still renders.
            super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
            self.static = static

        def fetch(self, url, headers=None):
            if not allowed(url, self.static):
                raise RefusedFetch(f"refused to fetch {url!r}: only the site's static files")
            return super().fetch(url, headers)

    return LocalFetcher


def render_pdf(html: str) -> bytes:
    """Write an HTML document of the site as PDF, styled by the print stylesheet."""
    weasyprint = _weasyprint()
    static = Path(current_app.static_folder).resolve()
    fetcher = _fetcher_class()(static)
    base_url = static.as_uri() + "/"
    stylesheet = weasyprint.CSS(url=base_url + STYLESHEET, url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[stylesheet])


def selection_pdf(examples: list[Example]) -> bytes:
    """Return the dossier of a selection: cover, table of contents, a page per example."""
    html = render_template("dossier/selection.html", examples=examples, made_at=utcnow())
    return render_pdf(html)


def example_pdf(example: Example) -> bytes:
    """Return the fiche of one example."""
    html = render_template("dossier/example.html", example=example, made_at=utcnow())
    return render_pdf(html)
