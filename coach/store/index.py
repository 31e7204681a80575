"""A derived SQLite index beside an archive of session files: full-text search over every answer
(FTS5), and tables of sessions, ratings and action items, which `coach.archive` lists, filters
and follows without reading the files.

The YAML files stay the only source of truth. The index is brought up to date by file name,
size, mtime and inode: only files that changed since are read, and a file being replaced at that
moment is read whole or not at all (saves are atomic renames). The store also updates one
session's rows at every save (`Index.update`). A damaged, foreign or outdated index is deleted
and built again; it is never a reason to fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from coach.store.errors import StoreError
from coach.store.plainfile import Refused, open_plain
from coach.store.scan import stat_sessions
from coach.store.store import (
    BODY_KEYS,
    MAX_SESSION_BYTES,
    journal_path,
    load_file,
    read_header,
)
from coach.transcript import SCHEMA, Transcript, listing_fields, parse

INDEX_FILE = ".index.sqlite"
"""The index inside the folder it indexes; deleting it only costs one rebuild."""

_VERSION = 4
# Indexes added since version 4 came out: an index without them gets them when opened (a
# tenth of a second over ten thousand sessions, once), instead of being built again. Without
# them the newest sessions and the packs are still found, by reading every session's row.
_LOOKUPS = {
    "sessions_started": "sessions(julianday(started_at) DESC, id DESC)",
    "sessions_pack": "sessions(pack)",
}
_SPAN = 1 << 20  # a session's answers have the FTS5 rowids key * _SPAN + 0, 1, 2, ...
_SCHEMA = """
CREATE TABLE files (name TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER, ino INTEGER,
                    session TEXT, problem TEXT, line INTEGER, col INTEGER, body_problem TEXT);
CREATE TABLE sessions (id TEXT PRIMARY KEY, file TEXT, participant TEXT, pack TEXT,
                       status TEXT, started_at TEXT, updated_at TEXT, loyalty_trait TEXT,
                       summary TEXT, facts TEXT, header TEXT, key INTEGER);
CREATE TABLE ratings (session TEXT, trait TEXT, value INTEGER);
CREATE TABLE actions (session TEXT, item TEXT, due TEXT, status TEXT, kind TEXT, trait TEXT,
                      text TEXT);
CREATE VIRTUAL TABLE answers USING fts5(text, session UNINDEXED, n UNINDEXED,
                                        tokenize = 'unicode61 remove_diacritics 2');
CREATE INDEX ratings_session ON ratings(session);
CREATE INDEX actions_session ON actions(session);
CREATE INDEX files_session ON files(session);
CREATE INDEX sessions_key ON sessions(key);
""" + "\n".join(f"CREATE INDEX IF NOT EXISTS {name} ON {on};" for name, on in _LOOKUPS.items())
_BATCH = 200  # files read and written per transaction by a refresh
_BATCH_CACHE = -16384  # KiB: a batch (2-3 MB of pages) fits, so the write does not lock readers
# out early; more only adds to a cold build's peak RSS (64 MB made `coach review` peak at 207 MB)

Progress = Callable[[int, int], None]
Stamp = tuple[int, int, int]  # mtime_ns, size, inode
StampedName = tuple[str, int, int, int]  # name, mtime_ns, size, inode


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


@dataclass(frozen=True, slots=True)
class Facts:
    """What a listing row, a filter and the needs-attention view need of one session, kept in
    the index so that none of them parses a header: each trait in the pack's order with its
    title and rating, the loyalty trait's title, the action items' due day, status and text,
    and whether the file is a shared copy (and only a summary)."""

    ratings: tuple[tuple[str, str, int | None], ...]
    loyalty_title: str
    items: tuple[tuple[str, str, str], ...]  # (due or "", status, text)
    shared: bool
    summary_only: bool

    @classmethod
    def of(cls, t: Transcript) -> Facts:
        order = list(t.traits) + [r for r in t.ratings if r not in t.traits]
        return cls(
            ratings=tuple((r, t.trait_title(r), t.ratings.get(r)) for r in order),
            loyalty_title=t.loyalty_title,
            items=tuple((i.due or "", i.status, i.text) for i in t.action_items),
            shared=t.shared is not None,
            summary_only=t.shared is not None and t.shared.summary_only,
        )

    def to_json(self) -> str:
        return json.dumps(
            [self.ratings, self.loyalty_title, self.items, self.shared, self.summary_only],
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Facts:
        """The facts `to_json` wrote: this index's own JSON, whose types it checked when it
        wrote them (a foreign or older index is rebuilt before it is read), so the lists are
        only turned back into tuples."""
        ratings, title, items, shared, summary_only = json.loads(text)
        return cls(
            tuple(map(tuple, ratings)), title, tuple(map(tuple, items)), shared, summary_only
        )


@dataclass(frozen=True, slots=True)
class IndexedSession:
    """One session as the index holds it: its file and stamp, its listing fields (the values
    of `SessionSummary` but the path, in order) and its facts, as the JSON the index keeps
    (`facts` decodes it: decoding ten thousand is a third of listing them, and a first screen
    needs a screenful). Its header is asked for apart (`Index.header`), when something needs
    it: ten thousand of them are most of the index."""

    file: str
    stamp: Stamp
    summary: list[Any]
    facts_json: str
    body_problem: str | None  # the turns cannot be read (the header can)

    @property
    def facts(self) -> Facts:
        return Facts.from_json(self.facts_json)


@dataclass(frozen=True, slots=True)
class Problem:
    """A file in the folder that could not be indexed, with the store's sentence for it."""

    file: str
    message: str
    line: int | None
    col: int | None


class Index:
    """The index of one folder of session files. Safe to share between threads (one
    connection behind a lock): the review app refreshes in one worker and searches in
    another. Another process writing the index is waited for (`timeout`), never taken for
    damage: `sqlite3.OperationalError` says it is still busy after that."""

    def __init__(self, folder: str | os.PathLike[str], timeout: float = 30.0) -> None:
        """Work on `folder`'s index; nothing is opened yet.

        Args:
            folder: The session folder.
            timeout: How long to wait for another process's write to the index (the store
                waits less: its update may be skipped, a save may not be held up).
        """
        self.folder = Path(folder)
        self.timeout = timeout
        self.path = self.folder / INDEX_FILE
        self._db: sqlite3.Connection | None = None
        self._lock = threading.RLock()

    def close(self) -> None:
        with self._lock:
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

        The folder is compared with the index in one pass: a stat of each entry (through
        the folder's descriptor), one query of every stamp the index holds, a set
        difference. Only when that finds something does the refresh write, under SQLite's
        write lock taken before anything is read (`BEGIN IMMEDIATE`), so a second process
        refreshing the same folder waits for it (`timeout`) instead of failing on a read
        lock it could not upgrade, and then finds those files done.

        Args:
            progress: Called as `progress(done, total)` while changed files are read, for a
                progress bar when many changed.
        """
        with self._lock:
            db = self._open()
            files = _scan(self.folder)
            known = set(db.execute("SELECT name, mtime_ns, size, ino FROM files").fetchall())
            # Both differences probe with the hashes the sets hold: no tuple is hashed again.
            changed = sorted(files.difference(known))  # new or changed: read each
            stale = known.difference(files)  # changed or gone: forget each
            if not changed and not stale:
                return 0
            gone = sorted({row[0] for row in stale}.difference(row[0] for row in changed))
            if not changed:
                with db:
                    db.execute("BEGIN IMMEDIATE")
                    _forget(db, gone)
                return 0
            # Committed a batch at a time, so a save in another process waits for one
            # batch at most, never for a whole cold build; with a cache large enough for a
            # batch, readers in other processes read on until it commits (a spilled cache
            # would lock them out for the rest of the batch).
            db.execute(f"PRAGMA cache_size = {_BATCH_CACHE}")
            read = 0
            try:
                for start in range(0, len(changed), _BATCH):
                    with db:
                        db.execute("BEGIN IMMEDIATE")
                        # What another process indexed while this one waited for the lock
                        # (two reviews opened at once) is not read a second time.
                        part = changed[start : start + _BATCH]
                        batch = _still_changed(db, part)
                        _forget(db, [*gone, *(name for name, _, _, _ in batch)])
                        gone = []
                        key = _next_key(db)
                        done = start + len(part) - len(batch)
                        for name, mtime_ns, size, ino in batch:
                            key += self._add(db, name, (mtime_ns, size, ino), key)
                            read, done = read + 1, done + 1
                            if progress is not None:
                                progress(done, len(changed))
            finally:  # back to SQLite's default: a reader needs no more
                db.execute("PRAGMA cache_size = -2000")
            return read

    def update(self, name: str, doc: Mapping[str, Any] | None = None) -> None:
        """Bring one file's rows up to date now, in one transaction: the store calls this
        after it writes a session, with the data it wrote, so the next search or review
        finds nothing stale and nothing is read back.

        Args:
            name: The file's name in the folder.
            doc: What the file now holds, if the caller knows; else the file is read.
        """
        with self._lock:
            db = self._open()
            stamp = _stat(self.folder / name)
            with db:
                db.execute("BEGIN IMMEDIATE")
                _forget(db, [name])
                if stamp is not None:
                    self._add(db, name, stamp, _next_key(db), doc)

    def _add(
        self,
        db: sqlite3.Connection,
        name: str,
        stamp: Stamp,
        key: int,
        given: Mapping[str, Any] | None = None,
    ) -> int:
        """Index the file `name` (or `given`, what it holds) under `key`; returns how many
        keys it took (none for a file listed as a problem)."""
        path = self.folder / name
        body_problem = None
        try:
            if given is not None:
                doc = dict(given)
            else:
                doc, stamp = _read(path, stamp)
            t = parse(doc, path)
        except StoreError as exc:
            # The turns may be what is wrong: a header that reads still lists the session.
            try:
                doc = read_header(path)
                t = parse(doc, path)
            except StoreError:
                self._problem(db, name, stamp, exc)
                return 0
            body_problem = exc.message
        if t.id != path.stem:
            self._problem(db, name, stamp, StoreError(
                path, f"the file holds session {t.id} but is named {name}; "
                f"rename it to {t.id}.yaml"))  # fmt: skip
            return 0
        header = {k: v for k, v in doc.items() if k not in BODY_KEYS}
        try:
            header_json: str | None = json.dumps(header, ensure_ascii=False)
        except (TypeError, ValueError):  # a hand-written date, say: read from the file
            header_json = None
        summary = listing_fields(header)
        db.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?)",
            (name, *stamp, t.id, body_problem),
        )
        db.execute(
            "INSERT OR REPLACE INTO sessions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (t.id, name, t.participant, t.pack.id, t.status, t.started_at, t.updated_at,
             t.loyalty.trait, json.dumps(list(summary.values()), ensure_ascii=False),
             Facts.of(t).to_json(), header_json, key),
        )  # fmt: skip
        db.executemany(
            "INSERT INTO ratings VALUES (?, ?, ?)", [(t.id, k, v) for k, v in t.ratings.items()]
        )
        db.executemany(
            "INSERT INTO actions VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(t.id, i.id, i.due, i.status, i.kind, i.trait, i.text) for i in t.action_items],
        )
        if body_problem is None:
            answers = [turn for turn in t.turns if turn.role == "leader" and turn.text.strip()]
            db.executemany(
                "INSERT INTO answers (rowid, text, session, n) VALUES (?, ?, ?, ?)",
                [(key * _SPAN + i, turn.text, t.id, turn.n)
                 for i, turn in enumerate(answers[:_SPAN])],
            )  # fmt: skip
        return 1

    @staticmethod
    def _problem(db: sqlite3.Connection, name: str, stamp: Stamp, exc: StoreError) -> None:
        db.execute(
            "INSERT INTO files VALUES (?, ?, ?, ?, NULL, ?, ?, ?, NULL)",
            (name, *stamp, exc.message, exc.line, exc.col),
        )

    # -- asking ------------------------------------------------------------------------

    def sessions(self) -> list[IndexedSession]:
        """Every session the index holds, in no particular order."""
        return self._sessions("")

    def sessions_with_ids(self, ids: Iterable[str]) -> list[IndexedSession]:
        """The sessions of these ids, in no particular order (a search's, say: only those
        are decoded, not every session of the folder)."""
        wanted = sorted(set(ids))
        found: list[IndexedSession] = []
        for at in range(0, len(wanted), 500):  # within SQLite's limit on parameters
            chunk = wanted[at : at + 500]
            found += self._sessions(f" AND s.id IN ({','.join('?' * len(chunk))})", *chunk)
        return found

    def session(self, name: str) -> IndexedSession | None:
        """The session in the file `name`, or None when the index holds none there."""
        found = self._sessions(" AND f.name = ?", name)
        return found[0] if found else None

    def newest(self, count: int) -> list[IndexedSession]:
        """The `count` sessions that started last (by the instant, whatever the time zone
        each was written in; then by id, the later first), as the index holds them now,
        without a refresh: what a first screen shows while the rest is brought up to date.
        A start time SQLite cannot read sorts last, as in `coach.archive`; the order of the
        rows returned is the caller's to make."""
        with self._lock:
            rows = (
                self._open()
                .execute(
                    "SELECT f.name, f.mtime_ns, f.size, f.ino, s.summary, s.facts, "
                    "f.body_problem FROM (SELECT id, file, summary, facts FROM sessions "
                    "ORDER BY julianday(started_at) DESC, id DESC LIMIT ?) s "
                    "JOIN files f ON f.name = s.file AND f.session = s.id",
                    (count,),
                )
                .fetchall()
            )
        return self._rows(rows)

    def packs(self) -> list[str]:
        """The ids of the packs the indexed sessions ran, sorted (none for a blank id)."""
        with self._lock:
            rows = (
                self._open()
                .execute("SELECT DISTINCT pack FROM sessions WHERE pack != '' ORDER BY pack")
                .fetchall()
            )
        return [str(pack) for (pack,) in rows if pack is not None]

    def _sessions(self, where: str, *args: str | int) -> list[IndexedSession]:
        with self._lock:
            rows = (
                self._open()
                .execute(
                    "SELECT f.name, f.mtime_ns, f.size, f.ino, s.summary, s.facts, "
                    "f.body_problem FROM files f JOIN sessions s ON s.id = f.session "
                    "WHERE s.file = f.name" + where,
                    args,
                )
                .fetchall()
            )
        return self._rows(rows)

    @staticmethod
    def _rows(rows: list[Any]) -> list[IndexedSession]:
        loads = json.loads
        return [
            IndexedSession(name, (m, size, ino), loads(summary), facts, body)
            for name, m, size, ino, summary, facts, body in rows
        ]

    def header(self, name: str, stamp: Stamp) -> dict[str, Any] | None:
        """The header of the file `name` as the index holds it for this stamp (plain data, as
        `read_header` gives it), or None: the index holds another version of the file, or a
        header JSON could not keep (the caller reads the file then)."""
        with self._lock:
            row = (
                self._open()
                .execute(
                    "SELECT s.header FROM files f JOIN sessions s ON s.id = f.session "
                    "WHERE f.name = ? AND f.mtime_ns = ? AND f.size = ? AND f.ino = ?",
                    (name, *stamp),
                )
                .fetchone()
            )
        if row is None or row[0] is None:
            return None
        found = json.loads(row[0])
        return found if isinstance(found, dict) else None

    def search(self, text: str, limit: int = 1000) -> list[Match]:
        """Answers holding every word of `text` (any case, accents ignored), best first."""
        words = [w for w in text.split() if w]
        if not words:
            return []
        query = " ".join('"' + w.replace('"', '""') + '"' for w in words)
        with self._lock:
            rows = (
                self._open()
                .execute(
                    "SELECT session, n, snippet(answers, 0, char(2), char(3), '…', 24) "
                    "FROM answers WHERE answers MATCH ? ORDER BY rank LIMIT ?",
                    (query, limit),
                )
                .fetchall()
            )
        return [Match(str(s), int(n), str(snip)) for s, n, snip in rows]

    def answers(self, prefixes: Iterable[str] = ()) -> Iterator[tuple[str, int, str]]:
        """(session, turn, text) of every answer holding a word that starts with each of
        `prefixes` (any case, accents ignored); every answer when there are none. The caller
        checks the exact terms: this only narrows."""
        words = [w for w in prefixes if w]
        with self._lock:
            db = self._open()
            if words:
                query = " ".join('"' + w.replace('"', '""') + '"*' for w in words)
                rows = db.execute(
                    "SELECT session, n, text FROM answers WHERE answers MATCH ?", (query,)
                ).fetchall()
            else:
                rows = db.execute("SELECT session, n, text FROM answers").fetchall()
        for session, n, answer in rows:
            yield str(session), int(n), str(answer)

    def problems(self) -> list[tuple[str, str]]:
        """Files that could not be indexed, with the reason (one sentence each)."""
        return [(p.file, p.message) for p in self.problem_list()]

    def body_problems(self) -> list[tuple[str, str]]:
        """Files whose header reads and whose turns do not (so their answers are not
        searched), with the reason."""
        with self._lock:
            rows = (
                self._open()
                .execute("SELECT name, body_problem FROM files WHERE body_problem IS NOT NULL")
                .fetchall()
            )
        return [(str(name), str(why)) for name, why in rows]

    def problem_list(self) -> list[Problem]:
        """Files that could not be indexed, with the store's sentence and its place."""
        with self._lock:
            rows = (
                self._open()
                .execute("SELECT name, problem, line, col FROM files WHERE problem IS NOT NULL")
                .fetchall()
            )
        return [Problem(str(n), str(p), line, col) for n, p, line, col in rows]

    # -- the database itself -------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        if self._db is not None:
            return self._db
        for attempt in range(2):
            try:
                db = self._connect()
                version = db.execute("PRAGMA user_version").fetchone()[0]
                if version == 0 and not db.execute("SELECT 1 FROM sqlite_master").fetchone():
                    _create(db)
                    version = db.execute("PRAGMA user_version").fetchone()[0]
                if version == _VERSION:
                    for table in ("files", "sessions", "answers"):
                        db.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone()
                    _add_lookups(db)
                    self._db = db
                    return db
                db.close()
            except sqlite3.OperationalError as exc:
                if _busy(exc):  # another process is writing it: busy, not damaged
                    raise
            except sqlite3.DatabaseError:
                pass
            if attempt == 0:  # damaged, foreign or outdated: start over
                self._remove()
        # The folder cannot hold an index (read-only, or the file keeps failing): one in
        # memory still answers, it only has to be built again next time.
        db = sqlite3.connect(":memory:", check_same_thread=False)
        db.executescript(_SCHEMA)
        db.execute(f"PRAGMA user_version = {_VERSION}")
        self._db = db
        return db

    def _connect(self) -> sqlite3.Connection:
        if self.path.is_symlink() or (self.path.exists() and not self.path.is_file()):
            raise sqlite3.DatabaseError("not a plain file")
        if not os.access(self.folder, os.W_OK):
            raise sqlite3.DatabaseError("the folder is read-only")
        db = sqlite3.connect(self.path, timeout=self.timeout, check_same_thread=False)
        # Derived data: a power cut costs a rebuild at worst, so no fsync per transaction.
        db.execute("PRAGMA synchronous = OFF")
        with contextlib.suppress(OSError):
            os.chmod(self.path, 0o600)
        return db

    def _remove(self) -> None:
        for suffix in ("", "-journal", "-wal", "-shm"):
            with contextlib.suppress(OSError):
                target = Path(f"{self.path}{suffix}")
                if target.is_symlink() or target.is_file():
                    target.unlink()


def _create(db: sqlite3.Connection) -> None:
    """Make the tables of an empty index in one transaction, under the write lock: a second
    process opening the same new index at that moment waits, then finds them made (a schema
    half made, as `executescript` commits it statement by statement, looked foreign to it,
    and it deleted the index under the first process, which then built one nobody read)."""
    with db:
        db.execute("BEGIN IMMEDIATE")
        if db.execute("PRAGMA user_version").fetchone()[0] != 0:
            return
        if db.execute("SELECT 1 FROM sqlite_master").fetchone():
            return
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA user_version = {_VERSION}")


def _add_lookups(db: sqlite3.Connection) -> None:
    """Add the indexes an index of version 4 made before them lacks; one that cannot be
    added now (another process is writing, the file is read-only) is tried at the next open."""
    have = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for name, on in _LOOKUPS.items():
        if name not in have:
            try:
                with db:
                    db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {on}")
            except sqlite3.OperationalError:
                return


def _busy(exc: sqlite3.OperationalError) -> bool:
    """Whether SQLite said another connection holds the database (locked or busy)."""
    words = str(exc).casefold()
    return "locked" in words or "busy" in words


def _next_key(db: sqlite3.Connection) -> int:
    """The key after every session's: a session's answers have the FTS5 rowids from
    key * _SPAN, so forgetting them is a range delete, not a scan of every answer in the
    archive (at every save). Asked once per transaction (`sessions_key` makes it a lookup)."""
    return int(db.execute("SELECT coalesce(max(key), 0) + 1 FROM sessions").fetchone()[0])


def _still_changed(db: sqlite3.Connection, batch: list[StampedName]) -> list[StampedName]:
    """The files of `batch` whose stamp the index does not hold now."""
    held = set(
        db.execute(
            "SELECT name, mtime_ns, size, ino FROM files "
            f"WHERE name IN ({', '.join('?' * len(batch))})",
            [name for name, _, _, _ in batch],
        )
    )
    return [row for row in batch if row not in held]


def _forget(db: sqlite3.Connection, names: list[str]) -> None:
    """Delete the rows of the files `names`: one prepared statement per table."""
    if not names:
        return
    held: list[tuple[str, int | None]] = []
    for start in range(0, len(names), _BATCH):  # a bound on the query's parameters
        part = names[start : start + _BATCH]
        held += db.execute(
            "SELECT f.session, s.key FROM files f LEFT JOIN sessions s ON s.id = f.session "
            f"WHERE f.name IN ({', '.join('?' * len(part))}) AND f.session IS NOT NULL",
            part,
        ).fetchall()
    # A session's id is its file's name: no other file holds it.
    db.executemany(
        "DELETE FROM answers WHERE rowid >= ? AND rowid < ?",
        [(key * _SPAN, (key + 1) * _SPAN) for _, key in held if key is not None],
    )
    sessions = [(session,) for session, _ in held]
    db.executemany("DELETE FROM ratings WHERE session = ?", sessions)
    db.executemany("DELETE FROM actions WHERE session = ?", sessions)
    db.executemany("DELETE FROM sessions WHERE id = ?", sessions)
    db.executemany("DELETE FROM files WHERE name = ?", [(name,) for name in names])


def _read(path: Path, stamp: Stamp) -> tuple[dict[str, Any], Stamp]:
    """The session in `path` as `load_file` reads it, and the stamp of what was read.

    A plain session file without a journal is read once, through its descriptor (so the
    stamp is the `fstat` of the very file read: one replaced since the scan is indexed as
    it now is, never the new text under the old stamp), and parsed by `_quick_load`; what
    that declines (anything unusual, any error) is read by `load_file`, which gives the
    store's own data or sentence, under the scan's stamp (older than or as old as what it
    reads, so a file replaced meanwhile is read again next time, never missed)."""
    try:
        fd, opened = open_plain(path, follow_links=False)
    except (OSError, Refused):
        return load_file(path), stamp
    try:
        # One read of the size `fstat` gave, and one byte more: a file that grew or shrank
        # meanwhile is left to `load_file` (a chunked read would cost a 1 MB buffer here).
        data = None
        if opened.st_size <= MAX_SESSION_BYTES:
            data = os.read(fd, opened.st_size + 1)
    except OSError:
        data = None
    finally:
        os.close(fd)
    if data is not None and len(data) != opened.st_size:
        data = None
    doc = None if data is None else _quick_load(data)
    if doc is None or os.path.lexists(journal_path(path)):
        return load_file(path), stamp
    return doc, (opened.st_mtime_ns, opened.st_size, opened.st_ino)


def _quick_load(data: bytes) -> dict[str, Any] | None:
    """A session file's bytes as `yamlio.load` reads them, in about half the time, or None
    when this cannot say for sure (not UTF-8, not libyaml, an alias, an error, not a
    session of a schema this coach reads): the caller then asks `load_file`."""
    loader = _quick_loader()
    if loader is None:
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "*" in text:  # maybe an alias: `yamlio` refuses those, node by node
        return None
    import yaml

    try:
        doc = yaml.load(text, Loader=loader)
    except (yaml.YAMLError, RecursionError, ValueError, TypeError, OverflowError):
        return None
    if not isinstance(doc, dict):
        return None
    schema, session_id = doc.get("schema"), doc.get("id")
    if type(schema) is not int or not 1 <= schema <= SCHEMA:
        return None
    if not isinstance(session_id, str) or not session_id:
        return None
    return doc


_RESOLVED_KEPT = 8192  # plain scalars whose tag `_quick_loader` remembers (keys, names, ...)


@lru_cache(maxsize=1)
def _quick_loader() -> type[Any] | None:
    """libyaml's safe loader with PyYAML's own Python steps made cheap, or None without
    libyaml. Two of those steps are most of a load: every node's tag resolved by regexes
    (remembered here, per plain text: the same keys and words recur in every file) and every
    node built through the generic constructor (here a plain map, list or string is built
    directly; any other scalar goes to PyYAML's constructor for its tag; a map with a
    non-string key, a merge key or a tag of its own, or anything else, makes the whole
    document go through PyYAML's constructor as usual). What it gives equals what
    `yamlio.load` gives (tests/test_index.py checks odd documents)."""
    import yaml
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode
    from yaml.resolver import Resolver

    base: type[Any] | None = getattr(yaml, "CSafeLoader", None)
    if base is None:
        return None
    str_tag, map_tag, seq_tag = (f"tag:yaml.org,2002:{t}" for t in ("str", "map", "seq"))
    resolve: Callable[..., str] = Resolver.resolve
    construct: Callable[..., Any] = base.construct_object
    resolved: dict[str, str] = {}

    class _Unusual(Exception):
        """Something the direct build does not do: PyYAML's constructor does it."""

    class QuickLoader(base):  # type: ignore[misc,valid-type]
        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode:
                if not implicit[0]:  # quoted or a block: a string, as in Resolver.resolve
                    return str_tag
                tag = resolved.get(value)
                if tag is None:
                    tag = resolve(self, kind, value, implicit)
                    if len(resolved) < _RESOLVED_KEPT:
                        resolved[value] = tag
                return tag
            return resolve(self, kind, value, implicit)

        def descend_resolver(self, *args: Any) -> None:  # no path resolvers: nothing to do
            return None

        def ascend_resolver(self, *args: Any) -> None:
            return None

        def construct_document(self, node: Any) -> Any:
            try:
                data = self._build(node)
            except _Unusual:
                return super().construct_document(node)
            self.constructed_objects: dict[Any, Any] = {}
            return data

        def _build(self, node: Any) -> Any:
            kind = node.__class__
            if kind is ScalarNode:
                return node.value if node.tag == str_tag else construct(self, node)
            build = self._build
            if kind is MappingNode and node.tag == map_tag:
                built = {}
                for key, value in node.value:
                    if key.__class__ is not ScalarNode or key.tag != str_tag:
                        raise _Unusual
                    built[key.value] = build(value)
                return built
            if kind is SequenceNode and node.tag == seq_tag:
                return [build(item) for item in node.value]
            raise _Unusual

    return QuickLoader


def _stat(path: Path) -> Stamp | None:
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def _scan(folder: Path) -> set[StampedName]:
    """(name, mtime_ns, size, inode) of every session file, without reading any. Entries
    that are not plain files (a link, a pipe, a folder) are kept too: reading one says
    what it is."""
    try:
        return {(n, i.st_mtime_ns, i.st_size, i.st_ino) for n, i in stat_sessions(folder)}
    except (FileNotFoundError, NotADirectoryError):
        return set()  # no folder: no sessions (the archive says why)
