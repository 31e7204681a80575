"""The line under the control: how to answer it, or why what was just asked for cannot be
done (a refusal, in the warning colour), in the same place."""

from __future__ import annotations

from rich.style import Style
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.visual import RenderOptions
from textual.widget import Widget

from coach.terminal import printable
from coach.tui.widgets.log import LEFT, parse_style


class Hint(Widget):
    """The hint, drawn by the widget itself (Textual's line API) from rows it keeps for each
    text it has shown: the hint changes with nearly every question, among a handful of texts,
    and a `Static` worked each out again through Textual's visual pipeline and asked for a
    layout every time (bench/answer_latency.py). A layout is asked for only when the number
    of rows changes (a refusal may wrap to two)."""

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = text
        self._rows: dict[tuple[str, int], list[Strip]] = {}  # (text, width): its rows

    def show(self, text: str, *, refusal: bool = False) -> None:
        """`text` in the hint's colours, or a refusal's."""
        width = self.size.width
        before = len(self._drawn(self.text, width)) if width else 0
        self.text = text
        self.set_class(refusal, "-refusal")  # a restyle only when it changes
        after = len(self._drawn(text, width)) if width else 0
        self.refresh(layout=not width or before != after)

    def render(self) -> Content:
        return Content(printable(self.text))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._rows.clear()  # a new theme, or a refusal's colours

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._drawn(self.text, width))

    def render_line(self, y: int) -> Strip:
        rows = self._drawn(self.text, self.size.width)
        return rows[y] if y < len(rows) else Strip.blank(self.size.width)

    def _drawn(self, text: str, width: int) -> list[Strip]:
        key = (text, width)
        if (rows := self._rows.get(key)) is None:
            if any(drawn != width for _text, drawn in self._rows):
                self._rows.clear()  # drawn at a width gone by (a resize)
            rows = self._rows[key] = content_rows(
                Content(printable(text)), width, self.visual_style
            )
        return rows


def content_rows(content: Content, width: int, style: VisualStyle) -> list[Strip]:
    """`content` wrapped into rows `width` cells wide, as a `Static` with `style` draws it."""
    blank = Style(bgcolor=style.rich_style.bgcolor)
    rows = content.render_strips(width, None, style, RenderOptions(parse_style, LEFT))
    return [row.extend_cell_length(width, blank) for row in rows] or [Strip.blank(width, blank)]
