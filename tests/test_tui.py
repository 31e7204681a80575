"""The reflection app under Pilot: a whole session, back, skip, pause and resume, the summary's
edits, literal text, a 1 MB paste and a small terminal.

Sessions that need to be part-way through are answered through the engine first and opened
with `Setup(resume=...)`, so each test presses only the keys it is about.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.color import Color
from textual.content import Content
from textual.message import Message
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button, Input, OptionList, TextArea
from tui_kit import (
    STOCK_TO_RATING,
    WHOLE,
    answered,
    build,
    clock,
    control,
    footer,
    line_in_view,
    resumed,
    said,
    say,
    screenshot,
    shown,
    shown_line,
    text,
    tiny_file,
)

from coach.catalog import find_pack
from coach.session import Session
from coach.store import SessionStore
from coach.transcript import Draft
from coach.tui.app import CoachApp
from coach.tui.widgets.answer_box import AnswerBox
from coach.tui.widgets.footer import KeysFooter
from coach.tui.widgets.hint import Hint
from coach.tui.widgets.log import ConversationLog
from coach.tui.widgets.progress import TraitProgress
from coach.tui.widgets.rating import RatingBar
from coach.tui.widgets.turns import CoachSaid, LeaderSaid

# Everything the leader typed in WHOLE, as the transcript must keep it.
LEADER_TEXTS = [
    "ok",
    "They asked me questions about my week and waited for every answer",
    "2",
    "I'll ask more questions",
    "by Friday",
    "2",
    "I pick favourites sometimes",
    "She listened",
    "1",  # the confirmation: option 1, Listening
    "2",  # the focus: option 2, Fairness
]
# Up to the final choice: the summary is one Enter away.
BEFORE_FOCUS = [*LEADER_TEXTS[:8], "1"]


def notes(app: CoachApp) -> list[str]:
    """Every notification the app has shown (`tui_kit.noted`, built on `App.notify`)."""
    return list(app.notified)  # type: ignore[attr-defined]


def leader_turns(doc: dict[str, object]) -> list[tuple[str, str, str]]:
    turns = doc["turns"]
    assert isinstance(turns, list)
    return [(t["kind"], t["step"], t["text"]) for t in turns if t["role"] == "leader"]


async def test_a_whole_session_from_the_first_question_to_the_summary(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    app = build(store)
    messages: list[Message] = []
    async with app.run_test(size=(100, 32), message_hook=messages.append) as pilot:
        await pilot.pause()
        screen = app.screen
        assert type(screen).__name__ == "ReflectScreen"
        for step, stage, answer in WHOLE:
            assert screen.prompt is not None
            assert (screen.prompt.step, screen.prompt.stage) == (step, stage)
            assert control(app).has_focus
            await say(pilot, answer)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "SummaryScreen"
        rows = [shown(r) for r in app.screen.query(".rating-row")]
        assert rows[0].startswith("Listening") and "██░░░ 2/5" in rows[0]
        assert rows[1].startswith("Fairness") and "2/5" in rows[1]
        loyalty = shown(app.screen.query_one("#loyalty"))
        assert (
            "The trait that earned your loyalty: Listening. You rated yourself 2 on it today."
            in loyalty
        )
        texts = [a.text for a in app.screen.query(".action-text").results(TextArea)]
        assert texts[0] == "I'll ask more questions"
    messages = list({id(m): m for m in messages}.values())  # the hook sees each hop of a bubble
    sent = [m.value for m in messages if isinstance(m, AnswerBox.Submitted)]
    assert sent == [
        "ok",
        "They asked me questions about my week and waited for every answer",
        "I'll ask more questions",
        "by Friday",
        "I pick favourites sometimes",
        "She listened",
    ]
    assert [m.value for m in messages if isinstance(m, RatingBar.Chosen)] == [2, 2]
    chosen = [m for m in messages if isinstance(m, OptionList.OptionSelected)]
    assert [m.option.id for m in chosen] == ["listening", "fairness"]

    doc = store.load(app.session.id)
    assert doc["status"] == "complete"
    assert [text for _, _, text in leader_turns(doc)] == LEADER_TEXTS
    assert doc["ratings"] == {"listening": 2, "fairness": 2}
    assert doc["loyalty"]["trait"] == "listening"
    assert doc["progress"]["answered"] == doc["progress"]["steps"]


async def test_back_asks_the_previous_question_again_with_its_own_control(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session_id = answered(store, ["My manager asked me questions and waited for my answers"])
    app = resumed(store, session_id)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.screen.prompt.step == "rating"
        assert isinstance(control(app), RatingBar)
        await pilot.press("ctrl+b")
        assert app.screen.prompt.step == "recall"
        assert isinstance(control(app), AnswerBox) and control(app).has_focus
        assert said(app, LeaderSaid)[-1] == "(back to answer again)"
        assert "Think of someone who really listened" in shown_line(app, CoachSaid)
        await say(pilot, "She asked what I needed, then waited and wrote it down")
        assert app.screen.prompt.step == "rating"
        await app.workers.wait_for_complete()
    turns = leader_turns(store.load(session_id))
    assert turns[-2:] == [
        ("back", "recall", ""),
        ("answer", "recall", "She asked what I needed, then waited and wrote it down"),
    ]


def hint(app: CoachApp) -> Hint:
    return app.screen.query_one("#hint", Hint)


def refused(app: CoachApp) -> str | None:
    """The refusal the hint line is showing, or None when it shows the control's own hint."""
    line = hint(app)
    return text(line) if line.has_class("-refusal") else None


async def test_back_at_the_first_question_says_why_under_the_control_and_stays(
    tmp_path: Path,
) -> None:
    app = build(SessionStore(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        normal = text(hint(app))
        await pilot.press("ctrl+b")
        assert app.screen.prompt.step == "recall"
        assert refused(app) == "This is the first question, so there is nothing to go back to."
        assert notes(app) == []  # nothing covers the control
        await pilot.press("x")  # typing an answer ends it
        assert refused(app) is None and text(hint(app)) == normal


async def test_skip_moves_on_where_the_pack_allows_and_nowhere_else(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    app = build(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.screen.prompt.can_skip
        await pilot.press("ctrl+n")
        assert app.screen.prompt.step == "rating"
        assert said(app, LeaderSaid)[-1] == "(skipped)"
        await pilot.press("ctrl+n")  # a rating here cannot be skipped
        assert app.screen.prompt.step == "rating"
        assert refused(app) == "This one can't be skipped. A short answer is fine."
        assert notes(app) == []
        await pilot.press("right")  # any key on the control ends it
        assert refused(app) is None and text(hint(app)).startswith("1-5: type a number")
        await app.workers.wait_for_complete()
    assert leader_turns(store.load(app.session.id)) == [("skip", "recall", "")]


async def test_an_empty_answer_is_answered_under_the_box_until_the_next_answer(
    tmp_path: Path,
) -> None:
    store = SessionStore(tmp_path)
    app = build(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        assert refused(app) == "Take your time. A few words are enough. Ctrl+N skips this one."
        assert notes(app) == []
        await say(pilot, WHOLE[1][2])
        assert app.screen.prompt.step == "rating"
        assert refused(app) is None
        await app.workers.wait_for_complete()
    assert [t for _, _, t in leader_turns(store.load(app.session.id))] == [WHOLE[1][2]]


async def test_a_refusal_longer_than_a_line_is_shown_whole_at_80_columns(tmp_path: Path) -> None:
    # The stock pack's own "can't skip" is 86 characters: the hint line wraps it, and the
    # rating bar stays whole above it.
    store = SessionStore(tmp_path)
    app = resumed(store, answered(store, STOCK_TO_RATING, pack=find_pack(None, [])))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+n")
        said = refused(app)
        assert said is not None and len(said) > 78
        assert " ".join(shown(hint(app)).split()) == said
        screen = app.screen
        assert screen.region.contains_region(hint(app).region)
        assert screen.region.contains_region(control(app).region)
        assert not control(app).region.overlaps(hint(app).region)


async def test_pause_saves_every_answer_and_resume_continues_at_the_same_question(
    tmp_path: Path,
) -> None:
    store = SessionStore(tmp_path)
    app = build(store)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await say(pilot, "They asked me questions about my week and waited for every answer")
        await say(pilot, "4")
        paused_at = app.screen.prompt
        await pilot.press("escape")
    assert app.session is not None
    outcome = app.session.ending
    assert outcome is not None and outcome.status == "paused"
    assert outcome.path == store.path_for(outcome.session_id)
    doc = store.load(outcome.session_id)
    assert doc["status"] == "in_progress"
    assert leader_turns(doc) == [
        ("answer", "recall", "They asked me questions about my week and waited for every answer"),
        ("answer", "rating", "4"),
    ]

    again = resumed(store, outcome.session_id)
    async with again.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = again.screen
        assert screen.prompt == paused_at
        assert isinstance(control(again), AnswerBox) and control(again).has_focus
        # The welcome back sits above the question it returns to, next to the answer box.
        assert said(again, CoachSaid) == [
            "Welcome, Dana. This takes five minutes.",
            "Think of someone who really listened to you. What did they do?",
            "How well do you listen to your team?",
            "Welcome back. Here's where you left off.",
            "What is one thing you will do to listen better, and by when?",
        ]
        assert said(again, LeaderSaid) == [
            "They asked me questions about my week and waited for every answer",
            "4",
        ]
        assert text(screen.query_one(TraitProgress)).endswith("2 of 7 answered")
        await say(pilot, "Ask one open question in each 1:1 this week")
        await again.workers.wait_for_complete()
    assert leader_turns(store.load(outcome.session_id))[-1] == (
        ("answer", "commit", "Ask one open question in each 1:1 this week")
    )


HOSTILE = [
    "[TODO] call Sam",
    "[/b]",
    "[bold]x",
    "{{ name }}",
    "red \x1b[31mALERT\x1b[0m",
    "{% if true %}yes{% endif %} [link=https://x.y]here[/link] $accent",
]


async def test_what_the_leader_types_is_shown_verbatim_never_styled_or_eaten(
    tmp_path: Path,
) -> None:
    store = SessionStore(tmp_path)
    app = build(store)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        # A short answer: the probe quotes it back (`You said "{{ last }}"`), literally too.
        await say(pilot, "[bold]x")
        await say(pilot, "\n".join(HOSTILE))
        await app.workers.wait_for_complete()
        check_lines(app)
    doc = store.load(app.session.id)
    assert [t for _, _, t in leader_turns(doc)] == ["[bold]x", "\n".join(HOSTILE)]

    # The same lines replayed on resume (the first app has let go, as its process would).
    app.session.close()
    again = resumed(store, app.session.id)
    async with again.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        check_lines(again)


def check_lines(app: CoachApp) -> None:
    """Every line is plain `Content` (no spans from markup), shown on screen as typed."""
    log = app.screen.conversation  # type: ignore[attr-defined]
    rows = {id(line): "\n".join(r.text for r in log.rows_of(n)) for n, line in enumerate(log.lines)}
    leader = [line for line in log.lines if isinstance(line, LeaderSaid)]
    coach = [line for line in log.lines if isinstance(line, CoachSaid)]
    for line in [*leader, *coach]:
        content = line.content()
        assert isinstance(content, Content) and not content.spans, str(content)
        assert "\x1b" not in rows[id(line)]
    first, second = (line.content().plain for line in leader)
    assert first == "[bold]x"
    assert second.splitlines() == [*HOSTILE[:4], r"red \x1b[31mALERT\x1b[0m", HOSTILE[5]]
    probe = next(line for line in coach if line.followup)
    assert probe.content().plain.startswith('You said "[bold]x". ')
    on_screen = "\n".join(rows[id(line)] for line in leader)
    for typed in [*HOSTILE[:4], r"\x1b[31mALERT\x1b[0m", "[link=https://x.y]here[/link] $accent"]:
        assert typed in on_screen
    assert '"[bold]x"' in rows[id(probe)]


async def test_a_megabyte_paste_is_saved_whole(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    pasted = "".join(
        f"{n:06d} she asked, then listened. [b]{{{{ x }}}}[/b]\n" for n in range(22_000)
    )
    pasted = pasted[: 1_000_000 - 1] + "."
    app = build(store)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        control(app).text = pasted
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        assert app.screen.prompt.step == "rating"
    doc = store.load(app.session.id)
    assert doc["turns"][2]["text"] == pasted
    assert len(doc["turns"][2]["text"]) == 1_000_000


async def test_a_small_terminal_and_back_loses_nothing(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session_id = answered(store, ["ok", "They asked about my week and waited for my answer"])
    app = resumed(store, session_id)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        before = app.screen.prompt
        for width, height in ((60, 20), (100, 32), (60, 20)):
            await pilot.resize_terminal(width, height)
            await pilot.pause()
            screen = app.screen
            assert screen.size == (width, height)
            assert screen.prompt == before
            rating = control(app)
            assert rating.has_focus
            assert screen.region.contains_region(rating.region), (width, height)
            assert line_in_view(app), (width, height)
        await say(pilot, "3")
        assert app.screen.prompt.step == "commit"
        await pilot.resize_terminal(100, 32)
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert leader_turns(store.load(session_id))[-1] == ("answer", "rating", "3")


# -- what the leader must be able to see and use (these found bugs) -------------------------


async def test_every_rating_value_shows_its_label(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    app = resumed(store, answered(store, ["They asked me questions and waited for every answer"]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        values = {n: shown(app.screen.query_one(f"#rating-{n}")) for n in range(1, 6)}
        assert all(str(n) in values[n] for n in values)
        assert "rarely" in values[1] and "always" in values[5], values


async def test_the_number_of_an_option_picks_it(tmp_path: Path) -> None:
    """The hint under a choice says "↑/↓ and Enter, or the option's number"."""
    store = SessionStore(tmp_path)
    session_id = answered(store, BEFORE_FOCUS[:-1])
    app = resumed(store, session_id)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert (app.screen.prompt.step, app.screen.prompt.stage) == ("loyalty", "confirm")
        assert "the option's number" in text(app.screen.query_one("#hint"))
        await pilot.press("2")
        assert app.screen.prompt.step == "focus"
        await app.workers.wait_for_complete()
    assert leader_turns(store.load(session_id))[-1] == ("answer", "loyalty", "2")


def summary_at_80x24(tmp_path: Path) -> CoachApp:
    store = SessionStore(tmp_path)
    return resumed(store, answered(store, BEFORE_FOCUS))


async def test_the_last_answer_is_saved_once_the_summary_is_drawn_and_the_draft_goes(
    tmp_path: Path,
) -> None:
    store = SessionStore(tmp_path)
    session_id = answered(store, BEFORE_FOCUS)
    app = resumed(store, session_id)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.session is not None
        app.session.draft = Draft("focus", "main", "an old draft")  # as a resume can leave it
        await say(pilot, "fairness")
        await app.workers.wait_for_complete()
        doc = store.load(session_id)
        assert leader_turns(doc)[-1] == ("answer", "focus", "2")  # option 2, Fairness
        assert "draft" not in doc


@pytest.mark.parametrize("filled", [0, 1], ids=["before-any-row", "between-the-two-steps"])
async def test_save_and_finish_before_the_rows_are_filled_in_keeps_every_item(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, filled: int
) -> None:
    """The action items are mounted after the summary is on screen, in two steps: Ctrl+S
    pressed before (a quick leader, a slow machine) still finishes with every item."""
    from coach.tui.screens import summary

    later: list[object] = []
    mount_rows = summary.SummaryScreen._mount_rows

    async def held(self: summary.SummaryScreen, rows: list[summary.ActionRow]) -> None:
        if len(later) < filled:
            later.append(rows)
            await mount_rows(self, rows[:1])  # the first step, then nothing more

    monkeypatch.setattr(summary.SummaryScreen, "_mount_rows", held)
    if not filled:
        monkeypatch.setattr(summary.SummaryScreen, "_fill_in", lambda self: None)
    store = SessionStore(tmp_path)
    session_id = answered(store, BEFORE_FOCUS)
    app = resumed(store, session_id)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await say(pilot, "fairness")
        screen = app.screen
        assert isinstance(screen, summary.SummaryScreen)
        expected = [item.text for item in screen.summary.action_items]
        assert len(expected) >= 2
        assert len(screen.query(summary.ActionRow)) == min(filled, 1)
        await pilot.press("ctrl+s")
    assert [item["text"] for item in store.load(session_id)["action_items"]] == expected


async def test_the_summary_shows_every_action_item_whole_at_80x24(tmp_path: Path) -> None:
    app = summary_at_80x24(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await say(pilot, "fairness")
        actions = app.screen.query_one("#actions")
        for row in app.screen.query(".action-row"):
            assert actions.region.contains_region(row.region), "a row is cut off"


async def test_the_summary_shows_whole_due_dates(tmp_path: Path) -> None:
    app = summary_at_80x24(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await say(pilot, "fairness")
        for due in app.screen.query(".action-due").results(Input):
            assert due.value in shown(due), f"{due.value} is shown as {shown(due)!r}"


async def test_the_start_button_can_be_reached_at_80x24(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    answered(store, ["They asked me questions and waited for every answer"])
    packs = [find_pack(None, []), tiny_file()]
    app = build(store, name=None, packs=packs, unfinished=store.latest_unfinished())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        begin = app.screen.query_one("#begin", Button)
        begin.focus()
        await pilot.pause()
        assert app.screen.region.contains_region(begin.region), begin.region


async def test_the_first_question_is_drawn_first_and_saved_right_after(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    app = build(store)
    drawn_at_save: list[bool] = []
    real_save = store.save

    def save(doc: dict[str, object]) -> Path:
        screen = app.screen
        drawn_at_save.append(bool(screen.query(".control")) and screen.is_mounted)
        return real_save(doc)

    store.save = save  # type: ignore[method-assign]
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert drawn_at_save == [True]
        assert app.session is not None and app.session.path is not None
        doc = store.load(app.session.id)
        assert doc["status"] != "complete"
        assert doc["snapshot"]["at"] == app.screen.prompt.step
        assert app.session.path == store.path_for(app.session.id)


SCROLL = ["PgUp", "PgDn", "Scroll"]
REST = [*SCROLL, "Pause", "Quit", "palette"]


async def test_the_footer_keeps_its_keys_while_the_controls_take_turns(tmp_path: Path) -> None:
    # Textual's footer rebuilds its keys whenever focus moves, which costs a restyle at every
    # question; from the rating bar to the answer box of the commitment the keys stay the same
    # (Back, no Skip), in the same order although only the box binds PgUp/PgDn itself.
    store = SessionStore(tmp_path)
    app = resumed(store, answered(store, [WHOLE[1][2]]))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(control(app), RatingBar)
        keys = app.screen.query_one(KeysFooter)
        drawn = keys.render_line(0)
        assert footer(app) == ["Back", *REST]
        await say(pilot, "2")
        assert isinstance(control(app), AnswerBox)
        assert keys.render_line(0) is drawn  # not drawn again


async def test_the_footer_shows_back_and_skip_only_where_the_question_allows_them(
    tmp_path: Path,
) -> None:
    store = SessionStore(tmp_path)
    app = build(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = control(app)
        assert footer(app) == ["Skip", *REST]  # the first question: nothing to go back to
        await say(pilot, "ok")  # a probe in the same answer box: focus does not move
        assert control(app) is box and app.screen.prompt.stage == "probe"
        await pilot.pause()
        assert footer(app) == ["Back", "Skip", *REST]
        await say(pilot, WHOLE[1][2])  # the rating cannot be skipped
        assert isinstance(control(app), RatingBar)
        await pilot.pause()
        assert footer(app) == ["Back", *REST]
        shown = app.screen.query_one(KeysFooter).render_line(0).text
        assert all(part in shown for part in footer(app))  # none cut off at 80 columns


async def test_the_footer_looks_the_keys_up_once_for_each_state_they_depend_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Textual says the keys may have changed at every move of the focus, and again after
    it; the reflection's footer looks them up only for a state of what they depend on
    (`ReflectScreen.keys_state`: the control, Back and Skip) it has not shown before."""
    from coach.tui.widgets import footer as footer_module

    looked_up: list[object] = []
    real = footer_module.shown_keys

    def counting(screen: Any) -> Any:
        looked_up.append((screen.focused, screen.keys_state()))
        return real(screen)

    store = SessionStore(tmp_path)
    app = resumed(store, answered(store, [WHOLE[0][2]]))  # the next answer brings the rating
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        monkeypatch.setattr(footer_module, "shown_keys", counting)
        await say(pilot, WHOLE[1][2])
        await pilot.pause()
        rating = control(app)
        assert isinstance(rating, RatingBar)
        assert [focused for focused, _ in looked_up] == [rating]  # once, not after the move
        assert footer(app) == ["Back", *REST]  # the rating's keys: it cannot be skipped
        app.screen.refresh_bindings()  # nothing has changed since
        await pilot.pause()
        assert len(looked_up) == 1
        for _, _, answer in WHOLE[2:5]:  # a commitment, its due date, a second rating
            await say(pilot, answer)
            await pilot.pause()
        assert control(app) is rating and footer(app) == ["Back", *REST]
        assert len(looked_up) == len(set(looked_up)) < 4  # the second rating's keys were known


async def test_the_footer_still_follows_a_change_in_the_keys_it_shows() -> None:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Input

    class Shouting(Input):
        BINDINGS = [Binding("ctrl+u", "shout", "Shout")]  # noqa: RUF012 (Textual style)

    class Two(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(id="plain")
            yield Shouting(id="loud")
            yield KeysFooter()

    app = Two()
    async with app.run_test(size=(80, 10)) as pilot:
        await pilot.pause()
        keys = app.screen.query_one(KeysFooter)
        assert "Shout" not in keys.read()
        app.query_one("#loud").focus()
        await pilot.pause()
        assert "Shout" in keys.read() and "Shout" in keys.render_line(0).text


async def test_a_save_that_fails_is_said_at_once_and_the_next_one_catches_up(
    tmp_path: Path,
) -> None:
    from coach.store import StoreError

    store = SessionStore(tmp_path)
    app = build(store)
    real_save = store.save
    failing = [True]

    def save(doc: dict[str, object]) -> Path:
        if failing[0]:
            raise StoreError(tmp_path, "no space left on device")
        return real_save(doc)

    store.save = save  # type: ignore[method-assign]
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any("Could not save your answers" in n and "no space" in n for n in notes(app))
        failing[0] = False
        await say(pilot, WHOLE[0][2])
        await app.workers.wait_for_complete()
        assert app.session is not None
        doc = store.load(app.session.id)
        assert [t["text"] for t in doc["turns"] if t["role"] == "leader"] == [WHOLE[0][2]]


# -- what a new leader met at 80x24 and 100x32 -----------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (100, 32)], ids=["80x24", "100x32"])
async def test_the_rating_boxes_are_as_tall_as_the_tallest_label(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    store = SessionStore(tmp_path)
    app = resumed(store, answered(store, STOCK_TO_RATING, pack=find_pack(None, [])))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        bar = control(app)
        assert isinstance(bar, RatingBar)
        boxes = list(bar.query(".rating-value"))
        heights = {box.outer_size.height for box in boxes}
        assert len(heights) == 1, [box.outer_size for box in boxes]
        assert heights.pop() > 4  # a label does wrap here, or this proves nothing
        for n, box in enumerate(boxes, 1):
            label = app.screen.prompt.scale.labels[n]
            inside = [line.strip("│") for line in shown(box).splitlines()[1:-1]]
            assert " ".join(" ".join(inside).split()) == f"{n} {label}"
            assert bar.region.contains_region(box.region)


async def test_page_keys_scroll_the_conversation_from_the_rating_bar(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    app = resumed(store, answered(store, STOCK_TO_RATING, pack=find_pack(None, [])))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        log = app.screen.query_one("#log")
        assert log.max_scroll_y > 0 and log.scroll_y == log.max_scroll_y
        await pilot.press("pageup")
        assert log.scroll_y < log.max_scroll_y
        assert control(app).has_focus
        await pilot.press("pagedown")
        assert log.scroll_y == log.max_scroll_y
        await pilot.press("pageup")
        await pilot.press("4")  # an answer brings the newest lines back into view
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        assert log.scroll_y == log.max_scroll_y
        await app.workers.wait_for_complete()


async def test_the_scrollbar_shows_only_while_the_conversation_is_scrolled_back(
    tmp_path: Path,
) -> None:
    """Following the conversation, the log shows no scrollbar (Textual would refresh a shown
    one from inside every answer's layout); scrolled back, it shows one, and the lines keep
    their width, so nothing is wrapped or drawn again."""
    store = SessionStore(tmp_path)
    app = resumed(store, answered(store, STOCK_TO_RATING, pack=find_pack(None, [])))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        log = app.screen.query_one("#log", ConversationLog)
        width, rows = log.drawn_width, list(log.rows)
        assert log.max_scroll_y > 0 and log.scrollbar_size_vertical == 0
        await pilot.press("pageup")
        await pilot.pause()
        assert log.scrolled_back and log.scrollbar_size_vertical == 1
        assert log.vertical_scrollbar.region and log.scrollable_content_region.width == width
        assert log.drawn_width == width and log.rows == rows  # not drawn again
        await pilot.press("4")  # an answer brings the newest lines back, without the bar
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        assert log.scroll_y == log.max_scroll_y and not log.scrolled_back
        assert log.scrollbar_size_vertical == 0
        assert log.drawn_width == width and log.rows[: len(rows)] == rows
        await app.workers.wait_for_complete()


def long_conversation(tmp_path: Path) -> CoachApp:
    """The stock reflection resumed at a free-text question, with more lines than fit 80x24."""
    store = SessionStore(tmp_path)
    return resumed(store, answered(store, STOCK_TO_RATING[:1], pack=find_pack(None, [])))


async def following_log(pilot: Pilot[Any]) -> ConversationLog:
    await pilot.pause()
    log = pilot.app.screen.query_one("#log", ConversationLog)
    assert log.following and log.max_scroll_y > 0
    return log


async def test_scrolled_back_the_log_stays_put_until_the_next_answer(tmp_path: Path) -> None:
    """Scrolled back (PgUp, the mouse wheel), the log stays where the leader is reading while
    the answer box grows under it; the next answer brings the newest line back, in view."""
    app = long_conversation(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        log = await following_log(pilot)
        await pilot.press("pageup")
        await pilot.pause()
        assert not log.following
        log.post_message(events.MouseScrollUp(log, 1, 1, 0, 0, 0, False, False, False))
        await pilot.pause()
        where = log.scroll_y
        box = control(app)
        assert isinstance(box, AnswerBox)
        box.text = "\n".join(f"line {n}" for n in range(6))  # the box grows, the log shrinks
        await pilot.pause()
        assert box.size.height > 3 and log.scroll_y == where and not log.following
        await pilot.press("enter")
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        assert log.following and line_in_view(app)
        assert log.top + log.scrollable_content_region.height == len(
            log.rows
        )  # newest at the bottom
        await app.workers.wait_for_complete()


async def test_a_scroll_down_at_the_end_keeps_the_log_following(tmp_path: Path) -> None:
    """PgDn or the wheel down with the newest line in view scrolls nowhere: the log still
    follows, so the question stays in view as the answer box grows under it."""
    app = long_conversation(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        log = await following_log(pilot)
        await pilot.press("pagedown")
        log.post_message(events.MouseScrollDown(log, 1, 1, 0, 0, 0, False, False, False))
        await pilot.pause()
        assert log.following
        box = control(app)
        assert isinstance(box, AnswerBox)
        box.text = "\n".join(f"line {n}" for n in range(6))  # the box grows, the log shrinks
        await pilot.pause()
        assert box.size.height > 3 and log.following and line_in_view(app)
        assert log.top + log.scrollable_content_region.height == len(
            log.rows
        )  # newest at the bottom


@pytest.mark.parametrize(
    ("first", "then", "scroll"), [((40, 24), (160, 24), "up"), ((80, 24), (80, 60), "home")]
)
async def test_a_resize_that_brings_the_newest_line_into_view_follows_it_again(
    tmp_path: Path, first: tuple[int, int], then: tuple[int, int], scroll: str
) -> None:
    """Scrolled back a little, a wider terminal (fewer rows) or a taller one (every row
    fits) shows the newest line at the bottom in its first frame, never a view past the
    rows, and the log follows again, without the scrollbar."""
    app = long_conversation(tmp_path)
    async with app.run_test(size=first) as pilot:
        log = await following_log(pilot)
        views: list[tuple[int, int]] = []
        app.screen.screen_layout_refresh_signal.subscribe(
            app, lambda _: views.append((log.top, len(log.rows))), immediate=True
        )
        if scroll == "up":
            log.scroll_up(animate=False)
        else:
            log.scroll_home(animate=False)
        await pilot.pause()
        assert log.scrolled_back and not log.following
        views.clear()
        await pilot.resize_terminal(*then)
        for _ in range(3):
            await pilot.pause()
        assert views and all(top < rows for top, rows in views), views
        assert log.following and log.shows_the_newest and line_in_view(app)
        assert not log.scrolled_back and log.scrollbar_size_vertical == 0
        await app.workers.wait_for_complete()


async def test_a_scroll_that_does_not_release_the_anchor_still_moves_the_view(
    tmp_path: Path,
) -> None:
    """Textual scrolls a log it is selecting in (a drag past its top edge) by setting where
    it is, with no `release_anchor`: the view moves all the same, and stops following."""
    app = long_conversation(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        log = await following_log(pilot)
        log.scroll_y = 0
        await pilot.pause()
        assert not log.following and log.top == 0 < log.max_scroll_y
        await app.workers.wait_for_complete()


def before_a_rating(tmp_path: Path) -> CoachApp:
    """The tiny reflection resumed at a free-text question whose answer leads to a rating."""
    store = SessionStore(tmp_path)
    return resumed(store, answered(store, [WHOLE[0][2]]))


async def the_box(pilot: Pilot[Any]) -> AnswerBox:
    await pilot.pause()
    box = pilot.app.screen.query_one(AnswerBox)
    assert box.display and box.has_focus
    return box


async def test_what_reading_a_due_date_needs_is_built_once_the_first_question_shows(
    tmp_path: Path,
) -> None:
    """Not in the answer that first names a date (a commitment, a low rating's action)."""
    from coach.engine import dates

    app = build(SessionStore(tmp_path))
    dates._patterns.cache_clear()  # as a pack read from the pack cache leaves it (unchecked)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert dates._patterns.cache_info().currsize == 1
        lexicon = app.session.dialogue.pack.lexicon
        before = dates._patterns.cache_info().misses
        assert dates.read_due("by Friday", date(2026, 12, 1), lexicon) is not None
        assert dates._patterns.cache_info().misses == before  # built already


async def test_the_answer_box_hidden_by_an_answer_is_emptied_after_its_frame(
    tmp_path: Path,
) -> None:
    """The box keeps the answer it sent until the frame that shows the next question is
    drawn, then is emptied while hidden, so showing it again has nothing to clear."""
    app = before_a_rating(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        box = await the_box(pilot)
        await say(pilot, WHOLE[1][2])
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(control(app), RatingBar) and not box.display
        assert box.text == "" and refused(app) is None
        await say(pilot, "4")
        assert control(app) is box and box.text == "" and box.has_focus


async def test_a_long_answer_sent_leaves_the_page_keys_to_the_conversation(
    tmp_path: Path,
) -> None:
    """The box pages itself while it holds more than it shows; once that answer is sent and
    the box comes back empty, PgUp/PgDn scroll the conversation again, and a second long
    answer gives them back to the box."""
    app = before_a_rating(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        box = await the_box(pilot)
        long = "\n".join(f"line {n}" for n in range(30))
        box.text = long
        await pilot.pause()
        await pilot.pause()
        assert "Scroll" not in footer(app)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(control(app), RatingBar) and "Scroll" in footer(app)
        await say(pilot, "2")
        assert control(app) is box and "Scroll" in footer(app)
        box.text = long
        await pilot.pause()
        await pilot.pause()
        assert "Scroll" not in footer(app)


async def test_page_keys_stay_with_an_answer_longer_than_its_box(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    stock = find_pack(None, [])
    app = resumed(store, answered(store, STOCK_TO_RATING[:1], pack=stock))  # a free-text question
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = control(app)
        assert isinstance(box, AnswerBox)
        log = app.screen.query_one("#log")
        box.text = "a short answer"
        await pilot.pause()
        await pilot.press("pageup")  # a box that shows all it holds has no use for them
        assert log.scroll_y < log.max_scroll_y
        assert footer(app)[-6:] == REST
        log.scroll_end(animate=False)
        box.text = "\n".join(f"line {n}" for n in range(30))
        await pilot.pause()
        await pilot.pause()
        assert box.max_scroll_y > 0
        assert "Scroll" not in footer(app)  # the footer says the keys are the box's now
        box.move_cursor(box.document.end)
        row = box.cursor_location[0]
        at = log.scroll_y
        await pilot.press("pageup")
        assert box.cursor_location[0] < row and log.scroll_y == at
        box.text = "short again"
        await pilot.pause()
        await pilot.pause()
        assert footer(app)[-6:] == REST


async def test_what_the_coach_understood_is_said_back_and_replayed(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session_id = answered(store, [WHOLE[1][2]])
    app = resumed(store, session_id)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("5")  # the tiny pack labels 1 and 5 only
        await say(pilot, "I'll ask one open question in each 1:1 by Friday")
        await say(pilot, "3")  # no label: nothing to say back
        live = said(app, LeaderSaid)
        assert live[-3:] == [
            "5 · always",
            "I'll ask one open question in each 1:1 by Friday\n→ due Fri 4 Dec",
            "3",
        ]
        await pilot.press("escape")
    again = resumed(store, session_id)
    async with again.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert said(again, LeaderSaid) == live


async def test_a_confirmation_says_back_the_option_and_a_skipped_due_date(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    session_id = answered(store, [*LEADER_TEXTS[:4]])  # at "by when?"
    app = resumed(store, session_id)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert app.screen.prompt.stage == "due"
        await pilot.press("ctrl+n")
        said_back = said(app, LeaderSaid)[-1]
        # A skipped date is not decided in silence: the default is said back, in words.
        assert said_back.startswith("(skipped)\n→ I'll put it down for ")
        assert said_back.endswith("you can change it at the end.")
        await app.workers.wait_for_complete()
    store2 = SessionStore(tmp_path / "two")
    app = resumed(store2, answered(store2, BEFORE_FOCUS[:-1]))  # at the confirmation
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("1")
        assert said(app, LeaderSaid)[-1] == "1 · Listening"
        await app.workers.wait_for_complete()


async def test_the_guess_is_marked_and_highlighted_and_the_order_kept() -> None:
    from textual.app import App, ComposeResult

    from coach.engine import Option
    from coach.tui.widgets.choices import ChoiceList

    options = (Option("listening", "Listening"), Option("fairness", "Fairness"))

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield ChoiceList(options, suggested="fairness", id="control")

    app = One()
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        choices = app.query_one(ChoiceList)
        labels = [str(choices.get_option_at_index(i).prompt) for i in range(2)]
        assert labels == ["1) Listening", "2) Fairness  (suggested)"]
        assert choices.highlighted == 1


async def test_the_confirmation_on_screen_marks_the_coach_s_guess(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    app = resumed(store, answered(store, BEFORE_FOCUS[:-1]))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        choices = control(app)
        assert isinstance(choices, OptionList)
        assert app.screen.prompt.suggested == "listening"
        assert choices.highlighted == 0
        assert "(suggested)" in str(choices.get_option_at_index(0).prompt)
        assert "(suggested)" not in str(choices.get_option_at_index(1).prompt)


def test_every_hint_fits_on_one_line_at_80_columns_and_names_only_what_works(
    tmp_path: Path,
) -> None:
    # Every prompt of a whole tiny-pack session, through the engine: each kind of control and
    # of follow-up. At 80 columns the hint line is 78 wide (the answer area's padding).
    from dataclasses import replace

    from coach.engine import Scale
    from coach.session import Session
    from coach.tui.screens.reflect import ReflectScreen

    session, reply = Session.begin(
        SessionStore(tmp_path), tiny_file(), clock, random.Random(1), name="Dana"
    )
    prompts = [reply.prompt]
    for _, _, answer in WHOLE[:-1]:
        prompts.append(session.answer(answer).prompt)
    session.close()
    hints = {}
    for prompt in prompts:
        assert prompt is not None
        said = hints[f"{prompt.step}/{prompt.stage}"] = ReflectScreen._hint(prompt)
        assert len(said) <= 78, said
        skips = prompt.kind not in ("rating", "choice") and prompt.can_skip
        assert ("Ctrl+N" in said) == skips, (prompt.step, prompt.stage, said)
    assert hints["commit/main"] == "Enter sends · Ctrl+J new line"  # it cannot be skipped
    assert hints["commit/due"] == "Enter sends · Ctrl+J new line · Ctrl+N skips"
    assert hints["rating/main"] == "1-5: type a number, or ←/→ and Enter"
    assert hints["loyalty/confirm"] == "↑/↓ and Enter, or the option's number"
    ten = replace(prompts[2], scale=Scale(0, 10, {}))  # one key picks, so "10" cannot be typed
    assert ReflectScreen._hint(ten) == "0-10: ←/→ and Enter"


async def test_the_hint_follows_the_question_when_the_answer_box_stays(tmp_path: Path) -> None:
    # From a rating to the commitment and on to its "by when?": the same box, new hints.
    store = SessionStore(tmp_path)
    app = resumed(store, answered(store, LEADER_TEXTS[:3]))  # at the commitment
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = control(app)
        assert text(hint(app)) == "Enter sends · Ctrl+J new line"
        await say(pilot, "I'll ask more questions")
        assert control(app) is box and app.screen.prompt.stage == "due"
        assert text(hint(app)) == "Enter sends · Ctrl+J new line · Ctrl+N skips"


# -- the parts of Textual that are not documented API ----------------------------------------
# Textual is pinned for these (pyproject.toml: textual>=8.2.8,<8.3; constraints.txt, which CI
# installs with: textual==8.2.8). When a new Textual changes one of them, these fail first and
# say which; a change in the pin must pass them.


async def test_the_textual_parts_coach_relies_on_are_there() -> None:
    from textual.app import App, ComposeResult
    from textual.notifications import Notification, Notifications

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()

    app = One()
    async with app.run_test(size=(60, 8)) as pilot:
        await pilot.pause()
        # The notifications being shown, as tests/test_tui_summary.py, tests/test_checkin.py and
        # tests/test_session_life.py read them (this file uses `App.notify`: tui_kit.noted).
        app.notify("hello", markup=False)
        await pilot.pause()
        shown = app._notifications
        assert isinstance(shown, Notifications)
        assert [(n.message, n.markup) for n in shown if isinstance(n, Notification)] == [
            ("hello", False)
        ]


async def test_enter_sends_and_ctrl_j_starts_a_new_line_in_the_order_typed(
    tmp_path: Path,
) -> None:
    # The box handles both keys itself (`AnswerBox.on_key`, before the text area's own
    # handler): a key sent right after the text it ends must not overtake it.
    store = SessionStore(tmp_path)
    app = build(store)
    messages: list[Message] = []
    async with app.run_test(size=(100, 32), message_hook=messages.append) as pilot:
        await pilot.pause()
        await pilot.press(*"They", "ctrl+j", *"listened", "enter")
        await app.workers.wait_for_complete()
    sent = {m.value for m in messages if isinstance(m, AnswerBox.Submitted)}
    assert sent == {"They\nlistened"}
    assert leader_turns(store.load(app.session.id)) == [("answer", "recall", "They\nlistened")]


# -- one frame per answer; a log whose cost does not grow ---------------------------------------


async def test_the_question_and_its_control_are_drawn_in_the_same_frame(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every frame Textual lays out shows either the old question with its control and hint,
    or the new ones: never a new control under the old question, nor the reverse."""
    import asyncio

    async def slowly(self: object) -> None:
        await asyncio.sleep(0.05)  # several frames' time: any frame due while a control
        # is swapped is drawn meanwhile, as on a busy machine

    monkeypatch.setattr(AnswerBox, "on_unmount", slowly, raising=False)
    monkeypatch.setattr(RatingBar, "on_unmount", slowly, raising=False)
    store = SessionStore(tmp_path)
    app = build(store)
    frames: list[tuple[str, str, str]] = []

    def frame(screen: object) -> None:
        shown = app.screen
        if type(shown).__name__ != "ReflectScreen":
            return
        log = shown.conversation
        if log.shows_the_newest:  # every line drawn in this frame
            last = next(s for s in reversed(log.said) if isinstance(s, CoachSaid))
            controls = [type(c).__name__ for c in shown.query(".control") if c.region]
            control = controls[0] if controls else "no control"
            frames.append((last.text, control, text(shown.query_one("#hint"))))

    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        app.screen.screen_layout_refresh_signal.subscribe(app, frame, immediate=True)
        for _, _, answer in WHOLE[1:9]:  # text -> rating -> text -> ... -> choice
            await say(pilot, answer)
        await app.workers.wait_for_complete()
    pairs = {
        (question.split("?")[0], control, hint) for question, control, hint in frames
    }  # each question once, with the one control and hint it was drawn with
    questions = [q for q, _, _ in pairs]
    assert len(questions) == len(set(questions)), sorted(pairs)
    assert {c for _, c, _ in pairs} == {"AnswerBox", "RatingBar", "ChoiceList"}


async def test_the_save_after_an_answer_waits_for_the_frame_that_shows_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The collection and the save an answer leaves run once its frame is drawn, never
    before it (Textual runs `call_after_refresh` callbacks on idle inside a batch update)."""
    from coach.tui.screens.reflect import ReflectScreen

    events: list[tuple[str, int]] = []
    after = ReflectScreen._after_answer_frame

    def recorded(self: ReflectScreen) -> None:
        events.append(("after", len(self.conversation.lines)))
        after(self)

    monkeypatch.setattr(ReflectScreen, "_after_answer_frame", recorded)
    store = SessionStore(tmp_path)
    app = build(store)

    def frame(screen: Any) -> None:
        log = screen.conversation
        if log.shows_the_newest:  # the lines so far, drawn
            events.append(("frame", len(log.said)))

    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        app.screen.screen_layout_refresh_signal.subscribe(app, frame, immediate=True)
        for _, _, answer in WHOLE[1:5]:
            await say(pilot, answer)
        await app.workers.wait_for_complete()
    saves = [n for kind, n in events if kind == "after"]
    assert len(saves) == 4
    for n in saves:  # a frame with every line of that answer came first
        index = events.index(("after", n))
        assert ("frame", n) in events[:index], events
    assert leader_turns(store.load(app.session.id))[-1][2] == WHOLE[4][2]


async def test_an_answer_that_moves_the_focus_does_not_draw_the_whole_screen_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Answers that move the focus to another kind of control (text to rating, rating to text)
    draw what changed, never the whole screen again: Textual's `Screen.focused` would repaint
    it all right after the answer's frame (ReflectScreen overrides it). Reads what the
    compositor hands `App._display` (private; Textual is pinned)."""
    store = SessionStore(tmp_path)
    app = build(store)
    drawn: list[str] = []
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        display = app._display

        def recording(screen: Any, renderable: Any) -> None:
            drawn.append(type(renderable).__name__)
            display(screen, renderable)

        monkeypatch.setattr(app, "_display", recording)
        for _, _, answer in WHOLE[1:3]:  # text -> rating -> text
            kind = type(control(app))
            await say(pilot, answer)
            await pilot.pause()
            assert type(control(app)) is not kind
    assert drawn and "ChopsUpdate" in drawn
    assert "LayoutUpdate" not in drawn, drawn  # a full-screen update


async def test_each_kind_of_control_is_mounted_once_and_set_afresh_for_each_question(
    tmp_path: Path,
) -> None:
    """A later question of the same kind gets the same control, set as a new one would be:
    nothing rated, the coach's guess or else the first option highlighted; the others are
    hidden, out of the focus chain."""
    from coach.tui.widgets.choices import ChoiceList

    app = build(SessionStore(tmp_path))
    seen: dict[str, list[Widget]] = {}
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        for step, stage, answer in WHOLE:
            widget = control(app)
            assert app.screen.prompt.step == step and app.screen.prompt.stage == stage
            seen.setdefault(type(widget).__name__, []).append(widget)
            assert widget.has_focus and widget.display
            assert [c for c in app.screen.query(".control") if c.display] == [widget]
            if isinstance(widget, RatingBar):
                assert widget.value is None
                assert not widget.query(".-chosen")
            if isinstance(widget, ChoiceList):
                assert widget.highlighted == (widget.suggested or 0)
            await say(pilot, answer)
        await app.workers.wait_for_complete()
    assert {kind: len(set(map(id, ws))) for kind, ws in seen.items()} == {
        "AnswerBox": 1, "RatingBar": 1, "ChoiceList": 1,
    }  # fmt: skip
    assert len(seen["RatingBar"]) == 2 and len(seen["ChoiceList"]) == 2


async def test_a_kept_rating_bar_shows_a_new_scale_whole() -> None:
    from textual.app import App, ComposeResult

    from coach.engine.pack import Scale

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield RatingBar(Scale(1, 5, {1: "rarely", 5: "always"}))

    messages: list[object] = []
    app = One()
    async with app.run_test(size=(80, 8), message_hook=messages.append) as pilot:
        bar = app.query_one(RatingBar)
        await pilot.press("right", "right")
        assert bar.value == 4 and bar.query_one("#rating-4").has_class("-chosen")
        await bar.set_scale(Scale(1, 5, {1: "rarely", 5: "always"}))  # the same: kept
        assert bar.value is None and not bar.query(".-chosen")
        await bar.set_scale(Scale(0, 3, {0: "never", 3: "often"}))
        await pilot.pause()
        assert [text(box) for box in bar.children] == [" 0 \nnever", " 1 \n", " 2 \n", " 3 \noften"]
        await pilot.press("3")  # sent at once, without a frame of its own first
        assert bar.value is None and not bar.query(".-chosen")
        await pilot.press("left", "left", "enter")  # the middle, then one lower
        assert bar.value == 0 and bar.query_one("#rating-0").has_class("-chosen")
    chosen = {id(m): m.value for m in messages if isinstance(m, RatingBar.Chosen)}
    assert list(chosen.values()) == [3, 0]


async def test_a_control_hidden_as_it_loses_the_focus_keeps_its_focused_look() -> None:
    """A control hidden for another kind of question is not restyled for losing the focus
    (KeptControl): nobody sees it. Shown and focused again it looks focused without being
    restyled, unless it was restyled while hidden; a visible one losing the focus looks
    unfocused. If Textual stops restyling from `watch_has_focus`, the hidden bar below turns
    unfocused and this fails: KeptControl then saves nothing."""
    from textual.app import App, ComposeResult

    from coach.engine.pack import Scale

    focused, unfocused = Color.parse("red"), Color.parse("blue")

    class Two(App[None]):
        CSS = (
            "RatingBar { background: blue; } RatingBar:focus { background: red; }"
            " RatingBar.other { color: green; }"
        )

        def compose(self) -> ComposeResult:
            yield Input()
            yield RatingBar(Scale(1, 5, {1: "rarely", 5: "always"}))

    app = Two()
    restyled: list[object] = []
    async with app.run_test(size=(80, 12)) as pilot:
        bar, box = app.query_one(RatingBar), app.query_one(Input)
        notify = bar.notify_style_update

        def counting() -> None:
            restyled.append(bar)
            notify()

        bar.notify_style_update = counting  # type: ignore[method-assign]
        bar.focus()
        await pilot.pause()
        assert bar.styles.background == focused
        box.focus()  # a visible control losing the focus
        await pilot.pause()
        assert bar.styles.background == unfocused
        bar.focus()
        await pilot.pause()
        box.focus()  # as ReflectScreen._swap_control does: the focus moves, then it hides
        bar.display = False
        await pilot.pause()
        assert not bar.has_focus and bar.styles.background == focused  # not restyled
        before = len(restyled)
        bar.display = True
        bar.focus()
        await pilot.pause()
        assert bar.has_focus and bar.styles.background == focused
        assert len(restyled) == before  # the look it kept is the right one
        box.focus()
        await pilot.pause()
        assert bar.styles.background == unfocused
        # Restyled while hidden and unfocused (a class, a theme): restyled when it is back.
        bar.focus()
        await pilot.pause()
        box.focus()
        bar.display = False
        await pilot.pause()
        bar.add_class("other")
        await pilot.pause()
        assert bar.styles.background == unfocused
        bar.display = True
        bar.focus()
        await pilot.pause()
        assert bar.has_focus and bar.styles.background == focused


def stock_session(store: SessionStore, answers: int) -> str:
    """A stock-pack session answered `answers` times by the engine, as a leader might."""
    session, reply = Session.begin(store, find_pack(None, []), clock, random.Random(3), name="Dana")
    prompt = reply.prompt
    for n in range(answers):
        assert prompt is not None
        if prompt.kind == "rating":
            text = "3"
        elif prompt.kind == "choice":
            text = "1"
        else:
            text = f"Answer {n}: she rode along on my calls and let me lead the second one"
        prompt = session.answer(text).prompt or session.dialogue.current()
    session.close()
    return session.id


async def answer_any(pilot: Pilot[Any]) -> None:
    """Answer the current question, whatever its control, and let the app settle."""
    widget = control(pilot.app)  # type: ignore[arg-type]
    if isinstance(widget, RatingBar):
        await say(pilot, "3")
    elif isinstance(widget, OptionList):
        await say(pilot, str(widget.get_option_at_index(0).id))
    else:
        await say(pilot, "Another answer, a few words more than the probe needs to be happy")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_an_answer_draws_only_its_own_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Near the end of a long session, an answer draws the rows of the lines it adds and no
    other; the rows drawn before stay as they were, and every line can still be read."""
    from coach.tui.widgets import log as conversation

    store = SessionStore(tmp_path)
    app = resumed(store, stock_session(store, 22))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        log = app.screen.query_one("#log", conversation.ConversationLog)
        before, rows = log.lines, list(log.rows)
        assert len(before) > 40 and not log.children
        drawn: list[object] = []
        real = conversation.draw

        def counting(said: Any, width: int, look: Any, y: int) -> Any:
            drawn.append(said)
            return real(said, width, look, y)

        monkeypatch.setattr(conversation, "draw", counting)
        await answer_any(pilot)
        after = log.lines
        assert after[: len(before)] == before and len(after) >= len(before) + 2
        assert drawn == after[len(before) :]  # the new lines, each once
        assert log.rows[: len(rows)] == rows
        assert len(log.rows) == log.ends[-1] and log.shows_the_newest
        assert line_in_view(app)


async def test_the_screen_does_not_grow_with_the_conversation(tmp_path: Path) -> None:
    """No line is a widget, so every walk of the DOM (queries, styles, messages to every
    widget) costs the same at the end of a session as near its start."""
    from coach.tui.widgets import log as conversation

    store = SessionStore(tmp_path)
    app = resumed(store, stock_session(store, 1))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        log = app.screen.query_one("#log", conversation.ConversationLog)
        counts, lines = [], []
        for answers in (5, 10):
            for _ in range(answers):
                await answer_any(pilot)
            counts.append(len(list(app.screen.walk_children())))
            lines.append(len(log.lines))
        assert lines[1] >= lines[0] + 20  # ten answers, at least two lines each
        assert counts[1] == counts[0]


@pytest.mark.parametrize("change", ["width", "theme"])
async def test_the_lines_are_drawn_again_after_a_new_width_or_theme(
    tmp_path: Path, change: str
) -> None:
    """After a resize or a new theme the conversation looks as it does in an app started at
    that width or in that theme."""
    store = SessionStore(tmp_path)
    session_id = stock_session(store, 22)
    app = resumed(store, session_id)
    size, theme = ((80, 24), None) if change == "width" else ((100, 32), "textual-light")
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        log = app.screen.query_one("#log", ConversationLog)
        read = log.lines
        if theme is None:
            await pilot.resize_terminal(*size)
        else:
            app.theme = theme
        for _ in range(3):
            await pilot.pause()
        assert log.drawn_width == log.scrollable_content_region.width
        assert log.lines == read
        log.scroll_home(animate=False)
        await pilot.pause()
        changed = screenshot(app)
    app.session.close()
    fresh = resumed(store, session_id)
    async with fresh.run_test(size=size) as pilot:
        if theme is not None:
            fresh.theme = theme
        await pilot.pause()
        fresh.screen.query_one("#log", ConversationLog).scroll_home(animate=False)
        await pilot.pause()
        assert screenshot(fresh) == changed
