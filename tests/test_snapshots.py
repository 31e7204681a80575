"""SVG snapshots of the key screens at 100x32 and 80x24 (pytest-textual-snapshot).

Update them with `pytest tests/test_snapshots.py --snapshot-update`, then look at the SVGs
before committing: a snapshot only proves the screen did not change, not that it is right.

Everything on screen is fixed: the clock, the session id (seeded), the cursor (no blink), and
the sessions folder, which the summary prints: it is the relative `sessions/` inside the
test's own working folder, so the path reads the same on every run and machine.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from tui_kit import STOCK_TO_RATING, answered, build, resumed, say, steady, tiny_file

from coach.catalog import find_pack
from coach.store import SessionStore
from coach.tui.app import CoachApp

Compare = Callable[..., bool]
WIDE, SMALL = (100, 32), (80, 24)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SessionStore:
    monkeypatch.chdir(tmp_path)
    return SessionStore(Path("sessions"))


def answering(*answers: str) -> Callable[[Pilot[Any]], Any]:
    """A `run_before` that answers with the current controls, then stops the cursor blink."""

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        for answer in answers:
            await say(pilot, answer)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        steady(pilot.app)  # type: ignore[arg-type]

    return run_before


def snap(
    compare: Compare, app: CoachApp, size: tuple[int, int], answers: Sequence[str] = ()
) -> None:
    assert compare(app, terminal_size=size, run_before=answering(*answers))


def test_start_with_a_name_box(snap_compare: Compare, store: SessionStore) -> None:
    snap(snap_compare, build(store, name=None), WIDE)


def test_start_with_two_packs_and_an_unfinished_session(
    snap_compare: Compare, store: SessionStore
) -> None:
    answered(store, ["They asked me questions about my week and waited for every answer"])
    app = build(
        store,
        name=None,
        packs=[find_pack(None, []), tiny_file()],
        unfinished=store.latest_unfinished(),
    )
    snap(snap_compare, app, SMALL)


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["100x32", "80x24"])
def test_first_question(snap_compare: Compare, store: SessionStore, size: tuple[int, int]) -> None:
    snap(snap_compare, build(store), size)


def test_first_question_light_theme(snap_compare: Compare, store: SessionStore) -> None:
    app = build(store)
    app.theme = "textual-light"
    snap(snap_compare, app, SMALL)


def test_a_probe_under_the_answer_it_follows(snap_compare: Compare, store: SessionStore) -> None:
    snap(snap_compare, build(store), WIDE, ["ok"])


def test_a_rating(snap_compare: Compare, store: SessionStore) -> None:
    answers = ["They asked me questions about my week and waited for every answer"]
    snap(snap_compare, build(store), SMALL, answers)


def test_a_rating_whose_labels_wrap_refusing_a_skip(
    snap_compare: Compare, store: SessionStore
) -> None:
    """Every box as tall as the tallest label; the refusal under the bar, covering nothing."""
    session_id = answered(store, STOCK_TO_RATING, pack=find_pack(None, []))

    async def run_before(pilot: Pilot[Any]) -> None:
        await pilot.pause()
        await pilot.press("ctrl+n")
        steady(pilot.app)  # type: ignore[arg-type]

    app = resumed(store, session_id)
    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_a_choice_after_resume(snap_compare: Compare, store: SessionStore) -> None:
    session_id = answered(
        store,
        ["ok", "They asked me questions and waited", "2", "I'll ask more questions", "by Friday",
         "2", "I pick favourites sometimes", "She listened"],
    )  # fmt: skip
    snap(snap_compare, resumed(store, session_id), SMALL)


LONG_COMMITMENT = (
    "I'll sit with each of the four new reps for a whole afternoon of calls, let them lead "
    "every one, and ask what they would do differently"
)


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["100x32", "80x24"])
def test_summary(snap_compare: Compare, store: SessionStore, size: tuple[int, int]) -> None:
    """Long action items wrap whole, with whose they are, their trait and their date."""
    session_id = answered(
        store,
        ["ok", "They asked me questions and waited", "2", LONG_COMMITMENT, "by Friday",
         "2", "I pick favourites sometimes", "She listened", "1"],
    )  # fmt: skip
    snap(snap_compare, resumed(store, session_id), size, ["fairness"])
