"""Before the reflection: how did the commitments that came due go? One at a time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from coach.checkin import ANSWERS, HEARD, LABELS, NOT_YET, Answer, Plan
from coach.terminal import printable
from coach.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from coach.tui.app import CoachApp


class CheckinScreen(Screen[None]):
    """Asks about each due item; the answers go to the app, which records them."""

    BINDINGS = [
        Binding("escape", "later", "Ask me next time"),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
    ]

    def __init__(self, plan: Plan) -> None:
        super().__init__()
        self.plan = plan
        self.questions = plan.questions
        self.index = 0
        self.answers: list[Answer] = []

    @property
    def coach_app(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with Vertical(id="checkin"):
            yield Static(Content.styled("Before we start", "bold"), classes="heading")
            yield Static(id="item")
            yield OptionList(
                *[Option(Content(f"{i}) {LABELS[a]}"), id=a) for i, a in enumerate(ANSWERS, 1)],
                id="checkin-answers",
            )
            yield Static(Content(NOT_YET), id="not-yet-question")
            yield Input(placeholder="In a few words; Enter goes on", id="not-yet")
            yield Static(Content(printable(self.plan.ahead_text())), id="ahead")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        question = self.questions[self.index]
        self.query_one("#item", Static).update(Content(printable(question.text)))
        self._asking_why(False)
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def _asking_why(self, asking: bool) -> None:
        """After "Not yet", one open question; the list steps aside until it is answered."""
        self.query_one("#not-yet-question").display = asking
        box = self.query_one("#not-yet", Input)
        box.display = asking
        self.query_one(OptionList).display = not asking
        if asking:
            box.value = ""
            box.focus()

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if self.query_one("#not-yet", Input).display:
            return
        if character and character in "1234":
            self._answer(ANSWERS[int(character) - 1])

    @on(Input.Submitted, "#not-yet")
    def _why_given(self, event: Input.Submitted) -> None:
        event.stop()
        self._next((self.questions[self.index].due, "not yet", event.value.strip() or None))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._answer(str(event.option.id))

    def _answer(self, answer: str) -> None:
        if answer == "not yet":
            self._asking_why(True)
            return
        self._next((self.questions[self.index].due, answer))

    def _next(self, answer: Answer) -> None:
        self.answers.append(answer)
        self.index += 1
        self.notify(HEARD[answer[1]], markup=False)  # the answer heard, as a coach says it
        if self.index < len(self.questions):
            self._show()
        else:
            self.coach_app.checked_in(self.answers)

    def action_later(self) -> None:
        self.coach_app.checked_in(self.answers)

    def keep(self) -> None:
        """Leaving now (Ctrl+Q, a closed terminal): what was answered is recorded first."""
        box = self.query_one("#not-yet", Input)
        if box.display:  # "not yet" chosen, the reason half typed
            self.answers.append(
                (self.questions[self.index].due, "not yet", box.value.strip() or None)
            )
            box.display = False
        if self.answers:
            self.coach_app.record_checkin(self.answers)
            self.answers = []

    def leave(self) -> None:
        self.keep()
        self.coach_app.pause()
