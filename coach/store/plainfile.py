"""Opening a file only as what it must be: a plain file of a bounded size.

Whatever coach reads (session files, the listing cache, packs, cached packs) could have been
replaced by something that is not a file: a named pipe that blocks the first read forever,
`/dev/zero` that never ends, a 20 GB sparse file that is all holes. Every such read goes
through here: the path is checked before it is opened (so a device is never opened at all), the
opened descriptor is checked again with `fstat` (what was opened is what is read, whatever
happens to the path meanwhile), its size is checked on the descriptor before anything is read,
and the read itself stops one byte past the limit in case the file grows.

A link is followed only where the caller says a link is legitimate there (a pack a user
symlinked, say); coach's own files are opened with `O_NOFOLLOW`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO

__all__ = [
    "NotPlain",
    "Refused",
    "TooLarge",
    "bounded_lines",
    "exists",
    "kind_of",
    "open_plain",
    "read_fd",
    "read_plain",
    "size_words",
]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # opening a named pipe must not wait for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)
_CHUNK = 1 << 20


class Refused(Exception):
    """A file coach will not read; the subclasses say why in words for a sentence."""


class NotPlain(Refused):
    """The path is not a plain file: `kind` names what it is ("a named pipe (FIFO)")."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


class TooLarge(Refused):
    """The file holds `size` bytes, more than the `limit` its reader takes."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size} bytes, more than {limit}")
        self.size = size
        self.limit = limit


def kind_of(mode: int) -> str:
    """What a file of this `st_mode` is, in a user's words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a plain file"


def size_words(size: int) -> str:
    """A byte count as people read it: `820 kB`, `16 MB`, `52.4 MB`, `21.5 GB`."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:,.0f} kB"
    unit, name = (1_000_000, "MB") if size < 1_000_000_000 else (1_000_000_000, "GB")
    if size % unit == 0:
        return f"{size // unit:,} {name}"
    return f"{size / unit:,.1f} {name}"


def open_plain(
    path: str | os.PathLike[str], *, follow_links: bool, dir_fd: int | None = None
) -> tuple[int, os.stat_result]:
    """Open a plain file for reading and return its descriptor and `fstat`.

    Args:
        path: The file (relative to `dir_fd` when that is given).
        follow_links: Whether a symbolic link at `path` itself is followed; folders on the
            way are always followed.
        dir_fd: A folder descriptor `path` is relative to, where the platform supports it.

    Raises:
        NotPlain: It is a folder, a pipe, a device, a socket, or (unless `follow_links`) a
            symbolic link.
        OSError: It cannot be opened (FileNotFoundError when there is none).
    """
    before = os.stat(path, follow_symlinks=follow_links, dir_fd=dir_fd)  # a device: never opened
    if not stat.S_ISREG(before.st_mode):
        raise NotPlain(kind_of(before.st_mode))
    flags = _READ_FLAGS | (0 if follow_links else _NOFOLLOW)
    try:
        fd = os.open(path, flags, dir_fd=dir_fd)
    except OSError as exc:
        if not follow_links and exc.errno in (errno.ELOOP, errno.EMLINK):
            raise NotPlain("a symbolic link") from None  # swapped in since the stat
        raise
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            raise NotPlain(kind_of(opened.st_mode))
    except BaseException:
        os.close(fd)
        raise
    return fd, opened


def read_fd(fd: int, opened: os.stat_result, limit: int) -> bytes:
    """All of an open plain file, refused before reading when `fstat` says it is too large,
    and while reading if it grows past `limit` meanwhile.

    Raises:
        TooLarge: More than `limit` bytes.
        OSError: The read failed.
    """
    if opened.st_size > limit:
        raise TooLarge(opened.st_size, limit)
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        total += len(chunk)
        if total > limit:
            raise TooLarge(total, limit)


def read_plain(
    path: str | os.PathLike[str],
    limit: int,
    *,
    follow_links: bool,
    dir_fd: int | None = None,
) -> bytes:
    """The bytes of a plain file of at most `limit` bytes.

    Raises:
        NotPlain: See `open_plain`.
        TooLarge: See `read_fd`.
        OSError: It cannot be opened or read.
    """
    fd, opened = open_plain(path, follow_links=follow_links, dir_fd=dir_fd)
    try:
        return read_fd(fd, opened, limit)
    finally:
        os.close(fd)


@contextlib.contextmanager
def bounded_lines(fd: int, limit: int) -> Iterator[Iterator[bytes]]:
    """The lines of an open file, for a reader that may stop early (a session's header);
    the descriptor is closed on leaving. Reading past `limit` bytes raises `TooLarge`."""
    handle: IO[bytes] = os.fdopen(fd, "rb")

    def lines() -> Iterator[bytes]:
        total = 0
        while True:
            line = handle.readline(limit + 1 - total)
            if not line:
                return
            total += len(line)
            if total > limit:
                raise TooLarge(total, limit)
            yield line

    try:
        yield lines()
    finally:
        handle.close()


def exists(path: Path) -> bool:
    """Whether anything is at `path`, a dangling link included."""
    try:
        os.lstat(path)
    except (OSError, ValueError):
        return False
    return True
