"""The derived SQLite index: up to date by stat, only what changed read again, any damage
rebuilt, search over every answer."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from coach import cli
from coach.store import SessionStore, load_file, yamlio
from coach.store import index as index_module
from coach.store.index import INDEX_FILE, Index, Stamp

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
    real = index_module._read

    def counting(path: Path, stamp: Stamp) -> tuple[dict[str, Any], Stamp]:
        read.append(Path(path).name)
        return real(path, stamp)

    monkeypatch.setattr(index_module, "_read", counting)
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


def _tables(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of an index but the keys it chose (a cold build numbers sessions afresh)."""
    db = sqlite3.connect(path)
    try:
        return {
            "files": sorted(db.execute("SELECT * FROM files")),
            "sessions": sorted(db.execute("SELECT id, file, participant, pack, status, "
                "started_at, updated_at, loyalty_trait, summary, facts, header FROM sessions")),
            "ratings": sorted(db.execute("SELECT * FROM ratings")),
            "actions": sorted(db.execute("SELECT * FROM actions"), key=repr),
            "answers": sorted(db.execute("SELECT session, n, text FROM answers")),
            "matches": sorted(db.execute("SELECT session, n FROM answers "
                "WHERE answers MATCH 'zermatt OR priya OR carla'")),
        }  # fmt: skip
    finally:
        db.close()


def _copy_of(folder: Path, source: str, new_id: str, *changes: tuple[str, str]) -> Path:
    """Session `source` again under `new_id`, with words replaced."""
    text = (folder / f"{source}.yaml").read_text(encoding="utf-8").replace(source, new_id)
    for old, new in changes:
        text = text.replace(old, new)
    path = folder / f"{new_id}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


ODD_FILES = {
    # The turns are not a list: the header still lists the session.
    "2026-11-21-0900-body": lambda text: text.replace("\nturns:\n", "\nturns: many\nturnz:\n"),
    # YAML the quick reader leaves to PyYAML's constructor, or to the store.
    "2026-11-21-0901-tags": lambda text: text.replace("status: in_progress", "status: !!str in_progress")
    .replace("started_at: '2026-11-20T16:05:00+00:00'", "started_at: 2026-11-20"),
    "2026-11-21-0902-merg": lambda text: text.replace("ratings:\n", "ratings:\n  <<: {confident: 2}\n"),
    "2026-11-21-0903-date": lambda text: text.replace(
        "started_at: '2026-11-20T16:05:00+00:00'", "started_at: 2026-02-30"
    ),
    "2026-11-21-0904-yaml": lambda text: text.replace("ratings:\n", "ratings: [\n"),
    "2026-11-21-0905-name": lambda text: text.replace("id: 2026-11-21-0905-name", "id: other"),
    "2026-11-21-0906-keys": lambda text: text.replace("ratings:\n", "ratings:\n  ? [a, b]\n  : 3\n"),
}  # fmt: skip


def test_an_index_kept_up_to_date_equals_one_built_from_scratch(
    folder: Path, tmp_path: Path
) -> None:
    """Refreshed step by step (files added, changed in place, replaced, removed, odd ones),
    the index holds exactly what a cold build of the same files holds."""
    with Index(folder) as index:
        assert index.refresh() == 2
        for i in range(6):
            _copy_of(folder, SAM, f"2026-11-2{i}-1000-cp0{i}", ("Priya", f"Priya{i}"))
        for name, change in ODD_FILES.items():
            path = _copy_of(folder, SAM, name)
            path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
        (folder / "2026-11-21-0907-link.yaml").symlink_to(folder / f"{SAM}.yaml")
        os.mkfifo(folder / "2026-11-21-0908-pipe.yaml")
        (folder / "2026-11-21-0909-fold.yaml").mkdir()
        (folder / f"{DANA}.notes.yaml").write_text("schema: 1\n")
        assert index.refresh() == 6 + len(ODD_FILES) + 3
        # In place (a longer text: the size moves even where the clock does not), by an
        # atomic replace, by removal; and a copy that changes its mind about its id.
        changed = folder / "2026-11-20-1000-cp00.yaml"
        changed.write_text(changed.read_text().replace("Carla", "Zermatt Carla"))
        _copy_of(folder, SAM, "2026-11-21-1000-cp01", ("Priya", "Zermatt"))
        os.replace(folder / "2026-11-21-1000-cp01.yaml", folder / "2026-11-21-1000-cp01.yaml")
        (folder / "2026-11-22-1000-cp02.yaml").unlink()
        (folder / "2026-11-21-0905-name.yaml").write_text(
            (folder / "2026-11-21-0905-name.yaml").read_text().replace("id: other\n", "id: x\n")
        )
        assert index.refresh() == 3
        assert index.refresh() == 0
        problems = dict(index.problems())
    assert (
        "(it holds the date 2026-02-30, which does not exist)"
        in problems["2026-11-21-0903-date.yaml"]
    )
    assert "symbolic link" in problems["2026-11-21-0907-link.yaml"]
    assert "named pipe" in problems["2026-11-21-0908-pipe.yaml"]
    kept = _tables(folder / INDEX_FILE)
    (folder / INDEX_FILE).unlink()
    with Index(folder) as index:
        index.refresh()
        db = index._open()
        db.execute("INSERT INTO answers(answers) VALUES ('integrity-check')")
    built = _tables(folder / INDEX_FILE)
    assert kept == built
    assert {s for s, _ in kept["matches"]} >= {DANA, "2026-11-21-1000-cp01"}
    bodies = {row[0]: row[8] for row in kept["files"]}
    assert bodies["2026-11-21-0901-tags.yaml"] is None and bodies["2026-11-21-0900-body.yaml"]


@pytest.mark.parametrize(
    "text",
    [
        "schema: 1\nid: a\nturns: []\n",
        "schema: 1\nid: a\nn: [1, 0x1f, 1_000, 1:30, -.inf, .nan, 1e3, ~, null, yes, No, '']\n",
        "schema: 1\nid: a\nwhen: 2026-11-20\nat: 2026-11-20T16:05:00Z\nb: !!binary aGk=\n",
        "schema: 1\nid: a\n? [x]\n: 1\n",
        "schema: 1\nid: a\n=: 1\n",
        "schema: 1\nid: a\nn:\n  <<: {x: 1, y: 0}\n  y: 2\n",
        "schema: 1\nid: a\nm: &m {x: 1}\nn:\n  <<: *m\n",
        "schema: 1\nid: a\ns: !!set {x, y}\no: !!omap [a: 1]\np: !!pairs [a: 1]\n",
        "schema: 1\nid: a\n1: one\ntrue: yes\nnull: none\n",
        "schema: 1\nid: a\nt: 'x'\nu: \"y\\u0085\"\nv: |\n  z\n",
        "schema: 1\nid: a\nx: !custom 3\n",
        "schema: 2000\nid: a\n",
        "- schema: 1\n",
        "schema: 1\nid: a\n---\nschema: 1\n",
        "schema: 1\nid: a\ndeep: " + "[" * 2000 + "]" * 2000 + "\n",
    ],
)
def test_the_quick_reader_reads_what_yamlio_reads_or_declines(text: str) -> None:
    quick = index_module._quick_load(text.encode())
    try:
        slow = yamlio.load(text)
    except Exception:  # any refusal of yamlio's must be the quick reader's too
        assert quick is None
        return
    if quick is not None:
        assert quick == slow and repr(quick) == repr(slow)


_PLAIN = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(_PLAIN)
def test_the_quick_reader_reads_what_the_store_writes(value: object) -> None:
    text = yamlio.dump({"schema": 1, "id": "a", "value": value})
    quick = index_module._quick_load(text.encode())
    assert quick is None or quick == yamlio.load(text)
    assert quick is not None or "*" in text


def test_the_quick_reader_reads_the_sample_sessions_as_the_store_does() -> None:
    for path in (ROOT / "sessions").glob("*.yaml"):
        quick = index_module._quick_load(path.read_bytes())
        assert quick is not None and quick == load_file(path)


def test_a_file_replaced_while_it_is_read_is_indexed_whole_then_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An atomic save lands after the refresh opened the file: the old text is indexed whole,
    under the old file's stamp, so the next refresh reads the new one."""
    path = folder / f"{SAM}.yaml"
    new = path.read_text().replace("Priya", "Zermatt")
    real = index_module.open_plain

    def replaced_once_opened(target: Path, **kwargs: bool) -> tuple[int, os.stat_result]:
        opened = real(target, **kwargs)
        if Path(target) == path:
            temp = folder / f".{SAM}.yaml.tmp"
            temp.write_text(new)
            os.replace(temp, path)
        return opened

    monkeypatch.setattr(index_module, "open_plain", replaced_once_opened)
    with Index(folder) as index:
        assert index.refresh() == 2
        assert {m.session for m in index.search("Priya")} == {DANA, SAM}
        assert not index.search("Zermatt")
        monkeypatch.setattr(index_module, "open_plain", real)
        assert index.refresh() == 1
        assert {m.session for m in index.search("Zermatt")} == {SAM}


_REFRESH = """
import sys
from coach.store.index import Index
with Index(sys.argv[1]) as index:
    print(index.refresh())
"""


def test_two_processes_refreshing_at_once_both_finish_and_agree(folder: Path) -> None:
    """One waits for the other's write lock; neither fails, no file is read twice."""
    for i in range(40):
        _copy_of(folder, SAM, f"2026-10-{i % 28 + 1:02}-{1000 + i}-pr{i:02}", ("Carla", f"C{i}"))
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", _REFRESH, str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert all(err == "" for _, err in results)
    assert sorted(int(out) for out, _ in results) == [0, 42]  # none read twice
    kept = _tables(folder / INDEX_FILE)
    (folder / INDEX_FILE).unlink()
    with Index(folder) as index:
        assert index.refresh() == 42
    assert _tables(folder / INDEX_FILE) == kept
