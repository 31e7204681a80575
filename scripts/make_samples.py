"""Regenerate the sample transcripts in sessions/ (demos, docs and tests read them).

    python scripts/make_samples.py

Each sample is a real reflection through the same Session the CLI uses, with a frozen clock,
so the files change only when the stock pack or the transcript format does.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

from coach.catalog import PackFile, find_pack
from coach.session import Session
from coach.store import SessionStore

ROOT = Path(__file__).resolve().parent.parent

# What Dana says to each question; follow-up questions get the step's second answer.
DANA: dict[str, list[str]] = {
    "favourite_leader": [
        "Carla, my first regional manager. She sat in the car with me after every call and "
        "asked what I'd do differently."
    ],
    "coach_recall": [
        "She rode along on my first twenty calls and showed me how to open with a question."
    ],
    "coach_rating": ["3", "Pipeline reviews eat my week, so I end up coaching from the office."],
    "coach_example": [
        "Last month I told the new reps in our Monday meeting how to run discovery.",
        "Honestly, not since September, when I took Priya to the Halvorsen meeting.",
    ],
    "coach_commit": ["Ride along with Priya on two discovery calls by Friday"],
    "creativity_recall": [
        "He asked how I planned to hit the number, then let me run my own territory plan."
    ],
    "creativity_rating": ["4", "When a deal is big I still take over the plan myself."],
    "creativity_example": [
        "I asked Tom how he'd approach the Acme renewal and he found a bundle I'd never have "
        "seen. I told the team it was his idea."
    ],
    "creativity_commit": [
        "Ask each rep for their plan before I give mine, at Thursday's pipeline review"
    ],
    "loyalty_recall": [
        "She never played favourites, and went to battle with finance when my deal stalled."
    ],
    "loyalty_rating": ["2", "I spend more time with the reps who close the big deals."],
    "loyalty_example": [
        "I spend most of my 1:1 time with Jordan because he closes the big deals.",
        "The newer reps get fifteen minutes and a checklist; Jordan gets an hour.",
    ],
    "loyalty_commit": ["Book equal 1:1 time with every rep, starting next week"],
    "connect_recall": [
        "She told us about the quarter she missed her number and what she learned from it."
    ],
    "connect_rating": ["2", "We're slammed; there's no time for the social side."],
    "connect_example": [
        "Lunch with the SDR team in October. It was the first time I met half of them.",
    ],
    "connect_commit": ["Take the whole team, SDRs included, to lunch by the end of the month"],
    "confidence_recall": [
        "He was thrilled when I beat his old record, and told the VP it was mine."
    ],
    "confidence_rating": ["4", "Ana would say I pushed her to apply for the manager role."],
    "confidence_example": [
        "When Ana was promoted past my level I felt threatened for a week, then proud.",
        "Telling her so, out loud, and asking what she wanted next.",
    ],
    "confidence_commit": ["Introduce Ana to the VP of sales in 2 weeks"],
    "close_loyalty": [
        "She went to battle for me with finance and she was always fair. I'd have followed "
        "her anywhere."
    ],
    "close_focus": ["builds loyalty"],
}


def answer_for(step: str, stage: str, answers: dict[str, list[str]]) -> str:
    """Dana's answer to a step: the first for the question, the second for follow-ups."""
    options = answers.get(step, ["1"])
    if stage == "due":
        return "next Tuesday"
    if stage == "confirm":
        return "1"
    return options[min(len(options) - 1, 0 if stage == "main" else 1)]


def make(
    store: SessionStore, name: str, when: datetime, answers: dict[str, list[str]], stop: int
) -> str:
    found = find_pack("sales-leader", [])
    # Recorded relative to the checkout, so a sample names no one's machine.
    pack_file = PackFile(found.path.relative_to(ROOT), found.pack, found.stock)
    session, _ = Session.begin(store, pack_file, lambda: when, random.Random(name), name=name)
    for _ in range(stop):
        prompt = session.dialogue.current()
        if prompt is None:
            break
        answer = answer_for(prompt.step, prompt.stage, answers)
        if prompt.stage == "confirm" and prompt.suggested:  # agree with the coach's reading
            ids = [option.id for option in prompt.options]
            answer = str(ids.index(prompt.suggested) + 1)
        session.answer(answer)
    session.close()
    return session.id


def main() -> None:
    folder = ROOT / "sessions"
    for old in folder.glob("*.yaml"):
        old.unlink()
    store = SessionStore(folder)
    complete = make(store, "Dana", datetime(2026, 11, 2, 9, 30, tzinfo=UTC), DANA, 200)
    paused = make(store, "Sam", datetime(2026, 11, 20, 16, 5, tzinfo=UTC), DANA, 9)
    for session_id in (complete, paused):
        print(store.load(session_id)["status"], folder / f"{session_id}.yaml")


if __name__ == "__main__":
    main()
