"""A coach's notes on a session: beside the transcript, never inside it.

`<id>.notes.yaml` holds a list of notes, each on the whole session or on one turn, with its
author and time. The leader's file is never touched, so a note can never change what the leader
said; notes are shown in `coach show --notes` and only there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coach.store import StoreError, write_atomic, yamlio
from coach.store.store import BRIEF_WAIT, SessionBusy, SessionLock, load_file
from coach.transcript import FieldReader

SCHEMA = 1
_MAX_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class Note:
    at: str
    author: str
    text: str
    turn: int | None = None


def notes_path(session_file: Path) -> Path:
    return session_file.with_name(f"{session_file.stem}.notes.yaml")


def read(session_file: Path) -> list[Note]:
    """The notes on a session, oldest first; none when there is no notes file.

    Raises:
        StoreError: the notes file cannot be read or has a field of the wrong type.
    """
    path = notes_path(session_file)
    if not path.exists() and not path.is_symlink():
        return []
    if path.is_symlink() or not path.is_file():
        raise StoreError(path, "the notes file is not a plain file")
    if path.stat().st_size > _MAX_BYTES:
        raise StoreError(path, f"the notes file is larger than {_MAX_BYTES // 1000:,} kB")
    doc = _load(path)
    r = FieldReader(path, None)
    notes = []
    for i, raw in enumerate(r.list(doc.get("notes"), ("notes",))):
        m = r.mapping(raw, ("notes", i), optional=False)
        notes.append(
            Note(
                at=r.text(m.get("at"), ("notes", i, "at")),
                author=r.text(m.get("author"), ("notes", i, "author")),
                text=r.text(m.get("text"), ("notes", i, "text")),
                turn=r.whole(m.get("turn"), ("notes", i, "turn"), None),
            )
        )
    return notes


def _load(path: Path) -> dict[str, Any]:
    try:
        doc = load_file(path)  # the same checks as a session file: UTF-8, YAML, a mapping
    except StoreError as exc:
        if "schema" not in exc.message and "'id'" not in exc.message:
            raise
        raise StoreError(path, "this is not a notes file (no 'schema' and 'id')") from None
    return doc


def add(session_file: Path, session_id: str, note: Note) -> Path:
    """Append a note, under a lock of its own (two coaches may note at once), atomically.

    Raises:
        StoreError: the notes file cannot be read or written.
    """
    path = notes_path(session_file)
    try:  # .<id>.notes.lock: not the session's own lock, and only ever held for a moment
        lock = SessionLock(path, path.stem, wait=BRIEF_WAIT)
    except SessionBusy as exc:
        which = f" (process {exc.pid})" if exc.pid else ""
        raise StoreError(
            path,
            f"another coach process{which} has been writing the notes of session {session_id}"
            f" for over {BRIEF_WAIT:g} s; try again once it is done",
        ) from None
    with lock:
        notes = read(session_file)
        notes.append(note)
        doc = {
            "schema": SCHEMA,
            "id": session_id,
            "notes": [
                {k: v for k, v in
                 (("at", n.at), ("author", n.author), ("turn", n.turn), ("text", n.text))
                 if v is not None}
                for n in notes
            ],
        }  # fmt: skip
        write_atomic(path, yamlio.dump(doc).encode("utf-8"))
    return path


def default_author() -> str:
    """Who is writing: `COACH_AUTHOR`, else the login name."""
    import getpass

    return os.environ.get("COACH_AUTHOR") or getpass.getuser()
