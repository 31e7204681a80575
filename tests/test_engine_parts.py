"""The engine's parts, one table each: dates, ratings, choices, reflection, conditions, and
the template sandbox's bounds."""

from __future__ import annotations

from datetime import date

import pytest

from coach.engine.conditions import ConditionError, Facts, compile_condition
from coach.engine.dates import parse_due
from coach.engine.errors import TemplateFailure, TemplateLimit
from coach.engine.lexicon import DEFAULT, Lexicon
from coach.engine.textmatch import excerpt, match_choice, parse_number, word_count
from coach.engine.texts import compile_text, make_environment, reflect

SATURDAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("text", "due", "words"),
    [
        ("today", "2026-11-28", "today"),
        ("I'll do it tomorrow", "2026-11-29", "tomorrow"),
        ("by Friday", "2026-12-04", "Friday"),
        ("next Tuesday", "2026-12-01", "next Tuesday"),
        ("this week", "2026-12-04", "this week"),  # Saturday: the coming week's Friday
        ("next week", "2026-12-04", "next week"),
        ("in 3 days", "2026-12-01", "in 3 days"),
        ("in two weeks", "2026-12-12", "in two weeks"),
        ("within a week", "2026-12-05", "within a week"),
        ("in a month", "2026-12-28", "in a month"),
        ("end of month", "2026-11-30", "end of month"),
        ("by the end of the month", "2026-11-30", "end of the month"),
        ("12 Dec", "2026-12-12", "12 Dec"),
        ("Dec 12", "2026-12-12", "Dec 12"),
        ("3rd of January", "2027-01-03", "3rd of January"),
        ("2026-12-12", "2026-12-12", "2026-12-12"),
        ("March 1st, 2027", "2027-03-01", "March 1st, 2027"),
        ("call Sam on Tuesday, then again next week", "2026-12-04", "next week"),  # the last
    ],
)
def test_due_dates_from_the_leaders_words(text: str, due: str, words: str) -> None:
    found = parse_due(text, SATURDAY, DEFAULT)
    assert found is not None
    assert (found[0].isoformat(), found[1]) == (due, words)


@pytest.mark.parametrize(
    "text", ["soon", "when I can", "I sat with them", "May I ask?", "2026-02-30", ""]
)
def test_no_timeframe_is_none(text: str) -> None:
    assert parse_due(text, SATURDAY, DEFAULT) is None


def test_a_translated_lexicon_brings_its_own_date_words() -> None:
    german = Lexicon.build(
        {
            "weekdays": ["montag", "dienstag", "mittwoch", "donnerstag", "freitag",
                         "samstag", "sonntag"],
            "relative": {"tomorrow": ["morgen"], "in": ["in"], "week": ["woche", "wochen"],
                         "a": ["einer", "einem"]},
            "numbers": {"zwei": 2, "drei": 3},
        }
    )  # fmt: skip
    assert parse_due("bis Freitag", SATURDAY, german) == (date(2026, 12, 4), "Freitag")
    assert parse_due("in zwei Wochen", SATURDAY, german) == (date(2026, 12, 12), "in zwei Wochen")


@pytest.mark.parametrize(
    ("text", "value"),
    [("4", 4), (" 4 ", 4), ("four", 4), ("4/5", 4), ("4 out of 5", 4), ("Four.", 4),
     ("3 - most weeks", 3), ("2, honestly", 2), ("7", 7), ("4.5", 4.5)],
)  # fmt: skip
def test_ratings_parse(text: str, value: float) -> None:
    assert parse_number(text, DEFAULT) == value


@pytest.mark.parametrize("text", ["", "dunno", "3 or 4", "between 2 and 3", "four or five"])
def test_ratings_that_are_not_one_number(text: str) -> None:
    assert parse_number(text, DEFAULT) is None


OPTIONS = [("coach", "Inspirational coach"), ("creativity", "Inspires creativity"),
           ("confident", "Confident")]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "picked"),
    [("1", [0]), ("3", [2]), ("4", []), ("confident", [2]), ("CONFIDENT", [2]),
     ("inspirational coach", [0]), ("insp", [0, 1]), ("inspirat", [0]), ("conf", [2]),
     ("creativity", [1]), ("nothing like it", []),
     # Two numbers are both picked, so the leader is asked which: never a guess, never "invalid".
     ("1 and 3", [0, 2]), ("3, 1", [0, 2]), ("1 or 2", [0, 1]), ("1/3", [0, 2]),
     ("1 and 9", []), ("1 2 3 and", [])],
)  # fmt: skip
def test_choices_by_number_text_or_unique_prefix(text: str, picked: list[int]) -> None:
    assert match_choice(text, OPTIONS) == picked


@pytest.mark.parametrize(
    ("text", "reflected"),
    [
        ("I told my team", "You told your team"),
        ("we met and I'm proud of myself", "we met and you're proud of yourself"),
        ("Sam asked me", "Sam asked you"),
        ("[TODO] {{ name }} I", "[TODO] {{ name }} you"),
    ],
)
def test_reflect_turns_first_person_into_second(text: str, reflected: str) -> None:
    assert reflect(text, DEFAULT) == reflected


def test_excerpt_and_word_count() -> None:
    assert excerpt("one two three four", 2) == "one two…"
    assert excerpt("short", 5) == "short"
    assert word_count("I don't know, really.") == 4


def facts(current: object = None, **kw: object) -> Facts:
    lexicon = Lexicon.build({"hedges": ["maybe", "not sure", "i try"]})
    base: dict[str, object] = dict(
        answers={}, skipped=set(), vars={}, ratings={}, lexicon=lexicon, current=current
    )
    base.update(kw)
    return Facts(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("condition", "current", "expected"),
    [
        ({"words_below": 4}, "ok", True),
        ({"words_below": 4}, "I showed them how, twice", False),
        ({"hedged": True}, "I try to, not sure", True),
        ({"hedged": True}, "I trying", False),  # hedges match exactly
        ({"contains": ["tell", "explain"]}, "I was telling them", True),
        ({"contains": ["tell"]}, "hotel", False),
        ({"matches": r"\bno time\b"}, "Honestly there is no time", True),
        ({"at_most": 2}, 2, True),
        ({"at_most": 2}, 3, False),
        ({"below": 3}, "not a number", False),
        ({"any": [{"at_most": 1}, {"at_least": 5}]}, 5, True),
        ({"not": {"equals": "yes"}}, "YES", False),
        ({"in": ["a", "b"]}, "B", True),
    ],
)
def test_conditions_on_the_current_answer(
    condition: dict[str, object], current: object, expected: bool
) -> None:
    assert compile_condition(condition).holds(facts(current)) is expected


def test_conditions_on_steps_vars_and_ratings() -> None:
    f = facts(answers={"rate": 2}, vars={"focus": "confident"}, ratings={"confident": 4},
              skipped={"recall"})  # fmt: skip
    assert compile_condition({"step": "rate", "at_most": 2}).holds(f)
    assert compile_condition({"var": "focus", "equals": "confident"}).holds(f)
    assert compile_condition({"rating": "confident", "above": 3}).holds(f)
    assert compile_condition({"step": "recall", "skipped": True}).holds(f)
    assert compile_condition({"step": "missing", "answered": False}).holds(f)


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"wordz_below": 3}, "unknown condition test 'wordz_below'"),
        ({"matches": "(a)\\1"}, "refers back to a group"),
        ({"matches": "(unclosed"}, "does not compile"),
        ({"step": "a", "var": "b"}, "only one of step, said, var or rating"),
        ({"at_most": "two"}, "must be a number"),
        ("words_below", "must be a mapping"),
    ],
)
def test_bad_conditions_say_what_is_wrong(condition: object, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        compile_condition(condition)


# -- the bounded template sandbox: one row per hook -----------------------------------------

SANDBOX = make_environment(DEFAULT)
LONG = "word " * 40_000  # 200,000 characters: a leader's paste, longer than any value made


@pytest.mark.parametrize(
    ("template", "rendered"),
    [
        # Ordinary texts are untouched by the bounds.
        ("{{ 'ab' * 3 }}|{{ [1] * 2 }}|{{ 'a' ~ 'b' }}|{{ 2 ** 10 }}", "ababab|[1, 1]|ab|1024"),
        (
            "{{ '%05.1f' % 3.14159 }} {{ '{:>6}'.format('x') }} {{ '%s-%s' | format(1, 2) }}",
            "003.1      x 1-2",
        ),
        (
            "[{{ 'x' | center(5) }}|{{ 'ab' | replace('a', 'zz') }}|{{ [1, 2] | join('+') }}]",
            "[  x  |zzb|1+2]",
        ),
        (
            "{% for i in range(3) %}{{ loop.index }}{% endfor %}{{ range(5) | list | length }}",
            "1235",
        ),
        ("{% macro two(n) %}{{ n * 2 }}{% endmacro %}{{ two(21) }}", "42"),
        ("{{ long | length }} {{ long | excerpt(1) }} {{ long[:3] }}", "200000 word… wor"),
        ("{{ (long | upper)[:2] }} {{ long.startswith('w') }}", "WO True"),  # no larger: fine
        (
            "{% set ns = namespace(n=0) %}{% for x in 'abc' %}{% set ns.n = ns.n + 1 %}{% endfor %}{{ ns.n }}",
            "3",
        ),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else str(v),
)
def test_the_sandbox_renders_ordinary_templates_as_before(template: str, rendered: str) -> None:
    assert compile_text(SANDBOX, template).render({"long": LONG}, "s") == rendered


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        ("{{ 'ab' * 60000 }}", "it would make a value of more than 100,000 characters"),
        ("{{ [1, 2] * 60000 }}", "it would make a value of more than 100,000 characters"),
        ("{{ long ~ '!' }}", "it would make a value of more than 100,000 characters"),
        ("{{ long + long }}", "it would make a value of more than 100,000 characters"),
        ("{{ long | list | length }}", "it would make a value of more than 100,000 characters"),
        ("{{ [long, long] | join }}", "it would make a value of more than 100,000 characters"),
        ("{{ ''.join([long, long]) }}", "it would make a value of more than 100,000 characters"),
        ("{{ long.replace('w', 'ww') }}", "it would make a value of more than 100,000 characters"),
        (
            "{{ ('a\\n' * 500) | indent(1000) }}",
            "it would make a value of more than 100,000 characters",
        ),
        (
            "{{ '{}{}'.format(long, long) }}",
            "it would make a value of more than 100,000 characters",
        ),
        ("{{ '%s%s' % (long, long) }}", "it would make a value of more than 100,000 characters"),
        ("{{ long }}", "the text would be longer than 100,000 characters"),
        (
            "{% set w = 500 * 3 %}{{ ('%' ~ w ~ 'd') % 1 }}",
            "it formats with a width or precision of 1,500, above 1,000",
        ),
        (
            "{% set w = 500 * 3 %}{{ ('{:.' ~ w ~ 'f}').format(1) }}",
            "it formats with a width or precision of 1,500, above 1,000",
        ),
        (
            "{{ ('%' ~ '*d') % (5, 1) }}",
            "it takes a format width from a value ('*'), which packs may not do",
        ),
        ("{{ 'x'.ljust(5000 // 2) }}", "it asks for a width of 2,500, above 1,000"),
        ("{{ 'x' | center(5000 // 2) }}", "it asks for a width of 2,500, above 1,000"),
        ("{{ [1] | batch(5001 * 2) | list }}", "it asks for 10,002 groups, more than 10,000"),
        ("{{ range(5000 * 3) | list }}", "range() would count more than 10,000 numbers"),
        (
            "{% for i in range(200) %}{% for j in range(200) %}{% endfor %}{% endfor %}",
            "its loops would run more than 10,000 times",
        ),
        (
            "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(30) }}",
            "it would take more than 10,000,000 steps of work",
        ),
        (
            "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
            "a macro calls itself too deeply (it never stops)",
        ),
        (
            "{% set n = 1000 * 1000 %}{{ n * n * n }}",
            "it would make a number above 1,000,000,000,000,000",
        ),
        ("{{ 2 ** 99 }}", "it would make a number above 1,000,000,000,000,000"),
        (
            "{{ [[1]] | sum(start=[]) }}",
            "sum() adds up numbers only (its 'start' must be a number)",
        ),
    ],
)
def test_the_sandbox_stops_each_bomb_with_its_reason(template: str, reason: str) -> None:
    with pytest.raises(TemplateLimit) as caught:
        compile_text(SANDBOX, template).render({"long": LONG}, "s")
    assert caught.value.reason == reason


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("{{ 'x'.expandtabs(8) }}", "access to attribute 'expandtabs' of 'str' object is unsafe."),
        ("{{ 'x'.translate({}) }}", "access to attribute 'translate' of 'str' object is unsafe."),
        ("{{ [1].append(2) }}", "access to attribute 'append' of 'list' object is unsafe."),
        ("{{ lipsum() }}", "'lipsum' is undefined"),
    ],
)
def test_what_can_make_long_text_from_short_or_change_data_is_not_there(
    template: str, message: str
) -> None:
    with pytest.raises(TemplateFailure) as caught:
        compile_text(SANDBOX, template).render({}, "s")
    assert str(caught.value) == message
    assert not isinstance(caught.value, TemplateLimit)


@pytest.mark.parametrize(
    ("answer", "hedge", "quoted"),
    [
        ("I'd probably ride along with Priya next week", "probably",
         "I'd probably ride along with Priya next week"),
        ("idk", "idk", "idk"),
        ("Calls went well, but I'm not sure the team noticed, honestly.", "not sure",
         "I'm not sure the team noticed"),  # its clause, not the sentence
        ("We hit target. Maybe I should celebrate more", "Maybe", "Maybe I should celebrate more"),
        ("Last quarter when things were hard for everyone I would maybe try to do more ride"
         " alongs with the whole team after the quarter ends", "maybe",
         "…for everyone I would maybe try to do more ride alongs with…"),
        ("ÉTÉ maybe", "nowhere", "nowhere"),  # not in the answer: the hedge as found
    ],
)  # fmt: skip
def test_a_hedge_is_quoted_with_the_words_around_it(answer: str, hedge: str, quoted: str) -> None:
    from coach.engine.textmatch import words_around

    assert words_around(answer, hedge, DEFAULT) == quoted
