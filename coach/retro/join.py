"""Taking part in a retro: where its folder is, the participant's own files, the contribution.

A participant's link to what they wrote into a retro folder is kept only on their side, in a
private ledger in their own sessions folder (`<sessions>/.retros/<ID>-<folder hash>.yaml`,
0600, one per retro folder): the retro folder itself never says whose a file is. The ledger
is what lets a participant change their vote (their vote file's random name), sync only their
own files, and never contribute one session twice.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

from coach.catalog import RETRO_PACK
from coach.errors import StoreError
from coach.retro.files import (
    Contribution,
    RetroFolder,
    Settings,
    Suggestion,
    _Bad,
    _read_doc,
    valid_retro_id,
)
from coach.store import ensure_private_dir, write_atomic, yamlio
from coach.transcript import RetroTag, Transcript

__all__ = [
    "LEADER_PACK",
    "TEAM_PACK",
    "Ledger",
    "contribute",
    "contribution_of",
    "hide_time",
    "ledger_lock",
    "read_ledger",
    "retro_folder",
    "write_ledger",
]

TEAM_PACK = RETRO_PACK
LEADER_PACK = "sales-leader"


def retro_folder(
    sessions: Path,
    retro_id: str,
    retro_dir: str | None = None,
    env: Mapping[str, str] = os.environ,
) -> RetroFolder:
    """The folder of retro `retro_id`: `ID/` inside `--retro-dir DIR`, else inside
    `$COACH_RETRO_DIR`, else inside `<sessions>/retros/`. DIR holds a team's retros side by
    side, so the next retro finds the last one's actions.

    Raises:
        StoreError: the id is not a safe folder name.
    """
    if not valid_retro_id(retro_id):
        raise StoreError(
            Path(retro_id),
            "is not a valid retro id: use letters, digits, '.', '_' and '-' (at most 64)",
        )
    base = retro_dir or env.get("COACH_RETRO_DIR") or None
    parent = Path(base).expanduser() if base else sessions / "retros"
    return RetroFolder(parent / retro_id, retro_id)


@dataclass(frozen=True, slots=True)
class Ledger:
    """What this participant wrote into one retro folder (names relative to it)."""

    retro: str
    files: tuple[str, ...] = ()
    sessions: Mapping[str, str] = field(default_factory=dict)  # session id -> contribution
    votes: str | None = None  # this voter's file name in votes/

    def with_file(self, name: str) -> Ledger:
        files = self.files if name in self.files else (*self.files, name)
        return Ledger(self.retro, files, self.sessions, self.votes)


def _ledger_path(sessions: Path, retro: RetroFolder | str) -> Path:
    """One ledger per retro FOLDER: the same id in two teams' folders never shares a vote
    file's name (which would link one person across both). A bare id is the old, id-only
    name, kept for readers that know only the id."""
    if isinstance(retro, str):
        return sessions / ".retros" / f"{retro}.yaml"
    where = os.path.abspath(retro.path).encode("utf-8", "surrogateescape")
    return sessions / ".retros" / f"{retro.id}-{hashlib.sha256(where).hexdigest()[:16]}.yaml"


@contextlib.contextmanager
def ledger_lock(sessions: Path, folder: RetroFolder) -> Iterator[None]:
    """Hold this participant's lock on one retro's ledger across read, decide and write, so
    two of their processes at once cannot both pick a new file name (two vote files, or one
    session contributed twice). The lock file sits beside the ledger, in the private folder.
    """
    path = _ledger_path(sessions, folder)
    ensure_private_dir(path.parent, "folder of your retro records")
    fd = os.open(path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock to take
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def read_ledger(sessions: Path, retro: RetroFolder | str) -> Ledger:
    """This participant's ledger for a retro folder; an empty one if there is none (or it is
    damaged: it only ever names files in the retro folder, which stay there)."""
    retro_id = retro if isinstance(retro, str) else retro.id
    path = _ledger_path(sessions, retro)
    if isinstance(retro, str) and not path.exists():
        # A caller that knows only the id: the one folder's ledger of that id, if only one.
        found = sorted((sessions / ".retros").glob(f"{glob.escape(retro)}-*.yaml"))
        if len(found) != 1:
            return Ledger(retro_id)
        path = found[0]
    if not path.exists():
        return Ledger(retro_id)
    try:
        doc = _read_doc(path)
    except _Bad:
        return Ledger(retro_id)
    if not isinstance(doc, Mapping):
        return Ledger(retro_id)
    files = tuple(str(f) for f in doc.get("files") or () if isinstance(f, str))
    raw = doc.get("sessions")
    sessions_map = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, Mapping) else {}
    votes = doc.get("votes")
    return Ledger(retro_id, files, sessions_map, votes if isinstance(votes, str) else None)


def write_ledger(sessions: Path, ledger: Ledger, folder: RetroFolder | None = None) -> None:
    path = _ledger_path(sessions, folder if folder is not None else ledger.retro)
    ensure_private_dir(path.parent, "folder of your retro records")
    doc: dict[str, Any] = {
        "retro": ledger.retro,
        "files": list(ledger.files),
        "sessions": dict(ledger.sessions),
        "votes": ledger.votes,
    }
    write_atomic(path, yamlio.dump(doc).encode("utf-8"))


def hide_time(path: Path, day: str) -> None:
    """Set a file's modification time to the retro's date (midnight UTC), so a listing of
    the folder cannot order or time its participants."""
    try:
        moment = datetime.combine(date.fromisoformat(day), time(0), tzinfo=UTC)
    except ValueError:
        return
    stamp = moment.timestamp()
    # Best effort: the name is random anyway.
    with contextlib.suppress(OSError, NotImplementedError):
        os.utime(path, (stamp, stamp), follow_symlinks=False)


def contribution_of(transcript: Transcript, tag: RetroTag) -> Contribution:
    """Only what the share level allows, from a finished session.

    Anonymous: ratings, the loyalty trait, suggestions and the proposed action, nothing
    else (not the name, not an answer, not a time). Named adds the participant's name. A
    session of the sales-leader pack is the leader's own: self-ratings only.
    """
    if transcript.pack.id == LEADER_PACK:
        return Contribution(tag.id, share="named", role="leader", ratings=dict(transcript.ratings))
    suggestions = tuple(
        Suggestion(item.text, item.trait)
        for item in transcript.action_items
        if item.kind == "suggestion" and item.text.strip()
    )
    actions = tuple(
        Suggestion(item.text)
        for item in transcript.action_items
        if item.kind == "commitment" and item.text.strip()
    )
    return Contribution(
        retro=tag.id,
        share=tag.share,
        name=(transcript.participant or None) if tag.share == "named" else None,
        ratings=dict(transcript.ratings),
        loyalty=transcript.loyalty.trait,
        suggestions=suggestions,
        actions=actions,
    )


def contribute(sessions: Path, transcript: Transcript, tag: RetroTag, now: datetime) -> Path:
    """Write a finished session's contribution into its retro folder, once.

    The first participant also fixes the retro's settings (its date and team); the
    contribution's file gets a random name and the retro's date as its time.

    Returns:
        The retro folder.

    Raises:
        StoreError: the session is not finished, or the folder cannot be written.
    """
    if not transcript.complete:
        raise StoreError(Path(tag.folder or tag.id), "only a finished session can contribute")
    folder = RetroFolder(Path(tag.folder) if tag.folder else Path(tag.id), tag.id)
    with ledger_lock(sessions, folder):
        return _contribute(sessions, folder, transcript, tag, now)


class RetroClosed(StoreError):
    """The retro was closed before the session ended: no later try can contribute."""


def _contribute(
    sessions: Path, folder: RetroFolder, transcript: Transcript, tag: RetroTag, now: datetime
) -> Path:
    ledger = read_ledger(sessions, folder)
    done = ledger.sessions.get(transcript.id)
    if done and os.path.lexists(folder.path / done):
        return folder.path
    if os.path.lexists(folder.result_path):
        raise RetroClosed(
            folder.path,
            f"retro {tag.id} was closed before this session ended, so it takes no more "
            "contributions; your transcript is kept in your sessions folder",
        )
    created = folder.create_settings(Settings(tag.id, team=tag.team, date=now.date().isoformat()))
    settings = folder.settings()
    if created:
        hide_time(folder.settings_path, settings.date)
    path = folder.write_contribution(contribution_of(transcript, tag))
    hide_time(path, settings.date or now.date().isoformat())
    name = str(path.relative_to(folder.path))
    ledger = ledger.with_file(name)
    if created:
        ledger = ledger.with_file(folder.settings_path.name)
    ledger = Ledger(ledger.retro, ledger.files, {**ledger.sessions, transcript.id: name},
                    ledger.votes)  # fmt: skip
    write_ledger(sessions, ledger, folder)
    return folder.path
