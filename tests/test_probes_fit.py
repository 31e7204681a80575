"""Probes that fit (issue 10): `concrete` and `contains: {words, unless_negated}`, on real
sentences, straight on the conditions. The conversation tests in
tests/data/conversations/probes-fit.yaml run the same rules through a dialogue."""

from __future__ import annotations

import pytest

from coach.engine.conditions import ConditionError, Facts, compile_condition
from coach.engine.lexicon import Lexicon
from coach.engine.textmatch import concrete_detail, find_unnegated

# The stock pack's hedges (prompts/sales-leader.yaml), fixed here so the table stays put.
HEDGES = [
    "maybe", "perhaps", "probably", "possibly", "hopefully", "somewhat", "sort of", "sorta",
    "kind of", "kinda", "not sure", "unsure", "no idea", "idk", "dunno", "don't know",
    "dont know", "do not know", "not really", "i guess", "i think", "i suppose", "i hope",
    "i try", "i'll try", "ill try", "i'd try", "i will try", "try to", "trying to", "i should",
    "i could", "i might", "more or less", "at some point", "when i can", "if i can",
    "if i get time", "if i have time",
]  # fmt: skip
LEXICON = Lexicon.build({"hedges": HEDGES})
HEDGE_PROBE = compile_condition({"hedged": True, "concrete": False})

LOYALTY_TELLS = ["favourite", "favourites", "favorite", "favorites", "top performer", "my best",
                 "go-to", "star rep"]  # fmt: skip
CONNECT_TELLS = ["no time", "don't have time", "dont have time", "not enough time", "busy",
                 "swamped", "strictly business"]  # fmt: skip
CONFIDENCE_TELLS = ["threatened", "threat", "compete", "competing", "jealous", "envious",
                    "outshine", "replace me", "look bad", "i closed", "my deal"]  # fmt: skip
TELLS = LOYALTY_TELLS + CONNECT_TELLS + CONFIDENCE_TELLS
TELL_PROBE = compile_condition({"contains": {"words": TELLS, "unless_negated": True}})


def facts(current: object, **kw: object) -> Facts:
    base: dict[str, object] = dict(
        answers={}, skipped=set(), vars={}, ratings={}, lexicon=LEXICON, current=current
    )
    base.update(kw)
    return Facts(**base)  # type: ignore[arg-type]


# -- hedges inside concrete answers -------------------------------------------------------

CONCRETE_WITH_HEDGES = [
    ("She let me try to run the demo myself at Acme while she sat beside me", "name", "Acme"),
    ("she let me try to run the demo myself at the client while she sat beside me", "event",
     "she let"),
    ("She made me practise the pitch every morning until I could do it cold", "event",
     "She made"),
    ("I think it was when Maria rode along on my first renewal", "name", "Maria"),
    ("Probably the time he sat in on my QBR and let me lead", "name", "QBR"),
    ("maybe 3 calls a week, he'd take one and I'd take the next", "number", "3"),
    ("I guess two of my reps would say so", "number", "two"),
    ("not sure, but on Tuesday I sat in on Tom's discovery call", "name", "Tuesday"),
    ("i guess it was yesterday, on the call with the new rep", "date", "yesterday"),
    ("Kind of. Last week I showed Priya how I open a cold call", "name", "Priya"),
    ("I try to. last week i rode along with priya and handled the pricing part", "date",
     "last week"),
    ("I'd say I sort of did, we walked the floor together before the launch and she watched",
     "event", "we walked"),
    ("Honestly I guess he took me to every client meeting in my first month and explained after",
     "event", "he took"),
    ("maybe the time at the 9 am standup when I asked for their plan", "number", "9"),
    ("I think on fridays we review one call together, recorded", "date", "fridays"),
    ("Hopefully Dana would say I backed her on the Globex renewal", "name", "Dana"),
    ("at some point in March I let Ken run the whole pitch", "name", "March"),
    ("i try to, like when we closed the northwind deal i made sure he presented it", "event",
     "we closed"),
]  # fmt: skip

VAGUE_WITH_HEDGES = [
    "I try to show them when I can",
    "maybe",
    "idk",
    "I guess I sort of explained it",
    "I think I usually try to ride along with them but sometimes it's hard to find the time",
    "I guess I used to do it more, I'm not sure when I last did",
    "I'm kind of stressed and overwhelmed with everything going on lately, so not really",
    "ok IDK",
    "I DONT KNOW MAYBE",
    "Not sure. Maybe I could do more.",
    "idk, I try to be fair with everyone I guess",
    "Probably. I should do it more often.",
    "kinda, sorta, not really",
    "I hope they'd say I'm fair",
    "When I can, I try to be there for them",
    "I might have, at some point",
    "No idea. It's been a while.",
    "i think i do it sometimes",
    "Perhaps, if I have time",
    "I'll try to be better about it",
    "dunno really, i just try to be around",
    "More or less. It depends on the week and what else is going on for me.",
]  # fmt: skip


@pytest.mark.parametrize(("text", "signal", "words"), CONCRETE_WITH_HEDGES)
def test_a_hedge_inside_a_concrete_answer_does_not_fire_the_hedge_probe(
    text: str, signal: str, words: str
) -> None:
    assert compile_condition({"hedged": True}).holds(facts(text))  # a hedge is there
    assert concrete_detail(text, LEXICON) == (signal, words)
    f = facts(text)
    assert not HEDGE_PROBE.holds(f)


@pytest.mark.parametrize("text", VAGUE_WITH_HEDGES)
def test_a_vague_hedged_answer_is_still_probed(text: str) -> None:
    f = facts(text)
    assert concrete_detail(text, LEXICON) is None
    assert HEDGE_PROBE.holds(f)
    assert f.found["hedge"]


@pytest.mark.parametrize(
    ("condition", "text", "expected"),
    [
        ({"concrete": True}, "Maria, on Tuesdays.", True),
        ({"concrete": True}, "they were good", False),
        ({"concrete": False}, "they were good", True),
        ({"concrete": {"signals": ["number"]}}, "She sat with Ana twice", False),
        ({"concrete": {"signals": ["number"]}}, "She sat with Ana 2 times", True),
        ({"concrete": {"signals": ["name"]}}, "Ana helped", False),  # a sentence start
        ({"concrete": {"signals": ["name"]}}, "It was Ana", True),
        ({"concrete": {"signals": ["event"], "event_words": 4}}, "she sat beside me", True),
        ({"concrete": {"signals": ["event"]}}, "she sat beside me", False),  # too short
        ({"step": "recall", "concrete": True}, "", True),
    ],
)
def test_concrete_and_its_options(condition: dict[str, object], text: str, expected: bool) -> None:
    f = facts(text, answers={"recall": "I asked Sam for his plan"})
    assert compile_condition(condition).holds(f) is expected


def test_concrete_words_come_from_the_lexicon() -> None:
    days = ["montag", "dienstag", "mittwoch", "donnerstag", "freitag", "samstag", "sonntag"]
    german = Lexicon.build({"weekdays": days})
    assert concrete_detail("vielleicht am dienstag", german) == ("date", "dienstag")
    assert concrete_detail("maybe on tuesday", german) is None


# -- negation ---------------------------------------------------------------------------

NEGATED_TELLS = [
    "nobody is my favourite",
    "Nobody is my favourite, I back whoever needs it",
    "I don't play favourites",
    "I dont play favourites with anyone",
    "I never compete with my reps",
    "I'm not threatened",
    "I'm not threatened by that at all",
    "I have never felt threatened",
    "There's no favourite on my team",
    "I don't think I have a favourite",
    "I wasn't jealous, I was proud",
    "I'm not busy with anything that matters more",
    "it isn't my deal, it's hers",
    "I didn't feel I had to compete",
    "We did it without a go-to person",
    "I hardly ever feel threatened",
    "I can't say I have a top performer",
    "No one is a favourite",
    "I wouldn't call anyone my best",
    "I never said I closed it",
]
PLAIN_TELLS = [
    ("Sam is my favourite", "favourite"),
    ("I don't play favourites, but Sam is my favourite", "favourite"),
    ("I'm not sure, but honestly Tom is my go-to", "go-to"),
    ("honestly I felt threatened when she closed it", "threatened"),
    ("i dont have time for that honestly, we have lunch as a team on fridays", "dont have time"),
    ("There's no time for that", "no time"),
    ("I'm swamped, so not really", "swamped"),
    ("It was my deal really", "my deal"),
    ("I'm not competing but I closed the deal myself", "I closed"),
    ("I never had lunch with them because I'm busy", "busy"),
    ("I don't know, I get jealous sometimes", "jealous"),
    ("My best rep, Priya, gets most of my time", "My best"),
    ("It's not fair, but my top performer gets the good leads", "top performer"),
    ("I'm not proud of it. I felt envious", "envious"),
    ("strictly business with most of them", "strictly business"),
]


@pytest.mark.parametrize("text", NEGATED_TELLS)
def test_a_negated_tell_does_not_fire(text: str) -> None:
    assert compile_condition({"contains": TELLS}).holds(facts(text))  # as plain `contains`
    assert not TELL_PROBE.holds(facts(text))


@pytest.mark.parametrize(("text", "match"), PLAIN_TELLS)
def test_a_plain_tell_fires_and_quotes_the_words(text: str, match: str) -> None:
    f = facts(text)
    assert TELL_PROBE.holds(f)
    assert f.found["match"] == match


@pytest.mark.parametrize(
    ("text", "window", "found"),
    [
        ("I don't really think I have a favourite", 6, None),
        ("I don't really think I have a favourite", 5, "favourite"),
        ("I don't think I have a favourite", 5, None),
        ("not a favourite", 2, None),
        ("not my favourite", 1, "favourite"),
    ],
)
def test_the_negation_window(text: str, window: int, found: str | None) -> None:
    assert find_unnegated(text, ["favourite"], LEXICON, window=window) == found
    condition = compile_condition({"contains": {"words": ["favourite"], "unless_negated": window}})
    assert condition.holds(facts(text)) is (found is not None)


def test_negations_come_from_the_lexicon() -> None:
    class Spanish:
        """A lexicon with a `negations` list (what lexicon.py is to grow)."""

        negations = ("no", "nunca", "nadie")
        clause_breaks = ("pero",)
        hedges = ()

    spanish = Spanish()
    assert find_unnegated("nunca compito", ["compito"], spanish) is None  # type: ignore[arg-type]
    assert find_unnegated("I never compete", ["compete"], spanish) == "compete"  # type: ignore[arg-type]
    assert find_unnegated("no, pero compito", ["compito"], spanish) == "compito"  # type: ignore[arg-type]


# -- explicit tells and their neighbours -------------------------------------------------

CONNECT_PROBE = compile_condition(
    {
        "any": [
            {"contains": {"words": ["no time", "dont have time", "don't have time"],
                          "unless_negated": True}},
            {"all": [{"contains": {"words": ["busy", "swamped"], "unless_negated": True}},
                     {"not": {"contains": ["lunch", "coffee", "after work"]}}]},
        ]
    }
)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "match"),
    [
        (
            "i dont have time for that honestly, we have lunch as a team on fridays",
            "dont have time",
        ),
        ("No time. We get coffee at the kickoff and that's it.", "No time"),
        ("It's busy, so not much", "busy"),
        ("It's been busy, but I took Ana for coffee after her first close", None),
        ("I'm never too busy for a coffee with them", None),
        ("we had lunch on friday, the whole team", None),
    ],
)
def test_explicit_tells_stand_and_weak_ones_yield_to_a_neighbour(
    text: str, match: str | None
) -> None:
    f = facts(text)
    assert CONNECT_PROBE.holds(f) is (match is not None)
    assert f.found.get("match") == match


def test_a_not_leaves_no_match_behind() -> None:
    f = facts("we had lunch, I was busy")
    rule = compile_condition({"all": [{"hedged": False}, {"not": {"contains": ["lunch"]}}]})
    assert not rule.holds(f)
    assert "match" not in f.found
    rule = compile_condition({"any": [{"not": {"contains": ["lunch"]}}, {"contains": ["busy"]}]})
    f = facts("we had lunch, I was busy")
    assert rule.holds(f)
    assert f.found["match"] == "busy"


# -- the condition's shape ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"concrete": "yes"}, "'concrete' must be true, false, or"),
        ({"concrete": {"signals": ["names"]}}, "'signals' takes a list of: name, number"),
        ({"concrete": {"signals": []}}, "'signals' takes a list of"),
        ({"concrete": {"event_words": -1}}, "'event_words' must be a whole number"),
        ({"concrete": {"when": 1}}, "unknown key 'when' in 'concrete'"),
        ({"contains": {"word": ["x"]}}, "unknown key 'word' in 'contains'"),
        ({"contains": {"unless_negated": True}}, "needs 'words: \\[...\\]'"),
        ({"contains": {"words": [], "unless_negated": True}}, "takes a list of words"),
        ({"contains": {"words": ["x"], "unless_negated": "yes"}}, "'unless_negated' must be"),
        ({"contains": {"words": ["x"], "unless_negated": 0}}, "'unless_negated' must be"),
    ],
)
def test_bad_shapes_say_what_is_wrong(condition: object, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        compile_condition(condition)


def test_a_long_answer_is_read_in_linear_time() -> None:
    text = ("I don't play favourites and Maria sat with me, " * 2000) + "maybe"
    f = facts(text)
    assert not HEDGE_PROBE.holds(f)
    assert not TELL_PROBE.holds(facts("I don't play favourites, " * 2000))


# -- the lexicon's grammar words, and what the checker says about them ---------------------


def test_a_packs_own_negations_replace_the_english_ones() -> None:
    german = Lexicon.build({"negations": ["nicht", "kein", "keine", "nie"]})
    assert find_unnegated("Ich habe keine Lieblinge", ["lieblinge"], german) is None
    assert find_unnegated("Ich habe Lieblinge", ["lieblinge"], german) == "Lieblinge"
    # English "never" is no negation in that pack: its list replaced the English one
    assert find_unnegated("I never play favourites", ["favourites"], german) == "favourites"


def test_unless_negated_without_negation_words_is_a_warning() -> None:
    from coach.engine.pack import check_pack

    text = """\
pack: 1
id: no-negations
version: "1"
title: A lexicon without negations
lexicon:
  negations: []
sections:
  - id: main
    steps:
      - id: story
        kind: ask
        text: Tell me about the last time you listened.
        probes:
          rules:
            - if: {contains: {words: [busy], unless_negated: true}}
              text: You said "{{ match }}". What would a quiet week look like?
"""
    problems = [str(p) for p in check_pack(text, "p.yaml").problems]
    assert problems == [
        "p.yaml:15:19: warning: 'unless_negated' has no effect: the pack's lexicon lists no "
        "'negations'"
    ]
