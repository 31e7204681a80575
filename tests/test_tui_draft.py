"""Nothing typed is lost: an unsent answer survives a pause (and a closed terminal)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from conftest import DATA

from coach.catalog import find_pack
from coach.session import Session
from coach.store import SessionStore
from coach.tui.app import Setup, make_app
from coach.tui.widgets.answer_box import AnswerBox


async def test_a_draft_is_saved_on_pause_and_offered_on_resume(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path)
    pack = find_pack(str(DATA / "packs" / "tiny.yaml"), [])
    app = make_app(Setup(store=store, packs=[pack], clock=clock, rng=random.Random(1), name="Dana"))
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        app.screen.query_one(AnswerBox).text = "half a thought [TODO] {{ x }}"
        await pilot.press("escape")
    assert app.session is not None and app.session.ending is not None
    assert app.session.ending.status == "paused"
    session_id = app.session.ending.session_id
    doc = store.load(str(session_id))
    assert doc["draft"] == {
        "step": "recall",
        "stage": "main",
        "text": "half a thought [TODO] {{ x }}",
    }

    resumed = Session.resume(store, session_id, clock, [])
    again = make_app(Setup(store=store, packs=[pack], clock=clock, rng=random.Random(1),
                           resume=resumed))  # fmt: skip
    async with again.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        box = again.screen.query_one(AnswerBox)
        assert box.text == "half a thought [TODO] {{ x }}"
        await pilot.press("enter")
        await again.workers.wait_for_complete()
        await pilot.pause()
    doc = store.load(str(session_id))
    assert "draft" not in doc
    assert doc["turns"][-3]["text"] == "half a thought [TODO] {{ x }}" or any(
        t["text"] == "half a thought [TODO] {{ x }}" and t["role"] == "leader" for t in doc["turns"]
    )
