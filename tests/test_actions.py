"""Action items across sessions: filters, formats other tools read back, and marking one done
or dropped in its own session's file."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from conftest import NOW, ROOT

from coach import cli
from coach.store import SessionStore

DANA = "2026-11-02-0930-vmyh"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "sessions", tmp_path / "s")
    monkeypatch.setenv("COACH_SESSIONS_DIR", str(tmp_path / "s"))
    monkeypatch.setenv("COACH_NOW", NOW.isoformat())
    return tmp_path / "s"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_done_and_drop_mark_the_item_in_its_own_file(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "actions", "done", f"{DANA[:10]}:a1")
    assert code == 0 and out.startswith(f"Marked done: {DANA}:a1 ")
    assert run(capsys, "actions", "drop", f"{DANA}:a2", "--why", "Priya left")[0] == 0
    items = SessionStore(folder).load(DANA)["action_items"]
    assert items[0]["status"] == "done" and items[0]["checked"] == {
        "on": "2026-11-28",
        "answer": "done",
    }
    assert items[1]["status"] == "dropped" and items[1]["checked"]["why"] == "Priya left"
    assert (
        items[0]["text"]
        == "Ask each rep for their plan before I give mine, at Thursday's pipeline review"
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["done", "nope"], "'nope' is not an action item; name one as SESSION:ITEM"),
        (["done", f"{DANA}:a99"], f"session {DANA} has no action item 'a99' (it has: a1, a2"),
        (["done"], "name one item: coach actions done SESSION:ITEM"),
        (["--why", "x"], "--why goes with: coach actions drop SESSION:ITEM --why TEXT"),
        (["done", "zzz:a1"], "no session id starts with 'zzz'"),
    ],
)
def test_a_bad_reference_is_one_sentence(
    folder: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    before = (folder / f"{DANA}.yaml").read_bytes()
    code, _, err = run(capsys, "actions", *args)
    assert code == 1 and err.count("\n") == 1 and said in err
    assert (folder / f"{DANA}.yaml").read_bytes() == before


def test_an_item_of_a_session_open_elsewhere_is_not_marked(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach import actions

    monkeypatch.setattr(actions, "BRIEF_WAIT", 0.05)
    with SessionStore(folder).lock(DANA):  # a reflection left open: waited for, briefly
        code, _, err = run(capsys, "actions", "done", f"{DANA}:a1")
    assert code == 1 and "is open in another coach process" in err


def test_an_item_marked_while_another_command_writes_the_session_waits_for_it(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import threading

    other = SessionStore(folder).acquire(DANA)  # another `coach actions`, for a moment
    threading.Timer(0.1, other.release).start()
    code, _, _ = run(capsys, "actions", "done", f"{DANA}:a2")
    assert code == 0
    assert SessionStore(folder).load(DANA)["action_items"][1]["status"] == "done"


def test_filters_by_status_and_leader(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "actions", "done", f"{DANA}:a1")
    _, out, _ = run(capsys, "actions", "--all", "--status", "done", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["session"], r["id"]) for r in rows] == [(DANA, "a1")]
    _, out, _ = run(capsys, "actions", "--leader", "sam", "--format", "csv")
    assert {r["session"] for r in csv.DictReader(io.StringIO(out))} == {"2026-11-20-1605-dl20"}
    _, out, _ = run(capsys, "actions", "--all", "--leader", "nobody")
    assert out.strip() == "No action items."


def test_ics_is_read_back_by_icalendar(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from icalendar import Calendar

    run(capsys, "actions", "drop", f"{DANA}:a2")
    _, out, _ = run(capsys, "actions", "--all", "--format", "ics")
    todos = Calendar.from_ical(out).walk("VTODO")
    assert len(todos) == 9
    first, second = todos[0], todos[1]
    assert str(first["uid"]) == f"{DANA}-a1@coach"
    assert first.decoded("due").isoformat() == "2026-11-05"
    assert str(first["summary"]).startswith("Ask each rep for their plan")
    assert str(second["status"]) == "CANCELLED"
    assert "\r\n" in out  # iCalendar's line ends survive the terminal sanitiser


def test_todo_txt_lines(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "actions", "done", f"{DANA}:a1")
    _, out, _ = run(capsys, "actions", DANA, "--format", "todo")
    lines = out.splitlines()
    # Done: `x`, the day it was marked done, the day of its session; open: that day.
    assert lines[0].startswith(f"x {NOW.date().isoformat()} 2026-11-02 Ask each rep for their")
    assert lines[0].endswith(f"+inspires_creativity due:2026-11-05 session:{DANA} item:a1")
    assert lines[1].startswith("2026-11-02 Ride along with Priya")


def test_todo_txt_never_reads_a_leaders_words_as_its_markers(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = SessionStore(folder)
    doc = store.load(DANA)
    doc["action_items"][1]["text"] = "x (A) 2026-01-01 call Sam"  # done? priority? a date?
    store.save(doc)
    _, out, _ = run(capsys, "actions", DANA, "--format", "todo")
    line = out.splitlines()[1]
    assert line.startswith("2026-11-02 x (A) 2026-01-01 call Sam +inspirational_coach")


def test_output_to_a_file(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "items.csv"
    code, out, _ = run(capsys, "actions", "--all", "--format", "csv", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text().startswith("session,id,due,status,trait,kind,text,trait_title\n")


def test_output_never_replaces_a_link_a_fifo_or_a_device(
    folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    target = tmp_path / "kept.csv"
    target.write_text("mine\n")
    (tmp_path / "link.csv").symlink_to(target)
    os.mkfifo(tmp_path / "pipe.csv")
    for name, why in (("link.csv", "is a symbolic link"), ("pipe.csv", "is not a regular file")):
        code, out, err = run(
            capsys, "actions", "--all", "--format", "csv", "-o", str(tmp_path / name)
        )
        assert code == 1 and out == ""
        assert err.count("\n") == 1 and f"{tmp_path / name}: {why}" in err
    assert (tmp_path / "link.csv").is_symlink() and target.read_text() == "mine\n"
    assert (tmp_path / "pipe.csv").is_fifo()


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (["--leader", "DANA"], ["2026-11-02-0930-vmyh"]),
        (["--status", "in_progress"], ["2026-11-20-1605-dl20"]),
        (["--since", "2026-11-10"], ["2026-11-20-1605-dl20"]),
        (["--until", "2026-11-02"], ["2026-11-02-0930-vmyh"]),
        (["--pack", "team-retro"], []),
    ],
)
def test_list_filters(
    folder: Path, capsys: pytest.CaptureFixture[str], args: list[str], ids: list[str]
) -> None:
    import json

    assert cli.main(["list", "--format", "json", *args]) == 0
    assert [s["id"] for s in json.loads(capsys.readouterr().out)] == ids


def test_list_with_nothing_matching_says_so(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["list", "--leader", "nobody"]) == 0
    assert capsys.readouterr().out == f"No session in {folder} matches.\n"


def test_list_with_a_bad_date_is_a_usage_error(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["list", "--since", "last week"])
    assert caught.value.code == 2
    assert "'last week' is not a date as YYYY-MM-DD" in capsys.readouterr().err


def test_without_an_id_it_says_which_session_the_items_are_from(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "actions")
    newest = SessionStore(folder).list().sessions[0].id
    assert code == 0 and newest in err and "--all shows those of all" in err
    assert newest not in out.splitlines()[0]  # stdout holds the items only
    _, _, quiet = run(capsys, "actions", "--all")
    assert quiet == ""
