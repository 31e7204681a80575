"""Writes that leave either the old file or the new one, never half of one.

A leader's answers are saved after every turn; a crash, a full disk or Ctrl+C in the middle of
a save must not cost them the answers saved before.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from coach.store.errors import StoreError

__all__ = ["ensure_private_dir", "fsync_dir", "shared_with_others", "write_atomic"]

_FILE_MODE = 0o600
_DIR_MODE = 0o700


def _reason(exc: OSError) -> str:
    """The OS's words for an error, lower-cased to sit inside our sentence."""
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def write_atomic(
    path: str | os.PathLike[str], data: bytes, *, durable: bool = True, mode: int = _FILE_MODE
) -> None:
    """Replace `path` with `data` so that readers see the old or the new file, whole.

    The bytes go to a private temp file in the same folder (so the rename stays on one
    filesystem), are flushed and fsynced, then renamed over `path`; the folder is fsynced so the
    rename itself survives a power cut. On any failure the temp file is removed and `path` keeps
    its old content.

    Args:
        path: The file to write; its folder must exist.
        data: The whole new content.
        durable: False skips both fsyncs, for caches that are cheaper to rebuild than to sync;
            the rename stays atomic.

    Raises:
        StoreError: The file could not be written (the OS's reason is in the message).
    """
    path = Path(path)
    folder = path.parent
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise StoreError(path, f"cannot write the file ({_reason(exc)})") from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            if hasattr(os, "fchmod"):  # mkstemp already uses 0600; umask cannot widen it
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:  # also Ctrl+C: never leave a stray temp file behind
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise StoreError(path, f"cannot write the file ({_reason(exc)})") from exc
        raise
    if durable:
        fsync_dir(folder)


def fsync_dir(folder: Path) -> None:
    """Make a rename durable where the platform allows; the data itself is already synced."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:  # Windows cannot open a folder as a file; NTFS journals renames anyway
        return
    try:
        # Some filesystems (network mounts, some FUSE) refuse fsync on a folder: best effort.
        with contextlib.suppress(OSError):
            os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def ensure_private_dir(path: str | os.PathLike[str], what: str = "folder") -> Path:
    """Make sure `path` is a folder we can write, creating it (and parents) as 0700.

    Folders that already exist keep their mode: the user may have chosen it on purpose.

    Args:
        path: The folder.
        what: How to name it to the user, e.g. "sessions folder".

    Returns:
        The folder as a `Path`.

    Raises:
        StoreError: It is a file, cannot be created, or is not writable.
    """
    path = Path(path)
    if path.is_dir():
        if not os.access(path, os.W_OK | os.X_OK):
            raise StoreError(path, f"the {what} is not writable")
        return path
    if path.exists() or path.is_symlink():
        raise StoreError(path, f"the {what} cannot be created: a file of that name is in the way")
    missing: list[Path] = []
    probe = path
    while not probe.exists() and not probe.is_symlink() and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    if not probe.is_dir():
        raise StoreError(path, f"the {what} cannot be created: {probe} is not a folder")
    for folder in reversed(missing):
        try:
            os.mkdir(folder, _DIR_MODE)
        except FileExistsError:  # another process made it first
            if not folder.is_dir():
                raise StoreError(
                    path, f"the {what} cannot be created: {folder} is not a folder"
                ) from None
            continue
        except OSError as exc:
            raise StoreError(path, f"the {what} cannot be created ({_reason(exc)})") from exc
        os.chmod(folder, _DIR_MODE)  # the umask may have taken bits away from 0700
    return path


def shared_with_others(path: str | os.PathLike[str]) -> bool:
    """Whether users other than its owner can create, rename or remove files in a folder
    (group or others may write it), so that what coach reads there could have been planted.

    A folder that does not exist (yet) is not shared: coach creates its folders 0700. Windows
    has no such mode bits; there the answer is always False.
    """
    if os.name == "nt":
        return False
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return bool(mode & 0o022)
