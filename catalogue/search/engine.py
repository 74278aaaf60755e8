"""Run searches: pages, facet counts, orders, snippets and similar examples."""

from __future__ import annotations

import heapq
import logging
import math
from collections import Counter

from markupsafe import Markup

from . import bits
from .analysis import analyze
from .facets import FACETS
from .matching import Context, Match, match_request, offer_help, widened_terms, words_alt
from .query import Plan
from .request import PER_PAGE_MAX, SearchRequest
from .results import FacetValue, Hit, PageOutOfRange, SearchResults
from .snapshot import Snapshot
from .snippets import snippet
from .store import Store
from .thesaurus import Thesaurus

log = logging.getLogger(__name__)

# How much each shared facet counts when looking for similar examples (shared words count 1).
SIMILAR_FACET_WEIGHTS = {"theme": 0.3, "objectif": 0.15, "region": 0.1, "departement": 0.05,
                         "acteur": 0.05, "echelle": 0.05}
SIMILAR_KEY_TERMS = 12


def run_search(store: Store, req: SearchRequest,
               thesaurus: Thesaurus | None = None) -> SearchResults:
    """Search published examples; see catalogue.search.search."""
    ctx = Context(store)
    match = match_request(ctx, req, thesaurus)
    sort = req.sort if match.plan is not None or req.sort != "pertinence" else "recent"
    per_page = min(max(req.per_page, 1), PER_PAGE_MAX)
    results = match.results
    total = results.bit_count()
    pages = max(1, -(-total // per_page))
    page = max(req.page, 1)
    if page > pages and total:
        raise PageOutOfRange(page)
    start = (page - 1) * per_page
    docnums = _ordered(ctx.snap, match, results, sort, start + per_page)[start:]
    snippets = _snippets(ctx, docnums, match.plan)
    hits = [Hit(ctx.snap.pks[d], text) for d, text in zip(docnums, snippets, strict=True)]
    found = SearchResults(
        request=req, hits=hits, total=total, page=page, pages=pages,
        facets=_facets(req, ctx.snap, match), searched=match.searched,
        suggestion=match.suggestion, any_words=match.any_words, sort=sort,
    )
    if match.plan is not None:
        found.widened = widened_terms(ctx, match.plan, results)
        if match.searched is None and (not total or match.any_words):
            offer_help(ctx, match, thesaurus, found)
    return found


def run_all_ids(store: Store, req: SearchRequest, limit: int | None,
                thesaurus: Thesaurus | None = None) -> list[int]:
    """Return the ids of every match in order; see catalogue.search.all_ids."""
    ctx = Context(store)
    match = match_request(ctx, req, thesaurus)
    sort = req.sort if match.plan is not None or req.sort != "pertinence" else "recent"
    return [ctx.snap.pks[d] for d in _ordered(ctx.snap, match, match.results, sort, limit)]


def run_facet_counts(store: Store) -> dict[str, dict[str, int]]:
    """Count every facet value over all published examples."""
    snap = store.snapshot(store.searcher())
    return {
        name: {code: (snap.live & snap.facets[name].get(code, 0)).bit_count()
               for code in facet.codes}
        for name, facet in FACETS.items()
    }


def run_term_counts(store: Store, terms: list[tuple[str, ...]]) -> list[int]:
    """Count the published examples having each term's words (side by side when several)."""
    ctx = Context(store)
    return [ctx.clause((words_alt(stems),)).bits.bit_count() for stems in terms]


def run_similar(store: Store, example_id: int, limit: int) -> list[int]:
    """Return published examples like this one: shared key words, then shared taxonomy."""
    ctx = Context(store)
    snap = ctx.snap
    docnum = snap.docnum(example_id)
    if docnum is None or limit < 1:
        return []
    own = snap.values_of(docnum)
    stored = ctx.searcher.stored_fields(docnum)
    text = "\n".join(stored.get(name, "") for name in ("title", "summary", "description"))
    scores: dict[int, float] = {}
    for term, weight in _key_terms(ctx, text):
        for d, score in snap.term(ctx.leaves, term).scores.items():
            scores[d] = scores.get(d, 0.0) + weight * score
    scores.pop(docnum, None)
    live = bits.to_bytes(snap.live, snap.size)
    scores = {d: s for d, s in scores.items() if live[d >> 3] >> (d & 7) & 1}
    best = max(scores.values(), default=0.0) or 1.0
    candidates = {d: s / best for d, s in heapq.nlargest(50, scores.items(), key=lambda i: i[1])}
    # Examples sharing a theme are candidates even without a shared word.
    sharing = 0
    for code in own.get("theme", ()):
        sharing |= snap.facets["theme"][code]
    sharing &= snap.live & ~(1 << docnum)
    for d in bits.to_ids(sharing)[:200]:
        candidates.setdefault(d, 0.0)
    for d in candidates:
        for name, weight in SIMILAR_FACET_WEIGHTS.items():
            values = own.get(name)
            if values:
                shared = sum(snap.facets[name][v] >> d & 1 for v in values)
                candidates[d] += weight * shared / len(values)
    ranked = sorted(candidates, key=lambda d: (-candidates[d], -snap.pks[d]))
    return [snap.pks[d] for d in ranked[:limit]]


def run_similar_text(store: Store, text: str, limit: int) -> list[int]:
    """Return published examples sharing the key words of a text that is not in the index."""
    ctx = Context(store)
    snap = ctx.snap
    scores: dict[int, float] = {}
    for term, weight in _key_terms(ctx, text, indexed=False):
        for d, score in snap.term(ctx.leaves, term).scores.items():
            scores[d] = scores.get(d, 0.0) + weight * score
    live = bits.to_bytes(snap.live, snap.size)
    scores = {d: s for d, s in scores.items() if live[d >> 3] >> (d & 7) & 1}
    ranked = heapq.nlargest(max(limit, 0), scores, key=lambda d: (scores[d], -snap.pks[d]))
    return [snap.pks[d] for d in ranked]


def _key_terms(ctx: Context, text: str, indexed: bool = True) -> list[tuple[str, float]]:
    """Return the words that best characterise a text: frequent in it, rare in the catalogue.

    For an `indexed` text (a published example), a word must be in other documents too, and
    not in all of them; a text from outside the index keeps every word the catalogue has.
    """
    n = max(ctx.snap.size, 2)
    weights = {}
    for term, tf in Counter(analyze(text)).items():
        df = ctx.snap.frequency(ctx.leaves, term)
        if indexed and 1 < df < n:  # in other documents, but not in all of them
            weights[term] = (1 + math.log(tf)) * math.log(n / df)
        elif not indexed and df:
            weights[term] = (1 + math.log(tf)) * math.log(1 + n / df)
    return heapq.nlargest(SIMILAR_KEY_TERMS, weights.items(), key=lambda item: item[1])


def _ordered(snap: Snapshot, match: Match, results: int, sort: str,
             limit: int | None) -> list[int]:
    """Return the first `limit` docnums of the results in the order asked for."""
    if not results or limit == 0:
        return []
    if sort == "pertinence" and match.clauses:
        candidates = bits.to_ids(results)
        if match.literal:  # widened through the thesaurus: the words typed first
            return _tiered(match, candidates, limit)
        if len(match.clauses) == 1:
            scores = match.clauses[0].scores
            def key(d: int) -> tuple[float, int]:
                return scores.get(d, 0.0), -d
        else:
            parts = [c.scores for c in match.clauses]
            def key(d: int) -> tuple[float, int]:
                return sum(p.get(d, 0.0) for p in parts), -d
        return _best(candidates, key, limit)
    data = bits.to_bytes(results, snap.size)
    out = []
    for d in snap.order(sort):
        if data[d >> 3] >> (d & 7) & 1:
            out.append(d)
            if limit is not None and len(out) >= limit:
                break
    return out


def _tiered(match: Match, candidates: list[int], limit: int | None) -> list[int]:
    """Order by how many clauses a document matches with the words typed, then by score."""
    typed = Counter()
    for docs in match.literal:
        typed.update(bits.to_ids(docs))
    parts = [c.scores for c in match.clauses]

    def key(d: int) -> tuple[int, float, int]:
        return typed[d], sum(p.get(d, 0.0) for p in parts), -d

    return _best(candidates, key, limit)


def _best(candidates: list[int], key, limit: int | None) -> list[int]:
    """Return the first `limit` candidates by descending key (all of them, sorted, for None)."""
    if limit is None or limit >= len(candidates):
        return sorted(candidates, key=key, reverse=True)
    return heapq.nlargest(limit, candidates, key=key)


def _facets(req: SearchRequest, snap: Snapshot, match: Match) -> dict[str, list[FacetValue]]:
    """Count, for every facet value, the results the visitor gets by adding it to the request.

    OR inside a facet, AND across facets: a value of a facet that already has a selection
    widens it, so its count is that of the current selection plus the value. In a facet whose
    values combine with AND (partner kinds), a value narrows the selection instead. Each value
    also tells how many results have it (the other facets' filters applied, not its own).
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
            elif facet.all_of:
                count = (docs & own).bit_count()
            else:
                count = (context & (own | docs)).bit_count()
            values.append(FacetValue(code, facet.label(code), count, code in selected,
                                     docs.bit_count()))
        facets[name] = values
    return facets


def _snippets(ctx: Context, docnums: list[int], p: Plan | None) -> list[Markup | None]:
    """Highlight each document's summary, else the start of its description (None when nothing
    matches).

    The words' postings tell which documents have one in the summary, or in the body that
    holds the description: the stored text of the others is not even read. A document never
    changes, so its excerpt for the same words is kept with its segment.
    """
    if p is None or not p.terms:
        return [None] * len(docnums)
    terms = frozenset(p.terms)
    in_summary = in_body = 0
    for text in terms:
        fields = ctx.snap.term(ctx.leaves, text).fields or {}
        in_summary |= fields.get("summary", 0)
        in_body |= fields.get("body", 0)
    either = in_summary | in_body
    found: list[Markup | None] = []
    for d in docnums:
        if not either >> d & 1:
            found.append(None)
            continue
        data, local = ctx.snap.segment_of(d)
        excerpt = data.excerpts.get((local, terms))
        if excerpt is None:
            excerpt = _excerpt(ctx, d, terms, in_summary >> d & 1, in_body >> d & 1) or ""
            data.excerpts.put((local, terms), excerpt)
        found.append(excerpt or None)
    return found


def _excerpt(ctx: Context, docnum: int, terms: frozenset[str], summary: bool,
             body: bool) -> Markup | None:
    stored = ctx.searcher.stored_fields(docnum)
    try:
        excerpt = snippet(stored.get("summary", ""), terms) if summary else None
        if excerpt is None and body:
            excerpt = snippet(stored.get("description", ""), terms)
        return excerpt
    except Exception:  # an excerpt is a nicety: never fail the page for it
        log.exception("search: no snippet for docnum %s", docnum)
        return None


__all__ = ["run_all_ids", "run_facet_counts", "run_search", "run_similar", "run_similar_text",
           "run_term_counts"]
