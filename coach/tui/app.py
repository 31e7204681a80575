"""The reflection app. Built by `make_app` from the same parts the line mode uses, so tests run
exactly what a leader runs."""

from __future__ import annotations

import gc
import os
import signal
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from coach.store.errors import StoreError
from coach.tui.opening import Choices, Opening, OpeningScreen

# Only types here: the first screen (`coach.tui.opening`) is drawn before any of these
# modules is imported.
if TYPE_CHECKING:
    from coach.catalog import PackFile
    from coach.checkin import Answer
    from coach.engine import Reply
    from coach.session import Clock, Session
    from coach.store import SessionStore, SessionSummary
    from coach.transcript import ActionItem, Draft


WRITER_TIME = 0.003  # seconds: long enough for Textual's writer thread to write a frame


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
    # Where to keep the first screen of a new session for the next start (`coach.tui.opening`):
    # the cache folder and the opening's key, when this start could be drawn that way.
    first_screen: tuple[Path, Mapping[str, Any]] | None = None
    # The same for the start screen's choice of packs, when the start shows it.
    start_screen: tuple[Path, Mapping[str, Any]] | None = None

    @property
    def kept_in(self) -> Path | None:
        """The cache folder where first screens are kept, when this start keeps any."""
        kept = self.first_screen or self.start_screen
        return kept[0] if kept is not None else None


class CoachApp(App[None]):
    """A calm conversation: one question at a time, every answer saved as it is given."""

    CSS_PATH = "coach.tcss"
    TITLE = "coach"
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        setup: Setup | Callable[[], Setup],
        first: Opening | Choices | None = None,
        theme: str | None = None,
    ) -> None:
        """`setup` is decided before the app starts, or, when `first` is what to draw at once
        (`coach.tui.opening`: the opening, or the start screen's packs), a function that
        decides it after that first frame: what it raises (a pack gone bad, a folder that
        cannot be written) ends the app, and the CLI says it (`failure`)."""
        super().__init__()
        self._setup = setup if isinstance(setup, Setup) else None
        self._prepare = None if isinstance(setup, Setup) else setup
        self.first = first
        self.first_theme = theme
        # Keys pressed before the first real screen can take them (from the opening on).
        self._held: list[events.Key] | None = None
        self._first_frames = 0
        self._first_screen: Screen[Any] | None = None  # drawn from kept data, before setup
        self._pending: tuple[int, str | None] | None = None  # chosen before setup was done
        self.failure: Exception | None = None
        self.session: Session | None = self._setup.resume if self._setup else None
        self._opening: Reply | None = None
        self._save_lock = threading.Lock()
        self._sequence = 0  # saves asked for
        self._written = 0  # the newest save on disk

    @property
    def unsent(self) -> str:
        """What was typed on the opening and never reached a question: when the real start
        fails, the CLI gives it back rather than lose it."""
        kept = self._first_screen
        if self.failure is None or not isinstance(kept, OpeningScreen):
            return ""
        return kept.text

    @property
    def setup(self) -> Setup:
        assert self._setup is not None, "the app is not set up before its first frame"
        return self._setup

    def get_default_screen(self) -> Screen[Any]:
        """The first screen drawn from kept data is the app's own first screen, composed in
        Textual's start-up pass as any app's first widgets are, so its first frame is the
        whole of it; an app set up beforehand starts on Textual's empty screen."""
        if self._setup is not None:
            return super().get_default_screen()
        assert self.first is not None, "an app set up after its first frame draws one"
        self._use_theme(self.first_theme)
        if isinstance(self.first, Opening):
            self._held = []
            self._first_screen = OpeningScreen(self.first)
        else:
            from coach.tui.screens.start import StartScreen

            self._first_screen = StartScreen(self.first.packs)
        return self._first_screen

    def on_mount(self) -> None:
        # A closed terminal sends SIGHUP: save everything, the unsent draft included.
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, self._hang_up)
        if self._setup is None:
            self._first_frames = 2  # a first display, then a full one (post_display_hook)
            return
        self._start()

    def post_display_hook(self) -> None:
        """The real start begins once the whole opening is on the terminal, not merely laid
        out. The opening is the app's default screen, composed in Textual's start-up pass as
        any app's first widgets are; the first frame written still lacks the log's lines
        (anchored, the log finds its end in that frame's layout), so one full repaint
        follows it, and the start runs after that. Textual calls this after every display,
        those inside a batch too, which are not written; `_batch_count` (private, read only;
        Textual is pinned for it, and tests/test_tui_opening.py fails if it goes) tells
        them apart."""
        if self._first_frames <= 0 or self._batch_count or self.screen is not self._first_screen:
            return
        self._first_frames -= 1
        if self._first_frames:
            self.screen.refresh()
        else:
            # A moment idle first: Textual writes frames from a thread of its own, which
            # the start (parsing YAML in C, for one) would otherwise keep from writing this.
            self.set_timer(WRITER_TIME, self._set_up)

    def _set_up(self) -> None:
        assert self._prepare is not None
        try:
            self._setup = self._prepare()
        except Exception as exc:  # one sentence, said by the CLI once the terminal is back
            self.failure = exc
            self.exit(return_code=1)
            return
        self.session = self._setup.resume
        self._start()

    def _start(self) -> None:
        from coach.tui.screens.reflect import ReflectScreen

        # Everything built to show the first screen (Textual, the engine, the pack) lives as
        # long as the app: once it is drawn, the collector stops walking it at every full
        # collection, which otherwise lands inside an answer's frame now and then. The CLI
        # holds the collector until then (`coach.cli._collector_held`): it would only walk
        # the same objects while they are built.
        self.call_after_refresh(_settled)
        setup = self.setup
        self._use_theme(setup.store.preference("theme"))
        self._theme_ready = True
        if self.session is not None:
            self._open(ReflectScreen(self.session, resumed=True))
        elif len(setup.packs) == 1 and setup.name is not None and setup.unfinished is None:
            self.begin(setup.packs[0], setup.name)
        else:
            from coach.tui.screens.start import StartScreen

            packs = [(p.pack.id, p.pack.title) for p in setup.packs]
            self._open(StartScreen(packs, setup.unfinished, setup.name))
            if setup.start_screen is not None:
                from coach.tui.opening import remember_start

                cache, key = setup.start_screen
                choices = Choices(key, tuple(packs))
                self.run_worker(
                    lambda: remember_start(cache, choices), thread=True, exit_on_error=False
                )

    def _use_theme(self, theme: str | None) -> None:
        if theme in self.available_themes and theme != self.theme:
            self.theme = theme

    def _open(self, screen: Screen[Any]) -> None:
        """Show the first real screen: in place of the opening drawn before the engine, if
        there is one, with the keys pressed meanwhile given to the reflection in order; or
        keep the start screen drawn before it, when it offers the same."""
        from coach.tui.screens.start import StartScreen

        kept = self._first_screen
        if self.screen is kept and isinstance(kept, StartScreen):
            self._first_screen = None
            assert isinstance(screen, StartScreen)
            if screen.packs == kept.packs and screen.unfinished is None:
                if self._pending is not None:  # chosen while the packs were loading
                    self.chosen(*self._pending)
                return
            screen.leader = kept.typed_name or screen.leader  # what was typed stays
            self._instead(screen)
            return
        if not isinstance(self.screen, OpeningScreen):
            self.push_screen(screen)
            return
        self._instead(screen)
        from coach.tui.screens.reflect import ReflectScreen

        if isinstance(screen, ReflectScreen):
            screen.call_after_refresh(self._replay, screen)
        else:  # a check-in or the start screen: keys meant for a question are not for them
            self._held = None

    def _instead(self, screen: Screen[Any]) -> None:
        """Show `screen` in place of the current one. A first screen drawn from kept data is
        the app's default screen, which Textual cannot switch away from: the real one goes
        over it, and it stays below, out of sight, for as long as the app runs."""
        if len(self.screen_stack) > 1:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def _leave_start(self) -> None:
        """Take the start screen away before what it chose is shown (`_instead`)."""
        if len(self.screen_stack) > 1:
            self.pop_screen()

    def chosen(self, index: int, name: str | None) -> None:
        """The start screen's choice: a new reflection of pack `index`, under `name`."""
        if self._setup is None or self._first_screen is not None:
            self._pending = (index, name)  # done once the packs are loaded (`_open`)
            return
        self._pending = None
        self._leave_start()
        self.begin(self.setup.packs[index], name)

    def resume_unfinished(self) -> None:
        """The start screen's "Resume it": the unfinished session, if it can be opened."""
        from coach.session import Session, SessionError

        setup = self.setup
        unfinished = setup.unfinished
        if unfinished is None:
            return
        try:
            session = Session.resume(setup.store, unfinished.id, setup.clock, setup.pack_dirs)
        except (SessionError, StoreError) as exc:
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            return
        self._leave_start()
        self.resume(session)

    async def _replay(self, screen: Screen[Any], tries: int = 100) -> None:
        """Hand the held keys on once the reflection's control has the focus (Textual gives
        it a turn of the loop after the screen's mount), in the order they came."""
        from coach.tui.screens.reflect import ReflectScreen

        ready = isinstance(screen, ReflectScreen) and screen.takes_keys
        if not ready and tries and screen.is_attached:
            self.call_after_refresh(self._replay, screen, tries - 1)
            return
        from coach.tui.widgets.answer_box import AnswerBox

        held, self._held = self._held or [], None
        control = screen.control if ready and isinstance(screen, ReflectScreen) else None
        box = control if isinstance(control, AnswerBox) else None
        drawn = self.first if isinstance(self.first, Opening) else None
        if ready and drawn is not None and not _same(self._shown_opening(screen), drawn):
            # The leader answered a question that is not the one now asked (a pack edited
            # under the same size and time, a record planted or gone stale): what they typed
            # goes into the box, under the real question, but nothing is sent for them.
            held = [k for k in held if box is not None and _typing(k)]
        for key in held:
            # Text goes straight into the box, so that a key Textual acts on at once (Esc,
            # Ctrl+Q: priority bindings) finds it there, as it would have had it been typed
            # there; every other key is given as the terminal gives it, in order.
            if box is not None and key.is_printable and key.character:
                box.insert(key.character)
            elif box is not None and key.key == "backspace":
                box.action_delete_left()
            else:
                await self.on_event(events.Key(key.key, key.character))

    async def on_event(self, event: events.Event) -> None:
        """While the opening stands in for the reflection, keys are kept for it (and shown
        on the opening) rather than given to a screen that cannot take them yet."""
        if self._held is not None and isinstance(event, events.Key) and not event.is_forwarded:
            self._held.append(event)
            if isinstance(self.screen, OpeningScreen):
                self.screen.typed(event)
            return
        await super().on_event(event)

    def _remember_opening(self, screen: Screen[Any]) -> None:
        """Keep what this new session's first screen showed, for the next start to draw
        before the engine (`coach.tui.opening`): only a question answered in the box."""
        from coach.tui.opening import remember

        target = self.setup.first_screen
        opening = self._shown_opening(screen)
        if target is None or opening is None:
            return
        cache = target[0]
        self.run_worker(lambda: remember(cache, opening), thread=True, exit_on_error=False)

    def _shown_opening(self, screen: Screen[Any]) -> Opening | None:
        """What a new session's first screen shows, as an opening: None unless it is a
        question answered in the box."""
        from coach.tui.opening import captured
        from coach.tui.screens.reflect import ReflectScreen
        from coach.tui.widgets.answer_box import AnswerBox
        from coach.tui.widgets.turns import CoachSaid

        target = self.setup.first_screen
        if (
            target is None
            or not isinstance(screen, ReflectScreen)
            or screen.prompt is None
            or not isinstance(screen.control, AnswerBox)
        ):
            return None
        lines = [
            (said.text, said.followup)
            for said in screen.conversation.lines
            if isinstance(said, CoachSaid)
        ]
        pack = screen.session.dialogue.pack
        return captured(target[1], pack.title, screen.prompt.progress, lines, screen.hint)

    def watch_theme(self, theme: str) -> None:
        """A theme chosen in the palette stays chosen next time, after a resume too."""
        if getattr(self, "_theme_ready", False):
            self.setup.store.remember("theme", theme)

    def begin(self, pack_file: PackFile, name: str | None) -> None:
        """Start a new session (it takes its lock) and show the check-in or its first question."""
        from coach.session import Session
        from coach.tui.screens.reflect import ReflectScreen

        setup = self.setup
        try:
            # The first save follows the first question on screen; nothing is answered yet.
            session, opening = Session.begin(
                setup.store, pack_file, setup.clock, setup.rng, name=name or None, save=False
            )
        except StoreError as exc:
            if isinstance(self.screen, OpeningScreen):  # a question that cannot be answered
                self.failure = exc
                self.exit(return_code=1)
                return
            self.notify(str(exc), severity="error", timeout=10, markup=False)
            return
        session.autosave = False
        self.session = session
        plan = session.checkin_plan()
        if plan.questions:
            from coach.tui.screens.checkin import CheckinScreen

            self._opening = opening
            self._open(CheckinScreen(plan))
            return
        screen = ReflectScreen(session, opening=opening)
        self._open(screen)
        screen.call_after_refresh(self._remember_opening, screen)

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
        from coach.transcript import Draft

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


def _settled() -> None:
    """What start-up built is kept out of every collection from now on; collect again."""
    gc.freeze()
    gc.enable()


def _same(shown: Opening | None, drawn: Opening) -> bool:
    """Whether the real first screen asks what the opening drawn before it showed."""
    return shown is not None and replace(shown, key=drawn.key) == drawn


def _typing(key: events.Key) -> bool:
    """A key that edits the answer's text: a character, or Backspace."""
    return bool(key.is_printable and key.character) or key.key == "backspace"


def make_app(
    setup: Setup | Callable[[], Setup],
    first: Opening | Choices | None = None,
    theme: str | None = None,
) -> CoachApp:
    """The one way the app is built, for the CLI and the tests alike."""
    return CoachApp(setup, first, theme)
