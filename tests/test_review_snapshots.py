"""SVG snapshots of `coach review` (pytest-textual-snapshot): the table, a session read whole,
one with its search matches highlighted, needs attention and trends, at 100x32 and 80x24.

Update them with `pytest tests/test_review_snapshots.py --snapshot-update`, then look at the
SVGs before committing: a snapshot only proves the screen did not change, not that it is right.
Everything on screen is fixed: the clock, the sessions (the samples and reflections made with
frozen clocks and seeded ids), the cursor (no blink) and the folders, which are relative to the
test's own working folder, so a path on screen reads the same on every machine.
"""

from __future__ import annotations

import shutil
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from test_archive import day, reflect, samples
from test_review import furnished
from textual.pilot import Pilot
from textual.widgets import Input, Select, TextArea

from coach.archive import Archive
from coach.tui.review.app import ReviewApp, make_review_app
from coach.tui.review.screens.sessions import SessionTable

Compare = Callable[..., bool]
WIDE, SMALL = (100, 32), (80, 24)
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    team = tmp_path_factory.mktemp("made") / "team"
    reflect(team, "Dana", day("2026-11-10"), rating=4, fair=5)
    reflect(team, "Dana", day("2026-11-24"), rating=2, fair=5, loyalty="She was always fair")
    reflect(team, "Lee", day("2026-11-25"), stop=2)
    return team


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, made: Path) -> ReviewApp:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(made, "team")
    archive = Archive([samples(Path("mine")), Path("team")])
    return make_review_app(archive, lambda: NOW, author="Alex")


async def settled(pilot: Pilot[Any]) -> None:
    await furnished(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    for widget in pilot.app.screen.query("*"):
        if isinstance(widget, Input | TextArea):
            widget.cursor_blink = False


def then(*steps: Callable[[Pilot[Any]], Awaitable[None]]) -> Callable[[Pilot[Any]], Any]:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        for step in steps:
            await step(pilot)
            await settled(pilot)

    return run_before


def keys(*pressed: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def press(pilot: Pilot[Any]) -> None:
        await pilot.press(*pressed)

    return press


def row(index: int) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def move(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one(SessionTable).move_cursor(row=index)

    return move


def searched(text: str) -> Callable[[Pilot[Any]], Awaitable[None]]:
    async def search(pilot: Pilot[Any]) -> None:
        box = pilot.app.screen.query_one("#search", Input)
        box.value = text
        box.focus()
        await pilot.press("enter")

    return search


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["100x32", "80x24"])
def test_the_table(snap_compare: Compare, app: ReviewApp, size: tuple[int, int]) -> None:
    assert snap_compare(app, terminal_size=size, run_before=then())


def test_the_table_searched_and_filtered(snap_compare: Compare, app: ReviewApp) -> None:
    async def dana(pilot: Pilot[Any]) -> None:
        pilot.app.screen.query_one("#leader", Select).value = "Dana"

    assert snap_compare(app, terminal_size=WIDE, run_before=then(searched("priya"), dana))


def test_a_session_read_whole(snap_compare: Compare, app: ReviewApp) -> None:
    assert snap_compare(app, terminal_size=WIDE, run_before=then(row(4), keys("enter")))


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["100x32", "80x24"])
def test_a_search_match_in_the_reading_view(
    snap_compare: Compare, app: ReviewApp, size: tuple[int, int]
) -> None:
    steps = then(searched("priya"), row(1), keys("enter"), keys("right_square_bracket"))
    assert snap_compare(app, terminal_size=size, run_before=steps)


def test_needs_attention(snap_compare: Compare, app: ReviewApp) -> None:
    assert snap_compare(app, terminal_size=WIDE, run_before=then(keys("a")))


def test_trends(snap_compare: Compare, app: ReviewApp) -> None:
    assert snap_compare(app, terminal_size=WIDE, run_before=then(row(1), keys("t")))
