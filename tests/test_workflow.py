"""The state machine: every move, the journal it writes, and the moves it refuses."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from catalogue import workflow
from catalogue.extensions import db
from catalogue.importing import apply_public_fields
from catalogue.models import Example, User
from catalogue.moderation import compare, text_diff
from catalogue.validation import clean_record

MOVES = [
    ("pending", "approve", "published"),
    ("pending", "reject", "rejected"),
    ("pending", "request_changes", "changes_requested"),
    ("changes_requested", "resubmit", "pending"),
    ("published", "archive", "archived"),
    ("archived", "restore", "published"),
    ("pending", "edit", "pending"),
    ("published", "edit", "published"),
]


@pytest.mark.parametrize("start, action, end", MOVES)
def test_allowed_moves_are_journaled(app, make_example, make_user, start, action, end):
    example = make_example(state=start)
    make_user()
    with app.app_context():
        example = db.session.get(Example, example.id)
        actor = db.session.scalar(sa.select(User))
        version = example.version
        event = workflow.transition(
            example, action, actor=actor, comment="Un mot.", expected_version=version
        )
        db.session.commit()
        assert example.state == end
        assert example.version == version + 1  # every move bumps the version
        assert (event.action, event.from_state, event.to_state, event.actor_id) == (
            action,
            start,
            end,
            actor.id,
        )
        assert event.comment == "Un mot."
        assert (event.snapshot is not None) == (action in ("resubmit", "edit"))
        if end == "published":
            assert example.published_at is not None


def test_submit_creates_a_pending_example_with_a_snapshot(app, record):
    with app.app_context():
        example = Example(slug="nouveau")
        apply_public_fields(example, clean_record(record(title="Nouveau"))[0])
        event = workflow.transition(example, "submit")
        assert example.state == "pending" and event.from_state is None
        assert event.snapshot["title"] == "Nouveau"


IMPOSSIBLE = [
    ("pending", "archive"),
    ("pending", "restore"),
    ("pending", "resubmit"),
    ("published", "approve"),
    ("published", "reject"),
    ("published", "restore"),
    ("rejected", "approve"),
    ("rejected", "archive"),
    ("changes_requested", "approve"),
    ("archived", "approve"),
    ("archived", "archive"),
    ("published", "submit"),
]


@pytest.mark.parametrize("start, action", IMPOSSIBLE)
def test_impossible_moves_change_nothing(app, make_example, start, action):
    example = make_example(state=start)
    with app.app_context():
        example = db.session.get(Example, example.id)
        events = len(example.events)
        with pytest.raises(workflow.TransitionError, match="Impossible"):
            workflow.transition(example, action, comment="x")
        assert example.state == start and len(example.events) == events


@pytest.mark.parametrize("action", ["reject", "request_changes"])
def test_a_comment_is_required(app, make_example, action):
    example = make_example(state="pending")
    with app.app_context():
        example = db.session.get(Example, example.id)
        with pytest.raises(workflow.TransitionError, match="commentaire"):
            workflow.transition(example, action, comment="  ")
        assert example.state == "pending"


def test_an_old_version_is_a_conflict(app, make_example):
    example = make_example(state="pending")
    with app.app_context():
        example = db.session.get(Example, example.id)
        with pytest.raises(workflow.VersionConflict, match="modifié entre-temps"):
            workflow.transition(example, "approve", expected_version=example.version - 1)
        assert example.state == "pending"


def test_unknown_action(app, make_example):
    example = make_example(state="pending")
    with app.app_context():
        with pytest.raises(workflow.TransitionError, match="inconnue"):
            workflow.transition(db.session.get(Example, example.id), "teleport")


def test_decisions_are_moves_of_the_state_machine():
    for state, actions in workflow.DECISIONS.items():
        for action in actions:
            assert state in workflow.ACTIONS[action].sources


def test_text_diff_marks_words():
    segments = text_diff("Quarante élèves participent.", "Cinquante élèves participent.")
    assert segments == [
        ("delete", "Quarante"),
        ("insert", "Cinquante"),
        ("equal", " élèves participent."),
    ]
    joined = text_diff("un deux trois quatre", "un 2 3 quatre")
    assert ("delete", "deux trois") in joined and ("insert", "2 3") in joined
    rewritten = text_diff("Une phrase d’origine.", "Tout autre chose ici")
    assert rewritten == [("delete", "Une phrase d’origine."), ("insert", "Tout autre chose ici")]


def test_compare_lists_changed_fields_with_labels():
    before = {
        "title": "A",
        "regions": ["53"],
        "partners": [{"name": "X", "kind": "association", "role": ""}],
        "odd": [2],
    }
    after = {"title": "A", "regions": ["53", "11"], "partners": [], "odd": [2]}
    changes = {c["name"]: c for c in compare(before, after)}
    assert set(changes) == {"regions", "partners"}
    assert (
        changes["regions"]["added"] == ["Île-de-France"]
        and changes["regions"]["label"] == "Régions"
    )
    assert changes["partners"]["removed"] == ["X (Association)"]


@pytest.mark.parametrize("state, action, version_offset, refused", [
    ("pending", "approve", 0, None),
    ("published", "approve", 0, "n’est pas possible"),  # not a decision of that state
    ("pending", "reject", 0, "commentaire"),  # the state machine's own refusal
    ("pending", "approve", -1, "modifié entre-temps"),  # decided on an older version
])
def test_a_step_commits_whole_or_nothing(app, make_example, state, action, version_offset,
                                         refused):
    example = make_example(state=state, title="Avant")
    with app.app_context():
        example = db.session.get(Example, example.id)
        version = example.version

        def change(example):
            example.title = "Après"

        message = workflow.step(example, action, expected_version=version + version_offset,
                                change=change, decision=True)
        db.session.expire_all()
        stored = db.session.get(Example, example.id)
        if refused is None:
            assert message is None
            assert (stored.title, stored.state) == ("Après", "published")
        else:
            assert refused in message
            assert (stored.title, stored.state, stored.version) == ("Avant", state, version)
