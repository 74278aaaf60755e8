"""The index change feed: one row per example whose document may have changed, kept for days.

Every index copy (each host's INDEX_DIR) follows the feed from its own `Position`, saved in the
generation directory beside the index it describes, after the index commit: a crash in between
only makes the copy read some changes again, and applying a change twice is harmless (the
document is rebuilt from the database as it is then).

Reading by position must never skip a change:
- On PostgreSQL ids are handed out at INSERT but become visible at COMMIT, in another order: a
  change with a smaller id can appear after a larger one was read. So the position is not an id
  but a transaction horizon. Each row carries the id of the transaction that wrote it (`txid`).
  A read first takes `xmin`, the oldest transaction still running, then reads the rows of every
  transaction from the previous `xmin` on. Transactions below the new `xmin` had all ended
  before the rows were read: their rows were in that read, for good. Rows of transactions at or
  above it may still be joined by others: the next read reads from there again, skipping the
  rows already applied (`seen`).
- SQLite serialises writers: ids become visible in order, and the position is the last id read.

Rows older than the retention window (INDEX_FEED_RETENTION seconds, 7 days by default) are
deleted; a copy whose last read is older than the window (less a margin for long transactions)
may have missed deleted rows, and is rebuilt instead.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..models import IndexChange, utcnow

RETENTION = 7 * 24 * 3600  # seconds
# A transaction running longer than this could write rows a window-old copy never read.
MARGIN = timedelta(hours=1)
# An idle copy still records that it read the feed, this often, to stay within the window.
REFRESH = timedelta(minutes=10)
NOTIFY_CHANNEL = "catalogue_index"
POSITION_FILE = "feed-position.json"
_TXID = "pg_current_xact_id()::text::bigint"
_XMIN = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"

table = IndexChange.__table__


@dataclass
class Position:
    """Where an index copy stands in the feed."""

    read_at: datetime
    after_id: int = 0  # SQLite: every row up to this id is applied
    xmin: int | None = None  # PostgreSQL: every transaction below this is applied
    seen: dict[int, int] = field(default_factory=dict)  # PostgreSQL: row id -> txid, applied

    def as_json(self) -> dict:
        return {"read_at": self.read_at.isoformat(), "after_id": self.after_id,
                "xmin": self.xmin, "seen": [[k, v] for k, v in sorted(self.seen.items())]}

    @classmethod
    def from_json(cls, data: dict) -> Position:
        return cls(read_at=datetime.fromisoformat(data["read_at"]),
                   after_id=int(data.get("after_id") or 0),
                   xmin=None if data.get("xmin") is None else int(data["xmin"]),
                   seen={int(k): int(v) for k, v in data.get("seen") or ()})

    def stale(self, retention: float, now: datetime | None = None) -> bool:
        """Say whether rows this copy never read may have been deleted since its last read."""
        now = now or utcnow()
        return self.read_at < now - timedelta(seconds=retention) + MARGIN


@dataclass
class Change:
    id: int
    example_id: int
    created_at: datetime
    txid: int | None


def load(generation: str) -> Position | None:
    """Return the position saved with an index generation (None: unknown, rebuild)."""
    try:
        with open(os.path.join(generation, POSITION_FILE), encoding="utf-8") as f:
            return Position.from_json(json.load(f))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(generation: str, position: Position) -> None:
    """Save a position beside its generation, atomically (a reader never sees half a file)."""
    path = os.path.join(generation, POSITION_FILE)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        json.dump(position.as_json(), f)
    os.replace(temporary, path)


def record(connection: sa.Connection, rows: list[dict]) -> None:
    """Insert change rows in the caller's transaction; on PostgreSQL, tell listeners at commit."""
    statement = sa.insert(table)
    if _postgresql(connection):
        statement = statement.values(txid=sa.text(_TXID))
    connection.execute(statement, rows)
    if _postgresql(connection):
        # Delivered when (and only if) the transaction commits; repeats within it are merged.
        connection.execute(sa.text("SELECT pg_notify(:channel, '')"), {"channel": NOTIFY_CHANNEL})


def start(connection: sa.Connection) -> Position:
    """Return the position of a copy built from what is committed from now on.

    Taken before the documents are read: what commits meanwhile is read again, never missed.
    """
    if _postgresql(connection):
        return Position(read_at=utcnow(), xmin=connection.scalar(sa.text(f"SELECT {_XMIN}")))
    last = connection.scalar(sa.select(sa.func.max(table.c.id))) or 0
    return Position(read_at=utcnow(), after_id=last)


def read(connection: sa.Connection, position: Position) -> tuple[list[Change], Position]:
    """Return the changes not applied since position, and the position once they are."""
    now = utcnow()
    columns = (table.c.id, table.c.example_id, table.c.created_at, table.c.txid)
    if not _postgresql(connection):
        rows = connection.execute(
            sa.select(*columns).where(table.c.id > position.after_id).order_by(table.c.id)).all()
        changes = [Change(*row) for row in rows]
        last = max((c.id for c in changes), default=position.after_id)
        return changes, Position(read_at=now, after_id=last)
    xmin = connection.scalar(sa.text(f"SELECT {_XMIN}"))  # first: see the module's docstring
    query = sa.select(*columns).order_by(table.c.id)
    if position.xmin is not None:
        query = query.where(table.c.txid >= position.xmin)
    changes = [Change(*row) for row in connection.execute(query)
               if row.id not in position.seen]
    seen = {i: t for i, t in position.seen.items() if t >= xmin}
    seen.update((c.id, c.txid) for c in changes if c.txid is not None and c.txid >= xmin)
    return changes, Position(read_at=now, xmin=xmin, seen=seen)


def lag(connection: sa.Connection, position: Position | None) -> tuple[int, float]:
    """Return how many changes this copy has not applied, and the age in seconds of the oldest."""
    if position is None:
        query = sa.select(table.c.id, table.c.created_at)
    elif not _postgresql(connection):
        query = sa.select(table.c.id, table.c.created_at).where(table.c.id > position.after_id)
    else:
        # Rows of transactions still open are not behind: only what is committed and unread.
        query = sa.select(table.c.id, table.c.created_at)
        if position.xmin is not None:
            query = query.where(table.c.txid >= position.xmin)
    rows = [row for row in connection.execute(query)
            if position is None or row.id not in position.seen]
    if not rows:
        return 0, 0.0
    oldest = min(row.created_at for row in rows)
    return len(rows), max(0.0, (utcnow() - oldest).total_seconds())


def prune(connection: sa.Connection, retention: float) -> int:
    """Delete the rows older than the retention window; return how many."""
    limit = utcnow() - timedelta(seconds=retention)
    return connection.execute(sa.delete(table).where(table.c.created_at < limit)).rowcount or 0


def _postgresql(connection: sa.Connection) -> bool:
    return connection.dialect.name == "postgresql"
