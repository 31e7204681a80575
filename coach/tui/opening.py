"""The first question (or the start screen) on screen before the engine is imported.

Textual alone takes about 200 ms here to draw a first frame; the engine, Jinja2, the transcript
model, the store and the session add about 100 ms more before coach knows what to ask. A
leader who starts the same pack again is asked the same opening, so the app keeps what its
first screen showed (the title, the progress line, the coach's lines, the hint) in the cache
folder, and the next start draws that at once: `OpeningScreen`, built from this module's plain
data and from nothing of the engine. The real start runs right after that first frame and
takes over the screen (the same lines in the same places, so nothing moves), or shows
whatever it has to show instead when anything differs: an edited pack, a check-in, a session
to resume.

Only a start that goes straight to the first question is drawn this way: one with no
check-in to ask and no session to offer for resuming. That is known without reading a session
when the sessions folder holds none yet, or when its session files are exactly those it held
when the last reflection ended (`Quiet`, kept then with the first day a commitment comes due)
and that day has not come. Keys pressed meanwhile are kept and given to the real screen in
order, so nothing typed is lost. The start screen of a bare `coach` is kept the same way
(`Choices`: the packs it offered), when no session is left to resume. The records are a
cache like the pack cache (deleting them loses nothing); whatever is odd about them is
simply not used.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Container
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from coach import __version__
from coach.clock import frozen_time, system_clock
from coach.store.errors import StoreError
from coach.store.plainfile import Refused, open_plain, read_fd
from coach.store.scan import session_files
from coach.terminal import printable
from coach.tui.widgets.hint import Hint
from coach.tui.widgets.log import ConversationLog
from coach.tui.widgets.progress import TraitProgress
from coach.tui.widgets.turns import CoachSaid

FILE_NAME = "first-screens.json"
MOST = 8  # records kept of each kind: a few packs, names and folders on one machine
_MAX_BYTES = 1024 * 1024
# More than any first screen holds: a record beyond these was not written by coach.
_MOST_LINES, _MOST_SECTIONS, _LONGEST = 40, 40, 4000
PLACEHOLDER = "Type your answer here"  # the answer box's own, until it is mounted


@dataclass(frozen=True, slots=True)
class Section:
    """A section as the progress line draws it (the engine's `SectionProgress`, as data)."""

    title: str
    trait: str | None
    state: str


@dataclass(frozen=True, slots=True)
class Progress:
    answered: int
    total: int
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class Choices:
    """What the start screen offered: each pack's id and title, in order."""

    key: Mapping[str, Any]
    packs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Opening:
    """What the first screen of a new session showed: enough to draw it again."""

    key: Mapping[str, Any]
    title: str
    progress: Progress
    lines: tuple[tuple[str, bool], ...]  # the coach's lines, with whether each is a follow-up
    hint: str

    def to_dict(self) -> dict[str, Any]:
        progress = self.progress
        return {
            "key": dict(self.key),
            "title": self.title,
            "progress": {
                "answered": progress.answered,
                "total": progress.total,
                "sections": [[s.title, s.trait, s.state] for s in progress.sections],
            },
            "lines": [[text, followup] for text, followup in self.lines],
            "hint": self.hint,
        }


def key_for(pack_path: Path, participant: str) -> dict[str, Any] | None:
    """What an opening depends on that can be known without the engine: the pack file (by its
    place, size and time, as a build tool would judge it), the leader's name and coach's
    version. None when the pack file cannot be seen."""
    try:
        st = os.stat(pack_path)
    except OSError:
        return None
    return {
        "pack": os.path.realpath(pack_path),
        "size": st.st_size,
        "mtime_ns": st.st_mtime_ns,
        "participant": participant,
        "coach": __version__,
    }


def first_screen_for(
    cache: Path, key: Mapping[str, Any], sessions: Path, env: Mapping[str, str]
) -> Opening | None:
    """The opening to draw before the engine, when this start goes straight to its first
    question (see the module's docstring), else None."""
    records = _read(cache)
    if not _quiet(records, sessions, env, key.get("participant")):
        return None
    for record in records["openings"]:
        if record.get("key") == key and not record.get("varies"):
            return _opening(record)
    return None


def start_key(pack_paths: Sequence[Path]) -> dict[str, Any] | None:
    """What the start screen's choice of packs depends on: every pack file it could offer
    (as `key_for` judges one) and coach's version. None when one cannot be seen."""
    packs = []
    for path in pack_paths:
        try:
            st = os.stat(path)
        except OSError:
            return None
        packs.append([os.path.realpath(path), st.st_size, st.st_mtime_ns])
    return {"packs": packs, "coach": __version__}


def start_screen_for(
    cache: Path, key: Mapping[str, Any], sessions: Path, env: Mapping[str, str]
) -> Choices | None:
    """The packs the start screen offered last time, to draw it before the engine, when it
    has no session to offer for resuming (the folder holds none yet, or is as quiet as a
    reflection left it), else None."""
    records = _read(cache)
    if not _quiet(records, sessions, env, None, anyone=True):
        return None
    for record in records["starts"]:
        if record.get("key") == key:
            packs = record.get("packs")
            if (
                isinstance(packs, list)
                and packs
                and all(
                    isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
                    for p in packs
                )
            ):
                return Choices(dict(key), tuple((p[0], p[1]) for p in packs))
    return None


def remember_start(cache: Path, choices: Choices) -> None:
    """Keep the packs the start screen offers (id, title), for the next start."""
    record = {"key": dict(choices.key), "packs": [list(p) for p in choices.packs]}
    _write(cache, "starts", record, lambda r: r.get("key") == choices.key)


def _quiet(
    records: Mapping[str, list[dict[str, Any]]],
    sessions: Path,
    env: Mapping[str, str],
    participant: object,
    anyone: bool = False,
) -> bool:
    """No check-in to ask `participant` and no session to resume: the folder holds no session
    yet, or exactly the files a quiet record of it lists, before that record's first due
    day. `anyone`: a record of any leader will do, and due days do not matter (the start
    screen asks no check-in; the name comes after it)."""
    try:
        frozen = frozen_time(env)
        files, odd = session_files(sessions)
    except (ValueError, StoreError):
        return False  # the real start says what is wrong
    if odd:
        return False
    if not files:
        return True
    today = (frozen or system_clock()).date().isoformat()
    folder = os.path.realpath(sessions)
    for q in records["quiet"]:
        until = q.get("until")
        if (
            q.get("folder") == folder
            and q.get("files") == files
            and (anyone or q.get("participant") == participant)
            and (anyone or until is None or (isinstance(until, str) and today < until))
        ):
            return True
    return False


def after_reflection(cache: Path, store: Any, today: date, participant: str | None) -> None:
    """When a reflection has ended in the app: keep the folder `Quiet` for the next start,
    unless a session is left to resume or a check-in is due (`store` is the session's)."""
    from coach import checkin

    if store.latest_unfinished() is not None:
        return
    plan = checkin.plan(store, today, participant)
    if not plan.questions:
        until = plan.ahead[0].due if plan.ahead else None
        remember_quiet(cache, store.root, participant, until)


def remember(cache: Path, opening: Opening) -> None:
    """Keep `opening` for the next start, newest first. An opening that came out different
    under the same key (a pack whose first words vary, or follow the date) is kept as one
    that `varies`, and is never drawn before the engine: it would change under the leader's
    eyes."""
    record = opening.to_dict()
    for old in _read(cache)["openings"]:
        if old.get("key") == opening.key and (
            old.get("varies") or {**old, "varies": False} != {**record, "varies": False}
        ):
            record["varies"] = True
    _write(cache, "openings", record, lambda r: r.get("key") == opening.key)


def remember_quiet(cache: Path, sessions: Path, participant: str | None, until: str | None) -> None:
    """After a reflection: the session files as they are now, and the first day (ISO) one of
    the leader's commitments comes due (None: none is open), until which a start with these
    same files has no check-in to ask. Called only when no session is left to resume."""
    try:
        files, odd = session_files(sessions)
    except StoreError:
        return
    folder = os.path.realpath(sessions)
    record = {"folder": folder, "participant": participant, "files": files, "until": until}
    if odd:
        return
    _write(
        cache,
        "quiet",
        record,
        lambda r: r.get("folder") == folder and r.get("participant") == participant,
    )


def _trusted(st: os.stat_result) -> bool:
    """This user's own, and nobody else can write it (the pack cache's rule, `packcache`)."""
    getuid = getattr(os, "getuid", None)
    return (getuid is None or st.st_uid == getuid()) and not st.st_mode & 0o022


def _read(cache: Path) -> dict[str, list[dict[str, Any]]]:
    """The records, read only from a cache folder and a file that are the user's own and
    nobody else can write: what they say is drawn as coach's question, so a record planted
    by someone else must not be. Judged on the descriptor opened, never through a link."""
    try:
        if not _trusted(os.stat(cache)):
            raise Refused("the cache folder is not private")
        fd, opened = open_plain(cache / FILE_NAME, follow_links=False)
        try:
            if not _trusted(opened):
                raise Refused("the file is not private")
            data = json.loads(read_fd(fd, opened, _MAX_BYTES))
        finally:
            os.close(fd)
    except (OSError, ValueError, Refused):
        data = {}
    if not isinstance(data, dict):
        data = {}
    return {
        part: [r for r in data.get(part, ()) if isinstance(r, dict)]
        if isinstance(data.get(part), list)
        else []
        for part in ("openings", "starts", "quiet")
    }


def _write(
    cache: Path, part: str, record: dict[str, Any], replaces: Callable[[dict[str, Any]], bool]
) -> None:
    """Put `record` first in `part`, in place of the one it `replaces`; a cache that cannot
    be written only means the next start is drawn the slower way."""
    from coach.store.atomic import ensure_private_dir, write_atomic

    records = _read(cache)
    if records[part][:1] == [record]:  # kept already, newest: nothing to write
        return
    records[part] = [record, *(r for r in records[part] if not replaces(r))][:MOST]
    data = json.dumps(records, ensure_ascii=False).encode("utf-8")
    if len(data) > _MAX_BYTES:  # a folder of thousands of sessions: not worth keeping
        return
    with contextlib.suppress(StoreError, OSError):
        ensure_private_dir(cache, "cache folder")
        if _trusted(os.stat(cache)):  # a folder others can write is not read, so not written
            write_atomic(cache / FILE_NAME, data, durable=False)


def _opening(record: Mapping[str, Any]) -> Opening | None:
    """The record as an `Opening`, or None when any part of it has the wrong shape."""
    try:
        progress = record["progress"]
        sections = tuple(
            Section(str(title), None if trait is None else str(trait), str(state))
            for title, trait, state in progress["sections"]
        )
        lines = tuple((text, followup) for text, followup in record["lines"])
        title, hint = record["title"], record["hint"]
        answered, total = progress["answered"], progress["total"]
    except (KeyError, TypeError, ValueError):
        return None
    fine = (
        isinstance(title, str)
        and isinstance(hint, str)
        and all(isinstance(t, str) and isinstance(f, bool) for t, f in lines)
        and all(isinstance(n, int) and not isinstance(n, bool) for n in (answered, total))
        and all(s.state in ("done", "current", "todo") for s in sections)
    )
    if not fine or not lines or len(lines) > _MOST_LINES or len(sections) > _MOST_SECTIONS:
        return None
    texts = (title, hint, *(t for t, _ in lines), *(s.title for s in sections))
    if any(len(text) > _LONGEST for text in texts):
        return None
    return Opening(record["key"], title, Progress(answered, total, sections), lines, hint)


def captured(
    key: Mapping[str, Any],
    title: str,
    progress: Any,
    lines: Sequence[tuple[str, bool]],
    hint: str,
) -> Opening:
    """An opening from what the real first screen drew (`progress` is the engine's)."""
    sections = tuple(Section(s.title, s.trait, s.state) for s in progress.sections)
    return Opening(
        dict(key), title, Progress(progress.answered, progress.total, sections), tuple(lines), hint
    )


class OpeningScreen(Screen[None]):
    """The first question as it was drawn last time, in the reflection's own layout, while
    the session starts behind it. It answers nothing itself: the app keeps every key pressed
    meanwhile for the reflection screen that replaces it (`CoachApp.on_event`), and this
    screen only shows what is typed, as the answer box will."""

    def __init__(self, opening: Opening) -> None:
        super().__init__()
        self.opening = opening
        self._typed = ""

    def compose(self) -> ComposeResult:
        opening = self.opening
        with Container(id="top"):
            yield Static(Content(printable(opening.title)), id="title")
            yield TraitProgress(id="progress")
        yield ConversationLog(
            *(CoachSaid(text, followup=followup) for text, followup in opening.lines), id="log"
        )
        yield Static(Content(PLACEHOLDER), id="answer-box", classes="control placeholder")
        yield Hint(opening.hint, id="hint")
        yield Static(classes="footer-space")  # where the reflection's footer will be

    def on_mount(self) -> None:
        self.query_one(TraitProgress).show(self.opening.progress)

    @property
    def text(self) -> str:
        """What the leader has typed on this screen so far."""
        return self._typed

    def typed(self, event: events.Key) -> None:
        """Show a key pressed before the answer box is there, as the box would."""
        if event.is_printable and event.character:
            self._typed += event.character
        elif event.key == "backspace":
            self._typed = self._typed[:-1]
        else:
            return
        box = self.query_one("#answer-box", Static)
        box.set_class(not self._typed, "placeholder")
        box.update(Content(self._typed or PLACEHOLDER))
