"""Run searches: matching, facet counts, sorting, pages, snippets and similar examples."""

from __future__ import annotations

import functools
import heapq
import logging
import math
from collections import Counter
from dataclasses import dataclass, field

from markupsafe import Markup

from .. import taxonomy
from . import bits
from .analysis import analyze
from .facets import FACETS
from .internals import leaves
from .query import Alt, Clause, Plan, correct, plain_words, plan
from .request import PER_PAGE_MAX, SearchRequest
from .snapshot import Scored, Snapshot
from .snippets import snippet
from .store import Store
from .thesaurus import Thesaurus

log = logging.getLogger(__name__)

# How much each shared facet counts when looking for similar examples (shared words count 1).
SIMILAR_FACET_WEIGHTS = {"theme": 0.3, "objectif": 0.15, "region": 0.1, "departement": 0.05,
                         "acteur": 0.05, "echelle": 0.05}
SIMILAR_KEY_TERMS = 12
HELP_TERMS = 5   # related thesaurus terms offered when a word matches nothing
HELP_THEMES = 3  # closest themes offered


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
    # Thesaurus terms the words were widened to that found some of the results.
    widened: list[str] = field(default_factory=list)
    # Words typed that no example contains (never "corrected" when they are correct words),
    # and the help offered for them: thesaurus terms that do match, and the closest themes.
    unmatched: list[str] = field(default_factory=list)
    related: list[str] = field(default_factory=list)
    themes: list[FacetValue] = field(default_factory=list)

    def ids(self) -> list[int]:
        return [hit.id for hit in self.hits]


class PageOutOfRange(LookupError):
    """The page asked for is beyond the last one (the view answers 404)."""


@dataclass
class _Match:
    """The documents a request matches, before pagination."""

    docs: int                      # bitset: text match (or all live documents)
    filters: dict[str, int]        # bitset of each filtered facet (OR of its values, or AND)
    plan: Plan | None = None
    clauses: list[Scored] = field(default_factory=list)  # for ranking
    searched: str | None = None
    suggestion: str | None = None
    any_words: bool = False
    literal: list[int] = field(default_factory=list)  # per clause: the words typed (if widened)

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


class _Context:
    """One thread's searcher and the shared data of its generation, for one request."""

    def __init__(self, store: Store):
        self.searcher = store.searcher()
        self.snap: Snapshot = store.snapshot(self.searcher)
        self.reader = self.searcher.reader()
        self.leaves = [leaf for leaf, _ in leaves(self.reader)]

    def clause(self, clause: Clause) -> Scored:
        """Return the documents matching one clause, scored (cached for the generation)."""
        snap = self.snap
        found = snap.clauses.get(clause)
        if found is not None:
            return found
        matched, scores = 0, {}
        for alt in clause:
            if alt.phrase or alt.every:
                words = alt.phrase or alt.every
                terms = [snap.term(self.leaves, w) for w in dict.fromkeys(words)]
                if alt.phrase:
                    docs = snap.phrase(self.leaves, alt.phrase)
                else:
                    docs = snap.live
                    for term in terms:
                        docs &= term.bits
                parts = [term.scores for term in terms]
                boost = alt.boost
                alt_scores = {d: boost * sum(p.get(d, 0.0) for p in parts)
                              for d in bits.to_ids(docs)}
            elif len(alt.terms) == 1 and alt.terms[0][1] == 1.0 and len(clause) == 1:
                return snap.term(self.leaves, alt.terms[0][0])
            else:
                docs, alt_scores = 0, {}
                for text, boost in alt.terms:
                    term = snap.term(self.leaves, text)
                    docs |= term.bits
                    if not alt_scores and boost == 1.0:
                        alt_scores = dict(term.scores)
                        continue
                    get = alt_scores.get
                    for d, score in term.scores.items():
                        alt_scores[d] = get(d, 0.0) + boost * score
            matched |= docs
            if not scores:
                scores = alt_scores
            else:  # an alternative that matches too adds nothing: keep the best score
                for d, score in alt_scores.items():
                    if score > scores.get(d, 0.0):
                        scores[d] = score
        result = Scored(matched & snap.live, scores)
        return snap.clauses.put(clause, result, cost=len(scores) + 1)

    def docs(self, p: Plan, any_word: bool = False) -> tuple[int, list[Scored]]:
        """Return the documents matching every clause of a plan (or any), and the clauses."""
        clauses = [self.clause(c) for c in p.clauses]
        result = clauses[0].bits
        for c in clauses[1:]:
            result = result | c.bits if any_word else result & c.bits
        return result, clauses


def run_search(store: Store, req: SearchRequest,
               thesaurus: Thesaurus | None = None) -> SearchResults:
    """Search published examples; see catalogue.search.search."""
    ctx = _Context(store)
    match = _match(ctx, req, thesaurus)
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
        found.widened = _widened(ctx, match.plan, results)
        if match.searched is None and (not total or match.any_words):
            _help(ctx, match, thesaurus, found)
    return found


def run_all_ids(store: Store, req: SearchRequest, limit: int | None,
                thesaurus: Thesaurus | None = None) -> list[int]:
    """Return the ids of every match in order; see catalogue.search.all_ids."""
    ctx = _Context(store)
    match = _match(ctx, req, thesaurus)
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
    ctx = _Context(store)
    return [ctx.clause((_words_alt(stems),)).bits.bit_count() for stems in terms]


def run_similar(store: Store, example_id: int, limit: int) -> list[int]:
    """Return published examples like this one: shared key words, then shared taxonomy."""
    ctx = _Context(store)
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


def _key_terms(ctx: _Context, text: str) -> list[tuple[str, float]]:
    """Return the words that best characterise a text: frequent in it, rare in the catalogue."""
    n = max(ctx.snap.size, 2)
    weights = {}
    for term, tf in Counter(analyze(text)).items():
        df = ctx.snap.frequency(ctx.leaves, term)
        if 1 < df < n:  # in other documents, but not in all of them
            weights[term] = (1 + math.log(tf)) * math.log(n / df)
    return heapq.nlargest(SIMILAR_KEY_TERMS, weights.items(), key=lambda item: item[1])


# --- matching ------------------------------------------------------------------------------


def _match(ctx: _Context, req: SearchRequest, thesaurus: Thesaurus | None = None) -> _Match:
    """Find the documents of a request: all words, else any word, else corrected words.

    The words are widened through the thesaurus unless asked for as typed (exact=1); only
    misspelt words are corrected (see query.correct).
    """
    match = _find(ctx, req, thesaurus)
    if match.plan is not None and match.plan.widened:
        for clause, scored in zip(match.plan.clauses, match.clauses, strict=True):
            typed = tuple(alt for alt in clause if not alt.widened)
            match.literal.append(ctx.clause(typed).bits if len(typed) < len(clause)
                                 else scored.bits)
    return match


def _find(ctx: _Context, req: SearchRequest, thesaurus: Thesaurus | None) -> _Match:
    snap = ctx.snap
    filters = {}
    for name, codes in req.active_filters().items():
        values = [snap.facets[name].get(code, 0) for code in codes]
        chosen = values[0]
        for value in values[1:]:
            chosen = chosen & value if FACETS[name].all_of else chosen | value
        filters[name] = chosen
    widen = None if req.exact else thesaurus
    wanted = plan(req.q, ctx.reader, widen) if req.q else None
    if wanted is None:
        return _Match(snap.live, filters)
    docs, clauses = ctx.docs(wanted)
    match = _Match(docs, filters, wanted, clauses)
    if match.results:
        return match
    if len(clauses) > 1:
        docs, clauses = ctx.docs(wanted, any_word=True)
        fallback = _Match(docs, filters, wanted, clauses, any_words=True)
        if fallback.results:
            match = fallback
    corrected = correct(req.q, ctx.reader, thesaurus)
    better = plan(corrected, ctx.reader, widen) if corrected and corrected != req.q else None
    if better is None:
        return match
    docs, clauses = ctx.docs(better)
    fixed = _Match(docs, filters, better, clauses)
    if not fixed.results and len(clauses) > 1:
        docs, clauses = ctx.docs(better, any_word=True)
        fixed = _Match(docs, filters, better, clauses, any_words=True)
    if not fixed.results:
        return match
    # Words found (unless only some of them, where the correction finds them all), or asked
    # for as typed: offer the correction.
    if (match.results and not (match.any_words and not fixed.any_words)) or req.exact:
        match.suggestion = corrected
        return match
    fixed.searched = corrected
    return fixed


def _widened(ctx: _Context, p: Plan, results: int) -> list[str]:
    """Return the thesaurus terms of a plan that found some of the results."""
    if not results:
        return []
    return list(dict.fromkeys(
        label for label, alt in p.widened if ctx.clause((alt,)).bits & results
    ))


def _help(ctx: _Context, match: _Match, thesaurus: Thesaurus | None,
          found: SearchResults) -> None:
    """Name the words no example contains and offer what does match instead.

    Related terms of the thesaurus (either direction) that find examples under the current
    filters, then the themes theme_words.txt or the theme labels point those words to.
    """
    snap = ctx.snap
    widen = None if found.request.exact else thesaurus
    unmatched = []
    for text, stems in plain_words(found.searched or found.request.q):
        if not _finds(ctx, stems, widen):
            unmatched.append((text, stems))
    found.unmatched = list(dict.fromkeys(text for text, _ in unmatched))
    if not unmatched or thesaurus is None:
        return
    within = snap.live
    for chosen in match.filters.values():
        within &= chosen
    related: dict[str, None] = {}
    codes: dict[str, None] = {}
    for _, stems in unmatched:
        for term in thesaurus.related(stems):
            if thesaurus.usable(term) and ctx.clause((_term_alt(term),)).bits & within:
                related.setdefault(term.text)
            codes.update(dict.fromkeys(thesaurus.theme_codes(term.stems)))
        codes.update(dict.fromkeys(thesaurus.theme_codes(stems)))
        codes.update(dict.fromkeys(c for c, label in _theme_labels() if set(stems) <= label))
    found.related = list(related)[:HELP_TERMS]
    themes = FACETS["theme"]
    for code in codes:  # offered as a new search: the theme alone
        count = (snap.facets["theme"].get(code, 0) & snap.live).bit_count()
        if count and len(found.themes) < HELP_THEMES:
            found.themes.append(FacetValue(code, themes.label(code), count, False))


def _finds(ctx: _Context, stems: tuple[str, ...], thesaurus: Thesaurus | None) -> int:
    """Return the live documents having all these words, or a term they widen to."""
    docs = ctx.snap.live
    for stem in stems:
        docs &= ctx.snap.term(ctx.leaves, stem).bits
    for term in thesaurus.widen(stems) if thesaurus is not None and not docs else ():
        docs |= ctx.clause((_term_alt(term),)).bits
    return docs


def _term_alt(term) -> Alt:
    return _words_alt(term.stems)


def _words_alt(stems: tuple[str, ...]) -> Alt:
    """Return the alternative matching these words (side by side when several)."""
    return Alt(terms=((stems[0], 1.0),)) if len(stems) == 1 else Alt(phrase=stems)


@functools.cache
def _theme_labels() -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((t.code, frozenset(analyze(t.label))) for t in taxonomy.THEMES)


def _ordered(snap: Snapshot, match: _Match, results: int, sort: str,
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
        if limit is None or limit >= len(candidates):
            return sorted(candidates, key=key, reverse=True)
        return heapq.nlargest(limit, candidates, key=key)
    data = bits.to_bytes(results, snap.size)
    out = []
    for d in snap.order(sort):
        if data[d >> 3] >> (d & 7) & 1:
            out.append(d)
            if limit is not None and len(out) >= limit:
                break
    return out


def _tiered(match: _Match, candidates: list[int], limit: int | None) -> list[int]:
    """Order by how many clauses a document matches with the words typed, then by score."""
    typed = Counter()
    for docs in match.literal:
        typed.update(bits.to_ids(docs))
    parts = [c.scores for c in match.clauses]

    def key(d: int) -> tuple[int, float, int]:
        return typed[d], sum(p.get(d, 0.0) for p in parts), -d

    if limit is None or limit >= len(candidates):
        return sorted(candidates, key=key, reverse=True)
    return heapq.nlargest(limit, candidates, key=key)


def _facets(req: SearchRequest, snap: Snapshot, match: _Match) -> dict[str, list[FacetValue]]:
    """Count, for every facet value, the results the visitor gets by adding it to the request.

    OR inside a facet, AND across facets: a value of a facet that already has a selection
    widens it, so its count is that of the current selection plus the value. In a facet whose
    values combine with AND (partner kinds), a value narrows the selection instead.
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
            values.append(FacetValue(code, facet.label(code), count, code in selected))
        facets[name] = values
    return facets


def _snippets(ctx: _Context, docnums: list[int], p: Plan | None) -> list[Markup | None]:
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


def _excerpt(ctx: _Context, docnum: int, terms: frozenset[str], summary: bool,
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


__all__ = [
    "FacetValue", "Hit", "PageOutOfRange", "SearchResults", "degraded", "run_all_ids",
    "run_facet_counts", "run_search", "run_similar", "run_term_counts",
]
