"""A multi-line answer box: Enter sends, Ctrl+J (or Shift+Enter where the terminal tells them
apart) starts a new line."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import TextArea

from coach.tui.widgets.control import KeptControl

NEWLINE_KEYS = ("ctrl+j", "shift+enter", "alt+enter")


class AnswerBox(TextArea, KeptControl):
    """Free-text answers, kept exactly as typed (a 1 MB paste included)."""

    @dataclass
    class Submitted(Message):
        """The leader sent an answer."""

        answer_box: AnswerBox
        value: str

        @property
        def control(self) -> AnswerBox:
            return self.answer_box

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(
            id=id,
            classes=classes,
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

    def on_key(self, event: events.Key) -> None:
        """Enter sends and Ctrl+J starts a new line, in the order the keys came: a handler
        here runs before the text area's own (which would insert a line break for Enter),
        and `prevent_default` keeps it from running, as Textual documents for base-class
        handlers. A priority binding would not do: it runs on the app, ahead of characters
        still queued for the box, and sent half an answer typed quickly (in tmux)."""
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            self.post_message(self.Submitted(self, self.text))
        elif event.key in NEWLINE_KEYS:
            event.stop()
            event.prevent_default()
            start, end = self.selection
            self.replace("\n", start, end, maintain_selection_offset=False)
