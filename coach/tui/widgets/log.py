"""The conversation log: one widget that draws rows, whose cost per answer does not grow with
the conversation.

A log of one widget per line cost more at every answer: Textual lays out every child of a
container again whenever one is added, and each mounted line is messages, a restyle and a
node in every walk of the DOM (measured: 85 ms for a swapped answer at the start of a
session, 180 ms near its end; then, with the oldest lines drawn into rows after each frame,
still ~3 ms an answer to mount the two new lines and ~2 ms to lay them out). Here no line is
a widget. `History` keeps the rows every line drew (Textual's line API: one `Strip` a row);
an answer draws only its own new lines, appends their rows and asks for one layout, of one
widget whose height is its number of rows. Scrolling draws the rows in view from the list.

The lines look as they did as widgets (coach.tcss styles them through the log's component
classes): the coach's on the left behind a bar, the leader's on the right on a tinted
background. What each line said is kept as a record (`coach.tui.widgets.turns.Said`), so the
conversation can be read line by line (`ConversationLog.lines`), and every row is drawn
again from the records whenever the rows drawn no longer fit: a new width or a new theme.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.containers import VerticalScroll
from textual.css.styles import RulesMap
from textual.events import Resize
from textual.geometry import Size
from textual.layout import DockArrangeResult
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.theme import Theme
from textual.visual import RenderOptions
from textual.widget import Widget

from coach.tui.widgets.turns import CoachSaid, Said

BAR = "█"  # Textual's `thick` border, one cell wide: the bar beside each line
INDENT = 8  # the cells between a line and the side it does not lean to
FOLLOWUP = 4  # a follow-up's extra indent under the question it follows
LEFT: RulesMap = {"text_align": "left"}  # the coach's lines
RIGHT: RulesMap = {"text_align": "right"}  # the leader's


@dataclass(frozen=True, slots=True)
class Look:
    """The styles the rows are drawn in, read from coach.tcss once per theme."""

    blank: Style  # the log's own background: margins
    coach: VisualStyle  # a coach's line: text on the log's background
    leader: VisualStyle  # the leader's line: text on its tint
    muted: VisualStyle  # a non-answer (skipped, back): muted, untinted
    coach_bar: Style  # the bars' colours
    followup_bar: Style
    leader_bar: Style


class History(Widget):
    """The rows of every line of the conversation, drawn once at the log's width."""

    COMPONENT_CLASSES = {
        "log--coach",
        "log--leader",
        "log--muted",
        "log--coach-bar",
        "log--followup-bar",
        "log--leader-bar",
    }

    def __init__(self, said: Iterable[Said] = ()) -> None:
        super().__init__()
        self.said: list[Said] = list(said)
        self.rows: list[Strip] = []
        self.ends: list[int] = []  # for each line, the row after its last
        self.drawn_width = 0  # the width the rows were drawn at; 0: draw them all again
        self._look: Look | None = None

    # -- Textual's line API ----------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Called by the layout with the width the rows are drawn at: a new width, a first
        # layout or a new theme draws every row again here, before the frame renders them.
        if width != self.drawn_width:
            self._draw_all(width)
        return len(self.rows)

    def render_line(self, y: int) -> Strip:
        if y >= len(self.rows):
            return Strip.blank(self.size.width, self.look.blank)
        row = self.rows[y]
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(y)) is not None:
            row = self._selected(row, *span)
        return row

    # -- selecting with the mouse ------------------------------------------------------------

    def get_selection(self, selection: Selection) -> tuple[str, str] | None:
        """What the leader selected, as it was said: the rows a line wrapped into joined again,
        one line of the conversation a line of text, without the bars and margins."""
        first = selection.start.y if selection.start is not None else 0
        picked = selection.extract("\n".join(row.text for row in self.rows)).split("\n")
        lines: dict[int, list[str]] = {}
        for y, text in enumerate(picked, start=first):
            if text := text.strip().strip(BAR).strip():
                lines.setdefault(bisect_right(self.ends, y), []).append(text)
        text = "\n".join(self._as_said(index, " ".join(rows)) for index, rows in lines.items())
        return text, "\n"

    def _as_said(self, index: int, picked: str) -> str:
        """A whole line picked is copied as it was said (its own line breaks, a word the
        rows split kept whole, a bar character typed at its end); part of one, as its rows
        show it, joined by spaces."""
        said = self.said[index].content().plain
        return said if "".join(picked.split()) == "".join(said.split()) else picked

    def _selected(self, row: Strip, start: int, end: int) -> Strip:
        """`row` with the characters from `start` to `end` (-1: its end) in the selection's
        colours, over the colours they were drawn in."""
        # A selection made before the rows were drawn again (a resize) may reach past them.
        cells, length = row.cell_length, len(row.text)
        left = row.index_to_cell_position(min(start, length))
        right = cells if end == -1 else row.index_to_cell_position(min(max(start, end), length))
        middle = row.crop(left, right)
        picked = Strip(
            Segment.apply_style(middle, post_style=self.selection_style), middle.cell_length
        )
        return Strip.join([row.crop(0, left), picked, row.crop(right)])

    # -- drawing ---------------------------------------------------------------------------

    @property
    def look(self) -> Look:
        if self._look is None:

            def bar(name: str) -> Style:
                return Style(color=self.get_component_rich_style(name).color)

            blank = Style(bgcolor=self.visual_style.rich_style.bgcolor)
            self._look = Look(
                blank=blank,
                coach=self.get_visual_style("log--coach"),
                leader=self.get_visual_style("log--leader"),
                muted=self.get_visual_style("log--muted"),
                coach_bar=bar("log--coach-bar"),
                followup_bar=bar("log--followup-bar"),
                leader_bar=bar("log--leader-bar"),
            )
        return self._look

    def add(self, said: Iterable[Said]) -> None:
        """New lines at the bottom: only they are drawn (at the width of the rows so far;
        before the first layout, the layout draws them with the rest)."""
        new = list(said)
        if not new:
            return
        self.said.extend(new)
        if self.drawn_width:
            self._draw(new, self.drawn_width)
        self.refresh(layout=True)

    def rows_of(self, index: int) -> list[Strip]:
        """The rows line `index` (of `said`) drew, the margin above it included; none until
        the log is laid out."""
        if not self.drawn_width or not self.said:
            return []
        index %= len(self.said)
        return self.rows[self.ends[index - 1] if index else 0 : self.ends[index]]

    def redraw(self) -> None:
        """Draw every row again at the next layout (a new theme)."""
        self._look = None
        self.drawn_width = 0
        self.refresh(layout=True)

    def _draw_all(self, width: int) -> None:
        if self.is_attached and self.text_selection is not None:
            # Its offsets are in rows about to be drawn at another width.
            self.screen.selections = {
                widget: selected
                for widget, selected in self.screen.selections.items()
                if widget is not self
            }
        self.rows, self.ends = [], []
        self._draw(self.said, width)
        self.drawn_width = width

    def _draw(self, said: Iterable[Said], width: int) -> None:
        look, rows, ends = self.look, self.rows, self.ends
        for line in said:
            rows.extend(draw(line, width, look, len(rows)))
            ends.append(len(rows))


def draw(said: Said, width: int, look: Look, y: int) -> list[Strip]:
    """The rows of one line, `width` cells wide, with the margin above it: what a `Static`
    styled as in coach.tcss drew (margins, a one-cell bar, one cell of padding each side).

    Every cell carries its offset in the log's text (`y`: the row the line starts at),
    which tells Textual's mouse selection where a drag starts and ends: a drag from a blank
    cell (a margin, the space beside an answer) would otherwise select from the start of
    the conversation, or to its end."""
    if isinstance(said, CoachSaid):
        left = FOLLOWUP if said.followup else 0
        right, above, rules = INDENT, 0 if said.followup else 1, LEFT
        style, bar = look.coach, look.followup_bar if said.followup else look.coach_bar
    else:
        left, right, above, rules = INDENT, 0, 0, RIGHT
        style, bar = look.muted if said.muted else look.leader, look.leader_bar
    inner = max(1, width - left - right - 3)
    body = Style(bgcolor=style.rich_style.bgcolor)  # padding: the background only
    lines = said.content().render_strips(inner, None, style, RenderOptions(parse_style, rules)) or [
        Strip.blank(inner, body)
    ]
    margin_left, margin_right = Strip.blank(left, look.blank), Strip.blank(right, look.blank)
    pad, edge = Strip.blank(1, body), Strip([Segment(BAR, bar + body)], 1)
    rows = [Strip.blank(width, look.blank).apply_offsets(0, y)] * above
    for line in lines:
        line = line.extend_cell_length(inner, body)
        parts = [edge, pad, line, pad] if isinstance(said, CoachSaid) else [pad, line, pad, edge]
        # Narrower than its margins (a terminal a dozen columns wide), a row is cut to fit.
        row = Strip.join([margin_left, *parts, margin_right]).crop(0, width)
        rows.append(row.apply_offsets(0, y + len(rows)))
    return rows


def parse_style(style: str | VisualStyle) -> VisualStyle:
    """A style named in a line's content (`$text-muted`), in the app's theme."""
    return VisualStyle.parse(style) if isinstance(style, str) else style


class ConversationLog(VerticalScroll):
    """The lines of the conversation, newest at the bottom and kept in view (`following`).

    Not with Textual's `anchor`: it scrolls to the end inside the layout with the size the
    log had before it, so an answer whose control is taller or shorter than the last one (a
    rating bar after a text box) drew a frame with the newest rows cut off or short of the
    bottom, and the next frame scrolled (bench/answer_latency.py, which waits for the frame
    that shows the newest rows). `arrange` is given the new size; the end is found there."""

    def __init__(self, *said: Said, id: str | None = None) -> None:
        self.history = History(said)
        super().__init__(self.history, id=id)
        self.following = True  # kept at the newest line, until the leader scrolls back
        self.scrolled_back = False  # the leader has scrolled up: the scrollbar shows

    def follow(self) -> None:
        """Back to the newest line, and stay there as lines come (after an answer)."""
        self.following = True
        if self.scrolled_back:
            self.scroll_end(animate=False, immediate=True)  # the scrollbar goes at once
        self.refresh(layout=True)

    def release_anchor(self) -> None:
        # Textual calls this for every scroll the leader makes (keys, wheel, scrollbar),
        # before it sets where the scroll goes.
        super().release_anchor()
        self.following = False
        self.call_later(self._follow_if_going_to_the_end)

    def _follow_if_going_to_the_end(self) -> None:
        """A scroll to the end (PgDn, End, the wheel down) follows again. At the end already,
        it moves nothing, so `watch_scroll_y` would never say so, and the log would stay put
        as the answer box grew over the newest line."""
        if self.scroll_target_y >= self.max_scroll_y:
            self.following = True

    def arrange(self, size: Size, optimal: bool = False) -> DockArrangeResult:
        arrangement = super().arrange(size, optimal)
        if self.following and not optimal:
            # Set, not assigned: inside the layout, a watcher's refresh would ask for another.
            # (While the lines fit, coach.tcss sets them at the bottom, next to the control.)
            end = max(0, arrangement.spatial_map.total_region.bottom - size.height)
            self.set_reactive(Widget.scroll_y, end)
            self.set_reactive(Widget.scroll_target_y, end)
        return arrangement

    def on_mount(self) -> None:
        # Rows drawn in the old theme's colours would keep them: draw them again.
        self._theme = self.app.theme
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def on_unmount(self) -> None:
        self.app.theme_changed_signal.unsubscribe(self)

    @property
    def lines(self) -> list[Said]:
        """What every line said, oldest first."""
        return list(self.history.said)

    def add(self, said: Iterable[Said]) -> None:
        """New lines at the bottom, drawn in the next frame with whatever changes with them."""
        self.history.add(said)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """The scrollbar shows only while the leader has scrolled back from the newest line.

        Following the conversation, it would say only "at the end", and cost every answer a
        second arrangement of the whole screen: Textual refreshes a shown scrollbar from
        inside the layout whenever the log grows, and the refresh looks up where it is
        while the layout is being built (bench/answer_latency.py, turn 60). Its column is
        padding while hidden (coach.tcss), so the lines keep their width either way."""
        super().watch_scroll_y(old_value, new_value)
        back = not self.is_vertical_scroll_end
        if not back:
            self.following = True  # scrolled back down to the newest line
        if back != self.scrolled_back:
            # Inline styles, not a class: a class restyles the log's children with it.
            self.scrolled_back = back
            self.styles.scrollbar_size_vertical = 1 if back else 0
            self.styles.padding = (0, 0, 0, 1) if back else (0, 1)

    def on_resize(self, event: Resize) -> None:
        # Anchored, the log keeps its end in view when it is resized (the footer arriving, a
        # taller control), but Textual moves the scrollbar's thumb without redrawing it.
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.refresh()

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._theme:
            self._theme = theme.name
            self.history.redraw()
