"""Checked packs kept between runs, so a start does not parse and check the same pack again.

Loading the stock pack is mostly YAML with positions and template analysis (~40 ms); a pack
that checked clean is kept as its `pack_image` and rebuilt from that next time (~5 ms). An
entry is named by the pack text's sha256 and by the engine that checked it (coach's version
and the size and time of every engine source file), so an edited pack or an upgraded or
edited engine never reuses an old entry. The folder is private (0700) and safe to delete.

Entries are `marshal` data. marshal is what Python's own `.pyc` cache uses, and like that
cache it trusts its folder: an entry is read only from the user's own private cache folder,
only when the file opened (never through a link) is a plain file of the user's own that
nobody else can write, judged on its descriptor; it is checked for shape after reading, and
anything unreadable or untrusted is simply checked again.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from coach import __version__
from coach.engine import Pack, PackError, Problem
from coach.engine.pack import check_pack, load_image, pack_image
from coach.store.atomic import ensure_private_dir, write_atomic
from coach.store.errors import StoreError
from coach.store.locations import cache_dir
from coach.store.plainfile import Refused, open_plain, read_fd

ENGINE_DIR = Path(__file__).resolve().parent / "engine"


@lru_cache(maxsize=1)
def engine_fingerprint() -> str | None:
    """What built a cached pack: coach's version and the size and time of every engine file
    (an upgrade or a developer's edit makes every entry stale), and the same of Jinja2 and
    PyYAML, which decide the templates' names and the YAML's data. None when the files
    cannot be seen (a zipped or frozen build): then nothing is cached."""
    parts = [__version__, sys.implementation.cache_tag or ""]
    try:
        files = [e for e in os.scandir(ENGINE_DIR) if e.name.endswith(".py")]
        for entry in sorted(files, key=lambda e: e.name):
            st = entry.stat()
            parts.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
        for library in ("jinja2", "yaml"):
            spec = importlib.util.find_spec(library)  # found, not imported
            origin = spec.origin if spec is not None else None
            if origin is None:
                return None
            st = os.stat(origin)
            parts.append(f"{library}:{origin}:{st.st_size}:{st.st_mtime_ns}")
    except OSError:
        return None
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _usable(folder: Path) -> bool:
    """Only a folder of this user's that nobody else can write into is read from: an entry
    is trusted as checked, so a planted one must not be possible."""
    try:
        st = folder.stat()
    except OSError:
        return True  # not there yet: it will be created private
    getuid = getattr(os, "getuid", None)
    owner_ok = getuid is None or st.st_uid == getuid()
    return owner_ok and not st.st_mode & 0o022


def load(text: str, source: str, sha256: str, folder: Path | None = None) -> Pack:
    """The pack in `text`: rebuilt from the cache when this engine checked it before,
    otherwise checked in full (and kept, when it is clean).

    Raises:
        PackError: the pack has errors, each with its file:line:col.
    """
    fingerprint = engine_fingerprint()
    packs = (folder or cache_dir()) / "packs"
    use_cache = fingerprint is not None and _usable(packs.parent) and _usable(packs)
    path = packs / f"{sha256}-{fingerprint}.marshal"
    if use_cache:
        pack = _rebuild(path, source, sha256)
        if pack is not None:
            return pack
    report = check_pack(text, source)
    if report.errors or report.pack is None:
        raise PackError(report.errors or [Problem(source, 1, 1, "the pack could not be built")])
    if use_cache:
        _keep(path, pack_image(report))
    return report.pack


MAX_ENTRY_BYTES = 64_000_000
"""No entry of a pack of at most 1 MB comes near this; a larger file is not coach's."""


def _trusted(opened: os.stat_result) -> bool:
    """Whether an opened entry is this user's own and nobody else can write it."""
    getuid = getattr(os, "getuid", None)
    owner_ok = getuid is None or opened.st_uid == getuid()
    return owner_ok and not opened.st_mode & 0o022


def _read_entry(path: Path) -> bytes | None:
    """An entry's bytes, judged on the file actually opened, never through a link: a plain
    file, this user's own, not writable by group or others, not too large. Checking the
    folder and then opening a path would leave a window in which the folder is swapped; the
    descriptor cannot be swapped."""
    try:
        fd, opened = open_plain(path, follow_links=False)
    except (OSError, Refused):
        return None
    try:
        if not _trusted(opened):
            return None
        return read_fd(fd, opened, MAX_ENTRY_BYTES)
    except (OSError, Refused):
        return None
    finally:
        os.close(fd)


def _rebuild(path: Path, source: str, sha256: str) -> Pack | None:
    """The pack from its entry, or None when there is none this engine can use."""
    data = _read_entry(path)
    if data is None:
        return None  # missing, unreadable or untrusted: check the pack again, write afresh
    try:
        image = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None  # torn: check the pack again, write a fresh entry
    if not isinstance(image, dict) or image.get("sha256") != sha256:
        return None
    try:
        return load_image(image, source)
    except (PackError, TypeError, ValueError, AttributeError, KeyError, RecursionError):
        # An entry this engine cannot rebuild: damaged on disk, or written by hand. The full
        # check decides, and replaces the entry.
        return None


def _keep(path: Path, image: dict[str, Any] | None) -> None:
    """Write an entry, and drop this pack's entries from other engines (they are stale now).

    A cache that cannot be written (read-only home, full disk) only costs the next start the
    full check, so that is not an error worth a leader's attention."""
    if image is None:
        return
    try:
        data = marshal.dumps(image)
    except ValueError:
        return  # a value marshal cannot hold: this pack is always checked in full
    try:
        ensure_private_dir(path.parent, "cache folder")
        write_atomic(path, data, durable=False)
        sha256 = path.name.split("-", 1)[0]
        for old in path.parent.glob(f"{sha256}-*.marshal"):
            if old != path:
                old.unlink(missing_ok=True)
    except (StoreError, OSError):
        return
