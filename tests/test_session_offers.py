"""Suggestions are the coach's: offered as a question in the stock pack, and marked as the
coach's in every output once they are items."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from conftest import DATA
from leader import drive

from coach.actions import Row
from coach.catalog import PackFile, find_pack, read_pack
from coach.engine import Prompt
from coach.report import actions_markdown, transcript_markdown
from coach.report.exports import actions_todo
from coach.session import Session
from coach.store import SessionStore

Clock = Callable[[], datetime]


def test_a_suggestion_item_is_marked_as_the_coachs_everywhere(tmp_path: Path, clock: Clock) -> None:
    store = SessionStore(tmp_path / "sessions")
    pack = DATA / "packs" / "tiny.yaml"
    session, _ = Session.begin(
        store, PackFile(pack, read_pack(pack), False), clock, random.Random(1)
    )
    for text in ["They asked me questions and waited", "2", "Ask Sam one question by Friday",
                 "5", "She was fair with everyone, no favourites", "1"]:  # fmt: skip
        session.answer(text)
    session.finish()
    transcript = session.to_transcript()
    item = next(i for i in transcript.action_items if i.kind == "suggestion")
    assert "| coach's suggestion | open |" in transcript_markdown(transcript)
    assert "| coach's suggestion | open | s |" in actions_markdown([("s", "Listening", item)])
    row = Row("s", None, "Listening", item)
    assert " from:suggestion " in actions_todo([row])


def test_a_declined_offer_leaves_no_item_in_the_stock_pack(tmp_path: Path, clock: Clock) -> None:
    store = SessionStore(tmp_path / "sessions")
    session, _ = Session.begin(store, find_pack("sales-leader", []), clock, random.Random(1))
    for text in [
        ":skip",
        ":skip",
        "1",
        "Pipeline reviews",
        ":skip",
        "Talk Tom through my questions by Friday",
    ]:
        session.skip() if text == ":skip" else session.answer(text)
    prompt = session.dialogue.current()
    assert prompt is not None and prompt.kind == "choice"
    assert [o.label for o in prompt.options] == ["Yes, add it", "No, thanks"]
    assert prompt.text.startswith("Would it help to join one rep on a live call")
    session.answer("no thanks")
    assert all(i.kind == "commitment" for i in session.dialogue.action_items())


def test_a_suggestion_taken_for_the_trait_chosen_first_is_its_step_in_the_summary(
    tmp_path: Path, clock: Clock
) -> None:
    store = SessionStore(tmp_path / "sessions")
    session, _ = Session.begin(store, find_pack("sales-leader", []), clock, random.Random(1))
    offered = []

    def leader(prompt: Prompt) -> str | None:
        if prompt.kind == "rating":
            return "1" if prompt.trait == "inspirational_coach" else "4"
        if prompt.kind == "commit":  # no step of their own for the trait they will choose
            return "idk" if prompt.trait == "inspirational_coach" else "Call Sam by Friday"
        if prompt.step.endswith("_offer"):
            offered.append(prompt.text)
            return "yes" if prompt.trait == "inspirational_coach" else "no"
        if prompt.step == "close_focus":
            return "Inspirational coach"
        if prompt.kind == "choice":
            return "1"
        return None if prompt.can_skip else "She rode along on my calls and showed me the close."

    drive(session, leader)
    turns = session.to_transcript().turns
    summary = next(t.text for t in reversed(turns) if t.step == "close_summary")
    assert any(text.startswith("Would it help to") for text in offered)
    assert "there's no step for it yet" not in summary
    assert (
        "You chose Inspirational coach to work on first, and said yes to my suggestion for it:"
        in summary
    )
    taken = next(i for i in session.dialogue.action_items() if i.trait == "inspirational_coach")
    assert taken.kind != "commitment" and taken.text[:20] in summary
