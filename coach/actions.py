"""Action items across sessions: find them, filter them, mark them done or dropped.

Reading goes through the typed transcript; marking an item takes the session's lock and
rewrites the file through the store, like the check-in does, so a mark never races a session
that is open elsewhere and never touches the leader's words.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date

from coach.store import SessionStore, StoreError
from coach.store.store import BRIEF_WAIT
from coach.transcript import ActionItem, Checked, Transcript, parse

STATUSES = ("open", "done", "dropped")


@dataclass(frozen=True, slots=True)
class Row:
    """One action item with the session it belongs to."""

    session: str
    participant: str | None
    trait_title: str
    item: ActionItem

    @property
    def ref(self) -> str:
        """How a person names this item on the command line: `SESSION:ITEM`."""
        return f"{self.session}:{self.item.id}"


class ActionError(Exception):
    """An item reference that names nothing, or names it twice; one sentence for the user."""


def rows_of(transcript: Transcript) -> list[Row]:
    return [
        Row(transcript.id, transcript.participant, transcript.trait_title(i.trait), i)
        for i in transcript.action_items
    ]


def every_row(store: SessionStore, problems: list[StoreError]) -> Iterator[Row]:
    """Every session's items, oldest session first (a to-do list reads that way); sessions
    that cannot be read are added to `problems` and passed over."""
    listing = store.list()
    problems.extend(listing.problems)
    for summary in reversed(listing.sessions):
        try:
            header = parse(store.load_header(summary.path), summary.path)
        except StoreError as exc:
            problems.append(exc)
            continue
        yield from rows_of(header)


def keep(row: Row, status: str | None, leader: str | None) -> bool:
    if status is not None and row.item.status != status:
        return False
    if leader is not None:
        return (row.participant or "").casefold() == leader.casefold()
    return True


def mark(store: SessionStore, ref: str, status: str, on: date, why: str | None = None) -> Row:
    """Mark one item `done` or `dropped` (`open` again is allowed too), in its session's file.

    Args:
        ref: `SESSION:ITEM`, where SESSION may be any unique start of the id.

    Raises:
        ActionError: the reference is malformed or names no item.
        StoreError: the session cannot be read, is open elsewhere, or cannot be written.
    """
    session_ref, sep, item_id = ref.rpartition(":")
    if not sep or not session_ref or not item_id:
        raise ActionError(
            f"'{ref}' is not an action item; name one as SESSION:ITEM, e.g. "
            "2026-11-02-0930-vmyh:a1 (coach actions --all lists them)"
        )
    path = store.resolve(session_ref)
    with store.lock(path.stem, wait=BRIEF_WAIT):
        transcript = parse(store.load(path), path)
        items = list(transcript.action_items)
        index = next((i for i, item in enumerate(items) if item.id == item_id), None)
        if index is None:
            known = ", ".join(i.id for i in items) or "none"
            raise ActionError(
                f"session {transcript.id} has no action item '{item_id}' (it has: {known})"
            )
        answer = {"done": "done", "dropped": "drop", "open": "not yet"}[status]
        items[index] = replace(
            items[index], status=status, checked=Checked(on.isoformat(), answer, "", why)
        )
        store.save(transcript.with_items(items).to_doc())
    return rows_of(transcript.with_items(items))[index]
