"""One leader over time: each trait's rating across their sessions as a small chart, the
trait that earned their loyalty each time, and what became of their action items."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Select, Static

from coach.archive import FollowThrough, Trend, leader_key
from coach.terminal import printable
from coach.tui.review.charts import fit, short_day, spark, top_of
from coach.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from coach.tui.review.app import ReviewApp

NO_NAME = "(no name)"


def change(values: tuple[int | None, ...]) -> tuple[str, str]:
    """From the first rating to the last, and the style to say it in."""
    rated = [v for v in values if v is not None]
    if len(rated) < 2:
        return (f"{rated[0]}" if rated else "", "")
    first, last = rated[0], rated[-1]
    if last > first:
        return (f"{first} → {last} ↑", "$text-success")
    if last < first:
        return (f"{first} → {last} ↓", "$text-error")
    return (f"{first} → {last}", "$text-muted")


def follow_line(follow: FollowThrough) -> Content:
    """`✓ 2 done  ○ 5 open  ✗ 1 dropped  ! 3 overdue`, the overdue part in the error colour."""
    if not follow.total:
        return Content.styled("no action items", "$text-muted")
    parts = Content(f"✓ {follow.done} done  ○ {follow.open} open  ✗ {follow.dropped} dropped")
    if follow.overdue:
        parts = Content.assemble(parts, "  ", (f"! {follow.overdue} overdue", "bold $text-error"))
    return parts


class TrendsScreen(Screen[None]):
    """Ratings, loyalty and follow-through for the leader chosen at the top."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("l", "leader", "Leader"),
        Binding("pageup", "page(-1)", "Page up", show=False, priority=True),
        Binding("pagedown", "page(1)", "Page down", show=False, priority=True),
        Binding("ctrl+q", "app.quit", "Quit", show=False, priority=True),
    ]
    PALETTE = [("Choose another leader", "Trends for someone else", "leader")]

    leader: var[str] = var("", init=False)

    def __init__(self, leader: str) -> None:
        super().__init__()
        self.set_reactive(TrendsScreen.leader, leader)
        self.trend: Trend | None = None

    @property
    def review_app(self) -> ReviewApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        archive = self.review_app.archive
        leaders = archive.leaders()
        chosen = next((n for n in leaders if leader_key(n) == leader_key(self.leader)), None)
        with Horizontal(id="trends-top"):
            yield Static(Content.styled("Trends for", "bold"), id="trends-label")
            yield Select[str](
                [(Content(printable(name or NO_NAME)), name) for name in leaders],
                value=chosen if chosen is not None else Select.NULL,
                allow_blank=chosen is None, prompt="Choose a leader", id="trend-leader",
                compact=True,
            )  # fmt: skip
        with VerticalScroll(id="trends"):
            yield Static(id="trend-summary")
            yield Static(Content.styled("Ratings, oldest session first", "bold"), classes="heading")
            yield Static(id="trend-ratings")
            yield Static(Content.styled("Loyalty", "bold"), classes="heading")
            yield Static(id="trend-loyalty")
            yield Static(Content.styled("Follow-through", "bold"), classes="heading")
            yield Static(id="trend-follow")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.draw()
        self.query_one("#trends").focus()

    def validate_leader(self, leader: str) -> str:
        """A leader as the archive spells them (any case or spacing names the same one)."""
        names = self.review_app.archive.leaders()
        return next((n for n in names if leader_key(n) == leader_key(leader)), leader)

    def watch_leader(self) -> None:
        select = self.query_one("#trend-leader", Select)
        if select.value != self.leader and self.leader in self.review_app.archive.leaders():
            with select.prevent(Select.Changed):
                select.value = self.leader
        self.draw()

    @on(Select.Changed, "#trend-leader")
    def _chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.leader = event.value
            self.query_one("#trends").focus()

    def on_resize(self, event: events.Resize) -> None:
        self.draw()

    def action_leader(self) -> None:
        self.query_one("#trend-leader", Select).focus()

    def action_page(self, direction: int) -> None:
        scroll = self.query_one("#trends", VerticalScroll)
        if direction > 0:
            scroll.scroll_page_down()
        else:
            scroll.scroll_page_up()

    # -- drawing --------------------------------------------------------------------------

    def draw(self) -> None:
        app = self.review_app
        trend = app.archive.trend(self.leader, app.today)
        self.trend = trend
        width = max(40, self.app.size.width - 4)  # the scroll's padding and its bar
        sessions = trend.sessions
        if not sessions:
            self.query_one("#trend-summary", Static).update(
                Content(printable(f"No sessions for {self.leader or NO_NAME}."))
            )
            for part in ("#trend-ratings", "#trend-loyalty", "#trend-follow"):
                self.query_one(part, Static).update("")
            return
        days = trend.days
        many = f"{len(sessions)} session{'s' if len(sessions) != 1 else ''}"
        span = (
            short_day(days[0])
            if len(sessions) == 1
            else (f"{short_day(days[0])} to {short_day(days[-1])}")
        )
        self.query_one("#trend-summary", Static).update(
            Content(printable(f"{trend.leader or NO_NAME}: {many}, {span}"))
        )
        self.query_one("#trend-ratings", Static).update(self._ratings(trend, width))
        self.query_one("#trend-loyalty", Static).update(self._loyalty(trend, width))
        self.query_one("#trend-follow", Static).update(self._follow(trend))

    def _ratings(self, trend: Trend, width: int) -> Content:
        """A row a trait: its title, one bar a session (the newest that fit), first → last."""
        titles = dict(trend.traits)
        if not trend.ratings:
            return Content.styled("No ratings yet.", "$text-muted")
        name_width = min(24, max(len(titles[t]) for t in trend.ratings))
        room = max(5, width - name_width - 14)
        every = [v for values in trend.ratings.values() for v in values]
        top = top_of(every)
        lines = []
        for trait, values in trend.ratings.items():
            shown = values[-room:]
            words, style = change(values)
            lines.append(
                Content.assemble(
                    f"{fit(titles[trait], name_width):<{name_width}}  ",
                    (spark(shown, top), "$text-accent"),
                    "  ",
                    (words, style),
                )
            )
        if len(trend.sessions) > room:
            lines.append(
                Content.styled(f"(the newest {room} of {len(trend.sessions)})", "$text-muted")
            )
        return Content("\n").join(lines)

    def _loyalty(self, trend: Trend, width: int) -> Content:
        titles = dict(trend.traits)
        # "other" is the leader's "none of them": named as every report names it.
        chosen = Counter(
            titles.get(lo.trait, "none of these traits" if lo.trait == "other" else lo.trait)
            for lo in trend.loyalty
            if lo.trait
        )
        lines: list[Content] = []
        if chosen:
            tally = ", ".join(
                f"{title} {'once' if n == 1 else f'{n} times'}" for title, n in chosen.most_common()
            )
            lines.append(Content(printable(f"Earned their loyalty: {tally}")))
        else:
            lines.append(Content.styled("The loyalty question is not answered yet.", "$text-muted"))
        title_width = min(22, max((len(t) for t in chosen), default=0))
        for day, loyalty in zip(trend.days, trend.loyalty, strict=True):
            title = titles.get(loyalty.trait or "", loyalty.trait or "") if loyalty.trait else "—"
            head = f"{short_day(day)}  {fit(title, title_width):<{title_width}}"
            answer = loyalty.answer or ""
            room = width - len(head) - 4
            quote = f"  “{fit(answer, room - 2)}”" if answer and room > 12 else ""
            lines.append(Content.assemble(printable(head), (quote, "italic $text-muted")))
        return Content("\n").join(lines)

    def _follow(self, trend: Trend) -> Content:
        totals = trend.totals()
        lines: list[Content] = []
        if totals.total:
            share = round(100 * totals.done / totals.total)
            overall = Content(
                f"Overall: {totals.done} of {totals.total} done ({share}%), "
                f"{totals.dropped} dropped, {totals.open} open"
            )
            if totals.overdue:
                overall = Content.assemble(
                    overall, ", ", (f"{totals.overdue} overdue", "bold $text-error")
                )
            lines.append(overall)
        for day, follow in zip(trend.days, trend.follow, strict=True):
            lines.append(Content.assemble(f"{short_day(day)}  ", follow_line(follow)))
        return Content("\n").join(lines)
