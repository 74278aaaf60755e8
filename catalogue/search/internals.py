"""Every use of Whoosh beyond its public API, in one place (whoosh-reloaded==2.7.5 is pinned).

Each function says why the public API does not serve. tests/test_search_internals.py compares
their answers with the public API's on random small indexes, so an upgrade that changes any of
these internals fails there first.
"""

from __future__ import annotations

import contextlib
import time
from itertools import accumulate, islice

from whoosh.codec.base import Automata
from whoosh.filedb.filestore import FileStorage, OverlayStorage
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.searching import Searcher

INDEX_NAME = "MAIN"  # Whoosh's default index name inside a directory


def leaves(reader) -> list:
    """Return the (segment reader, docnum offset) pairs of a reader (none for an empty index).

    leaf_readers() is public, but an empty index gives an EmptyReader whose segment() is None.
    """
    return [(leaf, offset) for leaf, offset in reader.leaf_readers()
            if leaf.segment() is not None]


def read_postings(leaf, field: str, text, values: bool = False):
    """Read a posting list block by block (deleted documents included: Snapshot.live masks them).

    Return (docnums, frequencies), or with values=True a dict docnum -> encoded value.
    The public matcher costs one Python call per posting (id(), weight(), next()) and hides
    deleted documents; the W3 block matcher's private block arrays are ~10x faster to read.
    """
    try:
        matcher = leaf.postings(field, text)
    except Exception:  # TermNotFound and friends: the term is not in this segment
        return {} if values else ((), ())
    if isinstance(matcher, FilterMatcher):  # the segment has deletions: read the raw list
        matcher = matcher.child
        matcher.reset()  # the filter already stepped over the deleted documents it starts with
    ids: list[int] = []
    data: list = []
    # Other matchers (short inlined lists) go one by one.
    if hasattr(matcher, "_read_data") and hasattr(matcher, "_next_block"):
        while matcher.is_active():
            if matcher._data is None:
                matcher._read_data()
            # The block's ids are delta-encoded: accumulate() decodes them in C.
            block = matcher._data[0] if matcher._byteids else accumulate(matcher._data[0])
            ids.extend(islice(block, matcher._i, None))
            if values:
                if matcher._values is None:
                    matcher._read_values()
                data.extend(matcher._values[matcher._i:])
            else:
                if matcher._weights is None:
                    matcher._read_weights()
                data.extend(matcher._weights[matcher._i:])
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append(matcher.id())
            data.append(matcher.value() if values else matcher.weight())
            matcher.next()
    return dict(zip(ids, data, strict=True)) if values else (ids, data)


def position_decoder(leaf, field: str):
    """Return the function decoding read_postings(values=True)'s values into positions.

    The public way (matcher.value_as("positions")) decodes every posting as it is read; the
    encoded values are kept instead and only a phrase's candidates are decoded.
    """
    return leaf.schema[field].format.decoder("positions")


def deleted_docs(leaf) -> frozenset[int]:
    """Return the deleted docnums of a segment reader.

    The public is_deleted()/all_doc_ids() ask one document at a time; the reader already holds
    the set (SegmentReader.deleted_docs_set, undocumented).
    """
    return leaf.deleted_docs_set if leaf.has_deletions() else frozenset()


def terms_within(leaves_: list, field: str, text: str, maxdist: int, prefix: int) -> set[str]:
    """Return the words of a field within maxdist edits of text (the first prefix letters equal).

    The public reader.terms_within() builds the Levenshtein automaton again for every segment;
    here it is built once and run over each segment's term cursor.
    """
    dfa = Automata.levenshtein_dfa(text, maxdist, prefix)
    found: set[str] = set()
    for leaf in leaves_:
        found.update(Automata.find_matches(dfa, leaf.cursor(field)))
    return found


def writer_segments(writer) -> list[tuple]:
    """Return the segments a writer started from, each with the docnum of its first document.

    No public call lists them without opening a reader on each (writer.reader()).
    """
    found, base = [], 0
    for segment in writer.segments:
        found.append((segment, base))
        base += segment.doc_count_all()
    return found


def segment_column(writer, segment, name: str) -> list:
    """Return a column's values in one segment of a writer, without opening a reader on it.

    A SegmentReader (what delete_by_term and update_document open) also loads the segment's
    term table: about 35 ms per publish for the big segment at 10,000 examples.
    """
    storage = writer.storage
    files = segment.open_compound_file(storage) if segment.is_compound() else None
    perdoc = segment.codec().per_document_reader(
        OverlayStorage(files, storage) if files else storage, segment)
    try:
        return list(perdoc.column_reader(name, writer.schema[name].column_type))
    finally:
        perdoc.close()
        if files is not None:
            files.close()


def writer_lock(path: str):
    """Return the lock Whoosh's writer takes on the index in path (not acquired).

    Public only through ix.writer(), which cannot be given a lock already held, and a rebuild
    holds the old generation's lock for the whole build.
    """
    return FileStorage(path).lock(f"{INDEX_NAME}_WRITELOCK")


def writer_under_lock(ix, lock):
    """Return a writer on ix that uses an already acquired writer lock (released by commit() or
    cancel()).

    ix.writer() takes the lock itself after reading the table of contents; taking it first
    means no other commit can replace the table being read, and a writer that fails to open
    cannot keep the lock until garbage collection.
    """
    writer = ix.writer(_lk=False)
    writer.writelock = lock
    return writer


def release(writer) -> None:
    """Give up a writer whose commit failed, so its lock is not held until garbage collection.

    cancel() may itself fail on a half-written segment; the lock is then released directly.
    """
    try:
        writer.cancel()
    except Exception:
        lock = getattr(writer, "writelock", None)
        with contextlib.suppress(Exception):
            if lock is not None:
                lock.release()


def index_segments(ix) -> list:
    """Return the segments of the index's latest generation.

    No public call lists segments without opening a reader on each of them.
    """
    return ix._segments()


def merge_segments(writer, chosen) -> None:
    """Add the documents of these segments to writer (inside a custom merge policy).

    Whoosh's own policies do this; a policy choosing other segments has to repeat it.
    """
    for seg in chosen:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()


def open_searcher(ix, reuse=None):
    """Open a searcher on the latest generation of ix, keeping reuse's readers of the segments
    that did not change (their readers are closed otherwise; reuse must not be used again).

    After a publish only the new segment is opened, instead of every segment again (the big
    segment's term table alone costs milliseconds). Not Whoosh's searcher.refresh(): it keys
    readers by segment id alone, so a segment that gained deletions kept a reader without them
    and an updated example showed twice. Here a reader is kept only if its segment has as many
    deletions as before; deletions are only ever added, so the same count means the same set.
    """
    kept = {}
    if reuse is not None:
        kept = {_reader_key(r.segment()): r for r, _ in leaves(reuse.reader())}
    readers: list = []
    try:
        toc, readers = _open_segments(ix, kept)
    finally:
        used = {id(r) for r in readers}
        for reader in kept.values():
            if id(reader) not in used:
                reader.close()
    # A MultiReader even for one segment: it carries this generation's number, whatever the
    # generation its readers were opened in.
    reader = MultiReader(readers, generation=toc.generation) if readers else EmptyReader(toc.schema)
    return Searcher(reader, fromindex=ix)


def _reader_key(segment) -> tuple[str, int]:
    return segment.segment_id(), segment.deleted_count()


def _open_segments(ix, kept: dict) -> tuple:
    """Read the latest table of contents and return it with a reader for each of its segments,
    taken from kept or opened."""
    for attempt in range(10):
        opened = []
        try:
            toc = ix._read_toc()
            readers = []
            for segment in toc.segments:
                reader = kept.get(_reader_key(segment))
                if reader is None:
                    reader = SegmentReader(ix.storage, toc.schema, segment,
                                           generation=toc.generation)
                    opened.append(reader)
                readers.append(reader)
            return toc, readers
        except OSError:
            # A commit elsewhere removed a file between our reading the table of contents and
            # opening the file: try again, as Whoosh's own reader() does.
            for reader in opened:
                reader.close()
            if attempt == 9:
                raise
            time.sleep(0.05)
    raise AssertionError("not reached")
