"""French text analysis for the search index.

Keep this import path stable: Whoosh pickles the analyzer objects into the index, so moving or
renaming a class here makes existing indexes unreadable until `reindex` (bump SCHEMA_VERSION in
schema.py when you change the analysis; the index is then rebuilt at start-up).

The chain, in order (each step has a reason):

1. words are runs of letters and digits, optionally joined by hyphens; apostrophes (straight or
   curly) split, so elisions (l', d', qu') become stop words;
2. hyphenated words are split into their parts, and at index time also merged
   (co-construction -> co, construction, coconstruction), so all three spellings meet;
3. lower case, then accents folded *before* stemming: Snowball's French stemmer gives different
   stems for "mobilité" and "mobilite", folding first makes analysis independent of accents;
4. French stop words (folded too, with the words Snowball's list lacks), single letters dropped;
5. Snowball French stemming.
"""

from __future__ import annotations

import functools
import threading
import unicodedata
from itertools import chain

from whoosh.analysis import (
    CharsetFilter,
    IntraWordFilter,
    LowercaseFilter,
    MultiFilter,
    RegexTokenizer,
    StemFilter,
    StopFilter,
)
from whoosh.lang import stopwords_for_language
from whoosh.support.charset import accent_map

HYPHENS = "-\u2010\u2011"
# Words: letter/digit runs joined by hyphens; apostrophes and every other sign separate words.
WORD_RE = r"\w+(?:[-\u2010\u2011]\w+)*"
# Words offered as spelling corrections: letters only, as written (accents kept).
SPELL_RE = r"[^\W\d_]{3,}"

FOLD_MAP = dict(accent_map)
FOLD_MAP.update({ord("œ"): "oe", ord("Œ"): "OE", ord("æ"): "ae", ord("Æ"): "AE"})

# Snowball's list lacks these frequent words; elided forms appear once apostrophes split words.
EXTRA_STOP_WORDS = (
    "les", "ils", "elles", "cette", "cet", "ces", "leurs", "dont", "ou", "afin", "ainsi",
    "lorsqu", "puisqu", "jusqu", "quoiqu", "presqu", "quelqu", "qu", "aux",
    # "environ" (about) would otherwise meet the stem of "environnement".
    "environ",
)


def fold(text: str) -> str:
    """Return the text with accents and ligatures folded (case unchanged)."""
    return text.translate(FOLD_MAP)


def french_stop_words() -> frozenset[str]:
    """Return the folded French stop list used at index and query time."""
    words = set(stopwords_for_language("fr")) | set(EXTRA_STOP_WORDS)
    return frozenset(fold(w.lower()) for w in words)


class SafeMultiFilter(MultiFilter):
    """MultiFilter that accepts an empty token stream.

    Whoosh 2.7's MultiFilter calls next() eagerly, so an empty or punctuation-only field raised
    "generator raised StopIteration" (PEP 479) inside add_document.
    """

    def __call__(self, tokens):
        first = next(tokens, None)
        if first is None:
            return iter(())
        chosen = self.filters.get(first.mode, self.default_filter)
        return chosen(chain([first], tokens))


def french_analyzer():
    """Return the analyzer of every full-text field (see the module docstring)."""
    # splitwords=False with splitnums=False crashes Whoosh 2.7 (missing 'boundary'): keep splitnums.
    intraword = SafeMultiFilter(
        index=IntraWordFilter(delims=HYPHENS, splitwords=False, splitnums=True, mergewords=True),
        query=IntraWordFilter(delims=HYPHENS, splitwords=False, splitnums=True, mergewords=False),
    )
    return (
        RegexTokenizer(WORD_RE)
        | intraword
        | LowercaseFilter()
        | CharsetFilter(FOLD_MAP)
        | StopFilter(stoplist=french_stop_words(), minsize=2)
        | StemFilter(lang="fr", cachesize=100_000)
    )


def spelling_analyzer():
    """Return the analyzer of the spelling field: lower-cased words with their accents."""
    return RegexTokenizer(SPELL_RE) | LowercaseFilter()


_local = threading.local()


def shared_analyzer():
    """Return this thread's French analyzer (its stemming cache is not thread-safe)."""
    analyzer = getattr(_local, "analyzer", None)
    if analyzer is None:
        analyzer = _local.analyzer = french_analyzer()
    return analyzer


def analyze(text: str, mode: str = "query") -> list[str]:
    """Return the index terms of a text as the search fields see it."""
    text = unicodedata.normalize("NFC", text)
    return [t.text for t in shared_analyzer()(text, mode=mode)]


# Related words the stemmer does not join (Snowball never conflates derivations). Each group is
# searched together, the other forms with a lower weight. Keep it short: it trades precision
# for recall.
VARIANT_GROUPS: tuple[tuple[str, ...], ...] = (
    ("territoire", "territorial", "territoriale"),
    ("solidaire", "solidarité"),
    ("jeune", "jeunesse"),
    ("construction", "construire"),
    ("environnement", "environnemental"),
    ("éducation", "éducatif"),
    ("agriculture", "agricole", "agriculteur"),
    ("alimentation", "alimentaire"),
    ("bénévole", "bénévolat"),
    ("mécénat", "mécène"),
    ("citoyen", "citoyenneté"),
    ("rural", "ruralité"),
    ("école", "scolaire"),
    ("handicap", "handicapé"),
    ("numérique", "digital"),
)


@functools.cache
def variant_stems() -> dict[str, tuple[str, ...]]:
    """Map each stem of VARIANT_GROUPS to the other stems of its group."""
    result: dict[str, set[str]] = {}
    for group in VARIANT_GROUPS:
        stems = {term for word in group for term in analyze(word)}
        for stem in stems:
            result.setdefault(stem, set()).update(stems - {stem})
    return {stem: tuple(sorted(others)) for stem, others in result.items() if others}


def sort_key(text: str) -> str:
    """Return a key that sorts French titles alphabetically, ignoring case, accents and signs."""
    folded = fold(unicodedata.normalize("NFC", text)).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())
