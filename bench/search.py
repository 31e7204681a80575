"""Searching an archive: `coach list --search WORD` against reading every file.

    python bench/search.py [--quick]

An archive of 2,000 sessions (500 with --quick) is made by driving the engine over the stock
pack with the simulated leader (`_common.Leader`) for a few dozen sessions and copying them
under new ids and names. Then, whole processes, interleaved round by round:
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
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, STAT_HEADER, Leader, clock, machine_line, parse_args, stat_row, table

from coach.catalog import find_pack
from coach.session import Session
from coach.store import SessionStore, load_file, yamlio
from coach.store.index import Index

WORD = "Priya"
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


def make_archive(folder: Path, count: int) -> None:
    """A few real sessions, then copies under new ids, names and times."""
    store = SessionStore(folder / "seed")
    pack = find_pack("sales-leader", [])
    seeds = []
    for n in range(24):
        session, _ = Session.begin(store, pack, clock, random.Random(n), name=f"Leader {n}")
        leader = Leader(n)
        for _ in range(400):
            prompt = session.dialogue.current()
            if prompt is None or (n % 5 == 0 and session.dialogue.answered > 10):
                break
            session.answer(leader.answer(prompt))
        session.close()
        seeds.append(load_file(store.path_for(session.id)))
    rng = random.Random(7)
    for i in range(count):
        doc = dict(seeds[i % len(seeds)])
        day = 1 + i % 28
        doc["id"] = f"2026-{1 + i % 12:02d}-{day:02d}-{i % 24:02d}{i % 60:02d}-{i:04d}"
        doc["participant"] = {"name": f"Leader {rng.randrange(200)}"}
        (folder / f"{doc['id']}.yaml").write_text(yamlio.dump(doc), encoding="utf-8")
    shutil.rmtree(folder / "seed")


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
        make_archive(folder, count)
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
