"""`coach review`: a coach's archive in the terminal. Built by `make_review_app` from an
`Archive` and a clock, so the tests run exactly what the CLI runs.

The app only draws: listing, filtering, searching, trends and what needs attention are the
archive's answers (`coach.archive`), and marking an item or adding a note goes through it to
`coach.actions` and `coach.notes`. Disk work runs in workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.message_pump import MessagePump

    from coach.archive import Archive, Entry, Match

Clock = Callable[[], datetime]
KEY_WAIT = 1.0  # seconds a held key may take to be handled before the next is given anyway


def _archive_commands() -> type[Provider]:
    """The palette's archive commands, imported when the palette first opens, not at start."""
    from coach.tui.review.commands import ArchiveCommands

    return ArchiveCommands


class ReviewApp(App[None]):
    """Sessions in a table; Enter reads one; trends and needs-attention a key away."""

    CSS_PATH = "review.tcss"
    TITLE = "coach review"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {_archive_commands}

    def __init__(self, archive: Archive, clock: Clock, author: str | None = None) -> None:
        super().__init__()
        self.archive = archive
        self.clock = clock
        self._author = author
        # Keys pressed before the sessions screen has its search box and filters: handed on
        # to it, in order, once it has them (`furnished`), so a `/` typed at once is not lost.
        self._held: list[events.Key] | None = []

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

    def get_default_screen(self) -> Screen[Any]:
        """The sessions table is the app's own first screen, composed in Textual's start-up
        pass: pushed from `on_mount`, it came after a frame of Textual's empty screen."""
        from coach.tui.review.screens.sessions import SessionsScreen

        return SessionsScreen()

    async def on_event(self, event: events.Event) -> None:
        """Until the sessions screen is furnished, keys are kept for it rather than given to
        a screen whose search box and filters are not there yet."""
        if self._held is not None and isinstance(event, events.Key) and not event.is_forwarded:
            self._held.append(event)
            return
        await super().on_event(event)

    def furnished(self) -> None:
        """The sessions screen has its search box, filters and footer: the keys held since
        the start are handed on to it, and what start-up built, which lives as long as the
        app, is frozen out of every later collection when the CLI held the collector until
        now (`coach.cli._collector_held`); collecting starts again."""
        if not gc.isenabled():
            gc.freeze()
            gc.enable()
        self.run_worker(self._hand_on(), group="held keys")

    async def _hand_on(self) -> None:
        """The held keys, in order, each handled to the end before the next (`_settled`), so
        that `/` and what follows it land in the search box; keys that come meanwhile wait
        their turn. Runs as a task of its own: it waits on the app's and the screen's
        queues."""
        held = self._held or []
        while held:
            await self._settled(held.pop(0))
        self._held = None

    async def _settled(self, key: events.Key) -> None:
        """Give `key` as the terminal would have, and return once it is handled: a call is
        sent down the queues the key goes through as it bubbles (the focused widget's, its
        parents', the app's) behind it, and once more behind the app's own calls, such as
        the focus a binding gave."""
        target = self.focused or self.screen
        chain: list[MessagePump] = [target, *target.ancestors]
        done = asyncio.Event()

        def behind(at: int) -> None:
            if at < len(chain):
                chain[at].call_later(behind, at + 1)
            else:
                done.set()

        await super().on_event(events.Key(key.key, key.character))
        behind(0)
        with contextlib.suppress(TimeoutError):  # the app closed behind it (Ctrl+Q)
            await asyncio.wait_for(done.wait(), KEY_WAIT)

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
