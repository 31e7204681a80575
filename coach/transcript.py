"""The session file format as types: the one module that knows its field names.

Everything that reads or writes a transcript (the session, the store's listing, the check-in,
the reports, the CLI, the TUI) goes through `parse` and `Transcript.to_doc`, so a field is
spelt in one place and a hand-edited file with a wrong type is refused in one sentence that
names the file, the field and its line, instead of failing somewhere downstream.

The format is documented in docs/transcripts.md. `SCHEMA` is its version; `_migrate` is where
an older schema would be brought up to date when one exists.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import Any, NoReturn, Protocol

from coach.errors import StoreError

__all__ = [
    "BODY_KEYS",
    "HEADER_KEYS",
    "SCHEMA",
    "ActionItem",
    "CheckinRecord",
    "Draft",
    "Loyalty",
    "PackRef",
    "RetroTag",
    "Shared",
    "Transcript",
    "TranscriptError",
    "Turn",
    "TurnLike",
    "listing_fields",
    "parse",
]

SCHEMA = 1
"""The transcript format version this coach reads and writes."""

HEADER_KEYS = (
    "schema",
    "id",
    "pack",
    "participant",
    "status",
    "started_at",
    "updated_at",
    "progress",
    "ratings",
    "loyalty",
    "action_items",
    "traits",
    "draft",
    "checkin",
    "shared",
    "retro",
)
"""Known header keys, in file order; keys this coach does not know follow them, kept as read."""

BODY_KEYS = ("turns", "snapshot")
"""Keys written after the header, in this order; a header read stops at the first of them."""

STATUSES = ("in_progress", "complete")
RATING_BOUND = 100  # as wide as any pack's scale may be (coach.engine.pack.SCALE_BOUND)
ITEM_STATUSES = ("open", "done", "dropped")
CHECKIN_ANSWERS = ("done", "partly", "not yet", "drop")


class TranscriptError(StoreError):
    """A session file that is valid YAML but not a valid transcript: a field of the wrong type
    or value. Placed at the field's line, like every other error about a file."""


# -- the types ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PackRef:
    """The pack a session ran: enough to find it again and to notice that it changed."""

    id: str
    version: str
    sha256: str | None = None
    path: str | None = None


@dataclass(frozen=True, slots=True)
class Loyalty:
    """The leader's words to the classified (loyalty) question and the trait they settled on."""

    answer: str | None = None
    trait: str | None = None


@dataclass(frozen=True, slots=True)
class Checked:
    """What was last heard about an action item: at a later session's check-in (`in_session`
    names it), or marked from the command line (`in_session` empty, `why` optional)."""

    on: str
    answer: str
    in_session: str = ""
    why: str | None = None


@dataclass(frozen=True, slots=True)
class ActionItem:
    """One dated action item. `kind` says whose it is: the leader's own `commitment`, or the
    pack's `suggestion` or `insight`."""

    id: str
    text: str
    trait: str | None
    due: str
    status: str = "open"
    kind: str = "commitment"
    step: str = ""
    turn: int | None = None
    checked: Checked | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # keys this coach does not know
    defaulted: bool = False  # the coach chose the due date: the leader named none

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def own(self) -> bool:
        """True for the leader's own words, False for the coach's suggestions."""
        return self.kind == "commitment"


@dataclass(frozen=True, slots=True)
class CheckinRecord:
    """One answer of the check-in that opened a session, about an item of an earlier one."""

    session: str
    item: str
    text: str
    due: str
    answer: str
    note: str | None = None  # what got in the way, in the leader's words, after "not yet"

    @property
    def followed_through(self) -> bool:
        return self.answer == "done"


@dataclass(frozen=True, slots=True)
class Shared:
    """Set on a copy a leader shared with a coach (`coach share`): when, and whether it holds
    only the summary (ratings, loyalty trait, action items) and none of the answers."""

    at: str
    summary_only: bool


@dataclass(frozen=True, slots=True)
class RetroTag:
    """Set on a session run for a team retro (`coach reflect --retro ID`): which retro, the
    team, how much of it is shared (`anonymous` or `named`), and the retro folder it goes to
    when it is finished. The session itself stays private in the sessions folder."""

    id: str
    share: str = "anonymous"
    team: str | None = None
    folder: str | None = None


RETRO_SHARES = ("anonymous", "named")


@dataclass(frozen=True, slots=True)
class Draft:
    """What the leader had typed but not sent when the session was paused."""

    step: str
    stage: str
    text: str


class TurnLike(Protocol):
    """A line of the conversation: the engine's `Turn` and this module's `Turn` both are."""

    @property
    def n(self) -> int: ...
    @property
    def role(self) -> str: ...
    @property
    def step(self) -> str: ...
    @property
    def trait(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def at(self) -> str: ...
    @property
    def understood(self) -> str | None: ...


@dataclass(frozen=True, slots=True)
class Turn:
    """One line of the conversation as read from a file."""

    n: int
    role: str
    step: str
    trait: str | None
    kind: str
    text: str
    at: str
    understood: str | None = None


@dataclass(frozen=True, slots=True)
class Transcript:
    """A whole session file (or its header: then `turns` is empty and `snapshot` None)."""

    id: str
    pack: PackRef
    participant: str | None = None
    status: str = "in_progress"
    started_at: str = ""
    updated_at: str = ""
    answered: int = 0
    steps: int = 0
    ratings: Mapping[str, int] = field(default_factory=dict)
    loyalty: Loyalty = Loyalty()
    action_items: tuple[ActionItem, ...] = ()
    traits: Mapping[str, str] = field(default_factory=dict)
    draft: Draft | None = None
    checkin: tuple[CheckinRecord, ...] = ()
    shared: Shared | None = None
    retro: RetroTag | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    # Keys this coach does not know inside the maps it does ("pack", "participant", …) and
    # inside turns (by turn number): kept as read, so a later coach's fields survive a rewrite.
    nested: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    turn_extra: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    turns: Sequence[TurnLike] = ()
    snapshot: Mapping[str, Any] | None = None
    schema: int = SCHEMA

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    def trait_title(self, trait: str | None) -> str:
        """The trait's title as the pack named it, or its id when the file does not say."""
        if not trait:
            return ""
        return self.traits.get(trait, trait)

    @property
    def loyalty_title(self) -> str:
        """The loyalty trait as a person reads it: its title; for an id that is none of the
        pack's traits (the classification's own "none of them", recorded by its id), that id
        after "none of these traits"; "" when it is not settled. A file without its traits'
        titles shows the id."""
        trait = self.loyalty.trait
        if not trait:
            return ""
        if self.traits and trait not in self.traits:
            return f"none of these traits ({trait})"
        return self.trait_title(trait)

    def focus_trait(self) -> str | None:
        """The trait the leader chose to work on first: the last choice they made that names
        a trait (the stock pack ends on that question), or None."""
        titles = {title: trait for trait, title in self.traits.items()}
        for turn in reversed(self.turns):
            understood = getattr(turn, "understood", None)
            if turn.role == "leader" and understood in titles:
                return titles[understood]
        return None

    def has_words(self) -> bool:
        """Whether the leader said anything worth keeping: an answer, a draft, a check-in."""
        return (
            bool(self.checkin)
            or self.draft is not None
            or any(t.role == "leader" for t in self.turns)
        )

    def turn_docs(self, start: int = 0) -> list[dict[str, Any]]:
        """The turns from `start` on, as plain data, with the keys a later coach added."""
        turns = [turn_doc(t) for t in self.turns[start:]]
        if self.turn_extra:
            for turn in turns:
                unknown = self.turn_extra.get(turn["n"], {})
                turn.update((k, v) for k, v in unknown.items() if k not in turn)
        return turns

    def with_items(self, items: Sequence[ActionItem]) -> Transcript:
        return replace(self, action_items=tuple(items))

    def shared_copy(self, at: str, summary_only: bool) -> Transcript:
        """The copy a coach receives. A summary keeps ratings, the loyalty trait and the
        action items, and drops every answer: the turns, the loyalty words, the draft, the
        snapshot. Neither copy can be resumed: it has no snapshot."""
        copy = replace(self, snapshot=None, draft=None, shared=Shared(at, summary_only))
        if self.retro is not None:  # where the retro folder is on this machine is not shared
            copy = replace(copy, retro=replace(self.retro, folder=None))
        if summary_only:
            copy = replace(copy, turns=(), loyalty=Loyalty(None, self.loyalty.trait))
        return copy

    def to_doc(self, turn_docs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """Plain data in file order (docs/transcripts.md), ready for the store to write.

        Args:
            turn_docs: The turns already as plain data (a running session keeps them, so a
                save costs its new turns, not the whole conversation again).
        """
        doc: dict[str, Any] = {
            "schema": self.schema,
            "id": self.id,
            "pack": {
                "id": self.pack.id,
                "version": self.pack.version,
                "sha256": self.pack.sha256,
                "path": self.pack.path,
            },
            "participant": {"name": self.participant},
            "status": self.status,
            "started_at": self.started_at,
            "updated_at": self.updated_at,
            "progress": {"answered": self.answered, "steps": self.steps},
            "ratings": dict(self.ratings),
            "loyalty": {"answer": self.loyalty.answer, "trait": self.loyalty.trait},
            "action_items": [_item_doc(item) for item in self.action_items],
            "traits": dict(self.traits),
        }
        if self.draft is not None:
            doc["draft"] = {
                "step": self.draft.step,
                "stage": self.draft.stage,
                "text": self.draft.text,
            }
        if self.checkin:
            doc["checkin"] = [
                {"session": c.session, "item": c.item, "text": c.text, "due": c.due,
                 "answer": c.answer, **({"note": c.note} if c.note is not None else {})}
                for c in self.checkin
            ]  # fmt: skip
        if self.shared is not None:
            doc["shared"] = {"at": self.shared.at, "summary_only": self.shared.summary_only}
        if self.retro is not None:
            doc["retro"] = {
                "id": self.retro.id,
                "team": self.retro.team,
                "share": self.retro.share,
                "folder": self.retro.folder,
            }
        for key, unknown in self.nested.items():
            if isinstance(doc.get(key), dict):
                doc[key].update((k, v) for k, v in unknown.items() if k not in doc[key])
        doc.update((k, v) for k, v in self.extra.items() if k not in doc)
        doc["turns"] = self.turn_docs() if turn_docs is None else turn_docs
        if self.snapshot is not None:
            doc["snapshot"] = self.snapshot
        return doc


def _item_doc(item: ActionItem) -> dict[str, Any]:
    source: dict[str, Any] = {"kind": item.kind, "step": item.step}
    if item.turn is not None:
        source["turn"] = item.turn
    if item.defaulted:  # only when true, so files written before it read the same
        source["defaulted"] = True
    doc: dict[str, Any] = {
        "id": item.id,
        "text": item.text,
        "trait": item.trait,
        "due": item.due,
        "status": item.status,
        "source": source,
    }
    if item.checked is not None:
        checked: dict[str, Any] = {"on": item.checked.on, "answer": item.checked.answer}
        if item.checked.in_session:
            checked["in"] = item.checked.in_session
        if item.checked.why is not None:
            checked["why"] = item.checked.why
        doc["checked"] = checked
    doc.update((k, v) for k, v in item.extra.items() if k not in doc)
    return doc


def turn_doc(turn: TurnLike) -> dict[str, Any]:
    """A turn as plain data; `understood` only when the engine understood something."""
    doc: dict[str, Any] = {
        "n": turn.n,
        "role": turn.role,
        "step": turn.step,
        "trait": turn.trait,
        "kind": turn.kind,
        "text": turn.text,
    }
    understood = getattr(turn, "understood", None)
    if understood is not None:
        doc["understood"] = understood
    doc["at"] = turn.at
    return doc


def action_item(
    *,
    id: str,
    text: str,
    trait: str | None,
    due: str,
    kind: str,
    step: str,
    turn: int | None = None,
    status: str = "open",
    defaulted: bool = False,
) -> ActionItem:
    """An action item from the engine's fields (the engine has its own, file-free type)."""
    return ActionItem(id, text, trait, due, status, kind, step, turn, defaulted=defaulted)


# -- reading -----------------------------------------------------------------------------

Where = tuple[str | int, ...]


def _dotted(where: Where) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _what(value: Any) -> str:
    """A wrong value named in the user's words."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"{'yes' if value else 'no'} (a yes/no value)"
    if isinstance(value, Mapping):
        return "a map of fields"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:27] + "..."
        return f"the text {shown!r}"
    if isinstance(value, int) and abs(value) >= 10**30:
        return "a number of more than 30 digits"
    return repr(value)


class FieldReader:
    """Checks one document field by field and fails with the field's place."""

    def __init__(self, path: Path, text: str | None) -> None:
        self.path = path
        self.source = text

    def fail(self, where: Where, expected: str, value: Any) -> NoReturn:
        line, col = _locate(self.path, self.source, where)
        raise TranscriptError(
            self.path,
            f"the field '{_dotted(where)}' must be {expected}, not {_what(value)}",
            line,
            col,
        )

    def mapping(self, value: Any, where: Where, optional: bool = True) -> Mapping[str, Any]:
        if value is None and optional:
            return {}
        if not isinstance(value, Mapping):
            self.fail(where, "a map of fields", value)
        return value

    def list(self, value: Any, where: Where) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(where, "a list", value)
        return value

    def text_value(self, value: Any, where: Where, optional: bool = False) -> str | None:
        """Text; a hand-typed number or date is read as the text it was typed as."""
        if value is None:
            if optional:
                return None
            self.fail(where, "text", value)
        if isinstance(value, str):
            return value
        if isinstance(value, bool | Mapping | list):
            self.fail(where, "text", value)
        if isinstance(value, datetime | date):
            return value.isoformat()
        return str(value)

    def text(self, value: Any, where: Where, default: str = "") -> str:
        if value is None:
            return default
        result = self.text_value(value, where)
        assert result is not None
        return result

    def maybe_text(self, value: Any, where: Where) -> str | None:
        return self.text_value(value, where, optional=True)

    def whole(self, value: Any, where: Where, default: int | None = 0) -> int | None:
        if value is None:
            return default
        if not isinstance(value, int) or isinstance(value, bool):
            self.fail(where, "a whole number", value)
        return value

    def count(self, value: Any, where: Where) -> int:
        number = self.whole(value, where, 0)
        assert number is not None
        if number < 0:
            self.fail(where, "a whole number from 0", value)
        return number

    def flag(self, value: Any, where: Where) -> bool:
        """true or false; absent is false."""
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(where, "true or false", value)
        return value

    def one_of(self, value: Any, where: Where, allowed: Sequence[str], default: str) -> str:
        if value is None:
            return default
        if value not in allowed:
            self.fail(where, " or ".join(repr(a) for a in allowed), value)
        return str(value)


def parse(
    doc: Mapping[str, Any],
    path: str | os.PathLike[str],
    text: str | None = None,
) -> Transcript:
    """Check a session document (as the store read it) and return it typed.

    Args:
        doc: The whole file, or its header (no `turns`, no `snapshot`).
        path: The file, named in any error.
        text: The file's text, to place an error at its line; read from `path` when needed.

    Raises:
        TranscriptError: A field has the wrong type or value (file, field, line and column).
        StoreError: The document is not a session of a schema this coach reads.
    """
    path = Path(path)
    r = FieldReader(path, text)
    doc = _migrate(doc, path)
    session_id = doc.get("id")
    if not isinstance(session_id, str) or not session_id:
        r.fail(("id",), "the session's id as text", session_id)
    pack = r.mapping(doc.get("pack"), ("pack",))
    participant = r.mapping(doc.get("participant"), ("participant",))
    progress = r.mapping(doc.get("progress"), ("progress",))
    ratings_doc = r.mapping(doc.get("ratings"), ("ratings",))
    ratings: dict[str, int] = {}
    for trait, value in ratings_doc.items():
        number = r.whole(value, ("ratings", str(trait)), None)
        if number is not None and not -RATING_BOUND <= number <= RATING_BOUND:
            r.fail(
                ("ratings", str(trait)), f"a rating from {-RATING_BOUND} to {RATING_BOUND}", number
            )
        if number is not None:
            ratings[str(trait)] = number
    loyalty = r.mapping(doc.get("loyalty"), ("loyalty",))
    traits_doc = r.mapping(doc.get("traits"), ("traits",))
    traits = {str(k): r.text(v, ("traits", str(k)), str(k)) for k, v in traits_doc.items()}
    draft_doc = doc.get("draft")
    draft = None
    if draft_doc is not None:
        d = r.mapping(draft_doc, ("draft",))
        draft = Draft(
            r.text(d.get("step"), ("draft", "step")),
            r.text(d.get("stage"), ("draft", "stage")),
            r.text(d.get("text"), ("draft", "text")),
        )
    known_inside = {
        "pack": ("id", "version", "sha256", "path"),
        "participant": ("name",),
        "progress": ("answered", "steps"),
        "loyalty": ("answer", "trait"),
        "retro": ("id", "team", "share", "folder"),
    }
    nested = {}
    for key, known in known_inside.items():
        inside = doc.get(key)
        if isinstance(inside, Mapping):
            unknown = {k: v for k, v in inside.items() if k not in known}
            if unknown:
                nested[key] = unknown
    turns_raw = r.list(doc.get("turns"), ("turns",))
    turns = tuple(_turn(r, raw, ("turns", i)) for i, raw in enumerate(turns_raw))
    turn_extra = {
        turn.n: {k: v for k, v in raw.items() if k not in _TURN_KEYS}
        for turn, raw in zip(turns, turns_raw, strict=True)
        if any(k not in _TURN_KEYS for k in raw)
    }
    shared = None
    if doc.get("shared") is not None:
        m = r.mapping(doc.get("shared"), ("shared",))
        flag = m.get("summary_only", False)
        if not isinstance(flag, bool):
            r.fail(("shared", "summary_only"), "true or false", flag)
        shared = Shared(r.text(m.get("at"), ("shared", "at")), flag)
    retro = None
    if doc.get("retro") is not None:
        m = r.mapping(doc.get("retro"), ("retro",))
        retro_id = r.text(m.get("id"), ("retro", "id"))
        if not retro_id:
            r.fail(("retro", "id"), "the retro's id as text", m.get("id"))
        retro = RetroTag(
            id=retro_id,
            share=r.one_of(m.get("share"), ("retro", "share"), RETRO_SHARES, "anonymous"),
            team=r.maybe_text(m.get("team"), ("retro", "team")),
            folder=r.maybe_text(m.get("folder"), ("retro", "folder")),
        )
    return Transcript(
        id=session_id,
        pack=PackRef(
            id=r.text(pack.get("id"), ("pack", "id")),
            version=r.text(pack.get("version"), ("pack", "version")),
            sha256=r.maybe_text(pack.get("sha256"), ("pack", "sha256")),
            path=r.maybe_text(pack.get("path"), ("pack", "path")),
        ),
        participant=r.maybe_text(participant.get("name"), ("participant", "name")),
        status=r.one_of(doc.get("status"), ("status",), STATUSES, "in_progress"),
        started_at=r.text(doc.get("started_at"), ("started_at",)),
        updated_at=r.text(doc.get("updated_at"), ("updated_at",)),
        answered=r.count(progress.get("answered"), ("progress", "answered")),
        steps=r.count(progress.get("steps"), ("progress", "steps")),
        ratings=ratings,
        loyalty=Loyalty(
            r.maybe_text(loyalty.get("answer"), ("loyalty", "answer")),
            r.maybe_text(loyalty.get("trait"), ("loyalty", "trait")),
        ),
        action_items=tuple(
            _item(r, raw, ("action_items", i))
            for i, raw in enumerate(r.list(doc.get("action_items"), ("action_items",)))
        ),
        traits=traits,
        draft=draft,
        checkin=tuple(
            _checkin(r, raw, ("checkin", i))
            for i, raw in enumerate(r.list(doc.get("checkin"), ("checkin",)))
        ),
        shared=shared,
        retro=retro,
        extra={k: v for k, v in doc.items() if k not in HEADER_KEYS and k not in BODY_KEYS},
        nested=nested,
        turn_extra=turn_extra,
        turns=turns,
        snapshot=(
            None
            if doc.get("snapshot") is None
            else r.mapping(doc.get("snapshot"), ("snapshot",), optional=False)
        ),
        schema=SCHEMA,
    )


_TURN_KEYS = ("n", "role", "step", "trait", "kind", "text", "understood", "at")
_ITEM_KEYS = ("id", "text", "trait", "due", "status", "source", "checked")


def _item(r: FieldReader, raw: Any, where: Where) -> ActionItem:
    m = r.mapping(raw, where, optional=False)
    source = r.mapping(m.get("source"), (*where, "source"))
    checked_doc = m.get("checked")
    checked = None
    if checked_doc is not None:
        c = r.mapping(checked_doc, (*where, "checked"))
        checked = Checked(
            r.text(c.get("on"), (*where, "checked", "on")),
            r.text(c.get("answer"), (*where, "checked", "answer")),
            r.text(c.get("in"), (*where, "checked", "in")),
            r.maybe_text(c.get("why"), (*where, "checked", "why")),
        )
    text = m.get("text")
    if text is None:
        r.fail((*where, "text"), "the action as text", text)
    due = m.get("due")
    due_text = r.text(due, (*where, "due"))
    if due_text and not is_day(due_text):
        r.fail((*where, "due"), "a date as YYYY-MM-DD", due)
    return ActionItem(
        id=r.text(m.get("id"), (*where, "id")),
        text=r.text(text, (*where, "text")),
        trait=r.maybe_text(m.get("trait"), (*where, "trait")),
        due=due_text,
        status=r.one_of(m.get("status"), (*where, "status"), ITEM_STATUSES, "open"),
        kind=r.text(source.get("kind"), (*where, "source", "kind"), "commitment"),
        step=r.text(source.get("step"), (*where, "source", "step")),
        turn=r.whole(source.get("turn"), (*where, "source", "turn"), None),
        checked=checked,
        extra={k: v for k, v in m.items() if k not in _ITEM_KEYS},
        defaulted=r.flag(source.get("defaulted"), (*where, "source", "defaulted")),
    )


def is_day(text: str) -> bool:
    """`YYYY-MM-DD` exactly, a real day: how every date of a transcript is written."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _checkin(r: FieldReader, raw: Any, where: Where) -> CheckinRecord:
    m = r.mapping(raw, where, optional=False)
    return CheckinRecord(
        session=r.text(m.get("session"), (*where, "session")),
        item=r.text(m.get("item"), (*where, "item")),
        text=r.text(m.get("text"), (*where, "text")),
        due=r.text(m.get("due"), (*where, "due")),
        answer=r.one_of(m.get("answer"), (*where, "answer"), CHECKIN_ANSWERS, "not yet"),
        note=r.maybe_text(m.get("note"), (*where, "note")),
    )


def _turn(r: FieldReader, raw: Any, where: Where) -> Turn:
    m = r.mapping(raw, where, optional=False)
    n = r.whole(m.get("n"), (*where, "n"), None)
    if n is None:
        r.fail((*where, "n"), "the turn's number", None)
    return Turn(
        n=n,
        role=r.one_of(m.get("role"), (*where, "role"), ("coach", "leader"), "coach"),
        step=r.text(m.get("step"), (*where, "step")),
        trait=r.maybe_text(m.get("trait"), (*where, "trait")),
        kind=r.text(m.get("kind"), (*where, "kind")),
        text=r.text(m.get("text"), (*where, "text")),
        at=r.text(m.get("at"), (*where, "at")),
        understood=r.maybe_text(m.get("understood"), (*where, "understood")),
    )


def _migrate(doc: Mapping[str, Any], path: Path) -> Mapping[str, Any]:
    """Bring an older schema up to this one. Schema 1 is the only one so far, and the store
    has already refused anything newer; a schema 2 reader would convert `doc` here."""
    schema = doc.get("schema", SCHEMA)
    if schema != SCHEMA:
        raise StoreError(path, f"cannot read transcript schema {schema!r}")
    return doc


def _locate(path: Path, text: str | None, where: Where) -> tuple[int | None, int | None]:
    """Line and column of the value at `where`, found by composing the YAML again: errors
    are rare, so the happy path never pays for positions."""
    import yaml

    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None, None
    try:
        node: Any = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None, None
    found = node
    for part in where:
        child = None
        if isinstance(part, int) and isinstance(found, yaml.SequenceNode):
            child = found.value[part] if part < len(found.value) else None
        elif isinstance(part, str) and isinstance(found, yaml.MappingNode):
            child = next((v for k, v in found.value if k.value == part), None)
        if child is None:
            break
        found = child
    if found is None:
        return None, None
    mark = found.start_mark
    return mark.line + 1, mark.column + 1


# -- the listing's view ------------------------------------------------------------------


def _get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, Mapping) else None


def _plain_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value if isinstance(value, str) else str(value)


def _plain_count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def listing_fields(header: Mapping[str, Any]) -> dict[str, Any]:
    """What a listing shows of a header, as JSON-ready data, without refusing anything: one
    odd file must never break `coach list` (fields it gets wrong are shown empty)."""
    name = _get(header.get("participant"), "name")
    trait = _get(header.get("loyalty"), "trait")
    items = header.get("action_items")
    open_actions = 0
    if isinstance(items, list):
        open_actions = sum(
            1
            for item in items
            if isinstance(item, Mapping) and item.get("status", "open") == "open"
        )
    ratings_doc = header.get("ratings")
    ratings = {
        str(trait_id): rating
        for trait_id, rating in (ratings_doc.items() if isinstance(ratings_doc, Mapping) else ())
        if isinstance(rating, int) and not isinstance(rating, bool)
    }
    progress = header.get("progress")
    return {
        "id": _plain_text(header.get("id")),
        "status": _plain_text(header.get("status")),
        "started_at": _plain_text(header.get("started_at")),
        "updated_at": _plain_text(header.get("updated_at")),
        "participant": None if name is None else _plain_text(name),
        "pack_id": _plain_text(_get(header.get("pack"), "id")),
        "pack_version": _plain_text(_get(header.get("pack"), "version")),
        "ratings": ratings,
        "loyalty_trait": None if trait is None else _plain_text(trait),
        "open_actions": open_actions,
        "answered": _plain_count(_get(progress, "answered")),
        "steps": _plain_count(_get(progress, "steps")),
    }
