"""The TUI's cost per answer: CPU from the key that sends an answer until the next question is
on screen and saved, against the same app with Textual's stock `Footer`.

    python bench/answer_turnaround.py [--quick]

What is timed: whole stock-pack sessions in the real app under Textual's headless Pilot
(100x32), answered by the seeded simulated leader of `_common.py`: free text is set in the
answer box, ratings typed as a digit on the rating bar, choices picked in the option list; then
the key that sends (`enter`, or the digit) is pressed. The figure is the process's CPU time
(`time.process_time_ns`, every thread, so the save's worker thread counts) from just before the
key until the app is idle again and every save has been written. CPU rather than wall time:
the headless driver waits on timers between frames, which is idle time, not cost.

Baseline: the same sessions, same answers, in the same app whose screens use Textual's stock
`Footer` instead of coach's `KeysFooter` (which rebuilds its keys only when they change); the
two sides alternate session by session. Split: answers after which the control stays (one
free-text question after another) and answers after which it is swapped (box -> rating bar,
rating bar -> box, -> option list).
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c
from textual.widgets import Footer

from coach.catalog import find_pack
from coach.store import SessionStore
from coach.tui import screens
from coach.tui.app import Setup, make_app
from coach.tui.screens import reflect
from coach.tui.widgets.answer_box import AnswerBox
from coach.tui.widgets.footer import KeysFooter
from coach.tui.widgets.rating import RatingBar

del screens  # imported so that `reflect` is the module the app uses


class StockFooter(Footer):
    """Textual's footer as it is; `follow` (which coach's screen awaits so that the keys are
    drawn with the question) does nothing, so the footer keeps Textual's own schedule."""

    async def follow(self) -> None:
        return None


async def session(seed: int, folder: Path, stock_footer: bool) -> list[tuple[str, int]]:
    """One whole session; (kept|swapped, CPU ns) for every answer."""
    reflect.KeysFooter = StockFooter if stock_footer else KeysFooter  # type: ignore[misc]
    store = SessionStore(folder)
    setup = Setup(
        store=store,
        packs=[find_pack("sales-leader", [])],
        clock=c.clock,
        rng=random.Random(seed),
        name="Dana",
    )
    app = make_app(setup)
    leader = c.Leader(seed)
    rng = random.Random(seed)
    samples: list[tuple[str, int]] = []
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        while type(app.screen).__name__ == "ReflectScreen":
            screen: Any = app.screen
            prompt = screen.prompt
            widget = screen.control
            if isinstance(widget, AnswerBox):
                widget.text = leader.answer(prompt)
                key = "enter"
            elif isinstance(widget, RatingBar):
                key = str(rng.randint(prompt.scale.min, prompt.scale.max))
            else:
                widget.highlighted = rng.randrange(len(prompt.options))
                key = "enter"
            before = type(widget)
            start = time.process_time_ns()
            await pilot.press(key)
            await pilot.pause()
            await app.workers.wait_for_complete()
            spent = time.process_time_ns() - start
            if type(app.screen).__name__ != "ReflectScreen":
                break  # the last answer opens the summary: a different cost, not counted
            after = type(app.screen.control)
            samples.append(("kept" if after is before else "swapped", spent))
    return samples


def main() -> None:
    quick = c.parse_args(__doc__ or "")
    rounds = 2 if quick else 6
    print(c.machine_line())
    results: dict[bool, list[tuple[str, int]]] = {True: [], False: []}
    with tempfile.TemporaryDirectory(prefix="coach-turnaround-") as tmp:
        asyncio.run(session(0, Path(tmp) / "warm", False))  # imports, caches: untimed
        for i in range(rounds):
            for stock in (i % 2 == 0, i % 2 == 1):
                folder = Path(tmp) / f"{i}-{stock}"
                results[stock] += asyncio.run(session(100 + i, folder, stock))
    rows = []
    for split in ("kept", "swapped", "all"):
        base = [ns for kind, ns in results[True] if split in (kind, "all")]
        ours = [ns for kind, ns in results[False] if split in (kind, "all")]
        rows.append(c.stat_row(f"baseline, stock Footer: {split}", base, None))
        rows.append(c.stat_row(f"coach, KeysFooter: {split}", ours, c.median(base)))
    print(c.table(rows, c.STAT_HEADER))


if __name__ == "__main__":
    sys.exit(main())
