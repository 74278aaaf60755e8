"""Turn what a visitor typed into a search plan; spelling corrections.

No Whoosh query syntax reaches the parser: the words are read by a small grammar of our own —
words, "phrases", prefix* and OR/OU between alternatives — and everything else (colons, brackets,
^, ~, stray quotes) only separates words. So any string searches as plain words and nothing the
visitor types can raise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from whoosh.support.levenshtein import damerau_levenshtein

from .analysis import HYPHENS, analyze, fold, variant_stems
from .internals import leaves, terms_within
from .lexicon import never_corrected
from .schema import FIELD_WEIGHTS
from .thesaurus import Thesaurus

PREFIX_MIN = 3          # shorter prefixes are searched as words
# Bounds on the work one query can ask for (200 characters could hold 60 prefixes).
MAX_CLAUSES = 16        # words or OR-groups; the rest is ignored
MAX_PREFIXES = 4        # later prefixes are searched as words
MAX_PHRASE = 8          # words of a phrase
MAX_CORRECTED = 30      # longer "words" get no spelling correction
PREFIX_EXPANSIONS = 24  # most frequent completions kept
VARIANT_WEIGHT = 0.6    # related words count less than the word typed
SYNONYM_WEIGHT = 0.5    # so do the thesaurus terms the words are widened to

_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "„": '"'})
_CHUNK = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(rf"\w+(?:[{HYPHENS}]\w+)*(\*?)")
_FIRST_LETTERS = {"e": "eé", "a": "aà", "o": "oœ"}
_OR = frozenset({"OR", "OU", "|", "||"})
_IGNORED = frozenset({"AND", "ET", "&", "&&", "NOT", "SAUF"})


@dataclass(frozen=True)
class Part:
    """One alternative the visitor typed: a word, a phrase or a prefix."""

    kind: str  # "word" | "phrase" | "prefix"
    text: str


@dataclass(frozen=True)
class Alt:
    """One way a clause can match: any of some weighted index terms, words side by side, or
    every one of some words anywhere (a phrase's or these words' scores times boost)."""

    terms: tuple[tuple[str, float], ...] = ()
    phrase: tuple[str, ...] = ()
    every: tuple[str, ...] = ()
    boost: float = 1.0
    widened: bool = False  # a thesaurus term, not the words typed


Clause = tuple[Alt, ...]  # matches when one of its alternatives does


@dataclass
class Plan:
    """What to look for: every clause must match (or any, for the OR fallback)."""

    clauses: list[Clause]
    terms: set[str] = field(default_factory=set)  # index terms, for highlighting
    # The thesaurus terms the words were widened to, each with the alternative it adds.
    widened: list[tuple[str, Alt]] = field(default_factory=list)


def parse(text: str) -> list[list[Part]]:
    """Split a visitor's query into clauses (AND) of alternatives (OR)."""
    text = unicodedata.normalize("NFC", text).translate(_QUOTES)
    clauses: list[list[Part]] = []
    join_next = False
    for match in _CHUNK.finditer(text):
        phrase, chunk = match.groups()
        if chunk in _OR:
            join_next = bool(clauses)
            continue
        if chunk in _IGNORED:
            continue
        if phrase is not None:
            parts = [Part("phrase", phrase)] if _WORD.search(phrase) else []
        else:
            parts = []
            for m in _WORD.finditer(chunk):
                word = m.group(0).rstrip("*")
                prefix = bool(m.group(1)) and len(word) >= PREFIX_MIN
                parts.append(Part("prefix" if prefix else "word", word))
        for part in parts:
            if join_next and clauses:
                clauses[-1].append(part)
                join_next = False
            else:
                clauses.append([part])
    return clauses


def plan(text: str, reader, thesaurus: Thesaurus | None = None) -> Plan | None:
    """Return the plan of a visitor's text, or None when it has no searchable word.

    With a thesaurus, each word, or run of words, that is a term of it is also searched as the
    terms it widens to (alternatives marked `widened`): the results that have the words typed
    come first (see engine._ordered), then those found through the thesaurus only.
    """
    result = Plan(clauses=[])
    prefixes = 0
    parsed = parse(text)[:MAX_CLAUSES]
    # The analysed words of each clause that is one plain word (None for the others).
    stems = [_plain_stems(alternatives) for alternatives in parsed]
    i = 0
    while i < len(parsed):
        span = _span(stems, i, thesaurus) if thesaurus is not None else 0
        if span:  # several words typed make one term: « personnes âgées »
            words = tuple(w for s in stems[i:i + span] if s for w in s)
            result.terms.update(words)
            alts = [_exact(list(words)) if len(words) == 1 else Alt(every=words)]
            result.clauses.append(tuple(alts + _widen(words, thesaurus, result)))
            i += span
            continue
        parts = []
        for part in parsed[i]:
            if part.kind == "prefix":
                prefixes += 1
                if prefixes > MAX_PREFIXES:
                    part = Part("word", part.text)
            parts.append(part)
        alts = [alt for part in parts for alt in _alts(part, reader, result.terms, stems[i])]
        if alts and thesaurus is not None:
            alts = _widened(alts, parts, stems[i], thesaurus, result)
        if alts:
            result.clauses.append(tuple(alts))
        i += 1
    return result if result.clauses else None


def plain_words(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """Return each plain word of a visitor's text (not a phrase, prefix or alternative) with
    its analysed words."""
    found = []
    for alternatives in parse(text)[:MAX_CLAUSES]:
        stems = _plain_stems(alternatives)
        if stems:
            found.append((alternatives[0].text, stems))
    return found


def _plain_stems(alternatives: list[Part]) -> tuple[str, ...] | None:
    """Return the analysed words of a clause that is one plain word (else None)."""
    if len(alternatives) != 1 or alternatives[0].kind != "word":
        return None
    return tuple(analyze(alternatives[0].text))


def _span(stems: list, start: int, thesaurus: Thesaurus) -> int:
    """Return how many clauses from `start` form a thesaurus term of several clauses (or 0)."""
    if not stems[start] or thesaurus.longest < 2:
        return 0
    found, words = 0, ()
    for end in range(start, len(stems)):
        if stems[end] is None:
            break
        words += stems[end]
        if len(words) > thesaurus.longest:
            break
        if stems[end] and end > start and thesaurus.widen(words):
            found = end - start + 1
    return found


def _widened(alts: list[Alt], parts: list[Part], stems: tuple[str, ...] | None,
             thesaurus: Thesaurus, result: Plan) -> list[Alt]:
    """Add to a clause of plain words the thesaurus terms each word widens to."""
    out = list(alts)
    for part in parts:
        if part.kind == "word":
            words = stems if stems is not None else tuple(analyze(part.text))
            out.extend(_widen(words, thesaurus, result))
    return out


def _widen(words: tuple[str, ...], thesaurus: Thesaurus, result: Plan) -> list[Alt]:
    """Return the alternatives of the terms some words widen to, recorded in the plan."""
    alts = []
    for term in thesaurus.widen(words):
        alt = (Alt(terms=((term.stems[0], SYNONYM_WEIGHT),), widened=True)
               if len(term.stems) == 1
               else Alt(phrase=term.stems, boost=SYNONYM_WEIGHT, widened=True))
        alts.append(alt)
        result.terms.update(term.stems)
        result.widened.append((term.text, alt))
    return alts


def _alts(part: Part, reader, terms: set[str], stems: tuple[str, ...] | None = None) -> list[Alt]:
    if part.kind == "prefix":
        return _prefix(part.text, reader, terms)
    words = list(stems) if stems is not None else analyze(part.text)
    terms.update(words)
    if not words:
        return []
    if part.kind == "phrase":
        return [_exact(words[:MAX_PHRASE])]
    if any(h in part.text for h in HYPHENS):
        # co-construction: the merged word indexed for "co-construction", or the parts in a row.
        merged = analyze(re.sub(f"[{HYPHENS}]", "", part.text))
        terms.update(merged)
        return [_exact(merged), _exact(words)] if merged else [_exact(words)]
    if len(words) > 1:
        return [_exact(words)]
    variants = variant_stems().get(words[0], ())
    terms.update(variants)
    return [Alt(terms=((words[0], 1.0), *((v, VARIANT_WEIGHT) for v in variants)))]


def _exact(words: list[str]) -> Alt:
    return Alt(terms=((words[0], 1.0),)) if len(words) == 1 else Alt(phrase=tuple(words))


def _prefix(text: str, reader, terms: set[str]) -> list[Alt]:
    """Expand a prefix over the text fields, keeping the most frequent completions."""
    stem = analyze(text)
    starts = {fold(re.sub(f"[{HYPHENS}]", "", text.lower()))}
    if len(stem) == 1 and len(stem[0]) >= PREFIX_MIN:
        starts.add(stem[0])  # "coopérati*" also completes the stem "cooper"
    frequency: dict[str, int] = {}
    for name in FIELD_WEIGHTS:
        for start in starts:
            for btext in reader.expand_prefix(name, start):
                word = btext.decode("utf-8")
                frequency[word] = frequency.get(word, 0) + reader.doc_frequency(name, btext)
    words = sorted(frequency, key=lambda w: (-frequency[w], w))[:PREFIX_EXPANSIONS]
    terms.update(words)
    # Nothing starts that way: a term that matches nothing keeps AND meaning AND.
    return [Alt(terms=tuple((w, 1.0) for w in sorted(words)) or ((next(iter(starts)), 1.0),))]


# --- spelling ------------------------------------------------------------------------------


def correct(text: str, reader, thesaurus: Thesaurus | None = None) -> str | None:
    """Return the text with its misspelt words replaced by the closest indexed words, or None.

    A word is misspelt when the index does not know it and it is neither a French word, a sigle,
    a number, a place name nor a word of the thesaurus (see lexicon.never_corrected): a correct
    word that no example contains is searched as typed, never turned into another word.
    Words are compared without accents but the corrections keep them (educaton -> éducation),
    since they come from a field that stores words as written.
    """
    corrections: dict[str, str] = {}
    attempts = 0
    for alternatives in parse(text)[:MAX_CLAUSES]:
        for part in alternatives:
            if part.kind != "word" or any(h in part.text for h in HYPHENS):
                continue
            word = part.text.lower()
            if word in corrections or _known(word, reader) or attempts >= MAX_PREFIXES:
                continue
            if never_corrected(part.text, thesaurus):
                continue
            attempts += 1
            better = _closest(word, reader)
            if better:
                corrections[word] = better
    if not corrections:
        return None

    def replace(match: re.Match) -> str:
        return corrections.get(match.group(0).lower(), match.group(0))

    return _WORD.sub(replace, unicodedata.normalize("NFC", text))


def _known(word: str, reader) -> bool:
    terms = analyze(word)
    return not terms or all(
        any(reader.doc_frequency(name, t) for name in FIELD_WEIGHTS) for t in terms
    )


def _closest(word: str, reader) -> str | None:
    if not 3 <= len(word) <= MAX_CORRECTED or any(c.isdigit() for c in word):
        return None
    maxdist = 1 if len(word) <= 4 else 2
    # Asking for the first letter to match makes the look-up 5x faster; typing "e" for "é"
    # (educaton -> éducation) is common, so accented first letters are tried as well.
    candidates: set[str] = set()
    for first in _FIRST_LETTERS.get(fold(word[0]), word[0]):
        segments = [leaf for leaf, _ in leaves(reader)]
        candidates.update(terms_within(segments, "spell", first + word[1:], maxdist, prefix=1))
    folded = fold(word)
    ranked = []
    for candidate in candidates:
        if candidate == word:
            continue
        distance = damerau_levenshtein(folded, fold(candidate))
        if distance <= maxdist:
            ranked.append((distance, -reader.doc_frequency("spell", candidate), candidate))
    return min(ranked)[2] if ranked else None
