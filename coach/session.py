"""A running reflection: the engine's dialogue, saved to the store after every answer.

Both front ends (the line mode and the TUI) drive a `Session`, so autosave, resume and the
transcript layout live in one place.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from coach.catalog import PackFile, find_pack, read_pack
from coach.engine import Dialogue, PackError, Reply, RestoreError, Turn
from coach.store import SessionStore, StoreError

SCHEMA = 1

Clock = Callable[[], datetime]


class SessionError(Exception):
    """A session that cannot start or continue; the message is one sentence for the user."""


def system_clock() -> datetime:
    """The local time with its UTC offset, as transcripts record it."""
    return datetime.now().astimezone()


def clock_from_env(env: Mapping[str, str] = os.environ) -> Clock:
    """`COACH_NOW=2026-11-28T09:00:00+00:00` freezes the clock, for tests and demos.

    Raises:
        SessionError: the value is not an ISO 8601 time with an offset.
    """
    value = env.get("COACH_NOW")
    if not value:
        return system_clock
    try:
        frozen = datetime.fromisoformat(value)
    except ValueError:
        raise SessionError(
            f"COACH_NOW={value!r} is not an ISO 8601 time such as 2026-11-28T09:00:00+00:00"
        ) from None
    if frozen.tzinfo is None:
        frozen = frozen.astimezone()
    return lambda: frozen


def rng_from_env(env: Mapping[str, str] = os.environ) -> random.Random:
    """Random for session ids and text variants; seeded when the clock is frozen."""
    seed = env.get("COACH_SEED") or env.get("COACH_NOW")
    return random.Random(seed) if seed else random.Random()


@dataclass
class Session:
    """One leader's reflection and its file."""

    store: SessionStore
    dialogue: Dialogue
    pack_file: PackFile
    id: str
    started_at: str
    clock: Clock
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    autosave: bool = True  # the TUI saves from a worker thread instead
    edited_actions: list[dict[str, Any]] | None = None  # the leader's edits on the summary

    @classmethod
    def begin(
        cls,
        store: SessionStore,
        pack_file: PackFile,
        clock: Clock,
        rng: random.Random,
        name: str | None = None,
        save: bool = True,
    ) -> tuple[Session, Reply]:
        """Start a new reflection, saved at once (unless told otherwise) so even the first
        answer has a home.

        Args:
            save: False leaves the first save to the caller: the TUI draws the first question
                first and saves right after (nothing has been answered yet to lose).
        """
        now = clock()
        session_id = store.new_id(now, rng)
        dialogue = Dialogue(pack_file.pack, clock, seed=session_id, participant=name or None)
        session = cls(store, dialogue, pack_file, session_id, _iso(now), clock)
        reply = dialogue.start()
        if save:
            session.save()
        else:
            session.path = store.path_for(session_id)
        return session, reply

    @classmethod
    def resume(
        cls, store: SessionStore, ref: str | None, clock: Clock, pack_dirs: list[Path]
    ) -> Session:
        """Continue a saved reflection: by id or prefix, or the latest unfinished one.

        Raises:
            SessionError: nothing to resume, the session is complete, or its pack is gone.
            StoreError: the session file cannot be read.
        """
        if ref is None:
            latest = store.latest_unfinished()
            if latest is None:
                raise SessionError(
                    f"there is no unfinished session in {store.root}; start one with 'coach'"
                )
            ref = latest.id
        doc = store.load(ref)
        session_id = str(doc["id"])
        if doc.get("status") == "complete":
            raise SessionError(
                f"session {session_id} is already complete; read it with 'coach show {session_id}'"
            )
        snapshot = doc.get("snapshot")
        if not isinstance(snapshot, Mapping):
            raise SessionError(f"session {session_id} has no snapshot to resume from")
        pack_info = doc.get("pack") or {}
        pack_file = _pack_for(pack_info, pack_dirs)
        turns = [_turn(t) for t in doc.get("turns") or [] if isinstance(t, Mapping)]
        try:
            dialogue = Dialogue.restore(pack_file.pack, snapshot, clock, turns)
        except RestoreError as exc:
            raise SessionError(
                f"session {session_id} cannot resume: {exc}; it can still be read with "
                f"'coach show {session_id}'"
            ) from None
        session = cls(store, dialogue, pack_file, session_id, str(doc.get("started_at")), clock)
        known = {"schema", "id", "pack", "participant", "status", "started_at", "updated_at",
                 "progress", "ratings", "loyalty", "action_items", "traits", "turns",
                 "snapshot"}  # fmt: skip
        session.extra = {k: v for k, v in doc.items() if k not in known}
        if dialogue.pack_changed:
            session.warnings.append(
                f"the pack '{pack_file.pack.id}' changed since this session started; "
                "continuing from the question you stopped at"
            )
        return session

    # -- driving the dialogue, saving after each step -------------------------------------

    def answer(self, text: str) -> Reply:
        return self._saved(self.dialogue.answer(text))

    def skip(self) -> Reply:
        return self._saved(self.dialogue.skip())

    def back(self) -> Reply:
        return self._saved(self.dialogue.back())

    def _saved(self, reply: Reply) -> Reply:
        if reply.accepted:
            self.extra.pop("draft", None)  # what was being typed has now been said
        if reply.turns and self.autosave:
            self.save()
        return reply

    @property
    def status(self) -> str:
        return "complete" if self.dialogue.finished else "in_progress"

    def save(self) -> Path:
        """Write the whole transcript atomically (the store's temp file + fsync + replace)."""
        self.path = self.store.save(self.to_doc())
        return self.path

    def to_doc(self) -> dict[str, Any]:
        """The transcript as plain data, in the order docs/transcripts.md documents."""
        d = self.dialogue
        pack = d.pack
        loyalty = d.classification()
        return {
            "schema": SCHEMA,
            "id": self.id,
            "pack": {
                "id": pack.id,
                "version": pack.version,
                "sha256": pack.sha256,
                "path": str(self.pack_file.path),
            },
            "participant": {"name": d.participant},
            "status": self.status,
            "started_at": self.started_at,
            "updated_at": _iso(self.clock()),
            "progress": {"answered": d.answered, "steps": pack.question_count},
            "ratings": d.ratings(),
            "loyalty": loyalty,
            "action_items": (
                self.edited_actions
                if self.edited_actions is not None
                else [a.to_dict() for a in d.action_items()]
            ),
            "traits": {t.id: t.title for t in pack.traits},
            **self.extra,
            "turns": [t.to_dict() for t in d.log],
            "snapshot": d.snapshot(),
        }


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _turn(data: Mapping[str, Any]) -> Turn:
    return Turn(
        n=int(data.get("n", 0)),
        role=str(data.get("role", "")),
        step=str(data.get("step", "")),
        trait=data.get("trait"),
        kind=str(data.get("kind", "")),
        text=str(data.get("text", "")),
        at=str(data.get("at", "")),
    )


def _pack_for(info: Mapping[str, Any], pack_dirs: list[Path]) -> PackFile:
    """The pack a session was started with: its recorded file if it is still there, else the
    pack with the same id."""
    path = info.get("path")
    try:
        if path and Path(path).is_file():
            pack = read_pack(Path(path))
            if pack.id == info.get("id"):
                return PackFile(Path(path), pack, False)
        return find_pack(str(info.get("id")), pack_dirs)
    except PackError as exc:
        raise SessionError(str(exc)) from None


__all__ = ["Session", "SessionError", "StoreError", "clock_from_env", "rng_from_env"]
