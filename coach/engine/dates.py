"""Due dates from the leader's own words, relative to the session's clock.

"by Friday", "next week", "in 3 weeks", "in a couple of weeks", "end of month", "12 Dec",
"Dec 12", "12/15", "the 10th", "before Christmas", "2026-12-12". Every word comes from the
pack's lexicon, so a translated pack brings its own; a word one typing slip away from a
lexicon date word ("nxt week", "tomorow", "fridy") is read as that word (`correct`).

The rules a person expects (docs/packs.md, "Due dates"):

- **The due phrase is the one that belongs to the action.** When a sentence names several
  timeframes ("ask each rep in the Monday meeting … and credit them by name in 2 weeks"),
  the phrases introduced by a due word (the lexicon's `relative.by`: "by", "before",
  "until", …) or by `relative.in` ("in 2 weeks", "within a month") win over bare ones, and
  among those the last one wins; with none introduced, the last phrase wins.
- **Weekends.** "this week", "by the end of the week", "by the weekend" mean the end of the
  working week (Friday); said on a Saturday or Sunday, the coming week's Friday, never today.
- **A date already past is never rolled a year on silently.** A day and month without a year
  is the next one to come only when that is less than half a year away ("3 Jan" said on
  28 Nov is next January); otherwise ("12 Dec" said on 19 Dec) it is a date that has passed:
  `read_due` says so (`Due.past`) and `parse_due` gives None, so the dialogue asks.
  "the 10th" said after the 10th is next month's 10th, as people mean it.

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
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, timedelta
from functools import lru_cache

from coach.engine.lexicon import Lexicon
from coach.engine.textmatch import normalise

WORKWEEK_END = 4  # Friday: "this week" means by the end of the working week
WEEKEND = 5  # Saturday: from here "this week" means the coming week
HORIZON_DAYS = 3653  # ten years: a due date further ahead is not one
DEFAULT_DAYS = 14  # the due date when nothing else gives one
MAX_DIGITS = 5  # "in 12345 days" is read (and is past the horizon); longer numbers are not
MARK_REACH = 40  # characters before a phrase looked at for its due word ("by", "before")
CORRECT_UP_TO = 1_000  # typos are corrected in texts up to this long (a commitment is short)
ROLL_DAYS = 183  # a day and month without a year: next year's only if this close
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")


@dataclass(frozen=True, slots=True)
class Due:
    """A timeframe found in the leader's words: the date, the words that said it (as
    understood, typos corrected), and whether that date has already passed."""

    when: date
    words: str
    past: bool = False


def _alt(words: tuple[str, ...]) -> str:
    ordered = sorted(set(words), key=len, reverse=True)
    return "|".join(r"\s+".join(re.escape(p) for p in w.split()) for w in ordered if w.strip())


@lru_cache(maxsize=16)
def _patterns(lexicon: Lexicon) -> dict[str, re.Pattern[str]]:
    rel = lexicon.relative
    months = [(m, m[:3]) for m in lexicon.months]
    month_words = _alt(tuple(w for pair in months for w in pair))
    qty = _alt(tuple(lexicon.numbers) + tuple(lexicon.amounts) + rel.get("a", ()))
    units = _alt(rel["day"] + rel["week"] + rel["month"])
    a = _alt(rel.get("a", ()) or ("a",))
    b, e = r"(?<![\w])", r"(?![\w])"
    sep = r"[/.]" if lexicon.date_order == "dm" else r"/"
    patterns = {
        "iso": re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"),
        "numeric": re.compile(
            rf"(?<![\d/.])(\d{{1,2}}){sep}(\d{{1,2}})(?:{sep}(\d{{4}}|\d{{2}}))?\.?(?![\d/]|\.\d)"
        ),
        "day_month": re.compile(
            rf"{b}(\d{{1,2}})(?:st|nd|rd|th|\.)?\s+(?:of\s+)?({month_words})\.?"
            rf"(?:\s+(\d{{4}}))?{e}"
        ),
        "month_day": re.compile(
            rf"{b}({month_words})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?{e}"
        ),
        "month_end": re.compile(
            rf"{b}(?:{_alt(rel.get('end_of', ()) or ('end of',))})\s+({month_words})\.?"
            rf"(?:\s+(\d{{4}}))?{e}"
        ),
        "ordinal": re.compile(
            rf"{b}(?:the\s+)?(\d{{1,2}})(?:st|nd|rd|th){e}(?!\s+(?:of\s+)?(?:{month_words}){e})"
        ),
        "in_n": re.compile(
            rf"{b}(?:{_alt(rel['in'])})\s+(?:the\s+next\s+)?(?:(?:{a})\s+)?(\d+|{qty})"
            rf"\s+(?:of\s+)?({units}){e}"
        ),
        "bare_unit": re.compile(rf"{b}(?:{_alt(rel['in'])})\s+(?:(?:{a})\s+)?({units}){e}"),
        "weekday": re.compile(
            rf"{b}(?:({_alt(rel['next'])})\s+)?({_alt(lexicon.weekdays)})"
            rf"(?:\s+({_alt(rel.get('next_week', ()) or ('next week',))}))?{e}"
        ),
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
    if lexicon.holidays:
        patterns["holiday"] = re.compile(rf"{b}(?:the\s+)?({_alt(tuple(lexicon.holidays))}){e}")
    if rel.get("by"):
        patterns["by"] = re.compile(rf"{b}(?:{_alt(rel['by'])})(?:\s+the)?\s*$")
    return patterns


@lru_cache(maxsize=16)
def _vocabulary(lexicon: Lexicon) -> frozenset[str]:
    """The single words of the lexicon's date phrases, which are never corrected; the
    targets of a correction are those of four letters or more (`_correction`)."""
    words: set[str] = set(lexicon.weekdays) | set(lexicon.months)
    words.update(m[:3] for m in lexicon.months)
    for phrases in lexicon.relative.values():
        for phrase in phrases:
            words.update(phrase.split())
    for phrase in lexicon.holidays:
        words.update(phrase.split())
    return frozenset(w for w in words if w.isalpha())


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (adjacent swaps count one), or limit + 1 past it."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = ca != cb
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return previous[-1]


def _near(token: str, target: str) -> bool:
    """Whether `token` is one typing slip from `target`, strictly enough that real words stay
    themselves: a dropped letter or a swap at any length ("nxt", "tomorow"), a wrong or an
    extra letter from five letters ("fridy", "nexxt"), two slips only for long words
    ("wensday", "tommorow")."""
    if len(target) >= 8 and _distance(token, target, 2) <= 2:
        return True
    if _distance(token, target, 1) != 1:
        return False
    if len(token) == len(target) - 1:
        return True  # a letter dropped
    if len(token) == len(target) and sorted(token) == sorted(target):
        return True  # two letters swapped
    return len(token) >= 5


@lru_cache(maxsize=4096)
def _correction(token: str, lexicon: Lexicon) -> str | None:
    vocabulary = _vocabulary(lexicon)
    if len(token) < 3 or token in vocabulary:
        return None
    months = set(lexicon.months)
    skip = set(lexicon.relative.get("in", ())) | set(lexicon.relative.get("a", ()))
    skip.update(lexicon.relative.get("by", ()))
    hits = {
        w
        for w in vocabulary
        if len(w) >= 4
        and w not in skip
        and _near(token, w)
        and not (w in months and len(token) < 5)
    }
    return hits.pop() if len(hits) == 1 else None


def correct(text: str, lexicon: Lexicon) -> str:
    """`text` (already normalised) with each word one slip from a lexicon date word replaced
    by it: "nxt week" → "next week", "tomorow" → "tomorrow". Other words stay as typed."""
    return _WORD.sub(lambda m: _correction(m.group(0), lexicon) or m.group(0), text)


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


def _dated(today: date, month: int, day: int, year: str | None) -> tuple[date, bool] | None:
    """A day and month (and maybe a year) as a date and whether it has passed.

    Without a year: this year's, or next year's when this year's has passed and next year's
    is less than `ROLL_DAYS` away; otherwise this year's, past."""
    try:
        if year:
            number = int(year) + (2000 if len(year) == 2 else 0)
            when = date(number, month, day)
            return when, when < today
        candidate = date(today.year, month, day)
        if candidate >= today:
            return candidate, False
        if today.year < MAXYEAR:
            following = date(today.year + 1, month, day)
            if (following - today).days < ROLL_DAYS:
                return following, False
        return candidate, True
    except ValueError:
        return None


def _ordinal(today: date, day: int) -> date | None:
    """ "the 10th": this month's, or next month's once this month's has gone by."""
    for ahead in (0, 1, 2):
        start = _add_months(today.replace(day=1), ahead)
        if start is None:
            return None
        if day <= calendar.monthrange(start.year, start.month)[1]:
            when = start.replace(day=day)
            if when >= today:
                return when
    return None


def _week_end(today: date, weeks_ahead: int) -> date | None:
    """Friday of this week (`weeks_ahead` 0) or a later one; at the weekend, of the coming."""
    if today.weekday() >= WEEKEND:
        weeks_ahead += 1
    return _plus(today, 7 * weeks_ahead + WORKWEEK_END - today.weekday())


def read_due(text: str, today: date, lexicon: Lexicon) -> Due | None:
    """The timeframe in `text` that belongs to the action (see the module's rules).

    Returns None when the text names no timeframe, or only one past the horizon (ten years)
    or the calendar's end; a `Due` with `past` set when the date it names has gone by.
    """
    folded = normalise(text)
    if len(folded) != len(text):  # exotic case-folding; positions would not line up
        text = folded
    fixed = correct(folded, lexicon) if len(folded) <= CORRECT_UP_TO else folded
    if fixed != folded:
        text = folded = fixed
    found: list[tuple[int, int, date, bool, bool]] = []  # start, end, when, past, marked
    horizon = _plus(today, HORIZON_DAYS) or date.max
    p = _patterns(lexicon)
    by = p.get("by")

    def add(
        match: re.Match[str], when: date | None, past: bool = False, marked: bool = False
    ) -> None:
        if when is None or when > horizon:
            return
        if not marked and by is not None:
            marked = (
                by.search(folded, max(0, match.start() - MARK_REACH), match.start()) is not None
            )
        found.append((match.start(), match.end(), when, past, marked))

    def add_day(match: re.Match[str], dated: tuple[date, bool] | None) -> None:
        if dated is not None:
            add(match, dated[0], dated[1])

    for m in p["iso"].finditer(folded):
        try:
            when = date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            continue
        add(m, when, when < today)
    for m in p["numeric"].finditer(folded):
        first, second = int(m[1]), int(m[2])
        month, day = (second, first) if lexicon.date_order == "dm" else (first, second)
        if month > 12 >= day:
            month, day = day, month
        if 1 <= month <= 12:
            add_day(m, _dated(today, month, day, m[3]))
    for m in p["day_month"].finditer(folded):
        add_day(m, _dated(today, _month_index(m[2], lexicon), int(m[1]), m[3]))
    for m in p["month_day"].finditer(folded):
        add_day(m, _dated(today, _month_index(m[1], lexicon), int(m[2]), m[3]))
    for m in p["month_end"].finditer(folded):  # "end of January": its last day
        which = _month_index(m[1], lexicon)
        opening = _dated(today, which, 1, m[2])
        if opening is not None:
            year = opening[0].year
            last = date(year, which, calendar.monthrange(year, which)[1])
            add(m, last, last < today)
    for m in p["ordinal"].finditer(folded):
        add(m, _ordinal(today, int(m[1])))
    for m in p["in_n"].finditer(folded):
        raw = m[1]
        if raw.isdigit() and len(raw) > MAX_DIGITS:
            continue  # "in 99999999 days": far past the horizon, and no date
        amount = lexicon.numbers.get(raw, lexicon.amounts.get(raw, 1))
        n = int(raw) if raw.isdigit() else amount
        add(m, _offset(today, n, m[2], lexicon), marked=True)
    for m in p["bare_unit"].finditer(folded):
        add(m, _offset(today, 1, m[1], lexicon), marked=True)
    for m in p["weekday"].finditer(folded):
        target = lexicon.weekdays.index(m[2])
        if m[1] or m[3]:  # "next friday", "friday next week": the one in next week
            add(m, _plus(today, 7 - today.weekday() + target))
        else:
            add(m, _plus(today, (target - today.weekday()) % 7 or 7))
    if "holiday" in p:
        for m in p["holiday"].finditer(folded):
            month, day = lexicon.holidays[m[1]]
            add_day(m, _dated(today, month, day, None))
    simple: dict[str, Callable[[], date | None]] = {
        "today": lambda: today,
        "tomorrow": lambda: _plus(today, 1),
        "this_week": lambda: _week_end(today, 0),
        "next_week": lambda: (
            _week_end(today, 1) if today.weekday() < WEEKEND else _week_end(today, 0)
        ),
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
    # A phrase inside a longer one at the same place ("friday" in "friday next week") is
    # part of it: drop it. Then a marked phrase beats a bare one, and the last one wins.
    found.sort(key=lambda f: (f[0], -f[1]))
    kept: list[tuple[int, int, date, bool, bool]] = []
    for item in found:
        if kept and item[0] < kept[-1][1]:
            continue
        kept.append(item)
    start, end, when, past, _ = max(kept, key=lambda f: (f[4], f[0]))
    return Due(when, text[start:end].strip(), past)


def prepare(lexicon: Lexicon) -> None:
    """Build what reading a date in this lexicon needs (its patterns, its vocabulary) now,
    ahead of the first answer that names one: built there, it cost that answer ~4 ms."""
    read_due("by friday next week", date(2000, 1, 3), lexicon)


def parse_due(text: str, today: date, lexicon: Lexicon) -> tuple[date, str] | None:
    """The due date in `text` on or after `today`, with the words that said it.

    Returns None when the text names no timeframe, only one past the horizon (ten years) or
    the calendar's end, or a date that has already passed: the dialogue then asks once.
    """
    found = read_due(text, today, lexicon)
    if found is None or found.past:
        return None
    return found.when, found.words


def _offset(today: date, n: int, unit: str, lexicon: Lexicon) -> date | None:
    rel = lexicon.relative
    if unit in rel["day"]:
        return _plus(today, n)
    if unit in rel["week"]:
        return _plus(today, 7 * n * (2 if unit == "fortnight" else 1))
    return _add_months(today, n)
