"""Unit tests of the search's pure parts: bitsets, the query grammar, adjacency, merge choice, caches.

No app, no index: each runs in microseconds, beside the behaviour tests that search real indexes.
"""

from __future__ import annotations

import random

import pytest

from catalogue.search import bits
from catalogue.search.files import MERGE_FACTOR, segments_to_merge
from catalogue.search.query import Part, parse
from catalogue.search.snapshot import SharedLRU, _adjacent

# --- bitsets -------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_bitsets_round_trip_random_sets(seed):
    rng = random.Random(seed)
    ids = sorted(set(rng.sample(range(5000), rng.randint(0, 300))))
    bitset = bits.from_ids(ids)
    assert bits.to_ids(bitset) == ids
    assert bitset.bit_count() == len(ids)
    assert bits.from_ids(reversed(ids)) == bitset  # any iterable, any order
    raw = bits.to_bytes(bitset, 5000)
    assert [d for d in range(5000) if raw[d >> 3] >> (d & 7) & 1] == ids


def test_empty_bitsets():
    assert bits.from_ids([]) == 0 and bits.to_ids(0) == [] and bits.from_ids(iter(())) == 0


def test_bitset_operations_are_set_operations():
    a, b = {1, 5, 64, 65, 1000}, {5, 65, 2000}
    assert bits.to_ids(bits.from_ids(a) & bits.from_ids(b)) == sorted(a & b)
    assert bits.to_ids(bits.from_ids(a) | bits.from_ids(b)) == sorted(a | b)
    assert bits.to_ids(bits.from_ids(a) & ~bits.from_ids(b)) == sorted(a - b)


# --- the query grammar ---------------------------------------------------------------------


@pytest.mark.parametrize(("text", "clauses"), [
    ("jardin partagé", [[Part("word", "jardin")], [Part("word", "partagé")]]),
    ("jardin OU potager", [[Part("word", "jardin"), Part("word", "potager")]]),
    ("jardin OR potager | verger",
     [[Part("word", "jardin"), Part("word", "potager"), Part("word", "verger")]]),
    ("jardin ET potager", [[Part("word", "jardin")], [Part("word", "potager")]]),
    ("NOT jardin", [[Part("word", "jardin")]]),  # operators we do not offer are dropped
    ('"jardin partagé" école', [[Part("phrase", "jardin partagé")], [Part("word", "école")]]),
    ("« jardin partagé »", [[Part("phrase", " jardin partagé ")]]),  # French quotes (spaces analysed away)
    ("jard*", [[Part("prefix", "jard")]]),
    ("ja*", [[Part("word", "ja")]]),  # too short to be a prefix
    ("OU jardin", [[Part("word", "jardin")]]),  # a leading OR joins nothing
    ('"" ((( ***', []),
    ("sans-abri", [[Part("word", "sans-abri")]]),  # hyphenated words stay whole
])
def test_parse(text, clauses):
    assert parse(text) == clauses


# --- adjacency of phrase words -------------------------------------------------------------


@pytest.mark.parametrize(("positions", "adjacent"), [
    ([[3], [4]], True),
    ([[3], [5]], False),
    ([[1, 7], [2, 9], [3]], True),
    ([[1, 7], [8], [9]], True),
    ([[1, 7], [8], [3]], False),
    ([[0]], True),
])
def test_adjacent(positions, adjacent):
    assert _adjacent(positions) is adjacent


# --- which segments a merge rewrites -------------------------------------------------------


class Segment:
    """Just what segments_to_merge reads of a Whoosh segment: its document count."""

    def __init__(self, docs: int):
        self.docs = docs

    def doc_count_all(self) -> int:
        return self.docs


def test_no_merge_below_the_merge_factor():
    segments = [Segment(10_000)] + [Segment(1) for _ in range(MERGE_FACTOR - 1)]
    assert segments_to_merge(segments) == []


def test_small_segments_merge_and_the_rebuilt_one_is_never_rewritten():
    big = Segment(10_000)
    small = [Segment(1) for _ in range(MERGE_FACTOR)]
    chosen = segments_to_merge([big, *small])
    assert big not in chosen and set(map(id, chosen)) == set(map(id, small))


def test_the_cap_grows_tenfold():
    big = Segment(100_000)
    middling = [Segment(50) for _ in range(MERGE_FACTOR)]
    chosen = segments_to_merge([big, *middling, Segment(1)])
    assert big not in chosen and all(seg in chosen for seg in middling)


# --- the caches ----------------------------------------------------------------------------


def test_lru_keeps_within_its_budget_dropping_the_least_recently_used():
    cache = SharedLRU(budget=10)
    for key in "abcde":
        cache.put(key, key.upper(), cost=2)
    assert cache.get("a") == "A"  # a is now the most recent
    cache.put("f", "F", cost=2)
    assert cache.get("b") is None and cache.get("a") == "A" and cache.get("f") == "F"
    assert cache.put("g", "G", cost=100) == "G"  # larger than the whole budget: not kept
    assert cache.get("g") is None and cache.get("a") == "A"


def test_lru_replacing_a_key_counts_its_cost_once():
    cache = SharedLRU(budget=4)
    for _ in range(10):
        cache.put("a", 1, cost=2)
    cache.put("b", 2, cost=2)
    assert cache.get("a") == 1 and cache.get("b") == 2
