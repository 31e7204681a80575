"""Saving a session after an answer, and listing a large archive.

    python bench/store_save.py [--quick]

Part 1, saving at turn 60. A real `Dialogue` over the stock pack is driven by the simulated
leader (`_common.Leader`) until its log holds 60 turns, mid-session; `coach.session.Session`
makes the transcript dict (`to_doc()`), exactly as the front ends save it. Timed, interleaved
round by round (the order rotates every round):
  * baseline: the same bytes `store.save` would write, written atomically by hand (temp file,
    write, fsync, `os.replace`, fsync of the folder): the disk's floor for a durable save.
  * `store.save(doc)` into an empty store (only this session's file in it).
  * `store.save(doc)` into a store of 10,000 sessions (2,000 with --quick).
  * `Session.save()`: `to_doc()` + `store.save()`, what each accepted answer costs a front end.
  * split, no disk: `yamlio.dump(doc)`, the serialisation inside `store.save`.
Goal: save into 10,000 sessions / save into an empty store < 1.1 (median over median).

Part 2, listing the archive. `store.list()` over the same 10,000 session files:
  * baseline: `os.scandir` of the folder + `stat` of every entry.
  * warm: the header cache (`.index.json`) is valid: stat every file, read the cache.
  * cold: the cache is deleted first (untimed): every header is read and parsed, and the
    cache is written again (part of the timed call). The OS page cache stays warm: the files
    were just written, and dropping the kernel's caches would disturb the shared machine.

The 10,000 files are generated quickly by writing YAML text directly (not through `save()`):
a dozen real sessions of varied length (finished and unfinished) are serialised once with the
store's own `yamlio.dump`, then copied with new ids, times and names. After writing them the
benchmark calls `os.sync()` (untimed) so their write-back does not land inside the timed saves.
Everything lives in a temp folder that is removed at the end.
"""

from __future__ import annotations

import contextlib
import gc
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import _common as c

from coach.catalog import PackFile
from coach.engine import Dialogue, load_pack
from coach.session import Session
from coach.store import INDEX_NAME, SessionStore, yamlio

TURNS = 60
PLACEHOLDER_ID = "2000-01-01-0000-zzzz"
PLACEHOLDER_AT = "2000-01-01T00:00:00+00:00"
PLACEHOLDER_NAME = "Placeholder Person"
NAMES = ["Dana", "Sam", "Priya", "Luis", "Aisha", "Jordan", "Kim", "Alex", "Noor", "Mateo"]


def drive(pack: Any, seed: int, stop_at_turns: int | None) -> Dialogue:
    """A dialogue played by the simulated leader, until it ends or has `stop_at_turns` turns."""
    leader = c.Leader(seed)
    d = Dialogue(pack, c.clock, seed=PLACEHOLDER_ID, participant=PLACEHOLDER_NAME)
    d.start()
    while not d.finished and (stop_at_turns is None or len(d.log) < stop_at_turns):
        prompt = d.current()
        assert prompt is not None
        if leader.wants_skip(prompt):
            d.skip()
        else:
            d.answer(leader.answer(prompt))
    return d


def session_for(store: SessionStore, pack_file: PackFile, d: Dialogue, sid: str) -> Session:
    return Session(store, d, pack_file, sid, c.NOW.isoformat(timespec="seconds"), c.clock)


def turn60_dialogue(pack: Any) -> Dialogue:
    """The first simulated session that is unfinished with exactly 60 turns (an answer can add
    two or three turns at once, so some sessions step over 60; then the first with more)."""
    over = None
    for seed in range(200):
        d = drive(pack, seed, TURNS)
        if not d.finished and len(d.log) == TURNS:
            return d
        if over is None and not d.finished:
            over = d
    if over is None:
        raise RuntimeError("no simulated session reaches 60 turns unfinished")
    return over


def templates(pack: Any, pack_file: PackFile) -> list[str]:
    """Serialised sessions of varied length: finished ones and ones stopped part-way."""
    store = SessionStore(Path("unused"))  # to_doc() only; nothing is written through it
    texts = []
    for seed in range(12):
        stop = None if seed % 3 else 6 + 9 * seed  # one in three stopped part-way
        d = drive(pack, 100 + seed, stop)
        doc = session_for(store, pack_file, d, PLACEHOLDER_ID).to_doc()
        doc["started_at"] = doc["updated_at"] = PLACEHOLDER_AT
        texts.append(yamlio.dump(doc))
    return texts


def generate_archive(folder: Path, n: int, texts: list[str]) -> int:
    """`n` session files with distinct ids over three years; returns the bytes written."""
    rng = random.Random(42)
    start = datetime(2024, 1, 1, 8, 0, tzinfo=c.NOW.tzinfo)
    folder.mkdir(mode=0o700)
    used: set[str] = set()
    total = 0
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    while len(used) < n:
        moment = start + timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
        sid = moment.strftime("%Y-%m-%d-%H%M-") + "".join(rng.choice(alphabet) for _ in range(4))
        if sid in used:
            continue
        used.add(sid)
        stamp = moment.isoformat(timespec="seconds")
        text = (
            rng.choice(texts)
            .replace(PLACEHOLDER_ID, sid)
            .replace(PLACEHOLDER_AT, stamp)
            .replace(PLACEHOLDER_NAME, rng.choice(NAMES))
        )
        data = text.encode("utf-8")
        fd = os.open(folder / f"{sid}.yaml", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        total += len(data)
    return total


def atomic_write_baseline(path: Path, data: bytes) -> None:
    """The floor: temp file in the same folder, write, fsync, replace, fsync the folder."""
    tmp = path.with_name(f".{path.name}.bench.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def scandir_stat(folder: Path) -> int:
    count = 0
    with os.scandir(folder) as entries:
        for entry in entries:
            entry.stat()
            count += 1
    return count


def timed(f: Callable[[], object]) -> int:
    t0 = time.perf_counter_ns()
    f()
    return time.perf_counter_ns() - t0


def rounds(cases: dict[str, Callable[[], int]], n: int) -> dict[str, list[int]]:
    """Run every case once per round, rotating which goes first; returns ns per case."""
    names = list(cases)
    out: dict[str, list[int]] = {name: [] for name in names}
    gc.collect()
    for i in range(n):
        k = i % len(names)
        for name in names[k:] + names[:k]:
            out[name].append(cases[name]())
    return out


def main() -> None:
    quick = c.parse_args(__doc__.splitlines()[0])
    archive_size = 2_000 if quick else 10_000
    saves = 10 if quick else 50
    warm_lists = 5 if quick else 12
    cold_lists = 2 if quick else 3

    text = c.STOCK_PACK.read_text(encoding="utf-8")
    pack = load_pack(text, str(c.STOCK_PACK.relative_to(c.ROOT)))
    pack_file = PackFile(c.STOCK_PACK, pack, True)
    work = Path(tempfile.mkdtemp(prefix="coach-bench-"))
    try:
        t0 = time.perf_counter()
        archive = work / "archive"
        written = generate_archive(archive, archive_size, templates(pack, pack_file))
        os.sync()  # untimed: flush the generated files before timing fsync-bound saves
        generated = time.perf_counter() - t0

        empty = SessionStore(work / "empty")
        big = SessionStore(archive)
        d = turn60_dialogue(pack)
        session = session_for(empty, pack_file, d, "2026-11-28-0900-bnch")
        doc = session.to_doc()
        data = yamlio.dump(doc).encode("utf-8")
        raw_path = work / "raw" / "2026-11-28-0900-bnch.yaml"
        raw_path.parent.mkdir(mode=0o700)
        for store in (empty, big):  # warm-up, and the file exists before the timed saves
            store.save(doc)
        atomic_write_baseline(raw_path, data)
        session.save()

        started = time.perf_counter()
        save = rounds(
            {
                "raw": lambda: timed(lambda: atomic_write_baseline(raw_path, data)),
                "empty": lambda: timed(lambda: empty.save(doc)),
                "big": lambda: timed(lambda: big.save(doc)),
                "session": lambda: timed(session.save),
                "dump": lambda: timed(lambda: yamlio.dump(doc)),
            },
            saves,
        )
        save_elapsed = time.perf_counter() - started

        big.list()  # build the cache so the first warm listing finds it

        def cold() -> int:
            with contextlib.suppress(FileNotFoundError):
                (archive / INDEX_NAME).unlink()
            return timed(big.list)

        started = time.perf_counter()
        listing = rounds(
            {
                "scan": lambda: timed(lambda: scandir_stat(archive)),
                "warm": lambda: timed(big.list),
            },
            warm_lists,
        )
        listing |= rounds({"cold": cold}, cold_lists)
        list_elapsed = time.perf_counter() - started
        found = big.list()
        files = len(found.sessions) + len(found.problems)
        index_bytes = (archive / INDEX_NAME).stat().st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)

    mode = "quick" if quick else "full"
    header_bytes = data.index(b"\nturns:") + 1
    print(
        f"store_save: {mode} run; archive of {archive_size:,} generated sessions "
        f"({written / 1e6:.0f} MB, generated in {generated:.1f} s) in {work.parent}"
    )
    print(c.machine_line())
    print()
    print(
        f"saving at turn {len(d.log)} ({d.answered} of {pack.question_count} questions "
        f"answered): {len(data):,} bytes of YAML, header {header_bytes:,} bytes; "
        f"{save_elapsed:.1f} s"
    )
    base = c.median(save["raw"])
    rows = [
        c.stat_row("baseline: atomic write of the same bytes", save["raw"], None),
        c.stat_row("store.save(doc), empty store", save["empty"], base),
        c.stat_row(f"store.save(doc), {archive_size:,} sessions", save["big"], base),
        c.stat_row("Session.save(): to_doc() + store.save()", save["session"], base),
        c.stat_row("split, no disk: yamlio.dump(doc)", save["dump"], base),
    ]
    print(c.table(rows, c.STAT_HEADER))
    print()
    ratio = c.median(save["big"]) / c.median(save["empty"])
    p99_ratio = c.percentile(save["big"], 99) / c.percentile(save["empty"], 99)
    verdict = "met" if ratio < 1.1 else "NOT met"
    print(
        f"goal: save into {archive_size:,} / save into empty = {ratio:.2f} median, "
        f"{p99_ratio:.2f} p99 (goal < 1.1: {verdict})"
    )
    print()
    print(
        f"listing {files:,} session files (cache {index_bytes / 1e6:.1f} MB); {list_elapsed:.1f} s"
    )
    base = c.median(listing["scan"])
    rows = [
        c.stat_row("baseline: os.scandir + stat of every entry", listing["scan"], None),
        c.stat_row("store.list(), warm (cache valid)", listing["warm"], base),
        c.stat_row("store.list(), cold (no .index.json)", listing["cold"], base),
    ]
    print(c.table(rows, c.STAT_HEADER))


if __name__ == "__main__":
    main()
