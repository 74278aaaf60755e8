"""Measured relevance on the field's vocabulary (tests/relevance_set.py): the targets of #11."""

from __future__ import annotations

import pytest
from conftest import settings_for
from flask_migrate import upgrade
from relevance_set import CORPUS, JUDGED, evaluate
from search_fixtures import add_records, find

from catalogue import create_app
from catalogue.extensions import db


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    """The set's figures on an app holding CORPUS."""
    tmp = tmp_path_factory.mktemp("relevance")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CATALOGUE_INSTANCE_PATH", str(tmp / "instance"))
        app = create_app(settings_for(tmp))
        with app.app_context():
            upgrade(directory=app.extensions["migrate"].directory)
            ids = dict(zip(CORPUS, add_records(list(CORPUS.values())), strict=True))
            keys = {v: k for k, v in ids.items()}
            yield evaluate(lambda q: [keys[i] for i in find(q, per_page=10).ids()])
            db.session.remove()
            db.engine.dispose()


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
