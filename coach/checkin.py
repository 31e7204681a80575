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
    """An open action item from an earlier, complete session, due on or before today (or, in
    `Plan.ahead`, still to come)."""

    session_id: str
    item: ActionItem
    trait_title: str = ""
    focus: bool = False  # the step the leader chose to work on first

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
        due = _day(self.due.due)
        if self.due.focus and self.due.trait_title:
            return (
                f"Last time you chose {self.due.trait_title} to work on first{count}:\n\n"
                f"    {self.due.text}\n\nIt was due {due}. What happened?"
            )
        lead = "You also committed to" if self.number > 1 else "Last time you committed to"
        return f"{lead}{count}:\n\n    {self.due.text}\n\nIt was due {due}. How did it go?"


NOT_YET = "What got in the way?"
# Said back after each answer, as a coach would: the answer heard, nothing made of it.
HEARD = {
    "done": "Good. That one is done.",
    "partly": "Part of it is a start. It stays on your list.",
    "not yet": "Thank you for saying so. It stays on your list.",
    "drop": "Dropped. It won't come up again.",
}
"""Asked once after "not yet": the leader's own words, kept with the check-in."""


@dataclass(frozen=True, slots=True)
class Plan:
    """What the check-in asks (what came due, the chosen focus first) and what it only lists
    (the commitments still to come)."""

    questions: list[Question]
    ahead: list[DueItem]
    more: int = 0  # commitments that came due beyond those asked about

    def ahead_text(self) -> str:
        """What is not asked about: how many more came due (never passed over in silence),
        and the commitments not yet due, listed."""
        parts = []
        if self.more:
            them = "it" if self.more == 1 else "them"
            parts.append(
                f"{self.more} more {'commitment' if self.more == 1 else 'commitments'} came due "
                f"that I haven't asked about; 'coach actions --all --status open' lists {them}."
            )
        if self.ahead:
            lines = [f"    {d.text} (due {_day(d.due)})" for d in self.ahead]
            parts.append("Still ahead:\n" + "\n".join(lines))
        return "\n\n".join(parts)


def due_words(day: date) -> str:
    """A due date as people say it ("Fri 4 Dec"), so a wrong one is noticed at once."""
    return f"{day:%a} {day.day} {day:%b}"


CHOSEN = "my date"
"""Beside a due date the coach chose, on the summary said to the leader."""
CHOSEN_EDITABLE = "my date; change it"
"""The same, where the leader can still change it (the TUI's summary)."""
CHOSEN_RECORD = "the coach's date"
"""Beside a due date the coach chose, in a record read later (reports, `coach actions`)."""


def item_due(due: str, defaulted: bool, note: str = CHOSEN) -> str:
    """An item's due date in words, saying so when the coach chose it: "Sat 12 Dec, my date"
    ("Sat 12 Dec (my date; change it)" with `note=CHOSEN_EDITABLE`, in brackets where it
    asks for something). A date the leader named is never marked; a non-date is shown."""
    words = _day(due) if due else "no date"
    if not (defaulted and due):
        return words
    return f"{words} ({note})" if note == CHOSEN_EDITABLE else f"{words}, {note}"


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
    """Open commitments that came due, the chosen focus first, then oldest first."""
    return [question.due for question in plan(store, today, name).questions]


def plan(store: SessionStore, today: date, name: str | None = None) -> Plan:
    """The leader's own open commitments from recent complete sessions: those that came due,
    to ask about (the step chosen to work on first leads, then the oldest, at most `MOST`),
    and those still to come, to list.

    With a `name`, only that leader's sessions (and unnamed ones) count, so a shared sessions
    folder does not ask one leader about another's commitments. A session that cannot be read
    is passed over: the check-in is a warm-up, never a reason not to start.
    """
    due: list[DueItem] = []
    ahead: list[DueItem] = []
    wanted = name.casefold() if name else None
    recent = [s for s in store.list().sessions if s.status == "complete" and s.open_actions]
    focus_found = False
    for summary in recent[:RECENT_SESSIONS]:
        if wanted and summary.participant and summary.participant.casefold() != wanted:
            continue
        try:
            if not focus_found:  # the latest one: its turns say which step came first
                whole = parse(store.load(summary.path), summary.path)
                focus, focus_found = whole.focus_trait(), True
                header = whole
            else:
                focus = None
                header = parse(store.load_header(summary.path), summary.path)
        except StoreError:
            continue
        for item in header.action_items:
            # Only what the leader committed to: the coach's suggestions were never promised.
            if not (item.own and item.is_open and item.due):
                continue
            found = DueItem(
                header.id,
                item,
                header.trait_title(item.trait),
                focus is not None and item.trait == focus,
            )
            (due if item.due <= today.isoformat() else ahead).append(found)
    due.sort(key=lambda d: (not d.focus, d.due, d.session_id))
    ahead.sort(key=lambda d: (d.due, d.session_id))
    return Plan(questions(due[:MOST]), ahead[:MOST], max(0, len(due) - MOST))


Answer = tuple[DueItem, str] | tuple[DueItem, str, str | None]
"""An item and its answer, and for "not yet" what got in the way."""


def records_for(answers: Iterable[Answer]) -> list[CheckinRecord]:
    """What the new session's transcript keeps of each answer."""
    out = []
    for due, answer, *note in answers:
        text = note[0] if note and note[0] and note[0].strip() else None
        out.append(CheckinRecord(due.session_id, due.item.id, due.text, due.due, answer, text))
    return out


def record(
    store: SessionStore, answers: Iterable[Answer], in_session: str, on: date
) -> list[CheckinRecord]:
    """Mark the old items (done, dropped, or still open with the note) and return the records
    for the new transcript's check-in.

    Raises:
        StoreError: an old session could not be read or written; nothing of it is changed.
    """
    by_session: dict[str, list[tuple[DueItem, str, str | None]]] = {}
    answers = list(answers)
    records = records_for(answers)
    for due, answer, *note in answers:
        # What got in the way goes with the item too, where a coach reading it looks.
        by_session.setdefault(due.session_id, []).append((due, answer, note[0] if note else None))
    for session_id, updates in by_session.items():
        with store.lock(session_id):
            path = store.resolve(session_id)
            old = parse(store.load(session_id), path)
            items = []
            for item in old.action_items:
                for due, answer, why in updates:
                    if item.id == due.item.id and item.text == due.text:
                        item = replace(
                            item,
                            status=STATUS[answer],
                            checked=Checked(on.isoformat(), answer, in_session, why or None),
                        )
                items.append(item)
            store.save(old.with_items(items).to_doc())
    return records
