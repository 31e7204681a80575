"""Where the leader is: the five traits, done, current and still to come."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.strip import Strip
from textual.widget import Widget

from coach.terminal import printable

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

    Drawn by the widget itself (Textual's line API) as a row of styled segments, not as a
    `Static`: it changes at every answer, and working the row out again through Textual's
    visual pipeline (as a `Static` does, or `Content.render_strips`) cost ~0.4 ms of every
    answer (bench/answer_latency.py). Its row is fixed (coach.tcss: `#progress { height:
    1; }`), so a new count needs no layout either."""

    PARTS = ("current", "todo", "title", "count")  # styled as their component classes
    COMPONENT_CLASSES = {f"progress--{part}" for part in PARTS}
    DEFAULT_CSS = """
    TraitProgress {
        & > .progress--current { color: $accent; text-style: bold; }
        & > .progress--todo, & > .progress--count { color: $text-muted; }
        & > .progress--title { text-style: bold; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.parts: tuple[tuple[str, str], ...] = ()  # (text, the part it is: "current", ...)
        self._row: Strip | None = None  # the row drawn; None: draw it again

    def show(self, progress: Progress) -> None:
        parts: list[tuple[str, str]] = []
        current = ""
        for section in progress.sections:
            if section.state == "current":
                current = section.title
            if section.trait:
                parts.append((MARKS[section.state] + " ", section.state))
        parts.append((f" {printable(current)}", "title"))
        parts.append((f"  ·  {progress.answered} of {progress.total} answered", "count"))
        if tuple(parts) != self.parts:
            self.parts, self._row = tuple(parts), None
            self.refresh()

    def render(self) -> Content:
        return Content("".join(text for text, _part in self.parts))

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row = None  # a new theme

    def render_line(self, y: int) -> Strip:
        width, base = self.size.width, self.rich_style
        if y:
            return Strip.blank(width, base)
        if self._row is None or self._row.cell_length != width:
            # Visual styles: a colour with alpha ($text-muted) blended over the background.
            styles = {
                part: self.get_visual_style(f"progress--{part}").rich_style for part in self.PARTS
            }
            segments = [Segment(text, styles.get(part, base)) for text, part in self.parts]
            blank = Style(bgcolor=base.bgcolor)
            self._row = Strip(segments).crop_extend(0, width, blank)
        return self._row
