"""The end of a reflection: ratings as a chart, the loyalty trait beside the leader's own
rating of it, action items to edit before they are final, and where everything was written.

Everything shown comes from `Session.summary()`, the same data the line mode prints.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, Static, TextArea

from coach.checkin import CHOSEN_EDITABLE
from coach.session import Session, due_words
from coach.terminal import printable
from coach.transcript import ActionItem
from coach.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from coach.tui.app import CoachApp

FIRST_ROWS = 2  # action items mounted with the first fill-in; the rest one frame later


WHOSE = {
    "commitment": "Your commitment",
    "suggestion": "The coach's suggestion",
    "insight": "The coach's insight",
}
"""What each kind of item is called on its row: only the leader's own words are commitments."""


class ActionRow(Vertical):
    """One action item, read whole: whose it is and its trait, its words (wrapped, editable),
    and its due date, which takes the same phrases as the conversation ("next Friday")."""

    def __init__(self, item: ActionItem, number: int, trait: str) -> None:
        super().__init__(classes="action-row")
        self.item = item
        self.number = number
        self.trait = trait

    def compose(self) -> ComposeResult:
        whose = WHOSE.get(self.item.kind, "The coach's suggestion")
        about = f" · {self.trait}" if self.trait else ""
        yield Static(Content(printable(f"{self.number}. {whose}{about}")), classes="action-head")
        yield TextArea(
            self.item.text, soft_wrap=True, show_line_numbers=False, classes="action-text",
            compact=True,
        )  # fmt: skip
        with Horizontal(classes="action-due-row"):
            yield Static(Content("Due"), classes="action-due-label")
            yield Input(self.item.due, classes="action-due", compact=True)
            yield Static(classes="action-due-words")
            yield Button("Remove", classes="remove", compact=True)

    @property
    def text(self) -> str:
        return self.query_one(".action-text", TextArea).text

    @property
    def due_box(self) -> Input:
        return self.query_one(".action-due", Input)


class SummaryScreen(Screen[None]):
    """Read, adjust, finish."""

    CSS_PATH = "summary.tcss"
    BINDINGS = [
        Binding("ctrl+s", "done", "Save and finish"),
        Binding("ctrl+z", "undo", "Undo remove", show=False),
        Binding("ctrl+q", "app.quit", "Save and quit", priority=True),
    ]
    PALETTE = [
        ("Save and finish", "Keep these action items and close coach", "done"),
        ("Undo remove", "Bring back the last action item you removed", "undo"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.summary = session.summary()
        self.removed: list[ActionRow] = []
        self.rows: list[ActionRow] | None = None  # None until the rows are filled in
        self._asked_to_leave = False

    @property
    def coach_app(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        summary = self.summary
        width = max((len(row.title) for row in summary.ratings), default=0)
        with VerticalScroll(id="summary"):
            for words in summary.closing:
                yield Static(Content(printable(words)), classes="closing")
            yield Static(Content.styled("Your reflection", "bold"), classes="heading")
            if summary.followed:  # how the check-in went: "You followed through on 2 of 3 …"
                yield Static(Content(printable(summary.followed)), id="followed")
            for row in summary.ratings:
                line = f"{printable(row.title):<{width}}  {row.bar} {row.score}".rstrip()
                yield Static(Content(line), classes="rating-row")
            yield Static(Content(printable(summary.loyalty)), id="loyalty")
            yield Static(Content.styled("Action items", "bold"), classes="heading")
            if not summary.action_items:
                yield Static(Content("No action items this time."), classes="muted")
            # The rows (an editor, a date box and buttons each) are mounted after the first
            # frame: the summary is on screen at once and fills in (`_fill_in`).
            yield Vertical(id="actions")
            with Horizontal(id="undo-bar"):
                yield Static(id="undo-text")
                yield Button("Undo", id="undo", compact=True)
            yield Static(Content(f"Transcript: {printable(str(self.session.path))}"), id="where")
            yield Button("Save and finish", id="done", variant="primary")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#undo-bar").display = False
        # First the summary on screen, then the save of the whole conversation (the draft
        # cleared, every queued save made stale; written in a worker), then the action items.
        self.call_after_refresh(self.coach_app.save_finished)
        self.call_after_refresh(self._fill_in)

    async def _fill_in(self) -> None:
        """The action items, each with its date in words: the first ones in one frame, the
        others in the next (each row is an editor, a date box and a button: ~10 ms)."""
        summary = self.summary
        self.rows = rows = [
            ActionRow(item, number, summary.trait_title(item.trait))
            for number, item in enumerate(summary.action_items, start=1)
        ]
        await self._mount_rows(rows[:FIRST_ROWS])
        if rows[FIRST_ROWS:]:
            self.call_after_refresh(self._mount_rows, rows[FIRST_ROWS:])

    async def _mount_rows(self, rows: list[ActionRow]) -> None:
        with self.app.batch_update():
            await self.query_one("#actions", Vertical).mount_all(rows)
            for row in rows:
                self._show_due(row)

    # -- due dates in words ----------------------------------------------------------------

    @on(Input.Changed, ".action-due")
    def _due_changed(self, event: Input.Changed) -> None:
        for row in event.input.ancestors:
            if isinstance(row, ActionRow):
                self._show_due(row)
                return

    def _show_due(self, row: ActionRow) -> None:
        """Say the date back as understood, so a wrong one is caught before it is saved."""
        words = row.query_one(".action-due-words", Static)
        typed = row.due_box.value
        day = self.session.due_date(typed)
        if day is None:
            words.update(Content("not a date" if typed.strip() else "give a date"))
            words.add_class("-invalid")
        else:
            said = f"{due_words(day)}, {day.year}"
            if row.item.defaulted and typed == row.item.due:  # the coach chose it; still untouched
                said = f"{said} ({CHOSEN_EDITABLE})"
            words.update(Content(said))
            words.remove_class("-invalid")

    # -- removing, and taking it back ------------------------------------------------------

    @on(Button.Pressed, ".remove")
    def _remove(self, event: Button.Pressed) -> None:
        for row in event.button.ancestors:
            if isinstance(row, ActionRow):
                row.display = False
                self.removed.append(row)
                self._show_undo()
                return

    def action_undo(self) -> None:
        if not self.removed:
            return
        row = self.removed.pop()
        row.display = True
        row.query_one(".action-text", TextArea).focus()
        self._show_undo()

    @on(Button.Pressed, "#undo")
    def _undo_pressed(self) -> None:
        self.action_undo()

    def _show_undo(self) -> None:
        bar = self.query_one("#undo-bar")
        bar.display = bool(self.removed)
        if self.removed:
            text = self.removed[-1].text.strip().split("\n")[0]
            if len(text) > 44:
                text = text[:43] + "…"
            self.query_one("#undo-text", Static).update(
                Content(printable(f"Removed: {text} (Ctrl+Z)"))
            )

    # -- finishing -------------------------------------------------------------------------

    @on(Button.Pressed, "#done")
    def _done_pressed(self) -> None:
        self.action_done()

    def edited_items(self, strict: bool = True) -> list[ActionItem] | None:
        """The rows as they stand, or None (with a message) when a date is not a date.

        Args:
            strict: False keeps an item whose new date is not a date with its old date,
                for leaving without asking (a second Ctrl+Q, a closed terminal).
        """
        if self.rows is None:  # asked before the rows are on screen: nothing edited yet
            return list(self.summary.action_items)
        kept = []
        for row in self.rows:
            if not row.is_mounted:  # still to be shown: as the coach gave it
                kept.append(row.item)
                continue
            if row in self.removed:
                continue
            text = row.text.strip()
            if not text:
                continue
            day = self.session.due_date(row.due_box.value)
            if day is None and strict:
                self.notify(
                    f"Action item {row.number}: '{row.due_box.value}' is not a date; try "
                    "'next Friday', '5 Dec' or 2026-12-04. Ctrl+Q again keeps its old date.",
                    severity="error",
                    markup=False,
                )
                row.due_box.focus()  # where to fix it
                return None
            due = day.isoformat() if day is not None else row.item.due
            kept.append(replace(row.item, text=text, due=due))
        return kept

    def keep(self) -> None:
        """A closed terminal: finish with the edits as they stand."""
        items = self.edited_items(strict=False)
        self.coach_app.finish(items)

    def leave(self) -> None:
        """Ctrl+Q here finishes with the edits: a complete session is never left as paused.
        With a date that is not one, the first Ctrl+Q says so; the second keeps its old date."""
        if self._asked_to_leave:
            self.keep()
            return
        self._asked_to_leave = True
        self.action_done()

    def action_done(self) -> None:
        """Save the items as they stand and close."""
        items = self.edited_items()
        if items is not None:
            self.coach_app.finish(items)
