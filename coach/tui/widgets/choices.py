"""A choice list whose options are numbered, and a number key picks one at once."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from coach.engine import Option as ChoiceOption
from coach.terminal import printable
from coach.tui.widgets.control import KeptControl

SUGGESTED = "  (suggested)"


class ChoiceList(OptionList, KeptControl):
    """The options of a choice question, `1) …`, `2) …`; Enter or the number sends.

    The options stay in the pack's order, so a number always means the same option; the one
    the coach guessed (`suggested`, an option id) is marked and highlighted first, so Enter
    takes it."""

    def __init__(
        self,
        options: tuple[ChoiceOption, ...],
        *,
        suggested: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(*_options(options, suggested), id=id, classes=classes)
        self.suggested = next((i for i, o in enumerate(options) if o.id == suggested), None)
        if self.suggested is not None:
            self.highlighted = self.suggested

    def set_choices(self, options: tuple[ChoiceOption, ...], suggested: str | None) -> None:
        """The options of a new question, as a new list would show them: the first one
        highlighted (`OptionList.__init__` does that), or the coach's guess."""
        self.set_options(_options(options, suggested))
        self.action_first()
        self.suggested = next((i for i, o in enumerate(options) if o.id == suggested), None)
        if self.suggested is not None:
            self.highlighted = self.suggested

    def on_key(self, event: events.Key) -> None:
        character = event.character
        if character and character in "123456789" and int(character) <= self.option_count:
            event.stop()
            self.highlighted = int(character) - 1
            self.action_select()


def _options(options: tuple[ChoiceOption, ...], suggested: str | None) -> list[Option]:
    """The options, numbered from 1 in the pack's order."""
    return [
        Option(_label(i, o.label, o.id == suggested), id=o.id) for i, o in enumerate(options, 1)
    ]


def _label(number: int, label: str, suggested: bool) -> Content:
    """`2) Listening`, with a muted mark on the coach's guess; pack text stays literal."""
    text = Content(f"{number}) {printable(label)}")
    return Content.assemble(text, (SUGGESTED, "$text-muted")) if suggested else text
