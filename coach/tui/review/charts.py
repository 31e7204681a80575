"""Small pictures of numbers and text for the review screens: rating bars, a trend's columns,
and the leader's words with search matches highlighted.

Every piece of file text reaches the screen here as `Content` built from `printable` text, with
styles as spans: never as markup, so an answer holding `[TODO]` or `[b]` is shown as typed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from textual.content import Content, Span

from coach.terminal import printable

BLOCKS = "▁▂▃▄▅▆▇█"
UNRATED = "·"
TOP = 5  # ratings are on the pack's scale; files do not say its size, and every stock pack uses 5

HIGHLIGHT = "bold $text-warning on $warning-muted"
"""How a search match is marked in the leader's words."""


def top_of(values: Sequence[int | None]) -> int:
    """The scale to draw on: 5, or the largest rating seen if a pack rates higher."""
    return max([TOP, *(v for v in values if v is not None)])


def block(value: int | None, top: int = TOP) -> str:
    """One character for one rating: taller for higher, a dot where there is none."""
    if value is None:
        return UNRATED
    index = round(max(0, value) * len(BLOCKS) / max(1, top)) - 1
    return BLOCKS[min(len(BLOCKS) - 1, max(0, index))]


def spark(values: Sequence[int | None], top: int | None = None) -> str:
    """Ratings as a compact bar, one character each: `▂▅▇▃▆`."""
    scale = top_of(values) if top is None else top
    return "".join(block(v, scale) for v in values)


def meter(value: int | None, top: int = TOP) -> str:
    """A rating as a horizontal bar with its value, for the reading view: `███░░ 3`."""
    if value is None:
        return "not rated"
    filled = max(0, min(top, value))
    return "█" * filled + "░" * (top - filled) + f" {value}"


def day_words(day: date | None) -> str:
    """A day as a coach reads it: `Mon 2 Nov 2026`."""
    if day is None:
        return "an unknown day"
    return f"{day:%a} {day.day} {day:%b} {day.year}"


def short_day(day: date | None) -> str:
    """A day in 11 columns: `02 Nov 2026`."""
    return "unknown day" if day is None else f"{day:%d %b %Y}"


def fit(text: str, width: int) -> str:
    """One line of at most `width` characters, cut with an ellipsis."""
    line = " ".join(printable(text).split())
    if width <= 0:
        return ""
    return line if len(line) <= width else line[: width - 1].rstrip() + "…"


ARTICLES = frozenset({"a", "an", "the"})
LINKS = frozenset({"and", "of", "with", "to", "for", "in", "on", "at", "by", "&"})


def abbreviated(text: str, width: int) -> str:
    """A short title (a trait's) in at most `width` characters, its key words kept: whole if
    it fits; else without its articles ("Connects with team"), then without the little words
    that link the others ("Connects team"), the first word always kept; else that, cut with
    an ellipsis as `fit` cuts."""
    line = " ".join(printable(text).split())
    if len(line) <= width:
        return line
    words = line.split(" ")
    shorter = line
    for dropped in (ARTICLES, ARTICLES | LINKS):
        kept = words[:1] + [w for w in words[1:] if w.casefold() not in dropped]
        shorter = " ".join(kept)
        if len(shorter) <= width:
            return shorter
    return fit(shorter, width)


def highlighted(text: str, spans: Sequence[tuple[int, int]], style: str = HIGHLIGHT) -> Content:
    """The leader's words as `Content`, the given spans of the raw text styled.

    The text is made printable piece by piece, so the spans (offsets into the raw text, as the
    archive's search returns them) still fall on the same characters after a control
    character has been widened into its visible escape.
    """
    pieces: list[str] = []
    marks: list[Span] = []
    at = 0
    length = 0
    for start, end in sorted(spans):
        start, end = max(start, at), min(end, len(text))
        if end <= start:
            continue
        before, inside = printable(text[at:start]), printable(text[start:end])
        pieces.append(before)
        length += len(before)
        marks.append(Span(length, length + len(inside), style))
        pieces.append(inside)
        length += len(inside)
        at = end
    pieces.append(printable(text[at:]))
    return Content("".join(pieces), marks)
