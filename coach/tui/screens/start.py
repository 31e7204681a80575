"""Before the reflection: a name, a pack when there is a choice, and an offer to resume.

Drawn from plain data (the packs' ids and titles), so that a start can show it before the
engine and the packs are loaded, from what it offered last time (`coach.tui.opening`); the app
does what is chosen once it is set up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from coach.terminal import printable

if TYPE_CHECKING:
    from coach.store import SessionSummary
    from coach.tui.app import CoachApp


class StartScreen(Screen[None]):
    """Everything optional: Enter in the name box starts the reflection."""

    BINDINGS = [Binding("ctrl+q", "app.quit", "Quit", priority=True)]

    def __init__(
        self,
        packs: Sequence[tuple[str, str]],
        unfinished: SessionSummary | None = None,
        name: str | None = None,
    ) -> None:
        """`packs`: the id and title of each pack to choose from, in order."""
        super().__init__()
        self.packs = tuple(packs)
        self.unfinished = unfinished
        self.leader = name

    @property
    def coach_app(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="start"):
            yield Static(Content.styled("coach", "bold"), classes="heading")
            yield Static(
                Content("A guided reflection on how you lead. About fifteen minutes; "
                        "everything is saved as you go."),
            )  # fmt: skip
            unfinished = self.unfinished
            if unfinished is not None:
                when = unfinished.updated_at[:16].replace("T", " ")
                title = next(
                    (title for id_, title in self.packs if id_ == unfinished.pack_id),
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
            yield Input(self.leader or "", placeholder="Press Enter to skip", id="name")
            if len(self.packs) > 1:
                yield Static(Content("Which reflection?"))
                yield OptionList(
                    *[Option(Content(printable(title)), id=str(i))
                      for i, (_id, title) in enumerate(self.packs)],
                    id="packs",
                )  # fmt: skip
            yield Button("Start a new reflection", id="begin")
        # The footer after the first frame, its row kept meanwhile (as the reflection's).
        yield Static(classes="footer-space")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()
        self.call_after_refresh(self._mount_footer)

    async def _mount_footer(self) -> None:
        from coach.tui.widgets.footer import KeysFooter

        with self.app.batch_update():
            await self.mount(KeysFooter())
            await self.query(".footer-space").remove()

    @property
    def typed_name(self) -> str:
        return self.query_one("#name", Input).value

    @on(Input.Submitted, "#name")
    @on(Button.Pressed, "#begin")
    def _begin(self) -> None:
        index = 0
        if len(self.packs) > 1:
            highlighted = self.query_one("#packs", OptionList).highlighted
            index = highlighted or 0
        name = self.typed_name.strip() or None
        self.coach_app.chosen(index, name)

    @on(Button.Pressed, "#resume")
    def _resume(self) -> None:
        if self.unfinished is not None:
            self.coach_app.resume_unfinished()
