"""Document sets as Python ints used as bitsets over docnums (bit d set: docnum d is in)."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from itertools import repeat

_ONE = re.compile("1")


def from_ids(ids: Iterable[int]) -> int:
    """Return the bitset of some docnums."""
    ids = ids if isinstance(ids, (list, tuple)) else list(ids)
    if not ids:
        return 0
    digits = bytearray(b"0") * (max(ids) + 1)
    deque(map(digits.__setitem__, ids, repeat(ord("1"))), maxlen=0)  # runs in C
    digits.reverse()
    return int(digits, 2)


def to_bytes(bitset: int, size: int) -> bytes:
    """Return the bitset as little-endian bytes covering size docnums (for bit tests)."""
    return bitset.to_bytes((size >> 3) + 1, "little")


def to_ids(bitset: int) -> list[int]:
    """Return the docnums of a bitset, in increasing order."""
    return [m.start() for m in _ONE.finditer(bin(bitset)[:1:-1])] if bitset > 0 else []
