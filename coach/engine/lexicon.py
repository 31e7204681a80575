"""The words the engine matches, with English built in and every list overridable by a pack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

ENGLISH: dict[str, Any] = {
    "hedges": [],
    "numbers": {
        "zero": 0,
        "one": 1,
        "two": 2,
        "three": 3,
        "four": 4,
        "five": 5,
        "six": 6,
        "seven": 7,
        "eight": 8,
        "nine": 9,
        "ten": 10,
    },
    "weekdays": ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"],
    "months": [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ],
    "relative": {
        "today": ["today", "tonight", "end of day", "end of the day", "eod"],
        "tomorrow": ["tomorrow"],
        "this_week": ["this week", "end of the week", "end of week", "eow", "by the weekend"],
        "next_week": ["next week"],
        "end_of_month": ["end of the month", "end of month", "this month", "eom"],
        "next_month": ["next month", "end of next month"],
        "end_of_quarter": ["end of the quarter", "end of quarter", "this quarter", "eoq"],
        "in": ["in", "within"],
        "a": ["a", "an", "one"],
        "next": ["next"],
        "day": ["day", "days"],
        "week": ["week", "weeks", "fortnight"],
        "month": ["month", "months"],
    },
    "reflect": {
        "i": "you",
        "me": "you",
        "my": "your",
        "mine": "yours",
        "myself": "yourself",
        "i'm": "you're",
        "i've": "you've",
        "i'll": "you'll",
        "i'd": "you'd",
        "am": "are",
    },
}


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """A pack's effective word lists: the English defaults with the pack's overrides on top.

    Compared by identity, so compiled patterns can be cached per lexicon."""

    hedges: tuple[str, ...]
    numbers: Mapping[str, int]
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    relative: Mapping[str, tuple[str, ...]]
    reflect: Mapping[str, str]

    @classmethod
    def build(cls, overrides: Mapping[str, Any] | None = None) -> Lexicon:
        """Merge a pack's `lexicon:` over the English defaults (lists replace, maps merge)."""
        merged: dict[str, Any] = {key: value for key, value in ENGLISH.items()}
        for key, value in (overrides or {}).items():
            if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
                merged[key] = {**merged[key], **value}
            else:
                merged[key] = value
        relative = {
            key: tuple(str(w).casefold() for w in (words if isinstance(words, list) else [words]))
            for key, words in merged["relative"].items()
        }
        return cls(
            hedges=tuple(str(h).casefold() for h in merged["hedges"]),
            numbers={str(k).casefold(): int(v) for k, v in merged["numbers"].items()},
            weekdays=tuple(str(d).casefold() for d in merged["weekdays"]),
            months=tuple(str(m).casefold() for m in merged["months"]),
            relative=relative,
            reflect={str(k).casefold(): str(v) for k, v in merged["reflect"].items()},
        )


DEFAULT = Lexicon.build()
