"""The pack's small condition language: declarative tests, never `eval`.

A condition is a mapping such as `{words_below: 6}`, `{step: coach_rating, at_most: 2}`,
`{said: loyalty_rating, matches: "nothing"}` (an answer with the replies to its probes) or
`{any: [{hedged: true}, {contains: [told, explained]}]}`. It is compiled once when the pack
loads (regexes included) and evaluated against a `Facts` view of the dialogue.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import re2  # type: ignore[import-untyped]

from coach.engine.lexicon import Lexicon
from coach.engine.textmatch import (
    EVENT_WORDS,
    NEGATION_WINDOW,
    SIGNALS,
    concrete_detail,
    find_phrase,
    find_unnegated,
    word_count,
    words_around,
)

SUBJECTS = ("step", "var", "rating", "said")
COMBINATORS = ("all", "any", "not")
TESTS = (
    "answered", "skipped", "equals", "in", "at_least", "at_most", "above", "below",
    "words_below", "words_at_least", "hedged", "contains", "matches", "followup", "concrete",
)  # fmt: skip
CONTAINS_KEYS = ("words", "unless_negated")
CONCRETE_KEYS = ("signals", "event_words")
NUMERIC = ("at_least", "at_most", "above", "below", "words_below", "words_at_least")
MAX_REGEX = 500


@dataclass(slots=True)
class Facts:
    """What a condition can look at. `current` is the answer just given, if any."""

    answers: Mapping[str, Any]
    skipped: Collection[str]
    vars: Mapping[str, Any]
    ratings: Mapping[str, int]
    lexicon: Lexicon
    current: Any = None
    current_step: str | None = None
    followup: bool = False  # the current answer replies to a probe
    found: dict[str, str] = field(default_factory=dict)
    followups: Mapping[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Condition:
    """A compiled condition. `holds()` never raises for any answer a leader can type."""

    check: Callable[[Facts], bool]
    refs: tuple[tuple[str, str], ...] = ()  # (kind, name) this condition reads, for checking

    def holds(self, facts: Facts) -> bool:
        return self.check(facts)


class ConditionError(ValueError):
    """A condition that cannot be compiled; `path` points into the condition mapping."""

    def __init__(self, path: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.path = path


ALWAYS = Condition(lambda facts: True)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return str(value.get("action", ""))
    return str(value)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


_RE2_OPTIONS = re2.Options()
_RE2_OPTIONS.case_sensitive = False  # packs' patterns ignore case, as they always have
_RE2_OPTIONS.log_errors = False  # the error is reported as a pack problem, not on stderr
# Only the whole match is used (as `match` in probe texts): with no groups to capture, RE2
# runs its DFA, ~50x quicker on a 10 kB answer than the NFA that capturing groups need.
_RE2_OPTIONS.never_capture = True

# What RE2 says, and what a pack author should write instead. RE2 matches in time linear in
# the answer whatever the pattern, so the constructs that need backtracking are not there.
_UNSUPPORTED = (
    ("invalid perl operator: (?=", "a lookahead '(?=...)'", "match the text itself, or test it "
     "in a second condition under 'all: [...]'"),
    ("invalid perl operator: (?!", "a negative lookahead '(?!...)'", "test it in a separate "
     "condition: 'not: {matches: ...}'"),
    ("invalid perl operator: (?<=", "a lookbehind '(?<=...)'", "include the text before it in "
     "the pattern"),
    ("invalid perl operator: (?<!", "a negative lookbehind '(?<!...)'", "test it in a separate "
     "condition: 'not: {matches: ...}'"),
    ("invalid perl operator: (?>", "an atomic group '(?>...)'", "write '(?:...)': RE2 never "
     "backtracks, so it is not needed"),
    ("invalid perl operator: (?(", "a conditional group '(?(...)...)'", "write the "
     "alternatives with '|'"),
    ("invalid perl operator: (?#", "a comment '(?#...)'", "remove it (a YAML comment can say "
     "the same)"),
    ("invalid escape sequence: \\Z", "'\\Z'", "write '\\z' (the very end of the answer)"),
    ("invalid escape sequence: \\u", "'\\u'", "write '\\x{00e9}', or the character itself"),
    ("invalid escape sequence: \\U", "'\\U'", "write '\\x{1F600}', or the character itself"),
    ("invalid escape sequence: \\N", "a named character '\\N{...}'", "write the character "
     "itself"),
)  # fmt: skip
_BACKREFERENCE = re.compile(r"invalid escape sequence: (\\[1-9])")
_FLAG = re.compile(r"invalid perl operator: (\(\?[^:)=!<>P(#]+)")
_POSSESSIVE = re.compile(r"bad repetition operator: ([*+?]|\{[\d,]+\})\+$")
_REPEAT = re.compile(r"invalid repetition size: (\S+)")
_PLAIN = (  # RE2's words for the usual slips, in a pack author's
    ("missing )", "a '(' is never closed"),
    ("missing ]", "a '[' is never closed"),
    ("unexpected )", "a ')' closes nothing"),
    ("trailing \\", "it ends with a lone '\\'"),
    ("missing argument to repetition operator", "a '*', '+', '?' or '{n}' repeats nothing"),
    ("no argument for repetition operator", "a '*', '+', '?' or '{n}' repeats nothing"),
)


def regex_problem(pattern: str) -> str | None:
    """Why RE2 cannot run `pattern`, and what to write instead; None when it can."""
    if len(pattern) > MAX_REGEX:
        return f"the regular expression is longer than {MAX_REGEX} characters"
    try:
        re2.compile(pattern, _RE2_OPTIONS)
    except re2.error as exc:
        raw = exc.args[0] if exc.args else ""
        return _explain(
            pattern, raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        )
    return None


def _explain(pattern: str, said: str) -> str:
    """RE2's error about `pattern` as a sentence that names the construct and the remedy."""
    if said.startswith("invalid perl operator: (?P") and "(?P=" in pattern:
        return (
            "the regular expression refers back to a group ('(?P=name)'), which RE2 does not "
            "support; spell the alternatives out: '(aa|bb)' for '(?P<x>a|b)(?P=x)'"
        )
    if found := _POSSESSIVE.match(said):
        quantifier = found.group(1)
        return (
            f"the regular expression uses a possessive quantifier '{quantifier}+', which RE2 "
            f"does not support; write '{quantifier}': RE2 never backtracks, so it is not needed"
        )
    for start, construct, instead in _UNSUPPORTED:
        if said.startswith(start):
            return f"the regular expression uses {construct}, which RE2 does not support; {instead}"
    if found := _BACKREFERENCE.match(said):
        return (
            f"the regular expression refers back to a group ('{found.group(1)}'), which RE2 "
            "does not support; spell the alternatives out: '(aa|bb)' for '(a|b)\\1'"
        )
    if found := _FLAG.match(said):
        return (
            f"the regular expression sets a flag RE2 does not know ('{found.group(1)}'); "
            "RE2 knows i, m, s and U, and case is ignored already"
        )
    if found := _REPEAT.match(said):
        return (
            f"the regular expression repeats too often ('{found.group(1)}'): RE2 allows a "
            "count of at most 1000, repetitions inside repetitions included"
        )
    if said.startswith("pattern too large"):
        return (
            "the regular expression is too large for RE2 once its repetitions are spelled "
            "out; use fewer or smaller counts like {n}"
        )
    for start, plain in _PLAIN:
        if said.startswith(start):
            return f"the regular expression does not compile: {plain}"
    return f"the regular expression does not compile: {said}"


def check_regex(pattern: str) -> Any:
    """Compile a pack regex with RE2, which matches in linear time whatever the pattern.

    Raises:
        ValueError: the pattern is too long, or RE2 cannot compile it (the message says
            which construct, and what to write instead).
    """
    problem = regex_problem(pattern)
    if problem is not None:
        raise ValueError(problem)
    return re2.compile(pattern, _RE2_OPTIONS)


def compile_condition(data: Any, path: tuple[str | int, ...] = ()) -> Condition:
    """Turn a condition mapping into a `Condition`.

    Raises:
        ConditionError: unknown keys, wrong types, or a bad regex, with the path of the value.
    """
    if not isinstance(data, Mapping) or not data:
        raise ConditionError(path, "a condition must be a mapping such as {words_below: 6}")
    checks: list[Callable[[Facts], bool]] = []
    refs: list[tuple[str, str]] = []
    subject_keys = [k for k in data if k in SUBJECTS]
    if len(subject_keys) > 1:
        raise ConditionError(path, "a condition can test only one of step, said, var or rating")
    subject = subject_keys[0] if subject_keys else None
    name = data[subject] if subject else None
    if subject and not isinstance(name, str):
        raise ConditionError((*path, subject), f"'{subject}' must name one {subject}")
    if subject and isinstance(name, str):
        refs.append((subject, name))

    def value_of(facts: Facts) -> tuple[bool, Any]:
        if subject is None:
            return facts.current is not None, facts.current
        if subject == "step":
            return name in facts.answers, facts.answers.get(str(name))
        if subject == "said":  # the answer and every reply to its probes, as one text
            key = str(name)
            replies = facts.followups.get(key, [])
            if key not in facts.answers and not replies:
                return False, None
            first = facts.answers.get(key)
            parts = [_text(first)] if first is not None else []
            return True, "\n".join([*parts, *replies])
        if subject == "var":
            return name in facts.vars, facts.vars.get(str(name))
        return name in facts.ratings, facts.ratings.get(str(name))

    for key, value in data.items():
        where = (*path, key)
        if key in SUBJECTS:
            continue
        if key in COMBINATORS:
            if key == "not":
                inner = compile_condition(value, where)
                refs.extend(inner.refs)
                checks.append(_negate(inner))
                continue
            if not isinstance(value, list) or not value:
                raise ConditionError(where, f"'{key}' takes a list of conditions")
            parts = [compile_condition(item, (*where, i)) for i, item in enumerate(value)]
            for part in parts:
                refs.extend(part.refs)
            checks.append(_combine(parts, every=key == "all"))
            continue
        if key not in TESTS:
            raise ConditionError(where, f"unknown condition test '{key}'")
        checks.append(_test(key, value, where, subject, name, value_of))
    if len(checks) == 1:
        return Condition(checks[0], tuple(refs))
    return Condition(lambda f: all(c(f) for c in checks), tuple(refs))


def _negate(inner: Condition) -> Callable[[Facts], bool]:
    def negate(f: Facts) -> bool:
        # What a negated test found is not what the probe is about: `{not: {contains: [x]}}`
        # that fails must not leave `x` behind as the `match` a probe quotes.
        kept = dict(f.found)
        held = inner.holds(f)
        f.found.clear()
        f.found.update(kept)
        return not held

    return negate


def _combine(parts: list[Condition], every: bool) -> Callable[[Facts], bool]:
    # A branch that does not hold leaves nothing it found behind: in `any: [{all: [{contains:
    # [busy]}, {not: ...}]}, ...]` a failed first branch must not lend `busy` to the second.
    def combine(f: Facts) -> bool:
        kept = dict(f.found)
        for part in parts:
            if part.holds(f) != every:
                if every:
                    break
                return True
            if not every:  # this alternative failed: forget what it found
                f.found.clear()
                f.found.update(kept)
        else:
            return every
        f.found.clear()
        f.found.update(kept)
        return False

    return combine


def _test(
    key: str,
    value: Any,
    where: tuple[str | int, ...],
    subject: str | None,
    name: Any,
    value_of: Callable[[Facts], tuple[bool, Any]],
) -> Callable[[Facts], bool]:
    if key == "followup":
        if not isinstance(value, bool) or subject is not None:
            raise ConditionError(where, "'followup' must be true or false, on the current answer")
        return lambda f: f.followup == value
    if key in ("answered", "skipped", "hedged"):
        if not isinstance(value, bool):
            raise ConditionError(where, f"'{key}' must be true or false")
        if key == "answered":
            return lambda f: value_of(f)[0] == value
        if key == "skipped":
            if subject not in (None, "step"):
                raise ConditionError(where, "'skipped' applies to a step")
            return lambda f: ((name if subject else f.current_step) in f.skipped) == value

        def hedged(f: Facts) -> bool:
            text = _text(value_of(f)[1])
            found = find_phrase(text, f.lexicon.hedges, prefix=False)
            if found:
                f.found["hedge"] = found
                f.found["hedge_said"] = words_around(text, found, f.lexicon)
            return (found is not None) == value

        return hedged
    if key in NUMERIC:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConditionError(where, f"'{key}' must be a number")
        limit = float(value)
        if key in ("words_below", "words_at_least"):
            below = key == "words_below"
            return lambda f: (word_count(_text(value_of(f)[1])) < limit) == below
        compare: dict[str, Callable[[float], bool]] = {
            "at_least": lambda n: n >= limit,
            "at_most": lambda n: n <= limit,
            "above": lambda n: n > limit,
            "below": lambda n: n < limit,
        }
        test = compare[key]

        def numeric(f: Facts) -> bool:
            number = _number(value_of(f)[1])
            return number is not None and test(number)

        return numeric
    if key == "equals":
        return lambda f: _same(value_of(f)[1], value)
    if key == "in":
        if not isinstance(value, list):
            raise ConditionError(where, "'in' takes a list of values")
        return lambda f: any(_same(value_of(f)[1], v) for v in value)
    if key == "contains":
        return _contains(value, where, value_of)
    if key == "concrete":
        return _concrete(value, where, value_of)
    # matches
    if not isinstance(value, str):
        raise ConditionError(where, "'matches' takes a regular expression")
    try:
        regex = check_regex(value)
    except ValueError as exc:
        raise ConditionError(where, str(exc)) from None

    def matches(f: Facts) -> bool:
        found = regex.search(_text(value_of(f)[1]))
        if found:
            f.found["match"] = found.group(0)
        return found is not None

    return matches


def _contains(
    value: Any, where: tuple[str | int, ...], value_of: Callable[[Facts], tuple[bool, Any]]
) -> Callable[[Facts], bool]:
    """`contains: [words]`, or `contains: {words: [...], unless_negated: true}`, where a
    word that follows a negation in its clause ("I don't play favourites") does not count."""
    window = 0
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in CONTAINS_KEYS]
        if unknown:
            raise ConditionError(
                (*where, str(unknown[0])),
                f"unknown key '{unknown[0]}' in 'contains' (it takes words and unless_negated)",
            )
        if "words" not in value:
            raise ConditionError(where, "'contains' as a mapping needs 'words: [...]'")
        negated = value.get("unless_negated", False)
        if negated is True:
            window = NEGATION_WINDOW
        elif isinstance(negated, int) and not isinstance(negated, bool) and 1 <= negated <= 20:
            window = negated
        elif negated is not False:
            raise ConditionError(
                (*where, "unless_negated"),
                "'unless_negated' must be true, false, or how many words before the keyword to "
                "look at for a negation (1-20)",
            )
        value = value["words"]
        where = (*where, "words")
    words = value if isinstance(value, list) else [value]
    if not words or not all(isinstance(w, str) and w.strip() for w in words):
        raise ConditionError(where, "'contains' takes a list of words or phrases")

    def contains(f: Facts) -> bool:
        text = _text(value_of(f)[1])
        if window:
            found = find_unnegated(text, words, f.lexicon, window=window)
        else:
            found = find_phrase(text, words)
        if found:
            f.found["match"] = found
        return found is not None

    return contains


def _concrete(
    value: Any, where: tuple[str | int, ...], value_of: Callable[[Facts], tuple[bool, Any]]
) -> Callable[[Facts], bool]:
    """`concrete: true|false`, or `concrete: {signals: [...], event_words: N}` (true)."""
    signals: tuple[str, ...] = SIGNALS
    event_words = EVENT_WORDS
    wanted = True
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in CONCRETE_KEYS]
        if unknown:
            raise ConditionError(
                (*where, str(unknown[0])),
                f"unknown key '{unknown[0]}' in 'concrete' (it takes signals and event_words)",
            )
        given = value.get("signals", list(SIGNALS))
        if (
            not isinstance(given, list)
            or not given
            or not all(isinstance(s, str) and s in SIGNALS for s in given)
        ):
            raise ConditionError(
                (*where, "signals"), "'signals' takes a list of: " + ", ".join(SIGNALS)
            )
        signals = tuple(given)
        count = value.get("event_words", EVENT_WORDS)
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise ConditionError((*where, "event_words"), "'event_words' must be a whole number")
        event_words = count
    elif isinstance(value, bool):
        wanted = value
    else:
        raise ConditionError(
            where, "'concrete' must be true, false, or {signals: [...], event_words: N}"
        )

    def concrete(f: Facts) -> bool:
        found = concrete_detail(_text(value_of(f)[1]), f.lexicon, signals, event_words)
        if found:
            f.found["detail"] = found[1]
        return (found is not None) == wanted

    return concrete


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.casefold() == expected.casefold()
    return bool(actual == expected)
