"""A running reflection and its file: autosave, resume, and a pack that changed meanwhile."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from conftest import DATA

from coach.catalog import PackFile, read_pack
from coach.session import Session, SessionError, clock_from_env
from coach.store import SessionStore

Clock = Callable[[], datetime]


def begin(tmp_path: Path, clock: Clock) -> tuple[Session, Path, SessionStore]:
    pack_path = tmp_path / "tiny.yaml"
    pack_path.write_text((DATA / "packs" / "tiny.yaml").read_text(encoding="utf-8"))
    store = SessionStore(tmp_path / "sessions")
    pack_file = PackFile(pack_path, read_pack(pack_path), stock=False)
    session, _ = Session.begin(store, pack_file, clock, random.Random(1), name="Dana")
    return session, pack_path, store


def test_every_answer_is_on_disk_at_once(tmp_path: Path, clock: Clock) -> None:
    session, _, store = begin(tmp_path, clock)
    session.answer("They asked me questions and waited for my answer")
    doc = store.load(session.id)
    assert doc["turns"][-2]["text"] == "They asked me questions and waited for my answer"
    assert doc["status"] == "in_progress" and doc["progress"]["answered"] == 1


def test_resume_continues_at_the_same_question(tmp_path: Path, clock: Clock) -> None:
    session, _, store = begin(tmp_path, clock)
    session.answer("They asked me questions and waited for my answer")
    session.close()
    again = Session.resume(store, None, clock, [])
    prompt = again.dialogue.current()
    assert prompt is not None and prompt.step == "rating"
    assert again.warnings == []
    assert len(again.dialogue.log) == len(session.dialogue.log)


def test_a_changed_pack_resumes_with_a_warning_when_the_step_remains(
    tmp_path: Path, clock: Clock
) -> None:
    session, pack_path, store = begin(tmp_path, clock)
    session.answer("They asked me questions and waited for my answer")
    session.close()
    pack_path.write_text(
        pack_path.read_text().replace("How well do you listen", "How often do you listen")
    )
    again = Session.resume(store, session.id, clock, [])
    assert again.warnings == [
        "the pack 'tiny' changed since this session started; continuing from the question "
        "you stopped at"
    ]
    prompt = again.dialogue.current()
    assert prompt is not None and prompt.text.startswith("How often do you listen")


def test_a_changed_pack_without_the_step_says_what_to_do(tmp_path: Path, clock: Clock) -> None:
    session, pack_path, store = begin(tmp_path, clock)
    session.answer("They asked me questions and waited for my answer")
    session.close()
    pack_path.write_text(pack_path.read_text().replace("id: rating", "id: listening_rating"))
    with pytest.raises(SessionError) as caught:
        Session.resume(store, session.id, clock, [])
    assert str(caught.value) == (
        f"session {session.id} cannot resume: the pack changed since this session started and "
        "no longer has the step 'rating' where it stopped; it can still be read with "
        f"'coach show {session.id}'"
    )


def test_a_complete_session_is_not_resumed(tmp_path: Path, clock: Clock) -> None:
    session, _, store = begin(tmp_path, clock)
    for answer in [":skip", "3", "Ask one question by Friday", "5", "fair and equal, fair", "1"]:
        session.skip() if answer == ":skip" else session.answer(answer)
    assert session.status == "complete"
    session.close()
    with pytest.raises(SessionError, match="already complete"):
        Session.resume(store, session.id, clock, [])


def test_coach_now_must_be_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SessionError, match="COACH_NOW='tuesday' is not an ISO 8601 time"):
        clock_from_env({"COACH_NOW": "tuesday"})


def test_the_sample_sessions_list_show_and_resume(tmp_path: Path, clock: Clock) -> None:
    import shutil

    from conftest import ROOT

    from coach.report import transcript_markdown
    from coach.transcript import parse

    folder = tmp_path / "samples"
    shutil.copytree(ROOT / "sessions", folder)
    store = SessionStore(folder)
    listing = store.list()
    assert listing.problems == []
    assert [(s.participant, s.status) for s in listing.sessions] == [
        ("Sam", "in_progress"),
        ("Dana", "complete"),
    ]
    dana = store.load(listing.sessions[1].id)
    assert "## Action items" in transcript_markdown(parse(dana, listing.sessions[1].path))
    resumed = Session.resume(store, None, clock, [])
    assert resumed.dialogue.current() is not None
