"""The writing half of a Store: writers under the lock, commits, background merges, rebuilds.

The files and their layout are in `files`; the writer lock is Whoosh's own (see internals).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable

from whoosh.writing import NO_MERGE, LockError

from . import feed
from .files import (
    REBUILD_LOCK,
    build_generation,
    flock,
    generation_locked,
    locked_writer,
    merge_small_segments,
    open_index,
    remove_leftovers,
    segments_to_merge,
    swap_current,
)
from .internals import index_segments, release, segment_column, writer_segments
from .reading import IndexUnavailable, Reading
from .schema import SCHEMA_VERSION, make_schema

log = logging.getLogger(__name__)

MERGE_MAX_WAIT = 5.0  # seconds: merge at least this often under steady writes
MERGE_DELAY = 2.0  # seconds without commits before merging: bursts of updates never wait


class WriterBusy(Exception):
    """The writer lock could not be had in time, or a rebuild is running."""


class Writing(Reading):
    """One index directory read and written safely across processes."""

    def __init__(self, index_dir: str, write_timeout: float = 5.0,
                 retention: float | None = None) -> None:
        super().__init__(index_dir, retention)
        self.write_timeout = write_timeout
        self._merging = threading.Lock()
        self._last_commit = 0.0
        self._schema = None
        self._pk_maps: dict[str, dict[int, list[int]]] = {}

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
        deleted = 0
        for segment, base in writer_segments(writer):
            by_pk = self._pk_map(writer, segment)
            for pk in wanted:
                for local in by_pk.get(pk, ()):
                    if not segment.is_deleted(local):
                        writer.delete_document(base + local)
                        deleted += 1
        return deleted

    def _pk_map(self, writer, segment) -> dict[int, list[int]]:
        # Keyed by segment id alone: Whoosh names segments with 16 random letters and digits.
        key = segment.segment_id()
        found = self._pk_maps.get(key)
        if found is None:
            values = segment_column(writer, segment, "pk")
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
        if not segments_to_merge(index_segments(open_index(target, self.schema))):
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
                lock_timeout: float | None = None,
                position: Callable[[], feed.Position] | None = None) -> int | None:
        """Build a fresh generation from documents() and swap it in; return the doc count.

        Searches keep using the old generation meanwhile. With if_needed, do nothing (return
        None) when the index turns out to be healthy once the rebuild lock is had, so several
        workers starting together build it once. position() gives the change feed's position
        before documents() is read: it is saved with the new generation.
        """
        os.makedirs(self.index_dir, exist_ok=True)
        with flock(os.path.join(self.index_dir, REBUILD_LOCK), timeout=lock_timeout) as had:
            if not had:
                raise WriterBusy("another rebuild is running")
            if if_needed and self.needs_rebuild() is None:
                return None
            remove_leftovers(self.index_dir, keep=self.current_path())
            # Changes committed while the old generation is locked are after the new one's
            # position in the feed: it reads them.
            with generation_locked(self.current_path(), max(self.write_timeout * 3, 10)):
                start = position() if position is not None else None
                count, gen = build_generation(self.index_dir, documents, make_schema())
                if start is not None:
                    feed.save(gen, start)
                swap_current(self.index_dir, gen)
            remove_leftovers(self.index_dir, keep=gen)
        return count
