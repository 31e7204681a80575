"""`coach review` under Pilot: the table, its sorting, filters and search; a session read
whole with its matches highlighted; marking an item, adding a note; needs attention; trends.

Values are set on the widgets directly and only the key under test is pressed; the archive is
read in a worker, so each test waits for the workers, never a sleep.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import NOW
from test_archive import DANA, SAM, day, reflect, samples
from textual.content import Content
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static, TextArea
from tui_kit import footer

from coach.archive import Archive, Entry
from coach.store import SessionStore
from coach.tui.review.app import ReviewApp, make_review_app
from coach.tui.review.charts import HIGHLIGHT, abbreviated, highlighted
from coach.tui.review.commands import ArchiveCommands
from coach.tui.review.screens.attention import AttentionList, AttentionScreen
from coach.tui.review.screens.reading import ItemLine, NoteScreen, ReadingScreen, TurnLine
from coach.tui.review.screens.sessions import (
    BY_KEY,
    FIRST_ROWS,
    SessionsScreen,
    SessionTable,
    parse_day,
    share_out,
)
from coach.tui.review.screens.trends import TrendsScreen
from coach.tui.widgets.footer import KeysFooter

WIDE, SMALL = (100, 32), (80, 24)


def clock() -> datetime:
    return NOW


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A coach's folder with Dana twice (her Listening falls 4 → 2) and Lee unfinished,
    reflected once for the module through the engine."""
    team = tmp_path_factory.mktemp("made") / "team"
    reflect(team, "Dana", day("2026-11-10"), rating=4, fair=5)
    reflect(team, "Dana", day("2026-11-24"), rating=2, fair=5, loyalty="She was always fair")
    reflect(team, "Lee", day("2026-11-25"), stop=2)
    return team


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, made: Path) -> list[Path]:
    """The samples as a leader's folder and a copy of the coach's; relative, as the CLI may
    be given them, so what is shown of a path is the same on every machine."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(made, "team")
    return [samples(Path("mine")), Path("team")]


def build(folders: list[Path]) -> ReviewApp:
    return make_review_app(Archive(folders), clock, author="Alex")


async def furnished(pilot: Pilot[Any]) -> None:
    """Until the sessions screen has its search box, filters and footer, which come after
    its first frame; its refresh worker has begun by then (`ready` waits for it)."""
    first = pilot.app.screen_stack[0]
    assert isinstance(first, SessionsScreen)
    for _ in range(200):
        if first.furnished:
            return
        await pilot.pause()
    raise AssertionError("the sessions screen was never furnished")


async def ready(pilot: Pilot[Any]) -> None:
    """Until the workers are done and what they posted back is drawn."""
    await furnished(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
async def review(folders: list[Path]) -> AsyncIterator[Pilot[Any]]:
    app = build(folders)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        yield pilot


def sessions(pilot: Pilot[Any]) -> SessionsScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SessionsScreen)
    return screen


def rows(pilot: Pilot[Any]) -> list[list[str]]:
    """The table as text, row by row."""
    table = pilot.app.screen.query_one(SessionTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


def column(pilot: Pilot[Any], key: str) -> list[str]:
    table = pilot.app.screen.query_one(SessionTable)
    return [str(cell) for cell in table.get_column(key)]


def notes(app: ReviewApp) -> list[str]:
    return [n.message for n in app._notifications]


def plain(widget: Static) -> str:
    return str(widget.render())


def styled(content: Content, style: str = HIGHLIGHT) -> list[str]:
    """The text under each span of `style`."""
    return [content.plain[s.start : s.end] for s in content.spans if s.style == style]


async def open_row(pilot: Pilot[Any], index: int) -> ReadingScreen:
    table = pilot.app.screen.query_one(SessionTable)
    table.move_cursor(row=index)
    await pilot.press("enter")
    await ready(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReadingScreen)
    return screen


# -- the table ------------------------------------------------------------------------------


async def test_the_table_shows_every_session_newest_first(review: Pilot[Any]) -> None:
    assert rows(review) == [
        ["2026-11-25", "Lee", "tiny", "2 of 7", "▃·", "", "1", ""],
        ["2026-11-24", "Dana", "tiny", "complete", "▃█", "Fairness", "3", "1"],
        ["2026-11-20", "Sam", "sales-leader", "8 of 23", "▅▆···", "", "1", "1"],
        ["2026-11-10", "Dana", "tiny", "complete", "▆█", "Listening", "2", "2"],
        ["2026-11-02", "Dana", "sales-leader", "complete", "▅▆▃▃▆", "Builds loyalty", "8", "7"],
    ]
    status = plain(review.app.screen.query_one("#status", Static))
    assert status == "5 sessions · 2 folders"
    preview = plain(review.app.screen.query_one("#preview", Static))
    assert preview == "The loyalty question is not answered yet."


async def test_one_pack_leaves_no_pack_column_and_80_columns_hold_the_rest(tmp_path: Path) -> None:
    app = build([samples(tmp_path / "mine")])
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        table = app.screen.query_one(SessionTable)
        assert [c.key.value for c in table.columns.values()] == [
            "date", "leader", "status", "ratings", "loyalty", "open", "late"
        ]  # fmt: skip
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 80 - 1
        assert column(pilot, "loyalty") == ["", "Builds loyalty"]


async def test_sorting_by_a_key_a_header_and_the_palette(review: Pilot[Any]) -> None:
    await review.press("s")  # the next column: Leader, A to Z
    assert column(review, "leader") == ["Dana", "Dana", "Dana", "Lee", "Sam"]
    assert str(review.app.screen.query_one(SessionTable).columns["leader"].label) == "Leader ▲"
    await review.press("r")
    assert column(review, "leader") == ["Sam", "Lee", "Dana", "Dana", "Dana"]
    screen = sessions(review)
    screen.action_sort("late")  # as the palette's "Sort by late" does
    assert column(review, "late") == ["7", "2", "1", "1", ""]
    table = screen.query_one(SessionTable)
    x = sum(c.get_render_width(table) for c in list(table.columns.values())[:4]) + 2
    await review.click(SessionTable, offset=(x, 0))  # the Ratings header
    assert screen.sort_key == "ratings" and screen.descending
    assert column(review, "ratings")[0] == "▆█"
    await review.click(SessionTable, offset=(x, 0))  # again: the other way round
    assert not screen.descending and column(review, "ratings")[0] == "▃·"


async def test_filters_narrow_the_table_and_escape_clears_them(review: Pilot[Any]) -> None:
    screen = sessions(review)
    screen.query_one("#leader", Select).value = "Dana"
    await review.pause()
    assert column(review, "date") == ["2026-11-24", "2026-11-10", "2026-11-02"]
    screen.query_one("#pack", Select).value = "tiny"
    screen.query_one("#since", Input).value = "2026-11-20"
    await review.pause()
    assert column(review, "date") == ["2026-11-24"]
    assert plain(screen.query_one("#status", Static)) == "1 of 5 sessions · 2 folders"
    until = screen.query_one("#until", Input)
    until.value = "2026-13"
    await review.pause()
    assert until.has_class("-invalid") and column(review, "date") == ["2026-11-24"]
    screen.query_one("#status-filter", Select).value = "in_progress"
    await review.pause()
    assert rows(review) == [] and plain(screen.query_one("#preview", Static)) == (
        "No session matches."
    )
    await review.press("escape")
    assert len(rows(review)) == 5 and screen.query_one("#leader", Select).is_blank()
    assert screen.query_one("#until", Input).value == ""


@pytest.mark.parametrize(
    ("typed", "end", "day"),
    [("2026-11-02", False, "2026-11-02"), ("2026-11", False, "2026-11-01"),
     ("2026-02", True, "2026-02-28"), ("2026", True, "2026-12-31"), ("2026-11-31", False, None),
     ("soon", False, None), ("", False, None), ("2026/11", False, None)],
)  # fmt: skip
def test_a_date_filter_takes_a_day_a_month_or_a_year(
    typed: str, end: bool, day: str | None
) -> None:
    found = parse_day(typed, end)
    assert (found.isoformat() if found else None) == day


async def test_slash_and_f_reach_the_search_and_the_filters(review: Pilot[Any]) -> None:
    await review.press("slash")
    assert review.app.focused is review.app.screen.query_one("#search")
    await review.press("escape")
    assert isinstance(review.app.focused, SessionTable)
    await review.press("f")
    assert review.app.focused is review.app.screen.query_one("#leader")


async def test_keys_typed_before_the_search_box_is_there_land_in_it(
    folders: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The search box and the filters come after the first frame: a search typed at once
    is held until they do, then handed on in order, Enter and all."""
    waiting: list[SessionsScreen] = []
    furnish = SessionsScreen.furnish

    def later(screen: SessionsScreen) -> None:
        waiting.append(screen)

    monkeypatch.setattr(SessionsScreen, "furnish", later)
    Archive(folders).refresh()  # indexed: the first rows are drawn before anything else
    app = build(folders)
    async with app.run_test(size=WIDE) as pilot:
        await pilot.press("slash", *"priya", "enter")
        screen = sessions(pilot)
        assert waiting == [screen] and not screen.query("#search")
        assert len(rows(pilot)) == 5  # the first rows, while the keys wait
        furnish(screen)
        await ready(pilot)
        assert screen.query_one("#search", Input).value == "priya"
        assert screen.searched == "priya"
        assert column(pilot, "date") == ["2026-11-20", "2026-11-02"]


# -- search ---------------------------------------------------------------------------------


async def search(pilot: Pilot[Any], text: str) -> None:
    box = pilot.app.screen.query_one("#search", Input)
    box.value = text
    box.focus()
    await pilot.press("enter")
    await ready(pilot)


async def test_search_keeps_the_sessions_whose_answers_match(review: Pilot[Any]) -> None:
    await search(review, "priya")
    assert column(review, "date") == ["2026-11-20", "2026-11-02"]
    screen = sessions(review)
    assert plain(screen.query_one("#status", Static)) == (
        "2 of 5 sessions with answers matching “priya” · 2 folders"
    )
    assert isinstance(review.app.focused, SessionTable)
    preview = screen.query_one("#preview", Static).render()
    assert isinstance(preview, Content)
    assert (
        preview.plain
        == "#12 …since September, when I took Priya to the Halvorsen meeting.  (+1 more)"
    )
    assert styled(preview) == ["Priya"]
    screen.query_one("#leader", Select).value = "Dana"  # filters narrow a search too
    await review.pause()
    assert column(review, "date") == ["2026-11-02"]
    screen.query_one("#search", Input).value = ""  # an empty box is every session again
    await review.pause()
    assert column(review, "date") == ["2026-11-24", "2026-11-10", "2026-11-02"]


async def test_a_match_is_highlighted_in_the_reading_view_and_found_with_brackets(
    review: Pilot[Any],
) -> None:
    await search(review, "priya")
    reading = await open_row(review, 1)
    assert reading.entry.id == DANA
    matched = [line for line in reading.query(TurnLine) if line.has_class("-match")]
    assert [line.n for line in matched] == [12, 14]
    content = matched[0].render()
    assert isinstance(content, Content) and styled(content) == ["Priya"]
    assert matched[0].has_class("-current")  # the first match is in view at once
    await review.press("right_square_bracket")
    assert matched[1].has_class("-current") and not matched[0].has_class("-current")
    await review.press("left_square_bracket")
    assert matched[0].has_class("-current")


def test_highlights_fall_on_the_same_words_after_control_characters_are_escaped() -> None:
    text = "a\x1b[31m [TODO] Priya"
    content = highlighted(text, [(text.index("Priya"), len(text))])
    assert content.plain == "a\\x1b[31m [TODO] Priya" and styled(content) == ["Priya"]


# -- reading --------------------------------------------------------------------------------


async def test_enter_reads_a_session_whole(review: Pilot[Any]) -> None:
    reading = await open_row(review, 4)
    assert plain(reading.query_one("#reading-title", Static)) == (
        "Dana · Mon 2 Nov 2026 · sales-leader 1.0.0 · complete"
    )
    assert plain(reading.query_one("#ratings", Static)).splitlines()[:2] == [
        "Inspirational coach     ███░░ 3",
        "Inspires creativity     ████░ 4",
    ]
    assert plain(reading.query_one("#loyalty", Static)).startswith(
        "Loyalty: Builds loyalty (rated 2 on it)\n“She went to battle for me"
    )
    items = list(reading.query(ItemLine))
    assert len(items) == 8 and review.app.focused is items[0]
    assert plain(items[0]).splitlines() == [
        "○ open · due Thu 5 Nov 2026, overdue · Inspires creativity",
        "Ask each rep for their plan before I give mine, at Thursday's pipeline review",
    ]
    assert len(reading.query(TurnLine)) == 59
    assert plain(reading.query_one("#notes Static", Static)) == "No notes yet; n adds one."
    await review.press("escape")
    assert isinstance(review.app.screen, SessionsScreen)


async def test_leader_text_is_shown_literally_everywhere(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    reflect(folder, "[b]Eve[/b]", day("2026-11-10"), commit="Fix [TODO] \x1b[2J now, by Friday")
    app = build([folder])
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        assert column(pilot, "leader") == ["[b]Eve[/b]"]
        reading = await open_row(pilot, 0)
        assert plain(reading.query_one("#reading-title", Static)).startswith("[b]Eve[/b] · ")
        said = [plain(line) for line in reading.query(TurnLine) if line.has_class("leader-turn")]
        assert any("Fix [TODO] \\x1b[2J now, by Friday" in line for line in said)
        assert "Fix [TODO] \\x1b[2J now" in plain(reading.query(ItemLine).first())
        hits = [hit async for hit in ArchiveCommands(app.screen).search("eve")]
        assert "Trends: [b]Eve[/b]" in [str(hit.match_display) for hit in hits]


async def test_a_summary_shared_without_answers_says_so(tmp_path: Path) -> None:
    from coach.share import share

    mine = samples(tmp_path / "mine")
    share(SessionStore(mine), [DANA], tmp_path / "coach", NOW.isoformat(), summary_only=True)
    app = build([tmp_path / "coach"])
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        reading = await open_row(pilot, 0)
        assert plain(reading.query_one("#reading-title", Static)).endswith(
            "· summary shared, no answers"
        )
        assert plain(reading.query_one("#turns Static", Static)) == (
            "This session has a summary without the answers."
        )


# -- marking items and adding notes ---------------------------------------------------------


async def test_marking_an_item_done_writes_it_and_the_table_follows(review: Pilot[Any]) -> None:
    reading = await open_row(review, 4)
    items = list(reading.query(ItemLine))
    await review.press("down")
    assert review.app.focused is items[1]
    await review.press("d")
    await ready(review)
    doc = yaml.safe_load((Path("mine") / f"{DANA}.yaml").read_text())
    assert doc["action_items"][1]["status"] == "done"
    assert doc["action_items"][1]["checked"] == {"on": "2026-11-28", "answer": "done"}
    assert plain(items[1]).startswith("✓ done · due Fri 6 Nov 2026 · Inspirational coach")
    assert notes(review.app)[-1] == (
        "Marked done: Ride along with Priya on two discovery calls by Friday"
    )
    await review.press("d")
    assert notes(review.app)[-1] == "It is done already."
    await review.press("o")
    await ready(review)
    assert plain(items[1]).startswith("○ open · due Fri 6 Nov 2026, overdue")
    await review.press("x")
    await ready(review)
    assert plain(items[1]).startswith("✗ dropped")
    await review.press("escape")
    assert rows(review)[-1][-2:] == ["7", "6"]  # open and late, as the file now says


async def test_an_item_out_of_view_is_shown_before_a_key_marks_it(review: Pilot[Any]) -> None:
    from textual.containers import VerticalScroll

    reading = await open_row(review, 4)
    page = reading.query_one("#reading", VerticalScroll)
    page.scroll_end(animate=False)  # reading the turns, as after opening at a search's match
    await review.pause()
    item = reading.chosen_item()
    assert item is not None and not page.can_view_partial(review.app.focused)
    await review.press("d")
    await ready(review)
    assert notes(review.app)[-1] == (
        f"This would mark: {item.text}. Press the key again to mark it."
    )
    assert reading.entry.header.action_items[0].status == "open"  # nothing marked unseen
    await review.press("d")
    await ready(review)
    assert notes(review.app)[-1] == f"Marked done: {item.text}"


async def test_a_session_open_elsewhere_is_said_in_one_sentence(review: Pilot[Any]) -> None:
    reading = await open_row(review, 4)
    with SessionStore(Path("mine")).lock(DANA):
        await review.press("d")
        await ready(review)
    assert notes(review.app)[-1].startswith(f"session {DANA} is open in another coach process")
    assert reading.entry.header.action_items[0].status == "open"
    assert plain(reading.query(ItemLine).first()).startswith("○ open")


async def test_a_note_is_written_beside_the_session_and_shown(review: Pilot[Any]) -> None:
    reading = await open_row(review, 4)
    await review.press("n")
    modal = review.app.screen
    assert isinstance(modal, NoteScreen)
    modal.query_one("#note-text", TextArea).text = "Ask about [Priya] next time"
    modal.query_one("#note-turn", Input).value = "99"
    await review.press("ctrl+s")
    assert review.app.screen is modal
    assert (
        plain(modal.query_one("#note-error", Static)) == "There is no turn 99; the turns are 1-59."
    )
    modal.query_one("#note-turn", Input).value = "14"
    await review.press("ctrl+s")
    await ready(review)
    assert review.app.screen is reading
    saved = yaml.safe_load((Path("mine") / f"{DANA}.notes.yaml").read_text())
    assert saved["notes"] == [
        {"at": "2026-11-28T09:00:00+00:00", "author": "Alex", "turn": 14,
         "text": "Ask about [Priya] next time"}
    ]  # fmt: skip
    assert [plain(s) for s in reading.query(".note")] == [
        "Alex · 2026-11-28 on #14: Ask about [Priya] next time"
    ]
    under = reading.query_one(".turn-note", Static)
    turns = list(reading.query_one("#turns").children)
    assert turns[turns.index(reading.query_one("#turn-14")) + 1] is under


async def test_an_empty_note_is_refused_and_escape_keeps_nothing(review: Pilot[Any]) -> None:
    await open_row(review, 4)
    await review.press("n")
    modal = review.app.screen
    await review.press("ctrl+s")
    assert plain(modal.query_one("#note-error", Static)) == "Write the note first."
    await review.press("escape")
    assert isinstance(review.app.screen, ReadingScreen)
    assert not (Path("mine") / f"{DANA}.notes.yaml").exists()


# -- needs attention and trends -------------------------------------------------------------


async def test_needs_attention_lists_why_and_opens_the_session(review: Pilot[Any]) -> None:
    await review.press("a")
    screen = review.app.screen
    assert isinstance(screen, AttentionScreen)
    listed = screen.query_one(AttentionList)
    lines = [str(o.prompt).split("\n") for o in listed.options]
    assert [line[0] for line in lines] == [
        "Action items past due · 4",
        "Dana · Mon 2 Nov 2026",
        "Dana · Tue 10 Nov 2026",
        "Dana · Tue 24 Nov 2026",
        "Sam · Fri 20 Nov 2026",
        "Ratings that fell since the session before · 1",
        "Dana · Tue 24 Nov 2026",
        "Sessions left unfinished · 2",
        "Lee · Wed 25 Nov 2026",
        "Sam · Fri 20 Nov 2026",
    ]
    assert lines[6][1] == "rated lower: Listening 4 → 2 since Tue 10 Nov 2026"
    assert listed.highlighted == 1
    await review.press("enter")
    await ready(review)
    assert isinstance(review.app.screen, ReadingScreen)
    assert review.app.screen.entry.id == DANA


async def test_an_unreadable_file_is_listed_with_its_reason(folders: list[Path]) -> None:
    (folders[0] / "2026-11-03-1000-bad1.yaml").write_text("schema: 1\nid: [oops\n")
    app = build(folders)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        assert plain(app.screen.query_one("#status", Static)) == (
            "5 sessions · 2 folders · 1 unreadable (a)"
        )
        await pilot.press("a")
        last = [str(o.prompt) for o in app.screen.query_one(AttentionList).options][-2:]
        assert last[0] == "Files that could not be read · 1"
        assert last[1].startswith(
            "mine/2026-11-03-1000-bad1.yaml:3:1: the session file is not valid"
        )
        (folders[0] / "2026-11-03-1000-bad1.yaml").unlink()
        await pilot.press("f5")
        await ready(pilot)
        last = [str(o.prompt) for o in app.screen.query_one(AttentionList).options][-1]
        assert last.startswith("Sam · Fri 20 Nov 2026")


async def test_trends_show_each_trait_loyalty_and_follow_through(review: Pilot[Any]) -> None:
    await review.press("down")  # Dana's newest session
    await review.press("t")
    screen = review.app.screen
    assert isinstance(screen, TrendsScreen)
    assert plain(screen.query_one("#trend-summary", Static)) == (
        "Dana: 3 sessions, 02 Nov 2026 to 24 Nov 2026"
    )
    ratings = plain(screen.query_one("#trend-ratings", Static)).splitlines()
    assert ratings[:2] == ["Inspirational coach     ▅··  3", "Inspires creativity     ▆··  4"]
    assert "Listening               ·▆▃  4 → 2 ↓" in ratings
    loyalty = plain(screen.query_one("#trend-loyalty", Static)).splitlines()
    assert loyalty[0] == "Earned their loyalty: Builds loyalty once, Listening once, Fairness once"
    assert loyalty[3] == "24 Nov 2026  Fairness        “She was always fair”"
    follow = screen.query_one("#trend-follow", Static).render()
    assert isinstance(follow, Content)
    assert follow.plain.splitlines() == [
        "Overall: 0 of 13 done (0%), 0 dropped, 13 open, 10 overdue",
        "02 Nov 2026  ✓ 0 done  ○ 8 open  ✗ 0 dropped  ! 7 overdue",
        "10 Nov 2026  ✓ 0 done  ○ 2 open  ✗ 0 dropped  ! 2 overdue",
        "24 Nov 2026  ✓ 0 done  ○ 3 open  ✗ 0 dropped  ! 1 overdue",
    ]
    assert styled(follow, "bold $text-error") == [
        "10 overdue", "! 7 overdue", "! 2 overdue", "! 1 overdue"
    ]  # fmt: skip
    screen.query_one("#trend-leader", Select).value = "Sam"
    await review.pause()
    assert plain(screen.query_one("#trend-summary", Static)) == "Sam: 1 session, 20 Nov 2026"


async def test_the_palette_offers_trends_sessions_and_sort_orders(review: Pilot[Any]) -> None:
    provider = ArchiveCommands(review.app.screen)
    hits = [str(hit.match_display) async for hit in provider.search("trends sam")]
    assert hits[0] == "Trends: Sam"
    found = [hit async for hit in provider.search("open dana 24")]
    found[0].command()
    await ready(review)
    assert isinstance(review.app.screen, ReadingScreen)
    assert review.app.screen.entry.started == day("2026-11-24").date()
    titles = [c.title for c in review.app.get_system_commands(review.app.screen)]
    assert "Mark done" in titles and "Add a note" in titles
    await review.press("escape")
    commands = {c.title: c for c in review.app.get_system_commands(review.app.screen)}
    assert "Clear search and filters" in commands
    await commands["Sort by ratings"].callback()
    assert sessions(review).sort_key == "ratings"


async def test_a_session_saved_since_is_listed_after_f5(review: Pilot[Any]) -> None:
    reflect(Path("team"), "Ana", datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    await review.press("f5")
    await ready(review)
    assert column(review, "leader")[0] == "Ana"
    assert SAM in {e.id for e in sessions(review).shown}


class ManyArchive(Archive):
    """The samples' sessions copied under new ids until there are `count`: a large archive
    for the table without writing a file per session."""

    def __init__(self, folders: list[Path], count: int) -> None:
        super().__init__(folders)
        self.count = count

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> None:
        super().refresh(progress)
        assert self._entries
        base = self._entries
        self._entries = [
            Entry(replace(e.summary, id=f"{e.id}-{i:04}"), e.facts, e.folder, lambda e=e: e.header)
            for i in range(self.count // len(base))
            for e in base
        ]


async def test_a_large_table_shows_its_first_rows_at_once_and_the_rest_follow(
    tmp_path: Path,
) -> None:
    archive = ManyArchive([samples(tmp_path / "mine")], count=600)
    app = make_review_app(archive, clock, author="Alex")
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        screen = sessions(pilot)
        table = screen.query_one(SessionTable)
        screen.show()  # as it stands right after a fill starts, before any frame
        assert screen.filling and table.row_count == FIRST_ROWS
        status = plain(screen.query_one("#status", Static))
        assert status == "600 sessions · 1 folder"  # the whole count while filling
        newest = sorted(archive.entries, key=lambda e: e.moment, reverse=True)
        assert column(pilot, "date")[:3] == [e.started.isoformat() for e in newest[:3]]  # type: ignore[union-attr]

        screen.action_sort("leader")  # a sort while filling orders every session
        assert [e.id for e in screen.shown] == [
            e.id for e in sorted(screen.shown, key=lambda e: (e.leader, e.moment))
        ]
        assert len(screen.shown) == 600
        await pilot.press("ctrl+end")  # the last row: the rest are added first
        assert not screen.filling and table.row_count == 600
        assert table.cursor_row == 599 and screen.current() is screen.shown[-1]

        screen.action_sort("date")
        while screen.filling:  # the rest, a chunk a frame
            await pilot.pause()
        assert column(pilot, "date") == [e.started.isoformat() for e in screen.shown]  # type: ignore[union-attr]
        assert table.row_count == 600


@pytest.mark.parametrize(
    ("width", "shown"),
    [
        (22, "Connects with the team"),
        (19, "Connects with team"),  # the article goes first
        (13, "Connects team"),  # then the little words between the others
        (11, "Connects t…"),
        (19, "Inspirational coach"),
        (14, "Inspirational…"),
    ],
)
def test_a_trait_title_is_shortened_by_its_little_words_first(width: int, shown: str) -> None:
    title = "Connects with the team" if shown.startswith("Connects") else "Inspirational coach"
    assert abbreviated(title, width) == shown and len(shown) <= width


def test_at_80_columns_the_loyalty_title_is_served_before_the_pack() -> None:
    leader, pack, loyalty = BY_KEY["leader"], BY_KEY["pack"], BY_KEY["loyalty"]
    # 10,000 sessions of one pack at 80 columns: 32 characters for two named columns.
    longest = {"leader": 13, "pack": 12, "loyalty": 22}
    sizes = share_out(32, [leader, loyalty], longest)
    assert sizes == {"leader": 13, "loyalty": 19}
    assert abbreviated("Connects with the team", sizes["loyalty"]) == "Connects with team"
    # Two packs: Pack gets what Loyalty and Leader leave; nothing is wasted or overdrawn.
    sizes = share_out(30, [leader, pack, loyalty], {"leader": 4, "pack": 12, "loyalty": 14})
    assert sizes == {"leader": 8, "pack": 8, "loyalty": 14}
    # Room to spare: every column whole, the rest shared as before.
    sizes = share_out(60, [leader, pack, loyalty], {"leader": 4, "pack": 12, "loyalty": 14})
    assert sum(sizes.values()) == 60 and sizes["loyalty"] >= 14 and sizes["pack"] >= 12


async def test_the_loyalty_trait_reads_whole_at_80x24(folders: list[Path]) -> None:
    app = build(folders)
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        assert column(pilot, "loyalty") == ["", "Fairness", "", "Listening", "Builds loyalty"]
        table = pilot.app.screen.query_one(SessionTable)
        assert table.virtual_size.width <= 80 - 1  # the scrollbar's column: no sideways scroll


class WatchedArchive(Archive):
    """An archive that notes what the table showed when its refresh began, and how the
    progress bar stood after each report of a refresh, as the app's own thread saw them."""

    def __init__(self, folders: list[Path]) -> None:
        super().__init__(folders)
        self.app: ReviewApp | None = None
        self.before: list[str] = []
        self.bars: list[tuple[bool, float | None, float | None]] = []

    def _seen(self, look: Callable[[SessionsScreen], Any]) -> Any:
        assert self.app is not None
        return self.app.call_from_thread(lambda: look(sessions_of(self.app)))

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> None:
        def leaders(screen: SessionsScreen) -> list[str]:
            table = screen.query_one(SessionTable)
            return [str(c) for c in table.get_column("leader")] if table.columns else []

        def bar(screen: SessionsScreen) -> tuple[bool, float | None, float | None]:
            shown = screen.progress_bar
            if shown is None:  # not yet: too few files read to count them
                return (False, None, None)
            return (shown.display, shown.progress, shown.total)

        def watched(done: int, total: int) -> None:
            assert progress is not None
            progress(done, total)
            self.bars.append(self._seen(bar))

        self.before = self._seen(leaders)
        super().refresh(watched if progress is not None else None)


def sessions_of(app: ReviewApp | None) -> SessionsScreen:
    assert app is not None and isinstance(app.screen, SessionsScreen)
    return app.screen


async def test_the_first_rows_come_from_the_index_and_a_changed_file_redraws_them(
    folders: list[Path],
) -> None:
    Archive(folders).refresh()  # the indexes are up to date, as on every start but the first
    lee = next(p for p in folders[1].glob("*.yaml") if "\n  name: Lee\n" in p.read_text())
    lee.write_text(lee.read_text().replace("\n  name: Lee\n", "\n  name: Leo\n"))  # a sync
    archive = WatchedArchive(folders)
    app = make_review_app(archive, clock, author="Alex")
    archive.app = app
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        assert archive.before == ["Lee", "Dana", "Sam", "Dana", "Dana"]  # drawn before it
        assert column(pilot, "leader") == ["Leo", "Dana", "Sam", "Dana", "Dana"]
        assert plain(sessions(pilot).query_one("#status", Static)).startswith("5 sessions")
        assert sessions(pilot).progress_bar is None  # one file read: no bar


async def test_a_first_build_of_many_files_shows_a_progress_bar(
    folders: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from coach.tui.review.screens import sessions as sessions_module

    monkeypatch.setattr(sessions_module, "PROGRESS_FROM", 2)  # five files are many here
    archive = WatchedArchive(folders)  # no index yet: every file is read
    app = make_review_app(archive, clock, author="Alex")
    archive.app = app
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        assert archive.before == []  # nothing indexed to show first
        shown, progress, total = archive.bars[0]
        assert shown and progress == 1 and total == 2  # the first folder's first file
        assert archive.bars[-1] == (False, 3, 3)  # the last folder done: the bar hides
        bar = sessions(pilot).progress_bar
        assert bar is not None and not bar.display
        assert len(rows(pilot)) == 5


async def test_the_footer_fits_80_columns_with_clear_or_quit(tmp_path: Path) -> None:
    app = build([samples(tmp_path / "mine")])
    async with app.run_test(size=SMALL) as pilot:
        await ready(pilot)
        first = ["Read", "Filter", "Sort", "Attention", "Trends", "Quit", "palette"]
        for _ in range(20):  # the footer, mounted after the first frame, composes its keys
            if footer(app) == first:
                break
            await pilot.pause()
        assert footer(app) == first
        sessions(pilot).query_one("#leader", Select).value = "Dana"
        for _ in range(20):  # the footer composes its keys again a message or two later
            await pilot.pause()
            if "Clear" in footer(app):
                break
        assert footer(app)[-3:] == ["Trends", "Clear", "palette"]
        shown = app.screen.query_one(KeysFooter).render_line(0).text
        assert all(part in shown for part in footer(app))  # none cut off at 80 columns
        await pilot.press("q")  # Clear took its place in the footer; q still quits
    assert app.return_code == 0


async def test_a_hand_edited_file_with_a_repeated_turn_and_a_skip_still_reads(
    tmp_path: Path,
) -> None:
    mine = samples(tmp_path / "mine")
    doc = yaml.safe_load((mine / f"{DANA}.yaml").read_text())
    doc["turns"][3]["n"] = doc["turns"][2]["n"]  # two turns numbered 3
    doc["turns"][5].update(text="", kind="skip")  # turn 6, the leader's, skipped
    SessionStore(mine).save(doc)
    app = build([mine])
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        reading = await open_row(pilot, 1)
        assert len(reading.query(TurnLine)) == 59
        assert plain(reading.query_one("#turn-6", Static)) == "#6  (skipped)"


async def test_the_table_opens_from_the_index_reading_no_session_file(
    folders: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    Archive(folders).refresh()  # the indexes are up to date, as on every start but the first
    read: list[str] = []

    def reading(path: object, *args: object) -> dict[str, object]:
        read.append(Path(str(path)).name)
        raise AssertionError(f"read {path}")

    from coach import archive as archive_module
    from coach.store import index as index_module

    for module in (index_module, archive_module):
        monkeypatch.setattr(module, "load_file", reading)
        monkeypatch.setattr(module, "read_header", reading)
    app = build(folders)
    async with app.run_test(size=WIDE) as pilot:
        await ready(pilot)
        table = rows(pilot)
        assert len(table) == 5 and table[0][1] == "Lee"
        assert [a.kind for a in app.archive.needs_attention(NOW.date())][:1] == ["overdue"]
    assert read == []
