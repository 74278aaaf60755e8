"""Measured relevance on the field's vocabulary (tests/relevance_set.py): the targets of #11."""

from __future__ import annotations

import pytest
from relevance_set import CORPUS, JUDGED, evaluate
from search_helpers import find


@pytest.fixture(scope="module")
def figures(app_holding):
    """The set's figures on an app holding CORPUS."""
    app, ids = app_holding(CORPUS)
    keys = {v: k for k, v in ids.items()}
    with app.app_context():
        return evaluate(lambda q: [keys[i] for i in find(q, per_page=10).ids()])


def test_the_set_is_big_and_varied_enough():
    assert len(JUDGED) >= 30
    categories = {category for category, _, _ in JUDGED}
    assert categories == {"sigle", "spelt", "synonym", "paraphrase", "absent", "typo"}
    assert all(key in CORPUS for _, _, relevant in JUDGED for key in relevant)


def test_recall_at_10(figures):
    assert figures["recall_at_10"] >= 0.9, figures["misses"]


def test_top_3(figures):
    assert figures["top_3"] >= 0.9, figures["misses"]


def test_no_wrong_answer(figures):
    assert figures["wrong_answers"] == []
