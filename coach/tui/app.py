"""The reflection app. Built by `make_app` from the same parts the line mode uses, so tests run
exactly what a leader runs."""

from __future__ import annotations

import gc
import os
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from coach.catalog import PackFile
from coach.checkin import Answer
from coach.engine import Reply
from coach.session import Clock, Session
from coach.store import SessionStore, SessionSummary, StoreError
from coach.transcript import ActionItem, Draft


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


class CoachApp(App[None]):
    """A calm conversation: one question at a time, every answer saved as it is given."""

    CSS_PATH = "coach.tcss"
    TITLE = "coach"
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, setup: Setup) -> None:
        super().__init__()
        self.setup = setup
        self.session: Session | None = setup.resume
        self._opening: Reply | None = None
        self._save_lock = threading.Lock()
        self._sequence = 0  # saves asked for
        self._written = 0  # the newest save on disk

    def on_mount(self) -> None:
        from coach.tui.screens.reflect import ReflectScreen

        # A closed terminal sends SIGHUP: save everything, the unsent draft included.
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, self._hang_up)

        # Everything built to show the first screen (Textual, the engine, the pack) lives as
        # long as the app: once it is drawn, the collector stops walking it at every full
        # collection, which otherwise lands inside an answer's frame now and then.
        self.call_after_refresh(gc.freeze)
        setup = self.setup
        theme = setup.store.preference("theme")
        if theme in self.available_themes and theme != self.theme:
            self.theme = theme
        self._theme_ready = True
        if self.session is not None:
            self.push_screen(ReflectScreen(self.session, resumed=True))
        elif len(setup.packs) == 1 and setup.name is not None and setup.unfinished is None:
            self.begin(setup.packs[0], setup.name)
        else:
            from coach.tui.screens.start import StartScreen

            self.push_screen(StartScreen(setup))

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the palette stays chosen next time, after a resume too."""
        if getattr(self, "_theme_ready", False):
            self.setup.store.remember("theme", theme)

    def begin(self, pack_file: PackFile, name: str | None) -> None:
        """Start a new session (it takes its lock) and show the check-in or its first question."""
        from coach.tui.screens.reflect import ReflectScreen

        setup = self.setup
        try:
            # The first save follows the first question on screen; nothing is answered yet.
            session, opening = Session.begin(
                setup.store, pack_file, setup.clock, setup.rng, name=name or None, save=False
            )
        except StoreError as exc:
            self.notify(str(exc), severity="error", timeout=10, markup=False)
            return
        session.autosave = False
        self.session = session
        plan = session.checkin_plan()
        if plan.questions:
            from coach.tui.screens.checkin import CheckinScreen

            self._opening = opening
            self.push_screen(CheckinScreen(plan))
            return
        self.push_screen(ReflectScreen(session, opening=opening))

    def checked_in(self, answers: list[Answer]) -> None:
        """Record the check-in in the old sessions and the new one, then start."""
        from coach.tui.screens.reflect import ReflectScreen

        session = self.session
        assert session is not None
        self.record_checkin(answers)
        self.switch_screen(ReflectScreen(session, opening=self._opening))

    def resume(self, session: Session) -> None:
        from coach.tui.screens.reflect import ReflectScreen

        session.autosave = False
        self.session = session
        self.push_screen(ReflectScreen(session, resumed=True))

    # -- saving ---------------------------------------------------------------------------

    def save_in_background(self) -> None:
        """Save the transcript from a worker: the document is built here, on the UI thread,
        where the dialogue lives; only the disk write runs in the thread."""
        if self.session is None or self.session.ending is not None:
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

    def _draft(self) -> Draft | None:
        """What the leader had typed but not sent, kept as the session's draft."""
        draft = getattr(self.screen, "draft", None)
        found = draft() if callable(draft) else None
        if not found:
            return None
        return Draft(str(found["step"]), str(found["stage"]), str(found["text"]))

    def save_finished(self) -> None:
        """Save the finished conversation (its last answer, no draft) once the summary is
        drawn, from a worker as every answer is: the disk's fsync, slow on a busy machine,
        no longer holds the summary's action items back. Its number makes any save still
        queued stale, and Save and finish writes synchronously after it (`_write`)."""
        if self.session is None:
            return
        self.session.draft = self._draft()
        self.save_in_background()

    def _synchronously(self, write: Callable[[], object]) -> None:
        """Write now, on this thread, and make every save still queued in a worker stale:
        the file never goes back in time, nor comes back after a pause discarded it."""
        with self._save_lock:
            write()
            self._sequence += 1
            self._written = self._sequence

    def _hang_up(self, signum: int, frame: object) -> None:
        """The terminal is gone: there is no one to show anything to, so keep everything the
        screen holds (a check-in half answered, the summary's edits, a draft) and leave."""
        session = self.session
        if session is not None and session.ending is None:
            keep = getattr(self.screen, "keep", None)
            if callable(keep):
                keep()
            if session.ending is None:
                draft = self._draft()
                self._synchronously(lambda: session.pause(draft))
        os._exit(0)

    def record_checkin(self, answers: list[Answer]) -> None:
        """The check-in answers given so far, in this session and the earlier ones."""
        session = self.session
        assert session is not None
        try:
            self._synchronously(lambda: session.check_in(answers))
        except StoreError as exc:
            self.notify(
                f"Could not update an earlier session: {exc}", severity="error", markup=False
            )

    # -- leaving --------------------------------------------------------------------------

    def pause(self) -> None:
        """Save everything (the unsent draft too) and leave; the CLI says how to resume."""
        session = self.session
        if session is not None and session.ending is None:
            draft = self._draft()
            try:
                self._synchronously(lambda: session.pause(draft))
            except StoreError as exc:
                self.notify(
                    f"Could not save: {exc}. Nothing is lost yet: fix it and try again.",
                    severity="error", timeout=10, markup=False,
                )  # fmt: skip
                return
        self.exit()

    async def action_quit(self) -> None:
        """Quit from anywhere (Ctrl+Q): everything is saved first, nothing is lost. A screen
        holding edits of its own (the summary) says how to leave with them."""
        leave = getattr(self.screen, "leave", None)
        if callable(leave):
            leave()
            return
        self.pause()

    def finish(self, items: list[ActionItem] | None) -> bool:
        """Make the action items final, write the Markdown copy and leave.

        Returns:
            False when it could not be saved (said on screen; the app stays open).
        """
        session = self.session
        assert session is not None
        try:
            self._synchronously(lambda: session.finish(items))
        except StoreError as exc:
            self.notify(f"Could not save: {exc}", severity="error", timeout=10, markup=False)
            return False
        self.exit()
        return True

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        actions = getattr(screen, "PALETTE", ())
        for title, help_text, action in actions:
            yield SystemCommand(title, help_text, getattr(screen, f"action_{action}"))


def make_app(setup: Setup) -> CoachApp:
    """The one way the app is built, for the CLI and the tests alike."""
    return CoachApp(setup)
