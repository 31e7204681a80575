"""Matching the leader's words: word counts, keyword and hedge search, ratings and choices."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from functools import lru_cache

from coach.engine.lexicon import Lexicon

_WORD = re.compile(r"\w+(?:['’]\w+)*")


def normalise(text: str) -> str:
    """Case-folded text with typographic apostrophes made plain, for matching only."""
    return text.casefold().replace("’", "'")


def word_count(text: str) -> int:
    """Words in `text`, as the probes' `words_below` counts them."""
    return len(_WORD.findall(text))


@lru_cache(maxsize=1024)
def phrase_regex(phrases: tuple[str, ...], prefix: bool) -> re.Pattern[str] | None:
    """One alternation for a list of words/phrases, matched as whole words.

    With `prefix`, the last word of a phrase also matches its longer forms (`tell` matches
    `telling`), which is what pack authors expect of keywords; hedges match exactly.
    """
    parts = []
    for phrase in sorted(
        {normalise(p).strip() for p in phrases if p.strip()}, key=len, reverse=True
    ):
        body = r"\s+".join(re.escape(w) for w in phrase.split())
        parts.append(body + (r"\w*" if prefix else ""))
    if not parts:
        return None
    return re.compile(r"(?<![\w'])(?:" + "|".join(parts) + r")(?![\w'])")


def find_phrase(text: str, phrases: Sequence[str], *, prefix: bool = True) -> str | None:
    """The first of `phrases` found in `text` (as the leader wrote it), or None."""
    pattern = phrase_regex(tuple(phrases), prefix)
    if pattern is None:
        return None
    match = pattern.search(normalise(text))
    if match is None:
        return None
    # normalise() keeps length except for exotic case-folds; fall back to the folded text.
    folded = normalise(text)
    if len(folded) == len(text):
        return text[match.start() : match.end()]
    return match.group(0)


def count_phrases(text: str, phrases: Sequence[str]) -> int:
    """How many times any of `phrases` occurs in `text` (keyword hits for classification)."""
    pattern = phrase_regex(tuple(phrases), True)
    if pattern is None:
        return 0
    return sum(1 for _ in pattern.finditer(normalise(text)))


_RATING = re.compile(
    r"^\s*(?P<n>[+-]?\d+(?:[.,]\d+)?)\s*(?:(?:/|out\s+of|of)\s*\d+)?(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def parse_number(text: str, lexicon: Lexicon) -> float | None:
    """The number a rating answer starts with: "4", " 4 ", "four", "4/5", "4 - mostly".

    Returns None when the answer does not start with exactly one number, so "3 or 4" and
    "between 2 and 3" are asked again rather than guessed.
    """
    match = _RATING.match(text)
    if match:
        rest = match.group("rest")
        if re.search(r"\d", rest):
            return None
        number = float(match.group("n").replace(",", "."))
        # "999...9" (400 digits) is infinity as a float: no scale has it, and int() of it fails.
        return number if math.isfinite(number) else None
    words = _WORD.findall(normalise(text))
    if not words:
        return None
    value = lexicon.numbers.get(words[0])
    if value is None:
        return None
    if any(w in lexicon.numbers or w.isdigit() for w in words[1:] if w not in ("of", "out")):
        # "four out of five" is fine; "four or five" is not one answer.
        tail = [w for w in words[1:] if w in lexicon.numbers or w.isdigit()]
        if not ("out" in words or "of" in words) or len(tail) > 1:
            return None
    return float(value)


def match_choice(text: str, labels: Sequence[tuple[str, str]]) -> list[int]:
    """Indexes of the options an answer picks: by number, id, label, or a unique prefix.

    Args:
        text: what the leader typed.
        labels: (id, label) per option, in display order.

    Returns:
        One index when the answer is clear, several when it is ambiguous, none otherwise.
    """
    answer = normalise(text).strip().rstrip(".!)")
    if not answer:
        return []
    if answer.isdecimal():  # not isdigit(): int("²") fails; and 5,000 digits are no option
        index = int(answer) - 1 if len(answer) <= 6 else -1
        return [index] if 0 <= index < len(labels) else []
    for i, (option_id, label) in enumerate(labels):
        if answer in (normalise(option_id), normalise(label)):
            return [i]
    return [
        i
        for i, (option_id, label) in enumerate(labels)
        if normalise(label).startswith(answer) or normalise(option_id).startswith(answer)
    ]


def reflect(text: str, lexicon: Lexicon) -> str:
    """Turn the leader's first person into the coach's second: "I told my team" → "you told
    your team". Only whole words change; everything else is kept as typed."""

    def swap(match: re.Match[str]) -> str:
        word = match.group(0)
        replacement = lexicon.reflect.get(normalise(word))
        if replacement is None:
            return word
        if word.isupper() and len(word) > 1:
            return replacement.upper()
        if word[0].isupper() and replacement[0].islower() and match.start() == 0:
            return replacement[0].upper() + replacement[1:]
        return replacement

    return _WORD.sub(swap, text)


def excerpt(text: str, words: int = 12) -> str:
    """The first `words` words of `text`, with an ellipsis when something was cut."""
    kept: list[int] = []
    for i, match in enumerate(_WORD.finditer(text)):
        if i == words:
            return text[: kept[-1]].rstrip(" ,;:-") + "…"
        kept.append(match.end())
    return text.strip()
