"""The retro board: what the team sees together, refreshed as contributions and votes arrive.

The board is the core's (`coach.retro.board.build_board`); this app only draws it, and every
change (a vote, a grouping undone, last retro's action reviewed) goes through
`coach.retro.voting`, which owns the rules and says in one sentence what it refuses. Disk work
runs in thread workers; the folder is watched by its files' sizes and change times
(`RetroFolder.fingerprint`), which is cheap enough to take every second on a shared drive.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from coach.retro.board import Board, build_board
from coach.retro.files import RetroFolder
from coach.tui.retro import draw
from coach.tui.widgets.footer import KeysFooter

REFRESH_SECONDS = 1.0


class BoardList(OptionList):
    """A list on the board: moving in it brings it into view, while a refresh that redraws
    it leaves the board where the reader scrolled it."""

    def _moved(self) -> None:
        self.scroll_visible(animate=False)

    def action_cursor_up(self) -> None:
        super().action_cursor_up()
        self._moved()

    def action_cursor_down(self) -> None:
        super().action_cursor_down()
        self._moved()

    def action_first(self) -> None:
        super().action_first()
        self._moved()

    def action_last(self) -> None:
        super().action_last()
        self._moved()


REVIEW_KEYS = {"d": "done", "n": "not yet", "x": "drop"}


class BoardApp(App[None]):
    """One retro's board, live."""

    CSS_PATH = "board.tcss"
    TITLE = "coach retro"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("space,plus", "vote", "Add a vote"),
        Binding("minus,backspace", "unvote", "Take one back"),
        Binding("u", "ungroup", "Ungroup"),
        Binding("d", "review('done')", "Done"),
        Binding("n", "review('not yet')", "Not yet"),
        Binding("x", "review('drop')", "Drop"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        Binding("q", "quit", "Quit", show=False),  # not over a text box (the palette's)
    ]

    def __init__(
        self,
        folder: RetroFolder,
        titles: Mapping[str, str] | None = None,
        scale: tuple[int, int] = (1, 5),
        sessions: Path | None = None,
        refresh_seconds: float = REFRESH_SECONDS,
        board: Board | None = None,
    ) -> None:
        super().__init__()
        self.folder = folder
        self.titles = dict(titles or {})
        self.scale = scale
        self.sessions = sessions
        self.refresh_seconds = refresh_seconds
        self.board: Board = board or build_board(folder, self.titles, scale)
        self.fingerprint = folder.fingerprint()
        self.mine: list[str] = self._my_votes(self.board)
        self.said: Content | None = None  # the last refusal or confirmation, under the list

    # -- drawing ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="top"):
            yield Static(id="title")
            yield Static(id="who")
        with VerticalScroll(id="board"):
            yield Static(Content.styled("Last retro's actions, to review first", "bold"),
                         id="carry-heading", classes="heading")  # fmt: skip
            yield BoardList(id="carry")
            yield Static(id="needed")
            yield Static(Content.styled("Which trait earned their loyalty", "bold"),
                         id="loyalty-heading", classes="heading")  # fmt: skip
            yield Static(id="loyalty")
            yield Static(Content.styled("Ratings: how many gave each rating", "bold"),
                         id="ratings-heading", classes="heading")  # fmt: skip
            yield DataTable(id="ratings", cursor_type="none", zebra_stripes=False)
            yield Static(Content.styled("Suggestions and proposed actions", "bold"),
                         id="groups-heading", classes="heading")  # fmt: skip
            yield Static(id="text-needed")
            yield Static(id="vote-status")
            yield BoardList(id="groups")
            yield Static(id="result")
            yield Static(id="unreadable")
        # Under the board, not in it: a vote's refusal is seen however long the list is.
        yield Static(id="said")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#ratings", DataTable).can_focus = False  # a picture, nothing to pick
        self.show(self.board)
        self.set_interval(self.refresh_seconds, self.check_folder, name="watch")
        board = self.board
        if board.carry_over and any(c.review is None for c in board.carry_over):
            self.query_one("#carry", OptionList).focus()  # last retro's actions come first
        elif self.query_one("#groups").display:
            # The whole picture first: the list takes the keys, the board stays at the top.
            self.query_one("#groups", OptionList).focus(scroll_visible=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys of the list in focus: votes on the suggestions, reviews on last retro's
        actions (the footer shows only those)."""
        focused = self.focused.id if self.focused is not None else None
        if action in ("vote", "unvote", "ungroup"):
            # A closed retro takes no votes and no regrouping: its footer offers none.
            return focused == "groups" and not self.board.closed
        if action == "review":
            return focused == "carry"
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    def show(self, board: Board) -> None:
        """Draw a board: every section from what it holds, the voter's place kept."""
        self.board = board
        with self.batch_update():
            self.query_one("#title", Static).update(draw.heading(board))
            self.query_one("#who", Static).update(draw.who(board))
            self._carry(board)
            self._section("#needed", draw.needed(board))
            shown = board.shown
            for part in ("#loyalty-heading", "#loyalty"):
                self.query_one(part).display = shown
            if shown:
                self.query_one("#loyalty", Static).update(draw.loyalty_bars(board.loyalty))
            self._ratings(board)
            self._section("#text-needed", draw.text_needed(board))
            self._groups(board)
            self._section("#said", self.said)
            self._section("#result", draw.result_lines(board))
            self._section("#unreadable", draw.unreadable_lines(board))

    def _section(self, selector: str, content: Content | None) -> None:
        widget = self.query_one(selector, Static)
        widget.display = content is not None
        if content is not None:
            widget.update(content)

    def _carry(self, board: Board) -> None:
        carry = self.query_one("#carry", OptionList)
        self.query_one("#carry-heading").display = carry.display = bool(board.carry_over)
        if not board.carry_over:
            return
        heading = self.query_one("#carry-heading", Static)
        heading.update(
            Content.styled(
                f"Last retro's actions ({draw.one_line(board.previous or '')}), to review "
                "first: d done · n not yet · x drop",
                "bold",
            )
        )
        keep = carry.highlighted
        carry.clear_options()
        carry.add_options([Option(draw.carry_label(item), id=item.id) for item in board.carry_over])
        carry.highlighted = min(keep or 0, len(board.carry_over) - 1)

    def _ratings(self, board: Board) -> None:
        table = self.query_one("#ratings", DataTable)
        show = bool(board.traits) and board.shown
        table.display = self.query_one("#ratings-heading").display = show
        if not show:
            return
        columns = draw.rating_columns(board)
        table.clear(columns=True)
        table.add_column("Trait", width=draw.TITLE_WIDTH)
        for value in columns:
            table.add_column(str(value), width=3)
        table.add_column("Median", width=8)
        leader = any(t.leader is not None for t in board.traits)
        if leader:  # the leader's self-ratings, beside the team's medians
            table.add_column("Leader", width=6)
        for index, trait in enumerate(board.traits):
            cells = draw.rating_row(board, index, columns)
            table.add_row(*(cells if leader else cells[:-1]), key=trait.trait)

    def _groups(self, board: Board) -> None:
        groups = self.query_one("#groups", OptionList)
        shown = board.text_shown
        for part in ("#vote-status", "#groups"):
            self.query_one(part).display = shown and bool(board.groups)
        if not shown:
            return
        self.query_one("#vote-status", Static).update(draw.vote_status(board, len(self.mine)))
        highlighted = groups.highlighted_option
        keep = highlighted.id if highlighted is not None else None
        options: list[Option] = []
        title = None
        for group in board.groups:
            if draw.group_title(group) != title:
                title = draw.group_title(group)
                options.append(Option(Content.styled(title, "bold"), disabled=True))
            mine = self.mine.count(group.id)
            options.append(Option(draw.group_label(group, mine, board.closed), id=group.id))
        groups.clear_options()
        groups.add_options(options)
        if keep is not None:
            ids = [o.id for o in options]
            groups.highlighted = ids.index(keep) if keep in ids else None
        if groups.highlighted is None:
            first = next((i for i, o in enumerate(options) if not o.disabled), None)
            groups.highlighted = first

    # -- the folder ------------------------------------------------------------------------

    def check_folder(self) -> None:
        """Look for new or changed files (the watch timer calls this every second)."""
        self._check()

    @work(thread=True, exclusive=True, group="watch", exit_on_error=False)
    def _check(self) -> None:
        fingerprint = self.folder.fingerprint()
        if fingerprint == self.fingerprint:
            return
        board = build_board(self.folder, self.titles, self.scale)
        mine = self._my_votes(board)
        self.call_from_thread(self._arrived, fingerprint, board, mine)

    def _arrived(self, fingerprint: Any, board: Board, mine: list[str]) -> None:
        self.fingerprint = fingerprint
        self.mine = mine
        self.show(board)

    def _my_votes(self, board: Board) -> list[str]:
        """This voter's dots, as their own vote file holds them (found by their ledger), by
        the ids of the groups on `board`."""
        if self.sessions is None:
            return []
        from coach.retro.join import read_ledger

        name = read_ledger(self.sessions, self.folder).votes
        if name is None:
            return []
        for vote in self.folder.read().votes:
            if vote.file == name:
                return [g.id for ref in vote.votes if (g := board.group(ref)) is not None]
        return []

    # -- changes, each through coach.retro.voting ------------------------------------------

    def _highlighted_group(self) -> str | None:
        groups = self.query_one("#groups", OptionList)
        option = groups.highlighted_option
        return option.id if option is not None and groups.display else None

    def action_vote(self) -> None:
        """One more dot on the highlighted item, saved at once (the core checks the limits)."""
        group = self._highlighted_group()
        if group is not None:
            self._cast([*self.mine, group], f"A vote on {group}.")

    def action_unvote(self) -> None:
        group = self._highlighted_group()
        if group is None or group not in self.mine:
            return
        mine = list(self.mine)
        mine.reverse()
        mine.remove(group)
        mine.reverse()
        self._cast(mine, f"One vote taken back from {group}.")

    def _cast(self, refs: list[str], done: str) -> None:
        if self.sessions is None:
            self._say("This board is read-only: open it with coach retro ID to vote.", True)
            return

        def cast(board: Board) -> None:
            from coach.retro import voting

            assert self.sessions is not None
            voting.cast(self.folder, self.sessions, refs, board)

        self._change(cast, done, refs)

    def action_ungroup(self) -> None:
        """Undo a grouping coach suggested: its suggestions stand alone again."""
        group = self._highlighted_group()
        if group is None or self.sessions is None:
            return

        def ungroup(board: Board) -> None:
            from coach.retro import voting

            assert self.sessions is not None
            voting.ungroup(self.folder, self.sessions, board, group)

        self._change(ungroup, f"The suggestions of {group} stand alone again.")

    def action_review(self, answer: str) -> None:
        """Say what became of the highlighted one of last retro's actions."""
        carry = self.query_one("#carry", OptionList)
        option = carry.highlighted_option
        if option is None or option.id is None or self.sessions is None or not carry.display:
            return
        ref = option.id

        def review(board: Board) -> None:
            from coach.retro import voting

            assert self.sessions is not None
            voting.review(self.folder, self.sessions, board, ref, answer)

        self._change(review, f"{ref}: {answer}.")

    @work(thread=True, exclusive=True, group="change", exit_on_error=False)
    def _change(
        self, write: Callable[[Board], None], done: str, refs: list[str] | None = None
    ) -> None:
        """Write one change with the board as it is now, then read the folder again."""
        from coach.retro.voting import RetroError

        try:
            write(self.board)
        except (RetroError, OSError) as exc:
            self.call_from_thread(self._say, str(exc), True)
            return
        board = build_board(self.folder, self.titles, self.scale)
        fingerprint = self.folder.fingerprint()
        mine = list(refs) if refs is not None else self.mine
        self.call_from_thread(self._said_and_arrived, done, fingerprint, board, mine)

    def _said_and_arrived(self, done: str, fingerprint: Any, board: Board, mine: list[str]) -> None:
        self.said = Content(draw.one_line(done))
        self._arrived(fingerprint, board, mine)

    def _say(self, text: str, refused: bool = False) -> None:
        """One sentence under the list: what was refused and why, or what was done."""
        line = draw.one_line(text[:1].upper() + text[1:])
        if not line.endswith("."):
            line += "."
        self.said = Content.styled(line, "$text-warning" if refused else "")
        self._section("#said", self.said)

    @on(OptionList.OptionSelected, "#groups")
    def _selected(self) -> None:
        self.action_vote()
