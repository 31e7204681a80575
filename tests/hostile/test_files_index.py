"""The listing cache (`.index.json`) that is not what it seems: a link to /dev/zero or to one of
the user's own files, a named pipe, a huge file. Each is silently passed over and rebuilt, never
a hang, a MemoryError or a traceback, and nothing is written through a link (issue 9)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, ROOT

from coach import cli
from coach.store import INDEX_NAME, SessionStore

SESSION = "2026-11-28-0900-abcd"


def one_session(folder: Path) -> SessionStore:
    store = SessionStore(folder)
    store.save(
        {
            "schema": 1,
            "id": SESSION,
            "pack": {"id": "sales-leader", "version": "1.0.0"},
            "participant": {"name": "Dana"},
            "status": "in_progress",
            "started_at": NOW.isoformat(),
            "updated_at": NOW.isoformat(),
            "turns": [{"n": 1, "role": "coach", "kind": "question", "text": "Hello?"}],
            "snapshot": {"v": 1},
        }
    )
    return store


def listed(folder: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["list", "--sessions", str(folder)])
    out, err = capsys.readouterr()
    return code, out, err


def assert_rebuilt(folder: Path) -> None:
    index = folder / INDEX_NAME
    assert index.is_file() and not index.is_symlink()
    assert index.read_bytes().startswith(b'{"coach_index":')


def test_an_index_that_links_to_dev_zero_is_rebuilt(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_session(tmp_path)
    (tmp_path / INDEX_NAME).symlink_to("/dev/zero")
    code, out, err = listed(tmp_path, capsys)
    assert (code, err) == (0, "")
    assert SESSION in out
    assert_rebuilt(tmp_path)


def test_an_index_that_links_to_a_file_of_yours_is_never_written_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_session(tmp_path / "s")
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    (tmp_path / "s" / INDEX_NAME).symlink_to(notes)
    code, out, err = listed(tmp_path / "s", capsys)
    assert (code, err) == (0, "")
    assert SESSION in out
    assert notes.read_text() == "my notes\n"
    assert_rebuilt(tmp_path / "s")


def test_an_index_that_is_a_named_pipe_does_not_hang_the_listing(tmp_path: Path) -> None:
    one_session(tmp_path)
    os.mkfifo(tmp_path / INDEX_NAME)
    env = {**os.environ, "COACH_NOW": NOW.isoformat()}
    result = subprocess.run(
        [sys.executable, "-m", "coach", "list", "--sessions", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert SESSION in result.stdout
    assert_rebuilt(tmp_path)


def test_a_huge_sparse_index_is_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    one_session(tmp_path)
    with open(tmp_path / INDEX_NAME, "wb") as handle:
        handle.truncate(20_000_000_000)  # 20 GB of holes
    code, out, err = listed(tmp_path, capsys)
    assert (code, err) == (0, "")
    assert SESSION in out
    assert (tmp_path / INDEX_NAME).stat().st_size < 10_000
