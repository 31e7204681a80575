"""Searching an archive: `coach list --search WORD` against reading every file.

    python bench/search.py [--quick]

An archive of 2,000 sessions from 40 leaders (500 from 10 with --quick) is made by
bench/make_archive.py: real sessions driven through the engine by the simulated leader
(`_common.Leader`), varied in names, dates, ratings and follow-through. Then, whole
processes, interleaved round by round:
  * baseline: `python -c` that loads every session file with libyaml's CSafeLoader and looks
    for the word in the leader's answers: what a search costs without an index (the parse
    is the floor of any index-free search).
  * `coach list --search WORD`, warm: the index is up to date; only the stat scan and the query.
  * `coach list --search WORD` after 10 sessions changed: those 10 are read again.
And in-process, once each (the cold build is expensive):
  * baseline: CSafeLoader load of every file.
  * a cold index build (`Index.refresh()` on a folder with no index).
Figures: median and p99 of each, and the ratio of the medians against its baseline.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, STAT_HEADER, machine_line, parse_args, stat_row, table
from make_archive import make_archive

from coach.store import yamlio
from coach.store.index import Index

WORD = "discovery"  # in many answers (make_archive gives each leader's reps new names)
SCAN = """
import sys, yaml, pathlib
hits = 0
for path in pathlib.Path(sys.argv[1]).glob("*.yaml"):
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    for turn in doc.get("turns") or []:
        if turn.get("role") == "leader" and sys.argv[2].casefold() in turn["text"].casefold():
            hits += 1
print(hits)
"""


def timed(args: list[str]) -> float:
    start = time.perf_counter_ns()
    subprocess.run(args, check=True, capture_output=True)
    return time.perf_counter_ns() - start


def main() -> None:
    quick = parse_args(__doc__ or "")
    count, rounds = (500, 5) if quick else (2000, 7)
    print(machine_line())
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "archive"
        folder.mkdir()
        make_archive(folder, count, max(1, count // 50))
        files = sorted(folder.glob("*.yaml"))
        print(
            f"archive: {len(files):,} sessions, {sum(f.stat().st_size for f in files) / 1e6:.1f} MB"
        )

        loads, builds = [], []
        for _ in range(1 if quick else 3):
            start = time.perf_counter_ns()
            for path in files:
                yamlio.load(path.read_text(encoding="utf-8"))
            loads.append(time.perf_counter_ns() - start)
            (folder / ".index.sqlite").unlink(missing_ok=True)
            start = time.perf_counter_ns()
            with Index(folder) as index:
                index.refresh()
            builds.append(time.perf_counter_ns() - start)

        env = {**os.environ, "COACH_SESSIONS_DIR": str(folder)}
        os.environ.update(env)
        coach = [sys.executable, "-m", "coach", "list", "--search", WORD]
        scan = [sys.executable, "-c", SCAN, str(folder), WORD]
        timed(coach)  # warm the index and the listing cache
        base, warm, changed = [], [], []
        for r in range(rounds):
            for which in ["base", "warm", "changed"] if r % 2 else ["changed", "warm", "base"]:
                if which == "base":
                    base.append(timed(scan))
                elif which == "warm":
                    warm.append(timed(coach))
                else:
                    for path in files[r * 10 : r * 10 + 10]:
                        os.utime(path)
                    changed.append(timed(coach))

    median_base = sorted(base)[len(base) // 2]
    median_load = sorted(loads)[len(loads) // 2]
    print(table([
        stat_row("baseline: load every file (CSafeLoader) and scan", base, None),
        stat_row("coach list --search, warm index", warm, median_base),
        stat_row("coach list --search, 10 files changed", changed, median_base),
    ], STAT_HEADER))  # fmt: skip
    print()
    print(table([
        stat_row("baseline: CSafeLoader load of every file", loads, None),
        stat_row("cold index build (Index.refresh)", builds, median_load),
    ], STAT_HEADER))  # fmt: skip


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
