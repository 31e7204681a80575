"""Packs that are not what they seem: a link to /dev/zero, a named pipe, a 20 GB sparse file, in
`coach reflect --pack`, `coach packs check` and a user's pack folder. Each is one sentence and
exit 1 (or a skipped pack in a listing), never a hang, a MemoryError or a traceback. A link
to a real pack is legitimate and is followed (issue 9)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import ROOT
from hostile_kit import coach, coach_process

STOCK = ROOT / "prompts" / "sales-leader.yaml"


def test_a_pack_that_links_to_dev_zero_is_one_sentence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "zero.yaml"
    pack.symlink_to("/dev/zero")
    sessions = tmp_path / "s"
    code, _out, err = coach(
        capsys, monkeypatch, "reflect", "--plain", "--pack", str(pack), "--sessions", str(sessions)
    )
    assert code == 1
    assert err == f"coach: {pack}: error: this is a character device, not a pack file\n"
    assert "Traceback" not in err
    assert not sessions.exists()  # nothing was started, so nothing was written


def test_packs_check_of_a_link_to_dev_zero_is_one_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "zero.yaml"
    pack.symlink_to("/dev/zero")
    code, out, err = coach(capsys, monkeypatch, "packs", "check", str(pack))
    assert code == 1
    assert out == f"{pack}: error: this is a character device, not a pack file\n"
    assert "Traceback" not in err


def test_a_pack_that_is_a_named_pipe_does_not_hang(tmp_path: Path) -> None:
    pack = tmp_path / "pipe.yaml"
    os.mkfifo(pack)
    result = coach_process(
        "reflect", "--plain", "--pack", str(pack), "--sessions", str(tmp_path / "s")
    )
    assert result.returncode == 1
    assert result.stderr == f"coach: {pack}: error: this is a named pipe (FIFO), not a pack file\n"


def test_packs_check_of_a_named_pipe_does_not_hang(tmp_path: Path) -> None:
    pack = tmp_path / "pipe.yaml"
    os.mkfifo(pack)
    result = coach_process("packs", "check", str(pack))
    assert result.returncode == 1
    assert result.stdout == f"{pack}: error: this is a named pipe (FIFO), not a pack file\n"
    assert "Traceback" not in result.stderr


def test_a_named_pipe_in_a_pack_folder_is_a_skipped_pack_not_a_hang(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    os.mkfifo(folder / "pipe.yaml")
    result = coach_process("packs", "list", "--packs", str(folder))
    assert result.returncode == 0
    pipe = folder / "pipe.yaml"
    assert f"coach: skipped {pipe}: error: this is a named pipe (FIFO), not a pack file" in (
        result.stderr
    )
    assert "sales-leader" in result.stdout  # the stock packs are still listed


def test_a_20_gb_sparse_pack_is_refused_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "huge.yaml"
    with open(pack, "wb") as handle:
        handle.truncate(20_000_000_000)
    code, _out, err = coach(
        capsys, monkeypatch, "reflect", "--plain", "--pack", str(pack), "--sessions", str(tmp_path)
    )
    assert code == 1
    assert err == f"coach: {pack}:1:1: error: the file is 20 GB; a pack may be at most 1,000 kB\n"


def test_packs_check_of_a_20_gb_sparse_pack_is_one_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tmp_path / "huge.yaml"
    with open(pack, "wb") as handle:
        handle.truncate(20_000_000_000)
    code, out, _err = coach(capsys, monkeypatch, "packs", "check", str(pack))
    assert code == 1
    assert out == f"{pack}:1:1: error: the file is 20 GB; a pack may be at most 1,000 kB\n"


def test_a_link_to_a_real_pack_is_followed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A user may keep a pack elsewhere and link it into place: that is legitimate."""
    pack = tmp_path / "mine.yaml"
    pack.symlink_to(STOCK)
    code, out, err = coach(
        capsys,
        monkeypatch,
        "reflect", "--plain", "--name", "Dana", "--pack", str(pack),
        "--sessions", str(tmp_path / "s"),
        stdin="He sat in on my worst call and did not take over.\n",
    )  # fmt: skip
    assert code == 0, err
    assert "Paused." in out
