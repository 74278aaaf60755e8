"""Document sets as Python ints used as bitsets over docnums (bit d set: docnum d is in)."""

from __future__ import annotations

from collections.abc import Iterable

# Positions of the set bits of every byte value.
_BYTE_BITS = tuple(tuple(i for i in range(8) if b >> i & 1) for b in range(256))


def from_ids(ids: Iterable[int]) -> int:
    """Return the bitset of some docnums."""
    ids = list(ids)
    if not ids:
        return 0
    buf = bytearray((max(ids) >> 3) + 1)
    for d in ids:
        buf[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(buf, "little")


def to_bytes(bitset: int, size: int) -> bytes:
    """Return the bitset as little-endian bytes covering size docnums (for bit tests)."""
    return bitset.to_bytes((size >> 3) + 1, "little")


def to_ids(bitset: int) -> list[int]:
    """Return the docnums of a bitset, in increasing order."""
    out: list[int] = []
    extend = out.extend
    data = bitset.to_bytes((bitset.bit_length() >> 3) + 1, "little")
    for i, byte in enumerate(data):
        if byte:
            base = i << 3
            extend(base + b for b in _BYTE_BITS[byte])
    return out
