"""Which session files a folder holds, by name, time, size and inode, without reading one.

Apart from the store so that the first screen (`coach.tui.opening`) can tell whether the
folder changed since the last run before the store and the transcript model are imported.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from coach.store.errors import StoreError
from coach.store.plainfile import kind_of

NOTES_SUFFIX = ".notes.yaml"
"""A coach's notes on session `<id>` live in `<id>.notes.yaml`: never a session themselves."""

FOLDER = "sessions folder"


def is_session_name(name: str) -> bool:
    """`<id>.yaml`: not a hidden file (the caches, locks, temp files), not a coach's notes."""
    return not name.startswith(".") and name.endswith(".yaml") and not name.endswith(NOTES_SUFFIX)


def stat_sessions(folder: Path) -> Iterator[tuple[str, os.stat_result]]:
    """(name, lstat) of every session-named entry, without reading any. Where the platform
    can, each is stat'ed through the folder's descriptor, as `fstatat` of its name alone (a
    sixth faster than by its whole path). An entry removed meanwhile is passed over.

    Raises:
        OSError: the folder cannot be opened or read (missing, not a folder, refused).
    """
    fd: int | None = None
    try:
        if os.scandir in os.supports_fd:
            fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        with os.scandir(folder if fd is None else fd) as entries:
            for entry in entries:
                name = entry.name
                if not is_session_name(name):
                    continue
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:  # removed since the folder was read
                    continue
                yield name, info
    finally:
        if fd is not None:
            os.close(fd)


def session_files(root: Path) -> tuple[dict[str, list[int]], dict[str, str]]:
    """File name → [mtime_ns, size, inode] for every session file, without reading any,
    and file name → what it is for each `*.yaml` entry that is not a plain file (a link,
    a pipe, a folder), which a listing reports instead of opening. A missing folder holds none.

    Raises:
        StoreError: the folder is not a folder, or cannot be read.
    """
    found: dict[str, list[int]] = {}
    odd: dict[str, str] = {}
    try:
        for name, info in stat_sessions(root):
            if stat.S_ISREG(info.st_mode):
                found[name] = [info.st_mtime_ns, info.st_size, info.st_ino]
            else:
                odd[name] = kind_of(info.st_mode)
    except FileNotFoundError:
        return {}, {}
    except NotADirectoryError:
        raise StoreError(root, f"the {FOLDER} is not a folder") from None
    except OSError as exc:
        raise StoreError(root, f"cannot read the {FOLDER} ({exc.strerror})") from None
    return found, odd
