"""Words that are never "corrected": French words, sigles, numbers and place names.

A word the catalogue does not contain is not a typo when it is correct French: « forêt » must
not become « fort », nor « RSE » « rue ». The French word list is pyspellchecker's (a maintained
frequency dictionary of about 140,000 words, installed by pip on every host, no download at run
time); it is read once per process, the first time a word is unknown to the index.
"""

from __future__ import annotations

import functools
import re

from .analysis import fold
from .thesaurus import Thesaurus, place_names

# A sigle as typed: two to six capitals (RSE, EHPAD, TZCLD).
SIGLE = re.compile(r"[A-ZÀ-ÖØ-Þ]{2,6}")


@functools.cache
def french_words() -> frozenset[str]:
    """Return the French word list, lower-cased with accents folded."""
    from spellchecker import SpellChecker

    checker = SpellChecker(language="fr", distance=1)
    return frozenset(fold(word.lower()) for word in checker.word_frequency.keys())


@functools.cache
def place_words() -> frozenset[str]:
    """Return the words of the régions' and départements' names, lower-cased and folded."""
    return frozenset(fold(w.lower()) for name in place_names() for w in re.findall(r"\w+", name))


def never_corrected(typed: str, thesaurus: Thesaurus | None = None) -> bool:
    """Tell whether a word as typed must be searched as it is, never replaced by another."""
    if SIGLE.fullmatch(typed) or any(c.isdigit() for c in typed):
        return True
    word = fold(typed.lower())
    if word in place_words() or word in french_words():
        return True
    return thesaurus is not None and word in thesaurus.folded_words
