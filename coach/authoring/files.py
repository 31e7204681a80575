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
    """Files as given, and a folder as the `*.yaml` files in it, sorted.

    With `tests`, a folder gives only its conversation test files (those with a top-level
    `tests:`), so a pack and its tests can share a folder, as in `examples/packs/`.
    """
    found: list[Path] = []
    for path in paths:
        if not path.is_dir():
            found.append(path)
            continue
        for file in sorted(path.glob("*.yaml")):
            if not tests or _TESTS.search(file.read_text(encoding="utf-8", errors="replace")):
                found.append(file)
    return found


_TESTS = re.compile(r"^tests:", re.MULTILINE)
