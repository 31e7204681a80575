"""The check-in on earlier commitments: what comes due, and what answering it changes."""

from __future__ import annotations

import random
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

from conftest import ROOT

from coach.catalog import find_pack
from coach.checkin import due_items, record
from coach.store import SessionStore
from coach.tui.app import Setup, make_app

DANA = "2026-11-02-0930-vmyh"


def samples(tmp_path: Path) -> SessionStore:
    shutil.copytree(ROOT / "sessions", tmp_path / "s")
    return SessionStore(tmp_path / "s")


def test_due_items_are_the_oldest_open_ones_of_this_leader(tmp_path: Path) -> None:
    store = samples(tmp_path)
    due = due_items(store, date(2026, 11, 28), "dana")
    # Her commitments only (the coach's insight due on 2026-11-09 was never promised), the
    # step she chose to work on first (Builds loyalty) leading, then the oldest.
    assert [d.due for d in due] == ["2026-11-13", "2026-11-05", "2026-11-06"]
    assert due[0].focus and due[0].trait_title == "Builds loyalty"
    assert all(d.item.own for d in due)
    assert due_items(store, date(2026, 11, 28), "Sam") == []  # Dana's are not Sam's
    assert due_items(store, date(2026, 11, 4), "Dana") == []  # nothing due yet


def test_recording_updates_the_old_session_and_returns_the_new_records(tmp_path: Path) -> None:
    store = samples(tmp_path)
    due = due_items(store, date(2026, 11, 28), "Dana")
    records = record(
        store, zip(due, ["done", "partly", "drop"], strict=True), "new", date(2026, 11, 28)
    )
    assert [r.answer for r in records] == ["done", "partly", "drop"]
    items = {a["id"]: a for a in store.load(DANA)["action_items"]}
    assert [items[d.item.id]["status"] for d in due] == ["done", "open", "dropped"]
    assert items[due[0].item.id]["checked"] == {
        "on": "2026-11-28",
        "answer": "done",
        "in": "new",
    }


async def test_the_reflection_opens_with_the_check_in(tmp_path: Path) -> None:
    store = samples(tmp_path)
    clock = lambda: datetime(2026, 11, 28, 9, tzinfo=UTC)  # noqa: E731
    setup = Setup(store=store, packs=[find_pack(None, [])], clock=clock, rng=random.Random(1),
                  name="Dana")  # fmt: skip
    app = make_app(setup)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert type(app.screen).__name__ == "CheckinScreen"
        await pilot.press("1", "2", "4")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReflectScreen"
        heard = [n.message for n in app._notifications]  # each answer said back
        assert heard[-3:] == [
            "Good. That one is done.",
            "Part of it is a start. It stays on your list.",
            "Dropped. It won't come up again.",
        ]
    assert app.session is not None
    new = store.load(app.session.id)
    assert [c["answer"] for c in new["checkin"]] == ["done", "partly", "drop"]
    items = {a["id"]: a["status"] for a in store.load(DANA)["action_items"]}
    assert [items[i] for i in ("a6", "a1", "a2")] == ["done", "open", "dropped"]


def test_commitments_beyond_those_asked_about_are_counted_not_passed_over(tmp_path: Path) -> None:
    from coach.checkin import MOST, plan

    store = samples(tmp_path)
    later = plan(store, date(2026, 12, 31), "Dana")  # everything of hers has come due
    assert len(later.questions) == MOST and later.more == 2 and later.ahead == []
    assert later.ahead_text() == (
        "2 more commitments came due that I haven't asked about; "
        "'coach actions --all --status open' lists them."
    )
    sooner = plan(store, date(2026, 11, 28), "Dana")
    assert sooner.more == 1
    assert sooner.ahead_text().startswith("1 more commitment came due that I haven't asked")
    assert "Still ahead:\n    Take the whole team" in sooner.ahead_text()
