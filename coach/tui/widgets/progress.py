"""Where the leader is: the five traits, done, current and still to come."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from textual.content import Content
from textual.widgets import Static

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


class TraitProgress(Static):
    """One line that fits 60 columns: a mark per trait, the current section, the count."""

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
        # Its row is fixed (coach.tcss: `#progress { height: 1; }`): a new count never changes
        # the layout, and asking for one cost ~1 ms of every answer (bench/answer_latency.py).
        self.update(Content.assemble(*parts), layout=False)
