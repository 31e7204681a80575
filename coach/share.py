"""Sharing with a coach: copies of a leader's sessions in a folder the coach reads.

The folder can be a shared drive, a synced folder or a git work tree. Each copy is written
whole and atomically under the session's own file name, so sharing again replaces it and a
reader never sees half of one; nothing in the folder is edited in place. A copy has no engine
snapshot, so it can be read and reviewed but never resumed; `--summary-only` leaves out every
answer the leader typed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coach.store import SessionStore, StoreError
from coach.transcript import parse


@dataclass(frozen=True, slots=True)
class Shared:
    """What one `coach share` did."""

    written: list[Path]
    skipped: list[StoreError]


def share(
    store: SessionStore, refs: Iterable[str], to: Path, at: str, summary_only: bool
) -> Shared:
    """Copy sessions (ids, prefixes or paths) into the folder `to`.

    Raises:
        StoreError: a named session cannot be read, or the folder cannot be written.
    """
    target = SessionStore(to)
    if target.root.resolve() == store.root.resolve():
        raise StoreError(to, "this is the sessions folder itself; share into another folder")
    written = []
    for ref in refs:
        path = store.resolve(ref)
        transcript = parse(store.load(path), path)
        written.append(target.save(transcript.shared_copy(at, summary_only).to_doc()))
    return Shared(written, [])


def share_all(store: SessionStore, to: Path, at: str, summary_only: bool) -> Shared:
    """Every readable session; the unreadable ones are skipped and named."""
    listing = store.list()
    done = share(store, [s.id for s in listing.sessions], to, at, summary_only)
    return Shared(done.written, list(listing.problems))
