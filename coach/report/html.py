"""Self-contained, printable HTML reports: one session, or a leader's history.

A report is one file a coach can mail, archive or print: inline CSS (with a print layout),
inline SVG charts, no JavaScript, no fonts, images or links to fetch, and a
Content-Security-Policy that forbids them anyway. Templates are ours and ship as package
data; they run in their own autoescaping `Environment`, so the leader's words, a pack's text
and anything hand-edited into a file only ever arrive as values and are shown as typed.
Every value also passes `coach.terminal.printable` on its way out, so a control character or
a bidi override is shown as a visible escape instead of reordering what follows it.

This module turns a `Transcript` into plain view data (rows, bars, points, with the chart
geometry worked out here) and leaves the markup to the templates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Protocol

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from coach.checkin import CHOSEN_RECORD
from coach.terminal import printable
from coach.transcript import ActionItem, Transcript, TurnLike

__all__ = ["NoteLike", "history_html", "transcript_html"]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class NoteLike(Protocol):
    """A coach's note as the report needs it: on the whole session (`turn` None) or on one
    turn of the conversation (`turn` is its `n`). Any object with these attributes will do,
    so the notes file can keep its own type."""

    @property
    def text(self) -> str: ...
    @property
    def author(self) -> str: ...
    @property
    def at(self) -> str: ...
    @property
    def turn(self) -> int | None: ...


# -- view data ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Bar:
    """One trait's row of the ratings chart, geometry included."""

    title: str
    short: str
    value: int | None
    state: str  # "rated", "skipped" or "not rated yet"
    label: str  # what coach understood the rating to mean, if anything, shortened to fit
    meaning: str  # the same, whole
    y: float
    width: float


@dataclass(frozen=True, slots=True)
class _Chart:
    bars: tuple[_Bar, ...]
    top: int
    width: int
    height: int
    bar_x: int
    bar_width: int
    row: int
    ticks: tuple[tuple[int, float], ...]


@dataclass(frozen=True, slots=True)
class _Item:
    item: ActionItem
    trait: str
    whose: str
    overdue: bool
    due: str
    checked: str


@dataclass(frozen=True, slots=True)
class _Line:
    """A line of the conversation: a turn, or a trait's heading before its first turn."""

    heading: str
    turn: TurnLike | None
    notes: tuple[NoteLike, ...] = ()


@dataclass(frozen=True, slots=True)
class _Point:
    x: float
    y: float
    value: int
    session: str
    when: str


@dataclass(frozen=True, slots=True)
class _Trend:
    """One trait's small chart in the history: its ratings, session by session."""

    title: str
    points: tuple[_Point, ...]
    segments: tuple[str, ...]  # SVG polyline point lists, broken where a session has no rating
    latest: str
    change: str


@dataclass(frozen=True, slots=True)
class _SessionRow:
    transcript: Transcript
    when: str
    loyalty: str
    done: int
    open: int
    dropped: int
    overdue: int


@dataclass(frozen=True, slots=True)
class _Overdue:
    session: str
    when: str
    row: _Item
    days: int


# -- helpers -----------------------------------------------------------------------------


def _when(stamp: str) -> str:
    """An ISO time as `2 Nov 2026 09:30`, the same on every machine (no locale); anything
    else as it was written."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{moment.day} {_MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M}"


def _day(text: str) -> str:
    """A `YYYY-MM-DD` date as `Fri 27 Nov 2026` (English, whatever the locale); anything else
    as written."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return text
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _short_day(stamp: str) -> str:
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp[:10]
    return f"{moment.day} {_MONTHS[moment.month - 1]}"


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _together(text: str) -> str:
    """A short value (a date, a time) kept on one line with no-break spaces; a long one,
    which only a hand-edited file holds, left to wrap rather than push the page wide."""
    return text.replace(" ", "\u00a0") if len(text) <= 24 else text


def _overdue(item: ActionItem, today: date | None) -> int:
    """Days an open item is past its due date (0 when it is not, or nobody said when today
    is)."""
    if today is None or not item.is_open or not item.due:
        return 0
    try:
        due = date.fromisoformat(item.due)
    except ValueError:
        return 0
    return max(0, (today - due).days)


def _whose(item: ActionItem) -> str:
    if item.own:
        return "the leader's commitment"
    return f"the coach's {item.kind}"


def _checked(item: ActionItem) -> str:
    c = item.checked
    if c is None:
        return ""
    where = f" at the check-in of {c.in_session}" if c.in_session else ""
    why = f": {c.why}" if c.why else ""
    said = {"drop": "dropped", "partly": "partly done"}.get(c.answer, c.answer)
    return f"{said}, {_day(c.on)}{where}{why}"


def _items(transcript: Transcript, today: date | None) -> list[_Item]:
    return [
        _Item(
            item=item,
            trait=transcript.trait_title(item.trait),
            whose=_whose(item),
            overdue=_overdue(item, today) > 0,
            due=(_day(item.due) + (f" ({CHOSEN_RECORD})" if item.defaulted else ""))
            if item.due
            else "",
            checked=_checked(item),
        )
        for item in transcript.action_items
    ]


def _trait_order(transcripts: Iterable[Transcript]) -> list[str]:
    """Traits in the pack's order, then any a rating names that the pack's list does not."""
    order: dict[str, None] = {}
    for t in transcripts:
        order.update(dict.fromkeys(t.traits))
        order.update(dict.fromkeys(t.ratings))
    return list(order)


def _understood(transcript: Transcript, trait: str, value: int) -> str:
    """What coach said back for this rating (the scale's label), found on the leader's turn.

    The trait's rating is its first one, so its turn is the first answer in the trait that
    gave that number: a later choice answered by number ("2" for an option) is not it."""
    for turn in transcript.turns:
        if turn.role == "leader" and turn.kind == "answer" and turn.trait == trait:
            number = re.match(r"\s*(\d+)\b", turn.text)
            if number and number.group(1) == str(value):
                return turn.understood or ""
    return ""


def _passed(transcript: Transcript, order: Sequence[str], trait: str) -> bool:
    """Whether the conversation got past `trait` without a rating for it."""
    if transcript.complete:
        return True
    later = set(order[order.index(trait) + 1 :])
    return any(turn.trait in later for turn in transcript.turns)


def _chart(transcript: Transcript, top: int) -> _Chart:
    order = _trait_order([transcript])
    row, bar_x, bar_width = 34, 240, 290
    bars = []
    for i, trait in enumerate(order):
        value = transcript.ratings.get(trait)
        title = transcript.trait_title(trait)
        if value is None:
            state = "skipped" if _passed(transcript, order, trait) else "not rated yet"
            width = 0.0
            label = ""
        else:
            state = "rated"
            width = round(bar_width * min(max(value, 0), top) / top, 1)
            label = _understood(transcript, trait, value)
        bars.append(
            _Bar(title, _shorten(title, 26), value, state, _shorten(label, 34), label,
                 8 + i * row, width)
        )  # fmt: skip
    ticks = tuple((v, round(bar_x + bar_width * v / top, 1)) for v in range(1, top + 1))
    height = 8 + len(bars) * row + 18
    return _Chart(tuple(bars), top, 780, height, bar_x, bar_width, row, ticks)


def _conversation(
    transcript: Transcript, notes: Sequence[NoteLike]
) -> tuple[list[_Line], list[NoteLike]]:
    """The turns with a heading where a trait begins, each turn's notes beside it; notes on
    the session (or on a turn that is not in the file) come back apart."""
    numbers = {turn.n for turn in transcript.turns}
    on_turn: dict[int, list[NoteLike]] = {}
    loose: list[NoteLike] = []
    for note in notes:
        if note.turn is not None and note.turn in numbers:
            on_turn.setdefault(note.turn, []).append(note)
        else:
            loose.append(note)
    lines: list[_Line] = []
    trait: str | None = None
    for turn in transcript.turns:
        if turn.trait and turn.trait != trait:
            lines.append(_Line(transcript.trait_title(turn.trait), None))
        trait = turn.trait or trait
        lines.append(_Line("", turn, tuple(on_turn.get(turn.n, ()))))
    return lines, loose


_KINDS = frozenset(
    ("statement", "question", "probe", "confirm", "due", "retry", "answer", "skip", "back",
     "rejected")
)  # fmt: skip


def _kind_class(kind: str) -> str:
    """A turn's kind as a CSS class: the kinds docs/transcripts.md names, `other` for any
    other (a hand-edited file's kind is shown nowhere in markup)."""
    return kind if kind in _KINDS else "other"


def _finalize(value: Any) -> Any:
    """Every `{{ }}` ends here before autoescaping: text loses its control characters and
    bidi overrides (shown as visible escapes); markup our own macros made passes through."""
    if isinstance(value, Markup) or not isinstance(value, str):
        return value
    return printable(value)


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("coach.report", "templates"),
        undefined=StrictUndefined,
        autoescape=True,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = _when
    env.filters["day"] = _day
    env.filters["kind"] = _kind_class
    env.filters["together"] = _together
    return env


# -- the reports -------------------------------------------------------------------------


def transcript_html(
    transcript: Transcript,
    notes: Sequence[NoteLike] | None = None,
    *,
    today: date | None = None,
    top: int = 5,
) -> str:
    """One session as a self-contained, printable HTML page.

    Args:
        transcript: The session, read whole (its turns are the conversation).
        notes: The coach's notes to include; None or empty leaves them out (notes are in an
            export only when asked for).
        today: Open action items due before this day are marked overdue; None marks none.
        top: The top of the rating scale the bars are drawn against (the stock packs rate
            1 to 5; a rating above it fills its bar and still shows its number).

    Returns:
        The whole HTML document.
    """
    lines, loose = _conversation(transcript, notes or ())
    return (
        _environment()
        .get_template("transcript.html.j2")
        .render(
            t=transcript,
            chart=_chart(transcript, max(1, top)),
            items=_items(transcript, today),
            lines=lines,
            session_notes=loose,
            with_notes=bool(notes),
            today=today.isoformat() if today else "",
        )
    )


def _xs(count: int, geometry: Mapping[str, int]) -> list[float]:
    """Where each session sits along a trend chart, oldest at the left."""
    left, right = geometry["left"], geometry["right"]
    if count == 1:
        return [(left + right) / 2]
    return [round(left + (right - left) * i / (count - 1), 1) for i in range(count)]


def _y(value: int, top: int, geometry: Mapping[str, int]) -> float:
    upper, lower = geometry["upper"], geometry["lower"]
    shown = min(max(value, 1), top)
    return round(lower - (lower - upper) * (shown - 1) / max(1, top - 1), 1)


def _trend(
    trait: str, title: str, sessions: Sequence[Transcript], top: int, geometry: Mapping[str, int]
) -> _Trend:
    points: list[_Point] = []
    segments: list[str] = []
    run: list[str] = []
    for x, t in zip(_xs(len(sessions), geometry), sessions, strict=True):
        value = t.ratings.get(trait)
        if value is None:
            if run:
                segments.append(" ".join(run))
            run = []
            continue
        y = _y(value, top, geometry)
        points.append(_Point(x, y, value, t.id, _short_day(t.started_at)))
        run.append(f"{x:.1f},{y:.1f}")
    if run:
        segments.append(" ".join(run))
    latest = f"{points[-1].value}/{top} on {points[-1].when}" if points else "never rated"
    change = ""
    if len(points) >= 2:
        before = points[-2]
        delta = points[-1].value - before.value
        change = f"same as {before.when}" if delta == 0 else f"{delta:+d} since {before.when}"
    return _Trend(title, tuple(points), tuple(segments), latest, change)


def history_html(transcripts: Sequence[Transcript], today: date, *, top: int = 5) -> str:
    """A leader's sessions as one self-contained, printable HTML report: each trait's rating
    over the sessions (small multiples), the loyalty trait of each session, and how the
    action items went (done, open, dropped, and the open ones past due on `today`).

    Args:
        transcripts: The leader's sessions, in any order (shown oldest first); headers are
            enough, the conversation is not used.
        today: The day overdue is counted from.
        top: The top of the rating scale.

    Returns:
        The whole HTML document.
    """
    top = max(1, top)
    sessions = sorted(transcripts, key=lambda t: (t.started_at, t.id))
    titles: dict[str, str] = {}
    for t in sessions:  # the newest session's titles win
        titles.update({trait: t.trait_title(trait) for trait in _trait_order([t])})
    geometry = {"width": 260, "height": 118, "left": 24, "right": 236, "upper": 16, "lower": 90}
    trends = [
        _trend(trait, titles[trait], sessions, top, geometry) for trait in _trait_order(sessions)
    ]
    ticks = [(v, _y(v, top, geometry)) for v in range(1, top + 1)]
    rows: list[_SessionRow] = []
    overdue: list[_Overdue] = []
    totals = {"done": 0, "open": 0, "dropped": 0}
    for t in sessions:
        counts = {"done": 0, "open": 0, "dropped": 0}
        late = 0
        for row in _items(t, today):
            counts[row.item.status] = counts.get(row.item.status, 0) + 1
            days = _overdue(row.item, today)
            if days:
                late += 1
                overdue.append(_Overdue(t.id, _when(t.started_at), row, days))
        for status, n in counts.items():
            totals[status] = totals.get(status, 0) + n
        loyalty = t.loyalty_title
        rows.append(
            _SessionRow(t, _when(t.started_at), loyalty, counts["done"], counts["open"],
                        counts["dropped"], late)
        )  # fmt: skip
    overdue.sort(key=lambda o: (-o.days, o.session, o.row.item.id))
    names = sorted({t.participant for t in sessions if t.participant})
    leader = names[0] if len(names) == 1 else (", ".join(names) if names else "")
    # Every session's date under the charts while they fit; the first and last beyond that.
    xs = _xs(len(sessions), geometry)
    every = len(sessions) <= 6
    labels = [
        (x, _short_day(t.started_at))
        for i, (x, t) in enumerate(zip(xs, sessions, strict=True))
        if every or i in (0, len(sessions) - 1)
    ]
    return (
        _environment()
        .get_template("history.html.j2")
        .render(
            leader=leader,
            sessions=sessions,
            rows=rows,
            trends=trends,
            ticks=ticks,
            geometry=geometry,
            labels=labels,
            top=top,
            totals=totals,
            overdue=overdue,
            today=today.isoformat(),
            today_words=_day(today.isoformat()),
        )
    )
