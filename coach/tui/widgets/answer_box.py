"""A multi-line answer box: Enter sends, Ctrl+J (or Shift+Enter where the terminal tells them
apart) starts a new line."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import TextArea

NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")


class AnswerBox(TextArea):
    """Free-text answers, kept exactly as typed (a 1 MB paste included)."""

    @dataclass
    class Submitted(Message):
        """The leader sent an answer."""

        answer_box: AnswerBox
        value: str

        @property
        def control(self) -> AnswerBox:
            return self.answer_box

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            id=id,
            soft_wrap=True,
            tab_behavior="focus",
            show_line_numbers=False,
            compact=True,
            placeholder="Type your answer here",
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        # A redraw queued before the box was swapped out can arrive after Textual has
        # dropped its styles; a detached box has nothing to show.
        if not self.is_attached:
            return [Strip.blank(crop.width)] * crop.height
        return super().render_lines(crop)

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
            return
        if event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            self._replace_via_keyboard("\n", start, end)
            return
        await super()._on_key(event)
