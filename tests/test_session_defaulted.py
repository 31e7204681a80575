"""A due date the coach chose is recorded as chosen, and every place a person reads the item
says so: the transcript, the line-mode summary, Markdown, HTML and `coach actions`."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from conftest import DATA

from coach.catalog import PackFile, read_pack
from coach.checkin import CHOSEN_EDITABLE, item_due
from coach.report import actions_markdown, transcript_markdown
from coach.report.html import transcript_html
from coach.session import Session
from coach.store import SessionStore
from coach.transcript import parse

Clock = Callable[[], datetime]


def reflect(tmp_path: Path, clock: Clock, commitment: list[str]) -> tuple[Session, SessionStore]:
    """The tiny pack answered through to the end, with `commitment` at its commit step."""
    store = SessionStore(tmp_path / "sessions")
    pack_file = PackFile(
        DATA / "packs" / "tiny.yaml", read_pack(DATA / "packs" / "tiny.yaml"), False
    )
    session, _ = Session.begin(store, pack_file, clock, random.Random(1), name="Dana")
    for text in ["They asked me questions and waited for my answer", "4", *commitment]:
        session.answer(text)
    for text in ["5", "She was fair with everyone, no favourites", ":skip", "1"]:
        session.answer(text)
    assert session.dialogue.finished
    return session, store


def test_a_date_the_leader_never_gave_is_recorded_and_shown_as_the_coachs(
    tmp_path: Path, clock: Clock
) -> None:
    session, store = reflect(tmp_path, clock, ["Ask Sam one open question", "when I can"])
    item = next(i for i in session.summary().action_items if i.kind == "commitment")
    assert item.defaulted and item.due == "2026-12-12"
    assert item_due(item.due, item.defaulted) == "Sat 12 Dec, my date"
    assert item_due(item.due, True, CHOSEN_EDITABLE) == "Sat 12 Dec (my date; change it)"
    session.finish()
    doc = store.load(session.id)
    source = next(i["source"] for i in doc["action_items"] if i["source"]["kind"] == "commitment")
    assert source["defaulted"] is True
    transcript = parse(doc, tmp_path / "x.yaml")
    saved = next(i for i in transcript.action_items if i.kind == "commitment")
    assert saved.defaulted
    markdown = transcript_markdown(transcript)
    assert "| Sat 12 Dec 2026 (the coach's date) | Ask Sam one open question |" in markdown
    assert "Sat 12 Dec 2026 (the coach's date)" in actions_markdown([("s", "", saved)])
    assert "Sat 12 Dec 2026 (the coach&#39;s date)" in transcript_html(transcript)


def test_a_date_the_leader_gave_is_not_marked(tmp_path: Path, clock: Clock) -> None:
    session, store = reflect(tmp_path, clock, ["Ask Sam one open question by Friday"])
    item = next(i for i in session.summary().action_items if i.kind == "commitment")
    assert not item.defaulted
    assert item_due(item.due, item.defaulted) == "Fri 4 Dec"
    session.finish()
    doc = store.load(session.id)
    assert all("defaulted" not in i["source"] for i in doc["action_items"])
    assert "(the coach's date)" not in transcript_markdown(parse(doc, tmp_path / "x.yaml"))


def test_a_chosen_date_the_leader_changes_on_the_summary_is_theirs(
    tmp_path: Path, clock: Clock
) -> None:
    from dataclasses import replace

    session, store = reflect(tmp_path, clock, ["Ask Sam one open question", "idk"])
    items = list(session.summary().action_items)
    kept = [replace(i, due="2026-12-09") if i.kind == "commitment" else i for i in items]
    session.finish(kept)
    doc = store.load(session.id)
    assert all("defaulted" not in i["source"] for i in doc["action_items"])


def test_a_hand_edited_defaulted_that_is_not_true_or_false_is_refused(tmp_path: Path) -> None:
    import pytest

    from coach.transcript import TranscriptError

    doc = {
        "schema": 1, "id": "x", "pack": {"id": "tiny", "version": "1"}, "status": "complete",
        "action_items": [{"id": "a1", "text": "t", "trait": None, "due": "2026-12-12",
                          "source": {"kind": "commitment", "step": "commit", "defaulted": "yes"}}],
        "turns": [],
    }  # fmt: skip
    with pytest.raises(
        TranscriptError, match=r"action_items\[0\]\.source\.defaulted.*true or false"
    ):
        parse(doc, tmp_path / "x.yaml")


def test_line_mode_says_the_date_was_the_coachs(tmp_path: Path, clock: Clock) -> None:
    import io

    from coach.linemode import LineMode

    store = SessionStore(tmp_path / "sessions")
    pack_file = PackFile(
        DATA / "packs" / "tiny.yaml", read_pack(DATA / "packs" / "tiny.yaml"), False
    )
    session, _ = Session.begin(store, pack_file, clock, random.Random(1), name="Dana")
    answers = ["They asked me questions and waited", "4", "Ask Sam one open question", "idk",
               "5", "She was fair with everyone, no favourites", ":skip", "1"]  # fmt: skip
    out = io.StringIO()
    LineMode(session, io.StringIO("".join(a + "\n" for a in answers)), out).run()  # type: ignore[arg-type]
    assert "    due Sat 12 Dec, my date (your commitment, Listening)" in out.getvalue()


def _line_mode_to_the_end(tmp_path: Path, clock: Clock, after: list[str]) -> tuple[str, dict]:  # type: ignore[type-arg]
    import io

    from coach.linemode import LineMode

    store = SessionStore(tmp_path / "sessions")
    pack_file = PackFile(
        DATA / "packs" / "tiny.yaml", read_pack(DATA / "packs" / "tiny.yaml"), False
    )
    session, _ = Session.begin(store, pack_file, clock, random.Random(1), name="Dana")
    answers = ["They asked me questions and waited", "4", "Ask Sam one open question", "idk",
               "5", "She was fair with everyone, no favourites", ":skip", "1", *after]  # fmt: skip
    out = io.StringIO()
    LineMode(session, io.StringIO("".join(a + "\n" for a in answers)), out).run()  # type: ignore[arg-type]
    return out.getvalue(), store.load(session.id)


def test_line_mode_lets_the_leader_change_the_coachs_date_at_the_end(
    tmp_path: Path, clock: Clock
) -> None:
    said, doc = _line_mode_to_the_end(tmp_path, clock, ["someday", "18 Dec"])
    assert 'The date for "Ask Sam one open question" is mine: Sat 12 Dec.' in said
    assert "'someday' is not a date I can read" in said
    assert "  → due Fri 18 Dec" in said
    (item,) = [i for i in doc["action_items"] if i["text"] == "Ask Sam one open question"]
    assert item["due"] == "2026-12-18"
    assert not item["source"].get("defaulted", False)  # the leader's date now


def test_line_mode_keeps_the_coachs_date_on_enter_or_after_two_tries(
    tmp_path: Path, clock: Clock
) -> None:
    for after, told in (
        ([""], None),
        (["x", "y"], "'y' is not a date either; I'll keep Sat 12 Dec."),
    ):
        said, doc = _line_mode_to_the_end(tmp_path / str(len(after)), clock, after)
        (item,) = [i for i in doc["action_items"] if i["text"] == "Ask Sam one open question"]
        assert item["due"] == "2026-12-12"
        assert item["source"]["defaulted"] is True
        assert told is None or told in said
        assert "Saved to" in said
