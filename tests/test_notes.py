"""A coach's notes: beside the transcript, never in it; shown only when asked for."""

from __future__ import annotations

import os
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


def test_a_note_is_kept_beside_the_session_and_shown_on_request(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    transcript = (folder / f"{DANA}.yaml").read_bytes()
    assert cli.main(["note", DANA, "Ask about Priya <script>x</script>", "--author", "Alex"]) == 0
    assert cli.main(["note", DANA[:12], "Strong example", "--turn", "14", "--author", "Alex"]) == 0
    assert (folder / f"{DANA}.yaml").read_bytes() == transcript  # the leader's file untouched
    capsys.readouterr()
    cli.main(["show", DANA])
    assert "Coach notes" not in capsys.readouterr().out
    cli.main(["show", DANA, "--notes"])
    out = capsys.readouterr().out
    notes = out[out.index("## Coach notes") :]
    assert "**Alex**, 2026-11-28T09:00:00+00:00:" in notes
    assert "> Ask about Priya &lt;script&gt;x&lt;/script&gt;" in notes
    assert "on turn 14:" in notes
    listing = SessionStore(folder).list()
    assert [s.id for s in listing.sessions] == ["2026-11-20-1605-dl20", DANA]
    assert not listing.problems  # the notes file is not a session


def test_a_note_on_a_session_open_elsewhere_is_still_taken(folder: Path) -> None:
    with SessionStore(folder).lock(DANA):
        assert cli.main(["note", DANA, "While Dana reflects", "--author", "Alex"]) == 0


def test_two_coaches_noting_at_once_both_keep_their_note(
    folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from coach import notes
    from coach.store.store import SessionLock

    path = notes.notes_path(folder / f"{DANA}.yaml")
    other = SessionLock(path, path.stem)  # another coach, writing its note right now
    threading.Timer(0.1, other.release).start()
    assert cli.main(["note", DANA, "Mine", "--author", "Alex"]) == 0  # waited, then written
    assert [n.text for n in notes.read(folder / f"{DANA}.yaml")] == ["Mine"]
    monkeypatch.setattr(notes, "BRIEF_WAIT", 0.05)
    with SessionLock(path, path.stem):  # a writer that does not let go
        capsys.readouterr()
        assert cli.main(["note", DANA, "Lost?", "--author", "Alex"]) == 1
    said = capsys.readouterr().err
    assert said.endswith(
        f"another coach process (process {os.getpid()}) has been writing the notes of session"
        f" {DANA} for over 0.05 s; try again once it is done\n"
    )
    assert [n.text for n in notes.read(folder / f"{DANA}.yaml")] == ["Mine"]


@pytest.mark.parametrize(
    ("args", "said"),
    [([DANA, "   "], "the note is empty"),
     ([DANA, "x", "--turn", "999"], f"session {DANA} has no turn 999 (its turns are 1-59)")],
)  # fmt: skip
def test_a_bad_note_is_one_sentence(
    folder: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    assert cli.main(["note", *args]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err
    assert not (folder / f"{DANA}.notes.yaml").exists()


def test_a_hand_edited_notes_file_with_a_wrong_type_is_placed(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = folder / f"{DANA}.notes.yaml"
    path.write_text(f"schema: 1\nid: {DANA}\nnotes:\n- at: x\n  author: A\n  text: [a, b]\n")
    assert cli.main(["show", DANA, "--notes"]) == 1
    err = capsys.readouterr().err
    assert f"{path}:6:" in err and "the field 'notes[0].text' must be text" in err


def test_show_html_and_history_write_files_and_print_their_paths(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["note", DANA, "Ask about [x](javascript:alert(1))", "--author", "Alex"])
    capsys.readouterr()
    assert cli.main(["show", DANA, "--format", "html", "--notes"]) == 0
    page = folder / f"{DANA}.html"
    assert capsys.readouterr().out == f"{page}\n"
    text = page.read_text()
    assert "<script" not in text and "Ask about [x](javascript:alert(1))" in text
    assert cli.main(["history", "DANA"]) == 0
    assert capsys.readouterr().out == f"{folder / 'history-dana.html'}\n"
    assert cli.main(["history", "nobody"]) == 1
    assert "there are no sessions of nobody" in capsys.readouterr().err


def test_notes_in_markdown_cannot_form_links(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli.main(["note", DANA, "[x](javascript:alert(1)) <b>", "--author", "<i>A</i>"])
    capsys.readouterr()
    cli.main(["show", DANA, "--notes"])
    notes = capsys.readouterr().out.split("## Coach notes")[1]
    assert (
        "](javascript" not in notes.replace("\\]", "") and "<b>" not in notes and "<i>" not in notes
    )
