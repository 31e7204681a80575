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


_NUMBERS = re.compile(r"\d{1,6}(?:\s*(?:[,/&+]|\band\b|\bor\b|\s)\s*\d{1,6})+")


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
    if _NUMBERS.fullmatch(answer):  # "1 and 3": both, to be asked which (never a guess)
        picked = sorted({int(n) - 1 for n in re.findall(r"\d+", answer)})
        return picked if all(0 <= i < len(labels) for i in picked) else []
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


# -- negation and concrete detail ---------------------------------------------------------
#
# English defaults for the pack lexicon's `negations`, `clause_breaks`, `subjects`,
# `past_words`, `past_endings`, `not_events`, `not_names` and `when_words`; a lexicon that has
# its own list (a pack in another language) replaces the English one. Grammar words only: the
# engine still knows nothing of sales.

NEGATIONS = (
    "not", "never", "no", "nobody", "no one", "noone", "none", "nothing", "neither", "nor",
    "without", "hardly", "barely", "scarcely", "-n't", "dont", "doesnt", "didnt", "isnt",
    "wasnt", "werent", "arent", "wont", "cant", "cannot", "couldnt", "wouldnt", "shouldnt",
    "havent", "hasnt", "hadnt", "aint",
)  # fmt: skip
CLAUSE_BREAKS = (
    "but", "and", "though", "although", "however", "because", "cause", "except", "yet", "so",
    "while", "whereas", "then", "unless",
)  # fmt: skip
SUBJECTS = ("i", "we", "he", "she", "they", "you")
PAST_WORDS = (
    "ate", "became", "began", "bought", "brought", "built", "came", "caught", "chose", "drew",
    "drove", "fell", "felt", "fought", "found", "gave", "got", "grew", "heard", "held", "hit",
    "kept", "knew", "led", "left", "lent", "let", "lost", "made", "meant", "met", "paid", "put",
    "ran", "rang", "rode", "sat", "saw", "said", "sent", "set", "shook", "shut", "sold", "spent",
    "spoke", "stood", "stuck", "swore", "taught", "took", "thought", "threw", "told", "understood",
    "went", "woke", "won", "wrote",
)  # fmt: skip
PAST_ENDINGS = ("ed",)
NOT_EVENTS = ("used", "need", "needed", "supposed", "tired", "stressed", "interested")
NOT_NAMES = ("i", "i'm", "i've", "i'll", "i'd", "im", "ive", "ill", "id", "ok", "okay", "oh")
WHEN_WORDS = (
    "yesterday", "today", "tonight", "tomorrow", "this morning", "this afternoon",
    "last night", "last week", "last month", "last quarter", "last year", "ago",
    "earlier this week", "this week", "next week",
)  # fmt: skip
SIGNALS = ("name", "number", "date", "event")
NEGATION_WINDOW = 5  # words looked at before a keyword for a negation
EVENT_WORDS = 12  # an answer this long with a past event counts as concrete
_SENTENCE_END = re.compile(r"[.!?\n:;\"“”(]")
_CLAUSE_END = re.compile(r"[.!?\n:;,\"“”()—–]|\s-\s")


def lexicon_words(lexicon: Lexicon, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """The pack lexicon's list `key` if it has one, else the English `default`."""
    value = getattr(lexicon, key, None)
    if value is None:
        return default
    return tuple(normalise(str(w)) for w in value)


@lru_cache(maxsize=256)
def _word_set_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole-word alternation of `words`; an entry `-n't` matches any word ending in n't."""
    parts = []
    for word in sorted({normalise(w).strip() for w in words if w.strip()}, key=len, reverse=True):
        if word.startswith("-") and len(word) > 1:
            parts.append(r"\w+" + re.escape(word[1:]))
        else:
            parts.append(r"\s+".join(re.escape(w) for w in word.split()))
    if not parts:
        return None
    return re.compile(r"(?<![\w'])(?:" + "|".join(parts) + r")(?![\w'])")


def _clause_before(folded: str, start: int, window: int, breaks: frozenset[str]) -> str:
    """The text of up to `window` words before `start`, cut at the start of its clause."""
    head = folded[:start]
    cut = max((m.end() for m in _CLAUSE_END.finditer(head)), default=0)
    words = list(_WORD.finditer(head, cut))
    kept = words[-window:] if window > 0 else []
    begin = start
    for word in reversed(kept):
        if word.group(0) in breaks:
            break
        begin = word.start()
    return folded[begin:start]


def words_around(text: str, phrase: str, lexicon: Lexicon, before: int = 4, after: int = 7) -> str:
    """The words of `text` around `phrase` (found in it), within its clause: what a coach
    quotes back ("You said "I'd probably ride along next week""), not the hedge word alone.

    At most `before` words before the phrase and `after` after it; an ellipsis marks words
    of the clause left out. `phrase` itself when it cannot be placed in `text`."""
    at = text.casefold().find(phrase.casefold())
    if at < 0 or len(text.casefold()) != len(text):
        return phrase
    end = at + len(phrase)
    breaks = frozenset(lexicon_words(lexicon, "clause_breaks", CLAUSE_BREAKS))
    start = max((m.end() for m in _CLAUSE_END.finditer(text, 0, at)), default=0)
    stop = next((m.start() for m in _CLAUSE_END.finditer(text, end)), len(text))
    head = [w for w in _WORD.finditer(text, start, at)]
    for i in range(len(head) - 1, -1, -1):  # the clause begins after its last break word
        if normalise(head[i].group(0)) in breaks:
            head = head[i + 1 :]
            break
    tail = list(_WORD.finditer(text, end, stop))
    for i, word in enumerate(tail):
        if normalise(word.group(0)) in breaks:
            tail = tail[:i]
            break
    if len(head) <= before + 2:  # two words more read better than an ellipsis
        before = len(head)
    if len(tail) <= after + 2:
        after = len(tail)
    first = head[-before:][0].start() if head[-before:] else at
    last = tail[:after][-1].end() if tail[:after] else end
    quoted = text[first:last].strip()
    if len(head) > before:
        quoted = "…" + quoted
    if len(tail) > after:
        quoted += "…"
    return " ".join(quoted.split())


def negated_at(folded: str, start: int, lexicon: Lexicon, window: int) -> str | None:
    """The negation (from the lexicon) within `window` words before `start`, in the same
    clause, or None. `folded` is the `normalise`d answer."""
    negations = _word_set_regex(lexicon_words(lexicon, "negations", NEGATIONS))
    if negations is None:
        return None
    breaks = frozenset(lexicon_words(lexicon, "clause_breaks", CLAUSE_BREAKS))
    found = negations.search(_clause_before(folded, start, window, breaks))
    return found.group(0) if found else None


def find_unnegated(
    text: str,
    phrases: Sequence[str],
    lexicon: Lexicon,
    *,
    window: int = NEGATION_WINDOW,
    prefix: bool = True,
) -> str | None:
    """The first of `phrases` in `text` that no negation governs ("I don't play favourites"
    holds no `favourites`; "nobody is my favourite" no `favourite`), or None."""
    pattern = phrase_regex(tuple(phrases), prefix)
    if pattern is None:
        return None
    folded = normalise(text)
    same = len(folded) == len(text)
    for match in pattern.finditer(folded):
        if negated_at(folded, match.start(), lexicon, window) is None:
            return text[match.start() : match.end()] if same else match.group(0)
    return None


def _sentence_start(text: str, previous_end: int, start: int) -> bool:
    return previous_end < 0 or _SENTENCE_END.search(text, previous_end, start) is not None


def concrete_detail(
    text: str,
    lexicon: Lexicon,
    signals: Sequence[str] = SIGNALS,
    event_words: int = EVENT_WORDS,
) -> tuple[str, str] | None:
    """The first concrete detail in an answer, as (signal, words), or None.

    A detail is one of `signals`: a `name` (a capitalised word not at a sentence start, not
    "I" or a hedge), a `number` (digits, or a lexicon number word of 2 or more), a `date` (a
    weekday, or a when-word such as "yesterday" or the lexicon's "today", "next week"), or an
    `event` (an answer of at least `event_words` words in which someone did something: a
    subject followed, a word or two on, by a past-tense verb: "she sat beside me").
    A hedge inside such an answer is a manner of speaking, not vagueness.
    """
    folded = normalise(text)
    same = len(folded) == len(text)
    source = text if same else folded
    words = list(_WORD.finditer(source))
    if not words:
        return None
    if "name" in signals and any(c.islower() for c in source):
        skip = set(lexicon_words(lexicon, "not_names", NOT_NAMES))
        skip.update(lexicon.hedges)
        skip.update(lexicon_words(lexicon, "negations", NEGATIONS))
        previous = -1
        for word in words:
            token = word.group(0)
            if (
                token[0].isupper()
                and normalise(token) not in skip
                and not _sentence_start(source, previous, word.start())
            ):
                return "name", token
            previous = word.end()
    if "number" in signals:
        for word in words:
            token = normalise(word.group(0))
            if any(c.isdigit() for c in token) or lexicon.numbers.get(token, 0) >= 2:
                return "number", word.group(0)
    if "date" in signals:
        weekdays = set(lexicon.weekdays) | {d + "s" for d in lexicon.weekdays}
        for word in words:
            if normalise(word.group(0)) in weekdays:
                return "date", word.group(0)
        when = list(lexicon_words(lexicon, "when_words", WHEN_WORDS))
        for key in ("today", "tomorrow", "this_week", "next_week"):
            when.extend(lexicon.relative.get(key, ()))
        found = find_phrase(text, when, prefix=False)
        if found:
            return "date", found
    if "event" in signals and len(words) >= event_words:
        subjects = set(lexicon_words(lexicon, "subjects", SUBJECTS))
        past = set(lexicon_words(lexicon, "past_words", PAST_WORDS))
        endings = lexicon_words(lexicon, "past_endings", PAST_ENDINGS)
        not_events = set(lexicon_words(lexicon, "not_events", NOT_EVENTS))
        tokens = [w.group(0) for w in words]
        folded_tokens = [normalise(t) for t in tokens]
        for i, token in enumerate(folded_tokens):
            if token in not_events:
                continue
            is_past = token in past or any(
                token.endswith(e) and len(token) >= len(e) + 3 and not token.endswith("e" + e)
                for e in endings
            )
            if not is_past:
                continue
            before = range(max(0, i - 2), i)
            if any(folded_tokens[j] in subjects or tokens[j][0].isupper() for j in before):
                return "event", f"{tokens[i - 1]} {tokens[i]}" if i else tokens[i]
    return None
