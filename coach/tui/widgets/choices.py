"""A choice list whose options are numbered, and a number key picks one at once."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from coach.engine import Option as ChoiceOption


class ChoiceList(OptionList):
    """The options of a choice question, `1) …`, `2) …`; Enter or the number sends."""

    def __init__(self, options: tuple[ChoiceOption, ...], *, id: str | None = None) -> None:
        super().__init__(
            *[Option(Content(f"{i}) {o.label}"), id=o.id) for i, o in enumerate(options, 1)],
            id=id,
        )

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if character and character.isdigit() and 1 <= int(character) <= self.option_count:
            event.stop()
            self.highlighted = int(character) - 1
            self.action_select()
