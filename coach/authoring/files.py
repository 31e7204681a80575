"""Reading pack files for the authoring commands, without trusting their size or encoding."""

from __future__ import annotations

import re
from pathlib import Path

from coach.engine.errors import Problem
from coach.engine.source import MAX_BYTES
from coach.store.plainfile import Refused, read_plain


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The text of a pack or test file, or the one problem that stops it being read.

    The file must be a plain file (a link to one is followed); its size is checked on the
    opened file before reading, so a 50 MB file costs an `fstat`, not 50 MB of memory, and a
    named pipe or `/dev/zero` is one sentence instead of a hang.
    """
    from coach.catalog import read_pack_bytes

    data, problems = read_pack_bytes(path, missing="the file does not exist")
    if data is None:
        return None, problems
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [Problem(str(path), line, col, "the file is not UTF-8 text")]


def expand(paths: list[Path], tests: bool = False) -> list[Path]:
    """Files as given, and a folder as the `*.yaml` files of one kind in it, sorted.

    A pack and its conversation tests can share a folder, as in `examples/packs/`, so a
    folder gives only its packs, or with `tests` only its test files (see
    `is_conversation_test`). A file named on its own is always kept: the reader then says
    what is wrong with it, which is clearer than passing over a file the user asked for.
    """
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for file in sorted(path.glob("*.yaml")):
            kind = _kind(file)
            if kind is None or kind == tests:
                found.append(file)
    return found


def is_conversation_test(text: str) -> bool:
    """Whether a file's text is a conversation test file rather than a pack.

    A test file has a top-level `tests:`. A pack's steps live under a top-level `sections:`,
    which a test file never has, so a pack with a stray `tests:` key is still a pack and is
    checked as one. Two line searches, not a YAML parse: sorting a folder's files costs a
    read each, not a parse each.
    """
    return bool(_TESTS.search(text)) and not _SECTIONS.search(text)


def tests_line(text: str) -> int:
    """The line of a conversation test file's top-level `tests:`, or 0 if it has none."""
    found = _TESTS.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else 0


def _kind(file: Path) -> bool | None:
    """True for a conversation test file, False for a pack, None when it cannot be read
    (not a plain file, too large, unreadable): then `read_text` says why.
    """
    try:
        data = read_plain(file, MAX_BYTES, follow_links=True)
    except (OSError, Refused):
        return None
    return is_conversation_test(data.decode("utf-8", errors="replace"))


_TESTS = re.compile(r"^tests[ \t]*:", re.MULTILINE)
_SECTIONS = re.compile(r"^sections[ \t]*:", re.MULTILINE)
