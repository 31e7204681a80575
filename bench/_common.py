"""Shared helpers for the benchmarks: paths, percentiles, the table, and the leader simulator.

Nothing here is timed. Every script measures its own named baseline in the same run and
reports ratios, because the machine is shared and noisy: absolute figures move from run to
run, ratios much less.
"""

from __future__ import annotations

import math
import os
import platform
import random
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `python bench/x.py` from anywhere, installed or not
    sys.path.insert(0, str(ROOT))

STOCK_PACK = ROOT / "prompts" / "sales-leader.yaml"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # a Saturday, as in the tests


def clock() -> datetime:
    return NOW


# -- statistics ---------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of `values`: always one of the measured values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    """The usual median (the mean of the middle two for an even count)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def fmt_time(ns: float) -> str:
    """Nanoseconds as µs or ms, three significant figures."""
    if math.isnan(ns):
        return "-"
    if ns < 1_000_000:
        return f"{ns / 1_000:.1f} µs" if ns < 100_000 else f"{ns / 1_000:.0f} µs"
    return f"{ns / 1_000_000:.2f} ms" if ns < 100_000_000 else f"{ns / 1_000_000:.0f} ms"


def fmt_ratio(x: float) -> str:
    if math.isnan(x) or math.isinf(x):
        return "-"
    return f"{x:.2f}x" if x < 100 else f"{x:.0f}x"


def table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    """A plain text table, left-aligned first column, right-aligned numbers."""
    cols = [list(header), *[list(r) for r in rows]]
    widths = [max(len(r[i]) for r in cols) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        out = [cells[0].ljust(widths[0])]
        out += [c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)]
        return "  ".join(out).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def stat_row(what: str, samples_ns: Sequence[float], baseline_ns: float | None) -> list[str]:
    """what, n, median, p99, median ÷ baseline (blank for the baseline itself)."""
    med = median(samples_ns)
    ratio = "" if baseline_ns is None else fmt_ratio(med / baseline_ns)
    return [what, str(len(samples_ns)), fmt_time(med), fmt_time(percentile(samples_ns, 99)), ratio]


STAT_HEADER = ("what", "n", "median", "p99", "median / baseline")


def machine_line() -> str:
    return (
        f"python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} cpu(s) visible, load avg {loadavg()}"
    )


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on every platform
        return "n/a"


# -- a simulated leader -------------------------------------------------------------------
# Answers a real leader types, grouped by what they provoke. The mix is tuned so that whole
# sessions hit every path: probes for vague and hedged answers, the "tell" probes, the
# "nothing comes to mind" probes, rejected ratings and choices, commitments with and without
# a timeframe (the latter asks "by when?"), and the loyalty classification's confirmation.

VAGUE = ["ok", "maybe", "not sure", "I guess so", "dunno", "kind of", "yes", "fine", "hmm, maybe"]

CONCRETE = [
    "She rode along on my first three calls and handled the pricing part while I watched.",
    "He sat with me after a lost deal and we replayed the call line by line.",
    "My manager asked me how I planned to hit the quarter and then backed my plan with the VP.",
    "When finance held up my discount she went to bat for me and got it approved the same day.",
    "He took the whole team to lunch every month and knew every rep's kids by name.",
    "She celebrated my biggest win in front of the whole region and pushed me for promotion.",
    "Last Tuesday I joined Priya on a discovery call and ran the first ten minutes myself.",
    "I asked Sam for his plan for the Acme renewal before I said anything, and used his idea.",
    "I went to the CFO to get Luis the exception on payment terms he needed to close.",
    "I had coffee with Aisha on Thursday and we talked about her marathon training.",
    "When Jordan closed the biggest deal of the year I made sure the CEO heard it from me.",
    "We did a role play on objection handling before his call with the procurement team.",
    "She showed me how to run a mutual action plan with a customer, in front of the customer.",
    "He was open about being bad at forecasting and asked us to help him with it.",
    "I let the team design the territory plan and only set the number we had to reach.",
]

TELLS = [
    "I told them in the weekly meeting and sent a deck with the new talk track.",
    "I explained the process in an email and walked them through the slides.",
    "Honestly I gave them the playbook and told them to follow the script.",
    "I mostly back my top performers, my best reps get most of my time.",
    "No time lately, we've been swamped with the quarter end.",
    "I felt a bit threatened when she closed a deal bigger than my best one.",
]

NOTHING = [
    "I can't remember the last time, honestly.",
    "Not recently.",
    "Nothing comes to mind.",
    "It's been a while.",
]

HEDGED = [
    "Maybe I showed Dana how to open a call, I think, a few weeks ago.",
    "I guess I try to ask them for ideas, sort of, when I have time.",
    "Probably when I helped Kim with the legal team, not sure it counts.",
    "I suppose I could spend more time with them, if I get time.",
]

RATINGS = ["4", "3", "2", "5", "1", "three", "4/5", "2 out of 5", "3 - depends on the rep", "four"]
BAD_RATINGS = ["seven", "3 or 4", "10", "all the time"]

COMMIT_WITH_DATE = [
    "Ride along with Sam on his Acme call by Friday.",
    "Ask Priya for her plan for the Q1 target in our 1:1 next Monday.",
    "Book a no-agenda coffee with Luis in 2 weeks.",
    "Tell the VP about Jordan's renewal win by name before the end of the month.",
    "Run one live call while Aisha watches, on 12 December.",
    "Share my own forecasting weak spot in the team meeting next week.",
    "Join two discovery calls and lead one part myself by 2026-12-11.",
]

COMMIT_NO_DATE = [
    "Ride along with one rep and handle part of the call myself.",
    "I'll try to ask them more questions.",
    "Coach more.",
    "Ask Dana how she would hit her number and use what she says.",
    "Spend time with the new reps.",
    "Maybe take Kim for lunch.",
]

DUE = ["by Friday", "next week", "tomorrow", "in 3 days", "end of month", "soon", "12 Dec",
       "in two weeks", "by next Monday", "2026-12-18"]  # fmt: skip

LOYALTY = [
    "She went to battle for me with finance when my deal stalled, and stood by me.",
    "He showed me how to sell, on real calls, and his passion was contagious.",
    "She asked for my ideas and used them, and gave me credit in front of everyone.",
    "He knew me as a person, we had coffee every week and he asked about my family.",
    "She was never threatened by my success and pushed me toward a bigger job.",
    "Honestly, I'm not sure.",
]

CHOICES = ["1", "2", "3", "4", "5", "Builds loyalty", "conn", "Inspirational coach", "confident"]
BAD_CHOICES = ["all of them", "co", "9"]


class Leader:
    """Picks an answer for a prompt, from a seeded RNG: same seed, same session."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, pool: Sequence[str]) -> str:
        return self.rng.choice(pool)

    def answer(self, prompt: object) -> str:
        kind = prompt.kind  # type: ignore[attr-defined]
        stage = prompt.stage  # type: ignore[attr-defined]
        step = prompt.step  # type: ignore[attr-defined]
        r = self.rng.random()
        if stage == "due":
            return self.pick(DUE)
        if stage == "confirm" or kind == "choice":
            return self.pick(BAD_CHOICES) if r < 0.1 else self.pick(CHOICES)
        if stage == "probe":
            if r < 0.15:
                return self.pick(VAGUE)
            if r < 0.25:
                return self.pick(HEDGED)
            return self.pick(CONCRETE)
        if kind == "rating":
            return self.pick(BAD_RATINGS) if r < 0.1 else self.pick(RATINGS)
        if kind == "commit":
            return self.pick(COMMIT_WITH_DATE) if r < 0.5 else self.pick(COMMIT_NO_DATE)
        if step == "close_loyalty":
            return self.pick(VAGUE) if r < 0.15 else self.pick(LOYALTY)
        # free text: the recall and example questions
        if r < 0.25:
            return self.pick(VAGUE)
        if r < 0.35:
            return self.pick(HEDGED)
        if r < 0.45:
            return self.pick(TELLS)
        if r < 0.52:
            return self.pick(NOTHING)
        return self.pick(CONCRETE)

    def wants_skip(self, prompt: object) -> bool:
        """Now and then a leader passes on an optional question (about 1 in 25)."""
        return bool(prompt.can_skip) and self.rng.random() < 0.04  # type: ignore[attr-defined]


def parse_args(description: str) -> bool:
    """`--quick` for a short smoke run; returns whether it was given."""
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a short run, for a smoke check")
    return parser.parse_args().quick
