"""Building a retro's board from its folder.

    python bench/retro.py [--quick]

A retro folder of 200 contributions (five ratings, a loyalty trait, five suggestions and a
proposed action each, the words drawn from a small vocabulary so that similar wording is
common and the grouping has work to do) and 600 votes in 200 voter files (three dots each),
written once through `RetroFolder` (untimed). Timed, interleaved round by round (the order
alternates every round):
  * baseline: a bare read of the same files: `os.listdir` of both subfolders, then every
    file's bytes parsed with PyYAML's `CSafeLoader` (libyaml), nothing checked.
  * `build_board(folder)`: the same reads and parses plus every check (`RetroFolder.read`),
    the thresholds, distributions, medians, the loyalty tally, suggestions merged and grouped
    by word overlap, the vote count; with the stock team pack's titles.
  * split, no disk: `board_from(snapshot)`, the pure part on files already read.
Goal: `build_board` median under 0.2 s.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from pathlib import Path

import _common as c
import yaml

from coach.retro.board import board_from, build_board
from coach.retro.files import Contribution, RetroFolder, Settings, Suggestion, VoteFile

TRAITS = (
    "inspirational_coach",
    "inspires_creativity",
    "builds_loyalty",
    "connects_with_team",
    "confident",
)
WORDS = (
    "ride",
    "along",
    "calls",
    "weekly",
    "lunch",
    "team",
    "forecast",
    "pipeline",
    "review",
    "celebrate",
    "wins",
    "ideas",
    "listen",
    "finance",
    "backing",
    "coaching",
    "feedback",
    "monthly",
    "pairing",
    "mentors",
    "playbook",
    "territory",
    "credit",
    "share",
)
VERBS = ("Start", "Stop", "Continue")


def make(root: Path, contributions: int, voters: int, rng: random.Random) -> RetroFolder:
    folder = RetroFolder(root / "bench", "bench")
    folder.write_settings(Settings("bench", team="north", date="2026-12-02"))
    for _ in range(contributions):
        folder.write_contribution(
            Contribution(
                "bench",
                ratings={t: rng.randint(1, 5) for t in TRAITS},
                loyalty=rng.choice(TRAITS),
                suggestions=tuple(
                    Suggestion(f"{rng.choice(VERBS)}: {' '.join(rng.sample(WORDS, 5))}", t)
                    for t in TRAITS
                ),
                actions=(Suggestion(" ".join(rng.sample(WORDS, 6))),),
            )
        )
    groups = build_board(folder).groups
    for _ in range(voters):
        folder.write_votes(VoteFile("bench", tuple(g.id for g in rng.sample(groups, 3))), None)
    return folder


def bare(folder: RetroFolder) -> int:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    n = 0
    for sub in (folder.contributions_dir, folder.votes_dir):
        for name in os.listdir(sub):
            with open(sub / name, "rb") as handle:
                yaml.load(handle.read(), Loader=loader)
            n += 1
    return n


def main() -> None:
    quick = c.parse_args(__doc__ or "")
    rounds = 5 if quick else 30
    rng = random.Random(12)
    root = Path(tempfile.mkdtemp(prefix="coach-bench-retro-"))
    try:
        folder = make(root, 200, 200, rng)
        snapshot = folder.read()
        assert (
            len(snapshot.contributions) == 200 and sum(len(v.votes) for v in snapshot.votes) == 600
        )
        titles = {t: t.replace("_", " ").capitalize() for t in TRAITS}
        base: list[float] = []
        full: list[float] = []
        pure: list[float] = []
        for i in range(rounds):
            steps = [
                (base, lambda: bare(folder)),
                (full, lambda: build_board(folder, titles)),
                (pure, lambda: board_from(snapshot, titles)),
            ]
            for samples, call in steps if i % 2 == 0 else reversed(steps):
                start = time.perf_counter_ns()
                call()
                samples.append(time.perf_counter_ns() - start)
        board = build_board(folder, titles)
        print(c.machine_line())
        print(f"200 contributions, 600 votes in 200 files; {len(board.groups)} groups on the board")
        b = c.median(base)
        print(
            c.table(
                [
                    c.stat_row("baseline: listdir + CSafeLoader of every file", base, None),
                    c.stat_row("build_board(folder)", full, b),
                    c.stat_row("board_from(snapshot) (no disk)", pure, b),
                ],
                c.STAT_HEADER,
            )
        )
        verdict = "met" if c.median(full) < 200_000_000 else "NOT met"
        print(f"goal: build_board median under 0.2 s: {verdict}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
