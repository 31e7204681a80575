"""The words the engine matches, with English built in and every list overridable by a pack."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TEXTMATCH_KEYS = (
    "negations", "clause_breaks", "subjects", "past_words", "past_endings", "not_events",
    "not_names", "when_words",
)  # fmt: skip
"""Lexicon lists for negation and concreteness; unset, the English ones in textmatch.py."""

ENGLISH: dict[str, Any] = {
    "hedges": [],
    # Words that say nothing on their own: a commitment made only of these (and hedges and a
    # timeframe) is no commitment ("ok", "idk", "no", "I'll do it by Friday").
    "fillers": [
        "ok",
        "okay",
        "k",
        "kk",
        "yes",
        "yeah",
        "yep",
        "yup",
        "no",
        "nope",
        "nah",
        "sure",
        "fine",
        "whatever",
        "nothing",
        "none",
        "pass",
        "dunno",
        "idk",
        "na",
        "n/a",
        "hmm",
        "um",
        "uh",
        "well",
        "not sure",
        "no idea",
        "don't know",
        "dont know",
        "i",
        "i'll",
        "ill",
        "i will",
        "will",
        "do",
        "it",
        "that",
        "this",
        "something",
        "stuff",
        "the",
        "a",
        "then",
        "same",
        "again",
        "more",
        "of",
        "course",
        "maybe",
        "good",
        "question",
        "?",
    ],
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
        "this_week": [
            "this week",
            "end of the week",
            "end of week",
            "eow",
            "by the weekend",
            "the weekend",
            "this weekend",
        ],
        "next_week": ["next week", "end of next week", "the end of next week"],
        "end_of_month": ["end of the month", "end of month", "this month", "eom"],
        "next_month": ["next month", "end of next month"],
        "end_of_quarter": ["end of the quarter", "end of quarter", "this quarter", "eoq"],
        "end_of": ["end of", "the end of"],  # before a month's name: "end of January"
        "in": ["in", "within"],
        "a": ["a", "an", "one"],
        "next": ["next"],
        "by": ["by", "before", "until", "till", "due", "no later than"],
        "day": ["day", "days"],
        "week": ["week", "weeks", "fortnight"],
        "month": ["month", "months"],
    },
    # "in a couple of weeks": amounts that are not ratings or concrete numbers
    "amounts": {"couple": 2, "couple of": 2, "pair of": 2, "few": 3, "several": 3},
    # a holiday as the day it makes a thing due ("before Christmas": 24 Dec), as MM-DD
    "holidays": {
        "christmas": "12-24",
        "xmas": "12-24",
        "christmas eve": "12-24",
        "new year": "12-31",
        "new year's": "12-31",
        "new years": "12-31",
        "new year's eve": "12-31",
        "end of the year": "12-31",
        "end of year": "12-31",
        "year end": "12-31",
        "eoy": "12-31",
    },
    # "12/15": month first (md) or day first (dm); a part above 12 decides either way
    "date_order": "md",
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
        "im": "you're",
        "ive": "you've",
    },
    # Verbs that change with the person, after a reflected subject ("I was" -> "you were") or
    # before it ("am I" -> "are you"); elsewhere they stay ("at 9 am").
    "reflect_verbs": {
        "am": "are",
        "was": "were",
        "wasn't": "weren't",
        "wasnt": "werent",
        "ain't": "aren't",
    },
    "reflect_subjects": ["i"],
    # Words that may stand between a subject and its verb ("I really was"); "-ly" words too.
    "reflect_adverbs": ["never", "just", "always", "also", "still", "even", "only", "not", "so"],
    # How an offered suggestion is accepted or declined, beside its options' own labels.
    "agree": [
        "yes",
        "y",
        "yeah",
        "yep",
        "yup",
        "sure",
        "ok",
        "okay",
        "please",
        "sounds good",
        "good idea",
        "why not",
        "definitely",
        "absolutely",
        "let's do it",
        "go on",
    ],
    "decline": [
        "no",
        "n",
        "nope",
        "nah",
        "no thanks",
        "not now",
        "not really",
        "pass",
        "leave it",
        "skip it",
    ],
    # The words `contains: {unless_negated}` and `concrete` read (textmatch.py holds the
    # English ones): None here means English; a pack's own list replaces it.
    **{key: None for key in TEXTMATCH_KEYS},
}


@dataclass(frozen=True, slots=True, eq=False)
class Lexicon:
    """A pack's effective word lists: the English defaults with the pack's overrides on top.

    Compared by identity, so compiled patterns can be cached per lexicon."""

    hedges: tuple[str, ...]
    fillers: tuple[str, ...]
    numbers: Mapping[str, int]
    weekdays: tuple[str, ...]
    months: tuple[str, ...]
    relative: Mapping[str, tuple[str, ...]]
    reflect: Mapping[str, str]
    reflect_verbs: Mapping[str, str]
    reflect_subjects: tuple[str, ...]
    reflect_adverbs: tuple[str, ...]
    amounts: Mapping[str, int]
    holidays: Mapping[str, tuple[int, int]]
    date_order: str
    agree: tuple[str, ...] = ()
    decline: tuple[str, ...] = ()
    negations: tuple[str, ...] | None = None  # None: the English words (textmatch.py)
    clause_breaks: tuple[str, ...] | None = None
    subjects: tuple[str, ...] | None = None
    past_words: tuple[str, ...] | None = None
    past_endings: tuple[str, ...] | None = None
    not_events: tuple[str, ...] | None = None
    not_names: tuple[str, ...] | None = None
    when_words: tuple[str, ...] | None = None

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
            fillers=tuple(str(h).casefold() for h in merged["fillers"]),
            numbers={str(k).casefold(): int(v) for k, v in merged["numbers"].items()},
            weekdays=tuple(str(d).casefold() for d in merged["weekdays"]),
            months=tuple(str(m).casefold() for m in merged["months"]),
            relative=relative,
            reflect={str(k).casefold(): str(v) for k, v in merged["reflect"].items()},
            reflect_verbs={str(k).casefold(): str(v) for k, v in merged["reflect_verbs"].items()},
            reflect_subjects=tuple(str(w).casefold() for w in merged["reflect_subjects"]),
            reflect_adverbs=tuple(str(w).casefold() for w in merged["reflect_adverbs"]),
            amounts={str(k).casefold(): int(v) for k, v in merged["amounts"].items()},
            holidays={str(k).casefold(): month_day(str(v)) for k, v in merged["holidays"].items()},
            date_order=str(merged["date_order"]),
            agree=tuple(str(w).casefold() for w in merged["agree"]),
            decline=tuple(str(w).casefold() for w in merged["decline"]),
            **{
                key: None if merged[key] is None else tuple(str(w).casefold() for w in merged[key])
                for key in TEXTMATCH_KEYS
            },
        )


def month_day(text: str) -> tuple[int, int]:
    """A holiday's "MM-DD" as (month, day); ValueError when it is not one."""
    month, _, day = text.partition("-")
    result = int(month), int(day)
    if not (1 <= result[0] <= 12 and 1 <= result[1] <= 31):
        raise ValueError(f"'{text}' is not a month and day as MM-DD")
    return result


DEFAULT = Lexicon.build()
