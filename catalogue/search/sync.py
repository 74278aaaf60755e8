"""Keep this host's index copy in step with the database, through the change feed (`feed`).

- `after_flush` collects the examples whose index document may change (examples new, edited or
  deleted, examples whose partners changed, examples of an organisation renamed or given another
  slug) and INSERTs one `index_change` row for each, on the
  flushing connection: the change is in the feed exactly when the data change is committed.
- `after_commit` catches this host's copy up at once; `after_rollback` forgets the collection
  (the rows rolled back with everything else). Other hosts catch up when told (`follow`).
- Catching up: take the index writer lock, *then* read the feed from the copy's position and
  the current state of those examples, write, commit the index, and save the new position
  beside it. Reading after taking the lock means whoever writes last has read last: the latest
  database state wins whatever the order of processes. A crash before the position is saved
  only makes the copy read those changes again. When the lock cannot be had in time, the next
  commit, the follower, start-up, `check-index` or `reindex` catches up.
- A copy with no position, or one behind the feed's retained window, is rebuilt.
- Bulk `sa.update()` / `sa.delete()` statements emit no ORM events: code doing bulk changes must
  call `record_changes(ids)` in the same transaction, or `rebuild()` afterwards.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, selectinload

from ..extensions import db
from ..models import Example, Organisation, Partner, utcnow
from . import feed, organisations
from .internals import release
from .schema import document
from .store import IndexUnavailable, Store, WriterBusy

log = logging.getLogger(__name__)

PENDING = "catalogue.search.pending"  # session.info: ids given a feed row in this transaction
PRUNE_EVERY = 600.0  # seconds: how often a process deletes the feed's expired rows
LOAD_BATCH = 500


def register_listeners() -> None:
    """Listen to every SQLAlchemy session of the process, once (idempotent)."""
    for name, fn in (("after_flush", _after_flush), ("after_commit", _after_commit),
                     ("after_rollback", _forget), ("after_soft_rollback", _forget_soft)):
        if not event.contains(Session, name, fn):
            event.listen(Session, name, fn)


def current_store() -> Store | None:
    """Return the search store of the current app, or None outside an app or without search."""
    if not has_app_context():
        return None
    return current_app.extensions.get("search")


def _after_flush(session: Session, flush_context) -> None:
    if current_store() is None:
        return
    ids = _changed_examples(session)
    done = session.info.setdefault(PENDING, set())
    fresh = sorted(ids - done)
    if fresh:
        record_changes(fresh, connection=session.connection())
        done.update(fresh)


def _after_commit(session: Session) -> None:
    if not session.info.pop(PENDING, None):
        return
    store = current_store()
    if store is None:
        return
    try:
        catch_up(store)
    except IndexUnavailable as exc:  # the copy reads the changes once it is back
        log.warning("search: index not caught up after a commit: %s", exc)
    except Exception:  # never fail a request after its commit: the feed keeps the changes
        log.exception("search: could not catch the index up after a commit")


def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


def _forget_soft(session: Session, previous_transaction) -> None:
    # A rolled-back savepoint took its feed rows with it: let later flushes write them again.
    session.info.pop(PENDING, None)


def _changed_examples(session: Session) -> set[int]:
    """Return the ids of examples whose index document this flush may have changed."""
    ids: set[int] = set()
    owners: set[int] = set()  # examples whose partners changed
    for obj in session.new:
        if isinstance(obj, Example) and obj.state == "published":
            ids.add(obj.id)
        elif isinstance(obj, Partner):
            owners.add(obj.example_id)
    renamed: set[int] = set()  # organisations whose name or slug the documents hold
    for obj in session.dirty:
        if isinstance(obj, Example) and _was_or_is_published(obj):
            ids.add(obj.id)
        elif isinstance(obj, Organisation) and _renamed(obj):
            renamed.add(obj.id)
        elif isinstance(obj, Partner):
            owners.update((*sa.inspect(obj).attrs.example_id.history.deleted, obj.example_id))
    for obj in session.deleted:
        if isinstance(obj, Example):
            ids.add(obj.id)
        elif isinstance(obj, Partner):
            history = sa.inspect(obj).attrs.example_id.history
            owners.update((*history.deleted, *history.unchanged, obj.example_id))
    if renamed:
        owners.update(organisations.example_ids(renamed, session.connection()))
    mapper = sa.inspect(Example)
    # Examples inserted by this flush are not in the identity map yet: find them in session.new.
    inserted = {obj.id: obj for obj in session.new if isinstance(obj, Example)}
    for example_id in owners - ids - {None}:
        # Partners of a submission never published are not worth an index write.
        owner = inserted.get(example_id) or session.identity_map.get(
            mapper.identity_key_from_primary_key((example_id,)))
        if owner is None or owner in session.deleted or _was_or_is_published(owner):
            ids.add(example_id)
    return {i for i in ids if i is not None}


def _renamed(organisation: Organisation) -> bool:
    state = sa.inspect(organisation)
    return any(state.attrs[name].history.has_changes() for name in ("name", "slug"))


def record_organisation_changes(organisation_ids: Iterable[int]) -> None:
    """Record in the feed that the examples of these organisations must be refreshed, in the
    caller's transaction: after bulk statements (`sa.update(Partner)` moving partners from one
    organisation to another, `sa.update(Organisation)`), which emit no ORM events."""
    record_changes(organisations.example_ids(organisation_ids))


def _was_or_is_published(example: Example) -> bool:
    history = sa.inspect(example).attrs.state.history
    return example.state == "published" or "published" in (history.deleted or ())


def record_changes(example_ids: Iterable[int], connection=None) -> None:
    """Record in the feed that these examples' documents must be refreshed, in the caller's
    transaction."""
    rows = [{"example_id": int(i), "created_at": utcnow()} for i in example_ids]
    if not rows:
        return
    if connection is None:
        connection = db.session.connection()
        # Have the commit catch up, as it does for the rows the ORM events write.
        db.session.info.setdefault(PENDING, set()).update(r["example_id"] for r in rows)
    feed.record(connection, rows)


def lag(store: Store) -> tuple[int, float]:
    """Return how many changes this copy has not applied, and how old the oldest is (s)."""
    path = store.current_path()
    with db.engine.connect() as conn:
        return feed.lag(conn, feed.load(path) if path else None)


def catch_up(store: Store) -> int:
    """Apply the feed's changes this copy has not read, if the writer lock can be had.

    Return how many changes were applied. A copy that is missing, has no position or is behind
    the feed's retained window is rebuilt instead.
    """
    path = store.current_path()
    position = feed.load(path) if path else None
    if position is None or position.stale(store.retention or feed.RETENTION):
        count = store.rebuild(published_documents, if_needed=True, position=_start)
        if count is not None:
            log.info("search: index rebuilt with %d document(s) in %s", count, store.index_dir)
        path = store.current_path()
        position = feed.load(path) if path else None
        if position is None:  # not this index's feed (no retention set), or rebuilt elsewhere
            return 0
    with db.engine.connect() as conn:
        unread, later = feed.read(conn, position)  # a cheap look first, without the lock
    if not unread:
        if later.read_at - position.read_at > feed.REFRESH:
            with contextlib.suppress(OSError):  # an idle copy stays within the retained window
                feed.save(path, later)
        return 0
    try:
        writer = store.open_writer()
    except WriterBusy as exc:
        log.info("search: changes left for later (%s)", exc)
        return 0
    try:
        path = store.current_path()
        position = feed.load(path) or position  # another worker may have moved it meanwhile
        with db.engine.connect() as conn:
            changes, later = feed.read(conn, position)
            example_ids = sorted({change.example_id for change in changes})
            # Index if published, else remove: delete every version, add the published ones.
            written = store.delete_examples(writer, example_ids)
            for example in _load(conn, example_ids):
                writer.add_document(**document(example))
                written += 1
    except BaseException:
        release(writer)
        raise
    if not written:
        # Nothing to write (an example never published): a commit would still start a new
        # generation and make every process reopen its searcher.
        writer.cancel()
    else:
        try:
            store.commit(writer)
        except Exception as exc:
            raise IndexUnavailable(f"index commit failed: {exc!r}") from exc
    feed.save(path, later)
    if changes:
        log.info("search: applied %d change(s) for %d example(s)", len(changes), len(example_ids))
    _prune_now_and_then(store)
    return len(changes)


_last_prune = 0.0


def _prune_now_and_then(store: Store) -> None:
    global _last_prune
    now = time.monotonic()
    if now - _last_prune < PRUNE_EVERY:
        return
    _last_prune = now
    try:
        with db.engine.begin() as conn:
            deleted = feed.prune(conn, store.retention or feed.RETENTION)
        if deleted:
            log.info("search: %d change(s) older than the retained window deleted", deleted)
    except Exception as exc:  # the next prune tries again
        log.warning("search: could not prune the change feed: %r", exc)


def _load(conn, example_ids: list[int]) -> Iterator[Example]:
    """Yield the published examples among these ids, with their partners, as committed."""
    with Session(bind=conn) as session:
        for start in range(0, len(example_ids), LOAD_BATCH):
            chunk = example_ids[start:start + LOAD_BATCH]
            yield from session.scalars(
                sa.select(Example)
                .where(Example.id.in_(chunk), Example.state == "published")
                .options(selectinload(Example.partners).selectinload(Partner.organisation))
            )


def published_documents() -> Iterator[dict]:
    """Yield the index document of every published example, in id order."""
    with db.engine.connect() as conn:
        ids = conn.scalars(
            sa.select(Example.id).where(Example.state == "published").order_by(Example.id)
        ).all()
        for example in _load(conn, list(ids)):
            yield document(example)


def rebuild(store: Store, *, if_needed: bool = False) -> int | None:
    """Build a fresh index from the database, swap it in, then catch up with the feed."""
    count = store.rebuild(published_documents, if_needed=if_needed, position=_start)
    if count is not None:
        log.info("search: index rebuilt with %d document(s) in %s", count, store.index_dir)
    try:
        catch_up(store)
    except (WriterBusy, IndexUnavailable) as exc:
        log.warning("search: feed not applied after rebuild (%s)", exc)
    return count


def _start() -> feed.Position:
    with db.engine.connect() as conn:
        return feed.start(conn)


@dataclass
class CheckReport:
    """How the index differs from the database (example ids)."""

    missing: list[int] = field(default_factory=list)   # published, not in the index
    stale: list[int] = field(default_factory=list)     # indexed from an older version
    orphaned: list[int] = field(default_factory=list)  # in the index, not published

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.orphaned)


def check(store: Store) -> CheckReport:
    """Compare every index document with what the database would give today."""
    expected = {int(doc["id"]): doc["stamp"] for doc in published_documents()}
    searcher = store.searcher()
    indexed: dict[int, list[str]] = {}
    for stored in searcher.reader().all_stored_fields():
        indexed.setdefault(int(stored["id"]), []).append(stored.get("stamp", ""))
    report = CheckReport()
    for example_id, stamp in expected.items():
        stamps = indexed.get(example_id)
        if stamps is None:
            report.missing.append(example_id)
        elif stamps != [stamp]:
            report.stale.append(example_id)
    report.orphaned = sorted(set(indexed) - set(expected))
    return report
