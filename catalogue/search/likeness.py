"""How alike two texts are, word for word as the search reads them (no index needed)."""

from __future__ import annotations

import math
from collections import Counter

from .analysis import analyze


def resemblance(text: str, others: dict[int, str]) -> dict[int, float]:
    """Score how alike each of `others` is to `text`, from 0 (no shared word) to 1.

    The cosine of their analysed words (French stems, without stop words), so that word order,
    case, accents and inflections do not hide a near-copy.
    """
    own = Counter(analyze(text))
    own_norm = _norm(own)
    scores = {}
    for key, other in others.items():
        words = Counter(analyze(other))
        norm = own_norm * _norm(words)
        shared = sum(count * words[word] for word, count in own.items() if word in words)
        scores[key] = shared / norm if norm else 0.0
    return scores


def _norm(words: Counter) -> float:
    return math.sqrt(sum(count * count for count in words.values()))
