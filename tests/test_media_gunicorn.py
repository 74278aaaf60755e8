"""Files served by real gunicorn workers, many at once: every answer whole, the cache too."""

from __future__ import annotations

import hashlib
import sqlite3
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from live import Instance

pytestmark = pytest.mark.slow

EXTENSIONS = {"image/webp": "webp", "image/jpeg": "jpg", "application/pdf": "pdf"}


def public_files(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT DISTINCT f.sha256, f.mime FROM media_file f JOIN media m ON m.id = f.media_id "
            "JOIN example e ON e.id = m.example_id WHERE e.state = 'published'").fetchall()
    return [(sha256, EXTENSIONS[mime]) for sha256, mime in rows]


def test_two_workers_fill_the_cache_under_concurrent_requests(tmp_path):
    instance = Instance(tmp_path / "host").prepare()
    files = public_files(tmp_path / "host" / "instance" / "catalogue.sqlite")
    assert len(files) >= 6  # the demo's drawings and documents

    with instance.gunicorn(workers=2) as base:
        def fetch(name: tuple[str, str]) -> tuple[str, str, str]:
            sha256, ext = name
            with urllib.request.urlopen(f"{base}/medias/{sha256}.{ext}", timeout=60) as response:
                body = response.read()
                return sha256, hashlib.sha256(body).hexdigest(), response.headers["Cache-Control"]

        # Every file asked 4 times at once: workers race to write the same cached copies.
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(fetch, [f for f in files for _ in range(4)]))

    assert all(expected == got for expected, got, _ in answers)
    assert {cache for _, _, cache in answers} == {"public, max-age=31536000, immutable"}
    cache = tmp_path / "host" / "instance" / "media-cache"
    cached = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in cache.rglob("*")
              if p.is_file()}
    assert cached == {f"{sha256}.{ext}": sha256 for sha256, ext in files}  # whole, no .part- left
