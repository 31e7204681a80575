"""The sessions folder itself: one that other users can write is refused for writing with a
sentence that says how to fix it, and read without its (plantable) listing cache; temp files
left by killed writes are removed on the next save of their session, and only those (issue 9)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from hostile_kit import coach, samples

from coach.store import INDEX_NAME, SessionStore

SAMPLE = "2026-11-20-1605-dl20"  # an unfinished sample session
OTHER = "2026-11-02-0930-vmyh"


def contents(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def refusal(folder: Path) -> str:
    return (
        f"coach: {folder}: other users can write in the sessions folder, so they could change "
        f"or replace your sessions; make it private with: chmod 700 {folder}\n"
    )


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o1777], ids=oct)
def test_a_new_reflection_in_a_folder_others_can_write_is_refused(
    mode: int, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = samples(tmp_path, mode)
    before = contents(folder)
    code, _out, err = coach(
        capsys, monkeypatch, "reflect", "--plain", "--name", "Dana", "--pack", "sales-leader",
        "--sessions", str(folder), stdin="ok\n",
    )  # fmt: skip
    assert code == 1
    assert err == refusal(folder)
    assert contents(folder) == before


def test_resuming_in_a_folder_others_can_write_is_refused_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = samples(tmp_path, 0o777)
    before = contents(folder)
    code, _out, err = coach(
        capsys, monkeypatch, "resume", SAMPLE, "--plain", "--sessions", str(folder), stdin="4\n"
    )
    assert code == 1
    assert err == refusal(folder)
    assert contents(folder) == before


def test_a_folder_others_can_write_is_read_without_its_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = samples(tmp_path)
    assert coach(capsys, monkeypatch, "list", "--sessions", str(folder))[0] == 0
    index = folder / INDEX_NAME
    planted = json.loads(index.read_text())
    for record in planted["files"].values():
        record[1][4] = "Mallory"  # the participant, as someone else would have it read
    index.write_text(json.dumps(planted))
    folder.chmod(0o777)
    kept = index.read_bytes()
    code, out, err = coach(capsys, monkeypatch, "list", "--sessions", str(folder))
    assert (code, err) == (0, "")
    assert "Mallory" not in out and SAMPLE in out
    assert index.read_bytes() == kept  # neither trusted nor rewritten
    code, out, err = coach(capsys, monkeypatch, "show", SAMPLE, "--sessions", str(folder))
    assert (code, err) == (0, "")


def test_a_stray_temp_file_is_removed_on_the_next_save_of_its_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = samples(tmp_path)
    killed = time.time() - 3600
    stray = [folder / f".{SAMPLE}.yaml.k1ll3d00.tmp", folder / f".{SAMPLE}.md.k1ll3d01.tmp"]
    others = [folder / f".{OTHER}.yaml.k1ll3d02.tmp", folder / f".{SAMPLE}x.yaml.k1ll3d03.tmp"]
    for path in stray + others:
        path.write_text("half a session")
        os.utime(path, (killed, killed))
    code, _out, err = coach(
        capsys, monkeypatch, "resume", SAMPLE, "--plain", "--sessions", str(folder), stdin=""
    )  # end of input: pause, which saves
    assert code == 0, err
    assert [p.exists() for p in stray] == [False, False]
    assert [p.exists() for p in others] == [True, True]  # another session's are its own


def test_a_temp_file_newer_than_the_lock_is_a_write_under_way_and_is_kept(
    tmp_path: Path,
) -> None:
    store = SessionStore(tmp_path)
    doc = {"schema": 1, "id": SAMPLE, "turns": [{"n": 1, "text": "hi"}], "snapshot": {"v": 1}}
    with store.lock(SAMPLE):
        under_way = tmp_path / f".{SAMPLE}.yaml.w0rk1ng0.tmp"
        under_way.write_text("being written by this process")
        store.save(doc)
        assert under_way.exists()


def test_a_save_without_the_lock_removes_no_temp_file(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    old = tmp_path / f".{SAMPLE}.yaml.k1ll3d00.tmp"
    old.write_text("half a session")
    os.utime(old, (time.time() - 3600,) * 2)
    store.save({"schema": 1, "id": SAMPLE, "turns": [], "snapshot": {"v": 1}})
    assert old.exists()  # without the lock, another process's write could be under way
