"""What the reflection's controls (answer box, rating bar, choice list) share."""

from __future__ import annotations

from textual.widget import Widget


class KeptControl(Widget):
    """A control kept for every question of its kind and hidden between them.

    When the next question needs another kind, the focus goes to the new control and this
    one is hidden (`ReflectScreen._swap_control`). Textual restyles a widget and all its
    children whenever it gains or loses the focus (`Widget.watch_has_focus`): every box of a
    rating bar, every component of a text area or option list, ~1.5 ms at nearly every
    answer. A control being hidden as it loses the focus is not restyled (nobody sees that
    look), so it keeps the look it had with the focus; when it is shown and focused again,
    that look is still right and it is not restyled either, unless something restyled it
    in between (a new theme, a class) while it had no focus (`_focus_look`). A visible
    control losing the focus (the leader clicks the conversation) is restyled as usual.
    `test_a_control_hidden_as_it_loses_the_focus_keeps_its_focused_look` fails if Textual
    stops restyling there or restyles elsewhere.

    Children restyled on their own are not seen here: a rating bar's boxes look the same
    with and without the focus except the chosen one, and a question's bar has none chosen.

    It goes after a Textual base (`class AnswerBox(TextArea, KeptControl)`): Textual takes
    a widget's CSS, and its component classes, from the first widget base only.
    """

    _focus_look = False  # its styles were last worked out while it had the focus

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._focus_look = self.has_focus

    def watch_has_focus(self, has_focus: bool) -> None:
        if has_focus and self._focus_look:
            return  # hidden with the focused look, and nothing has restyled it since
        if has_focus or self.display:
            super().watch_has_focus(has_focus)
