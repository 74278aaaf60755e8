"""The reading half of a Store: each thread's searcher and the snapshots threads share.

Readers compare realpath(current) on every search and reopen after a swap: Whoosh's refresh()
only compares generation numbers and would keep serving the old index. When the generation
changed, they open its new segments and keep their readers of the others (internals.open_searcher).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading

from . import feed
from .files import CURRENT, META, REBUILD_LOCK, flock, open_index
from .internals import deleted_docs, leaves, open_searcher
from .schema import SCHEMA_VERSION
from .snapshot import SegmentData, Snapshot


class IndexUnavailable(Exception):
    """The index cannot be read (missing, broken, unreadable); the message says why."""


class Reading:
    """One index directory read: its state on disk, searchers and snapshots."""

    def __init__(self, index_dir: str, retention: float | None = None) -> None:
        self.index_dir = os.path.abspath(index_dir)
        # Seconds the change feed keeps its rows; None: this index does not follow the feed.
        self.retention = retention
        self.link = os.path.join(self.index_dir, CURRENT)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._segments: dict[tuple[str, str], SegmentData] = {}
        self._snapshots: dict[tuple, Snapshot] = {}

    # --- state on disk ----------------------------------------------------------------------

    def current_path(self) -> str | None:
        """Return the real path of the current generation, or None when there is none."""
        if not os.path.islink(self.link) and not os.path.isdir(self.link):
            return None
        path = os.path.realpath(self.link)
        return path if os.path.isdir(path) else None

    def schema_version(self, path: str | None = None) -> int | None:
        """Return the SCHEMA_VERSION the current generation was built for (None: no index)."""
        path = path or self.current_path()
        if path is None:
            return None
        try:
            with open(os.path.join(path, META), encoding="utf-8") as f:
                return int(json.load(f)["schema_version"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0

    def needs_rebuild(self) -> str | None:
        """Say why the index must be rebuilt (missing, older schema, unreadable, not knowing
        where it stands in the change feed or behind its retained window), or None."""
        path = self.current_path()
        if path is None:
            return "missing"
        version = self.schema_version(path)
        if version != SCHEMA_VERSION:
            return f"schema version {version}, expected {SCHEMA_VERSION}"
        if self.retention is not None:
            position = feed.load(path)
            if position is None:
                return "no position in the change feed"
            if position.stale(self.retention):
                return f"behind the change feed's window (last read {position.read_at:%Y-%m-%d %H:%M})"
        try:
            open_index(path).doc_count()
        except Exception as exc:  # Whoosh reports damage with many exception types
            return f"unreadable: {exc!r}"
        return None

    def rebuild_running(self) -> bool:
        """Return True when another process or thread holds the rebuild lock."""
        path = os.path.join(self.index_dir, REBUILD_LOCK)
        if not os.path.exists(path):
            return False
        try:
            with flock(path, timeout=0) as had:
                return not had
        except OSError:
            return False

    # --- searching --------------------------------------------------------------------------

    def searcher(self):
        """Return this thread's searcher on the latest generation (reopened after a swap);
        IndexUnavailable when it cannot be read."""
        loc = self._local
        try:
            target = self.current_path()
            if target is None:
                raise IndexUnavailable("index missing")
            if getattr(loc, "target", None) != target or loc.searcher is None:
                self.forget()
                loc.ix = open_index(target)
                loc.searcher = open_searcher(loc.ix)
                loc.target = target
            elif loc.ix.latest_generation() != loc.searcher.reader().generation():
                loc.searcher = open_searcher(loc.ix, reuse=loc.searcher)
            return loc.searcher
        except IndexUnavailable:
            raise
        except Exception as exc:
            self.forget()
            raise IndexUnavailable(f"index unreadable: {exc!r}") from exc

    def forget(self) -> None:
        """Drop this thread's cached searcher (after an error, or to reopen)."""
        loc = self._local
        searcher = getattr(loc, "searcher", None)
        loc.searcher, loc.target, loc.ix = None, None, None
        if searcher is not None:
            with contextlib.suppress(Exception):
                searcher.close()

    def snapshot(self, searcher) -> Snapshot:
        """Return the per-generation data of this thread's searcher, reading only new segments."""
        reader = searcher.reader()
        target = self._local.target
        key = (target, reader.generation())
        snap = self._snapshots.get(key)
        if snap is not None:
            return snap
        parts, seen = [], set()
        for leaf, offset in leaves(reader):
            segkey = (target, leaf.segment().segment_id())
            seen.add(segkey)
            data = self._segments.get(segkey)
            if data is None:
                data = self._segments[segkey] = SegmentData(leaf)
            parts.append((data, offset, deleted_docs(leaf)))
        snap = Snapshot(key, parts)
        snap.segkeys = frozenset(seen)
        with self._lock:
            # Keep the last generations: other threads may still be searching the previous one.
            for old in list(self._snapshots)[:-2]:
                del self._snapshots[old]
            self._snapshots[key] = snap
            kept = set().union(*(s.segkeys for s in self._snapshots.values()))
            for segkey in [k for k in self._segments if k not in kept]:
                del self._segments[segkey]
        return snap
