"""A rating control: number keys pick directly, arrows move, Enter confirms; every value shows
its label."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from coach.engine import Scale


class RatingBar(Widget, can_focus=True):
    """One row of values, the chosen one highlighted."""

    BINDINGS = [
        Binding("left,h", "move(-1)", "Lower", show=False),
        Binding("right,l", "move(1)", "Higher", show=False),
        Binding("enter", "choose", "Send", show=False),
    ]

    value: reactive[int | None] = reactive(None)

    @dataclass
    class Chosen(Message):
        """The leader confirmed a rating."""

        rating_bar: RatingBar
        value: int

        @property
        def control(self) -> RatingBar:
            return self.rating_bar

    def __init__(self, scale: Scale, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.scale = scale

    def compose(self) -> ComposeResult:
        for n in range(self.scale.min, self.scale.max + 1):
            label = self.scale.labels.get(n, "")
            yield Static(Content(f" {n} \n{label}"), classes="rating-value", id=f"rating-{n}")

    def validate_value(self, value: int | None) -> int | None:
        if value is None:
            return None
        return max(self.scale.min, min(self.scale.max, value))

    def watch_value(self, value: int | None) -> None:
        for n in range(self.scale.min, self.scale.max + 1):
            self.query_one(f"#rating-{n}").set_class(n == value, "-chosen")

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if character and character.isdigit():
            number = int(character)
            if self.scale.min <= number <= self.scale.max:
                event.stop()
                self.value = number
                self.post_message(self.Chosen(self, number))

    def action_move(self, step: int) -> None:
        middle = (self.scale.min + self.scale.max) // 2
        self.value = middle if self.value is None else self.value + step

    def action_choose(self) -> None:
        if self.value is not None:
            self.post_message(self.Chosen(self, self.value))
