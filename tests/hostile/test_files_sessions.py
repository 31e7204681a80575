"""Session files that are not what they seem: a named pipe, a file over the 16 MB cap, a link,
a folder. `coach show` and `coach resume` say so in one sentence naming the file (exit 1, no
traceback, no hang), `coach list` lists it as skipped with the same reason, and nothing is
written through a link (issue 9)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import NOW, ROOT
from hostile_kit import coach, samples

from coach.store import load_file

SAMPLE = "2026-11-20-1605-dl20"  # an unfinished sample session
ODD = "2026-11-28-0900-odd1"


def test_a_session_file_that_is_a_named_pipe_does_not_hang_show(tmp_path: Path) -> None:
    folder = samples(tmp_path)
    pipe = folder / f"{ODD}.yaml"
    os.mkfifo(pipe)
    env = {**os.environ, "COACH_NOW": NOW.isoformat()}
    result = subprocess.run(
        [sys.executable, "-m", "coach", "show", ODD, "--sessions", str(folder)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == f"coach: {pipe}: this is a named pipe (FIFO), not a session file\n"


def test_a_named_pipe_is_listed_as_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = samples(tmp_path)
    pipe = folder / f"{ODD}.yaml"
    os.mkfifo(pipe)
    code, out, err = coach(capsys, monkeypatch, "list", "--sessions", str(folder))
    assert code == 0
    assert err == f"coach: skipped {pipe}: this is a named pipe (FIFO), not a session file\n"
    assert SAMPLE in out


def test_an_over_large_session_file_is_one_sentence_with_the_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = samples(tmp_path)
    big = folder / f"{ODD}.yaml"
    with open(big, "wb") as handle:
        handle.truncate(20_000_000)
    code, _out, err = coach(capsys, monkeypatch, "show", ODD, "--sessions", str(folder))
    assert code == 1
    assert err == (
        f"coach: {big}: the session file is 20 MB; coach reads session files of at most 16 MB\n"
    )


def test_an_over_large_session_file_is_listed_as_unreadable_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = samples(tmp_path)
    big = folder / f"{ODD}.yaml"
    with open(big, "wb") as handle:
        handle.truncate(20_000_000)
    code, out, err = coach(capsys, monkeypatch, "list", "--sessions", str(folder))
    assert code == 0
    assert err == (
        f"coach: skipped {big}: the session file is 20 MB; coach reads session files of at "
        "most 16 MB\n"
    )
    assert SAMPLE in out


def test_resuming_an_over_large_session_is_one_sentence_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = samples(tmp_path)
    big = folder / f"{ODD}.yaml"
    with open(big, "wb") as handle:
        handle.truncate(20_000_000)
    before = sorted(p.name for p in folder.iterdir())
    code, _out, err = coach(
        capsys, monkeypatch, "resume", ODD, "--plain", "--sessions", str(folder)
    )
    assert code == 1
    assert err.endswith("coach reads session files of at most 16 MB\n")
    assert "Traceback" not in err
    assert sorted(p.name for p in folder.iterdir()) == before
    assert big.stat().st_size == 20_000_000


def test_a_session_file_that_is_a_link_is_not_read_through_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = samples(tmp_path)
    elsewhere = tmp_path / "elsewhere.yaml"
    shutil.copy(folder / f"{SAMPLE}.yaml", elsewhere)
    (folder / f"{SAMPLE}.yaml").unlink()
    link = folder / f"{SAMPLE}.yaml"
    link.symlink_to(elsewhere)
    kept = elsewhere.read_bytes()
    code, _out, err = coach(
        capsys, monkeypatch, "resume", SAMPLE, "--plain", "--sessions", str(folder), stdin="4\n"
    )
    assert code == 1
    assert err == (
        f"coach: {link}: this is a symbolic link, not a session file; coach reads and writes "
        "session files only as plain files, never through a link\n"
    )
    assert elsewhere.read_bytes() == kept and link.is_symlink()


def test_a_session_file_that_is_a_link_is_listed_as_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = samples(tmp_path)
    link = folder / f"{ODD}.yaml"
    link.symlink_to("/dev/zero")
    code, _out, err = coach(capsys, monkeypatch, "list", "--sessions", str(folder))
    assert code == 0
    assert err == (
        f"coach: skipped {link}: this is a symbolic link, not a session file; coach reads and "
        "writes session files only as plain files, never through a link\n"
    )


def test_a_folder_named_like_a_session_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = samples(tmp_path)
    (folder / f"{ODD}.yaml").mkdir()
    code, _out, err = coach(capsys, monkeypatch, "show", ODD, "--sessions", str(folder))
    assert code == 1
    assert err == f"coach: {folder / f'{ODD}.yaml'}: this is a folder, not a session file\n"


def test_rejected_lines_of_a_killed_session_are_read_and_resumed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rejected lines go to the session's journal, not a rewrite of its file; a session
    killed in the middle of them (its journal left beside the file) still shows and resumes
    with every line, and the resume writes them into the file."""
    folder = tmp_path / "s"
    env = {**os.environ, "COACH_NOW": NOW.isoformat()}
    env.pop("COACH_PACKS_DIR", None)
    cmd = [sys.executable, "-m", "coach", "reflect", "--plain", "--name", "Dana"]
    cmd += ["--pack", "sales-leader", "--sessions", str(folder)]
    process = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, env=env, cwd=ROOT
    )
    assert process.stdin is not None
    process.stdin.write(b":skip\n:skip\nseven\nlots\n5 or 6\n")  # then it waits for more
    process.stdin.flush()
    deadline = time.monotonic() + 60
    journals: list[Path] = []
    while time.monotonic() < deadline:
        journals = list(folder.glob(".*.journal")) if folder.exists() else []
        if journals and journals[0].read_bytes().count(b"\n") == 3:
            break
        time.sleep(0.05)
    process.kill()
    process.wait(timeout=30)
    process.stdin.close()
    assert journals, "the rejected lines never reached the journal"
    (path,) = folder.glob("*.yaml")
    session_id = path.stem
    code, out, err = coach(capsys, monkeypatch, "show", session_id, "--sessions", str(folder))
    assert code == 0, err
    assert "5 or 6" in out and "lots" in out
    code, out, err = coach(
        capsys, monkeypatch, "resume", session_id, "--plain", "--sessions", str(folder),
        stdin="4\n",
    )  # fmt: skip
    assert code == 0, err
    assert not journals[0].exists()
    turns = load_file(path)["turns"]
    said = [t["text"] for t in turns if t["role"] == "leader" and t["kind"] != "skip"]
    assert said == ["seven", "lots", "5 or 6", "4"]
    assert [t["n"] for t in turns] == list(range(1, len(turns) + 1))
