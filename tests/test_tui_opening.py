"""The first question drawn before the engine (`coach.tui.opening`): kept from one start,
drawn at the next, replaced by the real reflection without anything moving or anything
typed being lost, and never used when the start would show something else."""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
import yaml
from textual import events
from textual.app import App
from textual.widgets import Input
from tui_kit import NOW, TINY, WHOLE, build, clock, tiny_file

import coach.tui.app
from coach.catalog import find_pack
from coach.session import Session
from coach.store import SessionStore
from coach.transcript import parse
from coach.tui import opening as first
from coach.tui.app import CoachApp, Setup, make_app
from coach.tui.opening import OpeningScreen
from coach.tui.screens.reflect import ReflectScreen
from coach.tui.screens.start import StartScreen
from coach.tui.widgets.answer_box import AnswerBox
from coach.tui.widgets.log import ConversationLog
from coach.tui.widgets.turns import CoachSaid, LeaderSaid

ENV = {"COACH_NOW": NOW.isoformat()}


def key() -> dict[str, Any]:
    found = first.key_for(TINY, "Dana")
    assert found is not None
    return found


async def kept_opening(tmp_path: Path) -> first.Opening:
    """A first start, as the CLI makes it: its first screen is kept in the cache."""
    cache = tmp_path / "cache"
    app = build(SessionStore(tmp_path / "first"), first_screen=(cache, key()))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
    opening = first.first_screen_for(cache, key(), tmp_path / "empty", ENV)
    assert opening is not None
    return opening


def setup_for(store: SessionStore, cache: Path) -> Setup:
    return Setup(store=store, packs=[tiny_file()], clock=clock, rng=random.Random(1),
                 name="Dana", first_screen=(cache, key()))  # fmt: skip


async def test_a_second_start_draws_the_kept_opening_first_and_the_same_question_after(
    tmp_path: Path,
) -> None:
    opening = await kept_opening(tmp_path)
    store = SessionStore(tmp_path / "second")
    seen: list[str] = []

    def prepare() -> Setup:
        seen.append(type(app.screen).__name__)  # what was on screen while the engine loaded
        return setup_for(store, tmp_path / "cache")

    app = make_app(prepare, opening)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert seen == ["OpeningScreen"]
        screen = app.screen
        assert isinstance(screen, ReflectScreen)
        drawn = [(said.text, said.followup) for said in screen.conversation.lines
                 if isinstance(said, CoachSaid)]  # fmt: skip
        assert tuple(drawn) == opening.lines
        assert screen.hint == opening.hint
        assert isinstance(screen.control, AnswerBox)


async def test_the_opening_puts_everything_where_the_reflection_will(tmp_path: Path) -> None:
    """Nothing moves when the real screen takes over: the same regions, the same words."""
    opening = await kept_opening(tmp_path)

    class Alone(App[None]):
        CSS_PATH = str(Path(coach.tui.app.__file__).parent / CoachApp.CSS_PATH)

        def on_mount(self) -> None:
            self.push_screen(OpeningScreen(opening))

    parts = ("#title", "#progress", "#log", "#answer-box", "#hint", ".footer-space")
    alone = Alone()
    async with alone.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        drawn = {p: alone.screen.query_one(p).region for p in parts}
        texts = [row.text for row in alone.screen.query_one(ConversationLog).rows]
    real = build(SessionStore(tmp_path / "real"))
    async with real.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        regions = {p: real.screen.query_one(p).region for p in parts if p != ".footer-space"}
        real_texts = [row.text for row in real.screen.query_one(ConversationLog).rows]
    del drawn[".footer-space"]  # the footer itself is there by now
    assert drawn == regions
    assert texts == real_texts


async def test_keys_pressed_while_the_engine_loads_reach_the_answer_box_in_order(
    tmp_path: Path,
) -> None:
    opening = await kept_opening(tmp_path)
    store = SessionStore(tmp_path / "second")

    def prepare() -> Setup:
        # Typed while the engine is imported: the keys wait in the app's queue meanwhile.
        for char in "She asked":
            app.post_message(events.Key(char if char != " " else "space", char))
        app.post_message(events.Key("enter", "\r"))
        return setup_for(store, tmp_path / "cache")

    app = make_app(prepare, opening)
    async with app.run_test(size=(100, 32)) as pilot:
        for _ in range(50):  # the answer goes to the engine, then to the log
            await pilot.pause()
            lines = app.screen.query_one(ConversationLog).lines
            said = [line for line in lines if isinstance(line, LeaderSaid)]
            if said:
                break
        assert said, "the answer typed on the opening was never sent"
        assert said[0].content().plain == "She asked"


async def test_a_typed_key_shows_on_the_opening_as_it_would_in_the_box(tmp_path: Path) -> None:
    opening = await kept_opening(tmp_path)
    screen = OpeningScreen(opening)

    class Alone(App[None]):
        CSS_PATH = str(Path(coach.tui.app.__file__).parent / CoachApp.CSS_PATH)

        def on_mount(self) -> None:
            self.push_screen(screen)

    async with Alone().run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        for name, char in (("h", "h"), ("i", "i"), ("backspace", None), ("o", "o")):
            screen.typed(events.Key(name, char))
        box = screen.query_one("#answer-box")
        assert str(box.render()) == "ho"
        assert not box.has_class("placeholder")


async def test_what_the_start_cannot_do_ends_the_app_for_the_cli_to_say(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach import cli

    opening = await kept_opening(tmp_path)

    def prepare() -> Setup:
        raise cli.UserError("the sessions folder cannot be written")

    app = make_app(prepare, opening)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
    assert isinstance(app.failure, cli.UserError)
    assert app.return_code == 1
    # The CLI raises it once the terminal is back, and `main` prints it as one sentence.
    monkeypatch.setattr(app, "run", lambda: None)
    monkeypatch.setattr(coach.tui.app, "make_app", lambda *parts: app)
    with pytest.raises(cli.UserError, match="cannot be written"):
        cli._run_tui(prepare, opening)


async def test_what_was_typed_before_a_failed_start_is_given_back_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from coach import cli

    opening = await kept_opening(tmp_path)

    def prepare() -> Setup:
        for char in "She listened":  # typed while the engine loads, then the start fails
            app.post_message(events.Key(char if char != " " else "space", char))
        raise cli.UserError("the sessions folder cannot be written")

    app = make_app(prepare, opening)
    monkeypatch.setattr(app, "run", lambda: None)
    monkeypatch.setattr(coach.tui.app, "make_app", lambda *parts: app)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
    assert cli._run_tui(prepare, opening) == 1
    said = capsys.readouterr().err.splitlines()
    assert said == [
        "coach: the sessions folder cannot be written",
        "What you had typed, not sent: She listened",
    ]


def test_textual_still_calls_the_display_hook_and_keeps_its_batch_count() -> None:
    """CoachApp.post_display_hook reads `App._batch_count` (private): fail loudly if the
    Textual in use no longer has it, or no longer calls the hook after a display."""
    import inspect

    assert App()._batch_count == 0
    assert "post_display_hook()" in inspect.getsource(App._display)
    assert "self._batch_count" in inspect.getsource(App._display)


# -- when the kept opening is not used ---------------------------------------------------


async def test_a_folder_with_a_session_and_no_quiet_record_starts_the_slow_way(
    tmp_path: Path,
) -> None:
    await kept_opening(tmp_path)
    folder = tmp_path / "sessions"
    folder.mkdir()
    (folder / "2026-11-27-0900-abcd.yaml").write_text("schema: 1\n")
    assert first.first_screen_for(tmp_path / "cache", key(), folder, ENV) is None


@pytest.mark.parametrize(
    "damage",
    [
        "not json",
        "[]",
        '{"openings": "many"}',
        '{"openings": [{"key": 1}]}',
        "wrong shape",
        "a line longer than any screen",
        "more lines than any screen",
    ],
)
async def test_a_hand_edited_cache_file_is_simply_not_used(tmp_path: Path, damage: str) -> None:
    await kept_opening(tmp_path)
    cached = tmp_path / "cache" / first.FILE_NAME
    if damage == "wrong shape":
        data = json.loads(cached.read_text())
        data["openings"][0]["lines"] = [["text", "yes"]]
        damage = json.dumps(data)
    elif damage.startswith("a line"):
        data = json.loads(cached.read_text())
        data["openings"][0]["lines"][-1][0] = "why? " * 100_000
        damage = json.dumps(data)
    elif damage.startswith("more lines"):
        data = json.loads(cached.read_text())
        data["openings"][0]["lines"] *= 1000
        damage = json.dumps(data)
    cached.write_text(damage)
    assert first.first_screen_for(tmp_path / "cache", key(), tmp_path / "empty", ENV) is None


async def test_a_link_in_place_of_the_cache_file_is_not_followed(tmp_path: Path) -> None:
    await kept_opening(tmp_path)
    cached = tmp_path / "cache" / first.FILE_NAME
    real = tmp_path / "elsewhere.json"
    cached.rename(real)
    cached.symlink_to(real)
    assert first.first_screen_for(tmp_path / "cache", key(), tmp_path / "empty", ENV) is None


async def test_an_opening_that_came_out_different_is_never_drawn_early(tmp_path: Path) -> None:
    opening = await kept_opening(tmp_path)
    cache = tmp_path / "cache"
    other = first.Opening(opening.key, opening.title, opening.progress,
                          (("Good evening, Dana.", False),), opening.hint)  # fmt: skip
    first.remember(cache, other)
    assert first.first_screen_for(cache, key(), tmp_path / "empty", ENV) is None
    first.remember(cache, opening)  # and it stays one that varies
    assert first.first_screen_for(cache, key(), tmp_path / "empty", ENV) is None


async def test_an_edited_pack_or_another_name_has_no_kept_opening(tmp_path: Path) -> None:
    await kept_opening(tmp_path)
    cache, empty = tmp_path / "cache", tmp_path / "empty"
    assert first.first_screen_for(cache, {**key(), "participant": "Sam"}, empty, ENV) is None
    assert first.first_screen_for(cache, {**key(), "size": 1}, empty, ENV) is None
    assert first.first_screen_for(cache, key(), empty, {"COACH_NOW": "tuesday"}) is None


# -- the folder's quiet record --------------------------------------------------------------


def finished(store: SessionStore, due: str | None) -> str:
    """A complete session of Dana's whose one commitment is due on `due`."""
    session, _ = Session.begin(store, tiny_file(), clock, random.Random(3), name="Dana")
    for _step, _stage, text in WHOLE:
        session.answer(text)
    session.finish(None)
    session.close()
    path = store.path_for(session.id)
    doc = yaml.safe_load(path.read_text())
    for item in doc["action_items"]:  # moved, as a hand edit or `coach actions` would
        if item.get("kind", "commitment") == "commitment" and due is not None:
            item["due"] = due
    path.write_text(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True))
    assert any(i.own and i.due == due for i in parse(store.load(path), path).action_items)
    return session.id


@pytest.mark.parametrize(
    ("due", "quiet"),
    [("2026-12-04", True), ("2026-11-28", False), ("2026-11-20", False)],
)
async def test_after_a_reflection_the_folder_is_quiet_until_a_commitment_comes_due(
    tmp_path: Path, due: str, quiet: bool
) -> None:
    await kept_opening(tmp_path)
    cache, folder = tmp_path / "cache", tmp_path / "sessions"
    store = SessionStore(folder)
    finished(store, due)
    first.after_reflection(cache, store, NOW.date(), "Dana")
    found = first.first_screen_for(cache, key(), folder, ENV)
    assert (found is not None) == quiet
    if quiet:  # the day it comes due, the check-in asks about it: no early opening then
        later = {"COACH_NOW": "2026-12-04T09:00:00+00:00"}
        assert first.first_screen_for(cache, key(), folder, later) is None


async def test_a_session_left_to_resume_keeps_the_folder_from_being_quiet(
    tmp_path: Path,
) -> None:
    await kept_opening(tmp_path)
    cache, folder = tmp_path / "cache", tmp_path / "sessions"
    store = SessionStore(folder)
    finished(store, "2026-12-04")
    session, _ = Session.begin(store, tiny_file(), clock, random.Random(9), name="Dana")
    session.answer("They asked me questions about my week and waited for every answer")
    session.close()
    first.after_reflection(cache, store, NOW.date(), "Dana")
    assert first.first_screen_for(cache, key(), folder, ENV) is None


async def test_a_quiet_folder_that_changed_since_starts_the_slow_way(tmp_path: Path) -> None:
    await kept_opening(tmp_path)
    cache, folder = tmp_path / "cache", tmp_path / "sessions"
    store = SessionStore(folder)
    session_id = finished(store, "2026-12-04")
    first.after_reflection(cache, store, NOW.date(), "Dana")
    assert first.first_screen_for(cache, key(), folder, ENV) is not None
    path = store.path_for(session_id)
    path.write_text(path.read_text() + "\n")  # synced in from elsewhere, say
    assert first.first_screen_for(cache, key(), folder, ENV) is None


def test_the_cache_file_is_private(tmp_path: Path) -> None:
    opening = first.Opening(key(), "Title", first.Progress(0, 1, ()), (("Hello", False),), "h")
    first.remember(tmp_path / "cache", opening)
    assert os.stat(tmp_path / "cache").st_mode & 0o777 == 0o700
    assert os.stat(tmp_path / "cache" / first.FILE_NAME).st_mode & 0o777 == 0o600


# -- the start screen, kept ---------------------------------------------------------------


def start_setup(store: SessionStore, cache: Path, name: str | None = None) -> Setup:
    packs = [tiny_file(), find_pack("sales-leader", [])]
    key = first.start_key([p.path for p in packs])
    assert key is not None
    return Setup(store=store, packs=packs, clock=clock, rng=random.Random(1), name=name,
                 start_screen=(cache, key))  # fmt: skip


async def kept_start(tmp_path: Path) -> first.Choices:
    cache = tmp_path / "cache"
    setup = start_setup(SessionStore(tmp_path / "first"), cache)
    app = make_app(setup)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
    assert setup.start_screen is not None
    choices = first.start_screen_for(cache, setup.start_screen[1], tmp_path / "empty", ENV)
    assert choices is not None
    return choices


async def test_the_start_screen_is_drawn_from_the_packs_it_offered_last_time(
    tmp_path: Path,
) -> None:
    choices = await kept_start(tmp_path)
    assert [title for _id, title in choices.packs][1] == "Five traits of a sales leader"
    store = SessionStore(tmp_path / "second")
    seen: list[Any] = []

    def prepare() -> Setup:
        seen.append(app.screen)
        return start_setup(store, tmp_path / "cache")

    app = make_app(prepare, choices)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(seen[0], StartScreen)
        assert app.screen is seen[0]  # the same screen stays: it offers the same packs
        app.screen.query_one("#name", Input).value = "Priya"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ReflectScreen)
        assert app.screen.session.dialogue.participant == "Priya"


async def test_enter_on_the_kept_start_screen_before_the_packs_load_starts_once_they_have(
    tmp_path: Path,
) -> None:
    choices = await kept_start(tmp_path)
    store = SessionStore(tmp_path / "second")

    def prepare() -> Setup:
        screen = app.screen
        assert isinstance(screen, StartScreen)
        screen.query_one("#name", Input).value = "Sam"
        screen._begin()  # Enter, while the packs are still loading
        return start_setup(store, tmp_path / "cache")

    app = make_app(prepare, choices)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ReflectScreen)
        assert app.screen.session.dialogue.participant == "Sam"


async def test_a_start_screen_that_offers_something_else_now_takes_over_with_the_name_typed(
    tmp_path: Path,
) -> None:
    choices = await kept_start(tmp_path)
    stale = first.Choices(choices.key, (("old", "A pack since renamed"),))
    store = SessionStore(tmp_path / "second")

    def prepare() -> Setup:
        app.screen.query_one("#name", Input).value = "Ana"
        return start_setup(store, tmp_path / "cache")

    app = make_app(prepare, stale)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StartScreen)
        assert len(screen.packs) == 2
        assert screen.query_one("#name", Input).value == "Ana"


async def test_a_session_to_resume_keeps_the_start_screen_from_being_drawn_early(
    tmp_path: Path,
) -> None:
    choices = await kept_start(tmp_path)
    folder = tmp_path / "sessions"
    store = SessionStore(folder)
    session, _ = Session.begin(store, tiny_file(), clock, random.Random(9), name="Dana")
    session.answer("They asked me questions about my week and waited for every answer")
    session.close()
    assert first.start_screen_for(tmp_path / "cache", choices.key, folder, ENV) is None


# -- found by the adversarial pass ----------------------------------------------------------


async def test_escapes_and_bidi_in_a_kept_record_never_reach_the_terminal(
    tmp_path: Path,
) -> None:
    opening = await kept_opening(tmp_path)
    evil = first.Opening(
        opening.key,
        "T\x1b]0;pwn\x07\x1b[2J\u202eitle",
        first.Progress(0, 5, (first.Section("Sec\x1b[31m\u202e", "t", "current"),)),
        (("line\x1b[2J", False),),
        "hint\x1b[5m\u202e",
    )
    seen: list[list[str]] = []

    def prepare() -> Setup:
        shown = app.screen
        seen.append([str(shown.query_one(p).render()) for p in ("#title", "#progress", "#hint")])
        seen.append([line.content().plain for line in shown.query_one(ConversationLog).lines])
        return setup_for(SessionStore(tmp_path / "s"), tmp_path / "cache")

    app = make_app(prepare, evil)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
    drawn = [text for part in seen for text in part]
    assert drawn and not any("\x1b" in t or "\u202e" in t or "\x07" in t for t in drawn)


async def test_an_answer_typed_to_a_question_that_is_not_the_one_asked_is_never_sent(
    tmp_path: Path,
) -> None:
    """A stale or planted record shows one question; the real start asks another: the words
    typed go into the box, under the real question, and Enter is not pressed for them."""
    opening = await kept_opening(tmp_path)
    fake = first.Opening(opening.key, opening.title, opening.progress,
                         (("What is your bank PIN?", False),), opening.hint)  # fmt: skip

    def prepare() -> Setup:
        for char in "1234":
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("enter", "\r"))
        return setup_for(SessionStore(tmp_path / "s"), tmp_path / "cache")

    app = make_app(prepare, fake)
    async with app.run_test(size=(100, 32)) as pilot:
        for _ in range(20):
            await pilot.pause()
            screen = app.screen
            if isinstance(screen, ReflectScreen) and screen.draft():
                break
        lines = app.screen.query_one(ConversationLog).lines
        assert not [line for line in lines if isinstance(line, LeaderSaid)]
        assert isinstance(screen, ReflectScreen)
        assert screen.control.text == "1234"  # type: ignore[attr-defined]


async def test_esc_pressed_on_the_opening_pauses_with_what_was_typed_kept(
    tmp_path: Path,
) -> None:
    opening = await kept_opening(tmp_path)
    store = SessionStore(tmp_path / "s")

    def prepare() -> Setup:
        for char in "abc":
            app.post_message(events.Key(char, char))
        app.post_message(events.Key("escape", None))
        return setup_for(store, tmp_path / "cache")

    app = make_app(prepare, opening)
    async with app.run_test(size=(100, 32)) as pilot:
        for _ in range(30):
            await pilot.pause()
            if not app.is_running:
                break
    saved = list((tmp_path / "s").glob("*.yaml"))
    assert len(saved) == 1
    doc = yaml.safe_load(saved[0].read_text())
    assert doc["draft"]["text"] == "abc"


@pytest.mark.parametrize("who", ["the file", "the folder"])
async def test_a_cache_others_can_write_is_not_drawn_from(tmp_path: Path, who: str) -> None:
    await kept_opening(tmp_path)
    cache = tmp_path / "cache"
    target = cache / first.FILE_NAME if who == "the file" else cache
    target.chmod(target.stat().st_mode | 0o022)
    assert first.first_screen_for(cache, key(), tmp_path / "empty", ENV) is None
