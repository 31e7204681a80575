"""`coach packs check`: every problem in every file, the way a compiler reports them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from coach.authoring.files import is_conversation_test, read_text, tests_line
from coach.engine.errors import Problem
from coach.engine.pack import Report, check_pack


@dataclass(frozen=True, slots=True)
class FileReport:
    """The outcome for one file: the engine's report, or the problem that kept it unread."""

    path: Path
    report: Report

    @property
    def problems(self) -> tuple[Problem, ...]:
        return self.report.problems


def check_file(path: Path) -> FileReport:
    """Read and check one pack file; never raises for anything inside the file.

    A conversation test file named here gets one problem saying so, at its `tests:` line,
    instead of a list of everything a pack would need and it lacks.
    """
    text, problems = read_text(path)
    if text is None:
        return FileReport(path, Report(None, tuple(problems)))
    if is_conversation_test(text):
        message = "this is a conversation test file, not a pack (run it with coach packs test)"
        return FileReport(path, Report(None, (Problem(str(path), tests_line(text), 1, message),)))
    return FileReport(path, check_pack(text, str(path)))


def summary(reports: list[FileReport]) -> str:
    """One line: how many errors and warnings in how many files."""
    errors = sum(len(r.report.errors) for r in reports)
    warnings = sum(len(r.report.warnings) for r in reports)
    files = len(reports)

    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return f"{count(errors, 'error')}, {count(warnings, 'warning')} in {count(files, 'file')}"
