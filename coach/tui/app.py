"""The reflection app. Built by `make_app` from the same parts the line mode uses, so tests run
exactly what a leader runs."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from coach.catalog import PackFile
from coach.checkin import DueItem
from coach.engine import Reply
from coach.session import Clock, Session
from coach.store import SessionStore, SessionSummary, StoreError


@dataclass
class Setup:
    """Everything the app needs, decided by the CLI (or a test) before it starts."""

    store: SessionStore
    packs: list[PackFile]
    clock: Clock
    rng: Random
    name: str | None = None
    resume: Session | None = None
    unfinished: SessionSummary | None = None
    pack_dirs: list[Path] = field(default_factory=list)
    due: list[DueItem] = field(default_factory=list)


@dataclass
class Outcome:
    """How the app ended, for the CLI to print after the terminal is restored."""

    session_id: str | None = None
    path: Path | None = None
    status: str = "quit"  # complete | paused | quit
    export: Path | None = None


class CoachApp(App[Outcome]):
    """A calm conversation: one question at a time, every answer saved as it is given."""

    CSS_PATH = "coach.tcss"
    TITLE = "coach"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, setup: Setup) -> None:
        super().__init__()
        self.setup = setup
        self.session: Session | None = setup.resume
        self.outcome = Outcome()
        self._opening: Reply | None = None
        self._save_lock = threading.Lock()
        self._sequence = 0  # saves asked for
        self._written = 0  # the newest save on disk

    def on_mount(self) -> None:
        from coach.tui.screens.reflect import ReflectScreen

        # A closed terminal sends SIGHUP: save everything, the unsent draft included.
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, self._hang_up)

        setup = self.setup
        if self.session is not None:
            self.push_screen(ReflectScreen(self.session, resumed=True))
        elif len(setup.packs) == 1 and setup.name is not None and setup.unfinished is None:
            self.begin(setup.packs[0], setup.name)
        else:
            from coach.tui.screens.start import StartScreen

            self.push_screen(StartScreen(setup))

    def begin(self, pack_file: PackFile, name: str | None) -> None:
        """Start a new session and show its first question."""
        from coach.tui.screens.reflect import ReflectScreen

        session, opening = Session.begin(
            self.setup.store,
            pack_file,
            self.setup.clock,
            self.setup.rng,
            name=name or None,
            # Without a check-in, the first save follows the first question on screen; a
            # check-in can take a while, so the session (and its id) is saved first.
            save=bool(self.setup.due),
        )
        session.autosave = False
        self.session = session
        self._remember(session)  # its first save follows the first question on screen
        if self.setup.due:
            from coach.tui.screens.checkin import CheckinScreen

            self._opening = opening
            self.push_screen(CheckinScreen(self.setup.due))
            return
        self.push_screen(ReflectScreen(session, opening=opening))

    def checked_in(self, answers: list[tuple[DueItem, str]]) -> None:
        """Record the check-in in the old sessions and the new one, then start."""
        from coach.checkin import record
        from coach.tui.screens.reflect import ReflectScreen

        assert self.session is not None
        if answers:
            # The new session's file exists before the old ones are stamped with its id.
            self.save_now()
            try:
                records = record(
                    self.setup.store, answers, self.session.id, self.setup.clock().date()
                )
            except StoreError as exc:
                self.notify(
                    f"Could not update an earlier session: {exc}", severity="error", markup=False
                )
                records = []
            self.session.extra["checkin"] = records
            self.save_now()
        self.switch_screen(ReflectScreen(self.session, opening=self._opening))

    def resume(self, session: Session) -> None:
        from coach.tui.screens.reflect import ReflectScreen

        session.autosave = False
        self.session = session
        self._remember(session)
        self.push_screen(ReflectScreen(session, resumed=True))

    def _remember(self, session: Session) -> None:
        self.outcome.session_id = session.id
        self.outcome.path = session.path

    # -- saving ---------------------------------------------------------------------------

    def save_in_background(self) -> None:
        """Save the transcript from a worker: the document is built here, on the UI thread,
        where the dialogue lives; only the disk write runs in the thread."""
        if self.session is None:
            return
        doc = self.session.to_doc()
        self._sequence += 1
        number = self._sequence
        self.run_worker(
            lambda: self._write(doc, number), thread=True, group="save", exit_on_error=False
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A save that failed in its worker (a full disk, a folder gone) is said at once, not
        discovered at the end: what the leader typed stays in the app and is saved again with
        the next answer, or with Esc."""
        if event.worker.group == "save" and event.state == WorkerState.ERROR:
            self.notify(
                f"Could not save your answers: {event.worker.error}. Nothing is lost yet; "
                "coach tries again with your next answer.",
                severity="error",
                timeout=10,
                markup=False,
            )

    def _write(self, doc: dict[str, Any], number: int) -> None:
        """Write unless a newer save already has: the file never goes back in time."""
        assert self.session is not None
        with self._save_lock:
            if number <= self._written:
                return
            self.session.path = self.session.store.save(doc)
            self._written = number

    def save_now(self) -> None:
        """Save synchronously: before pausing, quitting, or when the terminal goes away.
        What the leader had typed but not sent is kept as the session's `draft`."""
        if self.session is None:
            return
        draft = getattr(self.screen, "draft", None)
        text = draft() if callable(draft) else None
        if text:
            self.session.extra["draft"] = text
        else:
            self.session.extra.pop("draft", None)
        with self._save_lock:
            self.session.save()
            self._sequence += 1
            self._written = self._sequence
        self.outcome.path = self.session.path

    def _hang_up(self, signum: int, frame: object) -> None:
        """The terminal is gone: there is no one to show anything to, so save and leave."""
        if self.session is not None and self.outcome.status != "complete":
            self.save_now()
        os._exit(0)

    # -- leaving --------------------------------------------------------------------------

    def pause(self) -> None:
        self.save_now()
        self.outcome.status = "paused"
        self.exit(self.outcome)

    async def action_quit(self) -> None:
        """Quit from anywhere (Ctrl+Q): everything is saved first, nothing is lost."""
        if self.session is not None and self.outcome.status != "complete":
            self.save_now()
            self.outcome.status = "paused"
        self.exit(self.outcome)

    def finish(self, export: Path | None) -> None:
        self.outcome.status = "complete"
        self.outcome.export = export
        self.exit(self.outcome)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        actions = getattr(screen, "PALETTE", ())
        for title, help_text, action in actions:
            yield SystemCommand(title, help_text, getattr(screen, f"action_{action}"))


def make_app(setup: Setup) -> CoachApp:
    """The one way the app is built, for the CLI and the tests alike."""
    return CoachApp(setup)
