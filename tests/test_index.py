"""The derived SQLite index: up to date by stat, only what changed read again, any damage
rebuilt, search over every answer."""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import ROOT

from coach import cli
from coach.store import SessionStore, load_file, yamlio
from coach.store import index as index_module
from coach.store.index import INDEX_FILE, Index

DANA, SAM = "2026-11-02-0930-vmyh", "2026-11-20-1605-dl20"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "sessions", tmp_path / "s")
    return tmp_path / "s"


def test_search_finds_answers_any_case_and_marks_the_words(folder: Path) -> None:
    with Index(folder) as index:
        assert index.refresh() == 2
        found = index.search("PRIYA discovery")
    assert {m.session for m in found} == {DANA, SAM}
    match = next(m for m in found if m.session == DANA)
    assert match.text == "Ride along with Priya on two discovery calls by Friday"
    assert [match.text[a:b] for a, b in match.spans()] == ["Priya", "discovery"]


@pytest.mark.parametrize("query", ['"', "*", "NEAR(", "a OR", "-x", "favourites)"])
def test_search_text_is_words_never_query_syntax(folder: Path, query: str) -> None:
    with Index(folder) as index:
        index.refresh()
        index.search(query)  # no sqlite3.OperationalError


def test_only_what_changed_is_read_again(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with Index(folder) as index:
        index.refresh()
    read: list[str] = []
    real = index_module.load_file

    def counting(path: Path) -> dict[str, object]:
        read.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(index_module, "load_file", counting)
    doc = load_file(folder / f"{SAM}.yaml")
    first = next(t for t in doc["turns"] if t["role"] == "leader")
    first["text"] = "They showed me the Zanzibar deal"
    SessionStore(folder).save(doc)  # the store updates the index from what it wrote
    with Index(folder) as index:
        assert index.refresh() == 0
        assert [m.session for m in index.search("zanzibar")] == [SAM]
        assert read == []
    # A file changed by something other than coach (a sync, an editor) is read by stat.
    path = folder / f"{SAM}.yaml"
    path.write_text(path.read_text().replace("Zanzibar", "Zermatt"))
    with Index(folder) as index:
        assert index.refresh() == 1
        assert [m.session for m in index.search("zermatt")] == [SAM]
        assert not index.search("zanzibar")
        assert index.search("Halvorsen") and read == [f"{SAM}.yaml"]
    (folder / f"{DANA}.yaml").unlink()
    with Index(folder) as index:
        index.refresh()
        assert {m.session for m in index.search("Priya")} == {SAM}


def test_an_unreadable_file_is_listed_with_its_reason(folder: Path) -> None:
    (folder / "2026-11-21-0900-bad1.yaml").write_text(
        "schema: 1\nid: 2026-11-21-0900-bad1\nratings: five\n"
    )
    with Index(folder) as index:
        index.refresh()
        ((name, why),) = index.problems()
    assert name == "2026-11-21-0900-bad1.yaml" and "the field 'ratings' must be a map" in why


@pytest.mark.parametrize("damage", ["garbage", "foreign", "empty", "link", "folder"])
def test_a_damaged_or_foreign_index_is_rebuilt(folder: Path, tmp_path: Path, damage: str) -> None:
    path = folder / INDEX_FILE
    if damage == "garbage":
        path.write_bytes(b"SQLite format 3\x00" + os.urandom(3000))
    elif damage == "foreign":
        other = sqlite3.connect(path)
        other.execute("CREATE TABLE notes (x)")
        other.commit()
        other.close()
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "link":
        target = tmp_path / "elsewhere.txt"
        target.write_text("mine")
        path.symlink_to(target)
    else:
        path.mkdir()
    with Index(folder) as index:
        index.refresh()
        assert {m.session for m in index.search("Priya")} == {DANA, SAM}
    if damage == "link":
        assert (tmp_path / "elsewhere.txt").read_text() == "mine"


def test_a_read_only_folder_is_searched_in_memory(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Root writes into a read-only folder anyway (CI runs as root), so the folder says no.
    monkeypatch.setattr(index_module.os, "access", lambda path, mode: False)
    with Index(folder) as index:
        index.refresh()
        assert index.search("Priya")
    assert not (folder / INDEX_FILE).exists()


def test_list_search(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["list", "--search", "battle finance", "--sessions", str(folder)]) == 0
    out = capsys.readouterr().out
    assert DANA in out and SAM not in out.split("\n", 2)[1]
    assert (
        f"  {DANA}  turn 24: She never played favourites, and went to »battle« with »finance«"
        in out
    )


def test_notes_files_are_not_indexed(folder: Path) -> None:
    (folder / f"{DANA}.notes.yaml").write_text(yamlio.dump({"schema": 1, "id": DANA, "notes": []}))
    with Index(folder) as index:
        index.refresh()
        assert index.problems() == []


def test_an_index_another_process_is_writing_is_waited_for_never_deleted(folder: Path) -> None:
    with Index(folder) as index:
        index.refresh()
    other = sqlite3.connect(folder / INDEX_FILE)
    other.execute("BEGIN EXCLUSIVE")  # as a long write in another coach process
    try:
        with Index(folder, timeout=0.05) as index, pytest.raises(sqlite3.OperationalError):
            index.refresh()
        from coach.archive import BUSY, Archive

        archive = Archive([folder])
        archive._indexes[folder].timeout = 0.05
        assert archive.entries == [] and [p.message for p in archive.problems] == [BUSY]
    finally:
        other.rollback()
        other.close()
    with Index(folder) as index:  # still the same index, whole
        assert index.refresh() == 0 and {m.session for m in index.search("Priya")} == {DANA, SAM}


def test_an_index_made_before_the_lookups_gets_them_without_a_rebuild(folder: Path) -> None:
    with Index(folder) as index:
        index.refresh()
        db = index._open()
        with db:
            for name in index_module._LOOKUPS:
                db.execute(f"DROP INDEX {name}")
    with Index(folder) as index:
        newest = [Path(s.file).stem for s in index.newest(1)]
        assert newest == [SAM] and index.packs() == ["sales-leader"]
        assert index.refresh() == 0  # nothing read again
        names = {r[0] for r in index._open().execute("SELECT name FROM sqlite_master")}
    assert set(index_module._LOOKUPS) <= names
