"""Closing the loop: before a new reflection, ask what happened with the commitments that came
due since the last ones, and record the answers in both sessions.

"Next time, ask what happened with the commitment before anything else" (COACHING.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from coach.store import SessionStore, StoreError

ANSWERS = ("done", "partly", "not yet", "drop")
STATUS = {"done": "done", "partly": "open", "not yet": "open", "drop": "dropped"}
RECENT_SESSIONS = 20  # look back this far; older open items were let go long ago
MOST = 3  # a check-in is a short warm-up, not a review


@dataclass(frozen=True, slots=True)
class DueItem:
    """An open action item from an earlier, complete session, due on or before today."""

    session_id: str
    item: dict[str, Any]

    @property
    def text(self) -> str:
        return str(self.item.get("text", ""))

    @property
    def due(self) -> str:
        return str(self.item.get("due", ""))


def due_items(store: SessionStore, today: date, name: str | None = None) -> list[DueItem]:
    """Open items that came due, oldest first, from the leader's recent complete sessions.

    With a `name`, only that leader's sessions (and unnamed ones) count, so a shared sessions
    folder does not ask one leader about another's commitments.
    """
    found: list[DueItem] = []
    wanted = name.casefold() if name else None
    recent = [s for s in store.list().sessions if s.status == "complete" and s.open_actions]
    for summary in recent[:RECENT_SESSIONS]:
        if wanted and summary.participant and summary.participant.casefold() != wanted:
            continue
        try:
            header = store.load_header(summary.id)
        except StoreError:
            continue
        for item in header.get("action_items") or []:
            if not isinstance(item, dict) or item.get("status", "open") != "open":
                continue
            if str(item.get("due", "9999")) <= today.isoformat():
                found.append(DueItem(summary.id, item))
    found.sort(key=lambda d: (d.due, d.session_id))
    return found[:MOST]


def record(
    store: SessionStore, answers: Iterable[tuple[DueItem, str]], in_session: str, on: date
) -> list[dict[str, Any]]:
    """Mark the old items (done, dropped, or still open with the note) and return the records
    for the new transcript's `checkin`.

    Raises:
        StoreError: an old session could not be read or written; nothing of it is changed.
    """
    by_session: dict[str, list[tuple[DueItem, str]]] = {}
    records = []
    for due, answer in answers:
        by_session.setdefault(due.session_id, []).append((due, answer))
        records.append(
            {"session": due.session_id, "item": due.item.get("id"), "text": due.text,
             "due": due.due, "answer": answer}
        )  # fmt: skip
    for session_id, updates in by_session.items():
        with store.lock(session_id):
            doc = store.load(session_id)
            for item in doc.get("action_items") or []:
                for due, answer in updates:
                    if item.get("id") == due.item.get("id") and item.get("text") == due.text:
                        item["status"] = STATUS[answer]
                        item["checked"] = {"on": on.isoformat(), "answer": answer,
                                           "in": in_session}  # fmt: skip
            store.save(doc)
    return records
