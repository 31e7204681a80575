"""Action items for other tools: CSV for a spreadsheet, iCalendar VTODOs for a calendar or a
task app (written with the `icalendar` library), and todo.txt lines.

Every function takes `coach.actions.Row`s and returns text; the CLI decides where it goes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from coach.actions import Row
    from coach.notes import Note

CSV_COLUMNS = ["session", "id", "due", "status", "trait", "kind", "text", "trait_title"]
_ICS_STATUS = {"open": "NEEDS-ACTION", "done": "COMPLETED", "dropped": "CANCELLED"}


def actions_csv(rows: Sequence[Row]) -> str:
    """One row per item under a header row; text cells exactly as written."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        item = row.item
        writer.writerow(
            [row.session, item.id, item.due, item.status, item.trait or "", item.kind,
             item.text, row.trait_title]
        )  # fmt: skip
    return out.getvalue()


def actions_ics(rows: Sequence[Row], stamp: datetime) -> str:
    """A calendar of VTODO entries with their DUE dates, one per item.

    Args:
        stamp: The DTSTAMP of every entry (the export's time; frozen by COACH_NOW in tests).
    """
    from icalendar import Calendar, Todo

    calendar = Calendar()
    calendar.add("prodid", "-//coach//action items//EN")
    calendar.add("version", "2.0")
    for row in rows:
        item = row.item
        todo = Todo()
        todo.add("uid", f"{row.session}-{item.id}@coach")
        todo.add("dtstamp", stamp)
        todo.add("summary", " ".join(item.text.split()))
        if item.due:
            todo.add("due", date.fromisoformat(item.due))
        todo.add("status", _ICS_STATUS.get(item.status, "NEEDS-ACTION"))
        if row.trait_title:
            todo.add("categories", [row.trait_title])
        whose = "your commitment" if item.own else f"a {item.kind}"
        chosen = " The coach chose the date: you named none." if item.defaulted else ""
        todo.add("description", f"From reflection {row.session} ({whose}).{chosen}")
        calendar.add_component(todo)
    text: str = calendar.to_ical().decode("utf-8")
    return text


def actions_todo(rows: Sequence[Row]) -> str:
    """todo.txt: one line per item, `x` for done, `+trait`, `due:` and `session:` tags.

    Each line starts with its dates, the day it was marked done and the day of its session
    (todo.txt's completion and creation dates), so that words of the leader's that todo.txt
    reads at a line's start (`x `, `(A) `, a date) stay words of the item."""
    from coach.transcript import is_day

    lines = []
    for row in rows:
        item = row.item
        words = " ".join(item.text.split())
        created = row.session[:10] if is_day(row.session[:10]) else ""
        parts = []
        if item.status == "done":
            parts.append("x")
            done_on = item.checked.on[:10] if item.checked else ""
            if is_day(done_on):  # todo.txt gives a creation date only after a completion date
                parts.append(done_on)
                parts.append(created)
        elif created:
            parts.append(created)
        parts.append(words)
        if item.trait:
            parts.append(f"+{item.trait}")
        if item.due:
            parts.append(f"due:{item.due}")
        if not item.own:  # the coach's suggestion or insight, never mistaken for a commitment
            parts.append(f"from:{item.kind}")
        parts.append(f"session:{row.session}")
        parts.append(f"item:{item.id}")
        if item.status == "dropped":
            parts.append("status:dropped")
        lines.append(" ".join(parts))
    return "".join(line + "\n" for line in lines)


def notes_markdown(notes: Sequence[Note]) -> str:
    """A coach's notes as a Markdown section, each note quoted and escaped like every value of
    a report, so nothing in it can become a heading, a link or raw HTML."""
    from coach.report import markdown_quote, markdown_text

    if not notes:
        return ""
    out = ["", "## Coach notes", ""]
    for note in notes:
        on = f" on turn {note.turn}" if note.turn is not None else ""
        out.append(f"**{markdown_text(note.author)}**, {markdown_text(note.at)}{on}:")
        out.append("")
        out.append(markdown_quote(note.text))
        out.append("")
    return "\n".join(out)
