"""The retro board TUI (`coach retro ID` on a terminal), driven with Pilot: it draws what the
core's board holds and nothing else, refreshes itself as files arrive, votes through the
core (which refuses what goes over the limits), undoes a grouping, reviews last retro's
actions, lists unreadable files and shows user text literally.

Folders are built with the core's own writers (`RetroFolder.write_*`, `voting.*`).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from textual.content import Content
from textual.widgets import DataTable, OptionList, Static
from tui_kit import footer

from coach.retro import voting
from coach.retro.board import build_board
from coach.retro.files import Contribution, RetroFolder, Settings, Suggestion, VoteFile
from coach.tui.retro import make_board_app, run_board
from coach.tui.retro.app import BoardApp

DAY = date(2026, 12, 2)
TITLES = {
    "inspirational_coach": "Inspirational coach",
    "inspires_creativity": "Inspires creativity",
    "builds_loyalty": "Builds loyalty",
    "connects_with_team": "Connects with the team",
    "confident": "Confident",
}
TRAITS = list(TITLES)
NAMES = ("Priya", "Sam")
IDEAS = (
    ("Start: a weekly pipeline review", "inspirational_coach"),
    ("Start: weekly pipeline reviews together", "inspirational_coach"),
    ("Stop: cancelling our one-to-ones", "builds_loyalty"),
    ("Continue: the Friday deal clinic", "inspires_creativity"),
    ("Start: shadowing on discovery calls", "connects_with_team"),
    ("Stop: changing [b]targets[/b] mid-quarter", "confident"),
)


def member(i: int, retro: str = "q4") -> Contribution:
    name = NAMES[i] if i < len(NAMES) else None
    text, trait = IDEAS[i % len(IDEAS)]
    return Contribution(
        retro,
        share="named" if name else "anonymous",
        name=name,
        ratings={t: (i + k) % 5 + 1 for k, t in enumerate(TRAITS)},
        loyalty=TRAITS[i % 3],
        suggestions=(Suggestion(text, trait),),
        actions=(Suggestion("Book a monthly win-loss review"),) if i % 3 == 0 else (),
    )


def retro(root: Path, n: int, retro_id: str = "q4", **settings: object) -> RetroFolder:
    folder = RetroFolder(root / retro_id, retro_id)
    folder.write_settings(Settings(retro_id, date=DAY.isoformat(), **settings))  # type: ignore[arg-type]
    for i in range(n):
        folder.write_contribution(member(i, retro_id))
    return folder


def leader(folder: RetroFolder) -> None:
    folder.write_contribution(
        Contribution(folder.id, role="leader", ratings={t: 4 for t in TRAITS})
    )


def text_of(app: BoardApp, selector: str) -> str:
    widget = app.query_one(selector, Static)
    content = widget.visual
    return content.plain if isinstance(content, Content) else str(content)


def shown(app: BoardApp, selector: str) -> bool:
    return bool(app.query_one(selector).display)


def options(app: BoardApp, selector: str = "#groups") -> list[str]:
    found = app.query_one(selector, OptionList)
    return [str(found.get_option_at_index(i).prompt) for i in range(found.option_count)]


@pytest.fixture
def sessions(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


async def test_below_the_threshold_it_says_how_many_more_and_shows_no_ratings(
    tmp_path: Path, sessions: Path
) -> None:
    folder = retro(tmp_path, 3)
    app = make_board_app(folder, TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)):
        assert "2 more contributions needed" in text_of(app, "#needed")
        assert "3 more contributions needed for the suggestions" in text_of(app, "#text-needed")
        assert not shown(app, "#loyalty") and not shown(app, "#ratings")
        assert not shown(app, "#groups")
        assert text_of(app, "#who") == "3 contributions: Priya, Sam and 1 anonymous"


async def test_above_the_threshold_the_tally_the_distributions_and_the_leader_show(
    tmp_path: Path, sessions: Path
) -> None:
    folder = retro(tmp_path, 7)
    leader(folder)
    board = build_board(folder, TITLES)
    app = make_board_app(folder, TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)):
        assert not shown(app, "#needed") and not shown(app, "#text-needed")
        bars = text_of(app, "#loyalty").splitlines()
        assert [line.split("█")[0].strip() for line in bars] == [r.title for r in board.loyalty]
        assert [int(line.split()[-1]) for line in bars] == [r.count for r in board.loyalty]
        longest = max(bars, key=lambda line: line.count("█"))
        assert longest.startswith(board.loyalty[0].title)
        table = app.query_one("#ratings", DataTable)
        assert table.row_count == len(board.traits)
        for trait in board.traits:
            cells = [str(c) for c in table.get_row(trait.trait)]
            counts = [0 if c == "·" else int(c) for c in cells[1:-2]]
            assert counts == [k for _, k in trait.distribution]
            assert cells[-2] == f"{trait.median:g}" and cells[-1] == "4"
        assert "the leader's self-ratings are in" in text_of(app, "#who")


async def test_suggestions_are_grouped_and_the_facilitator_can_undo_it(
    tmp_path: Path, sessions: Path
) -> None:
    folder = retro(tmp_path, 7)
    app = make_board_app(folder, TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)) as pilot:
        grouped = next(g for g in app.board.groups if g.suggested)
        listed = app.query_one("#groups", OptionList)
        listed.focus()
        listed.highlighted = listed.get_option_index(grouped.id)
        assert "grouped by coach" in "\n".join(options(app))
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert all(not g.suggested for g in app.board.groups)
        assert all(g.id != grouped.id or len(g.items) == 1 for g in app.board.groups)
        assert text_of(app, "#said") == f"The suggestions of {grouped.id} stand alone again."


async def test_votes_are_saved_as_given_and_the_core_refuses_more_than_the_limits(
    tmp_path: Path, sessions: Path
) -> None:
    folder = retro(tmp_path, 7, votes=3, per_item_cap=2)
    app = make_board_app(folder, TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)) as pilot:
        listed = app.query_one("#groups", OptionList)
        listed.focus()
        first = app.board.groups[0].id
        listed.highlighted = listed.get_option_index(first)
        for _ in range(3):  # the third dot on one item goes over the cap of 2
            await pilot.press("space")
            await app.workers.wait_for_complete()
            await pilot.pause()
        assert app.mine == [first, first]
        assert text_of(app, "#said") == (
            f"At most 2 of your votes can go to one item, and 3 went to {first}."
        )
        second = app.board.groups[1].id
        listed.highlighted = listed.get_option_index(second)
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.mine == [first, first, second]
        assert "each person has 3 votes" in text_of(app, "#said").lower()
        assert "Yours: 3 of 3 placed." in text_of(app, "#vote-status")
        # The dots are on disk, in this voter's own file, as the core wrote them.
        (vote,) = folder.read().votes
        assert list(vote.votes) == [first, first, second]
        # Tallies stay hidden while the vote is open: only this voter's own dots are drawn.
        assert not any("vote" in option for option in options(app))
        await pilot.press("minus")
        await app.workers.wait_for_complete()
        assert list(folder.read().votes[0].votes) == [first, first]


async def test_the_board_refreshes_itself_as_contributions_and_votes_arrive(
    tmp_path: Path, sessions: Path
) -> None:
    folder = retro(tmp_path, 4)
    app = make_board_app(folder, TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)) as pilot:
        assert "1 more contribution needed" in text_of(app, "#needed")
        timers = [t for t in app._timers if t.name == "watch"]  # the watch is running
        assert len(timers) == 1
        for i in range(4, 7):
            folder.write_contribution(member(i))  # from other terminals
        board = build_board(folder, TITLES)
        other = RetroFolder(folder.path, folder.id)
        voting.cast(other, tmp_path / "someone-else", [board.groups[0].id], board)
        app.check_folder()  # what the timer calls each second
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not shown(app, "#needed") and shown(app, "#groups")
        assert text_of(app, "#who").startswith("7 contributions")
        assert "1 person has voted so far" in text_of(app, "#vote-status")
        assert "Yours: 0 of 3" in text_of(app, "#vote-status")  # someone else's dots


async def test_a_closed_vote_shows_the_tallies_and_the_team_actions(
    tmp_path: Path, sessions: Path
) -> None:
    folder = retro(tmp_path, 7)
    board = build_board(folder, TITLES)
    first = board.groups[0].id
    voting.cast(folder, tmp_path / "v1", [first, first], board)
    voting.close(folder, sessions, board, folder.read().votes, DAY, date(2026, 12, 16), top=1,
                 owners={first: "Priya"})  # fmt: skip
    app = make_board_app(folder, TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)) as pilot:
        assert "2 votes" in options(app)[1]
        assert text_of(app, "#vote-status").startswith("The vote is closed")
        result = text_of(app, "#result")
        assert "Priya, due Wednesday 16 December 2026 (2 votes)" in result
        listed = app.query_one("#groups", OptionList)
        listed.focus()
        await pilot.pause()
        # Closed: the footer offers no vote and no ungrouping, and their keys do nothing.
        shown = footer(app)  # type: ignore[arg-type]
        assert "Add a vote" not in shown and "Ungroup" not in shown and "Quit" in shown
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "2 votes" in options(app)[1]


async def test_last_retros_actions_come_first_and_are_reviewed(
    tmp_path: Path, sessions: Path
) -> None:
    before = retro(tmp_path, 7, "q3", team="sales")
    board = build_board(before, TITLES)
    voting.cast(before, tmp_path / "v1", [board.groups[0].id], board)
    voting.close(before, sessions, board, before.read().votes, date(2026, 11, 4),
                 date(2026, 11, 18), top=1)  # fmt: skip
    now = retro(tmp_path, 2, "q4", team="sales")
    app = make_board_app(now, TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)) as pilot:
        assert shown(app, "#carry")
        (line,) = options(app, "#carry")
        assert board.groups[0].text in line and line.endswith("[to review]")
        app.query_one("#carry", OptionList).focus()
        await pilot.press("n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (line,) = options(app, "#carry")
        assert line.endswith("[not yet]")
        assert build_board(now, TITLES).carry_over[0].review == "not yet"


async def test_unreadable_files_are_listed_and_not_counted(tmp_path: Path, sessions: Path) -> None:
    folder = retro(tmp_path, 5)
    (folder.contributions_dir / "0123456789abcdef.yaml").write_text("retro: [unclosed\n")
    (folder.votes_dir).mkdir(exist_ok=True)
    (folder.votes_dir / "notes.txt").write_text("hello\x1b[31m")
    app = make_board_app(folder, TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)):
        listed = text_of(app, "#unreadable")
        assert listed.startswith("Not counted:")
        assert "0123456789abcdef.yaml" in listed and "\x1b" not in listed
        assert text_of(app, "#who").startswith("5 contributions")


async def test_user_text_is_shown_as_typed_never_as_markup_or_escapes(
    tmp_path: Path, sessions: Path
) -> None:
    folder = retro(tmp_path, 6)
    folder.write_contribution(
        Contribution("q4", ratings={TRAITS[0]: 2}, loyalty=TRAITS[0],
                     suggestions=(Suggestion("Stop: [red]\x1b]0;pwned\x07 the ‮reversed", "confident"),))
    )  # fmt: skip
    app = make_board_app(folder, TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)):
        listed = "\n".join(options(app))
        assert "[b]targets[/b]" in listed
        assert "[red]\\x1b]0;pwned\\x07 the \\u202ereversed" in listed
        assert "\x1b" not in listed and "\u202e" not in listed


async def test_a_board_without_a_sessions_folder_is_read_only(tmp_path: Path) -> None:
    folder = retro(tmp_path, 7)
    app = make_board_app(folder, TITLES)
    async with app.run_test(size=(100, 32)) as pilot:
        app.query_one("#groups", OptionList).focus()
        await pilot.press("space")
        await pilot.pause()
        assert "read-only" in text_of(app, "#said")
        assert folder.read().votes == ()


async def test_q_quits_but_not_while_typing_in_the_command_palette(
    tmp_path: Path, sessions: Path
) -> None:
    app = make_board_app(retro(tmp_path, 7), TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)) as pilot:
        app.action_command_palette()
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running
        await pilot.press("escape", "q")
        await pilot.pause()
        assert not app.is_running


def test_run_board_is_the_seam_the_cli_calls(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    ran: list[BoardApp] = []
    monkeypatch.setattr(BoardApp, "run", lambda self: ran.append(self))
    folder = retro(tmp_path, 1)
    assert run_board(folder, TITLES, (1, 5), tmp_path / "s") == 0
    assert ran[0].folder is folder and ran[0].sessions == tmp_path / "s"
    assert isinstance(VoteFile, type)


async def test_without_the_leader_there_is_no_leader_column(tmp_path: Path, sessions: Path) -> None:
    app = make_board_app(retro(tmp_path, 7), TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)):
        table = app.query_one("#ratings", DataTable)
        assert [str(c.label) for c in table.columns.values()][-1] == "Median"


async def test_dates_from_the_files_are_shown_safely_too(tmp_path: Path, sessions: Path) -> None:
    # A hand-edited retro date (or a carried-over due date) is drawn as one safe line: no
    # escape reaches the terminal to retitle it or wipe the board.
    hostile = "\x1b]0;pwn\x07\x1b[2J\u202eX"
    folder = RetroFolder(tmp_path / "q4", "q4")
    folder.write_settings(Settings("q4", date=hostile))
    for i in range(6):
        folder.write_contribution(member(i))
    app = make_board_app(folder, TITLES, sessions=sessions)
    async with app.run_test(size=(100, 32)):
        title = text_of(app, "#title")
        assert "\\x1b]0;pwn\\x07\\x1b[2J\\u202eX" in title
        assert "\x1b" not in title and "\u202e" not in title and "\x07" not in title
