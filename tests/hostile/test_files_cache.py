"""Entries of the pack cache that are not the user's own: a cached pack is trusted (used without
checking it again) only when the file actually opened is a plain file of the user's, that
nobody else can write, judged on its descriptor. Swapping the folder between the folder's
check and the entry's opening no longer gets a planted pack used (issue 9)."""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from coach import packcache
from coach.catalog import read_pack
from coach.engine.pack import check_pack

STOCK = ROOT / "prompts" / "sales-leader.yaml"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("COACH_CACHE_DIR", str(folder))
    return folder


def copied_pack(tmp_path: Path) -> Path:
    path = tmp_path / "sales-leader.yaml"
    shutil.copy(STOCK, path)
    return path


def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The packs checked in full from now on (an entry that was used adds none)."""
    calls: list[str] = []

    def counting(text: str, source: str) -> object:
        calls.append(source)
        return check_pack(text, source)

    monkeypatch.setattr(packcache, "check_pack", counting)
    return calls


def planted(entry: Path) -> bytes:
    """The entry with a step's words changed: what an attacker would want coach to run."""
    image = marshal.loads(entry.read_bytes())
    image["data"]["title"] = "PLANTED"
    return marshal.dumps(image)


def entry_of(cache: Path) -> Path:
    (entry,) = (cache / "packs").iterdir()
    return entry


def test_an_entry_others_can_write_is_not_trusted(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copied_pack(tmp_path)
    read_pack(path)
    entry = entry_of(cache)
    entry.write_bytes(planted(entry))
    entry.chmod(0o666)
    calls = checks(monkeypatch)
    pack = read_pack(path)
    assert calls == [str(path)]
    assert pack.title != "PLANTED"
    assert not entry_of(cache).stat().st_mode & 0o077  # replaced by a private one


def test_an_entry_that_is_a_link_is_not_followed(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copied_pack(tmp_path)
    read_pack(path)
    entry = entry_of(cache)
    elsewhere = tmp_path / "planted.marshal"
    elsewhere.write_bytes(planted(entry))
    elsewhere.chmod(0o600)  # private and the user's own: only the link gives it away
    kept = elsewhere.read_bytes()
    entry.unlink()
    entry.symlink_to(elsewhere)
    calls = checks(monkeypatch)
    assert read_pack(path).title != "PLANTED"
    assert calls == [str(path)]
    assert elsewhere.read_bytes() == kept  # the fresh entry replaced the link, not its target


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs chown")
def test_an_entry_another_user_owns_is_not_trusted(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copied_pack(tmp_path)
    read_pack(path)
    entry = entry_of(cache)
    entry.write_bytes(planted(entry))
    os.chown(entry, 65534, 65534)  # nobody
    calls = checks(monkeypatch)
    assert read_pack(path).title != "PLANTED"
    assert calls == [str(path)]


def test_swapping_the_folder_after_its_check_gets_no_planted_entry_used(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the issue measured: the folder is checked, then swapped for one holding a
    planted entry before the entry is opened. The entry's own check on its descriptor sees
    a file anyone could have written, and the pack is checked in full instead."""
    path = copied_pack(tmp_path)
    read_pack(path)
    packs = cache / "packs"
    entry = entry_of(cache)
    evil = tmp_path / "evil"
    evil.mkdir()
    (evil / entry.name).write_bytes(planted(entry))
    (evil / entry.name).chmod(0o666)  # written by someone else, so open to others
    real_usable = packcache._usable

    def usable_then_swapped(folder: Path) -> bool:
        ok = real_usable(folder)
        if folder == packs:  # checked: now swap it before the entry is opened
            packs.rename(tmp_path / "real")
            evil.rename(packs)
        return ok

    monkeypatch.setattr(packcache, "_usable", usable_then_swapped)
    calls = checks(monkeypatch)
    assert read_pack(path).title != "PLANTED"
    assert calls == [str(path)]


def test_an_entry_that_is_a_named_pipe_does_not_hang(tmp_path: Path, cache: Path) -> None:
    path = copied_pack(tmp_path)
    read_pack(path)
    entry = entry_of(cache)
    entry.unlink()
    os.mkfifo(entry)
    code = (
        "import pathlib; from coach.catalog import read_pack; "
        f"print(read_pack(pathlib.Path({str(path)!r})).id)"
    )
    env = {**os.environ, "COACH_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT, timeout=60
    )
    assert (result.returncode, result.stdout, result.stderr) == (0, "sales-leader\n", "")


def test_a_huge_sparse_entry_is_not_read(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = copied_pack(tmp_path)
    read_pack(path)
    with open(entry_of(cache), "r+b") as handle:
        handle.truncate(20_000_000_000)
    calls = checks(monkeypatch)
    assert read_pack(path).id == "sales-leader"
    assert calls == [str(path)]
