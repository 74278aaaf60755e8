"""Matching a request: its words as clauses over the index, its filters as facet bitsets, the
fall-backs (any word, corrected words) and the help offered when words match nothing."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from .. import taxonomy
from . import bits
from .analysis import analyze
from .facets import FACETS
from .internals import leaves
from .query import Alt, Clause, Plan, correct, plain_words, plan
from .request import SearchRequest
from .results import FacetValue, SearchResults
from .snapshot import Scored, Snapshot
from .store import Store
from .thesaurus import Thesaurus

HELP_TERMS = 5   # related thesaurus terms offered when a word matches nothing
HELP_THEMES = 3  # closest themes offered


@dataclass
class Match:
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


class Context:
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


def match_request(ctx: Context, req: SearchRequest, thesaurus: Thesaurus | None = None) -> Match:
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


def _find(ctx: Context, req: SearchRequest, thesaurus: Thesaurus | None) -> Match:
    snap = ctx.snap
    filters = {}
    for name, codes in req.active_filters().items():
        if name not in FACETS:  # the organisations, all of them partners
            chosen = snap.live
            for slug in codes:
                chosen &= snap.keyword(ctx.leaves, name, slug)
            filters[name] = chosen
            continue
        values = [snap.facets[name].get(code, 0) for code in codes]
        chosen = values[0]
        for value in values[1:]:
            chosen = chosen & value if FACETS[name].all_of else chosen | value
        filters[name] = chosen
    widen = None if req.exact else thesaurus
    wanted = plan(req.q, ctx.reader, widen) if req.q else None
    if wanted is None:
        return Match(snap.live, filters)
    docs, clauses = ctx.docs(wanted)
    match = Match(docs, filters, wanted, clauses)
    if match.results:
        return match
    if len(clauses) > 1:
        docs, clauses = ctx.docs(wanted, any_word=True)
        fallback = Match(docs, filters, wanted, clauses, any_words=True)
        if fallback.results:
            match = fallback
    corrected = correct(req.q, ctx.reader, thesaurus)
    better = plan(corrected, ctx.reader, widen) if corrected and corrected != req.q else None
    if better is None:
        return match
    docs, clauses = ctx.docs(better)
    fixed = Match(docs, filters, better, clauses)
    if not fixed.results and len(clauses) > 1:
        docs, clauses = ctx.docs(better, any_word=True)
        fixed = Match(docs, filters, better, clauses, any_words=True)
    if not fixed.results:
        return match
    # Words found (unless only some of them, where the correction finds them all), or asked
    # for as typed: offer the correction.
    if (match.results and not (match.any_words and not fixed.any_words)) or req.exact:
        match.suggestion = corrected
        return match
    fixed.searched = corrected
    return fixed


def widened_terms(ctx: Context, p: Plan, results: int) -> list[str]:
    """Return the thesaurus terms of a plan that found some of the results."""
    if not results:
        return []
    return list(dict.fromkeys(
        label for label, alt in p.widened if ctx.clause((alt,)).bits & results
    ))


def offer_help(ctx: Context, match: Match, thesaurus: Thesaurus | None,
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
            found.themes.append(FacetValue(code, themes.label(code), count, False, count))


def _finds(ctx: Context, stems: tuple[str, ...], thesaurus: Thesaurus | None) -> int:
    """Return the live documents having all these words, or a term they widen to."""
    docs = ctx.snap.live
    for stem in stems:
        docs &= ctx.snap.term(ctx.leaves, stem).bits
    for term in thesaurus.widen(stems) if thesaurus is not None and not docs else ():
        docs |= ctx.clause((_term_alt(term),)).bits
    return docs


def _term_alt(term) -> Alt:
    return words_alt(term.stems)


def words_alt(stems: tuple[str, ...]) -> Alt:
    """Return the alternative matching these words (side by side when several)."""
    return Alt(terms=((stems[0], 1.0),)) if len(stems) == 1 else Alt(phrase=stems)


@functools.cache
def _theme_labels() -> tuple[tuple[str, frozenset[str]], ...]:
    return tuple((t.code, frozenset(analyze(t.label))) for t in taxonomy.THEMES)

