"""Rejected lines in line mode: does the cost grow with the lines, or with their square?

    python bench/rejected_lines.py [--quick]

A leader (or a script) who keeps typing what a rating cannot take ("seven") gets a retry each
time, and every line is kept in the transcript. Issue 9 measured 1,000 such lines at 6.4 s and
4,000 at 57 s: each save rewrote, and re-serialised, the whole ever longer conversation.

Part 1, the whole command. `python -m coach reflect --plain --pack sales-leader` in a fresh
process with a fresh sessions folder, fed `:skip`, then N lines of `seven` (the first two are
taken as an answer and its follow-up, the rest are rejected by the rating), then end of input
(which pauses and saves). Timed: the whole process, start to exit, for N = 400 and N = 4,000
(100 and 1,000 with --quick), 3 runs each (2 with --quick), alternating. The pack cache is
warmed by one untimed run first. Reported: the median per N of the wall time and of the
process's CPU time (user + system, from `getrusage` of the child), and the ratios of the
medians. Goal (issue 9): 4,000 lines take at most ~10x the time of 400, i.e. linear cost.
Every line is an fsync, so the wall time follows the shared disk's latency, which moves by
several times while other work runs; the CPU ratio is the steadier one to quote.

Part 2, the split, in-process: the same lines through `coach.session.Session` on the stock
pack, timing separately `Session.to_doc()` (building the transcript dict, session.py and
transcript.py) and `SessionStore.save(doc)` (serialising and writing, coach/store), in CPU
time (`time.process_time`, so disk waits are left out), summed over all lines; same N, same
runs. The ratio of each part says which room still grows with the square of the turns.
"""

from __future__ import annotations

import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import _common as c

from coach.catalog import find_pack
from coach.session import Session
from coach.store import SessionStore, load_file

NOW = "2026-11-28T09:00:00+00:00"


def feed(n: int) -> bytes:
    return (":skip\n" + "seven\n" * n).encode()


def rejected(folder: Path) -> int:
    """How many lines of the saved session were rejected (untimed, to check the scenario)."""
    (path,) = folder.glob("*.yaml")
    doc = load_file(path)
    return sum(1 for t in doc["turns"] if t.get("kind") == "rejected")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def whole_command(n: int, workdir: Path, run: int, env: dict[str, str]) -> tuple[float, float, int]:
    """Wall and CPU seconds for one `coach reflect --plain` fed n lines, and the lines it
    rejected."""
    sessions = workdir / f"s-{n}-{run}"
    cmd = [sys.executable, "-m", "coach", "reflect", "--plain", "--pack", "sales-leader"]
    cmd += ["--name", "Dana", "--sessions", str(sessions)]
    cpu = _children_cpu()
    start = time.perf_counter_ns()
    done = subprocess.run(cmd, input=feed(n), capture_output=True, env=env, cwd=c.ROOT)
    elapsed = time.perf_counter_ns() - start
    cpu = _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"coach failed ({done.returncode}): {done.stderr.decode()[-500:]}")
    return elapsed / 1e9, cpu, rejected(sessions)


class TimedStore(SessionStore):
    """A store that adds up the time spent in `save`."""

    spent = 0

    def save(self, doc: Any) -> Path:
        start = time.process_time_ns()
        try:
            return super().save(doc)
        finally:
            self.spent += time.process_time_ns() - start


def split(n: int, workdir: Path, run: int) -> tuple[float, float, float]:
    """CPU seconds in all answers, in `Session.to_doc`, and in `SessionStore.save`, for n
    lines."""
    store = TimedStore(workdir / f"p-{n}-{run}")
    pack_file = find_pack("sales-leader", [])
    frozen = c.NOW
    session, _ = Session.begin(store, pack_file, lambda: frozen, random.Random(run), "Dana")
    in_to_doc = 0
    real_to_doc = session.to_doc

    def to_doc() -> dict[str, Any]:
        nonlocal in_to_doc
        start = time.process_time_ns()
        try:
            return real_to_doc()
        finally:
            in_to_doc += time.process_time_ns() - start

    session.to_doc = to_doc  # type: ignore[method-assign]
    start = time.process_time_ns()
    session.skip()
    for _ in range(n):
        session.answer("seven")
    total = time.process_time_ns() - start
    session.pause()
    return total / 1e9, in_to_doc / 1e9, store.spent / 1e9


def main() -> None:
    quick = c.parse_args(__doc__ or "")
    small, large = (100, 1000) if quick else (400, 4000)
    runs = 2 if quick else 3
    print(c.machine_line())
    with tempfile.TemporaryDirectory(prefix="coach-bench-") as tmp:
        workdir = Path(tmp)
        env = {**os.environ, "COACH_NOW": NOW, "COACH_CACHE_DIR": str(workdir / "cache")}
        env.pop("COACH_SESSIONS_DIR", None)
        env.pop("COACH_PACKS_DIR", None)
        os.environ["COACH_CACHE_DIR"] = env["COACH_CACHE_DIR"]
        whole_command(3, workdir, -1, env)  # warms the pack cache
        times: dict[int, list[float]] = {small: [], large: []}
        cpus: dict[int, list[float]] = {small: [], large: []}
        counted: dict[int, int] = {}
        parts: dict[int, list[tuple[float, float, float]]] = {small: [], large: []}
        for run in range(runs):
            for n in (small, large) if run % 2 == 0 else (large, small):
                seconds, cpu, count = whole_command(n, workdir, run, env)
                times[n].append(seconds)
                cpus[n].append(cpu)
                counted[n] = count
                parts[n].append(split(n, workdir, run))
        rows = []
        for n in (small, large):
            med, cpu = c.median(times[n]), c.median(cpus[n])
            rows.append(
                [
                    f"coach reflect --plain, {n:,} lines ({counted[n]:,} rejected)",
                    str(len(times[n])),
                    f"{med:.2f} s",
                    f"{med / n * 1000:.2f} ms",
                    f"{cpu:.2f} s",
                ]
            )
        print()
        print(c.table(rows, ("what", "runs", "median wall", "per line", "median CPU")))
        for what, samples in (("wall", times), ("CPU", cpus)):
            ratio = c.median(samples[large]) / c.median(samples[small])
            goal = "met" if ratio <= 10 * 1.1 else "NOT met"
            print(f"{what} ratio {large:,} / {small:,} lines: {ratio:.2f}x (goal ~10x: {goal})")

        print("\nsplit, in-process (CPU seconds summed over all lines; median of the runs):")
        rows = []
        for label, index in (("all answers", 0), ("Session.to_doc", 1), ("SessionStore.save", 2)):
            small_med = c.median([p[index] for p in parts[small]])
            large_med = c.median([p[index] for p in parts[large]])
            ratio_text = c.fmt_ratio(large_med / small_med)
            rows.append([label, f"{small_med:.2f} s", f"{large_med:.2f} s", ratio_text])
        print(c.table(rows, ("part", f"{small:,} lines", f"{large:,} lines", "ratio")))


if __name__ == "__main__":
    main()
