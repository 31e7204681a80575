"""What the reflection's controls (answer box, rating bar, choice list) share."""

from __future__ import annotations

from textual.widget import Widget


class KeptControl(Widget):
    """A control kept for every question of its kind and hidden between them.

    When the next question needs another kind, the focus goes to the new control and this
    one is hidden (`ReflectScreen._swap_control`). Textual restyles a widget and all its
    children when it loses the focus (`Widget.watch_has_focus`); for a control being hidden
    nobody sees that look, and it cost the answer's frame a restyle of every box of a rating
    bar or every part of a text area. It is restyled when it is shown and focused again.
    A visible control losing the focus (the leader clicks the conversation) is restyled as
    usual. `test_a_control_hidden_as_it_loses_the_focus_is_restyled_when_it_is_back`
    fails if Textual stops restyling there.

    It goes after a Textual base (`class AnswerBox(TextArea, KeptControl)`): Textual takes
    a widget's CSS, and its component classes, from the first widget base only.
    """

    def watch_has_focus(self, has_focus: bool) -> None:
        if has_focus or self.display:
            super().watch_has_focus(has_focus)
