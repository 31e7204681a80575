"""Before the reflection: a name, a pack when there is a choice, and an offer to resume."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from coach.session import Session, SessionError
from coach.store import StoreError
from coach.terminal import printable
from coach.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from coach.tui.app import CoachApp, Setup


class StartScreen(Screen[None]):
    """Everything optional: Enter in the name box starts the reflection."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", priority=True)]

    def __init__(self, setup: Setup) -> None:
        super().__init__()
        self.setup = setup

    @property
    def coach_app(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        setup = self.setup
        with VerticalScroll(id="start"):
            yield Static(Content.styled("coach", "bold"), classes="heading")
            yield Static(
                Content("A guided reflection on how you lead. About fifteen minutes; "
                        "everything is saved as you go."),
            )  # fmt: skip
            unfinished = setup.unfinished
            if unfinished is not None:
                when = unfinished.updated_at[:16].replace("T", " ")
                title = next(
                    (p.pack.title for p in setup.packs if p.pack.id == unfinished.pack_id),
                    unfinished.pack_id,
                )
                yield Static(
                    Content(
                        printable(
                            f"You have an unfinished reflection: {title}, "
                            f"{unfinished.answered} of {unfinished.steps} answered, "
                            f"last saved {when}."
                        )
                    )
                )
                yield Button("Resume it", id="resume", variant="primary")
            yield Static(Content("Your name (optional):"))
            yield Input(setup.name or "", placeholder="Press Enter to skip", id="name")
            if len(setup.packs) > 1:
                yield Static(Content("Which reflection?"))
                yield OptionList(
                    *[
                        Option(Content(printable(p.pack.title)), id=str(i))
                        for i, p in enumerate(setup.packs)
                    ],
                    id="packs",
                )
            yield Button("Start a new reflection", id="begin")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    @on(Input.Submitted, "#name")
    @on(Button.Pressed, "#begin")
    def _begin(self) -> None:
        packs = self.setup.packs
        index = 0
        if len(packs) > 1:
            highlighted = self.query_one("#packs", OptionList).highlighted
            index = highlighted or 0
        name = self.query_one("#name", Input).value.strip() or None
        self.app.pop_screen()
        self.coach_app.begin(packs[index], name)

    @on(Button.Pressed, "#resume")
    def _resume(self) -> None:
        unfinished = self.setup.unfinished
        if unfinished is None:
            return
        setup = self.setup
        try:
            session = Session.resume(setup.store, unfinished.id, setup.clock, setup.pack_dirs)
        except (SessionError, StoreError) as exc:
            self.notify(str(exc), severity="error", timeout=8, markup=False)
            return
        self.app.pop_screen()
        self.coach_app.resume(session)
