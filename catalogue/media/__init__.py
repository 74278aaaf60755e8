"""Pictures and documents: check what contributors send, store it, serve it.

The interface: `store_image`, `store_document` (raising `MediaError` with a French message for
the field), `sources` (what an <img> needs), `file_url`, and `is_public()` (the condition on Media for
everyone to see it, for listings). Inside: `images` (Pillow: check,
re-encode into derivatives), `documents` (PDF checks), `store` (rows and URLs), `serving` (the
/medias/ blueprint and each host's disk cache).
"""

from .errors import MAX_BYTES, MediaError
from .images import MAX_PIXELS
from .store import file_url, is_public, sources, store_document, store_image

__all__ = [
    "MAX_BYTES", "MAX_PIXELS", "MediaError", "file_url", "is_public", "sources", "store_document",
    "store_image",
]
