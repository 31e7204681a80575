"""The end of a reflection: ratings as a chart, the loyalty trait beside the leader's own
rating of it, action items to edit before they are final, and where everything was written."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from coach.session import Session
from coach.terminal import printable
from coach.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from coach.tui.app import CoachApp

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ActionRow(Horizontal):
    """One action item: its text and due date can be edited; it can be removed."""

    def __init__(self, item: dict[str, Any], index: int) -> None:
        super().__init__(classes="action-row")
        self.item = item
        self.index = index

    def compose(self) -> ComposeResult:
        yield Input(self.item["text"], id=f"text-{self.index}", classes="action-text")
        yield Input(self.item["due"], id=f"due-{self.index}", classes="action-due", max_length=10)
        yield Button("Remove", id=f"remove-{self.index}", classes="remove", compact=True)


class SummaryScreen(Screen[None]):
    """Read, adjust, finish."""

    BINDINGS = [
        Binding("ctrl+s", "done", "Save and finish"),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
    ]
    PALETTE = [("Save and finish", "Keep these action items and close coach", "done")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.items = [a.to_dict() for a in session.dialogue.action_items()]

    @property
    def coach_app(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        d = self.session.dialogue
        pack = d.pack
        ratings = d.ratings()
        with VerticalScroll(id="summary"):
            for words in self._closing_words():
                yield Static(Content(printable(words)), classes="closing")
            yield Static(Content.styled("Your reflection", "bold"), classes="heading")
            for trait in pack.traits:
                value = ratings.get(trait.id)
                top = next((s.scale.max for s in pack.steps if s.trait == trait.id and s.scale), 5)
                bar = ("█" * value + "░" * (top - value)) if value is not None else "skipped"
                score = f" {value}/{top}" if value is not None else ""
                yield Static(Content(f"{trait.title:<24} {bar}{score}"), classes="rating-row")
            yield Static(Content(self._loyalty_line()), id="loyalty")
            yield Static(Content.styled("Action items", "bold"), classes="heading")
            with Vertical(id="actions"):
                for i, item in enumerate(self.items):
                    yield ActionRow(item, i)
            yield Static(id="where")
            yield Button("Save and finish", id="done", variant="primary")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._show_where(export=None)

    def _closing_words(self) -> list[str]:
        """What the coach said after the last answer (the pack's closing words)."""
        log = self.session.dialogue.log
        last_leader = max((i for i, t in enumerate(log) if t.role == "leader"), default=-1)
        return [t.text for t in log[last_leader + 1 :] if t.kind == "statement"]

    def _loyalty_line(self) -> str:
        d = self.session.dialogue
        trait_id = d.classification().get("trait")
        trait = d.pack.trait(trait_id)
        if trait is None:
            return "The loyalty question was left open."
        rating = d.ratings().get(trait.id)
        if rating is None:
            return f"{trait.title} earned your loyalty. You didn't rate yourself on it today."
        return f"{trait.title} earned your loyalty. You rated yourself {rating} on it today."

    def _show_where(self, export: Any) -> None:
        lines = [f"Transcript: {printable(str(self.session.path))}"]
        if export is not None:
            lines.append(f"Markdown:   {printable(str(export))}")
        self.query_one("#where", Static).update(Content("\n".join(lines)))

    @on(Button.Pressed, ".remove")
    def _remove(self, event: Button.Pressed) -> None:
        row = event.button.parent
        if isinstance(row, ActionRow):
            row.remove()

    @on(Button.Pressed, "#done")
    def _done_pressed(self) -> None:
        self.action_done()

    def edited_items(self) -> list[dict[str, Any]] | None:
        """The rows as they stand, or None (with a message) when a date is not a date."""
        kept = []
        for number, row in enumerate(self.query(ActionRow), start=1):
            text = row.query_one(".action-text", Input).value
            due_box = row.query_one(".action-due", Input)
            due = due_box.value.strip()
            problem = None
            if not ISO_DATE.match(due):
                problem = f"Action item {number}: '{due}' is not a date; use YYYY-MM-DD."
            else:
                try:
                    date.fromisoformat(due)
                except ValueError:
                    problem = f"Action item {number}: '{due}' is not a date on the calendar."
            if problem:
                self.notify(problem, severity="error", markup=False)
                due_box.focus()  # where to fix it
                return None
            if text.strip():
                kept.append({**row.item, "text": text, "due": due})
        for number, item in enumerate(kept, start=1):
            item["id"] = f"a{number}"
        return kept

    def action_done(self) -> None:
        items = self.edited_items()
        if items is None:
            return
        from coach.report import transcript_markdown

        self.session.edited_actions = items
        self.coach_app.save_now()
        export = self.session.store.export(
            self.session.id, transcript_markdown(self.session.to_doc())
        )
        self._show_where(export)
        self.coach_app.finish(export)
