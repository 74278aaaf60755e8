"""What every model uses: aware UTC times, JSON lists, token hashes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.mutable import MutableList


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Store naive UTC timestamps and hand back aware ones, on SQLite and PostgreSQL alike."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None else None


def JSONList():  # noqa: N802 - reads as a column type
    return MutableList.as_mutable(sa.JSON())


def hash_token(token: str) -> str:
    """Return the stored form of a follow-up token."""
    return hashlib.sha256(token.encode()).hexdigest()
