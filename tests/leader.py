"""A scripted leader: answers whatever the dialogue asks, in a fixed, believable way.

Used for stock-pack walkthroughs, whose exact questions change as the pack is edited: the
answers follow the prompt's kind, so a golden transcript shows what the pack now says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from itertools import cycle
from typing import Any

from coach.engine import Dialogue, Prompt

STORIES = (
    "My first manager rode along on my calls and showed me how to open with a question.",
    "Last month I told the new reps in our Monday meeting how to run discovery.",
    "maybe",
    "She never played favourites and went to battle with finance for my deal.",
    "ok",
    "I spend most of my 1:1 time with my top performer, honestly.",
    "We had lunch together after the quarter closed and she asked about my kids.",
    "When Ana beat my old record I felt a bit threatened, then proud.",
)
COMMITMENTS = (
    "Ride along with Priya on two discovery calls by Friday",
    "Ask each rep for their plan before I give mine",
    "Book equal 1:1 time with every rep next week",
    "Take the team to lunch by the end of the month",
    "Introduce Ana to the VP of sales in 2 weeks",
)
RATINGS = ("2", "four", "3/5", "1", "5")


def answers(dialogue: Dialogue) -> Iterator[str]:
    """Yield the leader's next answer until the dialogue is over; the same every time."""
    stories, commitments, ratings = cycle(STORIES), cycle(COMMITMENTS), cycle(RATINGS)
    while (prompt := dialogue.current()) is not None:
        if prompt.stage == "due":
            yield "next Tuesday"
        elif prompt.stage == "confirm":
            yield "1"
        elif prompt.kind == "rating":
            yield next(ratings)
        elif prompt.kind == "choice":
            yield prompt.options[-1].label.lower()
        elif prompt.kind == "commit":
            yield next(commitments)
        else:
            yield next(stories)


def drive(
    session: Any, answer: Callable[[Prompt], str | None], until: str | None = None
) -> Prompt | None:
    """Answer each prompt of `session` with `answer(prompt)` (None skips it) until step
    `until` is asked or the reflection ends; the prompt it stopped at."""
    while (prompt := session.dialogue.current()) is not None and prompt.step != until:
        text = answer(prompt)
        session.skip() if text is None else session.answer(text)
    return prompt
