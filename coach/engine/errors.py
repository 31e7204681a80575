"""Errors that carry a place, so editors and people can jump straight to the problem."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding about a pack, printed like a compiler diagnostic."""

    source: str
    line: int
    col: int
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        if self.line:
            return f"{self.source}:{self.line}:{self.col}: {self.severity}: {self.message}"
        return f"{self.source}: {self.severity}: {self.message}"


class PackError(Exception):
    """A pack that cannot be used. Holds every problem found, the first one is the message."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(str(problems[0]) if problems else "invalid pack")

    @property
    def first(self) -> Problem:
        return self.problems[0]


class TemplateFailure(Exception):
    """A pack template failed while rendering (for example an undefined value)."""
