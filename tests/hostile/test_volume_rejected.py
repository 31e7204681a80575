"""Volume: rejected lines cost in proportion to their number, not to its square (issue 9:
1,000 rejected lines took 6.4 s and 4,000 took 57 s, each save rewriting the whole ever longer
conversation). What the store writes is counted exactly; times get generous bounds (ten times
the saves in at most thirty times the time, where linear cost gives about ten). Figures to
quote come from bench/rejected_lines.py, not from here."""

from __future__ import annotations

import random
import statistics
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW

import coach.store.store as store_module
from coach.catalog import find_pack
from coach.session import Session
from coach.store import SessionStore, load_file, yamlio

SMALL, LARGE = 150, 1500
BOUND = 30


def begin(folder: Path, seed: int) -> Session:
    """A reflection on the stock pack, waiting at its first rating (which takes 1 to 5)."""
    store = SessionStore(folder)
    session, _ = Session.begin(
        store, find_pack("sales-leader", []), lambda: NOW, random.Random(seed), "Dana"
    )
    session.skip()  # the favourite leader's name
    session.skip()  # what they did
    return session


def rejected_lines(folder: Path, n: int) -> list[float]:
    """CPU seconds for each of n rejected lines through the session, as line mode drives
    it. CPU time, not wall time: waiting for a shared disk's fsync varies fourfold from one
    moment to the next and says nothing about how the work grows."""
    session = begin(folder, n)
    times = []
    for _ in range(n):
        start = time.process_time()
        reply = session.answer("seven")
        times.append(time.process_time() - start)
        assert not reply.accepted
    session.pause()
    assert session.path is not None
    turns = load_file(session.path)["turns"]
    assert sum(t["kind"] == "rejected" for t in turns) == n  # every line kept
    return times


def test_rejected_lines_write_bytes_in_proportion_to_their_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The measure that noise cannot blur: what the store writes for 1,500 rejected lines is
    a few times the final file, where rewriting the file after each line wrote ~750 times it."""
    written = [0]
    real_write, real_append = store_module.write_atomic, store_module._append

    def write_atomic(path: Path, data: bytes, **kwargs: Any) -> None:
        written[0] += len(data)
        real_write(path, data, **kwargs)

    def append(journal: Path, data: bytes, expected: int) -> bool:
        written[0] += len(data)
        return real_append(journal, data, expected)

    session = begin(tmp_path, 1)
    monkeypatch.setattr(store_module, "write_atomic", write_atomic)
    monkeypatch.setattr(store_module, "_append", append)
    for _ in range(LARGE):
        session.answer("seven")
    session.pause()
    assert session.path is not None
    final = session.path.stat().st_size
    assert written[0] < 25 * final, f"{written[0]:,} bytes written for a {final:,} byte file"


def test_a_late_rejected_line_costs_no_more_than_an_early_one(tmp_path: Path) -> None:
    """Linear cost means each line costs the same however many came before: the last of
    1,500 no more than twice one of the first, in CPU time (medians of 150 lines each, so a
    fold of the journal does not count). Cost that grows with the square of the lines makes
    the late ones ever dearer: three to four times before a session kept its turns as data."""
    times = rejected_lines(tmp_path, LARGE)
    early, late = statistics.median(times[:150]), statistics.median(times[-150:])
    assert late < 2 * early, f"late lines {late * 1000:.2f} ms, early {early * 1000:.2f} ms"


def _saves(folder: Path, n: int) -> float:
    """CPU seconds the store takes to save n rejected lines, one save each, under the lock."""
    store = SessionStore(folder)
    session_id = "2026-11-28-0900-abcd"
    turns: list[dict[str, Any]] = [{"n": 1, "role": "coach", "kind": "question", "text": "1-5?"}]
    doc: dict[str, Any] = {"schema": 1, "id": session_id, "status": "in_progress",
                           "updated_at": "", "turns": turns, "snapshot": {"v": 1, "n": 1}}  # fmt: skip
    elapsed = 0.0
    with store.lock(session_id):
        store.save(doc)
        for i in range(n):
            k = len(doc["turns"])
            doc = {
                **doc,
                "updated_at": f"2026-11-28T09:00:{i % 60:02d}+00:00",
                "turns": [
                    *doc["turns"],
                    {"n": k + 1, "role": "leader", "kind": "rejected", "text": f"seven {i}"},
                    {"n": k + 2, "role": "coach", "kind": "retry", "text": "From 1 to 5."},
                ],
                "snapshot": {"v": 1, "n": k + 2},
            }
            start = time.process_time()
            store.save(doc)
            elapsed += time.process_time() - start
    assert (folder / f"{session_id}.yaml").read_text(encoding="utf-8") == yamlio.dump(doc)
    return elapsed


def test_the_store_saves_a_rejected_line_at_a_cost_that_does_not_grow(tmp_path: Path) -> None:
    small = statistics.median(_saves(tmp_path / f"small{i}", SMALL) for i in range(3))
    large = _saves(tmp_path / "large", LARGE)
    assert large < BOUND * small, f"{LARGE} saves: {large:.2f} s, {SMALL}: {small:.2f} s"
