"""Properties of every shipped pack, not only the tiny one: whatever a leader types, the
dialogue ends or waits for an answer, never raises, and a restored snapshot has exactly the
original's future.

The number of examples comes from the Hypothesis profile: `dev` (the default, quick) or `ci`
(set by `CI=true`, as .ci/run runs): 500 answer sequences per pack and property, thousands in all.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import datetime

import pytest
from conftest import ROOT, read_pack
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.engine import Dialogue, Pack

PACKS = {path.stem: read_pack(path) for path in sorted((ROOT / "prompts").glob("*.yaml"))}

ANSWERS = st.lists(
    st.one_of(
        st.sampled_from([":back", ":skip", "ok", "maybe", "not sure", "3", "seven", "1", "2", "5",
                         "fair", "idk", "in 99999999 days", "by Friday", "", "   ",
                         "She showed me on a call and let me run the demo myself",
                         "I'll ask every rep for their plan at Monday's pipeline review"]),
        st.text(max_size=60),
    ),
    max_size=80,
)  # fmt: skip
Clock = Callable[[], datetime]


def play(d: Dialogue, answers: list[str]) -> None:
    for answer in answers:
        if d.finished:
            return
        if answer == ":back":
            d.back()
        elif answer == ":skip":
            d.skip()
        else:
            d.answer(answer)


def finish(d: Dialogue) -> None:
    """A patient leader: skip where allowed, else a plain answer the question accepts."""
    for _ in range(400):
        if d.finished:
            return
        prompt = d.current()
        assert prompt is not None
        if prompt.can_skip and d.skip().accepted:
            continue
        if prompt.kind == "rating" and prompt.scale:
            d.answer(str(prompt.scale.min))
        elif prompt.kind == "choice":
            d.answer("1")
        else:
            d.answer("I will ask one open question in each 1:1 by Friday")
    raise AssertionError("the dialogue did not end")


@pytest.mark.parametrize("name", PACKS)
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=ANSWERS)
def test_any_answers_to_a_stock_pack_end_or_wait(
    name: str, answers: list[str], clock: Clock
) -> None:
    pack: Pack = PACKS[name]
    d = Dialogue(pack, clock, seed="walk")
    d.start()
    play(d, answers)
    assert d.finished or d.current() is not None
    finish(d)
    json.dumps(d.snapshot())


@pytest.mark.parametrize("name", PACKS)
@settings(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(before=ANSWERS, after=ANSWERS)
def test_a_restored_stock_pack_session_has_the_same_future(
    name: str, before: list[str], after: list[str], clock: Clock
) -> None:
    pack: Pack = PACKS[name]
    original = Dialogue(pack, clock, seed="same")
    original.start()
    play(original, before)
    snap = copy.deepcopy(original.snapshot())
    restored = Dialogue.restore(pack, json.loads(json.dumps(snap)), clock, list(original.log))
    for d in (original, restored):
        play(d, after)
        finish(d)
    assert restored.log == original.log
    assert restored.snapshot() == original.snapshot()
    assert restored.action_items() == original.action_items()
