"""Joining a retro: the typed tag on a session, the process default the app's start screen
uses, one contribution per session, and a retro folder that cannot be written."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from retro_kit import participant
from test_cli import coach

from coach.catalog import read_pack
from coach.retro.files import RetroFolder
from coach.retro.join import contribute
from coach.session import Session, join_retro
from coach.store import SessionStore
from coach.transcript import RetroTag, TranscriptError, parse


def test_a_session_begun_while_joining_carries_the_tag_and_saves_it(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path / "s")
    pack = read_pack(ROOT / "prompts" / "team-retro.yaml")
    from coach.catalog import PackFile

    tag = RetroTag("q4", "named", "north", str(tmp_path / "r" / "q4"))
    join_retro(tag)
    try:
        session, _ = Session.begin(
            store,
            PackFile(Path("team-retro.yaml"), pack, True),
            clock,
            random.Random(1),
            name="Ann",
        )
    finally:
        join_retro(None)
    session.close()
    assert session.retro == tag
    assert parse(store.load(session.path), session.path).retro == tag
    plain, _ = Session.begin(
        store, PackFile(Path("team-retro.yaml"), pack, True), clock, random.Random(2)
    )
    plain.close()
    assert plain.retro is None and "retro" not in plain.to_doc()


def test_a_hand_edited_retro_field_is_refused_with_its_place(tmp_path: Path) -> None:
    doc = {
        "schema": 1,
        "id": "x",
        "pack": {"id": "p", "version": "1"},
        "retro": {"id": "q4", "share": "everyone"},
    }
    with pytest.raises(TranscriptError, match=r"retro\.share"):
        parse(doc, tmp_path / "x.yaml")


def test_a_session_contributes_once_however_often_it_is_asked(tmp_path: Path) -> None:
    env = {"COACH_RETRO_DIR": str(tmp_path / "r")}
    p = participant(random.Random(3), "Ann", "anonymous")
    done = coach(
        "reflect", "--plain", "--retro", "q4", stdin=p.lines(), sessions=tmp_path / "s", env=env
    )
    assert done.returncode == 0, done.stderr
    session_id = next((tmp_path / "s").glob("*.yaml")).stem
    again = coach("retro", "q4", "--contribute", session_id, sessions=tmp_path / "s", env=env)
    assert again.returncode == 0, again.stderr
    assert len(list((tmp_path / "r" / "q4" / "contributions").iterdir())) == 1
    other = coach("retro", "q5", "--contribute", session_id, sessions=tmp_path / "s", env=env)
    assert other.returncode == 1 and "was not run for retro q5" in other.stderr


def test_a_retro_folder_in_the_way_is_said_before_the_first_question(tmp_path: Path) -> None:
    (tmp_path / "r" / "q4").mkdir(parents=True)
    (tmp_path / "r" / "q4" / "contributions").write_text("a file", encoding="utf-8")
    done = coach(
        "reflect",
        "--plain",
        "--retro",
        "q4",
        stdin="4\n",
        sessions=tmp_path / "s",
        env={"COACH_RETRO_DIR": str(tmp_path / "r")},
    )
    assert done.returncode == 1 and "in the way of the retro folder" in done.stderr
    assert not (tmp_path / "s").exists() or not list((tmp_path / "s").glob("*.yaml"))


def test_a_contribution_that_cannot_be_written_keeps_the_answers_and_can_follow(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    env = {"COACH_RETRO_DIR": str(tmp_path / "r")}
    p = participant(random.Random(4), "Ann", "anonymous")
    done = coach(
        "reflect", "--plain", "--retro", "q4", stdin=p.lines(), sessions=tmp_path / "s", env=env
    )
    assert done.returncode == 0
    store = SessionStore(tmp_path / "s")
    path = next((tmp_path / "s").glob("*.yaml"))
    transcript = parse(store.load(path), path)
    assert transcript.retro is not None and transcript.complete
    blocked = RetroTag("q9", folder=str(tmp_path / "blocked" / "q9"))
    (tmp_path / "blocked").write_text("not a folder", encoding="utf-8")
    from coach.errors import StoreError

    with pytest.raises(StoreError):
        contribute(store.root, transcript, blocked, clock())
    assert RetroFolder(tmp_path / "r" / "q4", "q4").read().contributions


def test_a_closed_retro_takes_no_contribution_and_the_transcript_is_kept(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    from coach.errors import StoreError
    from coach.retro.files import RetroResult

    env = {"COACH_RETRO_DIR": str(tmp_path / "r")}
    p = participant(random.Random(5), "Ann", "anonymous")
    done = coach(
        "reflect", "--plain", "--retro", "q4", stdin=p.lines(), sessions=tmp_path / "s", env=env
    )
    assert done.returncode == 0, done.stderr
    store = SessionStore(tmp_path / "s")
    path = next((tmp_path / "s").glob("*.yaml"))
    transcript = parse(store.load(path), path)
    closed = RetroFolder(tmp_path / "r" / "q7", "q4")
    closed.write_result(RetroResult("2026-12-02", 5, {}, ()))
    tag = RetroTag("q4", folder=str(closed.path))
    with pytest.raises(StoreError, match=r"was closed.*your transcript is kept"):
        contribute(store.root, transcript, tag, clock())
    assert list(closed.contributions_dir.iterdir()) == []
    assert path.exists()
    RetroFolder(tmp_path / "r" / "q4", "q4").write_result(RetroResult("2026-12-02", 1, {}, ()))
    late = coach("reflect", "--plain", "--retro", "q4", stdin="4\n", sessions=tmp_path / "t",
                 env=env)  # fmt: skip
    assert late.returncode == 1 and "retro q4 is closed" in late.stderr


def test_the_default_retro_folder_keeps_the_sessions_folder_private(tmp_path: Path) -> None:
    sessions = tmp_path / "x" / "s"
    done = coach("reflect", "--plain", "--retro", "q4", stdin="", sessions=sessions,
                 env={"COACH_RETRO_DIR": ""})  # fmt: skip
    assert sessions.is_dir(), done.stderr
    assert sessions.stat().st_mode & 0o777 == 0o700
    assert (sessions / "retros").stat().st_mode & 0o777 == 0o700
    assert (sessions / "retros" / "q4").stat().st_mode & 0o7777 == 0o3770  # shared, as documented


def test_a_retro_closed_during_the_session_is_said_plainly_at_the_end(
    tmp_path: Path, clock: Callable[[], datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.catalog import PackFile
    from coach.retro import join
    from coach.retro.files import RetroResult

    folder = RetroFolder(tmp_path / "r" / "q4", "q4")
    tag = RetroTag("q4", "anonymous", None, str(folder.path))
    join_retro(tag)
    try:
        session, _ = Session.begin(
            SessionStore(tmp_path / "s"),
            PackFile(
                Path("team-retro.yaml"), read_pack(ROOT / "prompts" / "team-retro.yaml"), True
            ),
            clock,
            random.Random(1),
        )
    finally:
        join_retro(None)
    folder.write_result(RetroResult("2026-12-02", 5, {}, ()))  # the facilitator closes it
    real = join.contribute

    def finished(sessions: Path, transcript: Any, tag: RetroTag, now: datetime) -> Path:
        # As if every question had been answered: the real contribution, of a finished session.
        return real(sessions, replace(transcript, status="complete"), tag, now)

    monkeypatch.setattr(join, "contribute", finished)
    ending = session.finish()
    assert ending.problem is not None
    assert ending.problem.startswith("Retro q4 was closed before this session ended")
    assert "tries again" not in ending.problem  # no later try can help
    assert ending.path is not None and ending.path.exists()  # their transcript is kept
    assert join.read_ledger(tmp_path / "s", folder).sessions == {}
