"""The retro board TUI (`coach retro ID` on a terminal): the board the core builds
(`coach.retro.board.build_board`), drawn and refreshed live, with voting, ungrouping and the
review of last retro's actions, each written through `coach.retro.voting`.

For the CLI (coach/cli.py), the whole seam is:

    run_board(folder, titles, scale, sessions=None) -> int

`sessions` is the voter's own sessions folder, where `coach.retro.voting` keeps their private
ledger (which vote file is theirs). Without it the board is read-only: it shows everything
and refreshes, and says so when someone tries to vote.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from coach.retro.files import RetroFolder

if TYPE_CHECKING:
    from coach.tui.retro.app import BoardApp

__all__ = ["make_board_app", "run_board"]


def make_board_app(
    folder: RetroFolder,
    titles: Mapping[str, str] | None = None,
    scale: tuple[int, int] = (1, 5),
    sessions: Path | None = None,
    refresh_seconds: float = 1.0,
) -> BoardApp:
    """The one way the board app is built, for the CLI and the tests alike."""
    from coach.tui.retro.app import BoardApp

    return BoardApp(folder, titles, scale, sessions, refresh_seconds)


def run_board(
    folder: RetroFolder,
    titles: Mapping[str, str] | None = None,
    scale: tuple[int, int] = (1, 5),
    sessions: Path | None = None,
) -> int:
    """Open the board on the terminal until the facilitator quits.

    Args:
        folder: The retro's folder.
        titles: Trait id -> title in the pack's order (as for `build_board`).
        scale: The lowest and highest rating.
        sessions: The voter's sessions folder; None for a read-only board.

    Returns:
        The exit status: 0.
    """
    make_board_app(folder, titles, scale, sessions).run()
    return 0
