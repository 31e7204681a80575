"""What needs a coach's attention today: items past due, ratings that fell, sessions left
unfinished, and files that could not be read; Enter reads the session."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coach.archive import Attention
from coach.terminal import printable
from coach.tui.review.charts import day_words
from coach.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from coach.tui.review.app import ReviewApp

HEADINGS = {
    "overdue": "Action items past due",
    "dropped": "Ratings that fell since the session before",
    "unfinished": "Sessions left unfinished",
}


class AttentionList(OptionList):
    """The reasons, grouped; Enter reads the session (shown in the footer)."""

    BINDINGS = [Binding("enter", "select", "Read")]


class AttentionScreen(Screen[None]):
    """One line of why for each session that needs a look."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("t", "trends", "Trends"),
        Binding("f5", "refresh_view", "Read again", show=False),
        Binding("ctrl+q", "app.quit", "Quit", show=False, priority=True),
    ]
    PALETTE = [("Trends for this leader", "Ratings, loyalty and follow-through", "trends")]

    def __init__(self) -> None:
        super().__init__()
        self.reasons: dict[str, Attention] = {}

    @property
    def review_app(self) -> ReviewApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(id="attention-title")
        yield AttentionList(id="attention")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.fill()
        self.query_one(AttentionList).focus()

    def on_screen_resume(self) -> None:
        self.fill()  # an item marked done in the reading view is no longer overdue

    def fill(self) -> None:
        """Ask the archive again and list its answers, keeping the cursor where it was."""
        app = self.review_app
        found = app.archive.needs_attention(app.today)
        problems = app.archive.problems
        options = self.query_one(AttentionList)
        keep = options.highlighted_option.id if options.highlighted_option else None
        self.reasons = {}
        shown: list[Option | None] = []
        for kind, heading in HEADINGS.items():
            these = [a for a in found if a.kind == kind]
            if not these:
                continue
            if shown:
                shown.append(None)
            shown.append(Option(Content.styled(f"{heading} · {len(these)}", "bold"), disabled=True))
            for number, attention in enumerate(these):
                key = f"{kind}-{number}"
                self.reasons[key] = attention
                shown.append(Option(self._line(attention), id=key))
        if problems:
            if shown:
                shown.append(None)
            heading = f"Files that could not be read · {len(problems)}"
            shown.append(Option(Content.styled(heading, "bold"), disabled=True))
            shown.extend(
                Option(Content(printable(str(problem))), id=f"problem-{n}")
                for n, problem in enumerate(problems)
            )
        options.clear_options()
        options.add_options(shown)
        ids = [o.id for o in options.options]
        if keep is not None and keep in ids:
            options.highlighted = ids.index(keep)
        else:
            options.highlighted = next(
                (i for i, o in enumerate(options.options) if not o.disabled), None
            )
        count = len(found)
        title = f"Needs attention · {day_words(app.today)} · " + (
            f"{count} thing{'s' if count != 1 else ''} to look at" if count else "nothing"
        )
        self.query_one("#attention-title", Static).update(Content.styled(title, "bold"))

    def _line(self, attention: Attention) -> Content:
        entry = attention.entry
        who = f"{entry.leader or '(no name)'} · {day_words(entry.started)}"
        return Content.assemble(
            (printable(who), "bold"), "\n", Content(printable(attention.reason))
        )

    def chosen(self) -> Attention | None:
        option = self.query_one(AttentionList).highlighted_option
        return None if option is None or option.id is None else self.reasons.get(option.id)

    @on(OptionList.OptionSelected, "#attention")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        attention = self.reasons.get(event.option.id or "")
        if attention is not None:
            self.review_app.open_session(attention.entry)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "trends":
            return self.chosen() is not None
        return True

    def on_option_list_option_highlighted(self) -> None:
        self.refresh_bindings()

    def action_trends(self) -> None:
        attention = self.chosen()
        if attention is not None:
            self.review_app.show_trends(attention.entry.leader)

    def action_refresh_view(self) -> None:
        self.reread()

    @work(thread=True, exclusive=True, group="archive")
    def reread(self) -> None:
        """Read the folders again in a worker: sessions saved or shared since."""
        self.review_app.archive.refresh()
        self.app.call_from_thread(self.fill)
