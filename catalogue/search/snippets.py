"""Highlighted excerpts: the text escaped, matched words wrapped in <mark>, nothing else added.

Words are found with the analyzer's own word pattern and analyzed one at a time through a cache,
so an excerpt costs a few dictionary look-ups per word instead of a full analysis pass.
"""

from __future__ import annotations

import re
import threading

from markupsafe import Markup, escape

from .analysis import HYPHENS, WORD_RE, analyze, fold

WIDTH = 240          # characters of text in an excerpt
LEAD = 60            # characters kept before the first match
_WORD = re.compile(WORD_RE)
_HYPHEN = re.compile(f"[{HYPHENS}]")
_CACHE_MAX = 200_000

_cache: dict[str, frozenset[str]] = {}
_lock = threading.Lock()


def word_terms(word: str) -> frozenset[str]:
    """Return the index terms of one word (with the merged form of hyphenated words)."""
    found = _cache.get(word)
    if found is None:
        found = frozenset(analyze(word, mode="index"))
        with _lock:
            if len(_cache) >= _CACHE_MAX:
                _cache.clear()
            _cache[word] = found
    return found


def snippet(text: str, terms: set[str] | frozenset[str]) -> Markup | None:
    """Return an escaped excerpt of text around its first matched words, or None if none match."""
    if not text or not terms or not _may_match(text, terms):
        return None
    matches: list[tuple[int, int]] = []
    limit = len(text)
    for m in _WORD.finditer(text):
        if m.start() > limit:
            break  # past the excerpt: the rest would not be shown
        if word_terms(m.group()) & terms:
            if not matches and len(text) > WIDTH:
                limit = max(0, m.start() - LEAD) + WIDTH
            matches.append(m.span())
    if not matches:
        return None
    start, end = 0, len(text)
    if end > WIDTH:
        start = max(0, matches[0][0] - LEAD)
        if start:
            start = _word_start(text, start)
        end = min(len(text), start + WIDTH)
        if end < len(text):
            end = _word_end(text, end, minimum=matches[0][1])
    out = ["… "] if start else []
    position = start
    for first, last in matches:
        if first < position or last > end:
            continue
        out.append(str(escape(text[position:first])))
        out.append(f"<mark>{escape(text[first:last])}</mark>")
        position = last
    out.append(str(escape(text[position:end])))
    if end < len(text):
        out.append(" …")
    return Markup("".join(out).strip())


def _may_match(text: str, terms) -> bool:
    """Tell cheaply whether a text can match: stemming keeps the first letters of a word."""
    folded = fold(text.lower())
    starts = {term[:3] for term in terms}
    if any(start in folded for start in starts):
        return True
    joined = _HYPHEN.sub("", folded)  # merged forms: "coconstruct" in "co-construction"
    return joined != folded and any(start in joined for start in starts)


def _word_start(text: str, index: int) -> int:
    """Move index forward to the start of the next word, so no word is cut."""
    space = text.find(" ", index)
    return space + 1 if 0 <= space < index + 30 else index


def _word_end(text: str, index: int, minimum: int) -> int:
    """Move index back to the end of the previous word (not before minimum)."""
    space = text.rfind(" ", minimum, index)
    return space if space > 0 else index
