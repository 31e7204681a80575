"""The archive as a table: one row a session, sortable by every column, narrowed by filters
and by a search across every answer; Enter reads the session under the cursor."""

from __future__ import annotations

import calendar
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Input, Select, Static

from coach.archive import Entry, Glance, Match, leader_key
from coach.terminal import printable
from coach.tui.review.charts import abbreviated, fit, highlighted, spark

if TYPE_CHECKING:
    from textual.widgets import ProgressBar

    from coach.tui.review.app import ReviewApp

NO_NAME = "(no name)"
PROGRESS_FROM = 200  # sessions to read before the status line counts them
FIRST_ROWS = 100  # rows put in the table before its first frame: a tall screenful and more
CHUNK_ROWS = 500  # rows added a frame after that, so a key or a resize waits at most a chunk
FIRST_FRAME_WAIT = 2.0  # seconds the refresh waits for the first rows to be drawn, at most


@dataclass(frozen=True, slots=True)
class Column:
    """A column of the table: how wide (`width`, or a `share` of what the fixed columns
    leave), and how its rows order; `descending` is the order a first sort by it takes."""

    key: str
    label: str
    order: Callable[[Entry, date], Any]
    width: int = 0
    share: int = 0
    descending: bool = False


def _mean(entry: Entry) -> float:
    values = [v for v in entry.summary.ratings.values() if v is not None]
    return sum(values) / len(values) if values else -1.0


COLUMNS = (
    Column("date", "Date", lambda e, _: e.moment, width=10, descending=True),
    Column("leader", "Leader", lambda e, _: (leader_key(e.leader) or "\uffff", e.moment), share=4),
    Column("pack", "Pack", lambda e, _: (e.summary.pack_id, e.moment), share=3),
    Column("status", "Status", lambda e, _: (e.complete, e.summary.answered), width=8),
    Column("ratings", "Ratings", lambda e, _: _mean(e), width=7, descending=True),
    Column(
        "loyalty",
        "Loyalty",
        lambda e, _: e.loyalty_title.casefold() or "\uffff",
        share=5,
    ),
    Column("open", "Open", lambda e, _: e.summary.open_actions, width=4, descending=True),
    Column("late", "Late", lambda e, today: len(e.late(today)), width=4, descending=True),
)
BY_KEY = {column.key: column for column in COLUMNS}
PADDING = 1  # the table's cell padding, each side of each column
SCROLLBAR = 1  # review.tcss keeps the table's vertical scrollbar one column wide


LEAST = 6  # the narrowest a named column is made
PRIORITY = ("loyalty", "leader")  # served first, in turn, when the named columns do not fit


def share_out(room: int, named: list[Column], longest: dict[str, int]) -> dict[str, int]:
    """Widths for the named columns (leader, pack, loyalty) in `room` characters, by what
    they hold: each gets `LEAST`; then Loyalty and Leader, sharing evenly, up to what their
    longest value (or label, and its sort arrow) needs; then Pack; and what is left over is
    shared by `share`. So at 80 columns a trait's title is read whole before a pack's id,
    and a column never takes room it has nothing to show in."""
    want = {c.key: max(len(c.label) + 2, longest.get(c.key, 0)) for c in named}
    size = {c.key: min(LEAST, want[c.key]) for c in named}
    left = room - sum(size.values())
    first = [k for k in PRIORITY if k in size]
    for group in (first, [k for k in size if k not in first]):
        while left > 0:
            hungry = [k for k in group if size[k] < want[k]]
            if not hungry:
                break
            each = max(1, left // len(hungry))
            for key in hungry:
                more = min(each, want[key] - size[key], left)
                size[key] += more
                left -= more
    shares = sum(c.share for c in named)
    if left > 0 and shares:
        spare = left
        for column in named:
            size[column.key] += spare * column.share // shares
        size[named[-1].key] += spare - sum(spare * c.share // shares for c in named)
    return size


def parse_day(text: str, end: bool = False) -> date | None:
    """A day typed in a date filter: `2026-11-02`, or a month `2026-11` or a year `2026`,
    which mean their first day (or their last, for the end of a range). None if not a date.
    """
    typed = text.strip()
    try:
        if len(typed) == 10:
            return date.fromisoformat(typed)
        if len(typed) == 7 and typed[4] == "-":
            year, month = int(typed[:4]), int(typed[5:])
            last = calendar.monthrange(year, month)[1]  # a month out of range: ValueError
            return date(year, month, last if end else 1)
        if len(typed) == 4 and typed.isdigit():
            return date(int(typed), 12, 31) if end else date(int(typed), 1, 1)
    except ValueError:
        return None
    return None


class SessionTable(DataTable[Text]):
    """The sessions; Enter reads the one under the cursor (shown in the footer)."""

    BINDINGS = [Binding("enter", "select_cursor", "Read")]


class SessionsScreen(Screen[None]):
    """Find a session in a second: search, filter, sort, read."""

    BINDINGS = [
        # The search box says its own key (/), which leaves the footer room at 80 columns.
        Binding("slash", "search", "Search", key_display="/", show=False),
        Binding("f", "filters", "Filter"),
        Binding("s", "sort_next", "Sort"),
        Binding("r", "reverse", "Reverse order", show=False),
        Binding("a", "attention", "Attention"),
        Binding("t", "trends", "Trends"),
        Binding("escape", "to_table", "Table"),
        Binding("escape", "clear", "Clear"),
        Binding("f5", "reload", "Read again", show=False),
        # At 80 columns the footer has room for Quit or Clear: Clear while there is
        # something to clear (q still quits), Quit otherwise.
        Binding("q", "quit", "Quit"),
        Binding("q", "app.quit", "Quit", show=False),
        Binding("ctrl+q", "app.quit", "Quit", show=False, priority=True),
    ]
    PALETTE = [
        *((f"Sort by {c.label.lower()}", f"Order the sessions by {c.label.lower()}",
           f"sort('{c.key}')") for c in COLUMNS),
        ("Reverse the order", "Sort the other way round", "reverse"),
        ("Clear search and filters", "Show every session again", "clear"),
        ("Read the folders again", "Pick up sessions shared or saved since", "reload"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.matches: dict[str, Match] | None = None  # a search's sessions, by id
        self.searched = ""  # the search those matches answer
        self.sort_key = "date"
        self.descending = True
        self.shown: list[Entry] = []
        self._widths: dict[str, int] = {}
        self._filled = 0  # how many of `shown` the table holds: the rest are added a chunk a frame
        self._columns: list[tuple[Column, int]] = []
        self._longest_of: tuple[list[Entry], dict[str, int]] | None = None
        self.glance: Glance | None = None  # the newest sessions, until the archive is listed
        self._away = False  # another screen has been on top since this one opened
        self.progress_bar: ProgressBar | None = None  # while many files are read
        self.furnished = False  # the search box, the filters and the footer are there
        self._drawn = threading.Event()  # and on screen: the refresh waits for it

    @property
    def review_app(self) -> ReviewApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        """What the first frame needs: the status line, the table and the preview. The
        search box, the filters and the footer come after it (`furnish`), into rows kept
        for them, so nothing moves when they do."""
        with Horizontal(id="status-bar"):  # a progress bar joins it when many files are read
            yield Static(Content("Reading the sessions…"), id="status")
        yield Horizontal(id="search-bar")
        yield Horizontal(id="filters")
        yield SessionTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static(id="preview")
        yield Static(id="keys-room")  # the footer's row until it comes

    def on_mount(self) -> None:
        """The newest sessions go in the table before its first frame, from the indexes as
        they stand (`Archive.newest`: one indexed query for a screenful, no session file
        read, none stat'ed; a few milliseconds, which a worker's round trip would double);
        the rest of the screen follows that frame, and the refresh that lists every session,
        in a worker started now, waits for the rest to be drawn."""
        self.query_one(SessionTable).focus()
        archive = self.review_app.archive
        if not archive.loaded:
            glance = archive.newest(FIRST_ROWS)
            if glance.entries:
                self.glance = glance
                self.show()
        self.call_after_refresh(self.furnish)
        self.load(self._drawn)

    def furnish(self) -> None:
        """The search box, the filters and the footer, once the first rows are drawn: three
        `Select`s, three `Input`s and the footer's keys, each composed, styled and laid out,
        would otherwise come before them."""
        from coach.tui.widgets.footer import KeysFooter

        self.query_one("#search-bar").mount(
            Input(
                placeholder="/ search every answer, Enter to find", id="search", compact=True,
                select_on_focus=False,
            )
        )  # fmt: skip
        self.query_one("#filters").mount_all([
            Select[str]((), prompt="Any leader", id="leader", compact=True),
            Select[str]((), prompt="Any pack", id="pack", compact=True),
            Select[str](
                [(Content("Complete"), "complete"), (Content("Unfinished"), "in_progress")],
                prompt="Any status", id="status-filter", compact=True,
            ),
            Input(placeholder="from YYYY-MM-DD", id="since", compact=True),
            Input(placeholder="until YYYY-MM-DD", id="until", compact=True),
        ])  # fmt: skip
        self.query_one("#keys-room").remove()
        self.mount(KeysFooter())
        self.call_after_refresh(self._furnished)

    def _furnished(self) -> None:
        """The keys typed meanwhile go to the whole screen now; the refresh goes on once
        this frame is drawn."""
        self.furnished = True
        self.refresh_bindings()
        self.review_app.furnished()
        self.call_after_refresh(self._drawn.set)

    def on_screen_suspend(self) -> None:
        self._away = True

    def on_screen_resume(self) -> None:
        """Back from a session or a view: an item marked there shows here at once. (The
        first resume, as the screen opens, finds the table just drawn.)"""
        if self._away and self.drawable:
            self.show()

    @property
    def drawable(self) -> bool:
        """Whether there is something to draw: the archive's listing, or a first look."""
        return self.review_app.archive.loaded or self.glance is not None

    # -- reading the folders --------------------------------------------------------------

    @work(thread=True, exclusive=True, group="archive")
    def load(self, drawn: threading.Event | None = None) -> None:
        """Bring the folders' indexes up to date and list every session, in a worker; the
        table is then drawn again from the whole, the cursor kept on its session, so a file
        changed since the index last saw it shows as it is now a moment after the first
        frame. While many files are read (a first build), a progress bar says how far it is.

        Args:
            drawn: Set once the whole screen is on it (the first rows, then the filters and
                the footer): the refresh waits for it, as it holds the GIL most of the time
                and would slow those frames.
        """
        if drawn is not None:
            drawn.wait(FIRST_FRAME_WAIT)
        archive = self.review_app.archive
        said = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if total >= PROGRESS_FROM and (now - said[0] > 0.2 or done == total):
                said[0] = now
                self.app.call_from_thread(self.reading, done, total)

        archive.refresh(progress)
        self.app.call_from_thread(self._loaded)

    def reading(self, done: int, total: int) -> None:
        """How far a refresh that reads many files is: the status line counts them and the
        progress bar beside it fills."""
        self.query_one("#status", Static).update(
            Content(f"Reading the sessions… {done:,} of {total:,}")
        )
        bar = self.progress_bar
        if bar is None:  # mounted only now: a warm start has no use for its four widgets
            from textual.widgets import ProgressBar

            bar = self.progress_bar = ProgressBar(id="progress")
            self.query_one("#status-bar").mount(bar)
        bar.display = done < total
        bar.update(total=total, progress=done)

    def _loaded(self) -> None:
        if not self.furnished:  # the refresh gave up waiting for the filters (`load`)
            self.call_after_refresh(self._loaded)
            return
        archive = self.review_app.archive
        self.glance = None
        if self.progress_bar is not None:
            self.progress_bar.display = False
        self._options("#leader", [(name or NO_NAME, name) for name in archive.leaders()])
        self._options("#pack", [(pack, pack) for pack in archive.packs()])
        if self.matches is not None and self.searched:
            self.run_search(self.searched)
        self.show()

    def _options(self, selector: str, options: list[tuple[str, str]]) -> None:
        select = self.query_one(selector, Select)
        chosen = select.value
        with select.prevent(Select.Changed):
            select.set_options((Content(printable(label)), value) for label, value in options)
            if any(value == chosen for _, value in options):
                select.value = chosen

    def action_reload(self) -> None:
        self.load()

    # -- what is shown --------------------------------------------------------------------

    def filters(self) -> dict[str, Any]:
        """The filters as they stand, for `Archive.filter`; a date that is not one is no
        filter (its box says so); none before the filters are there."""
        chosen: dict[str, Any] = {}
        if not self.furnished:
            return chosen
        for name, selector in (
            ("leader", "#leader"),
            ("pack", "#pack"),
            ("status", "#status-filter"),
        ):
            value = self.query_one(selector, Select).value
            if isinstance(value, str):
                chosen[name] = value
        for name, selector in (("since", "#since"), ("until", "#until")):
            box = self.query_one(selector, Input)
            day = parse_day(box.value, end=name == "until")
            box.set_class(bool(box.value.strip()) and day is None, "-invalid")
            if day is not None:
                chosen[name] = day
        return chosen

    def rows(self) -> list[Entry]:
        """The sessions to show, in the table's order."""
        archive = self.review_app.archive
        base = None
        if not archive.loaded:
            base = [] if self.glance is None else self.glance.entries
        elif self.matches is not None:
            by_id = {e.id: e for e in archive.entries}
            base = [by_id[i] for i in self.matches if i in by_id]
        kept = archive.filter(entries=base, **self.filters())
        column = BY_KEY[self.sort_key]
        today = self.review_app.today
        return sorted(kept, key=lambda e: column.order(e, today), reverse=self.descending)

    def columns(self) -> list[tuple[Column, int]]:
        """The columns that fit, with their widths: Pack only when there is more than one;
        the named columns share what the fixed ones leave by what they hold (`share_out`)."""
        archive = self.review_app.archive
        if archive.loaded:
            packs, entries = archive.packs(), archive.entries
        else:  # never wait here for a listing under way
            packs = [] if self.glance is None else self.glance.packs
            entries = [] if self.glance is None else self.glance.entries
        several_packs = len(packs) > 1
        chosen = [c for c in COLUMNS if c.key != "pack" or several_packs]
        width = max(self.app.size.width, 40)
        fixed = sum(c.width for c in chosen) + 2 * PADDING * len(chosen) + SCROLLBAR
        named = [c for c in chosen if not c.width]
        sizes = share_out(max(0, width - fixed), named, self._longest(entries))
        return [(c, c.width or sizes[c.key]) for c in chosen]

    def _longest(self, entries: list[Entry]) -> dict[str, int]:
        """How wide each named column's longest value is over `entries` (the archive, not
        the rows shown, so a filter does not move the columns), worked out once a listing.
        A loyalty title is the pack's title of a trait, so one session of each pack version
        and trait is asked for its title: the others' facts stay undecoded."""
        if self._longest_of is not None and self._longest_of[0] is entries:
            return self._longest_of[1]
        leader = pack = loyalty = 0
        titled: set[tuple[str, str, str | None]] = set()
        for entry in entries:
            s = entry.summary
            leader = max(leader, len(entry.leader or NO_NAME))
            pack = max(pack, len(s.pack_id))
            key = (s.pack_id, s.pack_version, s.loyalty_trait)
            if key not in titled:
                titled.add(key)
                loyalty = max(loyalty, len(entry.loyalty_title))
        longest = {"leader": leader, "pack": pack, "loyalty": loyalty}
        self._longest_of = (entries, longest)
        return longest

    def show(self) -> None:
        """Fill the table again, keeping the cursor on the same session when it stays.

        A table of thousands of rows takes seconds to build in Textual, so only a screenful
        and more (and the rows down to the cursor) go in now, before the next frame; the rest
        follow a chunk a frame (`_fill_more`). `shown`, the count in the status line and the
        order are the whole answer at once; anything that would move the cursor past the rows
        there are waits for the rest (`finish_fill`)."""
        table = self.query_one(SessionTable)
        current = self.current()
        rows = self.rows()
        self.shown = rows
        columns = self.columns()
        self._columns = columns
        self._widths = {c.key: w for c, w in columns}
        table.clear(columns=True)
        for column, width in columns:
            arrow = (" ▼" if self.descending else " ▲") if column.key == self.sort_key else ""
            table.add_column(Text(column.label + arrow), width=width, key=column.key)
        index = 0
        if current is not None:
            index = next((i for i, e in enumerate(rows) if e.id == current.id), 0)
        self._filled = 0
        self._add_rows(max(FIRST_ROWS, index + self.app.size.height * 2))
        if index:
            table.move_cursor(row=index, animate=False)
        if self._filled < len(rows):
            self.call_after_refresh(self._fill_more, rows)
        self._status()
        self._preview()
        self.refresh_bindings()

    def _add_rows(self, count: int) -> None:
        """Put the next `count` rows of `shown` in the table."""
        table = self.query_one(SessionTable)
        today = self.review_app.today
        columns = self._columns
        start, stop = self._filled, min(len(self.shown), self._filled + count)
        for entry in self.shown[start:stop]:
            table.add_row(*self._cells(entry, columns, today), key=entry.id)
        self._filled = stop

    def _fill_more(self, rows: list[Entry]) -> None:
        """The next chunk of rows, after a frame; a table filled again since stops this."""
        if rows is not self.shown or self._filled >= len(rows):
            return
        self._add_rows(CHUNK_ROWS)
        if self._filled < len(rows):
            self.call_after_refresh(self._fill_more, rows)

    def finish_fill(self) -> None:
        """Every row in the table now: before the cursor may go past the rows added so far."""
        if self._filled < len(self.shown):
            self._add_rows(len(self.shown) - self._filled)

    @property
    def filling(self) -> bool:
        """Whether rows are still being added to the table."""
        return self._filled < len(self.shown)

    def on_key(self, event: events.Key) -> None:
        """A key that may move the cursor past the rows added so far waits for the rest:
        End and Page Down always, any other key near the last row added (runs before the
        table's bindings: the key bubbles here first)."""
        if not self.filling or not isinstance(self.focused, SessionTable):
            return
        table = self.query_one(SessionTable)
        near_end = table.cursor_row >= self._filled - self.app.size.height * 2
        if event.key in ("end", "pagedown", "ctrl+end", "shift+end") or near_end:
            self.finish_fill()

    def _cells(self, entry: Entry, columns: list[tuple[Column, int]], today: date) -> list[Text]:
        s = entry.summary
        late = len(entry.late(today))  # from the index: a row parses no header
        values = {
            "date": Text(entry.started.isoformat() if entry.started else "?"),
            "status": Text("complete" if entry.complete else f"{s.answered} of {s.steps}"),
            "ratings": Text(spark([rating for _, _, rating in entry.ratings()])),
            "open": Text(str(s.open_actions), justify="right"),
            "late": Text(str(late) if late else "", style="bold", justify="right"),
        }
        names = {"leader": entry.leader or NO_NAME, "pack": s.pack_id}
        cells = []
        for column, width in columns:
            if column.key == "loyalty":
                cells.append(Text(abbreviated(entry.loyalty_title, width)))
            elif column.key in names:
                cells.append(Text(fit(names[column.key], width)))
            else:
                cells.append(values[column.key])
        return cells

    def current(self) -> Entry | None:
        """The session under the cursor."""
        table = self.query_one(SessionTable)
        if not self.shown or not 0 <= table.cursor_row < len(self.shown):
            return None
        return self.shown[table.cursor_row]

    def _status(self) -> None:
        archive = self.review_app.archive
        if not archive.loaded:  # the newest are shown; the status line says the rest come
            self.query_one("#status", Static).update(Content("Reading the sessions…"))
            return
        total = len(archive.entries)
        if len(self.shown) < total or self.matches is not None:
            words = f"{len(self.shown):,} of {total:,} sessions"
        else:
            words = f"{total:,} session{'s' if total != 1 else ''}"
        if self.matches is not None:
            words += f" with answers matching “{self.searched}”"
        folders = len(archive.folders)
        words += f" · {folders} folder{'s' if folders != 1 else ''}"
        problems = len(archive.problems)
        content = Content(printable(words))
        if problems:
            unreadable = f" · {problems:,} unreadable (a)"
            content = Content.assemble(content, (unreadable, "$text-warning"))
        self.query_one("#status", Static).update(content)

    def _preview(self) -> None:
        """Under the table: the matching words of the session under the cursor, or its
        loyalty answer."""
        preview = self.query_one("#preview", Static)
        entry = self.current()
        if entry is None:
            archive = self.review_app.archive
            if not archive.loaded:
                empty = ""
            elif archive.entries:
                empty = "No session matches."
            else:
                empty = "No sessions here yet."
            preview.update(Content(empty))
            return
        match = None if self.matches is None else self.matches.get(entry.id)
        if match is not None:
            first = match.turns[0]
            more = len(match.turns) - 1
            preview.update(
                Content.assemble(
                    (f"#{first.n} ", "$text-muted"),
                    highlighted(first.snippet.text, first.snippet.spans),
                    (f"  (+{more} more)" if more else "", "$text-muted"),
                )
            )
            return
        loyalty = entry.header.loyalty
        title = entry.header.loyalty_title
        if loyalty.answer:
            line = f"Loyalty · {title}: “{' '.join(loyalty.answer.split())}”"
        elif title:
            line = f"Loyalty · {title}"
        else:
            line = "The loyalty question is not answered yet."
        preview.update(Content(printable(line)))

    def on_resize(self, event: events.Resize) -> None:
        if self.drawable and {c.key: w for c, w in self.columns()} != self._widths:
            self.show()

    # -- events ---------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#sessions")
    def _highlighted(self) -> None:
        self._preview()

    @on(DataTable.RowSelected, "#sessions")
    def _selected(self, event: DataTable.RowSelected) -> None:
        entry = self.current()
        if entry is not None:
            match = None if self.matches is None else self.matches.get(entry.id)
            self.review_app.open_session(entry, match)

    @on(DataTable.HeaderSelected, "#sessions")
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        if key == self.sort_key:
            self.action_reverse()
        else:
            self.action_sort(key)

    @on(Select.Changed)
    def _select_changed(self) -> None:
        self.show()

    @on(Input.Changed, "#since, #until")
    def _dates_changed(self) -> None:
        self.show()

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        if not event.value.strip() and self.matches is not None:
            self.matches = None
            self.searched = ""
            self.show()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self.matches = None
            self.searched = ""
            self.show()
        else:
            self.query_one("#status", Static).update(Content(printable(f"Searching for “{text}”…")))
            self.run_search(text)
        self.query_one(SessionTable).focus()

    @on(Input.Submitted, "#since, #until")
    def _date_submitted(self) -> None:
        self.query_one(SessionTable).focus()

    @work(thread=True, exclusive=True, group="search")
    def run_search(self, text: str) -> None:
        """Search every answer in a worker (a scan of the files until the index arrives)."""
        matches = self.review_app.archive.search(text)
        self.app.call_from_thread(self._found, text, matches)

    def _found(self, text: str, matches: list[Match]) -> None:
        self.matches = {m.entry.id: m for m in matches}
        self.searched = text
        self.show()

    # -- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        on_table = isinstance(self.focused, SessionTable)
        if action == "to_table":
            return not on_table
        if action == "clear":
            return on_table and self._narrowed()
        if action == "quit":
            return not (on_table and self._narrowed())
        if action == "trends":
            return self.current() is not None
        return True

    def _narrowed(self) -> bool:
        return self.matches is not None or bool(self.filters())

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def action_quit(self) -> None:
        self.app.exit()

    def action_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_filters(self) -> None:
        self.query_one("#leader", Select).focus()

    def action_to_table(self) -> None:
        self.query_one(SessionTable).focus()

    def action_clear(self) -> None:
        """Every session again: no search, no filters."""
        self.matches = None
        self.searched = ""
        with self.prevent(Input.Changed, Select.Changed):
            self.query_one("#search", Input).value = ""
            for selector in ("#leader", "#pack", "#status-filter"):
                self.query_one(selector, Select).clear()
            for selector in ("#since", "#until"):
                self.query_one(selector, Input).value = ""
        self.show()

    def action_sort(self, key: str) -> None:
        """Order by one column, in the order that column reads best first."""
        self.sort_key = key
        self.descending = BY_KEY[key].descending
        self.show()

    def action_sort_next(self) -> None:
        keys = [c.key for c, _ in self.columns()]
        at = keys.index(self.sort_key) if self.sort_key in keys else -1
        self.action_sort(keys[(at + 1) % len(keys)])

    def action_reverse(self) -> None:
        self.descending = not self.descending
        self.show()

    def action_attention(self) -> None:
        self.review_app.show_attention()

    def action_trends(self) -> None:
        entry = self.current()
        if entry is not None:
            self.review_app.show_trends(entry.leader)
