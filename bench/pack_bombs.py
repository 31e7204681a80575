"""Pack bombs: pathological regexes under RE2 and Python's `re`; template bombs to refusal.

    python bench/pack_bombs.py [--quick]

Part 1, regexes. Each of the four patterns that hung a reflection (issue 9) is matched, the
way a probe's `matches` runs, against three answers: 45 `a`s and a `b`; `ab` 23 times (what
makes `^(a|b|ab)*c$` backtrack); and 10 kB of `a`s and a `b`. Timed:
`check_regex(pattern).search(answer)` (RE2, in this process, 21 runs; 5 with `--quick`).
Baseline, same run, same pattern and answer: Python's `re`
(`re.compile(pattern, re.IGNORECASE).search(answer)`), each run in a subprocess of its own
that is killed after a timeout (10 s; 2 s with `--quick`), so the bench ends: a killed run
counts as the timeout, and the ratio is then a lower bound (`>`). A fifth, ordinary pattern
(the stock pack's "nothing comes to mind") shows what RE2 costs where `re` does not backtrack.

Part 2, templates. Each bomb of `tests/hostile/packs/template-bombs.yaml` (all pass `coach packs
check`) is rendered by answering its option in a fresh process, which reports the time of
that `Dialogue.answer()` call (until the `TemplateFailure`) and its peak RSS (`ru_maxrss`);
5 processes per side (2 with `--quick`), sides alternating. Two baselines, same run:
  * `plain`: the same pack's ordinary text (a name and a three-step loop), the floor a process
    pays to load the engine and the pack and render one text;
  * stock sandbox: the same template source in Jinja2's own `SandboxedEnvironment` (what packs
    ran in before), with the process capped at 10 s (2 s quick) and 1.5 GB of address space
    (`RLIMIT_AS`) so that it ends: a run that hits a cap counts as the cap.
Plus the leader's case: a 2.1 MB answer quoted whole (`tests/hostile/packs/quotes.yaml`),
where the dialogue goes on with the answers cut.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time

import _common as c

from coach.engine.conditions import check_regex

HOSTILE = c.ROOT / "tests" / "hostile" / "packs"
PATTERNS = ["((a+))+$", "^(a|aa)+$", "^(a?){40}a{40}$", "^(a|b|ab)*c$"]
ORDINARY = (
    r"\b(can'?t|cannot) (remember|recall|think of)\b|\bhaven'?t\b|\bnot (recently|lately|"
    r"really)\b|\bbeen a while\b|\bnothing comes to mind\b"
)
ANSWERS = {"45 a + b": "a" * 45 + "b", "ab x 23": "ab" * 23, "10 kB": "a" * 10_000 + "b"}
BOMBS = ["repeat", "percent", "format", "replace", "ranges", "recursion", "fanout"]
AS_LIMIT = 1_500_000_000

RE_CHILD = """
import json, re, sys, time
pattern, answer = sys.argv[1], sys.argv[2]
compiled = re.compile(pattern, re.IGNORECASE)
t0 = time.perf_counter_ns()
found = compiled.search(answer)
print(json.dumps({"ns": time.perf_counter_ns() - t0, "outcome": "match" if found else "none"}))
"""

COACH_CHILD = """
import json, resource, sys, time
from datetime import UTC, datetime
from coach.engine import Dialogue, TemplateFailure, load_pack
path, option = sys.argv[1], sys.argv[2]
pack = load_pack(open(path, encoding="utf-8").read(), path)
d = Dialogue(pack, lambda: datetime(2026, 11, 28, 9, tzinfo=UTC), participant="Dana")
d.start()
answers = [option] if option != "paste" else ["I showed them how to run the call. " * 60_000]
t0 = time.perf_counter_ns()
outcome = "went on"
try:
    for answer in answers:
        d.answer(answer)
except TemplateFailure as exc:
    outcome = str(exc).split(": ", 2)[-1]
took = time.perf_counter_ns() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"ns": took, "rss": rss, "outcome": outcome}))
"""

STOCK_CHILD = """
import json, resource, sys, time
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment
source, limit = sys.argv[1], int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
env = SandboxedEnvironment(undefined=StrictUndefined)
template = env.from_string(source)
t0 = time.perf_counter_ns()
try:
    out = template.render(participant="Dana")
    outcome = f"rendered {len(out):,} characters"
except MemoryError:
    outcome = "MemoryError at the address-space cap"
except RecursionError:
    outcome = "RecursionError (a traceback)"
except Exception as exc:
    outcome = type(exc).__name__
took = time.perf_counter_ns() - t0
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"ns": took, "rss": rss, "outcome": outcome}))
"""


def env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(c.ROOT), "COACH_CACHE_DIR": "/nonexistent-cache"}


def run_child(code: str, args: list[str], timeout: float) -> dict[str, object]:
    """One child process: its JSON line, or the timeout as its time when it was killed."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True, text=True, timeout=timeout, env=env(), check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"ns": timeout * 1e9, "rss": float("nan"), "outcome": f"killed at {timeout:g} s"}
    if done.returncode != 0 or not done.stdout.strip():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        return {"ns": float("nan"), "rss": float("nan"), "outcome": f"died: {last[:60]}"}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def regex_part(quick: bool) -> list[list[str]]:
    runs = 5 if quick else 21
    timeout = 2.0 if quick else 10.0
    rows: list[list[str]] = []
    for pattern in [*PATTERNS, ORDINARY]:
        compiled = check_regex(pattern)
        for name, answer in ANSWERS.items():
            if pattern == ORDINARY and name != "10 kB":
                continue
            ours: list[float] = []
            for _ in range(runs):
                t0 = time.perf_counter_ns()
                compiled.search(answer)
                ours.append(time.perf_counter_ns() - t0)
            theirs: list[float] = []
            killed = False
            base_runs = 1 if pattern != ORDINARY else runs
            for _ in range(base_runs):
                if pattern == ORDINARY:  # no backtracking: time it here, like ours
                    rx = re.compile(pattern, re.IGNORECASE)
                    t0 = time.perf_counter_ns()
                    rx.search(answer)
                    theirs.append(time.perf_counter_ns() - t0)
                    continue
                got = run_child(RE_CHILD, [pattern, answer], timeout)
                killed = killed or str(got["outcome"]).startswith("killed")
                theirs.append(float(got["ns"]) if "ns" in got else float("nan"))  # type: ignore[arg-type]
            med_ours, med_theirs = c.median(ours), c.median(theirs)
            ratio = c.fmt_ratio(med_theirs / med_ours)
            label = "ordinary pattern" if pattern == ORDINARY else pattern
            rows.append([f"{label} vs {name}", str(runs), c.fmt_time(med_ours),
                         ("> " if killed else "") + c.fmt_time(med_theirs),
                         ("> " if killed else "") + ratio])  # fmt: skip
    return rows


def template_part(quick: bool) -> list[list[str]]:
    runs = 2 if quick else 5
    timeout = 2.0 if quick else 10.0
    pack = HOSTILE / "template-bombs.yaml"
    import yaml

    data = yaml.safe_load(pack.read_text(encoding="utf-8"))
    sources = {s["id"]: s["text"] for s in data["sections"][0]["steps"]}
    plain = [run_child(COACH_CHILD, [str(pack), "plain"], 60) for _ in range(runs)]
    base_ns = c.median([float(p["ns"]) for p in plain])  # type: ignore[arg-type]
    base_rss = c.median([float(p["rss"]) for p in plain])  # type: ignore[arg-type]
    rows = [["baseline: coach, plain text", str(runs), c.fmt_time(base_ns), "", _mb(base_rss),
             "", str(plain[0]["outcome"])]]  # fmt: skip
    cases = [(b, pack, b) for b in BOMBS] + [
        ("leader's 2.1 MB paste", HOSTILE / "quotes.yaml", "paste")
    ]
    for label, path, option in cases:
        ours, theirs = [], []
        for i in range(runs):
            sides = [("ours", path, option), ("theirs", path, option)]
            for side, p, o in sides if i % 2 == 0 else reversed(sides):
                if side == "ours":
                    ours.append(run_child(COACH_CHILD, [str(p), o], 60))
                elif o != "paste":
                    theirs.append(run_child(STOCK_CHILD, [sources[o], str(AS_LIMIT)], timeout))
        ns = c.median([float(r["ns"]) for r in ours])  # type: ignore[arg-type]
        rss = c.median([float(r["rss"]) for r in ours])  # type: ignore[arg-type]
        rows.append([f"coach: {label}", str(runs), c.fmt_time(ns), c.fmt_ratio(ns / base_ns),
                     _mb(rss), c.fmt_ratio(rss / base_rss), str(ours[0]["outcome"])])  # fmt: skip
        if theirs:
            tns = c.median([float(r["ns"]) for r in theirs])  # type: ignore[arg-type]
            trss = c.median([float(r["rss"]) for r in theirs])  # type: ignore[arg-type]
            capped = any(str(r["outcome"]).startswith(("killed", "MemoryError")) for r in theirs)
            rows.append([f"  stock sandbox: {label}", str(len(theirs)),
                         ("> " if capped else "") + c.fmt_time(tns),
                         ("> " if capped else "") + c.fmt_ratio(tns / ns) + " of coach",
                         _mb(trss), c.fmt_ratio(trss / rss) + " of coach",
                         str(theirs[0]["outcome"])])  # fmt: skip
    return rows


def _mb(value: float) -> str:
    return "-" if value != value else f"{value / 1e6:.0f} MB"


def main() -> None:
    quick = c.parse_args(__doc__.splitlines()[0])
    print(f"pack_bombs: {'quick' if quick else 'full'} run")
    print(c.machine_line())
    print()
    print("Regexes: RE2 (coach) against Python's re (baseline, a process per run, killed at")
    print("the timeout); ratio = re median / RE2 median.")
    header = ("what", "n", "RE2 median", "re median", "re / RE2")
    print(c.table(regex_part(quick), header))
    print()
    print("Templates to refusal: time of the answer() call and peak RSS of its process.")
    header = ("what", "n", "median", "vs plain", "peak RSS", "vs plain", "outcome")
    print(c.table(template_part(quick), header))


if __name__ == "__main__":
    main()
