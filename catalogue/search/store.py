"""Where the index lives: generations swapped atomically, locks, cached searchers and snapshots.

Layout of INDEX_DIR (created when missing)::

    current -> gen-<stamp>     symlink, replaced atomically (os.replace) by a rebuild
    gen-<stamp>/               a Whoosh index and catalogue.json (its SCHEMA_VERSION)
    build-<stamp>/             a rebuild in progress (left-overs of a crash are removed)
    rebuild.lock               flock held by the process rebuilding

Readers compare realpath(current) on every search and reopen after a swap: Whoosh's
refresh() only compares generation numbers and would keep serving the old index.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import logging
import os
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.writing import LockError

from . import bits
from .facets import FACETS
from .schema import SCHEMA_VERSION, make_schema

log = logging.getLogger(__name__)

CURRENT = "current"
META = "catalogue.json"
REBUILD_LOCK = "rebuild.lock"


class IndexUnavailable(Exception):
    """The index cannot be read (missing, broken, unreadable); the message says why."""


class WriterBusy(Exception):
    """The writer lock could not be had in time, or a rebuild is running."""


@contextlib.contextmanager
def flock(path: str, timeout: float | None = None) -> Iterator[bool]:
    """Hold an exclusive flock on path; yield False if not had within timeout (None: wait)."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    try:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | (0 if deadline is None else fcntl.LOCK_NB))
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


class Snapshot:
    """Per-generation data derived from a searcher, shared by the threads of a process.

    Document sets are Python ints used as bitsets over docnums: intersecting and counting
    (`&`, `int.bit_count`) runs in C, so facet counts never walk the matching documents.
    """

    def __init__(self, key: tuple, parts: list[tuple[SegmentData, int, frozenset[int]]]):
        self.key = key
        self.size = sum(data.size for data, _, _ in parts)
        self.pks: list[int] = []
        deleted: list[int] = []
        for data, offset, dead in parts:
            self.pks.extend(data.pks)
            deleted.extend(offset + d for d in dead)
        self.live = ((1 << self.size) - 1) & ~bits.from_ids(deleted)
        self.documents = self.live.bit_count()
        self.facets: dict[str, dict[str, int]] = {}
        for name in FACETS:
            merged: dict[str, int] = {}
            for data, offset, _ in parts:
                for value, local in data.facets[name].items():
                    merged[value] = merged.get(value, 0) | (local << offset)
            self.facets[name] = merged
        self._parts = parts
        self.segkeys: frozenset = frozenset()
        self._orders: dict[str, list[int]] = {}
        self._docnums: dict[int, int] | None = None

    def order(self, sort: str) -> list[int]:
        """Return the live docnums in the given order ("recent" or "titre")."""
        order = self._orders.get(sort)
        if order is None:
            if sort == "recent":
                published = [v for data, _, _ in self._parts for v in data.published]
                pks = self.pks
                key: Callable[[int], object] = lambda d: (-published[d], -pks[d])  # noqa: E731
            else:
                titles = [v for data, _, _ in self._parts for v in data.title_keys]
                pks = self.pks
                key = lambda d: (titles[d], pks[d])  # noqa: E731
            order = sorted(bits.to_ids(self.live), key=key)
            self._orders[sort] = order
        return order

    def docnum(self, pk: int) -> int | None:
        """Return the live docnum of an example id, or None."""
        if self._docnums is None:
            live = bits.to_bytes(self.live, self.size)
            self._docnums = {
                pk: d for d, pk in enumerate(self.pks) if live[d >> 3] >> (d & 7) & 1
            }
        return self._docnums.get(pk)


class SegmentData:
    """Columns and facet bitsets of one segment, read once and kept while the segment lives.

    A segment's postings never gain documents; deletions only remove some, and deleted
    documents are masked by Snapshot.live, so data read once stays valid for the segment's life.
    """

    def __init__(self, reader):
        self.size = reader.doc_count_all()
        self.pks = list(reader.column_reader("pk"))
        self.published = list(reader.column_reader("published"))
        self.title_keys = list(reader.column_reader("title_key"))
        self.facets: dict[str, dict[str, int]] = {}
        for name in FACETS:
            values = {}
            for value in reader.lexicon(name):
                ids = reader.postings(name, value).all_ids()
                values[value.decode("utf-8")] = bits.from_ids(ids)
            self.facets[name] = values


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
            whoosh_index.open_dir(path).doc_count()
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
        """Return this thread's searcher, refreshed, reopened after a swap; IndexUnavailable."""
        loc = self._local
        try:
            target = self.current_path()
            if target is None:
                raise IndexUnavailable("index missing")
            if getattr(loc, "target", None) != target or loc.searcher is None:
                self.forget()
                loc.searcher = whoosh_index.open_dir(target).searcher()
                loc.target = target
            else:
                # Never close the old searcher: refresh() shares its readers with the new one.
                loc.searcher = loc.searcher.refresh()
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
        loc.searcher, loc.target = None, None
        if searcher is not None:
            with contextlib.suppress(Exception):
                searcher.close()

    def snapshot(self, searcher) -> Snapshot:
        """Return the per-generation data of a searcher, building what is new."""
        reader = searcher.reader()
        target = self._local.target
        key = (target, reader.generation())
        snap = self._snapshots.get(key)
        if snap is not None:
            return snap
        parts = []
        seen = set()
        for leaf, offset in reader.leaf_readers():
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
            # Keep the last few generations: other threads may still be on the previous one.
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
            try:
                ix = whoosh_index.open_dir(target)
                writer = ix.writer(timeout=self.write_timeout, delay=0.02)
            except LockError:
                raise WriterBusy("writer lock held") from None
            except Exception as exc:
                raise IndexUnavailable(f"index not writable: {exc!r}") from exc
            if self.current_path() == target:
                return writer
            writer.cancel()
        raise WriterBusy("index swapped repeatedly")

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
            self._remove_leftovers(keep=self.current_path())
            with self._old_generation_locked():
                count, gen = self._build(documents)
                self._swap(gen)
            self._remove_leftovers(keep=gen)
        return count

    @contextlib.contextmanager
    def _old_generation_locked(self):
        """Hold the current generation's writer lock so no update lands in it during a build.

        Updates refused meanwhile stay in the outbox and are applied to the new generation.
        """
        old = self.current_path()
        lock = None
        if old is not None:
            try:
                lock = whoosh_index.open_dir(old).lock("WRITELOCK")
                # Writers hold it briefly; a long wait means a stuck process, build anyway.
                if not _try_for(lock.acquire, timeout=max(self.write_timeout * 3, 10)):
                    log.warning("search: building without the old index's writer lock")
                    lock = None
            except Exception:  # an unreadable old index has no writers to keep out
                lock = None
        try:
            yield
        finally:
            if lock is not None:
                with contextlib.suppress(Exception):
                    lock.release()

    def _build(self, documents: Callable[[], Iterable[dict]]) -> tuple[int, str]:
        stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{secrets.token_hex(3)}"
        build = os.path.join(self.index_dir, f"build-{stamp}")
        os.mkdir(build)
        try:
            ix = whoosh_index.create_in(build, make_schema())
            writer = ix.writer(limitmb=256)
            count = 0
            try:
                for doc in documents():
                    writer.add_document(**doc)
                    count += 1
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            with open(os.path.join(build, META), "w", encoding="utf-8") as f:
                json.dump({"schema_version": SCHEMA_VERSION, "documents": count}, f)
            gen = os.path.join(self.index_dir, f"gen-{stamp}")
            os.rename(build, gen)
        except BaseException:
            shutil.rmtree(build, ignore_errors=True)
            raise
        return count, gen

    def _swap(self, gen: str) -> None:
        """Point `current` at gen atomically (a real directory there is moved aside first)."""
        if os.path.isdir(self.link) and not os.path.islink(self.link):
            os.rename(self.link, os.path.join(self.index_dir, f"gen-legacy-{secrets.token_hex(3)}"))
        tmp = os.path.join(self.index_dir, f"{CURRENT}.tmp-{secrets.token_hex(4)}")
        os.symlink(os.path.basename(gen), tmp)
        try:
            os.replace(tmp, self.link)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def _remove_leftovers(self, keep: str | None) -> None:
        """Remove generations other than keep and builds left by a crash (rebuild lock held)."""
        try:
            names = os.listdir(self.index_dir)
        except OSError:
            return
        for name in names:
            path = os.path.join(self.index_dir, name)
            if name.startswith(("gen-", "build-")) and path != keep:
                shutil.rmtree(path, ignore_errors=True)
            elif name.startswith(f"{CURRENT}.tmp-"):
                with contextlib.suppress(OSError):
                    os.unlink(path)


def _try_for(fn: Callable[[], bool], timeout: float, delay: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if fn():
                return True
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
        if time.monotonic() >= deadline:
            return False
        time.sleep(delay)
