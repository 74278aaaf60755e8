"""Differential tests: catalogue.search.internals against Whoosh's public API.

Each helper of `internals` uses Whoosh beyond its public API. Here each one's answers are
compared with what the public API says on random small indexes (seeded, several segments,
deletions, a posting list longer than one block), so an upgrade of the pinned whoosh-reloaded
that changes an internal fails here, loudly, before it shows as a wrong search.
"""

from __future__ import annotations

import copy
import random
import shutil

import pytest

from catalogue.search import internals
from catalogue.search.facets import FACETS
from catalogue.search.files import LockError, build_generation, locked_writer, open_index
from catalogue.search.schema import FIELD_WEIGHTS, make_schema

SEEDS = (1, 2)
WORDS = ("jardin", "école", "énergie", "solidarité", "logement", "mobilité", "santé",
         "insertion", "culture", "numérique", "alimentation", "forêt", "rivière", "emploi",
         "quartier", "village", "coopérative", "mutuelle", "commune", "fondation", "recyclage",
         "vélo", "bibliothèque", "théâtre", "musique", "handicap", "jeunesse", "aînés")
COMMON = "partenariat"  # in nearly every document: its list spans several blocks
FIRST_SEGMENT = 200


class Corpus:
    """A random index: a big first segment, then small segments, with deletions and updates."""

    def __init__(self, tmp_path, seed: int):
        self.rng = random.Random(seed)
        self.schema = make_schema()
        docs = [self.document(pk) for pk in range(1, FIRST_SEGMENT + 1)]
        _, self.path = build_generation(str(tmp_path), lambda: docs, self.schema)
        next_pk = FIRST_SEGMENT + 1
        for _ in range(3):
            writer = locked_writer(self.path, self.schema, timeout=5)
            for _ in range(self.rng.randint(5, 25)):
                writer.add_document(**self.document(next_pk))
                next_pk += 1
            # Deletions in older segments, and an example indexed again (its old copy deleted).
            for pk in self.rng.sample(range(1, next_pk), k=8):
                writer.delete_by_term("id", str(pk))
            updated = self.rng.randrange(1, FIRST_SEGMENT)
            writer.delete_by_term("id", str(updated))
            writer.add_document(**self.document(updated))
            writer.commit(merge=False)

    def words(self, low: int, high: int) -> str:
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def document(self, pk: int) -> dict:
        rng = self.rng
        body = self.words(5, 20)
        if rng.random() < 0.95:
            body = f"{body} {COMMON} {self.words(0, 5)}"
        doc = {
            "id": str(pk), "stamp": f"s{pk}", "title": self.words(1, 4),
            "summary": self.words(3, 10), "body": body, "context": self.words(0, 6),
            "description": body[:100], "spell": self.words(2, 8), "pk": pk,
            "published": rng.randrange(1_600_000_000, 1_800_000_000),
            "title_key": f"t{rng.randrange(1000):04d}".encode(),
        }
        for name, facet in FACETS.items():
            doc[name] = ",".join(rng.sample(facet.codes[:5], k=rng.randint(0, 2)))
        return doc

    def index(self):
        return open_index(self.path, self.schema)

    def copy(self, tmp_path) -> Corpus:
        """Return a copy of this index to write into."""
        other = copy.copy(self)
        other.path = shutil.copytree(self.path, tmp_path / "copy")
        other.rng = random.Random(self.rng.random())
        return other


@pytest.fixture(scope="module", params=SEEDS)
def corpus(request, tmp_path_factory) -> Corpus:
    """A random index, read-only (built once per seed: the French analysis takes seconds)."""
    return Corpus(tmp_path_factory.mktemp("index"), request.param)


@pytest.fixture
def writable(corpus, tmp_path) -> Corpus:
    return corpus.copy(tmp_path)


def public_deleted(leaf) -> set[int]:
    return set(range(leaf.doc_count_all())) - set(leaf.all_doc_ids())


def test_the_random_index_has_what_the_comparisons_need(corpus):
    with corpus.index().searcher() as searcher:
        segments = internals.leaves(searcher.reader())
        assert len(segments) == 4
        assert any(leaf.has_deletions() for leaf, _ in segments)
        big = segments[0][0]
        assert len(list(big.postings("body", COMMON.encode()).all_ids())) > 128  # W3 blocks


def test_leaves_are_the_public_leaf_readers_of_segments(corpus, tmp_path):
    with corpus.index().searcher() as searcher:
        reader = searcher.reader()
        ours = internals.leaves(reader)
        public = list(reader.leaf_readers())
        assert [(id(leaf), offset) for leaf, offset in ours] == \
            [(id(leaf), offset) for leaf, offset in public]
        assert sum(leaf.doc_count_all() for leaf, _ in ours) == reader.doc_count_all()
    (tmp_path / "empty").mkdir()
    _, empty = build_generation(str(tmp_path / "empty"), list, make_schema())
    with open_index(empty).searcher() as searcher:
        assert searcher.doc_count_all() == 0 and internals.leaves(searcher.reader()) == []


def test_read_postings_gives_the_public_postings_plus_the_deleted_documents(corpus):
    checked = 0
    with corpus.index().searcher() as searcher:
        for leaf, _ in internals.leaves(searcher.reader()):
            deleted = public_deleted(leaf)
            for field in [*FIELD_WEIGHTS, "spell", *FACETS]:
                for btext in leaf.lexicon(field):
                    ids, freqs = internals.read_postings(leaf, field, btext)
                    public = dict(zip(leaf.postings(field, btext).all_ids(),
                                      _weights(leaf, field, btext), strict=True))
                    assert list(ids) == sorted(set(ids))
                    ours = dict(zip(ids, freqs, strict=True))
                    assert {d: w for d, w in ours.items() if d not in deleted} == public
                    assert set(ours) - set(public) <= deleted
                    checked += 1
            assert internals.read_postings(leaf, "body", b"absent") == ((), ())
            assert internals.read_postings(leaf, "body", b"absent", values=True) == {}
    assert checked > 100


def test_read_postings_includes_deleted_documents_having_the_word(corpus):
    """Deleted documents' postings cannot be read publicly: their stored text tells."""
    deleted_checked = 0
    with corpus.index().searcher() as searcher:
        for leaf, _ in internals.leaves(searcher.reader()):
            for field in ("title", "summary"):
                having: dict[str, set[int]] = {}
                for d in range(leaf.doc_count_all()):
                    text = leaf.stored_fields(d)[field]
                    for word in corpus.schema[field].process_text(text, mode="index"):
                        having.setdefault(word, set()).add(d)
                for word, docs in having.items():
                    assert set(internals.read_postings(leaf, field, word)[0]) == docs
                    deleted_checked += len(docs & public_deleted(leaf))
    assert deleted_checked > 10


def _weights(leaf, field: str, btext: bytes) -> list[float]:
    matcher = leaf.postings(field, btext)
    found = []
    while matcher.is_active():
        found.append(matcher.weight())
        matcher.next()
    return found


def test_positions_decoded_from_raw_values_are_the_public_positions(corpus):
    checked = 0
    with corpus.index().searcher() as searcher:
        for leaf, _ in internals.leaves(searcher.reader()):
            for field in FIELD_WEIGHTS:
                decode = internals.position_decoder(leaf, field)
                for btext in leaf.lexicon(field):
                    raw = internals.read_postings(leaf, field, btext, values=True)
                    matcher = leaf.postings(field, btext)
                    while matcher.is_active():
                        assert decode(raw[matcher.id()]) == matcher.value_as("positions")
                        matcher.next()
                        checked += 1
    assert checked > 1000


def test_deleted_docs_are_those_the_public_reader_skips(corpus):
    with corpus.index().searcher() as searcher:
        for leaf, _ in internals.leaves(searcher.reader()):
            deleted = internals.deleted_docs(leaf)
            assert deleted == public_deleted(leaf)
            assert deleted == {d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)}
            assert len(deleted) == leaf.segment().deleted_count()


def test_terms_within_finds_what_each_segment_reader_finds(corpus):
    rng = random.Random(7)
    with corpus.index().searcher() as searcher:
        segments = [leaf for leaf, _ in internals.leaves(searcher.reader())]
        for _ in range(12):
            word = list(rng.choice(WORDS))
            for _ in range(rng.randint(0, 2)):  # a typo or two
                word[rng.randrange(1, len(word))] = rng.choice("aeiourst")
            text = "".join(word)
            for maxdist, prefix in ((1, 1), (2, 1)):  # as query.correct asks
                public = set()
                for leaf in segments:
                    public.update(leaf.terms_within("spell", text, maxdist, prefix))
                assert internals.terms_within(segments, "spell", text, maxdist, prefix) == public


def test_segments_and_their_columns_are_what_the_segment_readers_read(writable):
    ix = writable.index()
    writer = locked_writer(writable.path, writable.schema, timeout=5)
    try:
        ours = internals.writer_segments(writer)
        with writer.reader() as reader:
            public = internals.leaves(reader)
            assert [(s.segment_id(), base) for s, base in ours] == \
                [(leaf.segment().segment_id(), base) for leaf, base in public]
            assert [s.segment_id() for s in internals.index_segments(ix)] == \
                [s.segment_id() for s, _ in ours]
            for (segment, _), (leaf, _) in zip(ours, public, strict=True):
                assert segment.deleted_count() == len(public_deleted(leaf))
                for name in ("pk", "published", "title_key"):
                    assert internals.segment_column(writer, segment, name) == \
                        list(leaf.column_reader(name))
    finally:
        writer.cancel()


def test_open_searcher_sees_what_a_fresh_public_searcher_sees(writable):
    ix = writable.index()
    ours = internals.open_searcher(ix)
    _assert_same(ours, ix)
    # A new segment, and deletions in an older one whose reader is reused.
    writer = locked_writer(writable.path, writable.schema, timeout=5)
    writer.add_document(**writable.document(10_000))
    live = sorted(int(doc["id"]) for doc in ours.documents())
    for pk in writable.rng.sample(live, k=5):
        writer.delete_by_term("id", str(pk))
    writer.commit(merge=False)
    ix = writable.index()
    again = internals.open_searcher(ix, reuse=ours)
    _assert_same(again, ix)
    again.close()


def _assert_same(ours, ix) -> None:
    with ix.searcher() as public:
        assert ours.reader().generation() == public.reader().generation() == \
            ix.latest_generation()
        assert ours.doc_count() == public.doc_count()
        assert ours.doc_count_all() == public.doc_count_all()
        assert sorted(d["id"] for d in ours.documents()) == \
            sorted(d["id"] for d in public.documents())
        for btext in public.reader().lexicon("body"):
            assert list(ours.reader().postings("body", btext).all_ids()) == \
                list(public.reader().postings("body", btext).all_ids())


def test_writer_lock_is_the_lock_whoosh_writers_take(writable):
    ix = writable.index()
    lock = internals.writer_lock(writable.path)
    assert lock.acquire(blocking=False)
    try:
        with pytest.raises(LockError):
            ix.writer(timeout=0)
    finally:
        lock.release()
    public = ix.writer(timeout=0)
    try:
        assert not internals.writer_lock(writable.path).acquire(blocking=False)
    finally:
        public.cancel()


def test_a_writer_under_our_lock_commits_and_releases_it(writable):
    writer = locked_writer(writable.path, writable.schema, timeout=5)
    with pytest.raises(LockError):
        writable.index().writer(timeout=0)
    writer.add_document(**writable.document(20_000))
    writer.commit(merge=False)
    with writable.index().searcher() as searcher:
        assert searcher.document(id="20000")["stamp"] == "s20000"
    writer = locked_writer(writable.path, writable.schema, timeout=5)
    internals.release(writer)
    writable.index().writer(timeout=0).cancel()  # the lock is free again


def test_merge_segments_keeps_every_live_document(writable):
    ix = writable.index()
    with ix.searcher() as searcher:
        before = sorted(d["id"] for d in searcher.documents())
        postings = list(searcher.reader().postings("body", COMMON.encode()).all_ids())
        assert len(list(searcher.reader().leaf_readers())) == 4

    def merge_small(writer, segments):
        internals.merge_segments(writer, segments[1:])
        return segments[:1]

    writer = locked_writer(writable.path, writable.schema, timeout=5)
    writer.commit(mergetype=merge_small)
    with writable.index().searcher() as searcher:
        assert len(list(searcher.reader().leaf_readers())) == 2
        assert sorted(d["id"] for d in searcher.documents()) == before
        # The first segment kept its docnums; the merged documents follow it, deletions gone.
        assert len(list(searcher.reader().postings("body", COMMON.encode()).all_ids())) == \
            len(postings)
