"""The `reflect` filter on real sentences: the leader's words as the coach says them back,
grammatical or quoted as typed (QUOTED: the words come back unchanged, so a template that
puts `reflect` in quotation marks quotes the leader). Rules: `coach.engine.texts.reflect`
and docs/packs.md ("reflect")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coach.engine import load_pack
from coach.engine.lexicon import DEFAULT
from coach.engine.texts import make_environment, reflect

ROOT = Path(__file__).resolve().parent.parent
QUOTED = None  # the sentence comes back exactly as typed

TABLE: list[tuple[str, str | None]] = [
    # -- the first person becomes the second, verbs agree
    (
        "I was sure, but I wasn't sure it would work",
        "You were sure, but you weren't sure it would work",
    ),
    ("I was there when it counted", "You were there when it counted"),
    ("I wasnt ready for that call", "You werent ready for that call"),
    ("I am not sure yet", "You are not sure yet"),
    ("Honestly I am the bottleneck", "Honestly you are the bottleneck"),
    ("I really was tired that week", "You really were tired that week"),
    ("I never was good at praise", "You never were good at praise"),
    ("i was late and i know it", "You were late and you know it"),
    ("I told my team on Monday", "You told your team on Monday"),
    ("I'm proud of myself for that one", "You're proud of yourself for that one"),
    ("I’m not the best at this", "You’re not the best at this"),
    ("I've been telling them, not showing them", "You've been telling them, not showing them"),
    ("I'll ride along with Priya on Friday", "You'll ride along with Priya on Friday"),
    ("I'd say a 3", "You'd say a 3"),
    ("im too busy most weeks", "you're too busy most weeks"),
    ("ive never asked them", "you've never asked them"),
    ("Sam asked me for help", "Sam asked you for help"),
    ("My manager backed me in front of finance", "Your manager backed you in front of finance"),
    ("She let me try to run the demo myself", "She let you try to run the demo yourself"),
    (
        "Tom would say I'm slower for him than for Priya",
        "Tom would say you're slower for him than for Priya",
    ),
    ("I sat with them until I could do it cold", "You sat with them until you could do it cold"),
    (
        "We have lunch as a team and I join most weeks",
        "We have lunch as a team and you join most weeks",
    ),
    ("He was fair and I was grateful", "He was fair and you were grateful"),
    ("They were busy, so I was too", "They were busy, so you were too"),
    ("The deal was mine to lose", "The deal was yours to lose"),
    ("I ask each rep how they'd hit their number", "You ask each rep how they'd hit their number"),
    ("When I was new, my boss took me on calls", "When you were new, your boss took you on calls"),
    ("I just wasn't listening", "You just weren't listening"),
    ("I don't have time for that honestly", "You don't have time for that honestly"),
    ("My bad, I was late", "Your bad, you were late"),
    # -- questions: the verb before its subject
    ("Am I too hard on them?", "Are you too hard on them?"),
    ("Was I wrong to step in?", "Were you wrong to step in?"),
    ("how was I supposed to know?", "how were you supposed to know?"),
    ("Where am I going wrong?", "Where are you going wrong?"),
    # -- words that only look like the first person stay
    ("at 9 am I call the team", "at 9 am you call the team"),
    ("the 7 am standup was mine", "the 7 am standup was yours"),
    ("Standup at 9 AM daily", "Standup at 9 AM daily"),
    ("She was fair to everyone", "She was fair to everyone"),
    ("It was a good quarter", "It was a good quarter"),
    ("Priya was the one who closed it", "Priya was the one who closed it"),
    ("The team is proud", "The team is proud"),
    # -- the second person, said to the coach, comes back as the first
    ("mine, not yours", "yours, not mine"),
    ("My call, not your call", "Your call, not my call"),
    ("That's your job, and mine is selling", "That's my job, and yours is selling"),
    # -- cannot be made grammatical without parsing: given back as typed
    ("I told you already", QUOTED),
    ("I think you know my answer", QUOTED),
    ("you told me to be honest", QUOTED),
    ("I'll let you know", QUOTED),
    ('She said "I trust you" and I believed her', QUOTED),
    ("He told me “do it my way”", QUOTED),
    # -- a generic "you" and no first person: unchanged
    ("you have to show them, not tell them", "you have to show them, not tell them"),
    ("You never know with reps", "You never know with reps"),
    # -- nothing to change
    ("ok", "ok"),
    ("idk", "idk"),
    ("", ""),
    ("[TODO] {{ name }} I", "[TODO] {{ name }} you"),
]


@pytest.mark.parametrize(("text", "reflected"), TABLE, ids=[t[:40] for t, _ in TABLE])
def test_reflect_is_grammatical_or_quotes(text: str, reflected: str | None) -> None:
    assert reflect(text, DEFAULT) == (text if reflected is None else reflected)


def test_the_table_is_big_enough() -> None:
    assert len(TABLE) >= 50
    assert sum(1 for _, r in TABLE if r is QUOTED) >= 5


def test_a_long_text_is_quoted_as_typed() -> None:
    text = "I was there. " * 500
    assert reflect(text, DEFAULT) == text


SHIPPED = sorted([*ROOT.glob("prompts/*.yaml"), *ROOT.glob("examples/packs/*.yaml")])
SHIPPED = [p for p in SHIPPED if not p.name.endswith(".test.yaml")]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_shipped_packs_reflect_the_table_well_and_inside_quotation_marks(path: Path) -> None:
    """Every shipped template that uses `reflect` puts it in quotation marks (so a text given
    back as typed reads as a quote), and the pack's own lexicon reflects the table as the
    English one does (its extra pairs change none of these sentences)."""
    source = path.read_text(encoding="utf-8")
    pack = load_pack(source, path.name)
    for line in source.splitlines():
        for use in re.finditer(r"\{\{[^}]*\|\s*reflect[^}]*\}\}", line):
            before, after = line[: use.start()].rstrip(), line[use.end() :].lstrip()
            assert before[-1:] in ('"', "„", "“", "'") and after[:1] in ('"', "“", "'"), line
    render = make_environment(pack.lexicon).from_string("{{ x | reflect }}").render
    for text, reflected in TABLE:
        assert render(x=text) == (text if reflected is None else reflected)
