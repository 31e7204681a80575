"""Golden transcripts of three kinds of leader, read as a coach would (COACHING.md).

Each scripted leader answers the stock pack step by step (`SCRIPTS`: a step's answers in the
order it asks for them: the answer, then the replies to its probes, "by when?", the
confirmation or the offers) through a `Session`, with the clock fixed as COACH_NOW fixes it.
The transcript, the summary and the action items are compared with the checked-in
tests/data/golden/leader-*.yaml. A missing golden fails and nothing writes one unless
COACH_UPDATE_GOLDEN=1 is set on purpose (the same switch as tests/test_engine_walkthrough.py);
then read the diff, against COACHING.md, before committing it.
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.catalog import find_pack
from coach.checkin import item_due
from coach.session import Session, clock_from_env
from coach.store import SessionStore

GOLDEN = Path(__file__).parent / "data" / "golden"
NOW = {"COACH_NOW": "2026-11-28T09:00:00+00:00"}  # a Saturday

SCRIPTS: dict[str, dict[str, list[str]]] = {
    # Says as little as possible, vague to the end; skips where it may.
    "terse": {
        "favourite_leader": ["good guy", "idk"],
        "coach_recall": ["showed me stuff", "calls"],
        "coach_rating": ["3"],
        "coach_example": ["not really", "dunno"],
        "coach_commit": ["ok", "ride along i guess", "idk"],
        "creativity_recall": [":skip"],
        "creativity_rating": ["3"],
        "creativity_example": ["idk"],
        "creativity_commit": ["ask them", "whenever"],
        "loyalty_recall": ["fair"],
        "loyalty_rating": ["5"],
        "loyalty_example": ["they'd say nothing, they don't talk to me", "no idea"],
        "loyalty_commit": ["idk", "no"],
        "connect_recall": [":skip"],
        "connect_rating": ["2", "busy"],
        "connect_example": ["no time", "dunno"],
        "connect_commit": ["lunch", "soon"],
        "confidence_recall": [":skip"],
        "confidence_rating": ["3"],
        "confidence_example": [":skip"],
        "confidence_commit": ["tell my boss about a win", "nxt week"],
        "close_loyalty": ["idk", "he was fair"],
        "close_loyalty_confirm": [":skip"],
        "close_focus": ["3"],
    },
    # Answers everything, but through maybes, I-thinks and I'll-trys.
    "hedging": {
        "favourite_leader": [
            "I guess she sort of believed in me, maybe.",
            "She came to my first big pitch at Initech, I think.",
        ],
        "coach_recall": ["I think he kind of showed me how to run demos, probably."],
        "coach_rating": ["probably a 4", "4"],
        "coach_example": ["I try to show them, when I can.", "Maybe on a call last week with Ana."],
        "coach_commit": [
            "I'll try to ride along with someone at some point",
            "Ride along with Ana on Thursday's discovery call",
        ],
        "creativity_recall": ["Maybe she asked what I thought, sort of."],
        "creativity_rating": ["3 - maybe"],
        "creativity_example": [
            "I think I mostly gave them the plan, to be fair.",
            "Probably I could ask more.",
        ],
        "creativity_commit": [
            "Maybe ask Tom for his plan for the Acme renewal",
            "Ask Tom for his plan for the Acme renewal before our 1:1 on Tuesday",
        ],
        "loyalty_recall": ["I suppose he had my back, kind of."],
        "loyalty_rating": ["4 I guess"],
        "loyalty_example": ["I think I backed Sam on pricing, maybe a month ago."],
        "loyalty_commit": ["Try to back whoever needs it", "Back Sam in Friday's pricing review"],
        "connect_recall": ["Not sure, maybe lunches?"],
        "connect_rating": ["2", "I guess I'm busy, sort of."],
        "connect_example": ["I don't know, maybe we had coffee once.", "Probably Ana, in October."],
        "connect_commit": [
            "Maybe tell them I'm not great at remembering birthdays, I guess",
            "by the end of next week",
        ],
        "connect_offer": ["sure, why not"],
        "confidence_recall": ["I guess she was happy for me, probably."],
        "confidence_rating": ["4"],
        "confidence_example": ["I think I kind of told the team about Joe's deal."],
        "confidence_commit": [
            "I'll try to mention Joe's win to my VP by Friday",
            "Tell my VP about Joe's Initech deal by Friday",
        ],
        "close_loyalty": ["I suppose she was fair, and kind of had my back, maybe."],
        "close_loyalty_confirm": ["loyalty I guess"],
        "close_focus": ["builds"],
    },
    # Names people, days and numbers, and says the uncomfortable thing.
    "candid": {
        "favourite_leader": [
            "Maria, my first manager at Acme, rode along on every discovery "
            "call for a month and then let me lead."
        ],
        "coach_recall": [
            "She sat beside me on calls, took the first five minutes herself, "
            "then passed the call to me."
        ],
        "coach_rating": ["2", "Pipeline reviews take my Mondays and Tuesdays, and I let them."],
        "coach_example": [
            "Last Tuesday I explained objection handling to Tom in my office "
            "instead of taking him on the Globex call.",
            "Honestly, not since October.",
        ],
        "coach_commit": [
            "Take Tom on the Globex renewal call on Thursday and let him run the first ten minutes"
        ],
        "creativity_recall": [
            "He asked how I'd get to 120% of quota and used my partner idea in the regional plan."
        ],
        "creativity_rating": ["4"],
        "creativity_example": [
            "In Ana's Q4 plan she proposed the partner webinar; I used it and "
            "credited her in the all-hands."
        ],
        "creativity_commit": [
            "Ask Ben for his plan for the Hooli deal before I share mine, by Wednesday"
        ],
        "loyalty_recall": [
            "When finance clawed back my commission, he fought it for two weeks and won."
        ],
        "loyalty_rating": ["3"],
        "loyalty_example": ["Tom would say I'm slower for him than for Priya, and he'd be right."],
        "loyalty_commit": ["Give Tom the same Friday half hour I give Priya, starting 4 Dec"],
        "connect_recall": [
            "She told us about her own failed launch at the offsite, and asked "
            "about my daughter by name."
        ],
        "connect_rating": ["1", "I keep it strictly business, and the team knows it."],
        "connect_example": [
            "i dont have time for that honestly, we have lunch as a team on fridays",
            "Ana, probably. She's new and I barely know her.",
        ],
        "connect_commit": [
            "Tell the team at Monday's stand-up that I've been all business, and ask Ana to coffee"
        ],
        "confidence_recall": ["He put me up for his own job when he moved to the VP role."],
        "confidence_rating": ["5", "Dana would say I pushed her for the team lead role in March."],
        "confidence_example": [
            "When Joe closed Initech I felt a bit threatened, it beat my record.",
            "Tell him so, at the Monday stand-up, in front of the team.",
        ],
        "confidence_commit": ["Name Joe's Initech win in Monday's stand-up on 30 Nov"],
        "close_loyalty": ["He showed me how on calls and he always had my back."],
        "close_loyalty_confirm": ["loyalty"],
        "close_focus": ["builds"],
        "close_offer": ["yes"],
    },
}


def run(name: str, tmp_path: Path) -> dict[str, Any]:
    """The leader's reflection from start to finish, as a reader checks it."""
    script = {step: list(answers) for step, answers in SCRIPTS[name].items()}
    store = SessionStore(tmp_path / "sessions")
    session, _ = Session.begin(
        store, find_pack("sales-leader", []), clock_from_env(NOW), random.Random(name)
    )
    for _ in range(300):
        prompt = session.dialogue.current()
        if prompt is None:
            break
        key = f"{prompt.step}_confirm" if prompt.stage == "confirm" else prompt.step
        waiting = script.get(key, [])
        if not waiting:
            assert prompt.can_skip, f"the {name} leader has no answer for {key}: {prompt.text}"
            session.skip()
            continue
        answer = waiting.pop(0)
        session.skip() if answer == ":skip" else session.answer(answer)
    assert session.dialogue.finished, f"the {name} leader's reflection did not end"
    unused = {step: left for step, left in script.items() if left}
    assert not unused, f"the pack never asked for these answers: {unused}"
    summary = session.summary()
    turns = []
    for turn in session.dialogue.log:
        who = "Coach" if turn.role == "coach" else "Leader"
        text = "(skipped)" if turn.kind == "skip" else turn.text
        said = f"{who}: {text}"
        turns.append(said if turn.understood is None else f"{said}  [{turn.understood}]")
    return {
        "leader": name,
        "turns": turns,
        "summary": {
            "followed": summary.followed,
            "ratings": {row.title: row.score or "skipped" for row in summary.ratings},
            "loyalty": summary.loyalty,
            "action_items": [
                f"{item.text} — due {item_due(item.due, item.defaulted)} "
                f"({'your commitment' if item.own else 'the coach’s ' + item.kind})"
                for item in summary.action_items
            ],
        },
    }


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_each_kind_of_leader_reads_as_its_golden(name: str, tmp_path: Path) -> None:
    actual = run(name, tmp_path)
    golden = GOLDEN / f"leader-{name}.yaml"
    if os.environ.get("COACH_UPDATE_GOLDEN") == "1":
        golden.write_text(
            yaml.safe_dump(actual, sort_keys=False, allow_unicode=True, width=100),
            encoding="utf-8",
        )
    if not golden.exists():
        pytest.fail(
            f"no golden file {golden}: run with COACH_UPDATE_GOLDEN=1 to write it, then read "
            "it against COACHING.md before committing it"
        )
    assert actual == yaml.safe_load(golden.read_text(encoding="utf-8"))


def test_a_missing_leader_golden_fails_and_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COACH_UPDATE_GOLDEN", raising=False)
    monkeypatch.setattr(__import__(__name__), "GOLDEN", tmp_path)
    with pytest.raises(pytest.fail.Exception, match="no golden file"):
        test_each_kind_of_leader_reads_as_its_golden("terse", tmp_path)
    assert not list(tmp_path.glob("leader-*.yaml"))
