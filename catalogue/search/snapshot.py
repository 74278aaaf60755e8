"""Per-generation search data: live documents, facet bitsets, sort orders, scored terms.

Whoosh stores the index and answers for postings; matching, facet counting and ranking run on
this data instead of Whoosh's collectors, which walk every matching document in Python (about
100 ms for a broad query at 10,000 examples). Here:

- a set of documents is a Python int used as a bitset over docnums, so intersections and
  counts (`&`, `int.bit_count`) run in C;
- a segment's columns, facet postings and term postings are read once per process and kept
  while the segment lives: a segment never gains documents, and deleted ones are masked by
  `Snapshot.live`, so what was read stays valid after later deletions;
- a term's scores (BM25 over the weighted text fields) are computed once per generation.
"""

from __future__ import annotations

import contextlib
import math
import threading
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import itemgetter

from cachetools import LRUCache

from . import bits
from .facets import FACETS
from .internals import position_decoder, read_postings
from .schema import FIELD_WEIGHTS

K1, B = 1.2, 0.75
# Cache budgets in postings or scored documents (about 100 bytes each): some 60 MB apiece.
POSTINGS_BUDGET = 600_000  # per segment
SCORES_BUDGET = 600_000    # per generation, for terms and again for clauses
EXCERPTS_BUDGET = 20_000   # highlighted excerpts per segment (some 300 bytes each)


class SharedLRU:
    """A thread-safe LRU cache with a budget counted in entries' costs (cachetools' LRUCache).

    An entry costing more than the whole budget is not kept.
    """

    def __init__(self, budget: int):
        self.budget = budget
        self._cache = LRUCache(maxsize=budget, getsizeof=itemgetter(1))
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            item = self._cache.get(key)
        return None if item is None else item[0]

    def put(self, key, value, cost: int = 1):
        with self._lock, contextlib.suppress(ValueError):  # ValueError: over the whole budget
            self._cache[key] = (value, cost)
        return value


class SegmentData:
    """What is read once from a segment: columns, facet bitsets, field lengths, postings."""

    def __init__(self, leaf):
        self.size = leaf.doc_count_all()
        self.pks = list(leaf.column_reader("pk"))
        self.published = list(leaf.column_reader("published"))
        self.title_keys = list(leaf.column_reader("title_key"))
        self.facets: dict[str, dict[str, int]] = {}
        for name in FACETS:
            values = {}
            for value in leaf.lexicon(name):
                values[value.decode("utf-8")] = bits.from_ids(read_postings(leaf, name, value)[0])
            self.facets[name] = values
        self.field_totals = {name: leaf.field_length(name) for name in FIELD_WEIGHTS}
        self._lengths: dict[str, list[int]] = {}
        self._postings = SharedLRU(budget=POSTINGS_BUDGET)
        # (docnum in the segment, words) -> excerpt, "" for none: a document never changes.
        self.excerpts = SharedLRU(budget=EXCERPTS_BUDGET)
        self._lexicons: dict[str, dict[str, int]] = {}
        self._frequencies: dict[str, int] | None = None

    def lexicon(self, leaf, field: str) -> dict[str, int]:
        """Return the words of a text field, each with the number of documents having it.

        Read in one pass (about 5 ms a field at 1,000 examples). Looking a word up here first
        spares Whoosh a failed look-up in every small segment a search has not seen yet.
        Deleted documents still count.
        """
        found = self._lexicons.get(field)
        if found is None:
            found = {btext.decode("utf-8"): info.doc_frequency()
                     for btext, info in leaf.iter_field(field)}
            self._lexicons[field] = found
        return found

    def frequencies(self, leaf) -> dict[str, int]:
        """Return how many documents have each word, summed over the text fields."""
        found = self._frequencies
        if found is None:
            found = {}
            for field in FIELD_WEIGHTS:
                for text, count in self.lexicon(leaf, field).items():
                    found[text] = found.get(text, 0) + count
            self._frequencies = found
        return found

    def lengths(self, leaf, field: str) -> list[int]:
        """Return the length of a field in every document of the segment."""
        found = self._lengths.get(field)
        if found is None:
            length = leaf.doc_field_length
            found = self._lengths[field] = [length(d, field, 0) for d in range(self.size)]
        return found

    def postings(self, leaf, field: str, term: str) -> tuple[Sequence[int], Sequence[float]]:
        """Return the (docnums, frequencies) of a term in a field of this segment."""
        if term not in self.lexicon(leaf, field):
            return (), ()
        key = (field, term)
        found = self._postings.get(key)
        if found is None:
            found = read_postings(leaf, field, term)
            self._postings.put(key, found, cost=len(found[0]) + 1)
        return found

    def values(self, leaf, field: str, term: str) -> dict[int, bytes]:
        """Return the encoded positions of a term in a field, by docnum (for phrases)."""
        if term not in self.lexicon(leaf, field):
            return {}
        key = ("values", field, term)
        found = self._postings.get(key)
        if found is None:
            found = read_postings(leaf, field, term, values=True)
            self._postings.put(key, found, cost=2 * len(found) + 1)
        return found


@dataclass
class Scored:
    """Documents matching something, with a relevance score for each."""

    bits: int
    scores: dict[int, float]
    fields: dict[str, int] | None = None  # for a term: the documents having it in each field


class Snapshot:
    """The data of one index generation, shared by the threads of a process."""

    def __init__(self, key: tuple, parts: list[tuple[SegmentData, int, Iterable[int]]]):
        self.key = key
        self.parts = [(data, offset) for data, offset, _ in parts]
        self._offsets = [offset for _, offset in self.parts]
        self.segkeys: frozenset = frozenset()
        self.size = sum(data.size for data, _ in self.parts)
        self.pks: list[int] = [pk for data, _ in self.parts for pk in data.pks]
        deleted = [offset + d for data, offset, dead in parts for d in dead]
        self.live = ((1 << self.size) - 1) & ~bits.from_ids(deleted)
        self.documents = self.live.bit_count()
        self.facets: dict[str, dict[str, int]] = {}
        for name in FACETS:
            merged: dict[str, int] = {}
            for data, offset in self.parts:
                for value, local in data.facets[name].items():
                    merged[value] = merged.get(value, 0) | (local << offset)
            self.facets[name] = merged
        self.avg_lengths = {
            name: max(sum(d.field_totals[name] for d, _ in self.parts) / max(self.size, 1), 1.0)
            for name in FIELD_WEIGHTS
        }
        self._orders: dict[str, list[int]] = {}
        self._docnums: dict[int, int] | None = None
        self._norms: dict[str, list[float]] = {}
        self._terms = SharedLRU(budget=SCORES_BUDGET)
        self.clauses = SharedLRU(budget=SCORES_BUDGET)

    # --- order and lookup -------------------------------------------------------------------

    def order(self, sort: str) -> list[int]:
        """Return the live docnums in the order of a sort ("recent" or "titre")."""
        order = self._orders.get(sort)
        if order is None:
            pks = self.pks
            if sort == "recent":
                published = [v for data, _ in self.parts for v in data.published]
                key: Callable[[int], object] = lambda d: (-published[d], -pks[d])  # noqa: E731
            else:
                titles = [v for data, _ in self.parts for v in data.title_keys]
                key = lambda d: (titles[d], pks[d])  # noqa: E731
            order = self._orders[sort] = sorted(bits.to_ids(self.live), key=key)
        return order

    def docnum(self, pk: int) -> int | None:
        """Return the live docnum of an example id, or None."""
        if self._docnums is None:
            live = bits.to_bytes(self.live, self.size)
            self._docnums = {
                pk: d for d, pk in enumerate(self.pks) if live[d >> 3] >> (d & 7) & 1
            }
        return self._docnums.get(pk)

    def segment_of(self, docnum: int) -> tuple[SegmentData, int]:
        """Return the data of the segment holding a docnum, and the docnum within it."""
        data, offset = self.parts[bisect_right(self._offsets, docnum) - 1]
        return data, docnum - offset

    def values_of(self, docnum: int) -> dict[str, list[str]]:
        """Return the facet values of a document."""
        return {name: [v for v, b in values.items() if b >> docnum & 1]
                for name, values in self.facets.items()}

    # --- terms ------------------------------------------------------------------------------

    def frequency(self, leaves: Sequence, text: str) -> int:
        """Return how many documents have a word, summed over the text fields (an upper bound)."""
        return sum(data.frequencies(leaf).get(text, 0)
                   for (data, _), leaf in zip(self.parts, leaves, strict=True))

    def term(self, leaves: Sequence, text: str) -> Scored:
        """Return the documents containing an index term and their BM25 scores over the fields.

        `leaves` are the calling thread's segment readers of this generation (readers are not
        shared between threads).
        """
        found = self._terms.get(text)
        if found is not None:
            return found
        n = max(self.size, 1)
        per_field = []
        for field, weight in FIELD_WEIGHTS.items():
            lists = [(data.postings(leaf, field, text), offset)
                     for (data, offset), leaf in zip(self.parts, leaves, strict=True)]
            df = sum(len(ids) for (ids, _), _ in lists)
            if df:
                per_field.append((df, field, weight, lists))
        scores: dict[int, float] = {}
        fields: dict[str, int] = {}
        # The longest list seeds the dictionary in C; the shorter ones are added to it.
        for df, field, weight, lists in sorted(per_field, key=lambda item: -item[0]):
            gain = weight * math.log(1 + (n - df + 0.5) / (df + 0.5)) * (K1 + 1)
            norms = self.norms(leaves, field)
            docs = 0
            for (ids, tfs), offset in lists:
                if not ids:
                    continue
                ids = ids if offset == 0 else [offset + d for d in ids]
                values = [gain * tf / (tf + norms[d]) for d, tf in zip(ids, tfs, strict=True)]
                if not scores:
                    scores = dict(zip(ids, values, strict=True))
                else:
                    get = scores.get
                    for d, value in zip(ids, values, strict=True):
                        scores[d] = get(d, 0.0) + value
                docs |= bits.from_ids(ids)
            fields[field] = docs & self.live
        matched = 0
        for docs in fields.values():
            matched |= docs
        result = Scored(matched, scores, fields)
        return self._terms.put(text, result, cost=len(scores) + 1)

    def keyword(self, leaves: Sequence, field: str, value: str) -> int:
        """Return the live documents having a value in a keyword field outside FACETS (an
        organisation's slug: too many values to read them all with the segment)."""
        key = ("keyword", field, value)
        found = self.clauses.get(key)
        if found is not None:
            return found
        found = 0
        for (data, offset), leaf in zip(self.parts, leaves, strict=True):
            ids, _ = data.postings(leaf, field, value)
            found |= bits.from_ids(ids) << offset
        found &= self.live
        return self.clauses.put(key, found, cost=1 + found.bit_count() // 64)

    def norms(self, leaves: Sequence, field: str) -> list[float]:
        """Return BM25's length normalisation of a field for every docnum (K1 folded in)."""
        found = self._norms.get(field)
        if found is None:
            scale = K1 * B / self.avg_lengths[field]
            base = K1 * (1 - B)
            found = [base + scale * length
                     for (data, _), leaf in zip(self.parts, leaves, strict=True)
                     for length in data.lengths(leaf, field)]
            self._norms[field] = found
        return found

    def phrase(self, leaves: Sequence, words: tuple[str, ...]) -> int:
        """Return the live documents having the words side by side in one of the text fields."""
        key = ("phrase", words)
        found = self.clauses.get(key)
        if found is not None:
            return found
        terms = [self.term(leaves, w) for w in words]
        found = 0
        for field in FIELD_WEIGHTS:
            candidates = self.live
            for term in terms:
                candidates &= (term.fields or {}).get(field, 0)
            if not candidates:
                continue
            hits = []
            for (data, offset), leaf in zip(self.parts, leaves, strict=True):
                local = (candidates >> offset) & ((1 << data.size) - 1)
                if not local:
                    continue
                decode = position_decoder(leaf, field)
                values = [data.values(leaf, field, w) for w in words]
                for d in bits.to_ids(local):
                    if _adjacent([decode(v[d]) for v in values]):
                        hits.append(offset + d)
            found |= bits.from_ids(hits)
        self.clauses.put(key, found, cost=1 + found.bit_count() // 64)
        return found


def _adjacent(positions: list[list[int]]) -> bool:
    """Tell whether some position p of the first word has word i at p + i, for every i."""
    starts = set(positions[0])
    for i, later in enumerate(positions[1:], start=1):
        starts &= {p - i for p in later}
        if not starts:
            return False
    return True
