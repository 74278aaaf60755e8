"""Keep the index in step with the database, through an outbox written in the same transaction.

- `after_flush` collects the examples whose index document may change (examples new, edited or
  deleted, examples whose partners changed) and INSERTs one `index_outbox` row for each, on the
  flushing connection: the pending change is durable exactly when the data change is.
- `after_commit` applies the outbox; `after_rollback` forgets the collection (the outbox rows
  rolled back with everything else).
- Applying the outbox (any process applies every row, not only its own): take the index writer
  lock, *then* read the outbox rows and the current state of those examples, write, commit the
  index, and delete exactly the rows read. Reading after taking the lock means whoever writes
  last has read last: the latest database state wins whatever the order of processes. When the
  lock cannot be had in time, the rows stay and the next commit, start-up, `check-index` or
  `reindex` applies them; a crash between the database commit and the index write is caught
  up the same way.
- Bulk `sa.update()` / `sa.delete()` statements emit no ORM events: code doing bulk changes must
  call `write_outbox(ids)` in the same transaction, or `rebuild()` afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, selectinload

from ..extensions import db
from ..models import Example, IndexOutbox, Partner, utcnow
from .internals import release
from .schema import document
from .store import IndexUnavailable, Store, WriterBusy

log = logging.getLogger(__name__)

PENDING = "catalogue.search.pending"  # session.info: ids given an outbox row in this transaction
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
        write_outbox(fresh, connection=session.connection())
        done.update(fresh)


def _after_commit(session: Session) -> None:
    if not session.info.pop(PENDING, None):
        return
    store = current_store()
    if store is None:
        return
    try:
        process_outbox(store)
    except IndexUnavailable as exc:  # the rows stay in the outbox, applied once it is back
        log.warning("search: outbox not applied after a commit: %s", exc)
    except Exception:  # never fail a request after its commit: the rows stay for later
        log.exception("search: could not apply the outbox after a commit")


def _forget(session: Session) -> None:
    session.info.pop(PENDING, None)


def _forget_soft(session: Session, previous_transaction) -> None:
    # A rolled-back savepoint took its outbox rows with it: let later flushes write them again.
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
    for obj in session.dirty:
        if isinstance(obj, Example) and _was_or_is_published(obj):
            ids.add(obj.id)
        elif isinstance(obj, Partner):
            owners.update((*sa.inspect(obj).attrs.example_id.history.deleted, obj.example_id))
    for obj in session.deleted:
        if isinstance(obj, Example):
            ids.add(obj.id)
        elif isinstance(obj, Partner):
            history = sa.inspect(obj).attrs.example_id.history
            owners.update((*history.deleted, *history.unchanged, obj.example_id))
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


def _was_or_is_published(example: Example) -> bool:
    history = sa.inspect(example).attrs.state.history
    return example.state == "published" or "published" in (history.deleted or ())


def write_outbox(example_ids: Iterable[int], connection=None) -> None:
    """Record that these examples' documents must be refreshed, in the caller's transaction."""
    rows = [{"example_id": int(i), "created_at": utcnow()} for i in example_ids]
    if not rows:
        return
    if connection is None:
        connection = db.session.connection()
        # Have the commit apply them, as it does for the rows the ORM events write.
        db.session.info.setdefault(PENDING, set()).update(r["example_id"] for r in rows)
    connection.execute(sa.insert(IndexOutbox.__table__), rows)


def pending() -> int:
    """Return the number of outbox rows waiting."""
    with db.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(IndexOutbox.__table__)) or 0


def process_outbox(store: Store) -> int:
    """Apply every outbox row if the writer lock can be had; return how many were applied."""
    outbox = IndexOutbox.__table__
    with db.engine.connect() as conn:
        if not conn.scalar(sa.select(outbox.c.id).limit(1)):
            return 0
    if store.current_path() is None:
        # No index at all yet (first start before init-db, or removed): build it, which drains.
        return rebuild(store, if_needed=True) or 0
    try:
        writer = store.open_writer()
    except WriterBusy as exc:
        log.info("search: outbox left for later (%s)", exc)
        return 0
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(
                sa.select(outbox.c.id, outbox.c.example_id).order_by(outbox.c.id)
            ).all()
            example_ids = sorted({example_id for _, example_id in rows})
            # Index if published, else remove: delete every version, add the published ones.
            changes = store.delete_examples(writer, example_ids)
            for example in _load(conn, example_ids):
                writer.add_document(**document(example))
                changes += 1
    except BaseException:
        release(writer)
        raise
    if not changes:
        # Nothing to write (an example never published): a commit would still start a new
        # generation and make every process reopen its searcher.
        writer.cancel()
    else:
        try:
            store.commit(writer)
        except Exception as exc:
            raise IndexUnavailable(f"index commit failed: {exc!r}") from exc
    if not rows:
        return 0
    row_ids = [row_id for row_id, _ in rows]
    with db.engine.begin() as conn:
        for start in range(0, len(row_ids), LOAD_BATCH):
            chunk = row_ids[start:start + LOAD_BATCH]
            conn.execute(sa.delete(outbox).where(outbox.c.id.in_(chunk)))
    log.info("search: applied %d outbox row(s) for %d example(s)", len(rows), len(example_ids))
    return len(rows)


def _load(conn, example_ids: list[int]) -> Iterator[Example]:
    """Yield the published examples among these ids, with their partners, as committed."""
    with Session(bind=conn) as session:
        for start in range(0, len(example_ids), LOAD_BATCH):
            chunk = example_ids[start:start + LOAD_BATCH]
            yield from session.scalars(
                sa.select(Example)
                .where(Example.id.in_(chunk), Example.state == "published")
                .options(selectinload(Example.partners))
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
    """Build a fresh index from the database, swap it in, then apply the outbox."""
    count = store.rebuild(published_documents, if_needed=if_needed)
    if count is not None:
        log.info("search: index rebuilt with %d document(s) in %s", count, store.index_dir)
    try:
        process_outbox(store)
    except (WriterBusy, IndexUnavailable) as exc:
        log.warning("search: outbox not applied after rebuild (%s)", exc)
    return count


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
