"""Choices remembered between runs (the theme), in `.preferences.json` in the sessions folder.

Apart from the store so that the first screen can read them before the store is imported
(`coach.tui.opening`): drawn in the wrong theme, it would flash when the right one arrives.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from coach.store.atomic import write_atomic
from coach.store.plainfile import Refused, read_plain

FILE_NAME = ".preferences.json"
MAX_BYTES = 64_000


def _all(root: Path) -> dict[str, Any]:
    with contextlib.suppress(OSError, ValueError, Refused):
        data = json.loads(read_plain(root / FILE_NAME, MAX_BYTES, follow_links=False))
        if isinstance(data, dict):
            return data
    return {}


def preference(root: Path, name: str) -> str | None:
    """A remembered choice, or None. A missing, odd or oversized file is no choice made."""
    value = _all(root).get(name)
    return value if isinstance(value, str) else None


def remember(root: Path, name: str, value: str) -> None:
    """Keep a choice for next time (the folder is the caller's to check as writable).

    Raises:
        StoreError: the file cannot be written.
    """
    data = _all(root)
    data[name] = value
    write_atomic(root / FILE_NAME, json.dumps(data, indent=2).encode("utf-8"), durable=False)
