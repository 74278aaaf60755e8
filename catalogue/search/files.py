"""Index files: opening, locks, writers, the merge policy, generations built and swapped.

Layout of INDEX_DIR (created when missing)::

    current -> gen-<stamp>     symlink, replaced atomically (os.replace) by a rebuild
    gen-<stamp>/               a Whoosh index and catalogue.json (its SCHEMA_VERSION)
    build-<stamp>/             a rebuild in progress (left-overs of a crash are removed)
    rebuild.lock               flock held by the process rebuilding
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
import time
from collections.abc import Callable, Iterable, Iterator

from whoosh import index as whoosh_index
from whoosh.writing import LockError

from .internals import merge_segments, writer_lock, writer_under_lock
from .schema import SCHEMA_VERSION

log = logging.getLogger(__name__)

MERGE_FACTOR = 10  # merge small segments ten at a time (a log-structured policy)
CURRENT = "current"
META = "catalogue.json"
REBUILD_LOCK = "rebuild.lock"


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
    merge_segments(writer, chosen)
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

    The lock is taken before the index is read (see internals.writer_under_lock). Our own schema
    object is passed so its analyzer keeps its stemming cache from one writer to the next.
    """
    lock = writer_lock(path)
    if not try_for(lock.acquire, timeout=timeout, delay=0.02):
        raise LockError
    try:
        return writer_under_lock(whoosh_index.open_dir(path, schema=schema), lock)
    except BaseException:
        lock.release()
        raise


def try_for(fn: Callable[[], bool], timeout: float, delay: float = 0.05) -> bool:
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


def build_generation(index_dir: str, documents: Callable[[], Iterable[dict]],
                     schema) -> tuple[int, str]:
    """Write documents() into a new generation directory of index_dir; return (count, path)."""
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{secrets.token_hex(3)}"
    build = os.path.join(index_dir, f"build-{stamp}")
    os.mkdir(build)
    try:
        ix = whoosh_index.create_in(build, schema)
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
        gen = os.path.join(index_dir, f"gen-{stamp}")
        os.rename(build, gen)
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return count, gen


def swap_current(index_dir: str, gen: str) -> None:
    """Point `current` at gen atomically (a real directory there is moved aside first)."""
    link = os.path.join(index_dir, CURRENT)
    if os.path.isdir(link) and not os.path.islink(link):
        os.rename(link, os.path.join(index_dir, f"gen-legacy-{secrets.token_hex(3)}"))
    tmp = os.path.join(index_dir, f"{CURRENT}.tmp-{secrets.token_hex(4)}")
    os.symlink(os.path.basename(gen), tmp)
    try:
        os.replace(tmp, link)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def remove_leftovers(index_dir: str, keep: str | None) -> None:
    """Remove generations other than keep and builds left by a crash (rebuild lock held)."""
    try:
        names = os.listdir(index_dir)
    except OSError:
        return
    for name in names:
        path = os.path.join(index_dir, name)
        if name.startswith(("gen-", "build-")) and path != keep:
            shutil.rmtree(path, ignore_errors=True)
        elif name.startswith(f"{CURRENT}.tmp-"):
            with contextlib.suppress(OSError):
                os.unlink(path)


@contextlib.contextmanager
def generation_locked(path: str | None, timeout: float):
    """Hold the current generation's writer lock so no update lands in it during a build.

    Changes committed meanwhile are after the new generation's feed position: it reads them.
    """
    lock = None
    if path is not None:
        try:
            lock = writer_lock(path)
            # Writers hold it briefly; a long wait means a stuck process, build anyway.
            if not try_for(lock.acquire, timeout=timeout):
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
