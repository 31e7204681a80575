"""The conversation log draws its lines as rows itself (coach.tui.widgets.log); they must look
cell for cell as the same lines do as Textual widgets, each a `Static` styled as the log's
lines were before it drew them: Textual's own layout is the reference."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.geometry import Offset, Region
from textual.selection import Selection
from textual.strip import Strip
from textual.widgets import Static

from coach.tui.widgets.log import ConversationLog
from coach.tui.widgets.turns import CoachSaid, LeaderSaid, Said

STYLESHEET = Path(__file__).parents[1] / "coach" / "tui" / "coach.tcss"

# The lines as widgets, styled as they were (git history: coach.tcss before the log drew rows).
AS_WIDGETS = """
#widgets, #log {
    width: 1fr; height: 1fr; padding: 0 1; scrollbar-size-vertical: 0; border-bottom: none;
}
CoachLine { margin: 1 8 0 0; padding: 0 1; border-left: thick $accent; }
CoachLine.followup { margin: 0 8 0 4; border-left: thick $secondary; }
LeaderLine {
    margin: 0 0 0 8; padding: 0 1; color: $text; background: $boost;
    border-right: thick $primary; text-align: right;
}
LeaderLine.muted { color: $text-muted; background: transparent; }
"""

SAID: list[Said] = [
    CoachSaid("Welcome, Dana. This takes about five minutes, and every answer is saved as you go."),
    CoachSaid("Think of someone who really listened to you at work. What did they do?"),
    LeaderSaid("They asked first and waited, every single time, even when the quarter was tight."),
    CoachSaid('You said "asked first". What did they ask, in their words?', followup=True),
    LeaderSaid("4", understood="most of the time", pick=True),
    LeaderSaid("by friday", understood="due Fri 4 Dec"),
    LeaderSaid("", note="(skipped)"),
    LeaderSaid("line one\nline two, \\x1b[31m shown as typed"),
    LeaderSaid("她问我需要什么，然后等我说完 🙂 and waited " * 3),  # wide characters wrap
    CoachSaid("Tab\there, [bold]not bold[/bold] and $accent as typed", followup=True),
    CoachSaid("Thanks. Next: confidence."),
]


class CoachLine(Static):
    pass


class LeaderLine(Static):
    pass


def widget(said: Said) -> Static:
    if isinstance(said, CoachSaid):
        return CoachLine(said.content(), classes="followup" if said.followup else "")
    return LeaderLine(said.content(), classes="muted" if said.muted else "")


class SideBySide(App[None]):
    CSS_PATH = str(STYLESHEET)
    CSS = AS_WIDGETS

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield VerticalScroll(*map(widget, SAID), id="widgets")
            yield ConversationLog(*SAID, id="log")


def at(log: ConversationLog, x: int, row: int) -> tuple[int, int]:
    """Where the mouse points at cell `x` of row `row`, as an offset in the log's region
    (which has padding, and shows its rows from `log.top`)."""
    return log.scrollable_content_region.x - log.region.x + x, row - log.top


def cells(strip: Strip) -> list[tuple[str, object, object]]:
    """Each cell's character and colours (not the mouse offsets Textual adds to styles)."""
    return [
        (char, seg.style.color if seg.style else None, seg.style.bgcolor if seg.style else None)
        for seg in strip
        for char in seg.text
    ]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
@pytest.mark.parametrize("width", [70, 140])  # two equal halves
async def test_the_rows_look_as_the_lines_do_as_widgets(theme: str, width: int) -> None:
    app = SideBySide()
    async with app.run_test(size=(width, 60)) as pilot:
        app.theme = theme
        await pilot.pause()
        await pilot.pause()
        expected: dict[int, tuple[int, Strip]] = {}
        for line in app.query_one("#widgets").children:
            region = line.virtual_region
            for y, strip in enumerate(line.render_lines(Region(0, 0, *region.size))):
                expected[region.y + y] = (region.x, strip)
        rows = app.query_one(ConversationLog).rows
        assert len(rows) == max(expected) + 1
        assert any(len(strip.text.strip()) > 0 for _, strip in expected.values())
        # Around each widget, the cells Textual leaves are the log's background.
        blank = (" ", None, app.query_one("#widgets").visual_style.rich_style.bgcolor)
        full = rows[0].cell_length
        for y, row in enumerate(rows):
            x, strip = expected.get(y, (0, Strip([])))
            right = full - x - strip.cell_length
            assert cells(row) == [blank] * x + cells(strip) + [blank] * right, (theme, width, y)


async def test_a_line_added_is_drawn_as_the_first_ones_were() -> None:
    """The rows an answer appends are the rows the same line drew on the first layout."""
    app = SideBySide()
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.pause()
        log = app.query_one(ConversationLog)
        first = list(log.rows)
        log.add(SAID)
        await pilot.pause()
        assert [cells(row) for row in log.rows] == [cells(row) for row in first + first]
        assert len(log.rows) == log.ends[-1] and log.shows_the_newest
        assert [list(map(cells, log.rows_of(n))) for n in range(len(SAID))] == [
            list(map(cells, log.rows_of(n + len(SAID)))) for n in range(len(SAID))
        ]


async def test_a_terminal_narrower_than_the_margins_still_shows_every_word() -> None:
    """Where Textual would give a line no room at all (its margins are wider than the log),
    the log still draws every character of it, in rows no wider than the log."""
    app = SideBySide()
    async with app.run_test(size=(30, 200)) as pilot:
        await pilot.pause()
        log = app.query_one(ConversationLog)
        width = log.scrollable_content_region.width
        assert 0 < width < 16
        assert {row.cell_length for row in log.rows} == {width}
        for n, said in enumerate(SAID):
            shown = "".join(row.text.replace("█", "") for row in log.rows_of(n))
            assert "".join(said.content().plain.split()) in "".join(shown.split()), n


async def test_a_drag_over_the_log_selects_and_copies_what_was_said() -> None:
    """The mouse selects rows as it does any text in Textual: the cells dragged over show in
    the selection's colours, and the text copied is what each line said, one line of the
    conversation a line, without the bars and margins they were drawn with."""
    app = SideBySide()
    async with app.run_test(size=(140, 60)) as pilot:
        await pilot.pause()
        log = app.query_one(ConversationLog)
        last, width = log.ends[-1] - 1, log.scrollable_content_region.width
        await pilot.mouse_down(log, offset=at(log, 0, 0))
        await pilot.hover(log, offset=at(log, width - 1, last))
        await pilot.mouse_up(log, offset=at(log, width - 1, last))
        await pilot.pause()
        copied = app.screen.get_selected_text()
        assert copied is not None
        # Each line whole, as it was said: a wrapped line is one line again, and a line
        # with line breaks of its own keeps them.
        assert copied == "\n".join(said.content().plain for said in SAID)
        selected = log.selection_style.bgcolor
        assert selected is not None
        second = log.render_line(2 - log.top)  # the log's third row, as drawn in its view
        assert {seg.style.bgcolor for seg in second if seg.style} == {selected}

        # Inside a row of wide characters: the selection counts characters, the highlight
        # covers their cells.
        y = log.ends[7] + 1
        start = log.rows[y].text.index("问")
        app.screen.selections = {log: Selection(Offset(start, y), Offset(start + 3, y))}
        await pilot.pause()
        assert app.screen.get_selected_text() == "问我需"
        row = log.render_line(y - log.top)
        assert "".join(seg.text for seg in row if seg.style and seg.style.bgcolor == selected) == (
            "问我需"
        )
        assert row.cell_length == width


async def test_a_drag_from_a_blank_cell_starts_there_and_a_resize_drops_the_selection() -> None:
    """A drag that starts beside a line (a margin, the space left of an answer) selects from
    there, not from the start of the conversation; rows drawn again at a new width drop a
    selection whose offsets were in the old rows, and nothing breaks."""
    app = SideBySide()
    async with app.run_test(size=(140, 60)) as pilot:
        await pilot.pause()
        log = app.query_one(ConversationLog)
        answer = log.rows_of(2)[0]  # the leader's first answer, right-aligned
        assert answer.text.startswith("  ")
        row, width = log.ends[1], log.scrollable_content_region.width
        await pilot.mouse_down(log, offset=at(log, 0, row))
        await pilot.hover(log, offset=at(log, width - 1, row))
        await pilot.mouse_up(log, offset=at(log, width - 1, row))
        await pilot.pause()
        copied = app.screen.get_selected_text()
        assert copied is not None and copied.startswith("They asked first")
        assert "Welcome" not in copied
        await pilot.resize_terminal(60, 60)
        await pilot.pause()
        assert log.text_selection is None
        assert log.drawn_width == log.scrollable_content_region.width < 40


async def test_the_log_makes_the_lines_textual_would_make_from_its_rows() -> None:
    """The log makes each row a line of the view itself (padding, the app's filters) and
    keeps it; Textual's own way of making a widget's lines from its rows is the reference,
    following, scrolled back with the scrollbar showing, and with a selection."""
    from textual.widget import Widget

    app = SideBySide()
    async with app.run_test(size=(100, 16)) as pilot:
        await pilot.pause()
        log = app.query_one(ConversationLog)
        whole = Region(0, 0, *log.outer_size)

        def same() -> bool:
            ours = [cells(line) for line in log.render_lines(whole)]
            theirs = [cells(line) for line in Widget.render_lines(log, whole)]
            return len(ours) == log.outer_size.height and ours == theirs

        assert log.following and log.max_scroll_y > 0 and same()
        log.scroll_up(animate=False)
        await pilot.pause()
        assert log.scrolled_back and log.scrollbar_size_vertical == 1 and same()
        y = log.top + 2
        app.screen.selections = {log: Selection(Offset(0, y), Offset(5, y))}
        await pilot.pause()
        assert same()
        part = Region(3, 1, 20, 4)
        assert list(map(cells, log.render_lines(part))) == list(
            map(cells, Widget.render_lines(log, part))
        )
        log.styles.outline = ("heavy", "red")  # a look the log leaves to Textual
        await pilot.pause()
        assert same() and "┃" in log.render_lines(whole)[1].text
