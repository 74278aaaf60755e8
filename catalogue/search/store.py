"""One index directory: cached searchers and snapshots, safe writers, atomic rebuilds.

The files and their layout are in `files`. Readers compare realpath(current) on every search
and reopen after a swap: Whoosh's refresh() only compares generation numbers and would keep
serving the old index. When the generation changed, they open its new segments and keep their
readers of the others (not with refresh(): see _open_searcher).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable

from whoosh.filedb.filestore import OverlayStorage
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher
from whoosh.writing import NO_MERGE, LockError

from .files import (
    CURRENT,
    META,
    REBUILD_LOCK,
    build_generation,
    flock,
    generation_locked,
    locked_writer,
    merge_small_segments,
    open_index,
    release,
    remove_leftovers,
    segments_to_merge,
    swap_current,
)
from .schema import SCHEMA_VERSION, make_schema
from .snapshot import SegmentData, Snapshot, leaves

log = logging.getLogger(__name__)

MERGE_MAX_WAIT = 5.0  # seconds: merge at least this often under steady writes
MERGE_DELAY = 2.0  # seconds without commits before merging: bursts of updates never wait


class IndexUnavailable(Exception):
    """The index cannot be read (missing, broken, unreadable); the message says why."""


class WriterBusy(Exception):
    """The writer lock could not be had in time, or a rebuild is running."""


class Store:
    """One index directory: open, search, write and rebuild it safely across processes."""

    def __init__(self, index_dir: str, write_timeout: float = 5.0):
        self.index_dir = os.path.abspath(index_dir)
        self.link = os.path.join(self.index_dir, CURRENT)
        self.write_timeout = write_timeout
        self._local = threading.local()
        self._lock = threading.Lock()
        self._segments: dict[tuple[str, str], SegmentData] = {}
        self._snapshots: dict[tuple, Snapshot] = {}
        self.last_error: str | None = None
        # Held by the thread rebuilding after a fault, so a process starts one at a time.
        self.rebuilding = threading.Lock()
        self._merging = threading.Lock()
        self._last_commit = 0.0
        self._schema = None
        self._pk_maps: dict[tuple[str, str], dict[int, list[int]]] = {}

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
        """Say why the index must be rebuilt (missing, older schema, unreadable), or None."""
        path = self.current_path()
        if path is None:
            return "missing"
        version = self.schema_version(path)
        if version != SCHEMA_VERSION:
            return f"schema version {version}, expected {SCHEMA_VERSION}"
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

    # --- reading ----------------------------------------------------------------------------

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
                loc.searcher = _open_searcher(loc.ix)
                loc.target = target
            elif loc.ix.latest_generation() != loc.searcher.reader().generation():
                loc.searcher = _open_searcher(loc.ix, reuse=loc.searcher)
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
            dead = leaf.deleted_docs_set if leaf.has_deletions() else frozenset()
            parts.append((data, offset, dead))
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

    # --- writing ----------------------------------------------------------------------------

    def open_writer(self):
        """Return a Whoosh writer on the current generation; the caller commits or cancels it.

        Raise WriterBusy when the lock is not had within write_timeout or a rebuild is running,
        IndexUnavailable when there is no writable index. The generation is checked again once
        the lock is held: a rebuild holds the old generation's lock until it has swapped, and a
        writer that waited on it must not write into the index that was just replaced.
        """
        if self.rebuild_running():
            raise WriterBusy("rebuild running")
        for _ in range(3):
            target = self.current_path()
            if target is None:
                raise IndexUnavailable("index missing")
            if self.schema_version(target) != SCHEMA_VERSION:
                raise IndexUnavailable("index built for another schema version")
            try:
                writer = locked_writer(target, self.schema, self.write_timeout)
            except LockError:
                raise WriterBusy("writer lock held") from None
            except Exception as exc:
                raise IndexUnavailable(f"index not writable: {exc!r}") from exc
            if self.current_path() == target:
                return writer
            writer.cancel()
        raise WriterBusy("index swapped repeatedly")

    def delete_examples(self, writer, pks) -> int:
        """Delete every document of these examples, found through each segment's pk column.

        Whoosh's delete_by_term (and update_document) would open a reader on every segment,
        copying the big segment's term file into memory: about 35 ms per publish at 10,000
        examples. A segment's pk column never changes, so it is read once per process.
        Return how many live documents were deleted.
        """
        wanted = set(pks)
        base = deleted = 0
        for segment in writer.segments:
            by_pk = self._pk_map(writer.storage, segment)
            for pk in wanted:
                for local in by_pk.get(pk, ()):
                    if not segment.is_deleted(local):
                        writer.delete_document(base + local)
                        deleted += 1
            base += segment.doc_count_all()
        return deleted

    def _pk_map(self, storage, segment) -> dict[int, list[int]]:
        key = (str(getattr(storage, "folder", "")), segment.segment_id())
        found = self._pk_maps.get(key)
        if found is None:
            files = segment.open_compound_file(storage) if segment.is_compound() else None
            perdoc = segment.codec().per_document_reader(
                OverlayStorage(files, storage) if files else storage, segment)
            try:
                values = list(perdoc.column_reader("pk", self.schema["pk"].column_type))
            finally:
                perdoc.close()
                if files is not None:
                    files.close()
            found = {}
            for docnum, pk in enumerate(values):
                found.setdefault(pk, []).append(docnum)
            if len(self._pk_maps) > 256:  # segments merged away long ago
                self._pk_maps.clear()
            self._pk_maps[key] = found
        return found

    @property
    def schema(self):
        """Return this process's schema (made once: analyzers and their caches are reused)."""
        if self._schema is None:
            self._schema = make_schema()
        return self._schema

    def commit(self, writer) -> None:
        """Commit an update without merging; small segments are merged later, off the request.

        Whoosh's default policy merges inside the commit, and now and then rewrites most of the
        index there: a publish would wait for it. Here a commit only writes its own segment; a
        background thread merges small segments once commits pause for MERGE_DELAY.
        """
        try:
            writer.commit(mergetype=NO_MERGE)
        except BaseException:
            release(writer)
            raise
        self._last_commit = time.monotonic()
        if self._merging.acquire(blocking=False):
            threading.Thread(target=self._merge_when_idle, name="search-merge", daemon=True).start()

    def settle(self, timeout: float = 30.0) -> bool:
        """Wait until this process has no merge pending (tests, benchmarks); False on timeout."""
        if not self._merging.acquire(timeout=timeout):
            return False
        self._merging.release()
        return True

    def _merge_when_idle(self) -> None:
        # Wait for a pause in commits, but not for ever: under steady writes the segments would
        # pile up, and every reader reopening the index after a commit opens all of them.
        deadline = time.monotonic() + MERGE_MAX_WAIT
        try:
            while True:
                wait = min(self._last_commit + MERGE_DELAY, deadline) - time.monotonic()
                if wait <= 0:
                    break
                time.sleep(wait)
            self._merge()
        except LockError:
            pass  # another process is writing: a later commit merges
        except Exception:
            log.exception("search: merging segments failed")
        finally:
            self._merging.release()

    def _merge(self) -> None:
        target = self.current_path()
        if target is None or self.rebuild_running():
            return
        if not segments_to_merge(open_index(target, self.schema)._segments()):
            return
        writer = locked_writer(target, self.schema, 0.5)
        if self.current_path() != target:
            writer.cancel()
            return
        try:
            writer.commit(mergetype=merge_small_segments)
        except BaseException:
            writer.cancel()
            raise

    def rebuild(self, documents: Callable[[], Iterable[dict]], *, if_needed: bool = False,
                lock_timeout: float | None = None) -> int | None:
        """Build a fresh generation from documents() and swap it in; return the doc count.

        Searches keep using the old generation meanwhile. With if_needed, do nothing (return
        None) when the index turns out to be healthy once the rebuild lock is had, so several
        workers starting together build it once.
        """
        os.makedirs(self.index_dir, exist_ok=True)
        with flock(os.path.join(self.index_dir, REBUILD_LOCK), timeout=lock_timeout) as had:
            if not had:
                raise WriterBusy("another rebuild is running")
            if if_needed and self.needs_rebuild() is None:
                return None
            remove_leftovers(self.index_dir, keep=self.current_path())
            # Updates refused while the old generation is locked stay in the outbox and are
            # applied to the new one.
            with generation_locked(self.current_path(), max(self.write_timeout * 3, 10)):
                count, gen = build_generation(self.index_dir, documents, make_schema())
                swap_current(self.index_dir, gen)
            remove_leftovers(self.index_dir, keep=gen)
        return count


def _open_searcher(ix, reuse=None):
    """Open a searcher on the latest generation of ix, keeping reuse's readers of the segments
    that did not change (their readers are closed otherwise; reuse must not be used again).

    After a publish only the new segment is opened, instead of every segment again (the big
    segment's term table alone costs milliseconds). Not Whoosh's searcher.refresh(): it keys
    readers by segment id alone, so a segment that gained deletions kept a reader without them
    and an updated example showed twice. Here a reader is kept only if its segment has as many
    deletions as before; deletions are only ever added, so the same count means the same set.
    """
    kept = {}
    if reuse is not None:
        kept = {_reader_key(r.segment()): r for r, _ in reuse.reader().leaf_readers()
                if r.segment() is not None}
    readers: list = []
    try:
        toc, readers = _open_segments(ix, kept)
    finally:
        used = {id(r) for r in readers}
        for reader in kept.values():
            if id(reader) not in used:
                reader.close()
    # A MultiReader even for one segment: it carries this generation's number, whatever the
    # generation its readers were opened in.
    reader = MultiReader(readers, generation=toc.generation) if readers else EmptyReader(toc.schema)
    return Searcher(reader, fromindex=ix)


def _reader_key(segment) -> tuple[str, int]:
    return segment.segment_id(), segment.deleted_count()


def _open_segments(ix, kept: dict) -> tuple:
    """Read the latest table of contents and return it with a reader for each of its segments,
    taken from kept or opened."""
    for attempt in range(10):
        opened = []
        try:
            toc = ix._read_toc()
            readers = []
            for segment in toc.segments:
                reader = kept.get(_reader_key(segment))
                if reader is None:
                    reader = SegmentReader(ix.storage, toc.schema, segment,
                                           generation=toc.generation)
                    opened.append(reader)
                readers.append(reader)
            return toc, readers
        except OSError:
            # A commit elsewhere removed a file between our reading the table of contents and
            # opening the file: try again, as Whoosh's own reader() does.
            for reader in opened:
                reader.close()
            if attempt == 9:
                raise
            time.sleep(0.05)
    raise AssertionError("not reached")
