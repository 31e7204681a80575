"""Reading pack files for the authoring commands, without trusting their size or encoding."""

from __future__ import annotations

import re
from pathlib import Path

from coach.engine.errors import Problem
from coach.engine.source import MAX_BYTES


def read_text(path: Path) -> tuple[str | None, list[Problem]]:
    """The text of a pack or test file, or the one problem that stops it being read.

    The size is checked before reading, so a 50 MB file costs a `stat`, not 50 MB of memory.
    """
    name = str(path)
    try:
        size = path.stat().st_size
        if path.is_dir():
            return None, [Problem(name, 0, 0, "this is a folder, not a pack file")]
        if size > MAX_BYTES:
            return None, [
                Problem(
                    name, 1, 1,
                    f"the file is {size / 1_000_000:,.1f} MB; a pack may be at most "
                    f"{MAX_BYTES // 1000:,} kB",
                )
            ]  # fmt: skip
        data = path.read_bytes()
    except FileNotFoundError:
        return None, [Problem(name, 0, 0, "the file does not exist")]
    except OSError as exc:
        return None, [Problem(name, 0, 0, f"cannot read it ({exc.strerror})")]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        return None, [Problem(name, line, col, "the file is not UTF-8 text")]


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
    """True for a conversation test file, False for a pack, None when it cannot be read.

    At most `MAX_BYTES` are read; anything longer is refused by `read_text` anyway.
    """
    try:
        with file.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError:
        return None
    return is_conversation_test(data.decode("utf-8", errors="replace"))


_TESTS = re.compile(r"^tests[ \t]*:", re.MULTILINE)
_SECTIONS = re.compile(r"^sections[ \t]*:", re.MULTILINE)
