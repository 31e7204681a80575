"""`coach review`: a coach's archive in the terminal. Built by `make_review_app` from an
`Archive` and a clock, so the tests run exactly what the CLI runs.

The app only draws: listing, filtering, searching, trends and what needs attention are the
archive's answers (`coach.archive`), and marking an item or adding a note goes through it to
`coach.actions` and `coach.notes`. Disk work runs in workers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen

from coach.archive import Archive, Entry, Match
from coach.tui.review.commands import ArchiveCommands

Clock = Callable[[], datetime]


class ReviewApp(App[None]):
    """Sessions in a table; Enter reads one; trends and needs-attention a key away."""

    CSS_PATH = "review.tcss"
    TITLE = "coach review"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {ArchiveCommands}

    def __init__(self, archive: Archive, clock: Clock, author: str | None = None) -> None:
        super().__init__()
        self.archive = archive
        self.clock = clock
        self._author = author

    @property
    def today(self) -> date:
        """The day overdue items are counted against: the clock's, so tests can fix it."""
        return self.clock().date()

    @property
    def author(self) -> str:
        """Who writes the notes: given by the CLI, else `COACH_AUTHOR` or the login name."""
        if self._author is None:
            from coach.notes import default_author

            self._author = default_author()
        return self._author

    def now(self) -> str:
        return self.clock().isoformat(timespec="seconds")

    def on_mount(self) -> None:
        from coach.tui.review.screens.sessions import SessionsScreen

        self.push_screen(SessionsScreen())

    # -- moving between views -------------------------------------------------------------

    def open_session(self, entry: Entry, match: Match | None = None) -> None:
        """The reading view of one session, its search matches highlighted."""
        from coach.tui.review.screens.reading import ReadingScreen

        self.push_screen(ReadingScreen(entry, match))

    def show_trends(self, leader: str) -> None:
        from coach.tui.review.screens.trends import TrendsScreen

        if isinstance(self.screen, TrendsScreen):
            self.screen.leader = leader
            return
        self.push_screen(TrendsScreen(leader))

    def show_attention(self) -> None:
        from coach.tui.review.screens.attention import AttentionScreen

        if not isinstance(self.screen, AttentionScreen):
            self.push_screen(AttentionScreen())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for title, help_text, action in getattr(screen, "PALETTE", ()):
            yield SystemCommand(title, help_text, _runner(screen, action))


def _runner(screen: Screen[Any], action: str) -> Callable[[], Any]:
    """A palette entry that runs one of the screen's actions, arguments and all."""

    async def run() -> None:
        await screen.run_action(action)

    return run


def make_review_app(archive: Archive, clock: Clock, author: str | None = None) -> ReviewApp:
    """The one way the review app is built, for the CLI and the tests alike.

    Args:
        archive: The folders to review (`--archive DIR`..., `COACH_ARCHIVE_DIRS`, and the
            coach's own sessions folder).
        clock: Today, for overdue items, and the time a note is written.
        author: The name notes are signed with; `COACH_AUTHOR` or the login name if None.
    """
    return ReviewApp(archive, clock, author)
