"""Loading the stock pack: read + parse + validate, against a bare YAML parse of the same text.

    python bench/pack_load.py [--quick]

What is timed:
  * `read + load_pack`: `Path.read_text()` of `prompts/sales-leader.yaml`, then
    `load_pack(text, source)` (YAML with positions, validation, every template compiled):
    what a front end pays to open the pack. The headline.
  * `load_pack(text)`: the same without the read, for the split.
  * `read_pack, cached`: `coach.catalog.read_pack(path)` with the entry for this pack already
    in the pack cache (a temp folder): the read, the sha256, reading and unmarshalling the entry
    and rebuilding the pack from it (`load_image`). What every start after the first pays.
  * `cold`: the first `read + load_pack` in a fresh Python process (imports done beforehand,
    not timed), as the CLI pays it once per run: caches (regexes, Jinja's lexer) start empty.
    Its baseline is the first `yaml.load` in the same fresh process, done in alternating order.

Baseline, same run, same text: `yaml.load(text, Loader=yaml.CSafeLoader)` (libyaml's C
parser, no positions, no checks). Warm runs alternate which of the three goes first.

Ratio reported: load_pack / bare YAML parse (median over median). There is no hard goal; the
ratio says what validation and template compilation cost on top of parsing.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import _common as c
import yaml

from coach.catalog import read_pack
from coach.engine import load_pack

_COLD = r"""
import json, sys, time
from pathlib import Path
import yaml
from coach.engine import load_pack
path = Path(sys.argv[1]); first = sys.argv[2]
def pack():
    t0 = time.perf_counter_ns()
    load_pack(path.read_text(encoding="utf-8"), str(path))
    return time.perf_counter_ns() - t0
def bare():
    text = path.read_text(encoding="utf-8")
    t0 = time.perf_counter_ns()
    yaml.load(text, Loader=yaml.CSafeLoader)
    return time.perf_counter_ns() - t0
if first == "pack":
    p = pack(); y = bare()
else:
    y = bare(); p = pack()
print(json.dumps({"pack": p, "yaml": y}))
"""


def cold_runs(n: int) -> tuple[list[int], list[int]]:
    packs, yamls = [], []
    for i in range(n):
        out = subprocess.run(
            [sys.executable, "-c", _COLD, str(c.STOCK_PACK), "pack" if i % 2 else "yaml"],
            capture_output=True, text=True, check=True, cwd=c.ROOT,
        )  # fmt: skip
        data = json.loads(out.stdout)
        packs.append(data["pack"])
        yamls.append(data["yaml"])
    return packs, yamls


def main() -> None:
    quick = c.parse_args(__doc__.splitlines()[0])
    runs = 10 if quick else 50
    colds = 2 if quick else 10
    path = c.STOCK_PACK
    source = str(path.relative_to(c.ROOT))
    clock = time.perf_counter_ns

    def with_read() -> int:
        t0 = clock()
        load_pack(path.read_text(encoding="utf-8"), source)
        return clock() - t0

    def without_read() -> int:
        text = path.read_text(encoding="utf-8")
        t0 = clock()
        load_pack(text, source)
        return clock() - t0

    def bare() -> int:
        text = path.read_text(encoding="utf-8")
        t0 = clock()
        yaml.load(text, Loader=yaml.CSafeLoader)
        return clock() - t0

    cache = tempfile.mkdtemp(prefix="coach-bench-cache-")
    os.environ["COACH_CACHE_DIR"] = cache
    read_pack(path)  # fills the cache

    def cached() -> int:
        t0 = clock()
        read_pack(path)
        return clock() - t0

    sides = [with_read, without_read, cached, bare]
    for f in sides:  # warm-up: imports, lazily built regexes
        f()
    samples: dict[str, list[int]] = {f.__name__: [] for f in sides}
    gc.collect()
    started = time.perf_counter()
    for i in range(runs):
        order = sides[i % len(sides) :] + sides[: i % len(sides)]  # rotate who goes first
        for f in order:
            samples[f.__name__].append(f())
    elapsed = time.perf_counter() - started
    cold_pack, cold_yaml = cold_runs(colds)

    pack = load_pack(path.read_text(encoding="utf-8"), source)
    size = len(path.read_bytes())
    base = c.median(samples["bare"])
    print(
        f"pack_load: {source} ({pack.id} {pack.version}, {size:,} bytes, "
        f"{len(pack.steps)} steps), {'quick' if quick else 'full'} run, "
        f"{elapsed:.1f} s warm + {colds} fresh processes"
    )
    print(c.machine_line())
    print()
    rows = [
        c.stat_row("baseline: yaml.load(text, CSafeLoader)", samples["bare"], None),
        c.stat_row("read + load_pack (headline)", samples["with_read"], base),
        c.stat_row("load_pack(text), no read", samples["without_read"], base),
        c.stat_row("read_pack, cached (every start after the first)", samples["cached"], base),
        c.stat_row("cold baseline: first yaml.load in a process", cold_yaml, None),
        c.stat_row("cold: first read + load_pack in a process", cold_pack, c.median(cold_yaml)),
    ]
    print(c.table(rows, c.STAT_HEADER))
    print()
    print(
        f"ratio: load_pack / bare YAML parse = "
        f"{c.fmt_ratio(c.median(samples['with_read']) / base)} warm (with the read), "
        f"{c.fmt_ratio(c.median(cold_pack) / c.median(cold_yaml))} cold; "
        f"read_pack from the cache / bare YAML parse = "
        f"{c.fmt_ratio(c.median(samples['cached']) / base)}"
    )
    shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
