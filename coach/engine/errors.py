"""Errors that carry a place, so editors and people can jump straight to the problem."""

from __future__ import annotations

from collections.abc import Iterable
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


class TemplateLimit(TemplateFailure):
    """A template went past one of the sandbox's bounds (text size, loops, work, recursion).

    `reason` is the bound, as the end of a sentence ("the text would be longer than ...");
    the dialogue puts the pack file and step in front of it.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A "; did you mean 'x'?" hint for a misspelt name, or "" when nothing is close."""
    import difflib  # only a pack with a mistake in it gets this far

    found = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean '{found[0]}'?" if found else ""
