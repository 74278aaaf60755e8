"""Turn what a visitor typed into Whoosh queries; spelling corrections.

No Whoosh query syntax reaches the parser: the words are read by a small grammar of our own —
words, "phrases", prefix* and OR/OU between alternatives — and everything else (colons, brackets,
^, ~, stray quotes) only separates words. So any string searches as plain words and nothing the
visitor types can raise.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from whoosh import query as wq

from .analysis import HYPHENS, analyze, fold, variant_stems
from .schema import FIELD_WEIGHTS

PREFIX_MIN = 3          # shorter prefixes are searched as words
PREFIX_EXPANSIONS = 64  # most frequent completions kept per field
VARIANT_WEIGHT = 0.6    # related words count less than the word typed

_QUOTES = str.maketrans({"“": '"', "”": '"', "«": '"', "»": '"', "„": '"'})
_CHUNK = re.compile(r'"([^"]*)"|(\S+)')
_WORD = re.compile(rf"\w+(?:[{HYPHENS}]\w+)*(\*?)")
_OR = frozenset({"OR", "OU", "|", "||"})
_IGNORED = frozenset({"AND", "ET", "&", "&&", "NOT", "SAUF"})


@dataclass(frozen=True)
class Part:
    """One alternative the visitor typed: a word, a phrase or a prefix."""

    kind: str  # "word" | "phrase" | "prefix"
    text: str


@dataclass
class Compiled:
    """The Whoosh form of a visitor's query."""

    clauses: list[wq.Query]              # one per word or OR-group; all must match (AND)
    terms: set[str] = field(default_factory=set)   # index terms, for highlighting

    def all_words(self) -> wq.Query:
        return self.clauses[0] if len(self.clauses) == 1 else wq.And(self.clauses)

    def any_word(self) -> wq.Query:
        return self.clauses[0] if len(self.clauses) == 1 else wq.Or(self.clauses)


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


def compile_query(text: str, reader) -> Compiled | None:
    """Return the Whoosh query for a visitor's text, or None when it has no searchable word."""
    compiled = Compiled(clauses=[])
    for alternatives in parse(text):
        queries = [q for q in (_part(p, reader, compiled.terms) for p in alternatives) if q]
        if queries:
            compiled.clauses.append(queries[0] if len(queries) == 1 else wq.Or(queries))
    return compiled if compiled.clauses else None


def _part(part: Part, reader, terms: set[str]) -> wq.Query | None:
    if part.kind == "prefix":
        return _prefix(part.text, reader, terms)
    if part.kind == "phrase":
        words = analyze(part.text)
        terms.update(words)
        return _fields(words, exact=True)
    words = analyze(part.text)
    if not words:
        return None
    terms.update(words)
    if any(h in part.text for h in HYPHENS):
        # co-construction: the merged word indexed for "co-construction", or the parts in a row.
        merged = analyze(re.sub(f"[{HYPHENS}]", "", part.text))
        terms.update(merged)
        options = [q for q in (_fields(merged), _fields(words, exact=True)) if q]
        return options[0] if len(options) == 1 else wq.Or(options)
    if len(words) == 1:
        variants = variant_stems().get(words[0], ())
        terms.update(variants)
        return _fields(words, variants=variants)
    return _fields(words, exact=True)


def _fields(words: list[str], exact: bool = False,
            variants: tuple[str, ...] = ()) -> wq.Query | None:
    """Search words in every text field with its weight (a phrase when several words)."""
    if not words:
        return None
    subqueries: list[wq.Query] = []
    for name, weight in FIELD_WEIGHTS.items():
        if len(words) == 1:
            subqueries.append(wq.Term(name, words[0], boost=weight))
        else:
            subqueries.append(wq.Phrase(name, words, boost=weight))
        if not exact:
            subqueries.extend(wq.Term(name, v, boost=weight * VARIANT_WEIGHT) for v in variants)
    return wq.Or(subqueries)


def _prefix(text: str, reader, terms: set[str]) -> wq.Query | None:
    """Expand a prefix in each field, keeping the most frequent completions."""
    stem = analyze(text)
    starts = {fold(re.sub(f"[{HYPHENS}]", "", text.lower()))}
    if len(stem) == 1 and len(stem[0]) >= PREFIX_MIN:
        starts.add(stem[0])  # "coopérati*" also completes the stem "cooper"
    subqueries: list[wq.Query] = []
    for name, weight in FIELD_WEIGHTS.items():
        found: set[str] = set()
        for start in starts:
            found.update(w.decode("utf-8") for w in reader.expand_prefix(name, start))
        if not found:
            continue
        words = sorted(found, key=lambda t: (-reader.doc_frequency(name, t), t))
        words = words[:PREFIX_EXPANSIONS]
        terms.update(words)
        subqueries.extend(wq.Term(name, w, boost=weight) for w in words)
    if not subqueries:
        # Nothing starts that way: keep a clause that matches nothing, so AND stays AND.
        return wq.Term("title", fold(text.lower()))
    return wq.Or(subqueries)


# --- spelling ------------------------------------------------------------------------------


def correct(text: str, reader) -> str | None:
    """Return the text with its unknown words replaced by the closest indexed words, or None.

    Words are compared without accents but the corrections keep them (educaton -> éducation),
    since they come from a field that stores words as written.
    """
    corrections: dict[str, str] = {}
    for alternatives in parse(text):
        for part in alternatives:
            if part.kind != "word" or any(h in part.text for h in HYPHENS):
                continue
            word = part.text.lower()
            if word in corrections or _known(word, reader):
                continue
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
    if len(word) < 3 or any(c.isdigit() for c in word):
        return None
    maxdist = 1 if len(word) <= 4 else 2
    candidates: set[str] = set()
    for leaf, _ in reader.leaf_readers():
        candidates.update(leaf.terms_within("spell", word, maxdist))
    folded = fold(word)
    ranked = []
    for candidate in candidates:
        if candidate == word:
            continue
        distance = _distance(folded, fold(candidate))
        if distance <= maxdist:
            ranked.append((distance, -reader.doc_frequency("spell", candidate), candidate))
    return min(ranked)[2] if ranked else None


def _distance(a: str, b: str) -> int:
    """Return the Damerau-Levenshtein distance (adjacent transpositions) between two words."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], prev2[j - 2] + 1)
        prev2, prev = prev, row
    return prev[-1]
