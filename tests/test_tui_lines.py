"""The hint draws its rows itself (coach.tui.widgets.hint); it must show what a `Static`
styled the same shows, and grow or shrink as a `Static` would."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui_log import cells
from textual.app import App, ComposeResult
from textual.content import Content
from textual.geometry import Region
from textual.widgets import Static

from coach.tui.widgets.hint import Hint

STYLESHEET = Path(__file__).parents[1] / "coach" / "tui" / "coach.tcss"
HINT = "Enter sends · Ctrl+J new line · Ctrl+N skips"
REFUSAL = "Take your time. A few words are enough. Ctrl+N skips this one."


class Hints(App[None]):
    CSS_PATH = str(STYLESHEET)
    CSS = "#static { color: $text-muted; height: auto; margin: 0 1; } #static.-refusal { color: $text-warning; }"

    def compose(self) -> ComposeResult:
        yield Hint(HINT, id="hint")
        yield Static(Content(HINT), id="static")


def rows(widget: Static | Hint) -> list[list[tuple[str, object, object, bool]]]:
    return [cells(strip) for strip in widget.render_lines(Region(0, 0, *widget.size))]


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_hint_shows_what_a_static_shows_and_grows_for_a_long_refusal(
    theme: str,
) -> None:
    app = Hints()
    async with app.run_test(size=(40, 10)) as pilot:
        app.theme = theme
        await pilot.pause()
        hint, static = app.query_one(Hint), app.query_one(Static)
        assert hint.size.height == 2 and rows(hint) == rows(static)  # wrapped at 40 columns
        for text, refusal in [(REFUSAL, True), ("↑/↓ and Enter", False), (HINT, False)]:
            hint.show(text, refusal=refusal)
            static.update(Content(text))
            static.set_class(refusal, "-refusal")
            await pilot.pause()
            assert hint.size == static.size and rows(hint) == rows(static), text
        assert hint.size.height == 2
