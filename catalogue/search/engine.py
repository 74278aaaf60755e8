"""Run searches: matching, facet counts, sorting, pages, snippets and similar examples."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from markupsafe import Markup, escape
from whoosh import highlight
from whoosh import query as wq

from . import bits
from .analysis import shared_analyzer
from .facets import FACETS
from .query import Compiled, compile_query, correct
from .request import PER_PAGE_MAX, SearchRequest
from .schema import FIELD_WEIGHTS
from .store import IndexUnavailable, Snapshot, Store

log = logging.getLogger(__name__)

SNIPPET_CHARS = 240
# How much each shared facet counts when looking for similar examples (text counts 1).
SIMILAR_FACET_WEIGHTS = {"theme": 0.3, "objectif": 0.15, "region": 0.1, "departement": 0.05,
                         "acteur": 0.05, "echelle": 0.05}


@dataclass
class Hit:
    """One result: the example id and a highlighted excerpt (None when nothing to highlight)."""

    id: int
    snippet: Markup | None = None


@dataclass
class FacetValue:
    """One value offered in a facet, with the total the visitor gets by adding it."""

    value: str
    label: str
    count: int
    selected: bool


@dataclass
class SearchResults:
    """One page of results with facets and what the engine did with the words."""

    request: SearchRequest
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    searched: str | None = None
    suggestion: str | None = None
    any_words: bool = False
    degraded: bool = False
    sort: str = "pertinence"  # the order actually used ("recent" when there are no words)

    def ids(self) -> list[int]:
        return [hit.id for hit in self.hits]


class PageOutOfRange(LookupError):
    """The page asked for is beyond the last one (the view answers 404)."""


@dataclass
class _Match:
    """The documents a request matches, before pagination."""

    docs: int                      # bitset: text match (or all live documents)
    filters: dict[str, int]        # bitset of each filtered facet (OR of its values)
    compiled: Compiled | None
    query: wq.Query | None
    searched: str | None = None
    suggestion: str | None = None
    any_words: bool = False

    @property
    def results(self) -> int:
        result = self.docs
        for value in self.filters.values():
            result &= value
        return result


def degraded(req: SearchRequest) -> SearchResults:
    """Return the empty results shown while the index is unavailable."""
    return SearchResults(request=req, hits=[], total=0, page=max(req.page, 1), pages=1,
                         degraded=True, sort=req.sort)


def run_search(store: Store, req: SearchRequest) -> SearchResults:
    """Search published examples; see catalogue.search.search."""
    searcher = store.searcher()
    snap = store.snapshot(searcher)
    match = _match(req, searcher, snap)
    sort = req.sort if match.compiled is not None or req.sort != "pertinence" else "recent"
    per_page = min(max(req.per_page, 1), PER_PAGE_MAX)
    results = match.results
    total = results.bit_count()
    pages = max(1, -(-total // per_page))
    page = max(req.page, 1)
    if page > pages and total:
        raise PageOutOfRange(page)
    start = (page - 1) * per_page
    docnums = _ordered(searcher, snap, match, results, sort, start + per_page)[start:]
    hits = [Hit(snap.pks[d], _snippet(searcher, d, match.compiled)) for d in docnums]
    return SearchResults(
        request=req, hits=hits, total=total, page=page, pages=pages,
        facets=_facets(req, snap, match), searched=match.searched,
        suggestion=match.suggestion, any_words=match.any_words, sort=sort,
    )


def run_all_ids(store: Store, req: SearchRequest, limit: int | None) -> list[int]:
    """Return the ids of every match in order; see catalogue.search.all_ids."""
    searcher = store.searcher()
    snap = store.snapshot(searcher)
    match = _match(req, searcher, snap)
    sort = req.sort if match.compiled is not None or req.sort != "pertinence" else "recent"
    results = match.results
    return [snap.pks[d] for d in _ordered(searcher, snap, match, results, sort, limit)]


def run_facet_counts(store: Store) -> dict[str, dict[str, int]]:
    """Count every facet value over all published examples."""
    snap = store.snapshot(store.searcher())
    return {
        name: {code: (snap.live & snap.facets[name].get(code, 0)).bit_count()
               for code in facet.codes}
        for name, facet in FACETS.items()
    }


def run_similar(store: Store, example_id: int, limit: int) -> list[int]:
    """Return published examples like this one: shared key words, then shared taxonomy."""
    searcher = store.searcher()
    snap = store.snapshot(searcher)
    docnum = snap.docnum(example_id)
    if docnum is None or limit < 1:
        return []
    own = {name: [v for v, b in values.items() if b >> docnum & 1]
           for name, values in snap.facets.items()}
    stored = searcher.stored_fields(docnum)
    text = f"{stored.get('summary', '')}\n{stored.get('description', '')}"
    scores: dict[int, float] = {}
    keys = searcher.key_terms_from_text("body", text, numterms=12)
    if keys:
        subqueries = [wq.Term(name, term, boost=FIELD_WEIGHTS[name] * weight)
                      for term, weight in keys for name in ("title", "summary", "body")]
        found = searcher.search(wq.Or(subqueries), limit=40, mask={docnum})
        best = max((score for score, _ in found.top_n), default=0) or 1
        scores = {d: score / best for score, d in found.top_n}
    # Examples sharing a theme are candidates even without a shared word.
    sharing = 0
    for code in own.get("theme", ()):
        sharing |= snap.facets["theme"][code]
    sharing &= snap.live & ~(1 << docnum)
    for d in bits.to_ids(sharing)[: 200]:
        scores.setdefault(d, 0.0)
    for d in list(scores):
        for name, weight in SIMILAR_FACET_WEIGHTS.items():
            values = own.get(name) or ()
            if values:
                shared = sum(snap.facets[name][v] >> d & 1 for v in values)
                scores[d] += weight * shared / len(values)
    ranked = sorted(scores, key=lambda d: (-scores[d], -snap.pks[d]))
    return [snap.pks[d] for d in ranked if snap.live >> d & 1][:limit]


# --- matching ------------------------------------------------------------------------------


def _match(req: SearchRequest, searcher, snap: Snapshot) -> _Match:
    filters = {}
    for name, codes in req.active_filters().items():
        chosen = 0
        for code in codes:
            chosen |= snap.facets[name].get(code, 0)
        filters[name] = chosen
    reader = searcher.reader()
    compiled = compile_query(req.q, reader) if req.q else None
    if compiled is None:
        return _Match(snap.live, filters, None, None)
    query = compiled.all_words()
    match = _Match(_docs(searcher, snap, query), filters, compiled, query)
    if match.results:
        return match
    if len(compiled.clauses) > 1:
        query = compiled.any_word()
        fallback = _Match(_docs(searcher, snap, query), filters, compiled, query, any_words=True)
        if fallback.results:
            match = fallback
    corrected = correct(req.q, reader)
    if not corrected or corrected == req.q:
        return match
    better = compile_query(corrected, reader)
    if better is None:
        return match
    fixed = _Match(_docs(searcher, snap, better.all_words()), filters, better, better.all_words())
    if not fixed.results and len(better.clauses) > 1:
        fixed = _Match(_docs(searcher, snap, better.any_word()), filters, better,
                       better.any_word(), any_words=True)
    if not fixed.results:
        return match
    if match.results:  # the OR fallback found something: offer the correction
        match.suggestion = corrected
        return match
    fixed.searched = corrected
    return fixed


def _docs(searcher, snap: Snapshot, query: wq.Query) -> int:
    """Return the bitset of live documents matching a query (unscored)."""
    return bits.from_ids(searcher.docs_for_query(query)) & snap.live


def _ordered(searcher, snap: Snapshot, match: _Match, results: int, sort: str,
             limit: int | None) -> list[int]:
    """Return the first `limit` docnums of the results in the order asked for."""
    if not results or limit == 0:
        return []
    if sort == "pertinence" and match.query is not None:
        allow = set(bits.to_ids(results)) if match.filters else None
        found = searcher.search(match.query, limit=limit, filter=allow)
        return [d for _, d in found.top_n]
    data = bits.to_bytes(results, snap.size)
    out = []
    for d in snap.order(sort):
        if data[d >> 3] >> (d & 7) & 1:
            out.append(d)
            if limit is not None and len(out) >= limit:
                break
    return out


def _facets(req: SearchRequest, snap: Snapshot, match: _Match) -> dict[str, list[FacetValue]]:
    """Count, for every facet value, the results the visitor gets by adding it to the request.

    OR inside a facet, AND across facets: a value of a facet that already has a selection
    widens it, so its count is that of the current selection plus the value.
    """
    facets: dict[str, list[FacetValue]] = {}
    for name, facet in FACETS.items():
        context = match.docs
        for other, chosen in match.filters.items():
            if other != name:
                context &= chosen
        own = match.filters.get(name)
        selected = set(req.filters.get(name, ()))
        values = []
        for code in facet.codes:
            docs = context & snap.facets[name].get(code, 0)
            if code in selected:
                count = (docs & own).bit_count() if own is not None else docs.bit_count()
            elif not docs:
                continue
            elif own is None:
                count = docs.bit_count()
            else:
                count = (context & (own | docs)).bit_count()
            values.append(FacetValue(code, facet.label(code), count, code in selected))
        facets[name] = values
    return facets


# --- snippets ------------------------------------------------------------------------------


class MarkFormatter(highlight.Formatter):
    """Escape the text and wrap matched words in <mark>; nothing else is added."""

    between = " … "

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text, token, replace=False):
        return f"<mark>{self._text(highlight.get_text(text, token, replace))}</mark>"

    def format_fragment(self, fragment, replace=False):
        out = super().format_fragment(fragment, replace)
        if fragment.startchar > 0:
            out = "… " + out.lstrip()
        if fragment.endchar < len(fragment.text):
            out = out.rstrip() + " …"
        return out


def _snippet(searcher, docnum: int, compiled: Compiled | None) -> Markup | None:
    if compiled is None or not compiled.terms:
        return None
    stored = searcher.stored_fields(docnum)
    for name in ("summary", "description"):
        text = stored.get(name) or ""
        if not text:
            continue
        try:
            html = highlight.highlight(
                text, compiled.terms, shared_analyzer(),
                highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=60),
                MarkFormatter(), top=2, mode="index",
            )
        except Exception:  # a snippet is a nicety: never fail the page for it
            log.exception("search: highlighting failed for docnum %s", docnum)
            return None
        if html:
            return Markup(html)
    return None


__all__ = [
    "FacetValue", "Hit", "IndexUnavailable", "PageOutOfRange", "SearchResults", "degraded",
    "run_all_ids", "run_facet_counts", "run_search", "run_similar",
]
