"""Volume: rejected lines cost in proportion to their number, not to its square (issue 9:
1,000 rejected lines took 6.4 s and 4,000 took 57 s, each save rewriting the whole ever longer
conversation). What the store serialises and writes is counted exactly, never timed (a time
bound fails on a loaded machine and passes a slow algorithm on a quick one). Figures to quote
come from bench/rejected_lines.py, not from here."""

from __future__ import annotations

import random
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW

import coach.store.store as store_module
from coach.catalog import find_pack
from coach.session import Session
from coach.store import SessionStore, load_file, yamlio

SMALL, LARGE = 150, 1500
BOUND = 20  # the work of ten times the saves, at most (linear: about ten)


def begin(folder: Path, seed: int) -> Session:
    """A reflection on the stock pack, waiting at its first rating (which takes 1 to 5)."""
    store = SessionStore(folder)
    session, _ = Session.begin(
        store, find_pack("sales-leader", []), lambda: NOW, random.Random(seed), "Dana"
    )
    session.skip()  # the favourite leader's name
    session.skip()  # what they did
    return session


@contextmanager
def work_counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """What the store does for a save, counted: the characters it serialises (YAML and the
    journal's JSON) and the bytes it writes. A save that rewrites the whole conversation
    serialises and writes all of it; one that appends, only the new lines."""
    work = [0]
    real_write, real_append = store_module.write_atomic, store_module._append
    real_dump, real_json = yamlio.dump, store_module.json.dumps

    def write_atomic(path: Path, data: bytes, **kwargs: Any) -> None:
        work[0] += len(data)
        real_write(path, data, **kwargs)

    def append(journal: Path, data: bytes, expected: int) -> bool:
        work[0] += len(data)
        return real_append(journal, data, expected)

    def dump(data: Any) -> str:
        text = real_dump(data)
        work[0] += len(text)
        return text

    def dumps(data: Any, **kwargs: Any) -> str:
        text = real_json(data, **kwargs)
        work[0] += len(text)
        return text

    monkeypatch.setattr(store_module, "write_atomic", write_atomic)
    monkeypatch.setattr(store_module, "_append", append)
    monkeypatch.setattr(yamlio, "dump", dump)
    monkeypatch.setattr(store_module.json, "dumps", dumps)
    try:
        yield work
    finally:
        monkeypatch.undo()


def rejected_lines(folder: Path, n: int, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The store's work (`work_counted`) for each of n rejected lines through the session,
    as line mode drives it."""
    session = begin(folder, n)
    costs = []
    with work_counted(monkeypatch) as work:
        for _ in range(n):
            before = work[0]
            reply = session.answer("seven")
            costs.append(work[0] - before)
            assert not reply.accepted
    session.pause()
    assert session.path is not None
    turns = load_file(session.path)["turns"]
    assert sum(t["kind"] == "rejected" for t in turns) == n  # every line kept
    return costs


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


def test_a_late_rejected_line_costs_no_more_than_an_early_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Linear cost means each line costs the same however many came before: the last of
    1,500 no more than twice one of the first (medians of 150 lines each, so a fold of the
    journal does not count). Rewriting the conversation at each line made the 1,500th cost
    about a hundred times the first."""
    costs = rejected_lines(tmp_path, LARGE, monkeypatch)
    early, late = statistics.median(costs[:150]), statistics.median(costs[-150:])
    assert late <= 2 * early, f"late lines {late:,} characters of work, early {early:,}"


def _saves(folder: Path, n: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """The store's work (`work_counted`) to save n rejected lines, one save each, under the
    lock."""
    store = SessionStore(folder)
    session_id = "2026-11-28-0900-abcd"
    turns: list[dict[str, Any]] = [{"n": 1, "role": "coach", "kind": "question", "text": "1-5?"}]
    doc: dict[str, Any] = {"schema": 1, "id": session_id, "status": "in_progress",
                           "updated_at": "", "turns": turns, "snapshot": {"v": 1, "n": 1}}  # fmt: skip
    with store.lock(session_id), work_counted(monkeypatch) as work:
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
            store.save(doc)
    assert (folder / f"{session_id}.yaml").read_text(encoding="utf-8") == yamlio.dump(doc)
    return work[0]


def test_the_store_saves_a_rejected_line_at_a_cost_that_does_not_grow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten times the saves, at most twenty times the work (linear cost gives about ten; a
    rewrite of the whole file at each save, about a hundred)."""
    small = _saves(tmp_path / "small", SMALL, monkeypatch)
    large = _saves(tmp_path / "large", LARGE, monkeypatch)
    assert large < BOUND * small, f"{LARGE} saves: {large:,} characters, {SMALL}: {small:,}"
