"""Answer latency: from Enter to the next question fully drawn, for text, rating and choice
answers near turn 5 and near turn 60, against a bare Textual chat app doing the same.

    python bench/answer_latency.py [--quick]

Method: Textual's own frames under Pilot (headless, 100x32), not tmux. Every frame Textual
lays out ends with `Screen.screen_layout_refresh_signal`, published right after the
compositor has rendered the frame's strips (outside an `App.batch_update`, which coach ends
before the frame); a subscriber (immediate) looks at what that frame holds. Headless, the
rendered frame is not turned into escape codes nor written to a terminal: that last step,
and the terminal's own drawing, are left out on both sides alike (the issue's tmux figures
include them, which is why they are larger). The key is posted to the app as the terminal
driver would post it (`events.Key`), not with `pilot.press`, whose wait for the screen sends
a message to every widget and would bill the app for the size of its own DOM. Timed: wall
time (`perf_counter_ns`) and the process's CPU time from the key to the first frame in which
the answer's whole effect is drawn; after it, untimed, the app is let settle (`pilot.pause`,
saves written) before the next answer; the answer is typed (set on the control: the text, the
highlighted option), then the app waits as a leader would, the same on both sides: two
frames' time with nothing drawn, so Textual's frame timer is idle when the key comes, plus a
random fraction of a frame, so the key falls at a random point of the timer's 60 Hz grid
(`pause_like_a_leader`). The typing comes before the wait: set after it, its own repaint was
still pending when Enter came and drew a frame of its own first, which took the idle timer's
immediate slot and left the answer's frame to wait for a later one (10-25 ms), on both sides
but not for ratings, which type nothing. Each session starts from a collected, unfrozen heap
(`fresh_heap`). On a shared machine the wall time includes waiting for a core; the CPU time
does not, and is printed beside it.

"Fully drawn", for coach: in the same frame, the conversation's last line is the next
prompt's question, the log (which draws its rows itself, coach.tui.widgets.log) drew every
row its lines have, the newest at the bottom of its view (`shows_the_newest`), and
the prompt's control (of its kind, all its parts laid out, e.g. every box of a rating bar)
and its hint are shown. For the baseline: both new lines laid out. The clocks are read when
the frame's signal comes, before the condition is checked, so the check itself is billed to
neither side.

coach: whole sessions of a generated pack whose steps cycle free text, rating, choice (12
rounds, 36 answers, 2 turns each), answered by the app's own controls. "Turn" is the number of
turns in the conversation when Enter is pressed; answers at turns 3-9 count as "turn 5" and at
57-63 as "turn 60"; each window holds, per session, a rating, a choice, a free-text answer
and a second rating. The last answer opens the summary: timed to its first frame, to the
frame that shows its first action item and to the frame that shows every one (the pack
suggests an action for each rating of 3 or less, so a session has several).

Baseline: a bare Textual chat app, an `Input` under a `VerticalScroll` (anchored) of `Static`
lines, that adds two lines (the answer, the next question) on Enter; the same sessions' texts,
the same turn windows. Sessions alternate coach, baseline; 15 per side (3 with --quick).

Goals (issue 13): coach / baseline at most 1.2x in every cell; turn 60 no slower than turn 5
by more than 10%; the summary at most 200 ms after the last answer.
"""

from __future__ import annotations

import asyncio
import gc
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _common as c
from textual import events
from textual.app import App, ComposeResult
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from coach.catalog import find_pack
from coach.store import SessionStore
from coach.tui.app import Setup, make_app

SIZE = (100, 32)
FRAME = 1 / 60  # Textual's frame period (TEXTUAL_FPS, 60 by default)
ROUNDS = 12  # of free text, rating, choice
WINDOWS = {"turn 5": range(3, 10), "turn 60": range(57, 64)}
QUESTION = "Round {n}: what did your best leader do, on a real day, that you still do now?"
RATING = "Round {n}: how often do you do that with your own team?"
CHOICE = "Round {n}: which of these is closest to what you did?"
ANSWERS = c.CONCRETE


def latency_pack() -> str:
    """The pack: ROUNDS rounds of an ask, a rating and a choice; no probes, so every answer
    adds two turns, as in the baseline."""
    lines = [
        "pack: 1", "id: latency", "version: 1.0.0", "title: Answer latency", "language: en",
        "traits:",
        "  - {id: listening, title: Listening}",
        "  - {id: fairness, title: Fairness}",
        "sections:",
    ]  # fmt: skip
    for n in range(1, ROUNDS + 1):
        lines += [
            f"  - id: round{n}",
            "    steps:",
            f"      - {{id: ask{n}, kind: ask, text: '{QUESTION.format(n=n)}'}}",
            f"      - id: rate{n}",
            "        kind: rating",
            f"        text: '{RATING.format(n=n)}'",
            "        scale: {min: 1, max: 5, labels: {1: rarely, 3: about half the time,"
            " 5: always}}",
            "        suggest:",
            "          - if: {at_most: 3}",
            f"            text: 'Round {n}: do it once this week with one rep, then ask them.'",
            "            due: in 1 week",
            f"      - id: pick{n}",
            "        kind: choice",
            f"        text: '{CHOICE.format(n=n)}'",
            "        options: [Asked first, Showed how, Stood up for me, Knew me]",
        ]
    return "\n".join(lines) + "\n"


class Frames:
    """Waits for the first frame that satisfies a condition, from the layout signal."""

    def __init__(self) -> None:
        self.condition: Callable[[], bool] | None = None
        self.done = asyncio.Event()
        self.started = 0  # perf_counter_ns when the key was posted
        self.wall = 0
        self.cpu = 0
        self.screens: set[int] = set()

    def watch(self, app: App[Any], screen: Screen[Any]) -> None:
        """Look at every frame of `screen` (subscribed by the app: a screen not yet
        running, such as one being pushed, cannot subscribe itself)."""
        if id(screen) not in self.screens:
            self.screens.add(id(screen))
            screen.screen_layout_refresh_signal.subscribe(app, self._frame, immediate=True)

    def _frame(self, screen: Screen[Any]) -> None:
        # The clocks are read before the condition is checked, so that the check (heavier
        # for coach, which has more to look at) is billed to neither side.
        wall, cpu = time.perf_counter_ns(), time.process_time_ns()
        if self.condition is not None and not self.done.is_set() and self.condition():
            self.wall, self.cpu = wall, cpu
            self.done.set()

    async def until(
        self, app: App[Any], key: str, character: str | None, drawn: Callable[[], bool]
    ) -> tuple[int, int]:
        """Post `key`; (wall ns, CPU ns) until the first frame where `drawn()` holds."""
        self.watch(app, app.screen)
        self.done.clear()
        self.condition = drawn
        wall, cpu = time.perf_counter_ns(), time.process_time_ns()
        self.started = wall
        app.post_message(events.Key(key, character))
        await asyncio.wait_for(self.done.wait(), 30)
        self.condition = None
        return self.wall - wall, self.cpu - cpu


def laid_out(widget: Widget) -> bool:
    """In the frame just painted: placed by the compositor, with a size."""
    try:
        return bool(widget.region)
    except Exception:  # a widget not in the compositor map has no region
        return False


def every_item_drawn(screen: Any) -> bool:
    """The summary with a row, laid out, for each of its action items."""
    rows = list(screen.query(".action-row"))
    return len(rows) == len(screen.summary.action_items) and all(map(laid_out, rows))


def first_item_drawn(screen: Any) -> bool:
    """The summary's first action item laid out (or none to show)."""
    rows = list(screen.query(".action-row"))
    return not screen.summary.action_items or (bool(rows) and laid_out(rows[0]))


def text_of(widget: Widget) -> str:
    return str(widget.render())


async def pause_like_a_leader(jitter: random.Random) -> None:
    """Untimed, before each answer, the same on both sides: two frames' time with nothing
    drawn (a leader reads and types for seconds, so Textual's frame timer is idle when the
    key comes), then a random fraction of a frame, so the key falls at a random point of
    the timer's 60 Hz grid, as a real key does. Without it the key came at whatever point
    the settling before it (different on each side) happened to leave, and the wait for
    the next frame slot (0-33 ms) differed between the sides by method, not by app."""
    await asyncio.sleep(2 * FRAME + jitter.uniform(0, FRAME))


def fresh_heap() -> None:
    """Each session starts from the same heap: coach freezes what it keeps (`gc.freeze`),
    which would otherwise carry earlier sessions' objects, of either side, into the next."""
    gc.unfreeze()
    gc.collect()


Sample = tuple[str, str, int, int]  # window, kind, wall ns, CPU ns


async def coach_session(
    seed: int, folder: Path, pack_file: Any, summary: list[tuple[int, int, int, int]]
) -> list[Sample]:
    from coach.tui.widgets.answer_box import AnswerBox
    from coach.tui.widgets.rating import RatingBar
    from coach.tui.widgets.turns import CoachSaid

    setup = Setup(
        store=SessionStore(folder),
        packs=[pack_file],
        clock=c.clock,
        rng=random.Random(seed),
        name="Dana",
    )
    app = make_app(setup)
    rng, jitter = random.Random(seed), random.Random(-seed)
    frames = Frames()
    samples: list[Sample] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        while type(app.screen).__name__ == "ReflectScreen":
            screen: Any = app.screen
            prompt = screen.prompt
            turn = len(app.session.dialogue.log)  # type: ignore[union-attr]
            control = screen.control
            if isinstance(control, AnswerBox):
                control.text = rng.choice(ANSWERS)
                key, character, kind = "enter", "\r", "text"
            elif isinstance(control, RatingBar):
                value = str(rng.randint(1, 5))
                key, character, kind = value, value, "rating"
            else:
                control.highlighted = rng.randrange(len(prompt.options))
                key, character, kind = "enter", "\r", "choice"
            await pause_like_a_leader(jitter)  # after the typing, as a leader sees it
            last = turn + 2 >= 2 * 3 * ROUNDS + 1  # this answer ends the reflection

            def drawn(prompt: Any = prompt) -> bool:
                now: Any = app.screen
                if type(now).__name__ != "ReflectScreen" or now.prompt is prompt:
                    return False
                new = now.prompt
                log = now.conversation
                last = log.said[-1]
                control = now.control
                wanted = {"rating": "RatingBar", "choice": "ChoiceList"}.get(new.kind, "AnswerBox")
                return (
                    isinstance(last, CoachSaid)
                    and last.text == new.text
                    # drawn in this frame: every row, the newest at the bottom of the view
                    and log.shows_the_newest
                    and type(control).__name__ == wanted
                    and laid_out(control)
                    and all(laid_out(part) for part in control.children)
                    and text_of(now.query_one("#hint")) == now.hint
                )

            def summary_shown() -> bool:
                return type(app.screen).__name__ == "SummaryScreen"

            if last:
                # The summary replaces the screen: watch it from the moment it is switched to.
                original = app.switch_screen

                def switch(screen: Any, _original: Any = original) -> Any:
                    frames.watch(app, screen)
                    return _original(screen)

                app.switch_screen = switch  # type: ignore[method-assign]
                wall, _cpu = await frames.until(app, key, character, summary_shown)
                start, shown = frames.started, [wall]
                for condition in (first_item_drawn, every_item_drawn):
                    frames.done.clear()
                    frames.condition = lambda condition=condition: condition(app.screen)
                    frames._frame(app.screen)  # this frame may show it already
                    await asyncio.wait_for(frames.done.wait(), 30)
                    shown.append(frames.wall - start)
                items = len(app.screen.summary.action_items)  # type: ignore[attr-defined]
                summary.append((shown[0], shown[1], shown[2], items))
                break
            wall, cpu = await frames.until(app, key, character, drawn)
            for window, turns in WINDOWS.items():
                if turn in turns:
                    samples.append((window, kind, wall, cpu))
            await pilot.pause()
            await app.workers.wait_for_complete()
    return samples


class Chat(App[None]):
    """The baseline: a log of lines and an input; Enter adds the answer and a question."""

    CSS = "#log { height: 1fr; } Static { margin: 1 0 0 0; }"

    def __init__(self) -> None:
        super().__init__()
        self.round = 0

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="log"):
            yield Static("Welcome, Dana. This takes five minutes.")
            yield Static(QUESTION.format(n=1))
        yield Input(placeholder="Type your answer here")

    def on_mount(self) -> None:
        self.query_one("#log", VerticalScroll).anchor()
        self.query_one(Input).focus()

    def next_question(self) -> str:
        self.round += 1
        n, kind = self.round // 3 + 1, self.round % 3
        return [QUESTION, RATING, CHOICE][kind].format(n=n)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        log = self.query_one("#log", VerticalScroll)
        await log.mount_all([Static(event.value), Static(self.next_question())])
        event.input.clear()


async def chat_session(seed: int) -> list[Sample]:
    app = Chat()
    rng, jitter = random.Random(seed), random.Random(-seed)
    frames = Frames()
    samples: list[Sample] = []
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        box = app.query_one(Input)
        for answer in range(3 * ROUNDS - 1):
            turn = 2 + 2 * answer
            kind = ("text", "rating", "choice")[answer % 3]
            box.value = rng.choice(ANSWERS)
            await pause_like_a_leader(jitter)  # after the typing, as a leader sees it
            question = [QUESTION, RATING, CHOICE][(app.round + 1) % 3].format(
                n=(app.round + 1) // 3 + 1
            )

            def drawn(question: str = question) -> bool:
                lines = list(app.query_one("#log").children)
                return text_of(lines[-1]) == question and laid_out(lines[-1])

            wall, cpu = await frames.until(app, "enter", "\r", drawn)
            for window, turns in WINDOWS.items():
                if turn in turns:
                    samples.append((window, kind, wall, cpu))
            await pilot.pause()
    return samples


def main() -> None:
    quick = c.parse_args(__doc__ or "")
    sessions = 3 if quick else 15
    print(c.machine_line())
    print(f"terminal {SIZE[0]}x{SIZE[1]}, {sessions} sessions per side, {3 * ROUNDS} answers each")
    coach: dict[tuple[str, str], list[Sample]] = defaultdict(list)
    chat: dict[tuple[str, str], list[Sample]] = defaultdict(list)
    summary: list[tuple[int, int, int, int]] = []
    with tempfile.TemporaryDirectory(prefix="coach-latency-") as tmp:
        pack_path = Path(tmp) / "latency.yaml"
        pack_path.write_text(latency_pack(), encoding="utf-8")
        pack_file = find_pack(str(pack_path), [])
        # Imports, caches, the first of each control: untimed.
        asyncio.run(coach_session(0, Path(tmp) / "warm", pack_file, []))
        asyncio.run(chat_session(0))
        for i in range(sessions):
            sides = [("coach", coach), ("chat", chat)]
            for name, into in sides if i % 2 == 0 else sides[::-1]:
                fresh_heap()
                if name == "coach":
                    found = asyncio.run(
                        coach_session(100 + i, Path(tmp) / f"s{i}", pack_file, summary)
                    )
                else:
                    found = asyncio.run(chat_session(100 + i))
                for sample in found:
                    into[sample[0], sample[1]].append(sample)
    rows = []
    for window in WINDOWS:
        for kind in ("text", "rating", "choice"):
            base = [s[2] for s in chat[window, kind]]
            ours = [s[2] for s in coach[window, kind]]
            rows.append(c.stat_row(f"baseline chat app: {kind}, {window}", base, None))
            rows.append(c.stat_row(f"coach: {kind}, {window}", ours, c.median(base)))
    print("\nwall time, Enter to the next question fully drawn")
    print(c.table(rows, c.STAT_HEADER))
    cpu_rows = []
    for window in WINDOWS:
        for kind in ("text", "rating", "choice"):
            base = [s[3] for s in chat[window, kind]]
            ours = [s[3] for s in coach[window, kind]]
            cpu_rows.append(c.stat_row(f"baseline chat app: {kind}, {window}", base, None))
            cpu_rows.append(c.stat_row(f"coach: {kind}, {window}", ours, c.median(base)))
    print("\nCPU time over the same interval")
    print(c.table(cpu_rows, c.STAT_HEADER))
    print("\nturn 60 / turn 5, wall medians:")
    for side, found in (("coach", coach), ("baseline", chat)):
        parts = []
        for kind in ("text", "rating", "choice"):
            late = statistics.median(s[2] for s in found["turn 60", kind])
            early = statistics.median(s[2] for s in found["turn 5", kind])
            parts.append(f"{kind} {late / early:.2f}x")
        print(f"  {side}: " + ", ".join(parts))
    if summary:
        items = sorted(s[3] for s in summary)
        print(f"\nthe last answer to the summary (wall; {items[0]}-{items[-1]} action items):")
        rows = [
            c.stat_row("summary on screen", [s[0] for s in summary], None),
            c.stat_row("first action item drawn", [s[1] for s in summary], None),
            c.stat_row("every action item drawn", [s[2] for s in summary], None),
        ]
        print(c.table(rows, c.STAT_HEADER))
        print("goal: the summary on screen at most 200 ms after the last answer")
    print(f"\nload average at the end: {c.loadavg()}")


if __name__ == "__main__":
    sys.exit(main())
