"""A session's life belongs to `Session`: one process at a time, the same check-in, summary and
way out in every front end, and nothing accepted is ever lost.

Two processes need real processes; everything else drives the line mode in-process over plain
streams, which is what it takes."""

from __future__ import annotations

import io
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import DATA, ROOT

from coach import checkin
from coach.catalog import PackFile, find_pack
from coach.linemode import LineMode
from coach.session import RatingRow, Session, SessionError, Summary
from coach.store import SessionBusy, SessionStore, StoreError
from coach.transcript import ActionItem

TINY = DATA / "packs" / "tiny.yaml"
# The tiny pack from start to finish (see tests/data/packs/tiny.yaml).
TINY_ANSWERS = ["They asked me questions and waited", "3", "Ask one question by Friday", "5",
                "fair and equal, fair", "1"]  # fmt: skip


def tiny() -> PackFile:
    return find_pack(str(TINY), [])


def run_lines(session: Session, answers: list[str], opening: object = None) -> str:
    out = io.StringIO()
    LineMode(session, io.StringIO("".join(a + "\n" for a in answers)), out).run(opening)  # type: ignore[arg-type]
    return out.getvalue()


def begin(
    store: SessionStore, clock: Callable[[], datetime], name: str = "Dana"
) -> tuple[Session, object]:
    return Session.begin(store, tiny(), clock, random.Random(1), name=name)


# -- one process at a time ----------------------------------------------------------------


class Reflection:
    """`coach reflect --plain` in a real process, answered a line at a time."""

    def __init__(self, sessions: Path, *args: str) -> None:
        env = {**os.environ, "COACH_SESSIONS_DIR": str(sessions), "PYTHONIOENCODING": "utf-8"}
        env.pop("COACH_NOW", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "coach", *args, "--pack", str(TINY)]
            if args[0] == "reflect"
            else [sys.executable, "-m", "coach", *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=env, cwd=ROOT,
        )  # fmt: skip

    def prompt(self) -> str:
        """Everything printed up to the next '> ' prompt."""
        assert self.proc.stdout is not None
        seen = ""
        while not seen.endswith("> "):
            char = self.proc.stdout.read(1)
            if not char:
                break
            seen += char
        return seen

    def answer(self, text: str) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()
        return self.prompt()

    def end(self) -> tuple[int, str]:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        assert self.proc.stdout is not None
        rest = self.proc.stdout.read()
        return self.proc.wait(timeout=30), rest


def coach(sessions: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COACH_SESSIONS_DIR": str(sessions), "PYTHONIOENCODING": "utf-8"}
    env.pop("COACH_NOW", None)
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], input="", capture_output=True, text=True,
        env=env, cwd=ROOT, timeout=60,
    )  # fmt: skip


def test_a_second_process_is_refused_and_the_first_loses_nothing(tmp_path: Path) -> None:
    first = Reflection(tmp_path, "reflect", "--plain", "--name", "Dana")
    first.prompt()
    first.answer(TINY_ANSWERS[0])
    (path,) = tmp_path.glob("*.yaml")
    session_id = path.stem
    for args in (
        ["resume", "--plain", session_id],
        ["resume", "--plain"],
        ["resume", "--tui", session_id],
    ):
        second = coach(tmp_path, *args)
        assert second.returncode == 1, second
        assert second.stderr.count("\n") == 1, second.stderr
        assert (
            f"session {session_id} is open in another coach process (process {first.proc.pid})"
            in second.stderr
        )
        assert "Traceback" not in second.stderr
    for text in TINY_ANSWERS[1:3]:
        first.answer(text)
    code, rest = first.end()
    assert code == 0 and "Resume with: coach resume" in rest
    saved = [t["text"] for t in yaml.safe_load(path.read_text())["turns"] if t["role"] == "leader"]
    assert saved[:3] == TINY_ANSWERS[:3]


def test_the_lock_of_a_killed_process_is_taken_over(tmp_path: Path) -> None:
    first = Reflection(tmp_path, "reflect", "--plain", "--name", "Dana")
    first.prompt()
    first.answer(TINY_ANSWERS[0])
    first.proc.send_signal(signal.SIGKILL)
    first.proc.wait(timeout=30)
    (path,) = tmp_path.glob("*.yaml")
    lock = tmp_path / f".{path.stem}.lock"
    assert lock.read_text().strip() == str(first.proc.pid)  # its pid is still written there
    again = coach(tmp_path, "resume", "--plain", path.stem)
    assert again.returncode == 0, again.stderr
    assert "Welcome back" in again.stdout and "Resume with: coach resume" in again.stdout


def test_a_session_open_here_cannot_be_resumed_in_process(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path)
    session, _ = begin(store, clock)
    session.answer(TINY_ANSWERS[0])
    with pytest.raises(SessionBusy):
        Session.resume(store, session.id, clock, [])
    session.pause()
    Session.resume(store, session.id, clock, []).close()


def test_two_new_sessions_in_the_same_minute_with_the_same_seed_get_two_ids(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path)
    first, _ = begin(store, clock)
    second, _ = begin(store, clock)  # the same seeded rng: the same first id is tried
    assert first.id != second.id
    assert (tmp_path / f"{first.id}.yaml").exists() and (tmp_path / f"{second.id}.yaml").exists()


# -- line mode: check-in, summary, Markdown copy, honest exits --------------------------------


def after_the_samples(tmp_path: Path) -> tuple[SessionStore, Session, Any]:
    """Dana's new session in a copy of the samples, on a day her commitments are due."""
    folder = tmp_path / "s"
    shutil.copytree(ROOT / "sessions", folder)
    store = SessionStore(folder)
    clock = lambda: datetime(2026, 11, 28, 9, tzinfo=UTC)  # noqa: E731
    session, opening = Session.begin(
        store, find_pack(None, []), clock, random.Random(1), name="Dana"
    )
    return store, session, opening


def test_line_mode_opens_with_the_check_in_and_records_it(tmp_path: Path) -> None:
    store, session, opening = after_the_samples(tmp_path)
    out = run_lines(session, ["1", "part", "nonsense", "4", ":pause"], opening)
    assert out.index("── Before we start ──") < out.index("── ", out.index("Before we start") + 20)
    assert "Last time you chose Builds loyalty to work on first (1 of 3):" in out
    assert "Thank you; I'll keep that with it. Which is closest: 1) Done" in out
    saved = store.load(session.id)
    assert [c["answer"] for c in saved["checkin"]] == ["done", "partly", "drop"]
    assert saved["checkin"][2]["note"] == "nonsense"  # their words, kept with the answer
    # Her chosen focus (Builds loyalty: a6) first, then the oldest (a1, a2).
    items = {a["id"]: a["status"] for a in store.load("2026-11-02-0930-vmyh")["action_items"]}
    assert [items[i] for i in ("a6", "a1", "a2")] == ["done", "open", "dropped"]
    assert out.rstrip().endswith(f"Resume with: coach resume {session.id}")


def test_an_empty_line_leaves_the_rest_of_the_check_in_for_next_time(tmp_path: Path) -> None:
    store, session, opening = after_the_samples(tmp_path)
    out = run_lines(session, ["done", "", ":pause"], opening)
    assert "(2 of 3)" in out and "(3 of 3)" not in out
    assert [c["answer"] for c in store.load(session.id)["checkin"]] == ["done"]


def test_a_whole_line_mode_session_ends_with_a_summary_and_a_markdown_copy(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path)
    session, opening = begin(store, clock)
    out = run_lines(session, TINY_ANSWERS, opening)
    assert "── Your reflection ──" in out
    markdown = tmp_path / f"{session.id}.md"
    assert markdown.is_file() and "## Action items" in markdown.read_text()
    lines = out.rstrip().split("\n")
    assert lines[-3:] == [
        f"Saved to {tmp_path / (session.id + '.yaml')}",
        f"Markdown: {markdown}",
        f"Read it again with: coach show {session.id}",
    ]
    assert not session.lock or not session.lock.held


def test_resume_then_pause_says_how_to_resume_and_a_full_stop_never_ends_a_path(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path)
    session, opening = begin(store, clock)
    run_lines(session, TINY_ANSWERS[:1], opening)
    again = Session.resume(store, session.id, clock, [])
    out = run_lines(again, [":pause"])
    path = tmp_path / f"{session.id}.yaml"
    assert [line.removeprefix("> ") for line in out.rstrip().split("\n")[-2:]] == [
        f"Paused. Everything you wrote is saved in {path}",
        f"Resume with: coach resume {session.id}",
    ]


def test_a_session_with_nothing_said_is_not_left_behind(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path)
    session, opening = begin(store, clock)
    out = run_lines(session, [":pause"], opening)
    assert "Nothing was answered, so nothing was kept." in out
    assert "Resume with" not in out
    assert list(tmp_path.glob("*.yaml")) == []
    assert store.latest_unfinished() is None


def test_a_rating_left_empty_is_asked_again_with_its_range(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path)
    session, opening = begin(store, clock)
    out = run_lines(session, [TINY_ANSWERS[0], "   ", ":pause"], opening)
    after = out[out.index("(1-5)") :]
    assert "from 1 to 5" in after


# -- one builder for every front end ----------------------------------------------------------

MARKER = Summary(
    closing=("closing words from the session",),
    ratings=(RatingRow("t", "Marker trait", 2, 7),),
    loyalty="Marker loyalty line.",
    action_items=(ActionItem("a1", "marker action item", "t", "2027-01-05", kind="suggestion"),),
    titles={"t": "Marker trait"},
)


def test_line_mode_prints_the_sessions_summary_and_nothing_of_its_own(
    tmp_path: Path, clock: Callable[[], datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Session, "summary", lambda self: MARKER)
    store = SessionStore(tmp_path)
    session, opening = begin(store, clock)
    out = run_lines(session, TINY_ANSWERS, opening)
    summary = out[out.index("── Your reflection ──") :]
    assert "Marker trait  ██░░░░░  2/7" in summary
    assert "Marker loyalty line." in summary
    assert (
        "marker action item" in summary and "due Tue 5 Jan (a suggestion, Marker trait)" in summary
    )


async def test_the_app_draws_the_sessions_summary_and_nothing_of_its_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_kit import answered, resumed

    monkeypatch.setattr(Session, "summary", lambda self: MARKER)
    store = SessionStore(tmp_path)
    session_id = answered(store, TINY_ANSWERS[:-1])
    app = resumed(store, session_id)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("1")  # the last answer: the summary follows
        await pilot.pause()
        shown = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        assert "closing words from the session" in shown
        assert "Marker trait  ██░░░░░ 2/7" in shown
        assert "Marker loyalty line." in shown
        assert "The coach's suggestion · Marker trait" in shown
        area = app.screen.query_one(".action-text")
        assert area.text == "marker action item"  # type: ignore[attr-defined]


def test_both_front_ends_ask_the_sessions_check_in_questions(
    tmp_path: Path, clock: Callable[[], datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    item = ActionItem("a1", "marker commitment", None, "2026-11-20")
    questions = checkin.questions([checkin.DueItem("old", item)])
    monkeypatch.setattr(Session, "checkin_plan", lambda self: checkin.Plan(questions, []))
    monkeypatch.setattr(Session, "check_in", lambda self, answers: None)
    store = SessionStore(tmp_path)
    session, opening = begin(store, clock)
    out = run_lines(session, ["", ":pause"], opening)
    assert questions[0].text in out


async def test_the_app_asks_the_sessions_check_in_questions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_kit import build

    item = ActionItem("a1", "marker commitment", None, "2026-11-20")
    questions = checkin.questions([checkin.DueItem("old", item)])
    monkeypatch.setattr(Session, "checkin_plan", lambda self: checkin.Plan(questions, []))
    app = build(SessionStore(tmp_path))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert str(app.screen.query_one("#item").render()) == questions[0].text


# -- the app: a busy session is not opened ------------------------------------------------------


async def test_resume_it_on_the_start_screen_refuses_a_session_open_elsewhere(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    from textual.widgets import Button
    from tui_kit import build

    store = SessionStore(tmp_path)
    session, _ = begin(store, clock)
    session.answer(TINY_ANSWERS[0])  # open here, as if in another terminal
    before = (tmp_path / f"{session.id}.yaml").read_bytes()
    app = build(store, unfinished=store.latest_unfinished())
    async with app.run_test(size=(100, 32)) as pilot:
        app.screen.query_one("#resume", Button).press()
        await pilot.pause()
        assert type(app.screen).__name__ == "StartScreen"
        (note,) = app._notifications
        assert f"session {session.id} is open in another coach process" in note.message
    assert app.session is None
    assert (tmp_path / f"{session.id}.yaml").read_bytes() == before


# -- what an adversarial pass found ------------------------------------------------------------


def test_a_copy_resumed_by_path_cannot_overwrite_the_session_it_copies(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path / "s")
    session, opening = begin(store, clock)
    run_lines(session, TINY_ANSWERS, opening)  # complete, in the folder
    copy = tmp_path / "elsewhere" / f"{session.id}.yaml"
    copy.parent.mkdir()
    doc = store.load(session.id)
    copy.write_bytes((tmp_path / "s" / f"{session.id}.yaml").read_bytes().replace(
        b"status: complete", b"status: in_progress"))  # fmt: skip
    before = (tmp_path / "s" / f"{session.id}.yaml").read_bytes()
    with pytest.raises(SessionError) as caught:
        Session.resume(store, str(copy), clock, [])
    assert str(caught.value) == (
        f"{copy} holds session {session.id}, which is already in {store.root}; "
        f"resume that one with 'coach resume {session.id}'"
    )
    assert (tmp_path / "s" / f"{session.id}.yaml").read_bytes() == before
    assert doc["status"] == "complete"


def test_a_copy_by_path_is_refused_while_the_session_is_open(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path / "s")
    session, _ = begin(store, clock)
    session.answer(TINY_ANSWERS[0])
    copy = tmp_path / f"{session.id}.yaml"
    copy.write_bytes((tmp_path / "s" / f"{session.id}.yaml").read_bytes())
    with pytest.raises(SessionBusy):
        Session.resume(store, str(copy), clock, [])


@pytest.mark.parametrize("leave", [":pause", None], ids=["pause", "end of input"])
def test_check_in_answers_given_before_leaving_are_kept(tmp_path: Path, leave: str | None) -> None:
    store, session, opening = after_the_samples(tmp_path)
    out = run_lines(session, ["1"] + ([leave] if leave else []), opening)
    assert "Nothing was answered" not in out
    saved = store.load(session.id)
    assert [c["answer"] for c in saved["checkin"]] == ["done"]
    items = {a["id"]: a["status"] for a in store.load("2026-11-02-0930-vmyh")["action_items"]}
    assert items["a6"] == "done"  # the step she chose to work on first was asked first


async def test_ctrl_q_in_the_apps_check_in_keeps_the_answers_given(tmp_path: Path) -> None:
    from tui_kit import build

    folder = tmp_path / "s"
    shutil.copytree(ROOT / "sessions", folder)
    store = SessionStore(folder)
    app = build(store, packs=[find_pack(None, [])])
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("1", "ctrl+q")
    assert app.session is not None and app.session.ending is not None
    assert app.session.ending.status == "paused"
    assert [c["answer"] for c in store.load(app.session.id)["checkin"]] == ["done"]


def test_a_snapshot_field_of_the_wrong_kind_is_placed(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path)
    session, opening = begin(store, clock)
    run_lines(session, TINY_ANSWERS[:1], opening)
    path = tmp_path / f"{session.id}.yaml"
    text = path.read_text().replace("  turn_count: ", "  turn_count: five # ")
    path.write_text(text)
    with pytest.raises(StoreError) as caught:
        Session.resume(store, session.id, clock, [])
    line = next(i for i, row in enumerate(text.split("\n"), 1) if "turn_count: five" in row)
    assert caught.value.line == line
    assert (
        caught.value.message
        == "the field 'snapshot.turn_count' must be a whole number, not the text 'five'"
    )


def test_a_digit_that_is_not_a_number_is_asked_again(tmp_path: Path) -> None:
    _, session, opening = after_the_samples(tmp_path)
    out = run_lines(session, ["²", "", ":pause"], opening)
    assert "Thank you; I'll keep that with it. Which is closest: 1) Done" in out


def test_a_story_told_instead_of_a_choice_is_kept_even_when_the_check_in_stops(
    tmp_path: Path,
) -> None:
    store, session, opening = after_the_samples(tmp_path)
    out = run_lines(session, ["did it with Dev on the 10th, went well", ":pause"], opening)
    assert "Thank you; I'll keep that with it." in out
    (record,) = store.load(session.id)["checkin"]
    assert record["note"] == "did it with Dev on the 10th, went well"
    assert record["answer"] == "not yet"  # undecided: still open, with what they said


def test_a_markdown_copy_that_cannot_be_written_is_said_and_the_session_is_still_complete(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path)
    session, opening = begin(store, clock)
    (tmp_path / f"{session.id}.md").mkdir()  # in the way
    out = run_lines(session, TINY_ANSWERS, opening)
    assert store.load(session.id)["status"] == "complete"
    assert f"Saved to {tmp_path / (session.id + '.yaml')}" in out
    assert "The Markdown copy could not be written:" in out
    assert out.rstrip().endswith(f"Read it again with: coach show {session.id}")
    assert not session.lock or not session.lock.held


def test_a_save_that_fails_keeps_the_answer_for_the_next_save(
    tmp_path: Path, clock: Callable[[], datetime], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = SessionStore(tmp_path)
    session, opening = begin(store, clock)
    real = store.save
    calls = {"n": 0}

    def full_disk(doc: dict[str, object]) -> Path:
        calls["n"] += 1
        if calls["n"] == 1:
            raise StoreError(tmp_path, "cannot write the file (no space left on device)")
        return real(doc)

    monkeypatch.setattr(store, "save", full_disk)
    out = run_lines(session, [*TINY_ANSWERS[:2], ":pause"], opening)
    assert "Could not save:" in out and "Your answer is kept here" in out
    leader = [t["text"] for t in store.load(session.id)["turns"] if t["role"] == "leader"]
    assert leader[:2] == TINY_ANSWERS[:2]


# -- the follow-up a coach would do ------------------------------------------------------------


def test_the_step_chosen_first_leads_and_not_yet_asks_what_got_in_the_way(tmp_path: Path) -> None:
    store, session, opening = after_the_samples(tmp_path)
    out = run_lines(session, ["3", "Priya was out sick", "done", "", ":pause"], opening)
    first = out.index("Last time you chose Builds loyalty to work on first")
    assert out.index("── Before we start ──") < first
    assert "What happened?" in out[first : first + 300]
    assert "What got in the way?" in out
    assert "Thank you for saying so. It stays on your list." in out  # each answer heard
    assert "Good. That one is done." in out
    assert "You also committed to (2 of 3):" in out
    records = store.load(session.id)["checkin"]
    assert records[0]["answer"] == "not yet" and records[0]["note"] == "Priya was out sick"
    assert records[1]["answer"] == "done" and "note" not in records[1]
    # What got in the way is on the item itself too, where a coach reading that session looks.
    old = store.load(records[0]["session"])["action_items"]
    asked = next(i for i in old if i["id"] == records[0]["item"])
    assert asked["status"] == "open"
    assert asked["checked"] == {
        "on": "2026-11-28", "answer": "not yet", "in": session.id, "why": "Priya was out sick"
    }  # fmt: skip


def test_commitments_not_yet_due_are_listed_not_asked(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    shutil.copytree(ROOT / "sessions", folder)
    store = SessionStore(folder)
    clock = lambda: datetime(2026, 11, 10, 9, tzinfo=UTC)  # noqa: E731
    session, opening = Session.begin(
        store, find_pack(None, []), clock, random.Random(1), name="Dana"
    )
    plan = session.checkin_plan()
    assert all(q.due.due <= "2026-11-10" for q in plan.questions)
    assert plan.ahead and all(d.due > "2026-11-10" for d in plan.ahead)
    out = run_lines(session, ["", ":pause"], opening)
    assert "Still ahead:" in out and "(due Fri 13 Nov)" in out


def test_the_summary_says_how_the_follow_through_went(tmp_path: Path) -> None:
    _, session, _ = after_the_samples(tmp_path)
    session.check_in(
        [
            (q.due, a)
            for q, a in zip(session.checkin_questions(), ["done", "drop", "done"], strict=True)
        ]
    )
    assert (
        session.summary().followed == "You followed through on 2 of 3 commitments from last time."
    )


async def test_not_yet_in_the_app_asks_what_got_in_the_way(tmp_path: Path) -> None:
    from textual.widgets import Input
    from tui_kit import build

    folder = tmp_path / "s"
    shutil.copytree(ROOT / "sessions", folder)
    store = SessionStore(folder)
    app = build(store, packs=[find_pack(None, [])])
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert "Last time you chose Builds loyalty to work on first" in str(
            app.screen.query_one("#item").render()
        )
        await pilot.press("3")
        box = app.screen.query_one("#not-yet", Input)
        assert box.display and box.has_focus
        box.value = "Quarter end ate the week"
        await pilot.press("enter", "1", "1")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReflectScreen"
    assert app.session is not None
    records = store.load(app.session.id)["checkin"]
    assert records[0] == {**records[0], "answer": "not yet", "note": "Quarter end ate the week"}
    assert [r["answer"] for r in records] == ["not yet", "done", "done"]
