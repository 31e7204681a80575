"""The conversation log: one widget that draws rows, whose cost per answer does not grow with
the conversation.

A log of one widget per line cost more at every answer: Textual lays out every child of a
container again whenever one is added, and each mounted line is messages, a restyle and a
node in every walk of the DOM (measured: 85 ms for a swapped answer at the start of a
session, 180 ms near its end; then, with the oldest lines drawn into rows after each frame,
still ~3 ms an answer to mount the two new lines and ~2 ms to lay them out). Here no line is
a widget, and the log has no children: it keeps the rows every line drew (Textual's line
API: one `Strip` a row) and scrolls over them itself (a `ScrollView`). An answer draws only
its own new lines and appends their rows; the frame draws the rows in view from the list.
(A scrolling container round a widget of rows, as it was, drew its own background behind
the rows in every answer's frame and took part in every layout: ~0.5 ms of an answer.)

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
from textual.css.styles import RulesMap
from textual.events import Resize
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.selection import Selection
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.theme import Theme
from textual.visual import RenderOptions

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


class ConversationLog(ScrollView):
    """The lines of the conversation, newest at the bottom and kept in view (`following`).

    While it follows, the view is the last rows whatever the log's height, worked out when
    the frame is drawn: not with Textual's `anchor`, which scrolls to the end inside the
    layout with the size the log had before it, so an answer whose control is taller or
    shorter than the last one (a rating bar after a text box) drew a frame with the newest
    rows cut off or short of the bottom, and the next frame scrolled (bench/answer_latency.py
    waits for the frame that shows the newest rows). While the rows fit, they sit at the
    bottom, next to the control, with blank rows above them."""

    COMPONENT_CLASSES = {
        "log--coach",
        "log--leader",
        "log--muted",
        "log--coach-bar",
        "log--followup-bar",
        "log--leader-bar",
    }
    DEFAULT_CSS = "ConversationLog { overflow-x: hidden; overflow-y: auto; }"
    ALLOW_MAXIMIZE = False  # as the scrolling container it was: the palette offers no Maximize

    def __init__(self, *said: Said, id: str | None = None) -> None:
        super().__init__(id=id)
        self.said: list[Said] = list(said)
        self.rows: list[Strip] = []
        self.ends: list[int] = []  # for each line, the row after its last
        self.drawn_width = 0  # the width the rows were drawn at; 0: draw them all again
        self.following = True  # kept at the newest line, until the leader scrolls back
        self.scrolled_back = False  # the leader has scrolled up: the scrollbar shows
        self.top = 0  # the row at the top of the view in the frame last drawn (< 0: blank)
        self._look: Look | None = None
        self._made: dict[int, Strip] = {}  # each row as a line of the log (-1: a blank one)
        self._made_for: object = None  # the look they were made in (`_lines`)

    @property
    def lines(self) -> list[Said]:
        """What every line said, oldest first."""
        return list(self.said)

    # -- the lines -------------------------------------------------------------------------

    def add(self, said: Iterable[Said]) -> None:
        """New lines at the bottom, drawn in the next frame with whatever changes with them:
        only they are drawn (at the width of the rows so far; before the first frame, the
        frame draws them with the rest).

        The log's own size does not change, but it asks for a layout all the same: the
        frame that shows an answer is then always a layout, whose end Textual signals
        (`Screen.screen_layout_refresh_signal`), and the save after an answer waits for it
        (`ReflectScreen._save_after_frame`). Nearly every answer lays the screen out anyway
        (its control changes); a layout of a widget without children is cheap."""
        new = list(said)
        if not new:
            return
        self.said.extend(new)
        if self.drawn_width:
            self._draw(new, self.drawn_width)
            self._measure()
        self.refresh(layout=True)

    def rows_of(self, index: int) -> list[Strip]:
        """The rows line `index` (of `said`) drew, the margin above it included; none until
        the log is drawn."""
        if not self.drawn_width or not self.said:
            return []
        index %= len(self.said)
        return self.rows[self.ends[index - 1] if index else 0 : self.ends[index]]

    def follow(self) -> None:
        """Back to the newest line, and stay there as lines come (after an answer)."""
        if self.scrolled_back:
            self.scroll_end(animate=False, immediate=True)  # the scrollbar goes at once
        if not self.following:
            self.following = True
            self.refresh()

    def redraw(self) -> None:
        """Draw every row again in the next frame (a new theme)."""
        self._look = None
        self.drawn_width = 0
        self.refresh()

    # -- Textual's line API ----------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        # The size is the new one here, whatever the layout just changed: the rows are drawn
        # again if the width is new, and a log that follows shows its last rows.
        width = self.scrollable_content_region.width
        if width != self.drawn_width:
            self._draw_all(width)
        height = self.scrollable_content_region.height
        end = len(self.rows) - height  # the top row of a view that shows the newest at the bottom
        if not self.following and round(self.scroll_y) >= end:
            # Scrolled back, and a resize (rows drawn again at a new width, a taller log)
            # has brought the newest row into view, or past it: the log follows again.
            self.following = True
            if self.scrolled_back:
                self.call_later(self._show_scrollbar, False)
        if self.following:
            self.top = end
            # Set, not assigned: a watcher's refresh, while the frame is drawn, would ask
            # for another. Where a scroll back starts from.
            self.set_reactive(ScrollView.scroll_y, max(0, end))
            self.set_reactive(ScrollView.scroll_target_y, max(0, end))
        else:
            self.top = round(self.scroll_y)
        return self._lines(crop)

    def _lines(self, crop: Region) -> list[Strip]:
        """The log's lines in `crop`, as Textual's styles cache would give them, but each row
        made a line once: scrolling moves every line of the view at every answer, and the
        cache makes each again (padding, then the app's line filters: ~1 ms an answer for
        a view of 24 rows). Lines that are not rows (the border), or a look this does not
        copy (a tint, opacity, a hatch, side borders, an outline), are left to Textual."""
        styles = self.styles
        if (
            styles.tint.a
            or self.opacity != 1
            or styles.text_opacity != 1
            or styles.has_rule("hatch")
            or styles.border_left[0]
            or styles.border_right[0]
            or any(edge for edge, _color in styles.outline)
        ):
            return super().render_lines(crop)
        width = self.outer_size.width  # `size` is the content's
        base, background = self.background_colors
        filters = tuple(self.get_line_filters())
        top, content = styles.gutter.top, self.content_region
        padding = styles.padding
        look = (width, content.width, padding.left, padding.right, base, background, filters)
        if look != self._made_for:
            self._made_for, self._made = look, {}
        inner = VisualStyle(background=base + background).rich_style
        selection = self.text_selection
        lines: list[Strip] = []
        for y in crop.line_range:
            row = y - top
            if not 0 <= row < content.height:
                lines.append(super().render_lines(Region(0, y, width, 1))[0])
                continue
            index = self.top + row
            key = index if 0 <= index < len(self.rows) else -1
            selected = selection is not None and selection.get_span(index) is not None
            made = None if selected else self._made.get(key)
            if made is None:
                line = self.render_line(row).adjust_cell_length(content.width, inner)
                made = Strip.join(
                    [Strip.blank(padding.left, inner), line, Strip.blank(padding.right, inner)]
                )
                for line_filter in filters:
                    made = made.apply_filter(line_filter, background)
                if not selected:
                    self._made[key] = made
            lines.append(made)
        if crop.column_span != (0, width):
            lines = [line.crop(*crop.column_span) for line in lines]
        return lines

    def render_line(self, y: int) -> Strip:
        index = self.top + y
        if not 0 <= index < len(self.rows):
            return Strip.blank(self.scrollable_content_region.width, self.look.blank)
        row = self.rows[index]
        selection = self.text_selection
        if selection is not None and (span := selection.get_span(index)) is not None:
            row = self._selected(row, *span)
        return row

    @property
    def shows_the_newest(self) -> bool:
        """The frame last drawn showed every row up to the newest, at the bottom of the view
        (while following; scrolled back, the leader reads elsewhere)."""
        view = self.scrollable_content_region
        return self.drawn_width == view.width and self.top + view.height == len(self.rows) > 0

    @property
    def allow_vertical_scroll(self) -> bool:
        # Textual asks whether the scrollbar would show, which it knows only after a layout;
        # an answer that adds rows asks for none.
        return self.max_scroll_y > 0

    # -- scrolling -------------------------------------------------------------------------

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
            self.refresh()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """The scrollbar shows only while the leader has scrolled back from the newest line.

        Following the conversation, it would say only "at the end", and cost every answer a
        second arrangement of the whole screen: Textual refreshes a shown scrollbar from
        inside the layout whenever the log grows, and the refresh looks up where it is
        while the layout is being built (bench/answer_latency.py, turn 60). Its column is
        padding while hidden (coach.tcss), so the lines keep their width either way."""
        super().watch_scroll_y(old_value, new_value)
        back = not self.is_vertical_scroll_end
        if back == self.following:
            # Scrolled down to the newest line, or away from it by what did not say so
            # (`release_anchor`): a drag that selects past the log's top edge.
            self.following = not back
            self.refresh()
        self._show_scrollbar(back)

    def _show_scrollbar(self, back: bool) -> None:
        if back != self.scrolled_back:
            self.scrolled_back = back
            self.styles.scrollbar_size_vertical = 1 if back else 0
            self.styles.padding = (0, 0, 0, 1) if back else (0, 1)

    def on_resize(self, event: Resize) -> None:
        # Textual moves the scrollbar's thumb on a resize without drawing it again.
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.refresh()

    # -- themes ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        # Rows drawn in the old theme's colours would keep them: draw them again.
        self._theme = self.app.theme
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)

    def on_unmount(self) -> None:
        self.app.theme_changed_signal.unsubscribe(self)

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._theme:
            self._theme = theme.name
            self.redraw()

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

    def _draw_all(self, width: int) -> None:
        if self.is_attached and self.text_selection is not None:
            # Its offsets are in rows about to be drawn at another width.
            self.screen.selections = {
                widget: selected
                for widget, selected in self.screen.selections.items()
                if widget is not self
            }
        self.rows, self.ends, self._made = [], [], {}
        self._draw(self.said, width)
        self.drawn_width = width
        self._measure()

    def _measure(self) -> None:
        """The size scrolling goes by: the rows drawn. Set, not assigned: it changes no
        layout (the log's height is the screen's to give), and while drawing the frame an
        assignment would ask for another."""
        self.set_reactive(ScrollView.virtual_size, Size(self.drawn_width, len(self.rows)))

    def _draw(self, said: Iterable[Said], width: int) -> None:
        look, rows, ends = self.look, self.rows, self.ends
        for line in said:
            rows.extend(draw(line, width, look, len(rows)))
            ends.append(len(rows))
