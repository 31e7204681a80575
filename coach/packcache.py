"""Checked packs kept between runs, so a start does not parse and check the same pack again.

Loading the stock pack is mostly YAML with positions and template analysis (~40 ms); a pack
that checked clean is kept as its `pack_image` and rebuilt from that next time (~5 ms). An
entry is named by the pack text's sha256 and by the engine that checked it (coach's version
and the size and time of every engine source file), so an edited pack or an upgraded or
edited engine never reuses an old entry. The folder is private (0700) and safe to delete.

Entries are `marshal` data. marshal is what Python's own `.pyc` cache uses, and like that
cache it trusts its folder: an entry is read only from the user's own private cache folder,
is checked for shape after reading, and anything unreadable is simply checked again.
"""

from __future__ import annotations

import hashlib
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

ENGINE_DIR = Path(__file__).resolve().parent / "engine"


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """What the engine is, as far as a cached pack is concerned: a change to any of its files
    (an upgrade, or a developer's edit) makes every entry stale."""
    parts = [__version__, sys.implementation.cache_tag or ""]
    for entry in sorted(os.scandir(ENGINE_DIR), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            st = entry.stat()
            parts.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def entry_path(sha256: str, folder: Path | None = None) -> Path:
    return (folder or cache_dir()) / "packs" / f"{sha256}-{engine_fingerprint()}.marshal"


def load(text: str, source: str, sha256: str, folder: Path | None = None) -> Pack:
    """The pack in `text`: rebuilt from the cache when this engine checked it before,
    otherwise checked in full (and kept, when it is clean).

    Raises:
        PackError: the pack has errors, each with its file:line:col.
    """
    path = entry_path(sha256, folder)
    try:
        image = marshal.loads(path.read_bytes())
    except FileNotFoundError:
        image = None
    except (OSError, ValueError, EOFError, TypeError):
        image = None  # unreadable or torn: check the pack again, and write a fresh entry
    if isinstance(image, dict) and image.get("sha256") == sha256:
        try:
            return load_image(image, source)
        except (PackError, TypeError, ValueError, AttributeError, KeyError, RecursionError):
            # An entry this engine cannot rebuild: damaged on disk, or written by hand. The
            # full check below decides, and replaces the entry.
            image = None
    report = check_pack(text, source)
    if report.errors or report.pack is None:
        raise PackError(report.errors or [Problem(source, 1, 1, "the pack could not be built")])
    _keep(path, pack_image(report))
    return report.pack


def _keep(path: Path, image: dict[str, Any] | None) -> None:
    """Write an entry; a cache that cannot be written (read-only home, full disk) only costs
    the next start the full check, so that is not an error worth a leader's attention."""
    if image is None:
        return
    try:
        data = marshal.dumps(image)
    except ValueError:
        return  # a value marshal cannot hold: this pack is always checked in full
    try:
        ensure_private_dir(path.parent, "cache folder")
        write_atomic(path, data, durable=False)
    except StoreError:
        return
