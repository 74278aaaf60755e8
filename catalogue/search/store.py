"""Where the index lives: generations swapped atomically, locks, cached searchers and snapshots.

Layout of INDEX_DIR (created when missing)::

    current -> gen-<stamp>     symlink, replaced atomically (os.replace) by a rebuild
    gen-<stamp>/               a Whoosh index and catalogue.json (its SCHEMA_VERSION)
    build-<stamp>/             a rebuild in progress (left-overs of a crash are removed)
    rebuild.lock               flock held by the process rebuilding

Readers compare realpath(current) on every search and reopen after a swap: Whoosh's
refresh() only compares generation numbers and would keep serving the old index. They also
reopen (rather than refresh()) when the generation changed: see Store.searcher.
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
from whoosh.filedb.filestore import FileStorage, OverlayStorage
from whoosh.reading import SegmentReader
from whoosh.writing import NO_MERGE, LockError

from .schema import SCHEMA_VERSION, make_schema
from .snapshot import SegmentData, Snapshot, leaves

log = logging.getLogger(__name__)

MERGE_FACTOR = 10  # merge small segments ten at a time (a log-structured policy)
MERGE_DELAY = 2.0  # seconds without commits before merging: bursts of updates never wait
INDEX_NAME = "MAIN"  # Whoosh's default index name inside a directory
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
        """Return this thread's searcher, refreshed, reopened after a swap; IndexUnavailable."""
        loc = self._local
        try:
            target = self.current_path()
            if target is None:
                raise IndexUnavailable("index missing")
            if getattr(loc, "target", None) != target or loc.searcher is None:
                self.forget()
                loc.ix = open_index(target)
                loc.searcher = loc.ix.searcher()
                loc.target = target
            elif loc.ix.latest_generation() != loc.searcher.reader().generation():
                # Not searcher.refresh(): Whoosh 2.7 reuses the reader of a segment that only
                # gained deletions, without them, so an updated example would show twice.
                old, loc.searcher = loc.searcher, loc.ix.searcher()
                old.close()
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

    def delete_examples(self, writer, pks) -> None:
        """Delete every document of these examples, found through each segment's pk column.

        Whoosh's delete_by_term (and update_document) would open a reader on every segment,
        copying the big segment's term file into memory: about 35 ms per publish at 10,000
        examples. A segment's pk column never changes, so it is read once per process.
        """
        wanted = set(pks)
        base = 0
        for segment in writer.segments:
            by_pk = self._pk_map(writer.storage, segment)
            for pk in wanted:
                for local in by_pk.get(pk, ()):
                    writer.delete_document(base + local)
            base += segment.doc_count_all()

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
        try:
            while True:
                wait = self._last_commit + MERGE_DELAY - time.monotonic()
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
                lock = FileStorage(old).lock(f"{INDEX_NAME}_WRITELOCK")
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


def segments_to_merge(segments) -> list:
    """Choose the segments under a size cap once there are MERGE_FACTOR of them.

    The cap grows tenfold (10, 100, 1,000 documents…) but stays under half the largest segment,
    so the segment a rebuild wrote is never rewritten by an update.
    """
    sizes = {id(seg): seg.doc_count_all() for seg in segments}
    largest = max(sizes.values(), default=0)
    chosen: list = []
    cap = MERGE_FACTOR
    while cap <= max(largest // 2, MERGE_FACTOR):
        below = [seg for seg in segments if sizes[id(seg)] < cap]
        if len(below) >= MERGE_FACTOR:
            chosen = below
        cap *= MERGE_FACTOR
    return chosen if len(chosen) > 1 else []


def merge_small_segments(writer, segments):
    """Whoosh merge policy merging segments_to_merge(segments)."""
    chosen = segments_to_merge(segments)
    for seg in chosen:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    merged = {id(seg) for seg in chosen}
    return [seg for seg in segments if id(seg) not in merged]


def open_index(path: str, schema=None):
    """Open the index in path, retrying while a concurrent commit replaces its table of contents.

    A commit in another process deletes the previous TOC file once the new one is written; an
    open that read the directory just before fails with FileNotFoundError and succeeds again.
    """
    for attempt in range(5):
        try:
            return whoosh_index.open_dir(path, schema=schema)
        except FileNotFoundError:
            if attempt == 4 or not os.path.isdir(path):
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("not reached")


def locked_writer(path: str, schema, timeout: float):
    """Return a writer on the index in path, holding its writer lock; LockError after timeout.

    The lock is taken here rather than by Whoosh: under the lock no other commit can replace the
    table of contents being read, and a SegmentWriter that fails after locking (an unwritable
    directory) would otherwise keep the lock until garbage collection. Our own schema object is
    passed so its analyzer keeps its stemming cache from one writer to the next.
    """
    lock = FileStorage(path).lock(f"{INDEX_NAME}_WRITELOCK")  # what ix.lock("WRITELOCK") takes
    if not _try_for(lock.acquire, timeout=timeout, delay=0.02):
        raise LockError
    try:
        writer = whoosh_index.open_dir(path, schema=schema).writer(_lk=False)
    except BaseException:
        lock.release()
        raise
    writer.writelock = lock  # commit() and cancel() release it
    return writer


def release(writer) -> None:
    """Give up a writer whose commit failed, so its lock is not held until garbage collection."""
    try:
        writer.cancel()
    except Exception:
        lock = getattr(writer, "writelock", None)
        with contextlib.suppress(Exception):
            if lock is not None:
                lock.release()


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
