"""A coach's archive: every session in one or more folders, to list, filter, search, follow.

The folders are a leader's own sessions folder or folders filled by `coach share`; the same
session may sit in two of them (the leader's file and the copy shared with the coach), and is
then shown once, as its newest copy. Everything here reads through the store, its index and the
typed transcript (`parse`), so a file the listing cannot read is reported with its reason and never
stops the rest; and nothing here imports Textual, so `coach review`, `coach list` and the
reports can share one archive (a test proves it).

Everything is listed, filtered and searched from each folder's derived SQLite index
(`coach.store.index`), brought up to date by stat when the archive is refreshed: opening an
archive of ten thousand sessions reads no file that has not changed. Only `load` (a reading
view) and `history` (a trend) go further, to one session's file or one leader's headers.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from coach import actions
from coach import notes as notefiles
from coach.notes import Note
from coach.store import SessionStore, SessionSummary, StoreError, load_file, read_header
from coach.store.index import INDEX_FILE, Facts, Index, IndexedSession
from coach.store.plainfile import Refused, read_plain
from coach.store.store import MAX_SESSION_BYTES, journal_path
from coach.transcript import ActionItem, Loyalty, Transcript, parse

__all__ = [
    "ATTENTION_KINDS",
    "Archive",
    "Attention",
    "Entry",
    "FollowThrough",
    "Glance",
    "Match",
    "Snippet",
    "Trend",
    "TurnMatch",
    "follow_through",
    "leader_key",
    "search_terms",
]

log = logging.getLogger(__name__)

ATTENTION_KINDS = ("overdue", "dropped", "unfinished")
"""What needs a coach's attention, in the order the needs-attention view lists it."""

BUSY = (
    "another coach process is updating this folder's search index; its sessions are listed "
    "once it is done (F5 reads the folders again)"
)

GLANCE_WAIT = 0.2  # seconds a first look waits for another process's write to an index
SNIPPET_BEFORE = 30  # characters of context shown before the first match of an answer
SNIPPET_WIDTH = 110  # the longest snippet, ellipses included

Stamp = tuple[int, int, int]  # mtime_ns, size, inode: a file unchanged since it was read
_new_summary: Callable[..., SessionSummary] = SessionSummary  # positional, from index rows


# -- what the archive holds ------------------------------------------------------------------


def leader_key(name: str | None) -> str:
    """How sessions are grouped by leader: the name as typed, without case or outer spaces
    ("dana" and "Dana " are one leader); sessions without a name share the key ""."""
    return " ".join((name or "").split()).casefold()


def _moment(stamp: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _instant(stamp: str) -> float:
    """Seconds since the epoch, for ordering; a time that cannot be read sorts first."""
    moment = _moment(stamp)
    return float("-inf") if moment is None else moment.timestamp()


def _day(stamp: str) -> date | None:
    """The calendar day of a stamp, in the time zone it was written in."""
    moment = _moment(stamp)
    return None if moment is None else moment.date()


def _due(item: ActionItem) -> date | None:
    return _day_of(item.due)


def _day_of(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class FollowThrough:
    """What became of one session's action items. `overdue` counts open items past due, so
    it is part of `open`, not beside it."""

    done: int = 0
    open: int = 0
    dropped: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.done + self.open + self.dropped


def follow_through(transcript: Transcript, today: date) -> FollowThrough:
    """Count a session's items by status, and the open ones whose due day has passed."""
    items = transcript.action_items
    overdue = sum(1 for i in items if i.is_open and (d := _due(i)) is not None and d < today)
    return FollowThrough(
        done=sum(1 for i in items if i.status == "done"),
        open=sum(1 for i in items if i.is_open),
        dropped=sum(1 for i in items if i.status == "dropped"),
        overdue=overdue,
    )


class Entry:
    """One session in the archive: its listing line and facts (from the index: enough for a
    table row, a filter and the needs-attention view), its header (typed, no turns, parsed on
    first use), the folder it was found in, and the other files holding the same session,
    which are not shown."""

    __slots__ = ("_facts", "_header", "_read", "copies", "folder", "summary")

    def __init__(
        self,
        summary: SessionSummary,
        facts: Facts | str,
        folder: Path,
        read: Callable[[], Transcript],
        copies: tuple[Path, ...] = (),
    ) -> None:
        """Args:
        summary: The listing line.
        facts: The facts, or the index's JSON of them, decoded the first time a row, a
            filter or a sort asks: a first screen over ten thousand sessions needs a
            screenful of them, and decoding them all is a third of listing the archive.
        folder: The folder the file was found in.
        read: Parses the header when it is first asked for.
        copies: The other files holding the same session.
        """
        self.summary = summary
        self._facts = facts
        self.folder = folder
        self.copies = copies
        self._read = read
        self._header: Transcript | None = None

    def __repr__(self) -> str:
        return f"Entry({self.id!r}, {str(self.folder)!r})"

    def with_copies(self, copies: tuple[Path, ...]) -> Entry:
        twin = Entry(self.summary, self._facts, self.folder, self._read, copies)
        twin._header = self._header
        return twin

    @property
    def facts(self) -> Facts:
        """What the index keeps for a row, a filter and the needs-attention view."""
        if isinstance(self._facts, str):
            self._facts = Facts.from_json(self._facts)
        return self._facts

    @property
    def header(self) -> Transcript:
        """The session's header as the typed model (ratings, loyalty, action items; no turns),
        parsed the first time it is asked for.

        Raises:
            StoreError: The header had to be read from the file, and it no longer reads.
        """
        if self._header is None:
            self._header = self._read()
        return self._header

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def path(self) -> Path:
        return self.summary.path

    @property
    def leader(self) -> str:
        """The leader's name as the file gives it, or "" when the session has none."""
        return self.summary.participant or ""

    @property
    def started(self) -> date | None:
        return _day(self.summary.started_at)

    @property
    def moment(self) -> float:
        """When the session started, in seconds since the epoch, for ordering sessions
        written in different time zones; one whose time cannot be read sorts first."""
        return _instant(self.summary.started_at)

    @property
    def complete(self) -> bool:
        return self.summary.status == "complete"

    @property
    def shared(self) -> bool:
        """A copy a leader shared (`coach share`): it is replaced when they share again."""
        return self.facts.shared

    @property
    def loyalty_title(self) -> str:
        """The title of the trait the loyalty answer was classified as ("" when none)."""
        return self.facts.loyalty_title

    def ratings(self) -> list[tuple[str, str, int | None]]:
        """Each trait of the session's pack in the pack's order: id, title, rating or None.
        Traits rated but not named in the file's `traits` follow, titled by their id."""
        return list(self.facts.ratings)

    def overdue(self, today: date) -> list[ActionItem]:
        """Open items whose due day is before `today`, the oldest due first."""
        late = [i for i in self.header.action_items if i.is_open and (d := _due(i)) and d < today]
        return sorted(late, key=lambda i: i.due)

    def late(self, today: date) -> list[tuple[str, str]]:
        """(due day, text) of each open item past due, the oldest first: `overdue` without
        parsing the header, for a table row and the needs-attention view."""
        late = [
            (due, text)
            for due, status, text in self.facts.items
            if status == "open" and (d := _day_of(due)) is not None and d < today
        ]
        return sorted(late, key=lambda pair: pair[0])

    def follow_through(self, today: date) -> FollowThrough:
        items = self.facts.items
        return FollowThrough(
            done=sum(1 for _, status, _ in items if status == "done"),
            open=sum(1 for _, status, _ in items if status == "open"),
            dropped=sum(1 for _, status, _ in items if status == "dropped"),
            overdue=len(self.late(today)),
        )


@dataclass(frozen=True, slots=True)
class Glance:
    """A first look at an archive before it is listed (`Archive.newest`): its newest
    sessions as the indexes last saw them, newest first, and the ids of the packs there."""

    entries: list[Entry]
    packs: list[str]


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short piece of an answer around its first match, on one line (newlines shown as
    spaces), with the spans of every match it shows, as offsets into `text`."""

    text: str
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True, slots=True)
class TurnMatch:
    """One answer that matched: the turn's number, where each term matched in its text
    (offsets into the turn's own text, for highlighting), and a snippet to list."""

    n: int
    spans: tuple[tuple[int, int], ...]
    snippet: Snippet


@dataclass(frozen=True, slots=True)
class Match:
    """A session with answers that matched a search, in the order they were given."""

    entry: Entry
    turns: tuple[TurnMatch, ...]

    @property
    def snippet(self) -> Snippet:
        return self.turns[0].snippet

    def spans_of(self, n: int) -> tuple[tuple[int, int], ...]:
        """The spans to highlight in turn `n`; none when that turn did not match."""
        return next((t.spans for t in self.turns if t.n == n), ())


@dataclass(frozen=True, slots=True)
class Attention:
    """One reason a session needs a coach's attention, said in one line."""

    entry: Entry
    kind: str  # one of ATTENTION_KINDS
    reason: str


@dataclass(frozen=True, slots=True)
class Trend:
    """One leader over time, oldest session first: each trait's ratings (None where a
    session did not rate it), the loyalty answer and trait of each session, and what became
    of each session's action items."""

    leader: str
    sessions: tuple[Transcript, ...]
    traits: tuple[tuple[str, str], ...]  # id and title, in the packs' order
    ratings: dict[str, tuple[int | None, ...]] = field(default_factory=dict)
    loyalty: tuple[Loyalty, ...] = ()
    follow: tuple[FollowThrough, ...] = ()

    @property
    def days(self) -> tuple[date | None, ...]:
        return tuple(_day(t.started_at) for t in self.sessions)

    def totals(self) -> FollowThrough:
        return FollowThrough(
            sum(f.done for f in self.follow),
            sum(f.open for f in self.follow),
            sum(f.dropped for f in self.follow),
            sum(f.overdue for f in self.follow),
        )


# -- searching ---------------------------------------------------------------------------

_TERM = re.compile(r'"([^"]+)"|(\S+)')
_TOKEN = re.compile(r"[^\W_]+")  # a word as FTS5's unicode61 tokenizer cuts them


def search_terms(text: str) -> list[str]:
    """The terms of a search: words, or "quoted phrases" kept whole. Each must occur in an
    answer (in any case) for it to match, as in a full-text index."""
    terms: list[str] = []
    for phrase, word in _TERM.findall(text):
        term = " ".join((phrase or word).split())
        if term and term.casefold() not in (t.casefold() for t in terms):
            terms.append(term)
    return terms


def _spans(text: str, patterns: Sequence[re.Pattern[str]]) -> tuple[tuple[int, int], ...] | None:
    """Every match of every pattern in `text`, in order and merged where they overlap; None
    when one of the patterns does not occur."""
    found: list[tuple[int, int]] = []
    for pattern in patterns:
        hits = [m.span() for m in pattern.finditer(text)]
        if not hits:
            return None
        found.extend(hits)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _snippet(text: str, spans: Sequence[tuple[int, int]]) -> Snippet:
    """A window of the answer around its first match, on one line."""
    first = spans[0][0]
    start = max(0, first - SNIPPET_BEFORE)
    if start:  # begin at a word
        space = text.find(" ", start, first)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + SNIPPET_WIDTH - 2)
    if end < len(text):
        space = text.rfind(" ", max(start, spans[0][1]), end)
        end = space if space > 0 else end
    piece = re.sub(r"\s", " ", text[start:end])  # one character for one: offsets hold
    lead = "…" if start else ""
    shown = tuple(
        (len(lead) + max(s, start) - start, len(lead) + min(e, end) - start)
        for s, e in spans
        if s < end and e > start
    )
    return Snippet(lead + piece + ("…" if end < len(text) else ""), shown)


# -- the archive -------------------------------------------------------------------------


class Archive:
    """Every session in `folders`, listed, filtered and searched from each folder's derived
    SQLite index (`coach.store.index`), which `refresh` brings up to date by stat.

    Only files that changed since the index last saw them are read; a listing, a filter and
    the needs-attention view then read no file at all, and a header (the typed model) is
    parsed only when something asks for it, once per version of the file. Safe to refresh
    from a worker thread while the UI reads the last listing.

    Args:
        folders: Session folders, most trusted first: when a session is in two of them with
            the same `updated_at`, the full copy wins over a summary, then the earlier folder.
    """

    def __init__(self, folders: Sequence[str | os.PathLike[str]]) -> None:
        unique: list[Path] = []
        for folder in folders:
            path = Path(folder).expanduser()
            if not any(_same(path, seen) for seen in unique):
                unique.append(path)
        self.folders: tuple[Path, ...] = tuple(unique)
        self._stores = {folder: SessionStore(folder) for folder in self.folders}
        self._indexes = {folder: Index(folder) for folder in self.folders}
        self._entries: list[Entry] | None = None
        self._problems: list[StoreError] = []
        self._late_problems: dict[Path, StoreError] = {}  # bodies found unreadable later
        self._body_problems: dict[Path, str] = {}  # headers that read, turns that do not
        self._headers: dict[Path, tuple[Stamp, Transcript]] = {}
        self._mutex = threading.RLock()
        # One refresh at a time: a reader that finds the archive not yet listed waits for the
        # refresh under way (a UI's worker) instead of running a second one beside it.
        self._refreshing = threading.Lock()

    def __repr__(self) -> str:
        return f"Archive({[str(f) for f in self.folders]!r})"

    def close(self) -> None:
        """Close the indexes' databases (they open again when next needed)."""
        for index in self._indexes.values():
            index.close()

    # -- listing ---------------------------------------------------------------------------

    @property
    def loaded(self) -> bool:
        """Whether the folders have been read yet (a UI reads them in a worker first)."""
        return self._entries is not None

    @property
    def entries(self) -> list[Entry]:
        """Every session, newest first by start time (read on first use)."""
        self._listed()
        assert self._entries is not None
        return self._entries

    def _listed(self) -> None:
        """List the archive if nothing has yet, or wait for the refresh that is doing so."""
        if self._entries is None:
            with self._refreshing:
                if self._entries is None:
                    self._refresh(None)

    @property
    def problems(self) -> list[StoreError]:
        """Files that could not be read, each with its reason, and folders that are missing."""
        self._listed()
        with self._mutex:
            late = [p for p in self._late_problems.values() if p not in self._problems]
            return [*self._problems, *late]

    def refresh(self, progress: Callable[[int, int], None] | None = None) -> None:
        """Bring each folder's index up to date (reading only the files that changed since),
        then list every session from the indexes.

        Args:
            progress: Called as `progress(done, total)` while changed files are read, folder
                by folder, so a UI can say how far it is when many changed.
        """
        with self._refreshing:
            self._refresh(progress)

    def _refresh(self, progress: Callable[[int, int], None] | None) -> None:
        problems: list[StoreError] = []
        found: dict[str, list[Entry]] = {}
        body_problems: dict[Path, str] = {}
        for folder in self.folders:
            if not folder.exists():
                problems.append(StoreError(folder, "there is no such folder"))
                continue
            if not folder.is_dir():
                problems.append(StoreError(folder, "the sessions folder is not a folder"))
                continue
            index = self._indexes[folder]
            try:
                index.refresh(progress)
                rows = index.sessions()
                problems.extend(
                    StoreError(folder / p.file, p.message, p.line, p.col)
                    for p in index.problem_list()
                )
            except sqlite3.OperationalError as exc:  # busy for longer than the timeout
                log.debug("the index of %s is busy: %s", folder, exc)
                problems.append(StoreError(folder, BUSY))
                continue
            except (OSError, sqlite3.Error) as exc:  # the folder cannot be read at all
                problems.append(StoreError(folder, f"cannot read the folder ({exc})"))
                continue
            for row in rows:
                entry = self._entry(folder, row)
                if row.body_problem is not None:
                    body_problems[entry.path] = row.body_problem
                found.setdefault(entry.id, []).append(entry)
        entries = [copies[0] if len(copies) == 1 else _newest(copies) for copies in found.values()]
        entries.sort(key=_order, reverse=True)
        paths = {e.path for e in entries}
        problems.sort(key=lambda e: str(e.path))
        with self._mutex:
            self._entries = entries
            self._problems = problems
            self._body_problems = body_problems
            self._late_problems = {
                path: problem
                for path, problem in self._late_problems.items()
                if path in body_problems
            }
            self._headers = {p: h for p, h in self._headers.items() if p in paths}

    def newest(self, count: int) -> Glance:
        """The `count` newest sessions as the indexes hold them now, and the packs there:
        a first screen to draw while `refresh` brings the indexes up to date and lists the
        rest. Reads no session file and stats none, so a file changed since the last refresh
        shows as it was until then; a folder whose index is missing, damaged, or busy for
        more than `GLANCE_WAIT` (another process writing it: a UI asks this before its first
        frame and must not hang on it) adds nothing, and the refresh sees to it. Leaves the
        archive unlisted (`loaded` stays False).
        """
        found: dict[str, list[Entry]] = {}
        packs: set[str] = set()
        for folder in self.folders:
            if not folder.is_dir() or not (folder / INDEX_FILE).is_file():
                continue  # nothing indexed yet: opening would make an empty index here
            try:
                with Index(folder, timeout=GLANCE_WAIT) as index:
                    rows = index.newest(count)
                    packs.update(index.packs())
            except sqlite3.Error as exc:
                log.debug("no first look at the index of %s: %s", folder, exc)
                continue
            for row in rows:
                entry = self._entry(folder, row)
                found.setdefault(entry.id, []).append(entry)
        entries = [c[0] if len(c) == 1 else _newest(c) for c in found.values()]
        entries.sort(key=_order, reverse=True)
        return Glance(entries[:count], sorted(packs))

    def _entry(self, folder: Path, row: IndexedSession) -> Entry:
        path = folder / row.file
        summary = _new_summary(*row.summary, path)

        stamp = row.stamp

        def read() -> Transcript:
            return self._header(folder, path, stamp)

        return Entry(summary, row.facts_json, folder, read)

    def _header(self, folder: Path, path: Path, stamp: Stamp) -> Transcript:
        """The header of this version of the file, parsed once: from the JSON the index keeps,
        or from the file when the index does not hold it (any more)."""
        with self._mutex:
            cached = self._headers.get(path)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            doc = self._indexes[folder].header(path.name, stamp)
        except sqlite3.Error as exc:
            log.debug("reading the header of %s from its file: %s", path, exc)
            doc = None
        header = parse(doc if doc is not None else read_header(path), path)
        with self._mutex:
            self._headers[path] = (stamp, header)
        return header

    def get(self, session_id: str) -> Entry:
        """The session with this id.

        Raises:
            KeyError: No session in the archive has it.
        """
        for entry in self.entries:
            if entry.id == session_id:
                return entry
        raise KeyError(session_id)

    def leaders(self) -> list[str]:
        """Each leader once, as their newest session names them, in alphabetical order;
        "" stands for the sessions without a name."""
        names: dict[str, str] = {}
        for entry in self.entries:  # newest first: the first spelling seen is the newest
            names.setdefault(leader_key(entry.leader), entry.leader.strip())
        return sorted(names.values(), key=lambda name: (name == "", name.casefold()))

    def packs(self) -> list[str]:
        """The ids of the packs the sessions ran, sorted."""
        return sorted({e.summary.pack_id for e in self.entries if e.summary.pack_id})

    def filter(
        self,
        *,
        leader: str | None = None,
        pack: str | None = None,
        status: str | None = None,
        since: date | None = None,
        until: date | None = None,
        entries: Iterable[Entry] | None = None,
    ) -> list[Entry]:
        """The sessions that pass every filter given, in archive order.

        Args:
            leader: A leader's name, in any case ("" for sessions without a name).
            pack: A pack id.
            status: `complete` or `in_progress`.
            since: Started on or after this day.
            until: Started on or before this day.
            entries: Filter these instead of the whole archive (a search's sessions).
        """
        wanted = None if leader is None else leader_key(leader)
        kept = []
        for entry in self.entries if entries is None else entries:
            day = entry.started
            if (
                (wanted is not None and leader_key(entry.leader) != wanted)
                or (pack is not None and entry.summary.pack_id != pack)
                or (status is not None and entry.summary.status != status)
                or (since is not None and (day is None or day < since))
                or (until is not None and (day is None or day > until))
            ):
                continue
            kept.append(entry)
        return kept

    # -- reading ---------------------------------------------------------------------------

    def load(self, entry: Entry | str) -> Transcript:
        """The whole session (turns included), read now through the store and `parse`.

        Raises:
            KeyError: No session in the archive has this id.
            StoreError: The file cannot be read or is not a valid transcript.
        """
        entry = self.get(entry) if isinstance(entry, str) else entry
        return parse(load_file(entry.path), entry.path)

    def notes(self, entry: Entry) -> list[Note]:
        """The coach's notes beside the session, oldest first.

        Raises:
            StoreError: The notes file cannot be read.
        """
        return notefiles.read(entry.path)

    # -- searching -------------------------------------------------------------------------

    def search(self, text: str, entries: Iterable[Entry] | None = None) -> list[Match]:
        """Sessions whose answers hold every term of `text`, in any case; for each, the
        answers that matched with the spans to highlight and a snippet.

        The leader's answers are searched (a summary-only copy has none), from the indexes:
        FTS5 finds the answers holding a word that begins with each word of the terms, and
        each is then checked for the terms themselves, so a term matches as the text it is
        (a phrase with its words in order), in any case. A session whose answers cannot be
        read is passed over, and joins `problems` when its file holds the words.

        Args:
            text: Words, or "quoted phrases"; blank matches nothing.
            entries: Search only these sessions (in this order); the whole archive if None.
        """
        terms = search_terms(text)
        if not terms:
            return []
        patterns = [re.compile(r"\s+".join(map(re.escape, t.split())), re.I) for t in terms]
        prefixes = [word for term in terms for word in _TOKEN.findall(term)]
        listed = self.entries if entries is None else list(entries)  # indexes read first
        hits: dict[tuple[Path, str], list[tuple[int, str]]] = {}
        for folder in self.folders:
            try:
                answers = list(self._indexes[folder].answers(prefixes))
            except sqlite3.Error as exc:
                log.debug("cannot search the index of %s: %s", folder, exc)
                continue
            for session, n, answer in answers:
                hits.setdefault((folder, session), []).append((n, answer))
        found = []
        for entry in listed:
            turns = []
            for n, answer in sorted(hits.get((entry.folder, entry.id), ())):
                spans = _spans(answer, patterns)
                if spans is not None:
                    turns.append(TurnMatch(n, spans, _snippet(answer, spans)))
            if turns:
                found.append(Match(entry, tuple(turns)))
        self._note_unreadable(terms)
        return found

    def _note_unreadable(self, terms: Sequence[str]) -> None:
        """Sessions whose turns cannot be read join `problems` once a search could have
        matched them: their file's text holds every word of the terms."""
        words = [
            re.compile(re.escape(word), re.I)
            for term in terms
            for word in re.findall(r"[A-Za-z0-9]+", term)
        ]
        with self._mutex:
            broken = dict(self._body_problems)
        for path, message in broken.items():
            if path not in self._late_problems and _could_hold(path, words):
                with self._mutex:
                    self._late_problems[path] = StoreError(path, message)

    # -- following leaders -----------------------------------------------------------------

    def history(self, leader: str) -> list[Transcript]:
        """A leader's sessions, oldest first, as headers (ratings, loyalty, action items; no
        turns): what a trend needs, without reading any conversation."""
        entries = self.filter(leader=leader)
        return [e.header for e in reversed(entries)]

    def trend(self, leader: str, today: date) -> Trend:
        """A leader's ratings, loyalty and follow-through over their sessions, oldest first."""
        sessions = tuple(self.history(leader))
        traits: dict[str, str] = {}
        for t in sessions:
            for trait in [*t.traits, *t.ratings]:
                traits.setdefault(trait, t.trait_title(trait))
            if t.loyalty.trait:
                traits.setdefault(t.loyalty.trait, t.trait_title(t.loyalty.trait))
        ratings = {trait: tuple(t.ratings.get(trait) for t in sessions) for trait in traits}
        name = next((t.participant for t in reversed(sessions) if t.participant), leader)
        return Trend(
            leader=(name or "").strip(),
            sessions=sessions,
            traits=tuple(traits.items()),
            ratings={
                trait: values
                for trait, values in ratings.items()
                if any(v is not None for v in values)
            },
            loyalty=tuple(t.loyalty for t in sessions),
            follow=tuple(follow_through(t, today) for t in sessions),
        )

    def needs_attention(self, today: date) -> list[Attention]:
        """What a coach should look at: sessions with open items past due, each leader's
        latest session where a rating fell below the one before it, and sessions left
        unfinished; each with its reason in one line.

        Overdue items come first, the longest overdue first; then falls and unfinished
        sessions, the newest first.
        """
        overdue: list[tuple[str, Attention]] = []
        for entry in self.entries:
            late = entry.late(today)
            if late:
                due, text = late[0]
                oldest = date.fromisoformat(due)
                many = f"{len(late)} open items overdue" if len(late) > 1 else "1 open item overdue"
                reason = (
                    f"{many}, the oldest due {_words(oldest)} "
                    f"({_days((today - oldest).days)} ago): {_one_line(text)}"
                )
                overdue.append((due, Attention(entry, "overdue", reason)))
        overdue.sort(key=lambda pair: pair[0])
        dropped = list(self._drops())
        unfinished = [
            Attention(entry, "unfinished", _unfinished(entry, today))
            for entry in self.entries
            if not entry.complete
        ]
        return [a for _, a in overdue] + dropped + unfinished

    def _drops(self) -> Iterator[Attention]:
        """Each named leader's latest session with ratings, where a trait is rated lower than
        in the latest earlier session that rated it."""
        by_leader: dict[str, list[Entry]] = {}
        for entry in self.entries:  # newest first
            if leader_key(entry.leader) and entry.summary.ratings:
                by_leader.setdefault(leader_key(entry.leader), []).append(entry)
        latest = []
        for sessions in by_leader.values():
            newest, earlier = sessions[0], sessions[1:]
            falls = []
            for trait, title, now in newest.ratings():
                before = next(
                    (e for e in earlier if e.summary.ratings.get(trait) is not None), None
                )
                if now is None or before is None:
                    continue
                was = before.summary.ratings[trait]
                if now < was:
                    when = before.started
                    since = f" since {_words(when)}" if when else ""
                    falls.append(f"{_one_line(title)} {was} → {now}{since}")
            if falls:
                latest.append(Attention(newest, "dropped", "rated lower: " + "; ".join(falls)))
        yield from latest  # already newest first: by_leader keeps the archive's order

    # -- changing what the coach may change ------------------------------------------------

    def mark(self, entry: Entry, item_id: str, status: str, on: date) -> Entry:
        """Mark one action item `done`, `dropped` or `open` again, under the session's lock,
        through `coach.actions.mark`; returns the session as it now is.

        Raises:
            StoreError: The session is open in another coach process (`SessionBusy`, whose
                message says so in one sentence), or cannot be read or written.
            actions.ActionError: The session has no such item.
        """
        actions.mark(self._stores[entry.folder], f"{entry.id}:{item_id}", status, on)
        return self._reread(entry)

    def add_note(
        self, entry: Entry, text: str, *, author: str, at: str, turn: int | None = None
    ) -> Note:
        """Add a coach's note beside the session (never inside it), on the whole session or
        one turn.

        Raises:
            ValueError: The note is empty, or the session has no such turn (one sentence).
            StoreError: The notes file cannot be read or written.
        """
        if not text.strip():
            raise ValueError("the note is empty")
        if turn is not None:
            numbers = {t.n for t in self.load(entry).turns}
            if turn not in numbers:
                last = max(numbers, default=0)
                its = f"its turns are 1-{last}" if last else "it has no turns"
                raise ValueError(f"session {entry.id} has no turn {turn} ({its})")
        note = Note(at=at, author=author, text=text.strip(), turn=turn)
        notefiles.add(entry.path, entry.id, note)
        return note

    def _reread(self, entry: Entry) -> Entry:
        """The entry read again after a change, in place in the listing."""
        index = self._indexes[entry.folder]
        index.update(entry.path.name)
        row = index.session(entry.path.name)
        if row is None:  # changed again since, and no longer reads: list it as it was
            return entry
        fresh = self._entry(entry.folder, row).with_copies(entry.copies)
        with self._mutex:
            if self._entries is not None:
                self._entries = [fresh if e.id == entry.id else e for e in self._entries]
        return fresh


def _could_hold(path: Path, words: Sequence[re.Pattern[str]]) -> bool:
    """Whether a session file's text holds every one of `words` (in any case), so that its
    answers might: the emitter never escapes ASCII letters or digits, and never folds a
    line, so a word in an answer is a word in the file. True when unsure: the session has a
    journal of rejected lines beside it, or the file cannot be read as text (the full read
    that follows says why)."""
    if not words or os.path.lexists(journal_path(path)):
        return True
    try:
        text = read_plain(path, MAX_SESSION_BYTES, follow_links=False).decode("utf-8")
    except (OSError, Refused, UnicodeDecodeError):
        return True
    return all(word.search(text) for word in words)


def _order(entry: Entry) -> tuple[float, str]:
    """The archive's order, newest first once reversed: the instant a session started, then
    its id."""
    return (_instant(entry.summary.started_at), entry.id)


def _same(a: Path, b: Path) -> bool:
    """Whether two folder names are one folder (both may be missing)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.absolute() == b.absolute()


def _newest(copies: list[Entry]) -> Entry:
    """The copy to show of a session found in several folders: the newest `updated_at`, then
    a full copy over a summary, then the earlier folder (`copies` is in folder order)."""

    def rank(pair: tuple[int, Entry]) -> tuple[float, bool, int]:
        index, entry = pair
        summary_only = entry.facts.summary_only
        return (_instant(entry.summary.updated_at), not summary_only, -index)

    _, best = max(enumerate(copies), key=rank)
    others = tuple(e.path for e in copies if e is not best)
    return best.with_copies(others) if others else best


def _words(day: date) -> str:
    """A day as people say it: `Fri 27 Nov 2026`."""
    return f"{day:%a} {day.day} {day:%b} {day.year}"


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def _one_line(text: str, most: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= most else line[: most - 1].rstrip() + "…"


def _unfinished(entry: Entry, today: date) -> str:
    s = entry.summary
    saved = _day(s.updated_at or s.started_at)
    when = ""
    if saved is not None:
        ago = (today - saved).days
        when = f", last saved {_words(saved)}" + (f" ({_days(ago)} ago)" if ago > 0 else " (today)")
    return f"unfinished: {s.answered} of {s.steps} answered{when}"
