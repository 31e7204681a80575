"""Errors with a place, like a compiler message: the store's and the transcript model's.

Editors and terminals can jump to `path:line:col`, and the CLI prints `str(error)` as its one
sentence on stderr, so every failure on disk reads the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["StoreError"]


class StoreError(Exception):
    """A session file or folder that cannot be used, with where and why.

    Attributes:
        path: The file or folder at fault.
        message: One sentence for a person, without a trailing full stop.
        line: 1-based line in the file, when the problem has a place.
        col: 1-based column in that line, when known.
    """

    path: Path
    message: str
    line: int | None
    col: int | None

    def __init__(
        self,
        path: str | os.PathLike[str],
        message: str,
        line: int | None = None,
        col: int | None = None,
    ) -> None:
        """Keep the parts apart so callers can show or test them separately.

        Args:
            path: The file or folder at fault.
            message: One sentence for a person.
            line: 1-based line, if the problem has a place in a file.
            col: 1-based column, only meaningful with `line`.
        """
        self.path = Path(path)
        self.message = message
        self.line = line
        self.col = col
        super().__init__(self.__str__())

    def __str__(self) -> str:
        """Format as `path:line:col: message` so editors can jump to it."""
        where = str(self.path)
        if self.line is not None:
            where += f":{self.line}"
            if self.col is not None:
                where += f":{self.col}"
        return f"{where}: {self.message}"

    def __reduce__(self) -> tuple[type[StoreError], tuple[Path, str, int | None, int | None]]:
        """Pickle with all parts, so errors survive a trip through a worker process."""
        return (type(self), (self.path, self.message, self.line, self.col))
