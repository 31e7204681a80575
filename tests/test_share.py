"""Sharing with a coach: whole copies or summaries, replaced when shared again, never
resumable, never the leader's own folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import NOW, ROOT

from coach import cli
from coach.store import SessionStore

DANA, SAM = "2026-11-02-0930-vmyh", "2026-11-20-1605-dl20"


@pytest.fixture
def sessions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(ROOT / "sessions", tmp_path / "mine")
    monkeypatch.setenv("COACH_SESSIONS_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("COACH_NOW", NOW.isoformat())
    return tmp_path / "mine"


def test_a_whole_copy_keeps_every_turn_and_cannot_be_resumed(
    sessions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    coach_dir = tmp_path / "coach"
    assert cli.main(["share", SAM, "--to", str(coach_dir)]) == 0
    assert capsys.readouterr().out == f"Shared 1 session to {coach_dir}\n"
    copy = yaml.safe_load((coach_dir / f"{SAM}.yaml").read_text())
    mine = yaml.safe_load((sessions / f"{SAM}.yaml").read_text())
    assert copy["turns"] == mine["turns"] and "snapshot" not in copy
    assert copy["shared"] == {"at": NOW.isoformat(timespec="seconds"), "summary_only": False}
    assert cli.main(["resume", "--plain", SAM, "--sessions", str(coach_dir)]) == 1
    assert "is a copy shared with a coach" in capsys.readouterr().err


def test_a_summary_holds_no_answer(
    sessions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    coach_dir = tmp_path / "coach"
    assert cli.main(["share", "--all", "--to", str(coach_dir), "--summary-only"]) == 0
    assert "Shared 2 summaries" in capsys.readouterr().out
    text = (coach_dir / f"{DANA}.yaml").read_text()
    copy = yaml.safe_load(text)
    assert copy["turns"] == [] and copy["loyalty"] == {"answer": None, "trait": "builds_loyalty"}
    assert copy["ratings"] and copy["action_items"]
    mine = yaml.safe_load((sessions / f"{DANA}.yaml").read_text())
    items = {item["text"] for item in mine["action_items"]}  # a commitment is its own item
    for turn in mine["turns"]:
        if turn["role"] == "leader" and len(turn["text"]) > 12 and turn["text"] not in items:
            assert turn["text"] not in text  # not one other answer the leader typed
    listing = SessionStore(coach_dir).list()
    assert [s.id for s in listing.sessions] == [SAM, DANA] and not listing.problems


def test_sharing_again_replaces_the_copy(sessions: Path, tmp_path: Path) -> None:
    coach_dir = tmp_path / "coach"
    cli.main(["share", DANA, "--to", str(coach_dir), "--summary-only"])
    cli.main(["actions", "done", f"{DANA}:a1"])
    cli.main(["share", DANA, "--to", str(coach_dir)])
    copy = yaml.safe_load((coach_dir / f"{DANA}.yaml").read_text())
    assert copy["shared"]["summary_only"] is False and copy["turns"]
    assert copy["action_items"][0]["status"] == "done"
    assert sorted(p.name for p in coach_dir.iterdir()) == [f"{DANA}.yaml"]


@pytest.mark.parametrize(
    ("args", "said"),
    [(["--to", "X"], "name the sessions to share, or --all"),
     ([DANA, "--all", "--to", "X"], "name the sessions to share, or --all"),
     (["zzz", "--to", "X"], "no session id starts with 'zzz'")],
)  # fmt: skip
def test_bad_requests_are_one_sentence(
    sessions: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], said: str
) -> None:
    args = [str(tmp_path / "c") if a == "X" else a for a in args]
    assert cli.main(["share", *args]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and said in err
    assert not (tmp_path / "c").exists()


def test_the_leaders_own_folder_is_refused(
    sessions: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = sorted((p.name, p.read_bytes()) for p in sessions.glob("*.yaml"))
    assert cli.main(["share", "--all", "--to", str(sessions)]) == 1
    assert "this is the sessions folder itself" in capsys.readouterr().err
    assert sorted((p.name, p.read_bytes()) for p in sessions.glob("*.yaml")) == before
