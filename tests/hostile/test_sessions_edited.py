"""Hand-edited session files that are valid YAML but wrong: one sentence naming the file, the
field and its line, exit 1, never a traceback, nothing overwritten (issue 9)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach import cli
from coach.store import SessionStore, load_file, yamlio

DONE, OPEN = "2026-11-02-0930-vmyh", "2026-11-20-1605-dl20"


def edited(folder: Path, session_id: str, change: Any) -> Path:
    path = folder / f"{session_id}.yaml"
    doc = load_file(path)
    change(doc)
    path.write_text(yamlio.dump(doc), encoding="utf-8")
    return path


def sample_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "s"
    shutil.copytree(ROOT / "sessions", folder)
    return folder


def set_path(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


CASES = {
    "ratings: five": (("ratings",), "five", "the field 'ratings' must be a map of fields"),
    "participant: bob": (("participant",), "bob", "the field 'participant' must be a map"),
    "turns: [hello]": (("turns",), ["hello"], "the field 'turns[0]' must be a map"),
    "loyalty: yes": (("loyalty",), True, "the field 'loyalty' must be a map"),
    "turns[0].n: five": (
        ("turns", 0, "n"),
        "five",
        "the field 'turns[0].n' must be a whole number",
    ),
    "action_items: [text]": (("action_items",), ["text"], "the field 'action_items[0]' must be"),
    "a due date of soon": (("action_items", 0, "due"), "soon", "must be a date as YYYY-MM-DD"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
@pytest.mark.parametrize(
    "command", [["show"], ["show", "--format", "json"], ["actions"], ["resume", "--plain"]]
)
def test_a_wrong_type_is_one_sentence_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str, command: list[str]
) -> None:
    where, value, message = CASES[case]
    folder = sample_folder(tmp_path)
    path = edited(folder, OPEN, lambda doc: set_path(doc, where, value))
    before = path.read_bytes()
    code = cli.main([*command, OPEN, "--sessions", str(folder)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"coach: {path}:") and message in err
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "change",
    [
        lambda doc: set_path(doc, ("snapshot", "at"), "no_such_step"),
        lambda doc: doc.__setitem__("snapshot", {"v": doc["snapshot"]["v"]}),  # cut short
        lambda doc: set_path(doc, ("snapshot", "answers"), "none"),
    ],
    ids=["at a step the pack lacks", "cut short", "answers not a map"],
)
def test_a_damaged_snapshot_cannot_resume_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], change: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(""))
    folder = sample_folder(tmp_path)
    path = edited(folder, OPEN, change)
    before = path.read_bytes()
    code = cli.main(["resume", "--plain", OPEN, "--sessions", str(folder)])
    err = capsys.readouterr().err
    assert code == 1, err
    assert err.count("\n") == 1 and "Traceback" not in err
    # Either the field at fault, placed, or (when only restoring shows it) the session named.
    assert f"{path}:" in err or (f"session {OPEN} cannot resume" in err and "coach show" in err)
    assert path.read_bytes() == before


def test_a_broken_earlier_session_never_stops_a_reflection(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check-in reads earlier sessions: one with a wrong type is passed over."""
    folder = sample_folder(tmp_path)
    edited(folder, DONE, lambda doc: set_path(doc, ("action_items", 0, "due"), "soon"))
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(":pause\n"))
    code = cli.main(["reflect", "--plain", "--name", "Dana", "--sessions", str(folder)])
    assert code == 0
    assert "Traceback" not in capsys.readouterr().err


PATHS = [("pack",), ("pack", "id"), ("participant", "name"), ("progress",), ("progress", "answered"),
         ("ratings", "inspirational_coach"), ("loyalty", "answer"), ("action_items", 0),
         ("action_items", 0, "text"), ("action_items", 0, "source"), ("action_items", 0, "status"),
         ("traits",), ("turns", 3), ("turns", 3, "role"), ("turns", 3, "text"), ("status",),
         ("updated_at",)]  # fmt: skip
WRONG = st.sampled_from([["a", "list"], {"a": "map"}, True, "text", 5])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(where=st.sampled_from(PATHS), value=WRONG)
def test_any_wrong_type_anywhere_is_refused_or_read_never_a_crash(
    tmp_path_factory: pytest.TempPathFactory, where: tuple[Any, ...], value: Any
) -> None:
    import contextlib
    import io

    folder = sample_folder(tmp_path_factory.mktemp("h"))
    edited(folder, DONE, lambda doc: set_path(doc, where, value))
    for command in (["show"], ["actions"], ["show", "--format", "json"]):
        err = io.StringIO()
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code = cli.main([*command, DONE, "--sessions", str(folder)])
        assert code in (0, 1)
        if code == 1:
            assert err.getvalue().count("\n") == 1, err.getvalue()
            assert str(folder / f"{DONE}.yaml") in err.getvalue()
    SessionStore(folder).list()  # a listing never stops at one odd file
