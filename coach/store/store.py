"""Session files: one YAML file per reflection, saved whole after every answer.

The store works on plain dicts (the transcript format in docs/transcripts.md), never on engine
objects, so it can read any session without loading a pack. Listing a large archive is cheap:
a listing reads only each file's header (everything before `turns:`), and remembers the
headers in `.index.json`, keyed by each file's size, mtime and inode, so an unchanged archive
is listed from the cache alone. Saving touches only the session's own file: the cache notices
the change on the next listing.

A save costs what is new, not the whole conversation again: the text of turns already written
is kept and reused, and a save that only adds a rejected line (an answer coach could not use,
and its retry) is appended to the session's journal, `.<id>.journal`, instead of rewriting a
file that may hold thousands of such lines. The journal is folded back into the file at the
next accepted answer, when it has grown as large as the file, and when the session is let go;
every reader of a whole session reads it with the file.

Every file is opened as what it must be (see `plainfile`): session files, the journal and the
listing cache never through a link, only plain files, their size checked on the descriptor
before anything is read.
"""

from __future__ import annotations

import builtins
import contextlib
import copy
import json
import logging
import os
import random
import re
import shlex
import stat
import string
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coach.store import preferences, yamlio
from coach.store.atomic import ensure_private_dir, fsync_dir, shared_with_others, write_atomic
from coach.store.errors import StoreError
from coach.store.plainfile import (
    NotPlain,
    Refused,
    TooLarge,
    bounded_lines,
    exists,
    open_plain,
    read_fd,
    read_plain,
    size_words,
)
from coach.store.scan import FOLDER, NOTES_SUFFIX, session_files
from coach.transcript import BODY_KEYS, HEADER_KEYS, SCHEMA, listing_fields

if TYPE_CHECKING:
    import yaml

    from coach.store.index import Index

try:
    import fcntl

    _HAVE_FLOCK = True
except ImportError:  # Windows: no advisory locks; resuming twice is then the user's care
    _HAVE_FLOCK = False

__all__ = [
    "BODY_KEYS",
    "HEADER_KEYS",
    "INDEX_NAME",
    "NOTES_SUFFIX",
    "SCHEMA",
    "Listing",
    "SessionBusy",
    "SessionLock",
    "SessionStore",
    "SessionSummary",
    "load_file",
    "read_header",
]


INDEX_NAME = ".index.json"
"""The listing cache inside the sessions folder; deleting it only costs one slower listing."""

MAX_SESSION_BYTES = 16_000_000
"""The largest session file coach reads (a real one is ~20 kB; this is ~100,000 turns), and so
the largest it writes: a file it could not read back would be an answer lost."""

JOURNAL_SUFFIX = ".journal"
"""`.<id>.journal`: rejected lines appended since the session file was last written whole."""

_JOURNAL_FORMAT = 1
_JOURNAL_FLOOR = 64_000  # a journal may grow this large before a small file is rewritten
_MAX_INDEX_BYTES = 64_000_000  # ~200,000 sessions; a larger cache is rebuilt, not read

_INDEX_FORMAT = 2
_ID_ALPHABET = string.ascii_lowercase + string.digits
_ID_ATTEMPTS = 1000
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_BODY_LINE = re.compile(rb"(?:turns|snapshot):(?:[ \t]|\r?\n|$)")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_CANDIDATES_SHOWN = 5
_LOCK_TRIES = 10
BRIEF_WAIT = 1.0  # seconds a brief write (a note, an item marked) waits for another's lock
_FOLDER = FOLDER

log = logging.getLogger(__name__)


# -- what a listing shows ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One session as a listing shows it, built from the file's header alone.

    Fields a hand-edited file lacks or gets wrong are empty (`""`, `0`, `None`), so one odd
    file never breaks a listing.
    """

    id: str
    status: str
    started_at: str
    updated_at: str
    participant: str | None
    pack_id: str
    pack_version: str
    ratings: Mapping[str, int]
    loyalty_trait: str | None
    open_actions: int
    answered: int
    steps: int
    path: Path

    def to_dict(self) -> dict[str, Any]:
        """Plain, JSON-ready data (the path as text) for `coach list --format json`."""
        data = asdict(self)
        data["path"] = str(self.path)
        data["ratings"] = dict(self.ratings)
        return data


_CACHED_FIELDS = [f.name for f in fields(SessionSummary)][:-1]  # all but the path, last
_new_summary: Callable[..., SessionSummary] = SessionSummary  # positional, from cache records


@dataclass(frozen=True, slots=True)
class Listing:
    """Every session in a folder, newest first, and the files that could not be read."""

    sessions: list[SessionSummary]
    problems: list[StoreError]


def newest_first(sessions: Iterable[SessionSummary]) -> list[SessionSummary]:
    """Sessions in a listing's order: the latest start first, then the later id."""
    return sorted(sessions, key=lambda s: (_instant(s.started_at), s.id), reverse=True)


def _instant(stamp: str) -> float:
    """Seconds since the epoch for sorting; times without an offset count as UTC."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return float("-inf")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


# -- reading one file ----------------------------------------------------------------------


def _coach_version() -> str:
    """This coach's version, for the "needs a newer coach" sentence."""
    import coach  # the parent package is already imported; this only looks it up

    return str(getattr(coach, "__version__", "of unknown version"))


def _place(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and byte column of `offset` in `data`."""
    line_start = data.rfind(b"\n", 0, offset) + 1
    return data.count(b"\n", 0, offset) + 1, offset - line_start + 1


def _describe(value: Any) -> str:
    """Name what a file holds instead of a mapping, in the user's words."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a single piece of text"
    return f"a single value ({value!r})"


def _yaml_error(path: Path, text: str, exc: yaml.YAMLError) -> StoreError:
    """Turn PyYAML's error into one placed sentence."""
    import yaml

    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "unknown problem"
        if mark is None:
            return StoreError(path, f"the session file is not valid YAML ({problem})")
        lines = text.split("\n")
        at_mark = lines[mark.line][mark.column : mark.column + 1] if mark.line < len(lines) else ""
        if at_mark == "\t":
            problem = "found a tab character; YAML indents with spaces"
        return StoreError(
            path, f"the session file is not valid YAML ({problem})", mark.line + 1, mark.column + 1
        )
    if isinstance(exc, yaml.reader.ReaderError):
        char = chr(exc.character) if isinstance(exc.character, int) else str(exc.character)
        index = text.find(char)
        line = col = None
        if index >= 0:
            line = text.count("\n", 0, index) + 1
            col = index - (text.rfind("\n", 0, index) + 1) + 1
        return StoreError(
            path,
            f"the session file holds a character YAML does not allow (U+{ord(char):04X})",
            line,
            col,
        )
    return StoreError(path, f"the session file is not valid YAML ({exc})")


def _parse_yaml(path: Path, data: bytes) -> Any:
    """Decode and parse a session file's bytes (all or its header), unchecked."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _place(data, exc.start)
        raise StoreError(
            path, f"the session file is not UTF-8 text (byte 0x{data[exc.start]:02x})", line, col
        ) from None
    import yaml

    try:
        doc = yamlio.load(text)
    except yaml.YAMLError as exc:
        raise _yaml_error(path, text, exc) from None
    except RecursionError:
        raise StoreError(path, "the session file is nested too deeply to read") from None
    return doc


def _checked(path: Path, doc: Any) -> dict[str, Any]:
    """Refuse what is not a session, or is one from a newer coach, in one sentence."""
    if doc is None:
        raise StoreError(path, "the session file is empty")
    if not isinstance(doc, dict):
        raise StoreError(
            path, f"this is not a session file: it holds {_describe(doc)}, not named fields"
        )
    if "schema" not in doc:
        raise StoreError(path, "this is not a session file: it has no 'schema' field")
    schema = doc["schema"]
    if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
        raise StoreError(path, f"the 'schema' field must be a whole number from 1, not {schema!r}")
    if schema > SCHEMA:
        raise StoreError(
            path,
            f"this session uses transcript schema {schema}, but this coach "
            f"({_coach_version()}) reads schema {SCHEMA} at most; "
            f"install a newer coach that reads schema {schema} to open it",
        )
    session_id = doc.get("id")
    if not isinstance(session_id, str) or not session_id:
        raise StoreError(path, "this is not a session file: it has no 'id' field")
    return doc


def _read_error(path: Path, exc: OSError) -> StoreError:
    if isinstance(exc, FileNotFoundError):
        return StoreError(path, "there is no such session file")
    reason = exc.strerror or str(exc)
    return StoreError(path, f"cannot read the session file ({reason[:1].lower()}{reason[1:]})")


def _refused(path: Path, exc: Refused) -> StoreError:
    """One sentence for a session file coach will not open, saying what it is instead."""
    if isinstance(exc, TooLarge):
        return StoreError(
            path,
            f"the session file is {size_words(exc.size)}; coach reads session files of at "
            f"most {size_words(exc.limit)}",
        )
    kind = exc.kind if isinstance(exc, NotPlain) else "not a plain file"
    if kind == "a symbolic link":
        return StoreError(
            path,
            "this is a symbolic link, not a session file; coach reads and writes session "
            "files only as plain files, never through a link",
        )
    return StoreError(path, f"this is {kind}, not a session file")


def _open_session(path: Path) -> tuple[int, os.stat_result]:
    """A session file opened as what it must be: a plain file, not a link, not too large."""
    try:
        fd, opened = open_plain(path, follow_links=False)
    except OSError as exc:
        raise _read_error(path, exc) from None
    except Refused as exc:
        raise _refused(path, exc) from None
    if opened.st_size > MAX_SESSION_BYTES:
        os.close(fd)
        raise _refused(path, TooLarge(opened.st_size, MAX_SESSION_BYTES))
    return fd, opened


def load_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a whole session file, and the rejected lines its journal holds.

    Args:
        path: The `.yaml` file.

    Returns:
        The transcript as plain data, keys in file order.

    Raises:
        StoreError: It cannot be read, is not a plain file, is a link, is larger than
            `MAX_SESSION_BYTES`, is not valid YAML (with line and column), is not a session,
            or needs a newer coach.
    """
    path = Path(path)
    fd, opened = _open_session(path)
    try:
        data = read_fd(fd, opened, MAX_SESSION_BYTES)
    except OSError as exc:
        raise _read_error(path, exc) from None
    except TooLarge as exc:  # it grew while being read
        raise _refused(path, exc) from None
    finally:
        os.close(fd)
    return _with_journal(path, _checked(path, _parse_yaml(path, data)))


def _until_body(lines: Iterable[bytes]) -> tuple[bytes, bool]:
    """Bytes before the first top-level `turns:` or `snapshot:` line, and whether one came."""
    kept: list[bytes] = []
    for line in lines:
        if _BODY_LINE.match(line):
            return b"".join(kept), True
        kept.append(line)
    return b"".join(kept), False


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a session's header only: the file up to its `turns:` line.

    A listing needs ids, names and ratings, not the turns, which hold most of a file's bytes.
    A file without such a line (hand-written, or with the keys out of order) is read whole.
    The header's `updated_at` is the file's: rejected lines still in the journal (an open or
    a killed session) do not move it.

    Args:
        path: The `.yaml` file.

    Returns:
        The header fields (every top-level key except `turns` and `snapshot`).

    Raises:
        StoreError: As for `load_file`, judged on the header.
    """
    path = Path(path)
    fd, _ = _open_session(path)
    try:
        with bounded_lines(fd, MAX_SESSION_BYTES) as lines:
            prefix, cut = _until_body(lines)
    except OSError as exc:
        raise _read_error(path, exc) from None
    except TooLarge as exc:
        raise _refused(path, exc) from None
    if not cut:  # the prefix is the whole file
        doc = _checked(path, _parse_yaml(path, prefix))
    else:
        try:
            head = _parse_yaml(path, prefix)
        except StoreError:
            head = None
        if isinstance(head, dict) and "schema" in head and "id" in head:
            doc = _checked(path, head)  # a newer schema is refused here, turns unread
        else:
            # Keys out of order, or a hand-edited file with a column-0 `turns:` line inside a
            # quoted header value: the whole file decides, and its error is the one to show.
            doc = load_file(path)
    return {key: value for key, value in doc.items() if key not in BODY_KEYS}


# -- the journal of rejected lines ---------------------------------------------------------


def journal_path(path: Path) -> Path:
    """The journal beside a session file: `.<id>.journal`."""
    return path.parent / f".{path.stem}{JOURNAL_SUFFIX}"


def _with_journal(path: Path, doc: dict[str, Any]) -> dict[str, Any]:
    """The session with the rejected lines its journal adds, as the file would hold them had
    it been rewritten after each.

    A record applies only when it continues exactly where the file (and the records before
    it) end, so a journal left behind by a rewrite that was cut short adds nothing twice; a
    torn last record (a write killed half-way) is passed over, as is a journal that is not a
    plain file or is too large: it holds rejected lines only, never an answer coach took.
    """
    turns = doc.get("turns")
    if not isinstance(turns, list):
        return doc
    journal = journal_path(path)
    try:
        data = read_plain(journal, MAX_SESSION_BYTES, follow_links=False)
    except FileNotFoundError:
        return doc
    except (OSError, Refused) as exc:
        log.debug("passing over the journal %s: %s", journal, exc)
        return doc
    texts: list[str] = []
    added = 0
    snapshot: dict[str, Any] | None = None
    updated: Any = None
    for line in data.split(b"\n")[:-1]:  # whatever follows the last newline is torn
        try:
            record = json.loads(line)
        except ValueError:
            break
        if not (
            isinstance(record, dict)
            and record.get("journal") == _JOURNAL_FORMAT
            and record.get("base") == len(turns) + added
            and isinstance(record.get("count"), int)
            and isinstance(record.get("turns"), str)
            and isinstance(record.get("snapshot"), dict)
        ):
            break
        texts.append(record["turns"])
        added += record["count"]
        snapshot, updated = record["snapshot"], record.get("updated_at")
    if not texts or snapshot is None:
        return doc
    import yaml

    try:
        more = yamlio.load("".join(texts))
    except (yaml.YAMLError, RecursionError) as exc:
        log.debug("passing over the damaged journal %s: %s", journal, exc)
        return doc
    if not isinstance(more, list) or len(more) != added:
        return doc
    merged = dict(doc)
    if updated is not None and "updated_at" in merged:
        merged["updated_at"] = updated
    merged["turns"] = [*turns, *more]
    merged["snapshot"] = snapshot
    return merged


def _in_file_order(path: Path, doc: Mapping[str, Any]) -> dict[str, Any]:
    """The doc with the header first, unknown keys next, then turns, then the snapshot."""
    schema = doc.get("schema", SCHEMA)
    if not isinstance(schema, int) or isinstance(schema, bool) or not 1 <= schema <= SCHEMA:
        raise StoreError(path, f"cannot save a session with schema {schema!r}")
    ordered: dict[str, Any] = {"schema": schema}
    ordered.update((key, doc[key]) for key in HEADER_KEYS[1:] if key in doc)
    ordered.update(
        (key, value)
        for key, value in doc.items()
        if key not in ordered and key not in BODY_KEYS and key != "schema"
    )
    ordered.update((key, doc[key]) for key in BODY_KEYS if key in doc)
    return ordered


# -- locks ---------------------------------------------------------------------------------


class SessionBusy(StoreError):
    """The session is open in another coach process; `pid` names it when known."""

    def __init__(self, path: Path, session_id: str, pid: int | None) -> None:
        which = f" (process {pid})" if pid else ""
        how = f"end process {pid}" if pid else "end that process"
        super().__init__(
            path,
            f"session {session_id} is open in another coach process{which}; pause or finish "
            f"it there first, or, if that coach is stuck or gone, {how} and try again",
        )
        self.pid = pid

    def __reduce__(self) -> Any:
        return (type(self), (self.path, self.path.stem, self.pid))


class SessionLock:
    """An advisory lock on a sidecar `.<id>.lock` next to the session file, held from
    `acquire` until `release` (or the process ends: the kernel drops a dead process's lock, so
    a lock left behind is simply free again, whatever pid its file still names).

    The sidecar is removed on release while the lock is still held; whoever locks it checks
    afterwards that the file they locked is still the one at that path (else they lost a race
    with a release and try again), so two processes can never both hold "the" lock. It is
    opened without following symlinks and must be a plain file, so a link planted in a shared
    folder cannot make coach write elsewhere.

    Attributes:
        taken_ns: When the lock was taken (`time.time_ns()`): a temp file of this session
            older than that was left by a write that was killed, never one still under way.
        active: True from taking the lock until `release` (also where there is no flock).
    """

    def __init__(
        self,
        session_path: Path,
        session_id: str,
        on_release: Callable[[], None] | None = None,
        wait: float = 0.0,
    ) -> None:
        """Take the lock.

        Args:
            session_path: The session file the lock is for.
            session_id: Its id, for the busy message.
            on_release: Called by `release` while the lock is still held (the store folds
                the session's journal back into its file there).
            wait: Seconds to keep trying while another process holds it: a command that
                holds it for a moment (a note, an item marked) is waited for; a reflection
                left open is still refused, once the wait is over.
        """
        self.session_id = session_id
        self.path = session_path.parent / f".{session_path.stem}.lock"
        self._fd: int | None = None
        self._on_release = on_release
        self.taken_ns = time.time_ns()
        self.active = True
        if not _HAVE_FLOCK:
            return
        until = time.monotonic() + wait
        tries = 0
        while tries < _LOCK_TRIES:
            fd = self._open()
            try:
                if self._lock(fd, session_path):
                    self._fd = fd
                    self.taken_ns = time.time_ns()
                    return
            except SessionBusy:
                os.close(fd)
                if time.monotonic() >= until:
                    raise
                time.sleep(0.02)
                continue
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the file was removed by a releasing owner: lock the new one
            tries += 1
        raise StoreError(self.path, "cannot take the lock: it keeps being replaced")

    def _open(self) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK
        flags |= getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
        try:
            fd = os.open(self.path, flags, 0o600)
        except OSError as exc:
            if self.path.is_symlink():
                raise StoreError(
                    self.path,
                    "the lock file is a symbolic link; coach does not write through links: "
                    "remove it if you did not make it",
                ) from None
            raise StoreError(self.path, f"cannot create the lock file ({exc.strerror})") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise StoreError(
                self.path, "the lock file is not a plain file; remove it and try again"
            )
        return fd

    def _lock(self, fd: int, session_path: Path) -> bool:
        """Lock `fd`; False when the file is no longer the one at `self.path`."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            raise SessionBusy(
                session_path, self.session_id, int(owner) if owner.isdigit() else None
            ) from None
        held = os.fstat(fd)
        try:
            there = os.stat(self.path, follow_symlinks=False)
        except FileNotFoundError:
            return False
        if (held.st_dev, held.st_ino) != (there.st_dev, there.st_ino):
            return False
        with contextlib.suppress(OSError):  # the pid is only a hint for the busy message
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        return True

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """Let other processes open the session; calling it twice is harmless."""
        on_release, self._on_release = self._on_release, None
        try:
            if self.active and on_release is not None:
                on_release()
        finally:
            self.active = False
            self._let_go()

    def _let_go(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            with contextlib.suppress(OSError):
                os.unlink(self.path)  # still ours: nobody else can hold it right now
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def __enter__(self) -> SessionLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


# -- the store -----------------------------------------------------------------------------


@dataclass(slots=True)
class _Written:
    """What this store last wrote of one session, so the next save writes only what is new.

    The turns are kept as their YAML text (a turn never changes once said), with copies of
    the first and the last as a check that the next save continues the same conversation.
    """

    count: int
    first: Any
    last: Any
    chunks: builtins.list[str]
    head: dict[str, Any]  # the header last written whole (a copy), for the journal's check
    updated_at: Any  # the header's `updated_at` of the last save
    snapshot: Any  # the snapshot of the last save, when the journal holds it; else None
    file_bytes: int  # the session file as last written whole
    journal_bytes: int = 0  # 0: no journal since then
    journal_ok: bool = True  # False once the journal could not be written or removed


def _file_text(head: Mapping[str, Any], chunks: builtins.list[str], tail: str) -> str:
    """A session file's text from its parts, as `yamlio.dump` writes the whole document."""
    return (yamlio.dump(dict(head)) if head else "") + "turns:\n" + "".join(chunks) + tail


def _same_but_time(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """Whether two headers differ at most in `updated_at`."""
    return list(a) == list(b) and all(k == "updated_at" or a[k] == b[k] for k in a)


def _only_rejected(turns: builtins.list[Any]) -> bool:
    """Whether a save's new turns are rejected lines and what the coach said back to them."""
    leader = [t for t in turns if isinstance(t, dict) and t.get("role") == "leader"]
    return (
        bool(leader)
        and all(isinstance(t, dict) for t in turns)
        and all(t.get("kind") == "rejected" for t in leader)
    )


class SessionStore:
    """The session files in one folder: save, load, list, find and lock them.

    The folder is created (0700) on the first write, never on reading, so looking at an empty
    or mistyped location leaves nothing behind. A folder other users can write is read but
    never written (see `ensure_writable`).

    Attributes:
        root: The sessions folder.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        """Work on `root`; nothing is read or created yet."""
        self.root = Path(root)
        self._written: dict[str, _Written] = {}  # see `save`
        self._locks: dict[str, SessionLock] = {}  # locks this store took, for the sweep
        self._swept: set[str] = set()
        self._mutex = threading.RLock()  # the TUI saves from a worker thread
        self._index: Index | None = None  # the folder's search index, opened at a save

    def __repr__(self) -> str:
        return f"SessionStore({str(self.root)!r})"

    # -- single sessions -------------------------------------------------------------------

    def ensure_writable(self) -> None:
        """Create the folder if needed and check it can be written, before the first question.

        A folder that other users can write (group or others have `w`) is refused: anyone
        among them could replace a session, or plant a file that coach would read as one.

        Raises:
            StoreError: The folder is a file, cannot be created, is read-only, or can be
                written by other users (the sentence says how to make it private).
        """
        ensure_private_dir(self.root, _FOLDER)
        if shared_with_others(self.root):
            raise StoreError(
                self.root,
                f"other users can write in the {_FOLDER}, so they could change or replace "
                f"your sessions; make it private with: chmod 700 {shlex.quote(str(self.root))}",
            )

    def path_for(self, session_id: str) -> Path:
        """The file a session with this id is saved as.

        Raises:
            StoreError: The id could name a file outside the folder (or a hidden one).
        """
        if not isinstance(session_id, str) or not _SAFE_ID.fullmatch(session_id):
            raise StoreError(
                self.root,
                f"{session_id!r} is not a valid session id (letters, digits, '-', '_' and '.')",
            )
        return self.root / f"{session_id}.yaml"

    def new_id(self, now: datetime, rng: random.Random) -> str:
        """A fresh id `YYYY-MM-DD-HHMM-xxxx` that sorts by start time.

        Args:
            now: The start time, as the caller's clock gives it (the id uses it as is).
            rng: The source of the four random letters/digits; seeded in tests and demos so
                the same inputs give the same id.

        Returns:
            An id no file in the folder has yet.

        Raises:
            StoreError: No free id after many tries (the minute's ids are nearly used up).
        """
        stamp = now.strftime("%Y-%m-%d-%H%M")
        for _ in range(_ID_ATTEMPTS):
            suffix = "".join(rng.choice(_ID_ALPHABET) for _ in range(4))
            session_id = f"{stamp}-{suffix}"
            if not exists(self.path_for(session_id)):
                return session_id
        raise StoreError(self.root, f"cannot find a free session id for {stamp}")

    def save(self, doc: Mapping[str, Any]) -> Path:
        """Write a session to `<id>.yaml` atomically, header first.

        Only that session's files are written, and that session's rows in the folder's search
        index when there is one (`_reindex`), so saving costs the same in an archive of ten
        thousand sessions as in an empty folder. What was written before is
        not serialised again: a save costs the header, the new turns and the snapshot. A save
        that adds only a rejected line (and the coach's retry) while the header stays the same
        but for `updated_at` is appended to the journal instead of rewriting the file, so a
        thousand rejected lines cost a thousand small appends, not a thousand ever larger
        files. The first save after `acquire` removes that session's temp files left by
        killed writes.

        Within one hold of a session's lock, the turns of successive saves only grow (the
        conversation is never rewritten); a save whose turns do not continue the last one's
        is written whole from scratch.

        Args:
            doc: The transcript as plain data; `doc["id"]` names the file and `schema` defaults
                to `SCHEMA`.

        Returns:
            The file written.

        Raises:
            StoreError: The id is invalid, the text cannot be encoded, the session would be
                larger than `MAX_SESSION_BYTES`, the folder is not private, or the write
                failed (the previous file is then untouched).
        """
        session_id = doc.get("id")
        if not isinstance(session_id, str):
            raise StoreError(self.root, f"cannot save a session whose id is {session_id!r}")
        path = self.path_for(session_id)
        ordered = _in_file_order(path, doc)
        with self._mutex:
            self.ensure_writable()
            self._sweep(session_id)
            turns = ordered.get("turns")
            if not isinstance(turns, builtins.list) or not turns:
                self._write_whole(session_id, path, ordered, None)
                return path
            written = self._continued(session_id, turns)
            new = turns[written.count :] if written is not None else turns
            text = yamlio.dump(new) if new else ""
            head = {k: v for k, v in ordered.items() if k not in BODY_KEYS}
            if (
                written is not None
                and "snapshot" in ordered
                and _only_rejected(new)
                and _same_but_time(head, written.head)
                and self._journal(path, written, new, text, head, ordered["snapshot"])
            ):
                return path
            chunks = [*(written.chunks if written is not None else [])]
            if text:
                chunks.append(text)
            tail = {k: v for k, v in ordered.items() if k == "snapshot"}
            tail_text = yamlio.dump(tail) if tail else ""
            self._write_whole(session_id, path, ordered, (turns, chunks, head, tail_text))
        return path

    def _continued(self, session_id: str, turns: builtins.list[Any]) -> _Written | None:
        """What was written of this session, if `turns` continue it; else None (start over)."""
        written = self._written.get(session_id)
        if written is None:
            return None
        k = written.count
        if len(turns) < k or turns[0] != written.first or turns[k - 1] != written.last:
            del self._written[session_id]  # another conversation, or a shorter one
            return None
        return written

    def _write_whole(
        self,
        session_id: str,
        path: Path,
        ordered: dict[str, Any],
        parts: tuple[builtins.list[Any], builtins.list[str], dict[str, Any], str] | None,
    ) -> None:
        """Write the whole file, exactly as `yamlio.dump(ordered)` would, then drop the journal
        its content now includes."""
        if parts is None:
            data = self._encoded(path, yamlio.dump(ordered))
        else:
            turns, chunks, head, tail_text = parts
            data = self._encoded(path, _file_text(head, chunks, tail_text))
        write_atomic(path, data)
        ok = self._drop_journal(path)
        self._reindex(path, ordered)
        if parts is None:
            self._written.pop(session_id, None)
            return
        self._written[session_id] = _Written(
            count=len(turns),
            first=copy.deepcopy(turns[0]),
            last=copy.deepcopy(turns[-1]),
            chunks=chunks,
            head=copy.deepcopy(head),
            updated_at=head.get("updated_at"),
            snapshot=None,
            file_bytes=len(data),
            journal_ok=ok,
        )

    def _reindex(self, path: Path, doc: Mapping[str, Any]) -> None:
        """Update this session's rows in the folder's search index (coach/store/index.py),
        if the folder has one, from the data just written. A failure only costs time: the
        next reader brings the index up to date by stat. A journal append (rejected lines)
        leaves the file, and so its rows, as they were."""
        import sqlite3

        from coach.store import index  # index imports this module

        if not os.path.isfile(self.root / index.INDEX_FILE):
            return
        try:
            if self._index is None:
                self._index = index.Index(self.root, timeout=0.5)
            self._index.update(path.name, doc)
        except (OSError, sqlite3.Error, StoreError) as exc:
            log.debug("cannot update the search index in %s: %s", self.root, exc)

    def _encoded(self, path: Path, text: str) -> bytes:
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            raise StoreError(
                path, "the session cannot be saved: it holds text that is not valid Unicode"
            ) from None
        if len(data) > MAX_SESSION_BYTES:
            raise StoreError(
                path,
                f"the session has grown to {size_words(len(data))}, more than the "
                f"{size_words(MAX_SESSION_BYTES)} coach reads back, so this step was not "
                "saved; the file keeps everything before it",
            )
        return data

    def _journal(
        self,
        path: Path,
        written: _Written,
        new: builtins.list[Any],
        text: str,
        head: dict[str, Any],
        snapshot: Any,
    ) -> bool:
        """Append the new turns and the snapshot to the journal; False when the file should
        be written whole instead: the journal has grown as large as the file (the rewrite
        then costs no more than the appends did), the snapshot is not plain JSON data, or the
        journal cannot be written (the whole write that follows removes it)."""
        if not written.journal_ok:
            return False
        try:
            record = json.dumps(
                {
                    "journal": _JOURNAL_FORMAT,
                    "base": written.count,
                    "count": len(new),
                    "updated_at": head.get("updated_at"),
                    "turns": text,
                    "snapshot": snapshot,
                },
                ensure_ascii=False,
                allow_nan=False,
            )
            state = json.loads(record)["snapshot"]
        except (TypeError, ValueError):
            return False
        if state != snapshot:  # keys that are not text, tuples: JSON would change them
            return False
        data = self._encoded(path, record + "\n")
        size = written.journal_bytes + len(data)
        if size > max(written.file_bytes, _JOURNAL_FLOOR) or (
            written.file_bytes + size > MAX_SESSION_BYTES
        ):
            return False
        if not _append(journal_path(path), data, written.journal_bytes):
            written.journal_ok = False
            return False
        written.count += len(new)
        written.last = copy.deepcopy(new[-1])
        written.chunks.append(text)
        written.updated_at = head.get("updated_at")
        written.snapshot = state
        written.journal_bytes = size
        return True

    def _drop_journal(self, path: Path) -> bool:
        """Remove the journal the file just written includes; False when it cannot be removed
        (then none is written for this session until it can)."""
        try:
            os.unlink(journal_path(path))
        except FileNotFoundError:
            return True
        except OSError as exc:
            log.debug("cannot remove the journal of %s: %s", path, exc)
            return False
        return True

    def _fold(self, session_id: str) -> None:
        """Write the journal back into the session file, when the session is let go, so that
        a session at rest is one file. A failure only leaves the journal, which readers read."""
        with self._mutex:
            written = self._written.pop(session_id, None)
            self._locks.pop(session_id, None)
            self._swept.discard(session_id)
            if written is None or not written.journal_bytes:
                return
            path = self.path_for(session_id)
            head = dict(written.head)
            if "updated_at" in head:
                head["updated_at"] = written.updated_at
            tail = yamlio.dump({"snapshot": written.snapshot})
            try:
                write_atomic(path, self._encoded(path, _file_text(head, written.chunks, tail)))
            except StoreError as exc:
                log.debug("cannot fold the journal of %s into it: %s", path, exc)
                return
            self._drop_journal(path)

    def _sweep(self, session_id: str) -> None:
        """Remove this session's temp files left by killed writes, on the first save after
        this store took its lock: every coach save holds the lock, so a temp file made before
        it was taken is nobody's write in progress. Without the lock nothing is removed."""
        lock = self._locks.get(session_id)
        if lock is None or not lock.active or session_id in self._swept:
            return
        self._swept.add(session_id)
        stray = re.compile(rf"\.{re.escape(session_id)}\.(?:yaml|md)\.[A-Za-z0-9_]+\.tmp")
        try:
            with os.scandir(self.root) as entries:
                found = [e for e in entries if stray.fullmatch(e.name)]
            for entry in found:
                info = entry.stat(follow_symlinks=False)
                if info.st_mtime_ns < lock.taken_ns:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(entry.path)
        except OSError as exc:  # a temp file left behind costs disk space, nothing else
            log.debug("cannot remove stray temp files of %s: %s", session_id, exc)

    def export(self, session_id: str, text: str, suffix: str = ".md") -> Path:
        """Write a rendering of a session (Markdown, HTML) beside it, atomically, private.

        Returns:
            The file written, `<id><suffix>` in the sessions folder.
        """
        path = self.path_for(session_id).with_suffix(suffix)
        with self._mutex:
            self.ensure_writable()
            write_atomic(path, text.encode("utf-8"))
        return path

    def resolve(self, ref: str | os.PathLike[str]) -> Path:
        """Find a session file from what a user typed.

        Args:
            ref: An exact id, a unique prefix of one, or a path to a `.yaml` file.

        Returns:
            The session file (which may turn out not to be a plain file: reading it says so).

        Raises:
            StoreError: Nothing matches, or several ids do (up to five are named).
        """
        if not isinstance(ref, str):
            return self._existing(Path(ref))
        if not ref:
            raise StoreError(self.root, "give a session id, the start of one, or a .yaml file")
        separators = [sep for sep in (os.sep, os.altsep) if sep]
        if ref.endswith((".yaml", ".yml")) or any(sep in ref for sep in separators):
            path = Path(ref).expanduser()
            inside = self.root / ref
            if not exists(path) and not any(sep in ref for sep in separators) and exists(inside):
                return inside
            return self._existing(path)
        if _SAFE_ID.fullmatch(ref) and exists(exact := self.root / f"{ref}.yaml"):
            return exact
        matches = [session_id for session_id in self._ids() if session_id.startswith(ref)]
        if len(matches) == 1:
            return self.root / f"{matches[0]}.yaml"
        if not matches:
            raise StoreError(self.root, f"no session id starts with '{ref}'")
        shown = ", ".join(matches[:_CANDIDATES_SHOWN])
        if len(matches) > _CANDIDATES_SHOWN:
            shown += f" and {len(matches) - _CANDIDATES_SHOWN} more"
        raise StoreError(
            self.root, f"'{ref}' matches {len(matches)} sessions ({shown}); give more of the id"
        )

    def load(self, ref: str | os.PathLike[str]) -> dict[str, Any]:
        """Read a whole session (with its journal), found by id, id prefix or path.

        Raises:
            StoreError: Not found, ambiguous, unreadable (with `line:col` for YAML errors), not
                a plain file, too large, not a session, or from a newer coach.
        """
        path = self.resolve(ref)
        with self._mutex:
            self._written.pop(path.stem, None)  # what is saved next starts from this file
        return load_file(path)

    def text(self, ref: str | os.PathLike[str]) -> str:
        """A session file's text, for `coach show --format yaml`: read as `load` reads it (a
        plain file, never through a link, at most `MAX_SESSION_BYTES`), exactly as it is on
        disk, unless a journal of rejected lines goes with it (a killed session): then the
        text the file will have once they are written into it.

        Raises:
            StoreError: As for `load`.
        """
        path = self.resolve(ref)
        fd, opened = _open_session(path)
        try:
            data = read_fd(fd, opened, MAX_SESSION_BYTES)
        except OSError as exc:
            raise _read_error(path, exc) from None
        except TooLarge as exc:
            raise _refused(path, exc) from None
        finally:
            os.close(fd)
        doc = _checked(path, _parse_yaml(path, data))
        merged = _with_journal(path, doc)
        if merged is doc:
            return data.decode("utf-8")  # _parse_yaml decoded it already
        return yamlio.dump(merged)

    def read_header(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        """Read a session file's header only; see the module function `read_header`."""
        return read_header(path)

    def load_header(self, ref: str | os.PathLike[str]) -> dict[str, Any]:
        """Read the header of a session found by id, id prefix or path."""
        return read_header(self.resolve(ref))

    def acquire(self, session_id: str, wait: float = 0.0) -> SessionLock:
        """Lock a session for this process until the lock is released.

        Releasing it folds the session's journal back into its file. `wait`: seconds to
        wait for another process's lock (see `SessionLock`).

        Raises:
            SessionBusy: Another coach process holds it (its pid is named when known).
            StoreError: The lock file cannot be made, or is a link or not a plain file, or
                the folder is not private.
        """
        path = self.path_for(session_id)
        self.ensure_writable()
        lock = SessionLock(path, session_id, on_release=lambda: self._fold(session_id), wait=wait)
        with self._mutex:
            self._locks[session_id] = lock
            self._swept.discard(session_id)
            self._written.pop(session_id, None)
        return lock

    def lock(self, session_id: str, wait: float = 0.0) -> SessionLock:
        """`acquire`, for a `with` block: held for the block only."""
        return self.acquire(session_id, wait)

    def preference(self, name: str) -> str | None:
        """A remembered choice, or None. A missing, odd or oversized file is no choice made."""
        return preferences.preference(self.root, name)

    def remember(self, name: str, value: str) -> None:
        """Keep a choice for next time; a folder that cannot be written only forgets it."""
        try:
            self.ensure_writable()
            preferences.remember(self.root, name, value)
        except StoreError as exc:
            log.debug("cannot remember %s: %s", name, exc)

    def remove(self, session_id: str) -> None:
        """Delete a session's file and journal (a session that holds nothing the leader said)."""
        path = self.path_for(session_id)
        with self._mutex:
            for file in (path, journal_path(path)):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(file)
            self._written.pop(session_id, None)

    def _existing(self, path: Path) -> Path:
        if not exists(path):
            raise StoreError(path, "there is no such session file")
        return path

    def _ids(self) -> builtins.list[str]:
        """Ids of the session files in the folder, newest first (ids sort by time)."""
        names = sorted(self._scan()[0], reverse=True)
        return [name[: -len(".yaml")] for name in names]

    # -- the archive -----------------------------------------------------------------------

    def latest_unfinished(self) -> SessionSummary | None:
        """The most recently updated session still `in_progress`, for a bare `coach resume`."""
        unfinished = [s for s in self.list().sessions if s.status == "in_progress"]
        return max(
            unfinished,
            key=lambda s: (_instant(s.updated_at or s.started_at), s.id),
            default=None,
        )

    def _scan(self) -> tuple[dict[str, builtins.list[int]], dict[str, str]]:
        return session_files(self.root)

    def _read_index(self) -> dict[str, Any]:
        """The cached records, or none when the cache is missing, unreadable or foreign: not a
        plain file (a link, a pipe, a device), too large, or not this coach's."""
        try:
            raw = read_plain(self.root / INDEX_NAME, _MAX_INDEX_BYTES, follow_links=False)
            data = json.loads(raw)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, Refused) as exc:  # a broken cache is rebuilt, never fatal
            log.debug("ignoring the listing cache in %s: %s", self.root, exc)
            return {}
        if (
            not isinstance(data, dict)
            or data.get("coach_index") != _INDEX_FORMAT
            or data.get("fields") != _CACHED_FIELDS
        ):
            return {}
        files = data.get("files")
        return files if isinstance(files, dict) else {}

    def _write_index(self, records: Mapping[str, Any]) -> None:
        """Store the records; a read-only folder just means the next listing reads again."""
        payload = {"coach_index": _INDEX_FORMAT, "fields": _CACHED_FIELDS, "files": records}
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            write_atomic(self.root / INDEX_NAME, data, durable=False)
        except StoreError as exc:
            log.debug("cannot update the listing cache: %s", exc)

    def _record(self, path: Path, stamp: builtins.list[int]) -> builtins.list[Any]:
        """Read one file's header into a cache record.

        A record is `[stamp, summary values in _CACHED_FIELDS order, None]`, or
        `[stamp, None, [message, line, col]]` for a file that cannot be listed; lists rather
        than objects keep the cache small and quick to parse.
        """
        try:
            header = read_header(path)
            if header["id"] != path.stem:
                raise StoreError(
                    path,
                    f"the file holds session {header['id']} but is named {path.name}; "
                    f"rename it to {header['id']}.yaml",
                )
        except StoreError as exc:
            return [stamp, None, [exc.message, exc.line, exc.col]]
        summary = listing_fields(header)
        return [stamp, [summary[name] for name in _CACHED_FIELDS], None]

    def list(self) -> Listing:
        """Every session in the folder, newest first by start time, from the header cache.

        Each file is stat'ed; headers are read only for files new or changed since the cache
        was written, and the cache is rewritten only when something changed. Unreadable files
        are reported in `problems` and skipped; they never stop a listing. In a folder other
        users can write, the cache is neither read nor written (it could have been planted):
        every header is read.

        Raises:
            StoreError: The folder itself cannot be read (a missing folder lists as empty).
        """
        stamps, odd = self._scan()
        private = not shared_with_others(self.root)
        cached = self._read_index() if private else {}
        changed = any(name not in stamps for name in cached)
        records: dict[str, Any] = {}
        sessions: builtins.list[SessionSummary] = []
        problems: builtins.list[StoreError] = [
            _refused(self.root / name, NotPlain(kind)) for name, kind in odd.items()
        ]
        for name, stamp in stamps.items():
            path = self.root / name
            record = cached.get(name)
            entry = None
            if isinstance(record, list) and record and record[0] == stamp:
                entry = _from_record(path, record)
            if entry is None:
                record = self._record(path, stamp)
                entry = _from_record(path, record)
                changed = True
            records[name] = record
            if isinstance(entry, SessionSummary):
                sessions.append(entry)
            elif entry is not None:
                problems.append(entry)
        if changed and private:
            self._write_index(records)
        problems.sort(key=lambda e: str(e.path))
        return Listing(newest_first(sessions), problems)


def _append(journal: Path, data: bytes, expected: int) -> bool:
    """Append one record to a journal that holds exactly `expected` bytes, durably; False
    when it is not that file (a link, not a plain file, another size) or the write fails."""
    flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _CLOEXEC
    try:
        fd = os.open(journal, flags, 0o600)
    except OSError:
        return False
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size != expected:
            return False
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except OSError as exc:
        log.debug("cannot append to %s: %s", journal, exc)
        return False
    finally:
        os.close(fd)
    if not expected:
        fsync_dir(journal.parent)  # the new file's name survives a power cut too
    return True


def _from_record(path: Path, record: builtins.list[Any]) -> SessionSummary | StoreError | None:
    """Rebuild a summary or problem from a cache record; None if the record is malformed."""
    try:
        _, values, problem = record
        if values is not None:
            return _new_summary(*values, path)
        message, line, col = problem
        return StoreError(path, str(message), line, col)
    except (TypeError, ValueError):  # not a record this coach wrote: read the file again
        return None
