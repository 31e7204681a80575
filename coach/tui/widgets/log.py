"""The conversation log, whose cost per answer does not grow with the conversation.

Textual lays out every displayed child of a container again whenever one is added, so a log
of one widget per line costs more at every answer (measured: 85 ms for a swapped answer at
the start of a session, 180 ms near its end). Here only the newest lines are widgets: once
there are `LIMIT` of them, the oldest are drawn once into `History`, which from then on
shows the rows they drew, and are removed (hidden first, so that no frame shows them twice
while Textual removes them). A hidden widget costs no layout, but it still costs every walk of
the DOM (each query, style update and message to every widget; the answer's frame checks
some): with the widgets kept, the screen grew from ~30 nodes at turn 5 to ~85 at turn 60.
What each removed line said is kept as a record (`coach.tui.widgets.turns.Said`), so the
conversation can still be read line by line (`ConversationLog.lines`), and the lines are made
again from the records whenever the rows drawn no longer fit: a new width or a new theme.

The oldest lines are drawn into the history after the frame that shows an answer, never
inside it (that frame is what the leader waits for), and few lines stay widgets (`LIMIT`,
`KEEP`), so an answer near the end of a session has about as many widgets to lay out, style
and walk as one near its start (bench/answer_latency.py: turn 60 against turn 5).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich.style import Style
from textual.containers import VerticalScroll
from textual.events import Resize
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.theme import Theme
from textual.widget import Widget

if TYPE_CHECKING:
    from textual.await_remove import AwaitRemove

    from coach.tui.widgets.turns import Line, Said

LIMIT = 10  # lines laid out as widgets before the oldest are drawn into the history
KEEP = 4  # lines left as widgets after that (with the newest answer's, about a screenful)
# Tried: LIMIT 6, a draw after every answer, so that every frame lays out KEEP lines and its
# own (with 10 the count goes round a cycle of three answers, which the bench's pack of
# text, rating, choice follows: turn 60's ratings lay out 10 lines, turn 5's 5 and 11). Two
# full runs of bench/answer_latency.py gave no better turn 60 / turn 5 in wall time and more
# CPU for text at turn 60 (1.31-1.35x against 0.99-1.13x with 10; a profile showed more
# rows composited at turn 60, the cause was not pinned down), so 10 it stays.


class History(Widget):
    """The rows the oldest lines of the conversation drew, as they drew them (Textual's line
    API: one `Strip` a row), so that they cost nothing to lay out."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Strip] = []
        self.drawn_width = 0  # the width the rows were drawn at

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.rows)

    def render_line(self, y: int) -> Strip:
        if y < len(self.rows):
            return self.rows[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def take(self, lines: list[Line]) -> None:
        """Draw `lines`, the widgets right below the rows so far, into the history.

        Each line is placed where the log's layout put it (its margins are the blank cells
        around it), so the history looks exactly like the lines did."""
        width = self.size.width
        # The log's background, as Textual draws it around the lines: no foreground colour,
        # so the cells are the very cells the lines' widgets left (and a screenshot the same).
        blank = Style(bgcolor=self.visual_style.rich_style.bgcolor)
        for line in lines:
            region = line.virtual_region
            while len(self.rows) < region.y:  # the margin above the line
                self.rows.append(Strip.blank(width, blank))
            drawn = line.render_lines(Region(0, 0, region.width, region.height))
            left, right = Strip.blank(region.x, blank), Strip.blank(width - region.right, blank)
            self.rows.extend(Strip.join([left, strip, right]) for strip in drawn)
        self.drawn_width = width
        self.refresh(layout=True)

    def clear(self) -> None:
        self.rows = []
        self.refresh(layout=True)

    def on_resize(self, event: Resize) -> None:
        log = self.parent
        if self.rows and event.size.width != self.drawn_width and isinstance(log, ConversationLog):
            log.restore()


class ConversationLog(VerticalScroll):
    """The lines of the conversation, newest at the bottom and kept in view (`anchor`)."""

    def __init__(self, *lines: Line, id: str | None = None) -> None:
        self.history = History()
        super().__init__(self.history, *lines, id=id)
        self.live: list[Line] = list(lines)  # laid out as widgets
        self.drawn: list[Said] = []  # what the lines shown by the history said, oldest first
        self._to_draw = True  # lines wait to be drawn once they are laid out
        self.scrolled_back = False  # the leader has scrolled up: the scrollbar shows

    def on_mount(self) -> None:
        self.anchor()
        # Lines drawn in the old theme's colours would keep them: lay them out again.
        self._theme = self.app.theme
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.screen.screen_layout_refresh_signal.subscribe(self, self._laid_out)

    def on_unmount(self) -> None:
        self.app.theme_changed_signal.unsubscribe(self)
        self.screen.screen_layout_refresh_signal.unsubscribe(self)

    @property
    def lines(self) -> list[Said]:
        """What every line said, oldest first, whether it is a widget or drawn in the history
        (whose widgets are gone: query `CoachLine`/`LeaderLine` for the newest lines only)."""
        return [*self.drawn, *(line.said for line in self.live)]

    async def add(self, lines: Iterable[Line]) -> None:
        """Mount new lines at the bottom. Awaited, so that they are drawn in the same frame as
        whatever else changes with them (in an `App.batch_update`)."""
        new = list(lines)
        if new:
            await self.mount_all(new)
            self.live.extend(new)
            # Drawn once this frame is on screen (`_laid_out`, after the frame's layout).
            self._to_draw = len(self.live) >= LIMIT

    def draw_oldest(self) -> AwaitRemove | None:
        """Past `LIMIT` lines, hand the oldest to the history, leaving the newest `KEEP`, and
        remove their widgets.

        Only lines that are laid out at the history's width can be drawn; until they are,
        this waits for the next layout.

        Returns:
            The removal of the lines drawn (to await where what it leaves is collected), or
            None if nothing was drawn.
        """
        if len(self.live) < LIMIT:
            self._to_draw = False
            return None
        oldest = self.live[: len(self.live) - KEEP]
        history = self.history
        width = history.size.width
        ready = self.is_mounted and width and not (history.rows and width != history.drawn_width)
        if not ready or any(not line.size.width for line in oldest):
            self._to_draw = True
            return None
        history.take(oldest)
        for line in oldest:
            # Out of layout at once: Textual removes a widget over a few messages, and a
            # frame in between would show it under the rows it drew.
            line.display = False
        self.drawn.extend(line.said for line in oldest)
        del self.live[: len(oldest)]
        self._to_draw = False
        return self.remove_children(oldest)

    def restore(self) -> None:
        """Make the lines drawn in the history widgets again and lay out every line (a new
        width or theme); the oldest are drawn again once they are laid out."""
        if not self.drawn:
            return
        again = [said.line() for said in self.drawn]
        self.drawn = []
        self.history.clear()
        self.mount_all(again, after=self.history)  # not awaited: drawn once laid out
        self.live[:0] = again
        self._to_draw = True

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        """The scrollbar shows only while the leader has scrolled back from the newest line.

        Following the conversation, it would say only "at the end", and cost every answer a
        second arrangement of the whole screen: Textual refreshes a shown scrollbar from
        inside the layout whenever the log grows, and the refresh looks up where it is
        while the layout is being built (bench/answer_latency.py, turn 60). Its column is
        padding while hidden (coach.tcss), so the lines keep their width either way."""
        super().watch_scroll_y(old_value, new_value)
        back = not self.is_vertical_scroll_end
        if back != self.scrolled_back:
            # Inline styles, not a class: a class restyles every line of the log with it.
            self.scrolled_back = back
            self.styles.scrollbar_size_vertical = 1 if back else 0
            self.styles.padding = (0, 0, 0, 1) if back else (0, 1)

    def on_resize(self, event: Resize) -> None:
        # Anchored, the log keeps its end in view when it is resized (the footer arriving, a
        # taller control), but Textual moves the scrollbar's thumb without redrawing it.
        if self.show_vertical_scrollbar:
            self.vertical_scrollbar.refresh()

    def _laid_out(self, screen: Any) -> None:
        if self._to_draw:
            self.draw_oldest()

    def _theme_changed(self, theme: Theme) -> None:
        if theme.name != self._theme:
            self._theme = theme.name
            self.restore()
