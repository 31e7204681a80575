"""A rating control: number keys pick directly, arrows move, Enter confirms; every value shows
its label."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from coach.engine import Scale
from coach.tui.widgets.control import KeptControl


class RatingBar(KeptControl, can_focus=True):
    """One row of values, the chosen one highlighted; every box as tall as the tallest, so a
    label that wraps ("about half the time" at 80 columns) does not leave its box hanging
    below the others."""

    BINDINGS = [
        Binding("left,h", "move(-1)", "Lower", show=False),
        Binding("right,l", "move(1)", "Higher", show=False),
        Binding("enter", "choose", "Send", show=False),
    ]

    value: reactive[int | None] = reactive(None)
    tallest = 0  # lines of the tallest label, which every box is given

    @dataclass
    class Chosen(Message):
        """The leader confirmed a rating."""

        rating_bar: RatingBar
        value: int

        @property
        def control(self) -> RatingBar:
            return self.rating_bar

    def __init__(self, scale: Scale, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.scale = scale

    async def set_scale(self, scale: Scale) -> None:
        """Ready for a new rating question, nothing chosen: the boxes are kept when the scale
        is the same (as on every question of a pack that has one scale), else built again."""
        if scale == self.scale:
            self.value = None
            return
        self.set_reactive(RatingBar.value, None)  # the old boxes are going
        self.scale = scale
        self.tallest = 0
        await self.recompose()

    def compose(self) -> ComposeResult:
        for n in range(self.scale.min, self.scale.max + 1):
            label = self.scale.labels.get(n, "")
            yield RatingValue(Content(f" {n} \n{label}"), classes="rating-value", id=f"rating-{n}")

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual sizes each box of a row on its own (and a box of `height: 1fr` in a bar of
        # `height: auto` would fill the screen), so the bar finds its tallest label here,
        # before its boxes are laid out, and each box takes that height. The narrowest share
        # of the width (1fr boxes differ by a cell at most) wraps the most, so it decides.
        boxes = list(self.query_children(RatingValue))
        if boxes and width:
            inner = max(1, width // len(boxes) - boxes[0].styles.gutter.width)
            self.tallest = max(box.natural_height(container, viewport, inner) for box in boxes)
        return super().get_content_height(container, viewport, width)

    def validate_value(self, value: int | None) -> int | None:
        if value is None:
            return None
        return max(self.scale.min, min(self.scale.max, value))

    def watch_value(self, value: int | None) -> None:
        for n in range(self.scale.min, self.scale.max + 1):
            self.query_one(f"#rating-{n}").set_class(n == value, "-chosen")

    def on_key(self, event: events.Key) -> None:
        """A number on the scale sends at once. Its box is not highlighted first: that would
        be a frame of its own, drawn before the answer's, which would then wait for
        Textual's next frame (up to two at 60 a second) while the next question replaces
        the bar anyway; the leader's line says the number back in the answer's frame."""
        character = event.character
        if character and character in "0123456789":
            number = int(character)
            if self.scale.min <= number <= self.scale.max:
                event.stop()
                self.post_message(self.Chosen(self, number))

    def action_move(self, step: int) -> None:
        middle = (self.scale.min + self.scale.max) // 2
        self.value = middle if self.value is None else self.value + step

    def action_choose(self) -> None:
        if self.value is not None:
            self.post_message(self.Chosen(self, self.value))


class RatingValue(Static):
    """One value of the bar and its label, as tall as the tallest label in the bar."""

    def natural_height(self, container: Size, viewport: Size, width: int) -> int:
        """The lines this label needs on its own at `width`."""
        return super().get_content_height(container, viewport, width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        bar = self.parent
        tallest = bar.tallest if isinstance(bar, RatingBar) else 0
        return max(self.natural_height(container, viewport, width), tallest)
