"""The footer draws its keys as one line itself (coach.tui.widgets.footer); it must show the
cells Textual's own `Footer` shows for the same keys: Textual's footer is the reference."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.strip import Strip
from textual.widgets import Footer, Input

from coach.tui.widgets.footer import KeysFooter

SCROLL = Binding.Group("Scroll")


class Box(Input):
    BINDINGS = [  # noqa: RUF012 (Textual style)
        Binding("ctrl+b", "back", "Back"),
        Binding("ctrl+n", "skip", "Skip"),
        Binding("pageup", "up", "Scroll up", key_display="PgUp", group=SCROLL),
        Binding("pagedown", "down", "Scroll down", key_display="PgDn", group=SCROLL),
        Binding("escape", "pause", "Pause", tooltip="Save and stop"),
        Binding("ctrl+q", "app.quit", "Quit"),
    ]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return None if action == "skip" else True  # shown, but disabled

    def action_pause(self) -> None:
        self.paused = True


class Both(App[None]):
    CSS = "Footer { dock: none; } KeysFooter { dock: none; }"

    def compose(self) -> ComposeResult:
        yield Box()
        yield Footer()
        yield KeysFooter()


def cells(strip: Strip) -> list[tuple[str, object, object, bool]]:
    return [
        (
            char,
            seg.style.color if seg.style else None,
            seg.style.bgcolor if seg.style else None,
            bool(seg.style and seg.style.dim),
        )
        for seg in strip
        for char in seg.text
    ]


def line(app: App[None], selector: str) -> Strip:
    """The screen's row that shows the widget, as the compositor draws it."""
    widget = app.query_one(selector)
    update = app.screen._compositor.render_full_update()  # no public way to read a row
    return Strip.join(list(update.strips)[widget.region.y])


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "solarized-light", "ansi-dark"])
@pytest.mark.parametrize("width", [100, 40])
async def test_the_footer_draws_the_cells_textuals_footer_draws(theme: str, width: int) -> None:
    app = Both()
    async with app.run_test(size=(width, 8)) as pilot:
        app.theme = theme
        await pilot.pause()
        await pilot.pause()
        ours = app.query_one(KeysFooter)
        # As Textual lists them: the keys the focused input binds itself first.
        assert ours.read() == ["PgUp", "PgDn", "Scroll", "Back", "Skip", "Pause", "palette"]
        theirs = line(app, "Footer")
        assert "Scroll" in theirs.text
        assert cells(line(app, "KeysFooter")) == cells(theirs), (theme, width)


async def test_a_key_under_the_mouse_is_lit_shows_its_tooltip_and_runs_when_clicked() -> None:
    rung: list[bool] = []

    class Pressing(Both):
        def bell(self) -> None:
            rung.append(True)

    app = Pressing()
    async with app.run_test(size=(100, 8)) as pilot:
        await pilot.pause()
        ours = app.query_one(KeysFooter)
        x = ours.render_line(0).text.index("esc Pause")
        before = cells(ours.render_line(0))
        await pilot.hover(ours, offset=(x, 0))
        await pilot.pause()
        lit = cells(ours.render_line(0))
        changed = [n for n, (a, b) in enumerate(zip(before, lit, strict=True)) if a != b]
        assert changed == list(range(x - 1, x + len("esc Pause") + 1))  # " esc Pause "
        assert ours.tooltip == "Save and stop"
        await pilot.click(ours, offset=(x, 0))  # Esc, pressed: the box's action runs
        await pilot.pause()
        assert getattr(app.query_one(Box), "paused", False) and not rung
        skip = ours.render_line(0).text.index("^n Skip")
        await pilot.click(ours, offset=(skip, 0))  # shown, but not allowed: a bell
        assert rung == [True]
        back = ours.render_line(0).text.index("^b Back")
        await pilot.hover(ours, offset=(back, 0))  # a key with no tooltip shows none
        await pilot.pause()
        assert ours.tooltip is None
        await pilot.hover(app.query_one(Box))
        await pilot.pause()
        assert cells(ours.render_line(0)) == before and ours.tooltip is None
