"""Due dates from the leader's own words, relative to the session's clock.

"by Friday", "next week", "in 3 weeks", "end of month", "12 Dec", "Dec 12", "2026-12-12".
Every word comes from the pack's lexicon, so a translated pack brings its own.

Numbers are bounded: a timeframe more than `HORIZON_DAYS` (ten years) ahead, such as
"in 99999999 days", is not a due date, exactly as if no timeframe had been named (the
dialogue then asks "by when?" once, then takes the step's default). Every sum of dates is
checked, so a clock at the end of the calendar (9999-12-31) or its start never overflows:
a date past 9999-12-31 is no date, and the default due date stops at the calendar's end.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import MAXYEAR, MINYEAR, date, timedelta
from functools import lru_cache

from coach.engine.lexicon import Lexicon
from coach.engine.textmatch import normalise

WORKWEEK_END = 4  # Friday: "this week" means by the end of the working week
HORIZON_DAYS = 3653  # ten years: a due date further ahead is not one
DEFAULT_DAYS = 14  # the due date when nothing else gives one
MAX_DIGITS = 5  # "in 12345 days" is read (and is past the horizon); longer numbers are not


def _alt(words: tuple[str, ...]) -> str:
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in ordered)


@lru_cache(maxsize=16)
def _patterns(lexicon: Lexicon) -> dict[str, re.Pattern[str]]:
    rel = lexicon.relative
    months = [(m, m[:3]) for m in lexicon.months]
    month_words = tuple(w for pair in months for w in pair)
    qty = _alt(tuple(lexicon.numbers) + rel.get("a", ()))
    units = _alt(rel["day"] + rel["week"] + rel["month"])
    b, e = r"(?<![\w])", r"(?![\w])"
    return {
        "iso": re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"),
        "day_month": re.compile(
            rf"{b}(\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?:of\s+)?({_alt(month_words)})\.?"
            rf"(?:\s+(\d{{4}}))?{e}"
        ),
        "month_day": re.compile(
            rf"{b}({_alt(month_words)})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?{e}"
        ),
        "in_n": re.compile(
            rf"{b}(?:{_alt(rel['in'])})\s+(?:the\s+next\s+)?(\d+|{qty})\s+({units}){e}"
        ),
        "bare_unit": re.compile(rf"{b}(?:{_alt(rel['in'])})\s+(?:a\s+)?({units}){e}"),
        "weekday": re.compile(rf"{b}(?:({_alt(rel['next'])})\s+)?({_alt(lexicon.weekdays)}){e}"),
        **{
            key: re.compile(rf"{b}(?:{_alt(rel[key])}){e}")
            for key in (
                "today",
                "tomorrow",
                "this_week",
                "next_week",
                "end_of_month",
                "next_month",
                "end_of_quarter",
            )
            if rel.get(key)
        },
    }


def _month_index(word: str, lexicon: Lexicon) -> int:
    word = word.rstrip(".")
    for i, name in enumerate(lexicon.months):
        if word in (name, name[:3]):
            return i + 1
    raise ValueError(word)  # pragma: no cover - the regex only matches known months


def _plus(day: date | None, days: int) -> date | None:
    """`day` plus `days`, or None past the calendar's end (or start)."""
    if day is None:
        return None
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return None


def default_due(today: date) -> date:
    """The due date when nothing gives one: two weeks on, or the calendar's last day."""
    return _plus(today, DEFAULT_DAYS) or date.max


def _end_of_month(day: date, months_ahead: int = 0) -> date | None:
    month = day.month - 1 + months_ahead
    year, month = day.year + month // 12, month % 12 + 1
    if not MINYEAR <= year <= MAXYEAR:
        return None
    return date(year, month, calendar.monthrange(year, month)[1])


def _add_months(day: date, n: int) -> date | None:
    month = day.month - 1 + n
    year, month = day.year + month // 12, month % 12 + 1
    if not MINYEAR <= year <= MAXYEAR:
        return None
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _future(today: date, month: int, day: int, year: str | None) -> date | None:
    try:
        if year:
            return date(int(year), month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def parse_due(text: str, today: date, lexicon: Lexicon) -> tuple[date, str] | None:
    """The first timeframe in `text` as a date on or after `today`, with the words that said it.

    Returns None when the text names no timeframe, or only one past the horizon (ten years)
    or the calendar's end: the dialogue then asks once.
    """
    folded = normalise(text)
    if len(folded) != len(text):  # exotic case-folding; positions would not line up
        text = folded
    found: list[tuple[int, date, str]] = []
    horizon = _plus(today, HORIZON_DAYS) or date.max

    def add(match: re.Match[str], when: date | None) -> None:
        if when is not None and when <= horizon:
            found.append((match.start(), when, text[match.start() : match.end()]))

    p = _patterns(lexicon)
    for m in p["iso"].finditer(folded):
        try:
            add(m, date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            continue
    for m in p["day_month"].finditer(folded):
        add(m, _future(today, _month_index(m[2], lexicon), int(m[1]), m[3]))
    for m in p["month_day"].finditer(folded):
        add(m, _future(today, _month_index(m[1], lexicon), int(m[2]), m[3]))
    for m in p["in_n"].finditer(folded):
        raw = m[1]
        if raw.isdigit() and len(raw) > MAX_DIGITS:
            continue  # "in 99999999 days": far past the horizon, and no date
        n = int(raw) if raw.isdigit() else lexicon.numbers.get(raw, 1)
        add(m, _offset(today, n, m[2], lexicon))
    for m in p["bare_unit"].finditer(folded):
        add(m, _offset(today, 1, m[1], lexicon))
    for m in p["weekday"].finditer(folded):
        names = lexicon.weekdays
        word = m[2]
        target = names.index(word)
        ahead = (target - today.weekday()) % 7 or 7
        if m[1]:  # "next friday": the one in next week
            add(m, _plus(today, 7 - today.weekday() + target))
        else:
            add(m, _plus(today, ahead))
    simple: dict[str, Callable[[], date | None]] = {
        "today": lambda: today,
        "tomorrow": lambda: _plus(today, 1),
        "this_week": lambda: _plus(today, max(0, WORKWEEK_END - today.weekday())),
        "next_week": lambda: _plus(today, 7 - today.weekday() + WORKWEEK_END),
        "end_of_month": lambda: _end_of_month(today),
        "next_month": lambda: _end_of_month(today, 1),
        "end_of_quarter": lambda: _end_of_month(today, (2 - (today.month - 1) % 3)),
    }
    for key, compute in simple.items():
        if key in p:
            for m in p[key].finditer(folded):
                add(m, compute())
    if not found:
        return None
    # The earliest mention wins; a longer phrase at the same place beats a shorter one.
    found.sort(key=lambda f: (f[0], -len(f[2])))
    _, when, words = found[0]
    return when, words.strip()


def _offset(today: date, n: int, unit: str, lexicon: Lexicon) -> date | None:
    rel = lexicon.relative
    if unit in rel["day"]:
        return _plus(today, n)
    if unit in rel["week"]:
        return _plus(today, 7 * n * (2 if unit == "fortnight" else 1))
    return _add_months(today, n)
