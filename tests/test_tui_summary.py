"""The summary screen as a leader uses it: every item readable whole, its date in the
conversation's words, remove and undo, and Ctrl+S or Ctrl+Q keep what was edited."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input, TextArea
from tui_kit import answered, resumed, say

from coach.store import SessionStore
from coach.tui.app import CoachApp
from coach.tui.screens.summary import ActionRow

# The tiny pack up to its last question ("Which one trait will you work on first?").
BEFORE_FOCUS = ["ok", "They asked me questions and waited", "2", "I'll ask more questions",
                "by Friday", "2", "I pick favourites sometimes", "She listened", "1"]  # fmt: skip
LONG = ("Sit with each of the four new reps for a whole afternoon of calls, let them lead "
        "every call, and only afterwards ask what they would do differently next time")  # fmt: skip


def at_summary(tmp_path: Path) -> tuple[SessionStore, str, CoachApp]:
    store = SessionStore(tmp_path)
    session_id = answered(store, BEFORE_FOCUS)
    return store, session_id, resumed(store, session_id)


def rows(app: CoachApp) -> list[ActionRow]:
    return list(app.screen.query(ActionRow))


async def open_summary(pilot: object, app: CoachApp) -> None:
    """Answer the last question; the summary follows."""
    await pilot.pause()  # type: ignore[attr-defined]
    await say(pilot, "fairness")  # type: ignore[arg-type]
    assert type(app.screen).__name__ == "SummaryScreen"


async def test_edits_a_due_phrase_and_a_removal_are_saved_with_a_markdown_copy(
    tmp_path: Path,
) -> None:
    store, session_id, app = at_summary(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_summary(pilot, app)
        first, second, *_ = rows(app)
        first.query_one(TextArea).text = "Ask Sam one open question [TODO] on Monday"
        first.due_box.value = "next Friday"
        await pilot.pause()
        assert str(first.query_one(".action-due-words").render()) == "Fri 4 Dec, 2026"
        second.query_one(".remove", Button).press()
        await pilot.pause()
        await pilot.press("ctrl+s")
    assert app.session is not None and app.session.ending is not None
    ending = app.session.ending
    assert ending.status == "complete"
    items = store.load(session_id)["action_items"]
    assert items[0]["text"] == "Ask Sam one open question [TODO] on Monday"
    assert items[0]["due"] == "2026-12-04"
    assert [i["id"] for i in items] == [f"a{n}" for n in range(1, len(items) + 1)]
    assert second.item.text not in [i["text"] for i in items]
    assert ending.export is not None
    # The Markdown copy has the edit, brackets escaped so they can never form a link.
    assert "Ask Sam one open question \\[TODO\\] on Monday" in ending.export.read_text()


async def test_a_removed_item_comes_back_with_undo(tmp_path: Path) -> None:
    store, session_id, app = at_summary(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_summary(pilot, app)
        first = rows(app)[0]
        first.query_one(".remove", Button).press()
        await pilot.pause()
        assert not first.display
        assert "Removed:" in str(app.screen.query_one("#undo-text").render())
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert first.display and not app.screen.query_one("#undo-bar").display
        await pilot.press("ctrl+s")
    assert first.item.text in [i["text"] for i in store.load(session_id)["action_items"]]


async def test_ctrl_q_on_the_summary_keeps_the_edits_and_never_says_resume(
    tmp_path: Path,
) -> None:
    store, session_id, app = at_summary(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_summary(pilot, app)
        rows(app)[0].query_one(TextArea).text = "Edited, then Ctrl+Q"
        await pilot.press("ctrl+q")
    assert app.session is not None and app.session.ending is not None
    assert app.session.ending.status == "complete"
    assert not any("Resume" in line for line in app.session.ending.lines())
    assert store.load(session_id)["action_items"][0]["text"] == "Edited, then Ctrl+Q"


async def test_a_date_that_is_not_a_date_keeps_the_summary_open_and_is_quoted_literally(
    tmp_path: Path,
) -> None:
    store, session_id, app = at_summary(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_summary(pilot, app)
        saved = store.load(session_id)["action_items"]
        first = rows(app)[0]
        first.due_box.value = "[bold]soon"
        await pilot.pause()
        assert str(first.query_one(".action-due-words").render()) == "not a date"
        await pilot.press("ctrl+s")
        assert type(app.screen).__name__ == "SummaryScreen"
        (note,) = app._notifications
        assert note.markup is False
        assert note.message.startswith("Action item 1: '[bold]soon' is not a date")
        assert first.due_box.has_focus
    assert store.load(session_id)["action_items"] == saved


async def test_a_long_item_is_read_whole_at_80x24(tmp_path: Path) -> None:
    _, _, app = at_summary(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_summary(pilot, app)
        area = rows(app)[0].query_one(TextArea)
        area.text = LONG
        await pilot.pause()
        assert area.wrapped_document.height > 1  # wrapped, not scrolled sideways
        assert area.size.height >= area.wrapped_document.height  # every line in view
        head = str(rows(app)[0].query_one(".action-head").render())
        assert head == "1. Your commitment · Listening"
        due = rows(app)[0].query_one(".action-due", Input)
        assert due.value == "2026-12-04"


async def test_the_theme_chosen_is_kept_for_the_next_session(tmp_path: Path) -> None:
    store, _, app = at_summary(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
    again = resumed(store, answered(store, ["They asked me questions and waited"]))
    async with again.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert again.theme == "textual-light"


async def test_ctrl_q_twice_with_a_date_that_is_not_one_keeps_the_old_date(
    tmp_path: Path,
) -> None:
    store, session_id, app = at_summary(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_summary(pilot, app)
        first = rows(app)[0]
        old_due = first.item.due
        first.query_one(TextArea).text = "Edited words"
        first.due_box.value = "someday"
        await pilot.press("ctrl+q")
        assert type(app.screen).__name__ == "SummaryScreen"  # asked first
        await pilot.press("ctrl+q")
    items = store.load(session_id)["action_items"]
    assert (items[0]["text"], items[0]["due"]) == ("Edited words", old_due)
    assert app.session is not None and app.session.ending is not None


async def test_a_closed_terminal_on_the_summary_keeps_the_edits(tmp_path: Path) -> None:
    store, session_id, app = at_summary(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_summary(pilot, app)
        rows(app)[0].query_one(TextArea).text = "Kept through a hang-up"
        rows(app)[0].due_box.value = "5 Dec"
        app.screen.keep()  # type: ignore[attr-defined]  # what SIGHUP runs before leaving
    items = store.load(session_id)["action_items"]
    assert (items[0]["text"], items[0]["due"]) == ("Kept through a hang-up", "2026-12-05")
    assert store.load(session_id)["status"] == "complete"


async def test_the_summary_says_how_many_commitments_were_followed_through(
    tmp_path: Path,
) -> None:
    from coach.transcript import CheckinRecord

    _store, _session_id, app = at_summary(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.session is not None
        app.session.checkin = (
            CheckinRecord("s0", "a1", "Ride along with Priya", "2026-11-20", "done"),
            CheckinRecord("s0", "a2", "Ask Tom for his plan", "2026-11-21", "not yet"),
        )
        await open_summary(pilot, app)
        followed = app.screen.query_one("#followed")
        assert (
            str(followed.render()) == "You followed through on 1 of 2 commitments from last time."
        )


async def test_a_date_the_coach_chose_says_so_until_the_leader_changes_it(tmp_path: Path) -> None:
    from dataclasses import replace

    _store, _session_id, app = at_summary(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.session is not None
        summary = app.session.summary
        chosen = lambda self: replace(  # noqa: E731
            summary(),
            action_items=tuple(replace(i, defaulted=True) for i in summary().action_items),
        )
        app.session.summary = chosen.__get__(app.session)  # type: ignore[method-assign]
        await open_summary(pilot, app)
        await pilot.pause()
        first = rows(app)[0]
        assert first.query_one(".action-head").render().plain.startswith("1. Your commitment")  # type: ignore[attr-defined]
        words = first.query_one(".action-due-words")
        assert str(words.render()).endswith("(my date; change it)")
        first.due_box.value = "next Friday"
        await pilot.pause()
        assert str(words.render()) == "Fri 4 Dec, 2026"  # the leader's date now
