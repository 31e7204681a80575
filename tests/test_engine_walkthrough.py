"""Table-driven walkthroughs: a pack, the answers a leader gives, and the transcript that must
come out. Goldens live in tests/data/golden; regenerate with COACH_UPDATE_GOLDEN=1 and read the
diff before committing it. A missing golden fails: nothing else ever writes one."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.engine import Dialogue, Pack, Reply, Turn

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
        "turns": [line(t) for t in dialogue.log],
    }


def line(turn: Turn) -> str:
    """A turn as one golden line; what the engine understood follows after ` => `."""
    said = f"{turn.n} {turn.role}/{turn.kind} [{turn.step}] {turn.text}"
    return said if turn.understood is None else f"{said} => {turn.understood}"


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


def updating_goldens() -> bool:
    """Only `COACH_UPDATE_GOLDEN=1`, said on purpose, writes goldens: a missing golden is a
    failure, never a file that quietly agrees with whatever the engine does today."""
    return os.environ.get("COACH_UPDATE_GOLDEN") == "1"


def compare_with_golden(name: str, actual: dict[str, Any]) -> None:
    golden = GOLDEN / f"{name}.yaml"
    if updating_goldens():
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(
            yaml.safe_dump(actual, sort_keys=False, allow_unicode=True, width=100),
            encoding="utf-8",
        )
    if not golden.exists():
        pytest.fail(
            f"no golden file {golden}: "
            "run with COACH_UPDATE_GOLDEN=1 to write it, then read it before committing it"
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


@pytest.mark.parametrize("setting", [None, "", "0", "yes"])
def test_a_missing_golden_fails_and_is_not_written(
    setting: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "GOLDEN", tmp_path)
    if setting is None:
        monkeypatch.delenv("COACH_UPDATE_GOLDEN", raising=False)
    else:
        monkeypatch.setenv("COACH_UPDATE_GOLDEN", setting)
    with pytest.raises(pytest.fail.Exception, match=r"no golden file .*COACH_UPDATE_GOLDEN=1"):
        compare_with_golden("new-walk", {"turns": []})
    assert list(tmp_path.iterdir()) == []


def test_only_coach_update_golden_1_writes_a_golden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys.modules[__name__], "GOLDEN", tmp_path)
    monkeypatch.setenv("COACH_UPDATE_GOLDEN", "1")
    compare_with_golden("new-walk", {"turns": ["1 coach/question [a] Hi?"]})
    monkeypatch.delenv("COACH_UPDATE_GOLDEN")
    compare_with_golden("new-walk", {"turns": ["1 coach/question [a] Hi?"]})
    with pytest.raises(AssertionError):
        compare_with_golden("new-walk", {"turns": []})
