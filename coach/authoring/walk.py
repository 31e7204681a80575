"""Random walks: drive a pack with many random leaders and report anything that goes wrong.

A walk answers whatever coach asks with a random mix of what real leaders type: short and
vague answers, hedges from the pack's own lexicon, long rambles, keywords from the pack's
traits and probes, dates, off-scale and unparseable ratings, choices by number, name,
prefix or nonsense, `:skip` and `:back`, odd characters and template-like text. It fails on
any exception, on a dialogue that does not end, and on coach text that shows an undefined
value (`None`, `Undefined`, unrendered template syntax) the leader did not type.

Every walk is seeded (`seed:index`), so a failure replays exactly.
"""

from __future__ import annotations

import random
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from coach.engine import Dialogue, Pack, Prompt, Reply

NOW = datetime.fromisoformat("2026-11-28T09:00:00+00:00")
SHORT = ("ok", "no", "yes", "idk", "fine", "n/a", "...", "?", "good", "nothing")
VAGUE = ("not sure", "sort of", "maybe", "I guess so", "I try to", "kind of, sometimes")
SENTENCES = (
    "Last week I sat with Priya on a discovery call and let her lead the opening.",
    "My old manager told us in the Monday meeting what to do, every single week.",
    "I can't remember the last time, honestly, it has been a while.",
    "She never played favourites and went to battle with finance for my deal.",
    "We had lunch together after the quarter closed and she asked about my kids.",
    "When Ana beat my old record I felt a bit threatened, then proud of her.",
    "I asked the team how they would hit the number and used Sam's idea.",
    "Ride along with Tom on two calls by Friday.",
    "Book a coffee with each rep next week, no agenda.",
    "Share one of my weak spots with the team in 2 weeks.",
)
DATES = ("by Friday", "next week", "in 2 weeks", "tomorrow", "end of month", "12 Dec",
         "2027-01-15", "within a month", "next Tuesday", "soon", "whenever")  # fmt: skip
ODD = (
    "{{ answers }}",
    "{% if true %}x{% endif %}",
    "[bold]TODO[/bold] <b>hi</b>",
    "\x1b[31mred\x1b[0m",
    "Ça marche — “quoted” ‘words’ 😀",
    "   padded   ",
    "line one\nline two",
    "ＦＵＬＬＷＩＤＴＨ",
    "İstanbul ß ﬁ",
)
BAD_VALUES = re.compile(r"\bNone\b|\bUndefined\b|\{\{|\{%")


@dataclass(frozen=True, slots=True)
class WalkFailure:
    """One walk that went wrong: which, after which answers, and what happened."""

    pack: str
    walk: str  # the seed, `seed:index`
    problem: str
    answers: tuple[str, ...]

    def __str__(self) -> str:
        recent = ", ".join(repr(a) for a in self.answers[-8:])
        more = f"… {len(self.answers) - 8} earlier, " if len(self.answers) > 8 else ""
        return (
            f"{self.pack}: walk {self.walk}: {self.problem} "
            f"(after {len(self.answers)} answers: {more}{recent})"
        )


class _Leader:
    """A random leader for one walk."""

    def __init__(self, pack: Pack, rng: random.Random) -> None:
        self.rng = rng
        self.hedges = list(pack.lexicon.hedges) or list(VAGUE)
        words: list[str] = []
        for trait in pack.traits:
            words.extend(trait.keywords)
        self.keywords = words or ["listen", "show", "fair"]
        self.numbers = list(pack.lexicon.numbers)

    def answer(self, prompt: Prompt) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.06:
            return ":skip"
        if roll < 0.10:
            return ":back"
        if roll < 0.13:
            return rng.choice(ODD)
        if roll < 0.15:
            return rng.choice(("", "   "))
        if prompt.kind == "rating" and prompt.scale is not None:
            return self._rating(prompt.scale.min, prompt.scale.max)
        if prompt.kind == "choice":
            return self._choice(prompt)
        return self._text(prompt.kind == "commit" or prompt.stage == "due")

    def _rating(self, low: int, high: int) -> str:
        rng = self.rng
        value = rng.randint(low, high)
        return rng.choice(
            (
                str(value), str(value), str(value), f"{value}/{high}", f"{value} - mostly",
                str(high + rng.randint(1, 50)), str(low - rng.randint(1, 5)), "3.5", "0",
                f"{low} or {high}", "dunno", rng.choice(self.numbers) if self.numbers else "four",
            )
        )  # fmt: skip

    def _choice(self, prompt: Prompt) -> str:
        rng = self.rng
        options = prompt.options
        if not options:
            return "1"
        option = rng.choice(options)
        return rng.choice(
            (
                str(rng.randint(1, len(options))), str(len(options) + 1), option.label,
                option.label[:3], option.id, "all of them", "0",
            )
        )  # fmt: skip

    def _text(self, commitment: bool) -> str:
        rng = self.rng
        kind = rng.random()
        if kind < 0.2:
            text = rng.choice(SHORT)
        elif kind < 0.35:
            text = rng.choice(self.hedges)
        elif kind < 0.5:
            text = f"{rng.choice(self.hedges)}, {rng.choice(SENTENCES).lower()}"
        elif kind < 0.6:
            text = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(5, 15)))
        elif kind < 0.75:
            picked = rng.sample(self.keywords, k=min(len(self.keywords), rng.randint(1, 4)))
            text = f"They {' and '.join(picked)} with me."
        else:
            text = rng.choice(SENTENCES)
        if commitment and rng.random() < 0.6:
            text = f"{text} {rng.choice(DATES)}"
        return text


def walk(pack: Pack, seed: str, participant: str | None = None) -> WalkFailure | None:
    """One random walk through `pack`; None when it went well."""
    rng = random.Random(seed)
    leader = _Leader(pack, rng)
    dialogue = Dialogue(pack, lambda: NOW, seed=seed, participant=participant)
    limit = 40 * len(pack.steps) + 100
    given: list[str] = [participant or ""]
    answers: list[str] = []
    restored = False

    def failure(problem: str) -> WalkFailure:
        return WalkFailure(pack.id, seed, problem, tuple(answers))

    try:
        problem = _bad_text(dialogue.start(), given)
        if problem:
            return failure(problem)
        while not dialogue.finished:
            if len(answers) >= limit:
                return failure(f"the dialogue did not end after {limit} answers")
            prompt = dialogue.current()
            if prompt is None:
                return failure("the dialogue is not finished but asks nothing")
            if not prompt.text.strip():
                return failure(f"step '{prompt.step}' asks an empty question")
            text = leader.answer(prompt)
            answers.append(text)
            given.append(text)
            if text == ":skip":
                reply = dialogue.skip()
            elif text == ":back":
                reply = dialogue.back()
            else:
                reply = dialogue.answer(text)
            problem = _bad_text(reply, given)
            if problem:
                return failure(problem)
            if not restored and rng.random() < 0.05:
                # Half-way saves must resume to the very same question.
                restored = True
                snapshot = dialogue.snapshot()
                again = Dialogue.restore(pack, snapshot, lambda: NOW, dialogue.log)
                if again.current() != dialogue.current():
                    return failure("a restored snapshot asks something else")
                dialogue = again
        for item in dialogue.action_items():
            problem = _bad_value(item.text, given, "an action item")
            if problem:
                return failure(problem)
    except Exception as exc:  # a walk's job is to report any crash, whatever it is
        where = traceback.extract_tb(exc.__traceback__)[-1]
        return failure(
            f"{type(exc).__name__}: {exc} (at {where.filename.rsplit('/', 1)[-1]}:{where.lineno})"
        )
    return None


def _bad_text(reply: Reply, given: list[str]) -> str | None:
    for turn in reply.turns:
        if turn.role != "coach":
            continue
        problem = _bad_value(turn.text, given, f"step '{turn.step}'")
        if problem:
            return problem
    return None


def _bad_value(text: str, given: list[str], what: str) -> str | None:
    for found in BAD_VALUES.finditer(text):
        word = found.group(0)
        if not any(word in g for g in given):
            excerpt = text if len(text) < 120 else text[:117] + "…"
            return f"{what} says '{word}', an undefined value: {excerpt!r}"
    return None


def walks(pack: Pack, count: int, seed: str = "0") -> Iterator[WalkFailure]:
    """`count` walks through `pack`, yielding each failure as it happens.

    Every third walk has no participant name, so templates must cope with an empty one.
    """
    names = ("Dana", None, "Ana María")
    for i in range(count):
        failed = walk(pack, f"{seed}:{i}", names[i % 3])
        if failed is not None:
            yield failed
