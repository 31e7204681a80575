"""The board's pieces as `Content`: what each section says, from a `Board` and nothing else.

Pure functions, so the words are tested without an app. Every piece of file text (names,
suggestions, trait titles, reasons) passes `printable` and reaches the screen as `Content`
with styles as spans, never as markup: a suggestion holding `[b]` or an escape sequence is
shown as typed. The board decides what may be shown (thresholds, hidden tallies); these
functions only lay out what it holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from coach.retro.board import Board, CarryOver, Group, LoyaltyRow
from coach.retro.plain import day_words, median_text
from coach.terminal import printable

BAR = "█"
BAR_WIDTH = 30
DOT = "●"
TITLE_WIDTH = 24


def _day(value: str) -> str:
    """A date from a file in words; a value that is no date is shown as one safe line."""
    return one_line(day_words(value))


def one_line(text: str) -> str:
    """File text on one line, safe for the terminal."""
    return " ".join(printable(text).split())


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def heading(board: Board) -> Content:
    """The first line: which retro, whose, when, and whether it is closed."""
    parts = [f"Retro {one_line(board.retro_id)}"]
    if board.team:
        parts.append(f"team {one_line(board.team)}")
    if board.date:
        parts.append(_day(board.date))
    if board.closed:
        parts.append("closed")
    return Content.styled(" · ".join(parts), "bold")


def who(board: Board) -> Content:
    """Who took part: names for those who shared them, a count for everyone else."""
    text = plural(board.participants, "contribution")
    if board.named:
        text += ": " + ", ".join(one_line(n) for n in board.named)
        if board.anonymous:
            text += f" and {board.anonymous} anonymous"
    elif board.participants:
        text += " (anonymous)"
    if board.leader_joined:
        text += "; the leader's self-ratings are in"
    return Content(text)


def needed(board: Board) -> Content | None:
    """Why the ratings are not shown yet, or None once they are."""
    if board.shown:
        return None
    more = plural(board.needed, "more contribution")
    return Content.styled(
        f"{more} needed: ratings are shown from {board.threshold} contributions, so no one's "
        "answers can be told apart.",
        "$text-warning",
    )


def text_needed(board: Board) -> Content | None:
    """Why the suggestions are not shown yet, or None once they are."""
    if board.text_shown:
        return None
    more = plural(board.text_needed, "more contribution")
    return Content.styled(
        f"{more} needed for the suggestions: free text is shown from "
        f"{board.text_threshold} contributions.",
        "$text-warning",
    )


def loyalty_bars(rows: Sequence[LoyaltyRow], width: int = BAR_WIDTH) -> Content:
    """The loyalty-trait tally as a bar chart: one bar a trait, longest for the most named."""
    if not rows:
        return Content.styled("No one has named a trait yet.", "$text-muted")
    most = max(row.count for row in rows)
    lines: list[Content] = []
    for row in rows:
        title = one_line(row.title)[:TITLE_WIDTH].ljust(TITLE_WIDTH)
        bar = BAR * max(1, round(width * row.count / most)) if row.count else ""
        lines.append(Content.assemble(title, " ", (bar, "$accent"), f" {row.count}"))
    return Content("\n").join(lines)


def rating_columns(board: Board) -> list[int]:
    """The rating values the table has a column for: every value of a shown distribution."""
    values = sorted({v for t in board.traits if t.shown for v, _ in t.distribution})
    return values


def rating_row(board: Board, index: int, columns: Sequence[int]) -> list[Content]:
    """One trait's row: its title, the count per rating, the median, the leader's rating."""
    trait = board.traits[index]
    cells = [Content(one_line(trait.title))]
    if not trait.shown:
        blank = [Content("") for _ in columns]
        why = f"not shown: {trait.count} rated it" if board.shown else "hidden"
        return [*cells, *blank, Content.styled(why, "$text-muted"), Content("")]
    counts = dict(trait.distribution)
    for value in columns:
        k = counts.get(value, 0)
        cells.append(Content.styled(str(k), "bold") if k else Content.styled("·", "$text-muted"))
    cells.append(Content.styled(median_text(trait.median), "bold"))
    cells.append(Content("" if trait.leader is None else str(trait.leader)))
    return cells


def group_label(group: Group, mine: int, closed: bool) -> Content:
    """A suggestion (or a group of similar ones) as the vote list shows it: the voter's own
    dots on it, its id, its words, and its votes once the vote has closed."""
    dots = (DOT * mine).ljust(3) if mine else "   "
    head: list[str | Content | tuple[str, str]] = [
        (dots, "$accent bold"),
        " ",
        (one_line(group.id), "$text-muted"),
        "  ",
        one_line(group.text),
    ]
    if group.count > 1:
        head.append(f" (×{group.count})")
    if closed and group.votes is not None:
        head.append((f"  {plural(group.votes, 'vote')}", "bold"))
    lines = [Content.assemble(*head)]
    for item in group.items[1:]:
        extra = f" (×{item.count})" if item.count > 1 else ""
        lines.append(
            Content.assemble(
                "       ", (one_line(item.id), "$text-muted"), "  ", one_line(item.text), extra
            )
        )
    if group.suggested and not closed:
        lines.append(Content.styled("       grouped by coach: u takes it apart", "$text-muted"))
    return Content("\n").join(lines)


def group_title(group: Group) -> str:
    title = one_line(group.title)
    return f"{title} · {group.verb}" if group.verb else title


def vote_status(board: Board, mine: int) -> Content:
    """The voting rules as the board holds them, and how far this voter and the team are."""
    if board.closed:
        return Content("The vote is closed: the tallies are shown beside each item.")
    rules = (
        f"You have {board.votes_per_person} votes, at most {board.per_item_cap} on one item "
        f"(for {plural(len(board.groups), 'item')}, about {board.suggested_votes} each would "
        "do). "
    )
    voted = "1 person has" if board.voters == 1 else f"{board.voters} people have"
    return Content.assemble(
        rules,
        (f"Yours: {mine} of {board.votes_per_person} placed.", "bold"),
        f" {voted} voted so far; the tallies show when the vote closes.",
    )


def carry_label(item: CarryOver) -> Content:
    """One of last retro's actions, with what became of it once reviewed."""
    state = item.review or "to review"
    style = "$text-muted" if item.review is None else "bold"
    return Content.assemble(
        (one_line(item.id), "$text-muted"),
        "  ",
        one_line(item.text),
        f" — {one_line(item.owner)}, due {_day(item.due)}  ",
        (f"[{state}]", style),
    )


def result_lines(board: Board) -> Content | None:
    """The team's action items once the retro is closed."""
    if not board.closed or board.result is None:
        return None
    lines = [Content.styled(f"Closed on {_day(board.result.closed_on)}.", "bold")]
    for a in board.actions:
        lines.append(
            Content.assemble(
                (one_line(a.id), "$text-muted"), "  ", one_line(a.text),
                f" — {one_line(a.owner)}, due {_day(a.due)} ({plural(a.votes, 'vote')})",
            )
        )  # fmt: skip
    if not board.actions:
        lines.append(Content.styled("No item got a vote.", "$text-muted"))
    return Content("\n").join(lines)


def unreadable_lines(board: Board) -> Content | None:
    """Files in the retro folder that were not counted, each with its reason."""
    if not board.unreadable:
        return None
    lines = [Content.styled("Not counted:", "$text-error")]
    lines += [Content(f"  {one_line(str(u))}") for u in board.unreadable]
    return Content("\n").join(lines)
