"""One session, read comfortably: its ratings as a chart, the loyalty answer, the action items
(marked done, dropped or open again from here), the coach's notes, and every turn, with a
search's matches highlighted and a key to go from one to the next.

The header is drawn at once from the listing; the turns and the notes are read in a worker.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static, TextArea

from coach.actions import ActionError
from coach.archive import Entry, Match
from coach.notes import Note
from coach.store import SessionBusy, StoreError
from coach.terminal import printable
from coach.transcript import ActionItem, Transcript, TurnLike
from coach.tui.review.charts import day_words, highlighted, meter, top_of
from coach.tui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from coach.tui.review.app import ReviewApp

SHOWN = 4_000  # characters of one answer drawn; the file keeps them all
MARKS = {"open": "○ open", "done": "✓ done", "dropped": "✗ dropped"}
MARKED = {"open": "open again", "done": "done", "dropped": "dropped"}
NON_ANSWERS = {"skip": "(skipped)", "back": "(went back to answer again)"}


def item_prompt(item: ActionItem, trait: str, today: date) -> Content:
    """One action item as two lines of the list: its status, due day (in the error colour
    when past), trait and whose it is; then its words."""
    try:
        due = date.fromisoformat(item.due) if item.due else None
    except ValueError:
        due = None
    late = item.is_open and due is not None and due < today
    when = f"due {due:%a} {due.day} {due:%b} {due.year}" if due else "no due date"
    about = "".join(f" · {part}" for part in (trait, "" if item.own else item.kind) if part)
    return Content.assemble(
        (MARKS.get(item.status, item.status), "bold" if item.is_open else "$text-muted"),
        (" · ", "$text-muted"),
        (when + (", overdue" if late else ""), "bold $text-error" if late else "$text-muted"),
        (printable(about), "$text-muted"),
        "\n",
        Content(printable(item.text)),
    )


def note_line(note: Note, with_turn: bool) -> Content:
    when = note.at[:10]
    where = f" on #{note.turn}" if with_turn and note.turn is not None else ""
    return Content.assemble(
        (printable(f"{note.author} · {when}{where}: "), "$text-muted"),
        Content(printable(note.text)),
    )


class ItemLine(Static, can_focus=True):
    """One action item; focused, it is the one Done, Drop and Reopen mark. Up and Down move
    between the items."""

    BINDINGS = [
        Binding("up", "step(-1)", "Previous item", show=False),
        Binding("down", "step(1)", "Next item", show=False),
    ]

    def __init__(self, item: ActionItem, trait: str, today: date, number: int) -> None:
        super().__init__(item_prompt(item, trait, today), id=f"item-{number}", classes="item")
        self.item = item

    def show(self, item: ActionItem, trait: str, today: date) -> None:
        self.item = item
        self.update(item_prompt(item, trait, today))

    def action_step(self, step: int) -> None:
        items = list(self.screen.query(ItemLine))
        at = items.index(self) + step
        if 0 <= at < len(items):
            items[at].focus()
        else:
            reading = self.screen.query_one("#reading", VerticalScroll)
            reading.scroll_relative(y=step * 3, animate=False)


class TurnLine(Static):
    """One line of the conversation. The leader's words are `Content` with the search's
    spans styled; never markup."""

    def __init__(
        self, turn: TurnLike, spans: tuple[tuple[int, int], ...] = (), *, first: bool = True
    ) -> None:
        text = turn.text[:SHOWN]
        body = highlighted(text, spans) if turn.role == "leader" else Content(printable(text))
        if not text and turn.role == "leader":
            body = Content.styled(NON_ANSWERS.get(turn.kind, "(no answer)"), "$text-muted")
        if len(turn.text) > SHOWN:
            body = Content.assemble(body, (f" … ({len(turn.text) - SHOWN:,} more)", "$text-muted"))
        if turn.role == "leader":
            body = Content.assemble((f"#{turn.n}  ", "$text-muted"), body)
            understood = turn.understood
            if understood and understood.strip().casefold() != turn.text.strip().casefold():
                body = Content.assemble(body, "\n", (f"→ {printable(understood)}", "$text-muted"))
        classes = "leader-turn" if turn.role == "leader" else "coach-turn"
        if spans:
            classes += " -match"
        # A hand-edited file may number two turns alike: only the first is found by number.
        super().__init__(body, id=f"turn-{turn.n}" if first else None, classes=classes)
        self.n = turn.n


class ReadingScreen(Screen[None]):
    """Read, mark, note."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("d", "mark('done')", "Done"),
        Binding("x", "mark('dropped')", "Drop"),
        Binding("o", "mark('open')", "Reopen", show=False),
        Binding("n", "note", "Note"),
        Binding("right_square_bracket", "match(1)", "Next match", key_display="]"),
        Binding("left_square_bracket", "match(-1)", "Previous", key_display="[", show=False),
        Binding("t", "trends", "Trends"),
        Binding("pageup", "page(-1)", "Page up", show=False, priority=True),
        Binding("pagedown", "page(1)", "Page down", show=False, priority=True),
        Binding("ctrl+q", "app.quit", "Quit", show=False, priority=True),
    ]
    PALETTE = [
        ("Mark done", "Mark the chosen action item done", "mark('done')"),
        ("Drop item", "Mark the chosen action item dropped", "mark('dropped')"),
        ("Open again", "Mark the chosen action item open again", "mark('open')"),
        ("Add a note", "A note on this session or one of its turns, beside the file", "note"),
        ("Trends for this leader", "Ratings, loyalty and follow-through over time", "trends"),
    ]

    def __init__(self, entry: Entry, match: Match | None = None) -> None:
        super().__init__()
        self.entry = entry
        self.match = match
        self.transcript: Transcript | None = None
        self.notes: list[Note] = []
        self.matched = [t.n for t in match.turns] if match is not None else []
        self.at_match = -1

    @property
    def review_app(self) -> ReviewApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        header = self.entry.header
        yield Static(self._title(), id="reading-title")
        with VerticalScroll(id="reading"):
            yield Static(Content.styled("Ratings", "bold"), classes="heading")
            yield Static(self._ratings(), id="ratings")
            yield Static(self._loyalty(), id="loyalty")
            yield Static(Content.styled("Action items", "bold"), classes="heading")
            if header.action_items:
                today = self.review_app.today
                with Vertical(id="items"):
                    for number, item in enumerate(header.action_items):
                        yield ItemLine(item, header.trait_title(item.trait), today, number)
            else:
                yield Static(Content("No action items."), classes="muted")
            yield Static(Content.styled("Coach notes", "bold"), classes="heading")
            yield Vertical(Static(Content("Reading…"), classes="muted"), id="notes")
            yield Static(Content.styled("Conversation", "bold"), classes="heading")
            yield Vertical(Static(Content("Reading…"), classes="muted"), id="turns")
        yield KeysFooter()

    def on_mount(self) -> None:
        items = list(self.query(ItemLine))
        first = next((line for line in items if line.item.is_open), items[0] if items else None)
        if first is not None:
            first.focus(scroll_visible=False)
        else:
            self.query_one("#reading").focus(scroll_visible=False)
        self.read()

    # -- drawing --------------------------------------------------------------------------

    def _title(self) -> Content:
        e = self.entry
        s = e.summary
        state = "complete" if e.complete else f"unfinished, {s.answered} of {s.steps} answered"
        parts = [e.leader or "(no name)", day_words(e.started), f"{s.pack_id} {s.pack_version}"]
        parts.append(state)
        shared = e.header.shared
        if shared is not None:
            parts.append("summary shared, no answers" if shared.summary_only else "shared copy")
        return Content.assemble((printable(" · ".join(parts)), "bold"))

    def _ratings(self) -> Content:
        rows = self.entry.ratings()
        if not rows:
            return Content("No ratings.")
        top = top_of([value for _, _, value in rows])
        width = min(26, max(len(title) for _, title, _ in rows))
        lines = [
            f"{printable(title)[:width]:<{width}}  {meter(value, top)}" for _, title, value in rows
        ]
        return Content("\n".join(lines))

    def _loyalty(self) -> Content:
        header = self.entry.header
        loyalty = header.loyalty
        title = header.loyalty_title
        rating = header.ratings.get(loyalty.trait or "")
        said = title or "not answered yet"
        if title and rating is not None:
            said += f" (rated {rating} on it)"
        content = Content.assemble(("Loyalty: ", "bold"), printable(said))
        if loyalty.answer:
            content = Content.assemble(content, "\n", (f"“{printable(loyalty.answer)}”", "italic"))
        return content

    def _show_items(self) -> None:
        header = self.entry.header
        today = self.review_app.today
        for line, item in zip(self.query(ItemLine), header.action_items, strict=False):
            line.show(item, header.trait_title(item.trait), today)

    # -- reading the turns and notes ------------------------------------------------------

    @work(thread=True, exclusive=True, group="read")
    def read(self) -> None:
        """The whole file and its notes, read in a worker."""
        archive = self.review_app.archive
        transcript: Transcript | None = None
        problem = ""
        try:
            transcript = archive.load(self.entry)
        except StoreError as exc:
            problem = str(exc)
        notes: list[Note] = []
        notes_problem = ""
        try:
            notes = archive.notes(self.entry)
        except StoreError as exc:
            notes_problem = str(exc)
        self.app.call_from_thread(self._read, transcript, problem, notes, notes_problem)

    def _read(
        self, transcript: Transcript | None, problem: str, notes: list[Note], notes_problem: str
    ) -> None:
        self.transcript = transcript
        self.notes = notes
        turns = self.query_one("#turns", Vertical)
        turns.remove_children()
        if transcript is None:
            turns.mount(
                Static(Content(printable(f"Cannot read the turns: {problem}")), classes="problem")
            )
        elif not transcript.turns:
            said = "a summary without the answers" if self.entry.header.shared else "no turns yet"
            turns.mount(Static(Content(f"This session has {said}."), classes="muted"))
        else:
            match = self.match
            seen: set[int] = set()
            lines = []
            for t in transcript.turns:
                spans = match.spans_of(t.n) if match is not None else ()
                lines.append(TurnLine(t, spans, first=t.n not in seen))
                seen.add(t.n)
            turns.mount_all(lines)

        self._show_notes(notes_problem)
        if self.matched:
            self.call_after_refresh(self.action_match, 1)
        self.refresh_bindings()

    def _show_notes(self, problem: str = "") -> None:
        box = self.query_one("#notes", Vertical)
        box.remove_children()
        for old in self.query(".turn-note"):
            old.remove()
        if problem:
            box.mount(
                Static(Content(printable(f"Cannot read the notes: {problem}")), classes="problem")
            )
        elif not self.notes:
            box.mount(Static(Content("No notes yet; n adds one."), classes="muted"))
        else:
            box.mount_all(Static(note_line(n, True), classes="note") for n in self.notes)
        for note in self.notes:
            if note.turn is None:
                continue
            found = self.query(f"#turn-{note.turn}")
            if found:
                self.query_one("#turns", Vertical).mount(
                    Static(note_line(note, False), classes="turn-note"), after=found.first()
                )

    # -- actions --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "mark":
            return self.chosen_item() is not None
        if action == "match":
            return bool(self.matched) and self.transcript is not None
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()  # Done and Drop are offered while an item has the focus

    def action_page(self, direction: int) -> None:
        reading = self.query_one("#reading", VerticalScroll)
        if direction > 0:
            reading.scroll_page_down()
        else:
            reading.scroll_page_up()

    def action_match(self, step: int) -> None:
        """Go to the next (or previous) answer the search matched."""
        if not self.matched:
            return
        self.at_match = (self.at_match + step) % len(self.matched)
        for line in self.query(".-current"):
            line.remove_class("-current")
        found = self.query(f"#turn-{self.matched[self.at_match]}")
        if found:
            line = found.first()
            line.add_class("-current")
            lines = list(self.query(TurnLine))
            at = lines.index(line) if line in lines else 0
            asked = lines[at - 1] if at and lines[at - 1].has_class("coach-turn") else line
            reading = self.query_one("#reading", VerticalScroll)
            reading.scroll_to_widget(asked, top=True, animate=False)  # with its question

    def action_trends(self) -> None:
        self.review_app.show_trends(self.entry.leader)

    def chosen_item(self) -> ActionItem | None:
        """The focused action item, which the marks apply to."""
        focused = self.focused
        return focused.item if isinstance(focused, ItemLine) else None

    def action_mark(self, status: str) -> None:
        item = self.chosen_item()
        if item is None:
            return
        focused = self.focused
        reading = self.query_one("#reading", VerticalScroll)
        if focused is not None and not reading.can_view_partial(focused):
            # The item the key would mark is out of view (the page opened at a search's
            # match): shown first, marked only by a second press.
            reading.scroll_to_widget(focused, animate=False)
            self.notify(
                printable(f"This would mark: {item.text}. Press the key again to mark it."),
                markup=False,
            )
            return
        if item.status == status:
            self.notify(f"It is {MARKED[status]} already.", markup=False)
            return
        self.mark(item.id, status)

    @work(thread=True, exclusive=True, group="mark")
    def mark(self, item_id: str, status: str) -> None:
        """Mark an item under its session's lock; a session open elsewhere is said, not a
        crash."""
        archive = self.review_app.archive
        try:
            entry = archive.mark(self.entry, item_id, status, self.review_app.today)
        except SessionBusy as exc:
            self.app.call_from_thread(self._refused, exc.message)
        except (StoreError, ActionError) as exc:
            self.app.call_from_thread(self._refused, str(exc))
        else:
            self.app.call_from_thread(self._marked, entry, item_id, status)

    def _refused(self, message: str) -> None:
        self.notify(printable(message), severity="error", timeout=10, markup=False)

    def _marked(self, entry: Entry, item_id: str, status: str) -> None:
        self.entry = entry
        self._show_items()
        item = next((i for i in entry.header.action_items if i.id == item_id), None)
        words = f"Marked {MARKED[status]}: {item.text if item else item_id}"
        if entry.shared:
            words += ". This is the copy the leader shared: sharing again replaces it"
        self.notify(printable(words), markup=False)

    def action_note(self) -> None:
        turns = {t.n for t in self.transcript.turns} if self.transcript is not None else set()
        turn = self.matched[self.at_match] if self.matched and self.at_match >= 0 else None
        self.app.push_screen(NoteScreen(self.entry, turns, turn), self._note_written)

    def _note_written(self, result: tuple[str, int | None] | None) -> None:
        if result is not None:
            self.add_note(*result)

    @work(thread=True, exclusive=True, group="note")
    def add_note(self, text: str, turn: int | None) -> None:
        app = self.review_app
        try:
            note = app.archive.add_note(
                self.entry, text, author=app.author, at=app.now(), turn=turn
            )
        except (StoreError, ValueError) as exc:
            self.app.call_from_thread(self._refused, f"The note was not saved: {exc}")
        else:
            self.app.call_from_thread(self._noted, note)

    def _noted(self, note: Note) -> None:
        self.notes.append(note)
        self._show_notes()
        self.notify("Note saved beside the session.", markup=False)


class NoteScreen(ModalScreen[tuple[str, int | None] | None]):
    """A coach's note: on the whole session, or on one turn by its number."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save note", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, entry: Entry, turns: set[int], turn: int | None = None) -> None:
        super().__init__()
        self.entry = entry
        self.turns = turns
        self.turn = turn

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            who = f"{self.entry.leader or '(no name)'}, {day_words(self.entry.started)}"
            yield Static(Content.assemble(("A note on ", "bold"), (printable(who), "bold")))
            yield Static(
                Content("Kept beside the session; the leader's words are never changed."),
                classes="muted",
            )
            yield TextArea(id="note-text", soft_wrap=True, show_line_numbers=False)
            with Horizontal(id="note-turn-row"):
                yield Static(Content("On turn"), id="note-turn-label")
                yield Input(
                    "" if self.turn is None else str(self.turn),
                    placeholder="blank: the whole session", id="note-turn", compact=True,
                    restrict=r"[0-9]*",
                )  # fmt: skip
            yield Static(id="note-error")
            yield Static(Content("Ctrl+S saves · Esc cancels"), classes="muted")

    def on_mount(self) -> None:
        self.query_one("#note-text", TextArea).focus()

    def _error(self, words: str) -> None:
        self.query_one("#note-error", Static).update(Content(words))

    @on(Input.Submitted, "#note-turn")
    def action_save(self) -> None:
        text = self.query_one("#note-text", TextArea).text.strip()
        typed = self.query_one("#note-turn", Input).value.strip()
        if not text:
            self._error("Write the note first.")
            self.query_one("#note-text", TextArea).focus()
            return
        turn = int(typed) if typed else None
        if turn is not None and turn not in self.turns:
            last = max(self.turns, default=0)
            self._error(
                f"There is no turn {turn}; the turns are 1-{last}."
                if last
                else "This session has no turns."
            )
            self.query_one("#note-turn", Input).focus()
            return
        self.dismiss((text, turn))

    def action_cancel(self) -> None:
        self.dismiss(None)
