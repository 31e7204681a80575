"""A derived SQLite index beside an archive of session files: full-text search over every answer
(FTS5), and tables of sessions, ratings and action items.

The YAML files stay the only source of truth. The index is brought up to date by file name,
size, mtime and inode: only files that changed since are read, and a file being replaced at that
moment is read whole or not at all (saves are atomic renames). A damaged, foreign or outdated
index is deleted and built again; it is never a reason to fail.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from coach.store.errors import StoreError
from coach.store.store import NOTES_SUFFIX, load_file
from coach.transcript import parse

INDEX_FILE = ".index.sqlite"
"""The index inside the folder it indexes; deleting it only costs one rebuild."""

_VERSION = 1
_SCHEMA = """
CREATE TABLE files (name TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, ino INTEGER,
                    session TEXT, problem TEXT);
CREATE TABLE sessions (id TEXT PRIMARY KEY, file TEXT, participant TEXT, pack TEXT,
                       status TEXT, started_at TEXT, updated_at TEXT, loyalty_trait TEXT);
CREATE TABLE ratings (session TEXT, trait TEXT, value INTEGER);
CREATE TABLE actions (session TEXT, item TEXT, due TEXT, status TEXT, kind TEXT, trait TEXT,
                      text TEXT);
CREATE VIRTUAL TABLE answers USING fts5(text, session UNINDEXED, n UNINDEXED,
                                        tokenize = 'unicode61 remove_diacritics 2');
CREATE INDEX ratings_session ON ratings(session);
CREATE INDEX actions_session ON actions(session);
"""
_TABLES = ("ratings", "actions", "answers", "sessions")

Progress = Callable[[int, int], None]


@dataclass(frozen=True, slots=True)
class Match:
    """One answer that matches a search, with the match marked by `\\x02`/`\\x03`."""

    session: str
    turn: int
    snippet: str

    def spans(self) -> list[tuple[int, int]]:
        """Where the marked words are in `text`, for highlighting."""
        spans, at, start = [], 0, None
        for ch in self.snippet:
            if ch == "\x02":
                start = at
            elif ch == "\x03" and start is not None:
                spans.append((start, at))
                start = None
            else:
                at += 1
        return spans

    @property
    def text(self) -> str:
        return self.snippet.replace("\x02", "").replace("\x03", "")


class Index:
    """The index of one folder of session files."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.path = self.folder / INDEX_FILE
        self._db: sqlite3.Connection | None = None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- keeping it up to date ---------------------------------------------------------

    def refresh(self, progress: Progress | None = None) -> int:
        """Read what changed since the last refresh; returns how many files were read.

        Args:
            progress: Called as `progress(done, total)` while changed files are read, for a
                progress bar when many changed.
        """
        db = self._open()
        files = _scan(self.folder)
        known = {row[0]: tuple(row[1:]) for row in db.execute(
            "SELECT name, mtime_ns, size, ino FROM files")}  # fmt: skip
        gone = [name for name in known if name not in files]
        changed = [name for name, stamp in files.items() if known.get(name) != stamp]
        with db:
            for name in gone:
                self._forget(db, name)
            for done, name in enumerate(changed, start=1):
                self._forget(db, name)
                self._add(db, name, files[name])
                if progress is not None:
                    progress(done, len(changed))
        return len(changed)

    def _add(self, db: sqlite3.Connection, name: str, stamp: tuple[int, int, int]) -> None:
        path = self.folder / name
        try:
            t = parse(load_file(path), path)
            if t.id != path.stem:
                raise StoreError(path, f"the file holds session {t.id} but is named {name}")
        except StoreError as exc:
            db.execute("INSERT INTO files VALUES (?, ?, ?, ?, NULL, ?)", (name, *stamp, str(exc)))
            return
        db.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?, NULL)", (name, *stamp, t.id))
        db.execute(
            "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (t.id, name, t.participant, t.pack.id, t.status, t.started_at, t.updated_at,
             t.loyalty.trait),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO ratings VALUES (?, ?, ?)", [(t.id, k, v) for k, v in t.ratings.items()]
        )
        db.executemany(
            "INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(t.id, i.id, i.due, i.status, i.kind, i.trait, i.text) for i in t.action_items],
        )
        db.executemany(
            "INSERT INTO answers (text, session, n) VALUES (?, ?, ?)",
            [(turn.text, t.id, turn.n) for turn in t.turns
             if turn.role == "leader" and turn.text.strip()],
        )  # fmt: skip

    @staticmethod
    def _forget(db: sqlite3.Connection, name: str) -> None:
        row = db.execute("SELECT session FROM files WHERE name = ?", (name,)).fetchone()
        db.execute("DELETE FROM files WHERE name = ?", (name,))
        if row and row[0]:
            for table in _TABLES:
                column = "id" if table == "sessions" else "session"
                db.execute(f"DELETE FROM {table} WHERE {column} = ?", (row[0],))

    # -- asking ------------------------------------------------------------------------

    def search(self, text: str, limit: int = 1000) -> list[Match]:
        """Answers holding every word of `text` (any case, accents ignored), best first."""
        words = [w for w in text.split() if w]
        if not words:
            return []
        query = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        db = self._open()
        rows = db.execute(
            "SELECT session, n, snippet(answers, 0, char(2), char(3), '…', 24) FROM answers "
            "WHERE answers MATCH ? ORDER BY rank LIMIT ?",
            (query, limit),
        )
        return [Match(str(s), int(n), str(snip)) for s, n, snip in rows]

    def problems(self) -> list[tuple[str, str]]:
        """Files that could not be indexed, with the reason (one sentence each)."""
        db = self._open()
        rows = db.execute("SELECT name, problem FROM files WHERE problem IS NOT NULL")
        return [(str(name), str(problem)) for name, problem in rows]

    # -- the database itself -------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        for attempt in range(2):
            try:
                db = self._connect()
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version == _VERSION:
                    db.execute("SELECT count(*) FROM files, answers LIMIT 1").fetchone()
                    self._db = db
                    return db
                if version == 0 and not db.execute("SELECT 1 FROM sqlite_master").fetchone():
                    with db:
                        db.executescript(_SCHEMA)
                        db.execute(f"PRAGMA user_version = {_VERSION}")
                    self._db = db
                    return db
                db.close()
            except sqlite3.DatabaseError:
                pass
            if attempt == 0:  # damaged, foreign or outdated: start over
                self._remove()
        # The folder cannot hold an index (read-only, or the file keeps failing): one in
        # memory still answers, it only has to be built again next time.
        db = sqlite3.connect(":memory:")
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version = {_VERSION}")
        self._db = db
        return db

    def _connect(self) -> sqlite3.Connection:
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
            raise sqlite3.DatabaseError("not a plain file")
        if not os.access(self.folder, os.W_OK):
            raise sqlite3.DatabaseError("the folder is read-only")
        db = sqlite3.connect(self.path, timeout=5)
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)
        return db

    def _remove(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                target = Path(f"{self.path}{suffix}")
                if target.is_symlink() or target.is_file():
                    target.unlink()


def _scan(folder: Path) -> dict[str, tuple[int, int, int]]:
    """Session file name → (mtime_ns, size, inode), without reading any."""
    found: dict[str, tuple[int, int, int]] = {}
    with contextlib.suppress(FileNotFoundError), os.scandir(folder) as entries:
        for entry in _entries(entries):
            name = entry.name
            if name.startswith(".") or not name.endswith(".yaml") or name.endswith(NOTES_SUFFIX):
                continue
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode):
                found[name] = (info.st_mtime_ns, info.st_size, info.st_ino)
    return found


def _entries(entries: Iterator[os.DirEntry[str]]) -> Iterator[os.DirEntry[str]]:
    yield from entries
