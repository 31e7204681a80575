"""The retro folder's files as types: the one module that knows their field names.

A retro folder holds files that each have exactly one writer, so a shared drive or a git
repository never sees two people write one file:

    retro.yaml                 the retro's settings (the facilitator)
    facilitator.yaml           groupings undone, last retro's actions reviewed (the facilitator)
    result.yaml                the frozen result, written once by --close (the facilitator)
    contributions/<random>.yaml   one per participant, written once when their session ends
    votes/<random>.yaml           one per voter, replaced when they vote again

Every file is YAML written in its JSON form (JSON is YAML 1.2): any YAML reader or editor
opens it, a hand edit in block style still reads, and a board of hundreds of files is read by
the C JSON parser instead of building YAML nodes in Python.

File names in `contributions/` and `votes/` are random and say nothing about who wrote them
or when. An anonymous contribution has no field that could hold a name: a file that has one
is refused as unreadable, never counted. Every file is read without following symbolic
links; anything malformed or foreign is reported as `Unreadable` with its reason.

Permissions (docs/retro.md): the folder and its two subfolders are made group-owned and
shared (setgid, so new files take the folder's group; sticky, so people can only replace or
remove their own files), files are written group-readable (0640). This is not the private
sessions folder's policy (0700 / 0600) on purpose: the retro folder is meant to be shared.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import stat
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from coach.errors import StoreError
from coach.store import write_atomic, yamlio

__all__ = [
    "CONTRIBUTION_SCHEMA",
    "FILE_MODE",
    "FOLDER_MODE",
    "MAX_FILE_BYTES",
    "MAX_THRESHOLD",
    "MAX_VOTES",
    "MIN_THRESHOLD",
    "SHARES",
    "Contribution",
    "Facilitation",
    "ResultAction",
    "RetroFolder",
    "RetroResult",
    "Settings",
    "Suggestion",
    "Unreadable",
    "VoteFile",
    "valid_retro_id",
]

CONTRIBUTION_SCHEMA = 1
SHARES = ("anonymous", "named")
ROLES = ("member", "leader")
REVIEW_ANSWERS = ("done", "not yet", "drop")
MIN_THRESHOLD = 3
"""No distribution is ever shown for fewer contributions than this, whatever the settings."""
MAX_THRESHOLD = 1000
"""The highest threshold a settings file may hold (free text: one more)."""
MAX_VOTES = 100
"""The most votes per person, and on one item, a settings file may hold."""
MAX_FILE_BYTES = 256 * 1024
"""A contribution or vote file larger than this is foreign: it is listed, never parsed."""
FILE_MODE = 0o640
FOLDER_MODE = 0o3770  # setgid + sticky + rwxrwx---

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_NAME = re.compile(r"[0-9a-f]{16}\.yaml")


def valid_retro_id(retro_id: str) -> bool:
    """A retro id is a short name that is safe as a folder name (letters, digits, . _ -)."""
    return bool(_ID.fullmatch(retro_id)) and ".." not in retro_id


# -- the types ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One thing a participant suggests, in their words, tagged with its trait (None for a
    proposed team action)."""

    text: str
    trait: str | None = None


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one participant's finished session gives the retro.

    `name` is None for an anonymous contribution, and then the file has no field for it.
    The leader's contribution (`role == "leader"`, from the sales-leader pack) holds only the
    leader's self-ratings, shown beside the team's median.
    """

    retro: str
    share: str = "anonymous"
    role: str = "member"
    name: str | None = None
    ratings: Mapping[str, int] = field(default_factory=dict)
    loyalty: str | None = None
    suggestions: tuple[Suggestion, ...] = ()
    actions: tuple[Suggestion, ...] = ()
    file: str = ""  # the file's name in contributions/, once read

    def to_doc(self) -> dict[str, Any]:
        """Only the fields the share level keeps: an anonymous file never has a `name` key."""
        doc: dict[str, Any] = {
            "retro_contribution": CONTRIBUTION_SCHEMA,
            "retro": self.retro,
            "share": self.share,
            "role": self.role,
        }
        if self.share == "named" and self.name:
            doc["name"] = self.name
        doc["ratings"] = dict(self.ratings)
        if self.role == "member":
            doc["loyalty"] = self.loyalty
            doc["suggestions"] = [{"trait": s.trait, "text": s.text} for s in self.suggestions]
            doc["actions"] = [{"text": a.text} for a in self.actions]
        return doc


@dataclass(frozen=True, slots=True)
class VoteFile:
    """One voter's dots: item ids, an id repeated for more than one dot on it."""

    retro: str
    votes: tuple[str, ...]
    file: str = ""

    def to_doc(self) -> dict[str, Any]:
        return {"retro_vote": 1, "retro": self.retro, "votes": list(self.votes)}


@dataclass(frozen=True, slots=True)
class Settings:
    """The retro's settings. The thresholds are never below `MIN_THRESHOLD`, and free text is
    shown only at a higher bar than ratings."""

    id: str
    team: str | None = None
    date: str = ""  # YYYY-MM-DD: the only time the retro folder records
    threshold: int = 5
    text_threshold: int = 6
    votes: int = 3
    per_item_cap: int = 2

    def to_doc(self) -> dict[str, Any]:
        return {
            "retro": 1,
            "id": self.id,
            "team": self.team,
            "date": self.date,
            "threshold": self.threshold,
            "text_threshold": self.text_threshold,
            "votes": self.votes,
            "per_item_cap": self.per_item_cap,
        }


@dataclass(frozen=True, slots=True)
class Facilitation:
    """The facilitator's choices: suggested groups taken apart, last retro's actions reviewed."""

    ungrouped: frozenset[str] = frozenset()
    review: Mapping[str, str] = field(default_factory=dict)  # action id -> done|not yet|drop

    def to_doc(self) -> dict[str, Any]:
        return {"ungrouped": sorted(self.ungrouped), "review": dict(self.review)}


@dataclass(frozen=True, slots=True)
class ResultAction:
    """A team action item agreed at the close: the top-voted items, with owner and due date."""

    id: str
    text: str
    trait: str | None
    votes: int
    owner: str
    due: str  # YYYY-MM-DD


@dataclass(frozen=True, slots=True)
class RetroResult:
    """The frozen result: written once by --close, then the board shows it as it was."""

    closed_on: str
    contributions: int
    tallies: Mapping[str, int]
    actions: tuple[ResultAction, ...]

    def to_doc(self) -> dict[str, Any]:
        return {
            "retro_result": 1,
            "closed_on": self.closed_on,
            "contributions": self.contributions,
            "tallies": dict(self.tallies),
            "actions": [
                {"id": a.id, "text": a.text, "trait": a.trait, "votes": a.votes,
                 "owner": a.owner, "due": a.due}
                for a in self.actions
            ],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class Unreadable:
    """A file in the retro folder that was not counted, and why (one sentence)."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


# -- reading -----------------------------------------------------------------------------


class _Bad(Exception):
    """Why a file is not what it claims to be; becomes `Unreadable`."""


def _read_doc(path: Path) -> Any:
    """A small regular file's YAML, never following a symbolic link."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise _Bad(f"cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISLNK(info.st_mode):
        raise _Bad("is a symbolic link, which a retro folder never holds")
    if not stat.S_ISREG(info.st_mode):
        raise _Bad("is not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise _Bad(f"is larger than {MAX_FILE_BYTES // 1024} KB, far more than a retro file")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
        with os.fdopen(fd, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise _Bad(f"cannot be read ({exc.strerror or exc})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise _Bad("is not UTF-8 text") from None
    if text.lstrip().startswith("{"):
        # coach writes these files as JSON, which is YAML too: read in C, no per-node work.
        try:
            return json.loads(text)
        except ValueError:
            pass  # hand-edited into YAML that only looks like JSON: read it as YAML
    try:
        return yamlio.load(text)
    except Exception as exc:  # yaml.YAMLError and the alias refusal; named below
        if type(exc).__module__.startswith("yaml"):
            raise _Bad("is not valid YAML") from None
        raise


def _text(value: Any, where: str, limit: int = 2000) -> str:
    if not isinstance(value, str):
        raise _Bad(f"has a '{where}' that is not text")
    if len(value) > limit:
        raise _Bad(f"has a '{where}' longer than {limit} characters")
    return value


def _maybe_text(value: Any, where: str) -> str | None:
    return None if value is None else _text(value, where, 200)


def _whole(value: Any, where: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise _Bad(f"has a '{where}' that is not a whole number from {low} to {high}")
    return value


_CONTRIBUTION_KEYS = {
    "retro_contribution", "retro", "share", "role", "name", "ratings", "loyalty",
    "suggestions", "actions",
}  # fmt: skip


def parse_contribution(doc: Any, retro_id: str, file: str = "") -> Contribution:
    """A contribution document, checked field by field.

    Raises:
        _Bad: anything that is not a contribution to this retro, including an anonymous file
            with a field that could hold a name, or any field this coach does not know.
    """
    if not isinstance(doc, Mapping) or "retro_contribution" not in doc:
        raise _Bad("is not a retro contribution")
    if doc.get("retro_contribution") != CONTRIBUTION_SCHEMA:
        raise _Bad(f"is a contribution of a schema this coach cannot read "
                   f"({doc.get('retro_contribution')!r})")  # fmt: skip
    unknown = sorted(str(k) for k in doc if k not in _CONTRIBUTION_KEYS)
    if unknown:
        raise _Bad(f"has fields a contribution never has ({', '.join(unknown)})")
    if doc.get("retro") != retro_id:
        raise _Bad(f"belongs to another retro ({doc.get('retro')!r}), not {retro_id!r}")
    share = doc.get("share")
    if share not in SHARES:
        raise _Bad("has a 'share' that is neither 'anonymous' nor 'named'")
    role = doc.get("role", "member")
    if role not in ROLES:
        raise _Bad("has a 'role' that is neither 'member' nor 'leader'")
    name = None
    if share == "anonymous":
        if "name" in doc:
            raise _Bad("is marked anonymous but holds a name, so it is not counted")
    else:
        name = _maybe_text(doc.get("name"), "name")
    ratings_doc = doc.get("ratings") or {}
    if not isinstance(ratings_doc, Mapping):
        raise _Bad("has 'ratings' that are not a map of trait to rating")
    ratings = {
        _text(k, "ratings", 80): _whole(v, f"ratings.{k}", 1, 10) for k, v in ratings_doc.items()
    }
    suggestions: list[Suggestion] = []
    actions: list[Suggestion] = []
    for key, out in (("suggestions", suggestions), ("actions", actions)):
        raw = doc.get(key) or []
        if not isinstance(raw, list) or len(raw) > 50:
            raise _Bad(f"has '{key}' that are not a list of at most 50")
        for i, entry in enumerate(raw):
            if not isinstance(entry, Mapping) or set(entry) - {"trait", "text"}:
                raise _Bad(f"has an entry {key}[{i}] that is not a trait and a text")
            text = _text(entry.get("text"), f"{key}[{i}].text")
            out.append(Suggestion(text, _maybe_text(entry.get("trait"), f"{key}[{i}].trait")))
    return Contribution(
        retro=retro_id,
        share=str(share),
        role=str(role),
        name=name,
        ratings=ratings,
        loyalty=_maybe_text(doc.get("loyalty"), "loyalty"),
        suggestions=tuple(suggestions),
        actions=tuple(actions),
        file=file,
    )


def parse_vote(doc: Any, retro_id: str, file: str = "") -> VoteFile:
    """A voter's file, checked.

    Raises:
        _Bad: not a vote file of this retro.
    """
    if not isinstance(doc, Mapping) or doc.get("retro_vote") != 1:
        raise _Bad("is not a retro vote file")
    if set(doc) - {"retro_vote", "retro", "votes"}:
        raise _Bad("has fields a vote file never has")
    if doc.get("retro") != retro_id:
        raise _Bad(f"belongs to another retro ({doc.get('retro')!r}), not {retro_id!r}")
    votes = doc.get("votes") or []
    if not isinstance(votes, list) or len(votes) > 100:
        raise _Bad("has 'votes' that are not a list of item ids")
    return VoteFile(retro_id, tuple(_text(v, "votes", 40) for v in votes), file)


def _settings(doc: Any, retro_id: str) -> Settings:
    if doc is None:
        return Settings(retro_id)
    if not isinstance(doc, Mapping) or doc.get("retro") != 1:
        raise _Bad("is not a retro settings file")
    threshold = _whole(doc.get("threshold", 5), "threshold", MIN_THRESHOLD, MAX_THRESHOLD)
    return Settings(
        id=retro_id,
        team=_maybe_text(doc.get("team"), "team"),
        date=str(doc.get("date") or ""),
        threshold=threshold,
        text_threshold=max(
            threshold + 1,
            _whole(
                doc.get("text_threshold", threshold + 1), "text_threshold", 1, MAX_THRESHOLD + 1
            ),
        ),
        votes=_whole(doc.get("votes", 3), "votes", 1, MAX_VOTES),
        per_item_cap=_whole(doc.get("per_item_cap", 2), "per_item_cap", 1, MAX_VOTES),
    )


def check_settings(settings: Settings) -> None:
    """The reader's own rule, for a writer to apply before it writes: what passes here reads
    back as written.

    Raises:
        ValueError: one sentence naming the setting that is out of range.
    """
    try:
        _settings(settings.to_doc(), settings.id)
    except _Bad as exc:
        raise ValueError(f"retro.yaml would be refused: it {exc}") from None


def _facilitation(doc: Any) -> Facilitation:
    if doc is None:
        return Facilitation()
    if not isinstance(doc, Mapping):
        raise _Bad("is not a facilitator file")
    ungrouped = doc.get("ungrouped") or []
    review = doc.get("review") or {}
    if not isinstance(ungrouped, list) or not isinstance(review, Mapping):
        raise _Bad("has 'ungrouped' or 'review' of the wrong kind")
    for answer in review.values():
        if answer not in REVIEW_ANSWERS:
            raise _Bad(f"has a review answer {answer!r} (done, not yet or drop)")
    return Facilitation(
        frozenset(_text(u, "ungrouped", 40) for u in ungrouped),
        {_text(k, "review", 40): str(v) for k, v in review.items()},
    )


def _result(doc: Any) -> RetroResult | None:
    if doc is None:
        return None
    if not isinstance(doc, Mapping) or doc.get("retro_result") != 1:
        raise _Bad("is not a retro result file")
    actions = []
    for i, a in enumerate(doc.get("actions") or []):
        if not isinstance(a, Mapping):
            raise _Bad(f"has an action {i} that is not a map of fields")
        actions.append(
            ResultAction(
                id=_text(a.get("id"), "id", 40),
                text=_text(a.get("text"), "text"),
                trait=_maybe_text(a.get("trait"), "trait"),
                votes=_whole(a.get("votes", 0), "votes", 0, 100000),
                owner=_text(a.get("owner", "the team"), "owner", 200),
                due=str(a.get("due") or ""),
            )
        )
    tallies = doc.get("tallies") or {}
    if not isinstance(tallies, Mapping):
        raise _Bad("has 'tallies' that are not a map")
    return RetroResult(
        closed_on=str(doc.get("closed_on") or ""),
        contributions=_whole(doc.get("contributions", 0), "contributions", 0, 10**6),
        tallies={str(k): _whole(v, "tallies", 0, 10**6) for k, v in tallies.items()},
        actions=tuple(actions),
    )


# -- the folder --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Everything in a retro folder at one moment, read and checked."""

    settings: Settings
    contributions: tuple[Contribution, ...]
    votes: tuple[VoteFile, ...]
    facilitation: Facilitation
    result: RetroResult | None
    unreadable: tuple[Unreadable, ...]
    path: Path = Path()  # the retro folder, so a later check can name a file in it


class RetroFolder:
    """One retro's folder: where its files are, reading them all, writing one's own.

    Nothing is created until something is written; reading a folder that does not exist
    gives an empty retro.
    """

    def __init__(self, path: str | os.PathLike[str], retro_id: str) -> None:
        self.path = Path(path)
        self.id = retro_id

    def __repr__(self) -> str:
        return f"RetroFolder({str(self.path)!r}, {self.id!r})"

    @property
    def contributions_dir(self) -> Path:
        return self.path / "contributions"

    @property
    def votes_dir(self) -> Path:
        return self.path / "votes"

    @property
    def settings_path(self) -> Path:
        return self.path / "retro.yaml"

    @property
    def facilitator_path(self) -> Path:
        return self.path / "facilitator.yaml"

    @property
    def result_path(self) -> Path:
        return self.path / "result.yaml"

    # -- reading --

    def fingerprint(self) -> tuple[tuple[str, int, int], ...]:
        """Names, sizes and change times of every file: cheap to take, and different as soon
        as a contribution, a vote or a facilitator's file arrives or changes (for a board
        that refreshes itself)."""
        out: list[tuple[str, int, int]] = []
        for folder in (self.path, self.contributions_dir, self.votes_dir):
            with contextlib.suppress(OSError), os.scandir(folder) as entries:
                for entry in entries:
                    with contextlib.suppress(OSError):
                        info = entry.stat(follow_symlinks=False)
                        out.append((entry.path, info.st_size, info.st_ctime_ns))
        return tuple(sorted(out))

    def settings(self) -> Settings:
        """The settings alone (the defaults when the file is missing or damaged)."""
        if not os.path.lexists(self.settings_path):
            return Settings(self.id)
        try:
            return _settings(_read_doc(self.settings_path), self.id)
        except _Bad:
            return Settings(self.id)

    def read(self) -> Snapshot:
        """Read every file. A file that is malformed, foreign, a symbolic link or too large is
        listed in `unreadable` with its reason and otherwise ignored; so is a damaged
        settings or facilitator file (the defaults are used)."""
        unreadable: list[Unreadable] = []
        if os.path.islink(self.path):  # another folder's files are never this retro's
            return Snapshot(
                Settings(self.id), (), (), Facilitation(), None,
                (Unreadable(self.path, "is a symbolic link, so nothing in it is counted; "
                                       "name the real folder"),), self.path,
            )  # fmt: skip

        def single(path: Path) -> Any:
            if not os.path.lexists(path):
                return None
            try:
                return _read_doc(path)
            except _Bad as exc:
                unreadable.append(Unreadable(path, str(exc)))
                return None

        try:
            settings = _settings(single(self.settings_path), self.id)
        except _Bad as exc:
            unreadable.append(Unreadable(self.settings_path, str(exc)))
            settings = Settings(self.id)
        try:
            facilitation = _facilitation(single(self.facilitator_path))
        except _Bad as exc:
            unreadable.append(Unreadable(self.facilitator_path, str(exc)))
            facilitation = Facilitation()
        try:
            result = _result(single(self.result_path))
        except _Bad as exc:
            unreadable.append(Unreadable(self.result_path, str(exc)))
            result = None
        contributions = [
            c
            for c in self._each(self.contributions_dir, parse_contribution, unreadable)
            if isinstance(c, Contribution)
        ]
        votes = [
            v for v in self._each(self.votes_dir, parse_vote, unreadable) if isinstance(v, VoteFile)
        ]
        return Snapshot(
            settings, tuple(contributions), tuple(votes), facilitation, result,
            tuple(sorted(unreadable, key=lambda u: str(u.path))), self.path,
        )  # fmt: skip

    def _each(self, folder: Path, parse: Any, unreadable: list[Unreadable]) -> list[Any]:
        if os.path.islink(folder):
            unreadable.append(
                Unreadable(folder, "is a symbolic link, so none of the files it leads to are "
                                   "counted")
            )  # fmt: skip
            return []
        try:
            names = sorted(os.listdir(folder))
        except FileNotFoundError:
            return []
        except OSError as exc:
            unreadable.append(Unreadable(folder, f"cannot be listed ({exc.strerror or exc})"))
            return []
        out = []
        for name in names:
            if name.startswith("."):  # a write in progress (temp file), or .gitkeep
                continue
            path = folder / name
            try:
                out.append(parse(_read_doc(path), self.id, name))
            except _Bad as exc:
                unreadable.append(Unreadable(path, str(exc)))
        return out

    # -- writing one's own files --

    def ensure(self) -> None:
        """Create the folder and its subfolders as shared ones (see the module docstring).

        A folder that already exists keeps its mode and group: the team chose them.

        Raises:
            StoreError: a part of the path is a file, or the folder cannot be written.
        """
        for folder in (self.path, self.contributions_dir, self.votes_dir):
            if folder.is_symlink():
                raise StoreError(folder, "the retro folder is a symbolic link; name the real one")
            if folder.is_dir():
                if not os.access(folder, os.W_OK | os.X_OK):
                    raise StoreError(folder, "the retro folder is not writable")
                continue
            if folder.exists():
                raise StoreError(folder, "a file of that name is in the way of the retro folder")
            try:
                folder.mkdir(parents=True, exist_ok=True)
                with contextlib.suppress(PermissionError):
                    os.chmod(folder, FOLDER_MODE)
            except OSError as exc:
                raise StoreError(
                    folder, f"the retro folder cannot be created ({exc.strerror or exc})"
                ) from None

    def _write(self, path: Path, doc: Mapping[str, Any]) -> None:
        text = json.dumps(dict(doc), ensure_ascii=False, indent=1) + "\n"
        write_atomic(path, text.encode("utf-8"), mode=FILE_MODE)

    def write_contribution(self, contribution: Contribution) -> Path:
        """Write a new contribution under a random name that no other file has.

        Returns:
            The file written.
        """
        self.ensure()
        while True:
            path = self.contributions_dir / f"{secrets.token_hex(8)}.yaml"
            if not os.path.lexists(path):
                break
        self._write(path, contribution.to_doc())
        return path

    def write_votes(self, votes: VoteFile, file: str | None) -> Path:
        """Write (or replace) this voter's file; `file` is the name they wrote before."""
        self.ensure()
        if file is None or not _NAME.fullmatch(file):
            file = f"{secrets.token_hex(8)}.yaml"
        path = self.votes_dir / file
        self._write(path, votes.to_doc())
        return path

    def write_settings(self, settings: Settings) -> Path:
        self.ensure()
        self._write(self.settings_path, settings.to_doc())
        return self.settings_path

    def create_settings(self, settings: Settings) -> bool:
        """Write the settings only if no one has yet: the first participant fixes the date
        and team, and two starting at once cannot both (a hard link is exclusive).

        Returns:
            True if this call wrote them.
        """
        self.ensure()
        if os.path.lexists(self.settings_path):
            return False
        tmp = self.path / f".retro.{secrets.token_hex(4)}.tmp"
        self._write(tmp, settings.to_doc())
        try:
            os.link(tmp, self.settings_path)
            return True
        except FileExistsError:
            return False
        except OSError:  # a filesystem without hard links: last one wins, same content
            os.replace(tmp, self.settings_path)
            return True
        finally:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)

    def write_facilitation(self, facilitation: Facilitation) -> Path:
        self.ensure()
        self._write(self.facilitator_path, facilitation.to_doc())
        return self.facilitator_path

    def write_result(self, result: RetroResult) -> Path:
        self.ensure()
        self._write(self.result_path, result.to_doc())
        return self.result_path


def siblings(folder: RetroFolder) -> Sequence[RetroFolder]:
    """The other retros beside this one (same parent folder), for the team's previous one."""
    parent = folder.path.parent
    out = []
    with contextlib.suppress(OSError), os.scandir(parent) as entries:
        for entry in entries:
            if (
                entry.is_dir(follow_symlinks=False)
                and entry.path != str(folder.path)
                and valid_retro_id(entry.name)
            ):
                out.append(RetroFolder(entry.path, entry.name))
    return sorted(out, key=lambda f: f.id)


def today_iso(day: date) -> str:
    return day.isoformat()
