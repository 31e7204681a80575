"""The loyalty line every front end shows: a kept guess says it was a guess."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from conftest import DATA
from leader import drive

from coach.catalog import PackFile, read_pack
from coach.engine import Prompt
from coach.session import Session
from coach.store import SessionStore

Clock = Callable[[], datetime]


def finish_tiny(tmp_path: Path, clock: Clock, loyalty: list[str]) -> Session:
    store = SessionStore(tmp_path / "sessions")
    pack = DATA / "packs" / "tiny.yaml"
    session, _ = Session.begin(
        store, PackFile(pack, read_pack(pack), False), clock, random.Random(1)
    )
    for text in ["They asked me questions and waited", "4", "Ask Sam one question by Friday",
                 "5", *loyalty, "1"]:  # fmt: skip
        session.answer(text) if text != ":skip" else session.skip()
    assert session.dialogue.finished
    return session


def test_a_skipped_confirmation_keeps_the_guess_and_the_summary_says_so(
    tmp_path: Path, clock: Clock
) -> None:
    session = finish_tiny(tmp_path, clock, ["She listened", ":skip"])
    assert session.dialogue.classification()["guessed"] is True
    assert session.summary().loyalty == (
        "The trait that earned your loyalty, as far as I can tell: Listening (you didn't pick "
        "one). "
        "You rated yourself 4 on it today."
    )
    said = [t.text for t in session.dialogue.log if t.role == "coach"]
    assert "Then I'll go with my best guess: Listening." in said


def test_a_confirmed_trait_is_no_guess(tmp_path: Path, clock: Clock) -> None:
    session = finish_tiny(tmp_path, clock, ["She listened", "listening"])
    assert session.dialogue.classification()["guessed"] is False
    assert (
        session.summary().loyalty
        == "The trait that earned your loyalty: Listening. You rated yourself 4 on it today."
    )


def at_the_loyalty_question(tmp_path: Path, clock: Clock) -> Session:
    """A stock-pack reflection answered plainly up to the loyalty question."""
    from coach.catalog import find_pack

    store = SessionStore(tmp_path / "sessions")
    session, _ = Session.begin(store, find_pack("sales-leader", []), clock, random.Random(1))

    def leader(prompt: Prompt) -> str | None:
        if prompt.kind in ("rating", "choice"):
            return "4" if prompt.kind == "rating" else "1"
        return None if prompt.can_skip else "Take Sam to lunch by Friday"

    drive(session, leader, until="close_loyalty")
    return session


def test_a_tie_is_asked_about_with_neither_trait_suggested(tmp_path: Path, clock: Clock) -> None:
    session = at_the_loyalty_question(tmp_path, clock)
    session.answer("He showed me how on calls and he always had my back.")
    prompt = session.dialogue.current()
    assert prompt is not None and prompt.text.startswith(
        "I hear both Inspirational coach and Builds loyalty in that."
    )
    assert prompt.suggested is None  # the coach asks which: it does not pick one of the two


def test_a_question_asked_only_sometimes_counts_only_when_asked(
    tmp_path: Path, clock: Clock
) -> None:
    from coach.catalog import find_pack

    totals = []
    for i, (story, confirm) in enumerate((("She backed me with finance on the Acme deal", "3"),
                                          ("idk", "something else"))):  # fmt: skip

        def leader(prompt: Prompt, story: str = story, confirm: str = confirm) -> str | None:
            if prompt.step in ("close_loyalty", "close_other"):
                return confirm if prompt.stage == "confirm" else story
            if prompt.kind in ("rating", "choice"):
                return "4" if prompt.kind == "rating" else "1"
            return None if prompt.can_skip else "Take Sam to lunch by Friday"

        store = SessionStore(tmp_path / f"s{i}")
        session, _ = Session.begin(store, find_pack("sales-leader", []), clock, random.Random(1))
        seen = []
        while (prompt := session.dialogue.current()) is not None:
            seen.append((prompt.step, prompt.progress.answered, prompt.progress.total))
            text = leader(prompt)
            session.skip() if text is None else session.answer(text)
        totals.append(seen[-1][2])
        saved = store.load(session.id)["progress"]  # the file says the same as the screen
        assert saved == {"answered": totals[-1], "steps": totals[-1]}
        assert all(answered <= total for _, answered, total in seen)
        assert ("close_other" in {step for step, _, _ in seen}) == (i == 1)
    assert totals[1] == totals[0] + 1  # "something else": one question more, and counted


def test_the_loyalty_answer_leaves_out_what_says_nothing(tmp_path: Path, clock: Clock) -> None:
    session = at_the_loyalty_question(tmp_path, clock)
    session.answer("idk")  # probed: "You said "idk". Which moment ... comes back first?"
    session.answer("Priya backing me on the Initech deal in front of finance")
    assert session.dialogue.classification()["answer"] == (
        "Priya backing me on the Initech deal in front of finance"
    )
    said = [t.text for t in session.dialogue.log if t.role == "leader"]
    assert said[-2:] == ["idk", "Priya backing me on the Initech deal in front of finance"]
