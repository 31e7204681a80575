"""Closing the loop: before a new reflection, ask what happened with the commitments that came
due since the last ones, and record the answers in both sessions.

"Next time, ask what happened with the commitment before anything else" (COACHING.md). The
`Session` runs this for every front end; the TUI and the line mode only draw its questions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from coach.store import SessionStore, StoreError
from coach.transcript import ActionItem, Checked, CheckinRecord, parse

ANSWERS = ("done", "partly", "not yet", "drop")
LABELS = {"done": "Done", "partly": "Partly", "not yet": "Not yet", "drop": "Drop it"}
STATUS = {"done": "done", "partly": "open", "not yet": "open", "drop": "dropped"}
RECENT_SESSIONS = 20  # look back this far; older open items were let go long ago
MOST = 3  # a check-in is a short warm-up, not a review


@dataclass(frozen=True, slots=True)
class DueItem:
    """An open action item from an earlier, complete session, due on or before today."""

    session_id: str
    item: ActionItem

    @property
    def text(self) -> str:
        return self.item.text

    @property
    def due(self) -> str:
        return self.item.due


@dataclass(frozen=True, slots=True)
class Question:
    """One check-in question, worded once for every front end."""

    due: DueItem
    number: int
    total: int

    @property
    def text(self) -> str:
        count = f" ({self.number} of {self.total})" if self.total > 1 else ""
        return (
            f"Last time you committed to{count}:\n\n    {self.due.text}\n\n"
            f"It was due {_day(self.due.due)}. How did it go?"
        )


def due_words(day: date) -> str:
    """A due date as people say it ("Fri 4 Dec"), so a wrong one is noticed at once."""
    return f"{day:%a} {day.day} {day:%b}"


def _day(iso: str) -> str:
    try:
        return due_words(date.fromisoformat(iso))
    except ValueError:
        return iso


def questions(items: list[DueItem]) -> list[Question]:
    return [Question(item, i, len(items)) for i, item in enumerate(items, start=1)]


def answer_for(text: str) -> str | None:
    """An answer typed in line mode: its number, its word, or the start of it."""
    typed = text.strip().casefold()
    if not typed:
        return None
    if typed.isascii() and typed.isdecimal() and 1 <= int(typed) <= len(ANSWERS):
        return ANSWERS[int(typed) - 1]
    found = [a for a in ANSWERS if a.startswith(typed) or LABELS[a].casefold().startswith(typed)]
    return found[0] if len(found) == 1 else None


def due_items(store: SessionStore, today: date, name: str | None = None) -> list[DueItem]:
    """Open items that came due, oldest first, from the leader's recent complete sessions.

    With a `name`, only that leader's sessions (and unnamed ones) count, so a shared sessions
    folder does not ask one leader about another's commitments. A session that cannot be read
    is passed over: the check-in is a warm-up, never a reason not to start.
    """
    found: list[DueItem] = []
    wanted = name.casefold() if name else None
    recent = [s for s in store.list().sessions if s.status == "complete" and s.open_actions]
    for summary in recent[:RECENT_SESSIONS]:
        if wanted and summary.participant and summary.participant.casefold() != wanted:
            continue
        try:
            header = parse(store.load_header(summary.id), summary.path)
        except StoreError:
            continue
        for item in header.action_items:
            # Only what the leader committed to: the coach's suggestions were never promised.
            if item.own and item.is_open and item.due and item.due <= today.isoformat():
                found.append(DueItem(header.id, item))
    found.sort(key=lambda d: (d.due, d.session_id))
    return found[:MOST]


def record(
    store: SessionStore, answers: Iterable[tuple[DueItem, str]], in_session: str, on: date
) -> list[CheckinRecord]:
    """Mark the old items (done, dropped, or still open with the note) and return the records
    for the new transcript's check-in.

    Raises:
        StoreError: an old session could not be read or written; nothing of it is changed.
    """
    by_session: dict[str, list[tuple[DueItem, str]]] = {}
    records = []
    for due, answer in answers:
        by_session.setdefault(due.session_id, []).append((due, answer))
        records.append(CheckinRecord(due.session_id, due.item.id, due.text, due.due, answer))
    for session_id, updates in by_session.items():
        with store.lock(session_id):
            path = store.resolve(session_id)
            old = parse(store.load(session_id), path)
            items = []
            for item in old.action_items:
                for due, answer in updates:
                    if item.id == due.item.id and item.text == due.text:
                        item = replace(
                            item,
                            status=STATUS[answer],
                            checked=Checked(on.isoformat(), answer, in_session),
                        )
                items.append(item)
            store.save(old.with_items(items).to_doc())
    return records
