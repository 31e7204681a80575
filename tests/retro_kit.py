"""Participants for retro tests: line-mode answers for the team-retro pack, and what each
participant's answers must add to the board (computed from the answers, never written out)."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

TRAITS = (
    ("inspirational_coach", "Inspirational coach"),
    ("inspires_creativity", "Inspires creativity"),
    ("builds_loyalty", "Builds loyalty"),
    ("connects_with_team", "Connects with the team"),
    ("confident", "Confident"),
)
# One moment per trait: six words or more, no hedge and no tell, so no probe follows.
EXAMPLES = (
    "Last week she joined my call with a hard client and showed me the close.",
    "She asked how I would approach the renewal and used my plan.",
    "He stood up for me with finance when my deal was questioned.",
    "We went for a team dinner after the quarter closed last month.",
    "She celebrated my promotion in front of the whole sales floor.",
)
SUGGESTIONS = (
    "riding along on two calls every week",
    "asking us how we would solve the deal",
    "backing the team in front of finance",
    "a monthly team lunch away from the office",
    "celebrating our wins in the team huddle",
    "pairing new reps with a senior rep",
    "sharing the forecast with the whole team",
)
ACTIONS = (
    "Run a weekly pipeline clinic by next Friday",
    "Hold a joint call review by next Friday",
    "Write down our deal desk rules by next Friday",
)
VERBS = ("start", "stop", "continue")


@dataclass
class Participant:
    """One person's answers and what they give the retro."""

    name: str
    share: str
    ratings: dict[str, int] = field(default_factory=dict)
    loyalty: str = ""
    suggestions: list[tuple[str, str]] = field(default_factory=list)  # (trait, text)
    action: str = ""
    example_words: tuple[str, ...] = EXAMPLES
    loyalty_words: str = "My best manager fought for me and was fair with everyone on the team."

    def lines(self) -> str:
        out: list[str] = []
        for (trait, _title), example in zip(TRAITS, self.example_words, strict=True):
            verb, text = next(
                (t.split(": ", 1)[0].lower(), t.split(": ", 1)[1])
                for tr, t in self.suggestions
                if tr == trait
            )
            out += [str(self.ratings[trait]), example, verb, text]
        title = dict(TRAITS)[self.loyalty]
        out += [self.loyalty_words, title, self.action]
        return "\n".join(out) + "\n"


def participant(rng: random.Random, name: str, share: str) -> Participant:
    p = Participant(name, share)
    # Five different suggestions: the pack keeps one action item for words said twice.
    for (trait, _title), text in zip(TRAITS, rng.sample(SUGGESTIONS, 5), strict=True):
        p.ratings[trait] = rng.randint(1, 5)
        verb = rng.choice(VERBS)
        p.suggestions.append((trait, f"{verb.capitalize()}: {text}"))
    p.loyalty = rng.choice(TRAITS)[0]
    p.action = rng.choice(ACTIONS)
    return p
