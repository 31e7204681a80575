"""`coach review` over 10,000 sessions: from `exec` to the first rows on screen, and peak RSS,
against named baselines measured in the same run; then `coach list --search` against jrnl.

    python bench/review_start.py [--quick] [--archive DIR] [--no-jrnl]

The archive is `bench/make_archive.py`'s (10,000 sessions from 200 leaders; 2,000 from 40 with
--quick), made in a temp folder unless `--archive` names one.

Method: each side is a whole process started in a pseudo-terminal of 100x32 (as
bench/startup.py does, the way tmux would run it), timed until its output holds a marker:
for the review sides and the table baseline, the first row of the table (the newest
session's date and leader, as the table draws them); for the reflection, the stock pack's
first question. Peak RSS is `VmHWM` of the process when the marker appears.
  * baseline: a bare Textual `DataTable` app with the same 10,000 rows (the same cells, read
    from a JSON list): what drawing the table costs in Textual alone.
  * baseline: `coach reflect` to its first question (the issue's goal: review's warm start at
    most 1.5x this).
  * `coach review`, warm: the index is up to date. The first rows are the newest sessions,
    queried from the index before the first frame; the refresh (stat of every file, the
    changed ones read, every session listed) runs after that frame.
  * `coach review`, 10 files changed since (touched, as a sync would): the first rows come
    as warm; those files are read again by the refresh after them.
  * `coach review`, warm, to the whole listing: until the status line says the whole count
    ("10,000 sessions"), i.e. the refresh done and the table drawn again from every session.
  * with --cold, `coach review` with no index, once: every file read (the progress bar
    shown), then the rows.
Sides run interleaved, the order rotating each round, after one untimed warm-up each.

In-process, twice each: `Archive.refresh` + `entries` from a warm index, against the previous
`coach/archive.py` (read from git at the commit before the index took over), which read
every header from the store's listing and parsed it. Then `Index.refresh()` after 10 files
changed (touched; the goal: under 0.3 s), against `Index.refresh()` with nothing changed (the
stat scan alone), 5 each. With --cold or --build-only, once each: a bare `CSafeLoader` load of
every file (the parse is the floor of a build) against a cold `Index.refresh()` (the index
deleted first); --build-only runs only the in-process figures.

jrnl: if jrnl runs from `$JRNL` (default: `/tmp/jrnl-venv/bin/jrnl`; a throwaway venv, never a
coach dependency), a 10,000-entry journal is written from the same answers (one entry per
session: its date, the leader's answers as the body) and, whole processes in turn,
`jrnl --config-file CFG -contains WORD` is timed against `coach list --search WORD`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import _common as c
from make_archive import make_archive
from startup import COACH_MARKER, DEADLINE, _env, _text

from coach.archive import Archive

WORD = "discovery"  # a word of many answers (make_archive replaces the reps' names)
OLD_ARCHIVE_COMMIT = "a0b6714"  # the last commit whose Archive read every header

TABLE_APP = """
import json, sys
from textual.app import App
from textual.widgets import DataTable, Footer


class Table(App[None]):
    def compose(self):
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self):
        rows = json.loads(open(sys.argv[1], encoding="utf-8").read())
        table = self.query_one(DataTable)
        table.add_columns("Date", "Leader", "Status", "Ratings", "Loyalty", "Open", "Late")
        table.add_rows(rows)


Table().run()
"""


def run_once(
    argv: list[str], marker: str, env: dict[str, str], deadline: float = 4 * DEADLINE
) -> tuple[float, int]:
    """Seconds from start until `marker` is on the terminal, and peak RSS (kB) then."""
    import errno
    import fcntl
    import select
    import signal
    import struct
    import termios

    from startup import COLUMNS, LINES

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv, stdin=slave, stdout=slave, stderr=slave, env=env,
        start_new_session=True, close_fds=True,
    )  # fmt: skip
    os.close(slave)
    seen = b""
    try:
        while True:
            left = deadline - (time.perf_counter() - started)
            if left <= 0:
                raise RuntimeError(f"{marker!r} did not appear: {_text(seen)[-400:]!r}")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError as exc:
                if exc.errno != errno.EIO:
                    raise
                chunk = b""
            if not chunk:
                raise RuntimeError(f"exited before {marker!r}: {_text(seen)[-400:]!r}")
            seen += chunk
            if marker in _text(seen[-40000:]):
                elapsed = time.perf_counter() - started
                with open(f"/proc/{proc.pid}/status", encoding="ascii") as status:
                    peak = next(int(x.split()[1]) for x in status if x.startswith("VmHWM:"))
                return elapsed, peak
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)


def rows_and_marker(folder: Path) -> tuple[list[list[str]], str]:
    """The table's cells as coach draws them (in its order), and the first row's marker."""
    from coach.archive import Archive
    from coach.tui.review.charts import spark

    archive = Archive([folder])
    today = c.NOW.date()
    rows = []
    for e in archive.entries:  # newest first, as the table opens
        s = e.summary
        late = len(e.late(today))
        rows.append([
            e.started.isoformat() if e.started else "?", e.leader,
            "complete" if e.complete else f"{s.answered} of {s.steps}",
            spark([r for _, _, r in e.ratings()]), e.loyalty_title,
            str(s.open_actions), str(late) if late else "",
        ])  # fmt: skip
    archive.close()
    first = archive.entries[0]
    return rows, f"{rows[0][0]} {first.leader}"


def old_archive() -> ModuleType | None:
    """The Archive as it was before it read from the index, from git; None without git."""
    try:
        source = subprocess.run(
            ["git", "show", f"{OLD_ARCHIVE_COMMIT}:coach/archive.py"],
            cwd=c.ROOT, check=True, capture_output=True, text=True,
        ).stdout  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return None
    module = ModuleType("old_archive")
    sys.modules["old_archive"] = module  # its dataclasses look their module up
    exec(compile(source, "old_archive.py", "exec"), module.__dict__)  # our own code, from git
    return module


def in_process(folder: Path) -> None:
    from coach.archive import Archive

    new, old = [], []
    module = old_archive()
    Archive([folder]).refresh()  # untimed: the whole-process sides leave files unread
    for _ in range(2):
        start = time.perf_counter_ns()
        archive = Archive([folder])
        archive.refresh()
        assert archive.entries
        new.append(time.perf_counter_ns() - start)
        archive.close()
        if module is not None:
            start = time.perf_counter_ns()
            assert module.Archive([folder]).entries
            old.append(time.perf_counter_ns() - start)
    if not old:
        print("(no git: the previous Archive could not be measured)")
        print(c.table([c.stat_row("Archive from the warm index", new, None)], c.STAT_HEADER))
        return
    print(c.table([
        c.stat_row(f"baseline: the Archive of {OLD_ARCHIVE_COMMIT} (headers)", old, None),
        c.stat_row("Archive.refresh + entries, warm index", new, c.median(old)),
    ], c.STAT_HEADER))  # fmt: skip


def update_and_build(folder: Path, cold: bool) -> None:
    """`Index.refresh()` after 10 changed files against one with nothing changed; with `cold`,
    a cold build against a bare CSafeLoader load of the same files."""
    import yaml

    from coach.store.index import Index

    files = sorted(folder.glob("*.yaml"))
    index = Index(folder)
    index.refresh()
    same, changed = [], []
    half = len(files) // 2  # not the files the whole-process side touches
    for at in range(5):
        start = time.perf_counter_ns()
        index.refresh()
        same.append(time.perf_counter_ns() - start)
        for path in files[half + at * 10 : half + at * 10 + 10]:
            os.utime(path)
        start = time.perf_counter_ns()
        assert index.refresh() == 10
        changed.append(time.perf_counter_ns() - start)
    rows = [
        c.stat_row("baseline: Index.refresh(), nothing changed", same, None),
        c.stat_row("Index.refresh(), 10 files changed", changed, c.median(same)),
    ]
    if cold:
        start = time.perf_counter_ns()
        for path in files:
            yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
        parse = time.perf_counter_ns() - start
        index.close()
        (folder / ".index.sqlite").unlink()
        start = time.perf_counter_ns()
        built = Index(folder).refresh()
        build = time.perf_counter_ns() - start
        assert built == len(files)
        rows.append(
            c.stat_row(f"baseline: CSafeLoader load of {len(files):,} files", [parse], None)
        )
        rows.append(c.stat_row("cold Index.refresh() (no index)", [build], parse))
    index.close()
    print(c.table(rows, c.STAT_HEADER))


def journal(folder: Path, work: Path) -> Path:
    """A jrnl journal of one entry per session (its start, the leader's answers), written from
    the index's tables (the same text the search looks in), and its config."""
    import sqlite3
    from collections import defaultdict

    db = sqlite3.connect(folder / ".index.sqlite")
    answers: dict[str, list[str]] = defaultdict(list)
    for session, text in db.execute("SELECT session, text FROM answers ORDER BY session, n"):
        answers[session].append(" ".join(text.split()))
    lines = []
    for session, started, name in db.execute(
        "SELECT id, started_at, participant FROM sessions ORDER BY started_at"
    ):
        when = started[:16].replace("T", " ")
        body = "\n".join(answers[session])
        lines.append(f"[{when}] Reflection with {name}.\n{body}\n")
    db.close()
    text = work / "journal.txt"
    text.write_text("\n".join(lines), encoding="utf-8")
    config = work / "jrnl.yaml"
    import yaml

    config.write_text(yaml.safe_dump({  # YAML: a JSON config is jrnl 1's, and it asks to upgrade
        "colors": {"body": "none", "date": "none", "tags": "none", "title": "none"},
        "default_hour": 9, "default_minute": 0, "editor": "", "encrypt": False,
        "highlight": False, "indent_character": "|",
        "journals": {"default": {"journal": str(text)}},
        "linewrap": 79, "tagsymbols": "#@", "template": False, "timeformat": "%Y-%m-%d %H:%M",
        "version": "v4.6",
    }), encoding="utf-8")  # fmt: skip
    return config


def timed(argv: list[str], env: dict[str, str]) -> int:
    start = time.perf_counter_ns()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    took = time.perf_counter_ns() - start
    if done.returncode not in (0, 1):  # jrnl exits 1 when... it should not; coach 0
        raise RuntimeError(f"{argv[:3]} failed: {done.stderr[-400:]}")
    return took


def versus_jrnl(folder: Path, work: Path, rounds: int) -> None:
    jrnl = os.environ.get("JRNL", "/tmp/jrnl-venv/bin/jrnl")
    if not shutil.which(jrnl):
        print(f"jrnl: not run ({jrnl} is not there; see the docstring)")
        return
    config = journal(folder, work)
    env = {**os.environ, "COACH_SESSIONS_DIR": str(folder), "NO_COLOR": "1"}
    env.pop("COACH_ARCHIVE_DIRS", None)
    coach = [sys.executable, "-m", "coach", "list", "--search", WORD]
    theirs = [jrnl, "--config-file", str(config), "-contains", WORD, "--short"]
    check = subprocess.run(theirs, env=env, capture_output=True, text=True)
    found = len(check.stdout.splitlines())
    if not found:
        raise RuntimeError(f"jrnl found nothing: {check.stderr[-600:]}")
    print(f"jrnl: {found:,} entries hold {WORD!r}; journal {config.parent / 'journal.txt'}")
    timed(coach, env)
    ours, base = [], []
    for r in range(rounds):
        for side in ("jrnl", "coach") if r % 2 else ("coach", "jrnl"):
            if side == "jrnl":
                base.append(timed(theirs, env))
            else:
                ours.append(timed(coach, env))
    print(c.table([
        c.stat_row(f"baseline: jrnl -contains {WORD} (10,000 entries)", base, None),
        c.stat_row(f"coach list --search {WORD}, warm index", ours, c.median(base)),
    ], c.STAT_HEADER))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--archive", type=Path)
    parser.add_argument("--no-jrnl", action="store_true")
    parser.add_argument("--cold", action="store_true", help="also one start with no index")
    parser.add_argument("--jrnl-only", action="store_true", help="only coach list vs jrnl")
    parser.add_argument(
        "--build-only", action="store_true",
        help="only the in-process index figures: 10 files changed, and a cold build",
    )  # fmt: skip
    args = parser.parse_args()
    count, leaders, rounds = (2000, 40, 3) if args.quick else (10_000, 200, 5)
    print(c.machine_line())
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        folder = args.archive or work / "archive"
        if args.archive is None:
            made = time.perf_counter()
            make_archive(folder, count, leaders)
            print(f"made {count:,} sessions in {time.perf_counter() - made:.1f} s")
        files = sorted(folder.glob("*.yaml"))
        print(
            f"archive: {len(files):,} sessions, {sum(f.stat().st_size for f in files) / 1e6:.0f} MB"
        )
        index = folder / ".index.sqlite"
        if args.build_only:
            update_and_build(folder, cold=True)
            return
        if args.jrnl_only:
            Archive([folder]).refresh()
            versus_jrnl(folder, work, rounds)
            return
        rows, marker = rows_and_marker(folder)  # builds the index (not timed here)
        table_rows = work / "rows.json"
        table_rows.write_text(json.dumps(rows), encoding="utf-8")
        table_app = work / "table_app.py"
        table_app.write_text(TABLE_APP, encoding="utf-8")
        pycache = work / "pycache"
        review_env = _env(pycache, folder)
        review = [sys.executable, "-m", "coach", "review"]

        def reflect() -> tuple[float, int]:
            fresh = work / f"reflect-{time.perf_counter_ns()}"
            env = _env(pycache, fresh)
            env["COACH_CACHE_DIR"] = str(work / "cache")
            argv = [
                sys.executable,
                "-m",
                "coach",
                "reflect",
                "--name",
                "Dana",
                "--pack",
                "sales-leader",
            ]
            return run_once(argv, COACH_MARKER, env)

        touched = iter(range(0, len(files), 10))

        def changed() -> tuple[float, int]:
            at = next(touched)
            for path in files[at : at + 10]:
                os.utime(path)
            return run_once(review, marker, review_env)

        sides = {
            "baseline: bare DataTable, 10,000 rows from a list": lambda: run_once(
                [sys.executable, str(table_app), str(table_rows)], marker, _env(pycache)
            ),
            "baseline: coach reflect, first question": reflect,
            "coach review, warm index": lambda: run_once(review, marker, review_env),
            "coach review, 10 files changed": changed,
            "coach review, warm, to the whole listing": lambda: run_once(
                review, f"{len(files):,} sessions ·", review_env
            ),
        }
        for side in sides.values():
            side()  # warm-up
        results: dict[str, list[tuple[float, int]]] = {name: [] for name in sides}
        names = list(sides)
        for r in range(rounds):
            for name in names[r % len(names) :] + names[: r % len(names)]:
                results[name].append(sides[name]())
        print(f"\nmarker: {marker!r}; {rounds} rounds; a pseudo-terminal of 100x32")
        table = c.median([s * 1e9 for s, _ in results[names[0]]])
        first_q = c.median([s * 1e9 for s, _ in results[names[1]]])
        out = []
        for name in names:
            times = [s * 1e9 for s, _ in results[name]]
            peak = c.median([p for _, p in results[name]]) / 1024
            row = c.stat_row(name, times, None if name == names[0] else table)
            vs_first = "" if name.startswith("baseline") else c.fmt_ratio(c.median(times) / first_q)
            out.append([*row, vs_first, f"{peak:.0f} MB"])
        if args.cold:
            index.unlink()
            seconds, peak_kb = run_once(review, marker, review_env, deadline=3600)
            took = seconds * 1e9
            out.append(["coach review, cold (no index, one run)", "1", c.fmt_time(took), "-",
                        c.fmt_ratio(took / table), c.fmt_ratio(took / first_q),
                        f"{peak_kb / 1024:.0f} MB"])  # fmt: skip
        print(c.table(out, [*c.STAT_HEADER, "vs reflect", "peak RSS"]))
        print()
        in_process(folder)
        print()
        update_and_build(folder, cold=args.cold)
        print()
        if not args.no_jrnl:
            versus_jrnl(folder, work, rounds)


if __name__ == "__main__":
    main()
