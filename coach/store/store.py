"""Session files: one YAML file per reflection, saved whole after every answer.

The store works on plain dicts (the transcript format in docs/transcripts.md), never on engine
objects, so it can read any session without loading a pack. Listing a large archive is cheap:
a listing reads only each file's header (everything before `turns:`), and remembers the
headers in `.index.json`, keyed by each file's size, mtime and inode, so an unchanged archive
is listed from the cache alone. Saving touches only the session's own file: the cache notices
the change on the next listing.
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
import stat
import string
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from coach.store import yamlio
from coach.store.atomic import ensure_private_dir, write_atomic
from coach.store.errors import StoreError
from coach.transcript import BODY_KEYS, HEADER_KEYS, SCHEMA, listing_fields

if TYPE_CHECKING:
    import yaml

try:
    import fcntl

    _HAVE_FLOCK = True
except ImportError:  # Windows: no advisory locks; resuming twice is then the user's care
    _HAVE_FLOCK = False

__all__ = [
    "BODY_KEYS",
    "HEADER_KEYS",
    "INDEX_NAME",
    "SCHEMA",
    "Listing",
    "SessionBusy",
    "SessionLock",
    "SessionStore",
    "SessionSummary",
    "load_file",
    "read_header",
]

PREFERENCES_NAME = ".preferences.json"
"""The leader's choices that outlive a session (the app's theme), beside the sessions."""

_PREFERENCES_MAX = 64_000

INDEX_NAME = ".index.json"
"""The listing cache inside the sessions folder; deleting it only costs one slower listing."""

_INDEX_FORMAT = 2
_ID_ALPHABET = string.ascii_lowercase + string.digits
_ID_ATTEMPTS = 1000
_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_BODY_LINE = re.compile(rb"(?:turns|snapshot):(?:[ \t]|\r?\n|$)")
_CANDIDATES_SHOWN = 5
_LOCK_TRIES = 10
_FOLDER = "sessions folder"

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


def load_file(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a whole session file.

    Args:
        path: The `.yaml` file.

    Returns:
        The transcript as plain data, keys in file order.

    Raises:
        StoreError: It cannot be read, is not valid YAML (with line and column), is not a
            session, or needs a newer coach.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise _read_error(path, exc) from None
    return _checked(path, _parse_yaml(path, data))


def _until_body(handle: IO[bytes]) -> tuple[bytes, bool]:
    """Bytes before the first top-level `turns:` or `snapshot:` line, and whether one came."""
    lines: list[bytes] = []
    for line in handle:
        if _BODY_LINE.match(line):
            return b"".join(lines), True
        lines.append(line)
    return b"".join(lines), False


def read_header(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a session's header only: the file up to its `turns:` line.

    A listing needs ids, names and ratings, not the turns, which hold most of a file's bytes.
    A file without such a line (hand-written, or with the keys out of order) is read whole.

    Args:
        path: The `.yaml` file.

    Returns:
        The header fields (every top-level key except `turns` and `snapshot`).

    Raises:
        StoreError: As for `load_file`, judged on the header.
    """
    path = Path(path)
    try:
        with path.open("rb") as handle:
            prefix, cut = _until_body(handle)
    except OSError as exc:
        raise _read_error(path, exc) from None
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
    """

    def __init__(self, session_path: Path, session_id: str) -> None:
        self.session_id = session_id
        self.path = session_path.parent / f".{session_path.stem}.lock"
        self._fd: int | None = None
        if not _HAVE_FLOCK:
            return
        for _ in range(_LOCK_TRIES):
            fd = self._open()
            try:
                if self._lock(fd, session_path):
                    self._fd = fd
                    return
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)  # the file was removed by a releasing owner: lock the new one
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


class SessionStore:
    """The session files in one folder: save, load, list, find and lock them.

    The folder is created (0700) on the first write, never on reading, so looking at an empty
    or mistyped location leaves nothing behind.

    Attributes:
        root: The sessions folder.
    """

    def __init__(self, root: str | os.PathLike[str]) -> None:
        """Work on `root`; nothing is read or created yet."""
        self.root = Path(root)
        # Per session: (turn, its YAML) for turns already written; see `_serialise`.
        self._turn_text: dict[str, builtins.list[tuple[Any, str]]] = {}

    def __repr__(self) -> str:
        return f"SessionStore({str(self.root)!r})"

    # -- single sessions -------------------------------------------------------------------

    def ensure_writable(self) -> None:
        """Create the folder if needed and check it can be written, before the first question.

        Raises:
            StoreError: The folder is a file, cannot be created, or is read-only.
        """
        ensure_private_dir(self.root, _FOLDER)

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
            if not self.path_for(session_id).exists():
                return session_id
        raise StoreError(self.root, f"cannot find a free session id for {stamp}")

    def save(self, doc: Mapping[str, Any]) -> Path:
        """Write a session to `<id>.yaml` atomically, header first.

        Only that file is written (no index update), so saving costs the same in an archive
        of ten thousand sessions as in an empty folder.

        Args:
            doc: The transcript as plain data; `doc["id"]` names the file and `schema` defaults
                to `SCHEMA`.

        Returns:
            The file written.

        Raises:
            StoreError: The id is invalid, the text cannot be encoded, or the write failed
                (the previous file is then untouched).
        """
        session_id = doc.get("id")
        if not isinstance(session_id, str):
            raise StoreError(self.root, f"cannot save a session whose id is {session_id!r}")
        path = self.path_for(session_id)
        try:
            data = self._serialise(session_id, _in_file_order(path, doc)).encode("utf-8")
        except UnicodeEncodeError:
            raise StoreError(
                path, "the session cannot be saved: it holds text that is not valid Unicode"
            ) from None
        self.ensure_writable()
        write_atomic(path, data)
        return path

    def _serialise(self, session_id: str, ordered: dict[str, Any]) -> str:
        """The file's text, exactly as `yamlio.dump(ordered)` would write it, but reusing the
        text of turns already written: a turn never changes once said, so a save costs the
        header, the new turns and the snapshot, not the whole conversation again."""
        turns = ordered.get("turns")
        if not isinstance(turns, list) or not turns:
            return yamlio.dump(ordered)
        cached = self._turn_text.setdefault(session_id, [])
        if len(cached) > len(turns):
            del cached[len(turns) :]  # a shorter transcript: start that session's cache over
        parts = []
        for i, turn in enumerate(turns):
            if i < len(cached) and cached[i][0] == turn:
                parts.append(cached[i][1])
                continue
            text = yamlio.dump([turn])
            del cached[i:]
            cached.append((copy.deepcopy(turn), text))
            parts.append(text)
        head = {k: v for k, v in ordered.items() if k not in BODY_KEYS}
        tail = {k: v for k, v in ordered.items() if k == "snapshot"}
        return (
            (yamlio.dump(head) if head else "")
            + "turns:\n"
            + "".join(parts)
            + (yamlio.dump(tail) if tail else "")
        )

    def export(self, session_id: str, text: str, suffix: str = ".md") -> Path:
        """Write a rendering of a session (Markdown, HTML) beside it, atomically, private.

        Returns:
            The file written, `<id><suffix>` in the sessions folder.
        """
        path = self.path_for(session_id).with_suffix(suffix)
        self.ensure_writable()
        write_atomic(path, text.encode("utf-8"))
        return path

    def resolve(self, ref: str | os.PathLike[str]) -> Path:
        """Find a session file from what a user typed.

        Args:
            ref: An exact id, a unique prefix of one, or a path to a `.yaml` file.

        Returns:
            The session file.

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
            if (
                not path.is_file()
                and not any(sep in ref for sep in separators)
                and inside.is_file()
            ):
                return inside
            return self._existing(path)
        if _SAFE_ID.fullmatch(ref) and (exact := self.root / f"{ref}.yaml").is_file():
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
        """Read a whole session, found by id, id prefix or path.

        Raises:
            StoreError: Not found, ambiguous, unreadable (with `line:col` for YAML errors), not
                a session, or from a newer coach.
        """
        return load_file(self.resolve(ref))

    def read_header(self, path: str | os.PathLike[str]) -> dict[str, Any]:
        """Read a session file's header only; see the module function `read_header`."""
        return read_header(path)

    def load_header(self, ref: str | os.PathLike[str]) -> dict[str, Any]:
        """Read the header of a session found by id, id prefix or path."""
        return read_header(self.resolve(ref))

    def acquire(self, session_id: str) -> SessionLock:
        """Lock a session for this process until the lock is released.

        Raises:
            SessionBusy: Another coach process holds it (its pid is named when known).
            StoreError: The lock file cannot be made, or is a link or not a plain file.
        """
        path = self.path_for(session_id)
        self.ensure_writable()
        return SessionLock(path, session_id)

    def lock(self, session_id: str) -> SessionLock:
        """`acquire`, for a `with` block: held for the block only."""
        return self.acquire(session_id)

    def preference(self, name: str) -> str | None:
        """A remembered choice, or None. A missing, odd or oversized file is no choice made."""
        path = self.root / PREFERENCES_NAME
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > _PREFERENCES_MAX:
                return None
            data = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return None
        value = data.get(name) if isinstance(data, dict) else None
        return value if isinstance(value, str) else None

    def remember(self, name: str, value: str) -> None:
        """Keep a choice for next time; a folder that cannot be written only forgets it."""
        path = self.root / PREFERENCES_NAME
        data: dict[str, Any] = {}
        with contextlib.suppress(OSError, ValueError):
            if path.is_file() and not path.is_symlink():
                loaded = json.loads(path.read_bytes()[:_PREFERENCES_MAX])
                data = loaded if isinstance(loaded, dict) else {}
        data[name] = value
        try:
            self.ensure_writable()
            write_atomic(path, json.dumps(data, indent=2).encode("utf-8"), durable=False)
        except StoreError as exc:
            log.debug("cannot remember %s: %s", name, exc)

    def remove(self, session_id: str) -> None:
        """Delete a session's file (one that holds nothing the leader said)."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path_for(session_id))
        self._turn_text.pop(session_id, None)

    def _existing(self, path: Path) -> Path:
        if not path.is_file():
            raise StoreError(path, "there is no such session file")
        return path

    def _ids(self) -> builtins.list[str]:
        """Ids of the session files in the folder, newest first (ids sort by time)."""
        names = sorted(self._scan(), reverse=True)
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

    def _scan(self) -> dict[str, builtins.list[int]]:
        """File name → [mtime_ns, size, inode] for every session file, without reading any."""
        found: dict[str, builtins.list[int]] = {}
        try:
            with os.scandir(self.root) as entries:
                for entry in entries:
                    name = entry.name
                    if name.startswith(".") or not name.endswith(".yaml"):
                        continue
                    try:
                        info = entry.stat()
                    except OSError:  # removed, or a dangling link, since the folder was read
                        continue
                    if stat.S_ISREG(info.st_mode):
                        found[name] = [info.st_mtime_ns, info.st_size, info.st_ino]
        except FileNotFoundError:
            return {}
        except NotADirectoryError:
            raise StoreError(self.root, f"the {_FOLDER} is not a folder") from None
        except OSError as exc:
            raise StoreError(self.root, f"cannot read the {_FOLDER} ({exc.strerror})") from None
        return found

    def _read_index(self) -> dict[str, Any]:
        """The cached records, or none when the cache is missing, unreadable or foreign."""
        try:
            raw = (self.root / INDEX_NAME).read_bytes()
            data = json.loads(raw)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:  # a broken cache is rebuilt, never fatal
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
        are reported in `problems` and skipped; they never stop a listing.

        Raises:
            StoreError: The folder itself cannot be read (a missing folder lists as empty).
        """
        stamps = self._scan()
        cached = self._read_index()
        changed = any(name not in stamps for name in cached)
        records: dict[str, Any] = {}
        sessions: builtins.list[SessionSummary] = []
        problems: builtins.list[StoreError] = []
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
        if changed:
            self._write_index(records)
        sessions.sort(key=lambda s: (_instant(s.started_at), s.id), reverse=True)
        problems.sort(key=lambda e: str(e.path))
        return Listing(sessions, problems)


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
