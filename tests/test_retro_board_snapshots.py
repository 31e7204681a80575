"""SVG snapshots of the retro board (pytest-textual-snapshot): below and above the anonymity
threshold, voting, and last retro's actions to review, at 100x32 (and 80x24 for the full
board).

Update them with `pytest tests/test_retro_board_snapshots.py --snapshot-update`, then look at
the SVGs before committing: a snapshot only proves the board did not change, not that it is
right. Everything on screen is fixed: the retro's date, the contributions (item ids are
digests of their words), and the folder, relative to the test's own working folder.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from test_retro_board import TITLES, leader, retro
from textual.pilot import Pilot
from textual.widgets import OptionList

from coach.retro import voting
from coach.retro.board import build_board
from coach.tui.retro import make_board_app
from coach.tui.retro.app import BoardApp

Compare = Callable[..., bool]
WIDE, SMALL = (100, 32), (80, 24)


@pytest.fixture(autouse=True)
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return Path(".")


def board_app(folder: Any) -> BoardApp:
    return make_board_app(folder, TITLES, sessions=Path("sessions"))


async def settled(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_below_the_threshold(snap_compare: Compare, here: Path) -> None:
    assert snap_compare(board_app(retro(here, 3)), terminal_size=WIDE, run_before=settled)


@pytest.mark.parametrize("size", [WIDE, SMALL], ids=["100x32", "80x24"])
def test_above_the_threshold(snap_compare: Compare, here: Path, size: tuple[int, int]) -> None:
    folder = retro(here, 7)
    leader(folder)
    (folder.contributions_dir / "0123456789abcdef.yaml").write_text("retro: [unclosed\n")
    assert snap_compare(board_app(folder), terminal_size=size, run_before=settled)


def test_voting(snap_compare: Compare, here: Path) -> None:
    folder = retro(here, 7)
    board = build_board(folder, TITLES)
    voting.cast(folder, Path("someone-else"), [board.groups[1].id], board)

    async def vote(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        listed = pilot.app.query_one("#groups", OptionList)
        listed.focus()
        await pilot.press("space", "space")
        await settled(pilot)
        listed.highlighted = listed.get_option_index(board.groups[3].id)
        await pilot.press("space")
        await settled(pilot)

    assert snap_compare(board_app(folder), terminal_size=WIDE, run_before=vote)


def test_the_carry_over(snap_compare: Compare, here: Path) -> None:
    before = retro(here, 7, "q3", team="sales")
    board = build_board(before, TITLES)
    voting.cast(before, Path("v1"), [board.groups[0].id, board.groups[2].id], board)
    voting.close(before, Path("sessions"), board, before.read().votes, date(2026, 11, 4),
                 date(2026, 11, 18), top=2, owners={board.groups[2].id: "Sam"})  # fmt: skip
    now = retro(here, 2, "q4", team="sales")

    async def reviewed(pilot: Pilot[Any]) -> None:
        await settled(pilot)
        await pilot.press("d")
        await settled(pilot)

    assert snap_compare(board_app(now), terminal_size=WIDE, run_before=reviewed)
