"""Where the leader is: the five traits, done, current and still to come."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

from coach.terminal import printable
from coach.tui.widgets.log import content_rows

MARKS = {"done": "●", "current": "◉", "todo": "○"}


class Section(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def trait(self) -> str | None: ...
    @property
    def state(self) -> str: ...


class Progress(Protocol):
    """The engine's `Progress`, or the first screen's copy of it (`coach.tui.opening`): this
    module does not import the engine, which that screen is drawn without."""

    @property
    def answered(self) -> int: ...
    @property
    def total(self) -> int: ...
    @property
    def sections(self) -> Sequence[Section]: ...


class TraitProgress(Widget):
    """One line that fits 60 columns: a mark per trait, the current section, the count.

    Drawn by the widget itself (Textual's line API) from a row it keeps, not as a `Static`:
    it changes at every answer, and a `Static` working out the same row again through
    Textual's visual pipeline cost ~0.4 ms of every answer (bench/answer_latency.py). Its
    row is fixed (coach.tcss: `#progress { height: 1; }`), so a new count needs no layout."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._content = Content("")
        self._row: Strip | None = None  # the row drawn; None: draw it again

    def show(self, progress: Progress) -> None:
        parts: list[Content | str] = []
        current = ""
        for section in progress.sections:
            if section.state == "current":
                current = section.title
            if not section.trait:
                continue
            style = {"current": "bold $accent", "todo": "$text-muted"}.get(section.state, "")
            parts.append(Content.styled(MARKS[section.state] + " ", style))
        parts.append(Content.styled(f" {printable(current)}", "bold"))
        parts.append(Content.styled(f"  ·  {progress.answered} of {progress.total} answered",
                                    "$text-muted"))  # fmt: skip
        content = Content.assemble(*parts)
        if content != self._content:
            self._content, self._row = content, None
            self.refresh()

    def render(self) -> Content:
        return self._content

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row = None  # a new theme

    def render_line(self, y: int) -> Strip:
        width, style = self.size.width, self.visual_style
        if y:
            return Strip.blank(width, style.rich_style)
        if self._row is None or self._row.cell_length != width:
            self._row = content_rows(self._content, width, style, 1)[0]
        return self._row
