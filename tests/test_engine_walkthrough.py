"""Table-driven walkthroughs: a pack, the answers a leader gives, and the transcript that must
come out. Goldens live in tests/data/golden; regenerate with COACH_UPDATE_GOLDEN=1 and read the
diff before committing it."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.engine import Dialogue, Pack, Reply

GOLDEN = Path(__file__).parent / "data" / "golden"


def drive(dialogue: Dialogue, answers: list[str]) -> list[Reply]:
    """Play answers the way the line mode does: `:back` and `:skip` are commands."""
    replies = [dialogue.start()]
    for answer in answers:
        if answer == ":back":
            replies.append(dialogue.back())
        elif answer == ":skip":
            replies.append(dialogue.skip())
        else:
            replies.append(dialogue.answer(answer))
    return replies


def record(dialogue: Dialogue) -> dict[str, Any]:
    return {
        "finished": dialogue.finished,
        "ratings": dialogue.ratings(),
        "loyalty": dialogue.classification(),
        "variables": dict(dialogue.variables),
        "action_items": [a.to_dict() for a in dialogue.action_items()],
        "turns": [f"{t.n} {t.role}/{t.kind} [{t.step}] {t.text}" for t in dialogue.log],
    }


WALKS: dict[str, tuple[str, list[str]]] = {
    "tiny-vague-then-concrete": (
        "tiny",
        [
            "ok",  # too short → probe
            "maybe they listened",  # hedged → probe (budget now spent)
            "They asked me questions and waited",
            "seven",  # not on the scale → re-ask
            "2/5",
            "I'll ask more questions",  # no timeframe → asked once
            "by Friday",
            "2",
            "I pick favourites sometimes",
            "She was fair and never had a favourite, and she listened",
            "fair",
        ],
    ),
    "tiny-back-skip-and-branch": (
        "tiny",
        [
            ":skip",  # recall is skippable
            "3",
            ":back",  # back to the rating
            ":back",  # back to recall
            "My first manager told me how to run discovery calls",  # telling → probe
            "She showed me on a call the week after",
            "four",
            "Ask one open question per 1:1 in 3 days",
            "5",  # fair rating ≥ 4 branches past fair_why
            "She listened",  # one weak hit → confirmation
            "2",
            "list",  # unique prefix of Listening
        ],
    ),
}


def compare_with_golden(name: str, actual: dict[str, Any]) -> None:
    golden = GOLDEN / f"{name}.yaml"
    if os.environ.get("COACH_UPDATE_GOLDEN") or not golden.exists():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(
            yaml.safe_dump(actual, sort_keys=False, allow_unicode=True, width=100),
            encoding="utf-8",
        )
    assert actual == yaml.safe_load(golden.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(WALKS))
def test_walkthrough_matches_golden(
    name: str, request: pytest.FixtureRequest, clock: Callable[[], datetime]
) -> None:
    pack_name, answers = WALKS[name]
    pack: Pack = request.getfixturevalue(pack_name)
    dialogue = Dialogue(pack, clock, seed=name, participant="Dana")
    drive(dialogue, answers)
    compare_with_golden(name, record(dialogue))


def test_the_stock_pack_from_start_to_finish(sales: Pack, clock: Callable[[], datetime]) -> None:
    """A whole sales-leader reflection by a scripted leader; the golden is the transcript to
    read when the pack's words change."""
    import leader

    dialogue = Dialogue(sales, clock, seed="golden", participant="Dana")
    dialogue.start()
    for count, answer in enumerate(leader.answers(dialogue)):
        assert count < 200, "the reflection does not end"
        dialogue.answer(answer)
    actual = record(dialogue)
    assert set(actual["ratings"]) == {t.id for t in sales.traits}
    assert actual["loyalty"]["trait"] in actual["ratings"]
    assert any(a["source"]["kind"] == "commitment" for a in actual["action_items"])
    compare_with_golden("sales-leader-full", actual)
