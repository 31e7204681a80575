"""Start-up: from `exec` to the first question on screen, whole process, against a minimal
Textual app measured in the same run.

    python bench/startup.py [--quick] [--no-imports]

What is timed: a process started in a pseudo-terminal (100x32, as a leader's terminal would
be) until its output contains a marker text, read from the terminal's master side:
  * baseline: a minimal Textual app (an `App` whose screen holds a `Static` with a marker text
    and an `Input`), written to a temp file and run with the same interpreter.
  * same first screen, no coach: an app with the widgets, layout and style sheet of coach's
    first screen (title, progress, two lines of the log, the answer box, hint and footer)
    and none of coach behind it: what that screen costs in Textual alone.
  * coach, pack cached: `python -m coach reflect --name Dana --pack sales-leader` with a
    fresh, empty sessions folder and the clock frozen (`COACH_NOW`), so it opens straight on
    the stock pack's first question (the marker is a phrase of it); the cache folder holds
    the checked stock pack and the opening a start of Dana's drew before, as on every start
    but a leader's first: the opening is drawn before the engine is imported
    (coach/tui/opening.py).
  * coach, returning leader: the same in a sessions folder that holds a finished session
    of Dana's (from line mode, every answer "3"), its commitments not yet due, and the
    folder's quiet record as the app keeps it when a reflection ends; after each run the
    files the run added are removed, so every run finds the folder as that reflection left
    it.
  * coach, nothing kept: pack cached, but the opening never drawn before (a new name, or
    the cache file deleted before each run): the first question comes from the engine.
  * coach, the start screen: bare `python -m coach` in a fresh folder, until the start
    screen's "Your name (optional)": the packs it offers kept from before, as the opening is.
  * coach, first start: the same with an empty cache folder, so the pack is checked in full.
All are started the same way, run interleaved (the order rotating each round), 15 times each
(5 with `--quick`) after one untimed warm-up each. The time includes the interpreter's start,
every import, building the first screen and writing it to the terminal.

Also read when the marker appears: the CPU time of all the process's threads (from
/proc/<pid>/task/*/schedstat; it moves less than wall time on a shared machine) and the
resident set (`VmRSS` in /proc/<pid>/status).

Goals: time median / baseline median <= 1.15; RSS median / baseline median <= 1.3, for the
warm start ("pack cached"); the other coach rows say what the other kinds of start pay.

Then, unless `--no-imports`: `python -X importtime` over coach and the minimal app (3 runs
each, medians), listing what coach imports before its first question that the minimal app
does not: those modules' own times (self), grouped by top-level package, and the largest
single imports (cumulative). That is the list of what could be deferred.
"""

from __future__ import annotations

import argparse
import errno
import fcntl
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import _common as c

COLUMNS, LINES = 100, 32
COACH_MARKER = "picture the best sales leader"
START_MARKER = "Your name (optional)"  # the start screen's
BASELINE_MARKER = "ready marker"
DEADLINE = 30.0  # seconds; a start that takes longer is reported as a failure

BASELINE_APP = f'''
from textual.app import App, ComposeResult
from textual.widgets import Input, Static


class Minimal(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("{BASELINE_MARKER}")
        yield Input(placeholder="type here")


Minimal().run()
'''

# The first screen's widgets, layout and style sheet with nothing of coach behind them: what
# the same screen costs in Textual alone. Kept in step with coach/tui/screens/reflect.py.
SKELETON_APP = """
import sys
from textual.app import App
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static, TextArea


class First(Screen[None]):
    BINDINGS = [
        Binding("ctrl+b", "back", "Back", priority=True),
        Binding("ctrl+n", "skip", "Skip", priority=True),
        Binding("escape", "pause", "Pause", priority=True),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
    ]

    def compose(self):
        with Container(id="top"):
            yield Static("Sales leader reflection", id="title")
            yield Static("○ ○ ○ ○ ○  Getting started  ·  0 of 31 answered", id="progress")
        with VerticalScroll(id="log"):
            yield Static("Hi Dana. This is a reflection on five things great sales leaders do.")
            yield Static("MARKER. What's one thing they did that you still remember?")
        yield TextArea(soft_wrap=True, tab_behavior="focus", show_line_numbers=False,
                       compact=True, placeholder="Type your answer.", classes="control")
        yield Static("Enter sends · Ctrl+J new line", id="hint")
        yield Footer()


class Skeleton(App[None]):
    CSS_PATH = sys.argv[1]

    def on_mount(self):
        self.push_screen(First())


Skeleton().run()
""".replace("MARKER", COACH_MARKER)

# Terminal output: escape sequences (CSI, OSC, single-character ESC codes) between the text.
_ESCAPE = re.compile(rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


@dataclass
class Start:
    seconds: float
    rss_kb: int
    cpu_ns: int  # CPU time of all the process's threads when the marker was read
    output: bytes  # everything the process wrote to its terminal, up to the marker


def _cpu_ns(pid: int) -> int:
    """CPU time so far of every thread of `pid`, from the scheduler (ns, not clock ticks)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat", encoding="ascii") as stat:
                total += int(stat.read().split()[0])
        except FileNotFoundError:  # a thread that ended while we looked
            continue
    return total


def _rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def _text(raw: bytes) -> str:
    """What the terminal would show, roughly: escapes removed, whitespace collapsed (the
    marker may be drawn in pieces, with cursor moves in between)."""
    return " ".join(_ESCAPE.sub(b" ", raw).decode("utf-8", "replace").split())


def run_once(argv: Sequence[str], marker: str, env: dict[str, str], settle: float = 0) -> Start:
    """Start `argv` on a new pseudo-terminal; return when `marker` is on its screen (after
    `settle` seconds more, untimed, for what the process does after its first screen).

    stdin, stdout and stderr are all the terminal: Textual draws on stderr."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", LINES, COLUMNS, 0, 0))
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,  # the pty becomes its controlling terminal, as in a shell
        close_fds=True,
    )
    os.close(slave)
    seen = b""
    try:
        while True:
            left = DEADLINE - (time.perf_counter() - started)
            if left <= 0:
                raise RuntimeError(f"{marker!r} did not appear in {DEADLINE} s: {_text(seen)!r}")
            ready, _, _ = select.select([master], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError as exc:  # EIO: the process closed the terminal (it ended)
                if exc.errno != errno.EIO:
                    raise
                chunk = b""
            if not chunk:
                raise RuntimeError(f"exited before {marker!r} appeared: {_text(seen)[-400:]!r}")
            seen += chunk
            if marker in _text(seen[-20000:]):
                elapsed = time.perf_counter() - started
                found = Start(elapsed, _rss_kb(proc.pid), _cpu_ns(proc.pid), seen)
                if settle:
                    time.sleep(settle)
                return found
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        os.close(master)


def _env(pycache: Path, sessions: Path | None = None) -> dict[str, str]:
    """The same environment for both, with a bytecode cache of their own: an installed coach
    has its .pyc files (pip compiles them), so neither side compiles source at each start,
    even where PYTHONDONTWRITEBYTECODE is set (as in the development VM)."""
    skip = ("COACH_", "TEXTUAL", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    env = {k: v for k, v in os.environ.items() if not k.startswith(skip)}
    env.update(TERM="xterm-256color", COLUMNS=str(COLUMNS), LINES=str(LINES))
    env["PYTHONPYCACHEPREFIX"] = str(pycache)
    if sessions is not None:
        env.update(COACH_SESSIONS_DIR=str(sessions), COACH_NOW="2026-11-28T09:00:00+00:00")
    return env


class Runner:
    """The programs, each coach run with a fresh sessions folder (an old, unfinished session
    would open the start screen instead of the first question)."""

    def __init__(self, work: Path) -> None:
        self.work = work
        self.baseline_script = work / "minimal_app.py"
        self.baseline_script.write_text(BASELINE_APP, encoding="utf-8")
        self.skeleton_script = work / "skeleton_app.py"
        self.skeleton_script.write_text(SKELETON_APP, encoding="utf-8")
        self.count = 0
        self.pycache = work / "pycache"
        self.cache = work / "cache"  # the pack cache, kept between warm runs

    def coach_argv(self, *python_flags: str) -> list[str]:
        return [
            sys.executable,
            *python_flags,
            "-m",
            "coach",
            "reflect",
            "--name",
            "Dana",
            "--pack",
            "sales-leader",
        ]

    def baseline_argv(self, *python_flags: str) -> list[str]:
        return [sys.executable, *python_flags, str(self.baseline_script)]

    def fresh(self, what: str) -> Path:
        self.count += 1
        return self.work / f"{what}-{self.count}"

    def coach(self, *python_flags: str) -> Start:
        """A start with the pack cache filled by an earlier start, as every start but the
        first one a leader makes."""
        env = _env(self.pycache, self.fresh("sessions"))
        env["COACH_CACHE_DIR"] = str(self.cache)
        return run_once(self.coach_argv(*python_flags), COACH_MARKER, env)

    def coach_returning(self) -> Start:
        """A start in a folder with a finished session of the same leader, nothing due yet."""
        folder = self.returning_folder()
        before = set(os.listdir(folder))
        env = _env(self.pycache, folder)
        env["COACH_CACHE_DIR"] = str(self.cache)
        try:
            return run_once(self.coach_argv(), COACH_MARKER, env)
        finally:
            for name in set(os.listdir(folder)) - before:  # the run's own session, its lock
                os.unlink(folder / name)

    def returning_folder(self) -> Path:
        folder = self.work / "returning"
        if folder.exists():
            return folder
        env = _env(self.pycache, folder)
        env["COACH_CACHE_DIR"] = str(self.cache)
        argv = [sys.executable, "-m", "coach", "reflect", "--plain", "--name", "Dana",
                "--pack", "sales-leader"]  # fmt: skip
        done = subprocess.run(argv, input="3\n" * 300, env=env, capture_output=True,
                              text=True, timeout=120, check=False)  # fmt: skip
        if "Saved to" not in done.stdout:
            raise RuntimeError(f"the earlier session did not finish: {done.stdout[-400:]!r}")
        # What the app keeps when a reflection ends (`after_reflection`), for this folder.
        from coach.session import clock_from_env
        from coach.store import SessionStore
        from coach.tui.opening import after_reflection

        today = clock_from_env(env)().date()
        after_reflection(self.cache, SessionStore(folder), today, "Dana")
        return folder

    def coach_unkept(self) -> Start:
        """The pack cached, the opening not: the engine draws the first question."""
        cache = self.fresh("cache")
        shutil.copytree(self.cache / "packs", cache / "packs")  # the checked packs alone
        env = _env(self.pycache, self.fresh("sessions"))
        env["COACH_CACHE_DIR"] = str(cache)
        return run_once(self.coach_argv(), COACH_MARKER, env)

    def keep_opening(self) -> None:
        """A start let run until it has kept its opening, as any start that is not killed
        the moment its first question shows does."""
        kept = self.cache / "first-screens.json"
        env = _env(self.pycache, self.fresh("sessions"))
        env["COACH_CACHE_DIR"] = str(self.cache)
        run_once(self.coach_argv(), COACH_MARKER, env, settle=1.0)
        env = _env(self.pycache, self.fresh("sessions"))
        env["COACH_CACHE_DIR"] = str(self.cache)
        run_once([sys.executable, "-m", "coach"], START_MARKER, env, settle=1.0)
        text = kept.read_text() if kept.exists() else ""
        if '"openings": [{' not in text or '"starts": [{' not in text:
            raise RuntimeError("coach did not keep its first screens in the cache folder")

    def coach_start(self) -> Start:
        """Bare `coach` (no name, no pack): the start screen, its packs kept from before."""
        env = _env(self.pycache, self.fresh("sessions"))
        env["COACH_CACHE_DIR"] = str(self.cache)
        return run_once([sys.executable, "-m", "coach"], START_MARKER, env)

    def coach_first(self) -> Start:
        """A leader's very first start: no pack cache yet, so the pack is checked in full."""
        env = _env(self.pycache, self.fresh("sessions"))
        env["COACH_CACHE_DIR"] = str(self.fresh("cache"))
        return run_once(self.coach_argv(), COACH_MARKER, env)

    def baseline(self, *python_flags: str) -> Start:
        env = _env(self.pycache)
        return run_once(self.baseline_argv(*python_flags), BASELINE_MARKER, env)

    def skeleton(self) -> Start:
        argv = [sys.executable, str(self.skeleton_script), str(CSS)]
        return run_once(argv, COACH_MARKER, _env(self.pycache))


CSS = Path(__file__).resolve().parent.parent / "coach" / "tui" / "coach.tcss"
SIDES = (
    ("baseline: minimal Textual app", "baseline"),
    ("same first screen, no coach", "skeleton"),
    ("coach reflect, pack cached", "coach"),
    ("coach reflect, returning leader", "coach_returning"),
    ("coach reflect, nothing kept", "coach_unkept"),
    ("coach, the start screen", "coach_start"),
    ("coach reflect, first start", "coach_first"),
)


def measure(runner: Runner, rounds: int) -> dict[str, list[Start]]:
    """Every side once untimed (bytecode and page caches, the pack cache), then `rounds`
    rounds, the order of the sides rotating from one round to the next."""
    for _, side in SIDES:
        getattr(runner, side)()
    runner.keep_opening()
    results: dict[str, list[Start]] = {side: [] for _, side in SIDES}
    for i in range(rounds):
        order = [side for _, side in SIDES]
        order = order[i % len(order) :] + order[: i % len(order)]
        for side in order:
            results[side].append(getattr(runner, side)())
    return results


def report(results: dict[str, list[Start]]) -> None:
    ns = 1e9
    base = results["baseline"]
    base_t = c.median([s.seconds * ns for s in base])
    rows = [
        c.stat_row(label, [s.seconds * ns for s in results[side]], None if i == 0 else base_t)
        for i, (label, side) in enumerate(SIDES)
    ]
    print(c.table(rows, c.STAT_HEADER))
    # CPU time moves less than wall time on a shared machine: it leaves out waiting for a core.
    base_cpu = c.median([s.cpu_ns for s in base])
    cpu_rows = [
        c.stat_row(label, [s.cpu_ns for s in results[side]], None if i == 0 else base_cpu)
        for i, (label, side) in enumerate(SIDES)
    ]
    print()
    print(c.table(cpu_rows, ("CPU time at first screen", *c.STAT_HEADER[1:])))
    base_m = c.median([s.rss_kb for s in base])
    memory = []
    for i, (label, side) in enumerate(SIDES):
        kb = [s.rss_kb for s in results[side]]
        ratio = "" if i == 0 else c.fmt_ratio(c.median(kb) / base_m)
        memory.append([label, str(len(kb)), f"{c.median(kb) / 1024:.1f} MB",
                       f"{max(kb) / 1024:.1f} MB", ratio])  # fmt: skip
    print()
    print(c.table(memory, ("RSS at first screen", "n", "median", "max", "median / baseline")))
    coach_t = c.median([s.seconds * ns for s in results["coach"]])
    skeleton_t = c.median([s.seconds * ns for s in results["skeleton"]])
    coach_m = c.median([s.rss_kb for s in results["coach"]])
    time_ratio, rss_ratio = coach_t / base_t, coach_m / base_m
    print()
    print(f"time: {time_ratio:.2f}x the minimal app (goal <= 1.15: "
          f"{'met' if time_ratio <= 1.15 else 'not met'}); the same screen without coach "
          f"{skeleton_t / base_t:.2f}x, so coach's own part is {coach_t / skeleton_t:.2f}x "
          "that screen")  # fmt: skip
    print(f"RSS:  {rss_ratio:.2f}x the minimal app (goal <= 1.3: "
          f"{'met' if rss_ratio <= 1.3 else 'not met'})")  # fmt: skip


# -- import times ---------------------------------------------------------------------------

# importtime writes to stderr, which is the terminal here, so its lines are read from the
# terminal's output, between the app's own drawing.
_IMPORT_LINE = re.compile(rb"import time:\s+(\d+) \|\s+(\d+) \|( *)([\w.]+)")


@dataclass(frozen=True)
class Imported:
    name: str
    self_us: int
    cumulative_us: int
    depth: int
    below: tuple[str, ...] = ()  # every module first imported while this one was importing


def import_times(start: Callable[..., Start]) -> dict[str, Imported]:
    """One run under `-X importtime` until the marker: every module imported by then.

    importtime prints a module after the modules it imported, one level deeper; the tree is
    rebuilt from that order."""
    output = start("-X", "importtime").output
    found: dict[str, Imported] = {}
    pending: list[Imported] = []
    for m in _IMPORT_LINE.finditer(output):
        self_us, cum_us, indent, name = int(m[1]), int(m[2]), m[3], m[4].decode()
        depth = (len(indent) - 1) // 2
        below: list[str] = []
        while pending and pending[-1].depth > depth:
            child = pending.pop()
            below += [child.name, *child.below]
        node = Imported(name, self_us, cum_us, depth, tuple(below))
        pending.append(node)
        found[name] = node
    return found


def _median_of(runs: list[dict[str, Imported]]) -> dict[str, Imported]:
    names = set.intersection(*(set(r) for r in runs))
    out = {}
    for name in names:
        first = runs[0][name]
        out[name] = Imported(
            name,
            int(c.median([r[name].self_us for r in runs])),
            int(c.median([r[name].cumulative_us for r in runs])),
            first.depth,
            first.below,
        )
    return out


def imports_report(runner: Runner, runs: int) -> None:
    coach = _median_of([import_times(runner.coach) for _ in range(runs)])
    base = _median_of([import_times(runner.baseline) for _ in range(runs)])
    extra = {name: m for name, m in coach.items() if name not in base}
    total = sum(m.self_us for m in coach.values())
    base_total = sum(m.self_us for m in base.values())
    extra_total = sum(m.self_us for m in extra.values())
    print(f"\n-X importtime, median of {runs} runs each, until the first screen:")
    print(f"  coach imports {len(coach)} modules, {total / 1000:.0f} ms of own time; "
          f"the minimal app {len(base)} modules, {base_total / 1000:.0f} ms.")  # fmt: skip
    print(
        f"  Only in coach: {len(extra)} modules, {extra_total / 1000:.0f} ms (self times; "
        "importtime's own overhead inflates them)."
    )
    by_package: dict[str, list[Imported]] = defaultdict(list)
    for m in extra.values():
        parts = m.name.split(".")
        key = ".".join(parts[:2]) if parts[0] in ("textual", "coach", "rich") else parts[0]
        by_package[key].append(m)
    rows = sorted(by_package.items(), key=lambda kv: -sum(m.self_us for m in kv[1]))
    print()
    print(
        c.table(
            [[key, str(len(ms)), f"{sum(m.self_us for m in ms) / 1000:.1f} ms",
              ", ".join(m.name for m in sorted(ms, key=lambda m: -m.self_us)[:3])]
             for key, ms in rows[:20]],
            ("only in coach, by package", "modules", "self", "largest"),
        )
    )  # fmt: skip

    # The largest imports that the minimal app does not make, by what they cost beyond it:
    # their own time plus that of everything below them that the minimal app does not import
    # either. Nested: a package and the modules it pulls in are both listed.
    def beyond(m: Imported) -> int:
        return m.self_us + sum(extra[n].self_us for n in m.below if n in extra)

    listed = sorted(extra.values(), key=lambda m: -beyond(m))[:20]
    print()
    print(
        c.table(
            [[m.name, f"{beyond(m) / 1000:.1f} ms", f"{m.cumulative_us / 1000:.1f} ms",
              f"{m.self_us / 1000:.1f} ms"] for m in listed],
            ("largest imports only in coach", "beyond textual", "cumulative", "self"),
        )
    )  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run, for a smoke check")
    parser.add_argument("--no-imports", action="store_true", help="skip the importtime part")
    args = parser.parse_args()
    print(c.machine_line())
    print(f"terminal {COLUMNS}x{LINES}, marker {COACH_MARKER!r} vs {BASELINE_MARKER!r}\n")
    with tempfile.TemporaryDirectory(prefix="coach-startup-") as tmp:
        runner = Runner(Path(tmp))
        report(measure(runner, 5 if args.quick else 15))
        if not args.no_imports:
            imports_report(runner, 1 if args.quick else 3)


if __name__ == "__main__":
    main()
