"""The coach's archive: many folders listed as one, a session in two folders shown once,
unreadable files named with their reason, filters, search with spans, what needs attention,
a leader's history and trend, marking an item and adding a note.

Sessions are the samples in sessions/ (copied) and reflections made here through the same
`Session` the CLI drives, on the tiny pack, with their own frozen clocks.
"""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import yaml
from conftest import DATA, NOW, ROOT

from coach import archive as archive_module
from coach.archive import Archive, FollowThrough, leader_key, search_terms
from coach.catalog import find_pack
from coach.session import Session
from coach.share import share
from coach.store import SessionBusy, SessionStore, StoreError
from coach.store.index import INDEX_FILE, Index

DANA, SAM = "2026-11-02-0930-vmyh", "2026-11-20-1605-dl20"
TODAY = NOW.date()  # Sat 28 Nov 2026
TINY = DATA / "packs" / "tiny.yaml"
RECALL = "They asked me questions about my week and waited for every answer"


def reflect(
    folder: Path,
    name: str | None,
    when: datetime,
    *,
    rating: int = 2,
    fair: int = 2,
    commit: str = "I'll ask more questions in every 1:1",
    loyalty: str = "She listened",
    stop: int | None = None,
) -> str:
    """A reflection on the tiny pack, answered through the Session (saved after every
    answer) and let go, as when its process ends; `stop` leaves it unfinished."""
    answers = {
        ("recall", "main"): RECALL,
        ("rating", "main"): str(rating),
        ("commit", "main"): commit,
        ("commit", "due"): "by Friday",
        ("fair_rating", "main"): str(fair),
        ("fair_why", "main"): "I pick favourites sometimes",
        ("loyalty", "main"): loyalty,
        ("loyalty", "confirm"): "1",
        ("focus", "main"): "1",
    }
    store = SessionStore(folder)
    pack = find_pack(str(TINY), [])
    session, _ = Session.begin(store, pack, lambda: when, random.Random(f"{name}{when}"), name=name)
    given = 0
    while (prompt := session.dialogue.current()) is not None and (stop is None or given < stop):
        answer = answers[(prompt.step, prompt.stage)]
        if prompt.stage == "confirm" and prompt.suggested:  # agree with the coach's reading
            answer = str([o.id for o in prompt.options].index(prompt.suggested) + 1)
        assert session.answer(answer).accepted
        given += 1
    session.close()
    return session.id


def samples(folder: Path) -> Path:
    shutil.copytree(ROOT / "sessions", folder)
    return folder


def day(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}T10:00:00+00:00")


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    """A leader's folder: the two samples."""
    return samples(tmp_path / "mine")


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """A coach's folder filled by hand: Dana twice on the tiny pack (her Listening falls
    from 4 to 2), Lee once and unfinished."""
    folder = tmp_path / "team"
    reflect(folder, "Dana", day("2026-11-10"), rating=4, fair=5)
    reflect(folder, "dana ", day("2026-11-24"), rating=2, fair=5, loyalty="She was always fair")
    reflect(folder, "Lee", day("2026-11-25"), stop=2)
    return folder


# -- the core needs no UI ---------------------------------------------------------------


def test_importing_the_archive_loads_no_textual() -> None:
    code = (
        "import sys, coach.archive\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


# -- listing ------------------------------------------------------------------------------


def test_every_folder_is_listed_as_one_newest_first(mine: Path, team: Path) -> None:
    archive = Archive([mine, team])
    entries = archive.entries
    assert [(e.leader, e.started) for e in entries] == [
        ("Lee", date(2026, 11, 25)),
        ("dana ", date(2026, 11, 24)),
        ("Sam", date(2026, 11, 20)),
        ("Dana", date(2026, 11, 10)),
        ("Dana", date(2026, 11, 2)),
    ]
    assert [e.folder for e in entries] == [team, team, mine, team, mine]
    assert archive.problems == []
    assert archive.leaders() == ["dana", "Lee", "Sam"]  # the newest spelling, trimmed
    assert archive.packs() == ["sales-leader", "tiny"]
    dana = archive.get(DANA)
    assert dana.ratings()[:2] == [
        ("inspirational_coach", "Inspirational coach", 3),
        ("inspires_creativity", "Inspires creativity", 4),
    ]
    assert len(dana.overdue(TODAY)) == 7 and dana.overdue(TODAY)[0].due == "2026-11-05"
    with pytest.raises(KeyError):
        archive.get("nothing")


def test_the_newest_sessions_come_from_the_indexes_as_they_stand(
    mine: Path, team: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first screen: the newest few of every folder, one copy each, without a refresh or
    a read; a folder not yet indexed adds nothing (and gets no index from the look)."""
    fresh = samples(tmp_path / "fresh")  # the samples again, never indexed
    listed = Archive([mine, team])
    newest = [(e.id, e.folder) for e in listed.entries[:3]]
    listed.close()

    def reading(path: object, *args: object) -> None:
        raise AssertionError(f"read {path}")

    from coach.store import index as index_module

    for module in (index_module, archive_module):
        monkeypatch.setattr(module, "load_file", reading)
        monkeypatch.setattr(module, "read_header", reading)
    monkeypatch.setattr(index_module, "_scan", reading)  # nor a stat of every file
    archive = Archive([mine, team, fresh])
    glance = archive.newest(3)
    assert [(e.id, e.folder) for e in glance.entries] == newest
    assert glance.packs == ["sales-leader", "tiny"]
    assert glance.entries[1].facts.loyalty_title == "Fairness"
    assert not archive.loaded and not (fresh / INDEX_FILE).exists()
    assert [e.id for e in Archive([fresh]).newest(5).entries] == []


def test_a_first_look_at_an_index_being_written_adds_nothing_and_harms_nothing(
    mine: Path,
) -> None:
    Archive([mine]).refresh()
    other = sqlite3.connect(mine / INDEX_FILE)
    other.execute("BEGIN EXCLUSIVE")  # as a long write in another coach process
    try:
        assert Archive([mine]).newest(5).entries == []  # waited GLANCE_WAIT, not 30 s
    finally:
        other.rollback()
        other.close()
    assert len(Archive([mine]).newest(5).entries) == 2


def test_the_newest_put_a_stamp_in_another_time_zone_by_its_instant(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    late = reflect(folder, "Ana", datetime(2026, 11, 10, 23, 30, tzinfo=UTC))
    early = reflect(folder, "Bo", datetime.fromisoformat("2026-11-11T08:00:00+09:00"))
    Archive([folder]).refresh()
    assert [e.id for e in Archive([folder]).newest(2).entries] == [late, early]


def test_a_session_in_two_folders_is_shown_once_as_its_newest_copy(
    mine: Path, tmp_path: Path
) -> None:
    coach_dir = tmp_path / "coach"
    share(SessionStore(mine), [DANA, SAM], coach_dir, NOW.isoformat(), summary_only=False)
    # The coach's copy of Sam is newer than the leader's file (shared after a later save).
    doc = yaml.safe_load((coach_dir / f"{SAM}.yaml").read_text())
    doc["updated_at"] = "2026-11-21T08:00:00+00:00"
    doc["ratings"]["inspirational_coach"] = 5
    SessionStore(coach_dir).save(doc)
    archive = Archive([mine, coach_dir])
    assert [e.id for e in archive.entries] == [SAM, DANA]
    sam, dana = archive.entries
    assert sam.folder == coach_dir and sam.header.ratings["inspirational_coach"] == 5
    assert sam.copies == (mine / f"{SAM}.yaml",) and sam.shared
    # The same updated_at: the first folder named wins, and its copy is listed.
    assert dana.folder == mine and dana.copies == (coach_dir / f"{DANA}.yaml",)
    assert Archive([coach_dir, mine]).get(DANA).folder == coach_dir


def test_a_summary_copy_gives_way_to_the_whole_session_of_the_same_time(
    mine: Path, tmp_path: Path
) -> None:
    summaries = tmp_path / "summaries"
    share(SessionStore(mine), [DANA], summaries, NOW.isoformat(), summary_only=True)
    archive = Archive([summaries, mine])
    assert archive.get(DANA).folder == mine
    assert [m.entry.id for m in archive.search("Priya")] == [SAM, DANA]


def test_the_same_folder_named_twice_is_read_once(mine: Path) -> None:
    archive = Archive([mine, mine / ".." / "mine"])
    assert archive.folders == (mine,) and len(archive.entries) == 2


def test_unreadable_files_are_listed_with_their_reason(mine: Path, tmp_path: Path) -> None:
    (mine / "2026-11-03-1000-bad1.yaml").write_text("schema: 1\nid: [oops\n")
    wrong = yaml.safe_load((mine / f"{DANA}.yaml").read_text())
    wrong["id"] = "2026-11-04-1000-bad2"
    wrong["ratings"] = {"confident": "lots"}
    (mine / "2026-11-04-1000-bad2.yaml").write_text(yaml.safe_dump(wrong, sort_keys=False))
    archive = Archive([mine, tmp_path / "gone"])
    assert [e.id for e in archive.entries] == [SAM, DANA]
    reasons = {p.path.name: (p.message, p.line) for p in archive.problems}
    assert reasons["gone"] == ("there is no such folder", None)
    message, line = reasons["2026-11-03-1000-bad1.yaml"]
    assert message.startswith("the session file is not valid YAML") and line == 3
    message, line = reasons["2026-11-04-1000-bad2.yaml"]
    assert message == "the field 'ratings.confident' must be a whole number, not the text 'lots'"
    assert line is not None


def test_a_file_whose_answers_cannot_be_read_is_passed_over_by_search(mine: Path) -> None:
    path = mine / f"{SAM}.yaml"
    text = path.read_text()
    path.write_text(text.replace("turns:\n", "turns:\n- n: [\n", 1))  # the header still reads
    archive = Archive([mine])
    assert [e.id for e in archive.entries] == [SAM, DANA] and not archive.problems
    assert [m.entry.id for m in archive.search("Priya")] == [DANA]
    assert [p.path.name for p in archive.problems] == [path.name]
    with pytest.raises(StoreError):
        archive.load(SAM)


def test_a_refresh_rereads_only_what_changed(mine: Path, team: Path) -> None:
    archive = Archive([mine, team])
    before = {e.id: e.header for e in archive.entries}
    reflect(team, "Ana", day("2026-11-27"))  # the store indexed it at every save
    said: list[tuple[int, int]] = []
    archive.refresh(lambda done, total: said.append((done, total)))
    assert said == [] and len(archive.entries) == 6
    # A file filled from elsewhere (a synced folder) is read at the next refresh, alone.
    copy = yaml.safe_load((mine / f"{SAM}.yaml").read_text())
    copy["id"] = "2026-11-26-0800-ext1"
    (team / "2026-11-26-0800-ext1.yaml").write_text(yaml.safe_dump(copy, sort_keys=False))
    archive.refresh(lambda done, total: said.append((done, total)))
    assert said == [(1, 1)]
    after = {e.id: e.header for e in archive.entries}
    assert len(after) == 7 and after["2026-11-26-0800-ext1"].participant == "Sam"
    assert all(after[i] is header for i, header in before.items())  # the same objects


# -- filters and search -------------------------------------------------------------------


def test_filters_narrow_by_leader_pack_status_and_days(mine: Path, team: Path) -> None:
    archive = Archive([mine, team])

    def ids(**filters: object) -> list[tuple[str, date | None]]:
        return [(e.leader.strip(), e.started) for e in archive.filter(**filters)]  # type: ignore[arg-type]

    assert [d for _, d in ids(leader="DANA")] == [
        date(2026, 11, 24), date(2026, 11, 10), date(2026, 11, 2)
    ]  # fmt: skip
    assert ids(pack="sales-leader") == [("Sam", date(2026, 11, 20)), ("Dana", date(2026, 11, 2))]
    assert ids(status="in_progress") == [("Lee", date(2026, 11, 25)), ("Sam", date(2026, 11, 20))]
    assert ids(since=date(2026, 11, 20), until=date(2026, 11, 24)) == [
        ("dana", date(2026, 11, 24)), ("Sam", date(2026, 11, 20))
    ]  # fmt: skip
    assert ids(leader="dana", pack="tiny", status="complete", until=date(2026, 11, 10)) == [
        ("Dana", date(2026, 11, 10))
    ]
    assert ids(leader="nobody") == []
    assert leader_key("  Dana  Smith ") == leader_key("dana smith")


def test_search_finds_every_answer_in_any_case_with_spans_and_snippets(mine: Path) -> None:
    archive = Archive([mine])
    found = archive.search("PRIYA")
    assert [m.entry.id for m in found] == [SAM, DANA]
    dana = found[1]
    transcript = archive.load(DANA)
    texts = {t.n: t.text for t in transcript.turns}
    assert [t.n for t in dana.turns] == [12, 14]
    for turn in dana.turns:
        assert transcript.turns[turn.n - 1].role == "leader"
        assert [texts[turn.n][s:e] for s, e in turn.spans] == ["Priya"]
        assert [turn.snippet.text[s:e] for s, e in turn.snippet.spans] == ["Priya"]
    assert (
        dana.turns[0].snippet.text
        == "…since September, when I took Priya to the Halvorsen meeting."
    )
    assert dana.spans_of(14) == dana.turns[1].spans and dana.spans_of(3) == ()


def test_every_term_must_be_in_one_answer_and_a_quoted_phrase_is_kept_whole(mine: Path) -> None:
    archive = Archive([mine])
    assert [t.n for t in archive.search("priya friday")[1].turns] == [14]
    assert archive.search('"friday priya"') == []
    (match,) = archive.search('"went to   battle" finance')
    assert [t.n for t in match.turns] == [24, 54]
    text = archive.load(DANA).turns[23].text
    assert sorted(text[s:e] for s, e in match.turns[0].spans) == ["finance", "went to battle"]
    assert archive.search("   ") == [] and archive.search("zebra") == []
    assert search_terms('a "b  c" A') == ["a", "b c"]


def test_a_search_can_be_limited_to_some_sessions(mine: Path) -> None:
    archive = Archive([mine])
    assert [m.entry.id for m in archive.search("priya", archive.filter(leader="Dana"))] == [DANA]


def test_a_long_answer_gives_a_short_snippet_around_its_match(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    long_story = "word " * 60 + "the Halvorsen deal\nclosed " + "more " * 60
    reflect(folder, "Dana", day("2026-11-10"), commit=long_story.strip())
    (match,) = Archive([folder]).search("halvorsen")
    snippet = match.snippet
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert len(snippet.text) <= 110 and "\n" not in snippet.text
    assert [snippet.text[s:e] for s, e in snippet.spans] == ["Halvorsen"]


# -- needs attention ------------------------------------------------------------------------


def test_needs_attention_names_overdue_items_falls_and_unfinished_sessions(
    mine: Path, team: Path
) -> None:
    archive = Archive([mine, team])
    found = [(a.kind, a.entry.leader.strip(), a.reason) for a in archive.needs_attention(TODAY)]
    assert found == [
        ("overdue", "Dana", "7 open items overdue, the oldest due Thu 5 Nov 2026 (23 days ago): "
                            "Ask each rep for their plan before I give mine, at Thursday's pipeline review"),
        ("overdue", "Dana", "2 open items overdue, the oldest due Fri 13 Nov 2026 (15 days ago): "
                            "I'll ask more questions in every 1:1"),
        ("overdue", "dana", "1 open item overdue, the oldest due Fri 27 Nov 2026 (1 day ago): "
                            "I'll ask more questions in every 1:1"),
        ("overdue", "Sam", "1 open item overdue, the oldest due Fri 27 Nov 2026 (1 day ago): "
                           "Ride along with Priya on two discovery calls by Friday"),
        ("dropped", "dana", "rated lower: Listening 4 → 2 since Tue 10 Nov 2026"),
        ("unfinished", "Lee", "unfinished: 2 of 7 answered, last saved Wed 25 Nov 2026 (3 days ago)"),
        ("unfinished", "Sam", "unfinished: 8 of 23 answered, last saved Fri 20 Nov 2026 (8 days ago)"),
    ]  # fmt: skip


def test_nothing_needs_attention_once_items_are_done_and_ratings_rise(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    reflect(folder, "Dana", day("2026-11-10"), rating=2, fair=5)
    reflect(folder, "Dana", day("2026-11-24"), rating=3, fair=5)
    archive = Archive([folder])
    for entry in archive.entries:
        for item in entry.overdue(TODAY):
            archive.mark(entry, item.id, "done", TODAY)
    assert archive.needs_attention(TODAY) == []


# -- following a leader ---------------------------------------------------------------------


def test_a_leaders_history_and_trend_read_oldest_first(mine: Path, team: Path) -> None:
    archive = Archive([mine, team])
    history = archive.history("Dana")
    assert [t.started_at[:10] for t in history] == ["2026-11-02", "2026-11-10", "2026-11-24"]
    assert all(not t.turns for t in history)  # headers: a trend reads no conversation
    trend = archive.trend("DANA", TODAY)
    assert trend.leader == "dana"
    assert trend.days == (date(2026, 11, 2), date(2026, 11, 10), date(2026, 11, 24))
    assert trend.ratings["listening"] == (None, 4, 2)
    assert trend.ratings["builds_loyalty"] == (2, None, None)
    assert [lo.trait for lo in trend.loyalty] == ["builds_loyalty", "listening", "fairness"]
    assert trend.loyalty[2].answer == "She was always fair"
    assert dict(trend.traits)["fairness"] == "Fairness"
    assert trend.follow[0] == FollowThrough(done=0, open=8, dropped=0, overdue=7)
    assert [f.total for f in trend.follow] == [8, 2, 3]
    assert trend.totals() == FollowThrough(done=0, open=13, dropped=0, overdue=10)


# -- what a coach may change ----------------------------------------------------------------


def test_marking_an_item_writes_the_session_and_updates_the_listing(mine: Path) -> None:
    archive = Archive([mine])
    dana = archive.get(DANA)
    fresh = archive.mark(dana, "a2", "done", TODAY)
    assert fresh.header.action_items[1].status == "done"
    assert fresh.summary.open_actions == 7 and len(fresh.overdue(TODAY)) == 6
    assert archive.get(DANA) is fresh
    again = Archive([mine]).get(DANA).header.action_items[1]
    assert (again.status, again.checked and again.checked.on) == ("done", "2026-11-28")
    dropped = archive.mark(fresh, "a3", "dropped", TODAY)
    assert dropped.follow_through(TODAY) == FollowThrough(done=1, open=6, dropped=1, overdue=5)


def test_marking_a_session_open_elsewhere_says_so_in_one_sentence(mine: Path) -> None:
    archive = Archive([mine])
    with SessionStore(mine).lock(DANA), pytest.raises(SessionBusy) as caught:
        archive.mark(archive.get(DANA), "a1", "done", TODAY)
    assert caught.value.message.startswith(f"session {DANA} is open in another coach process")
    assert archive.get(DANA).header.action_items[0].status == "open"


def test_a_note_is_kept_beside_the_session(mine: Path) -> None:
    archive = Archive([mine])
    dana = archive.get(DANA)
    before = dana.path.read_bytes()
    archive.add_note(dana, "  Ask about [Priya]  ", author="Alex", at=NOW.isoformat())
    archive.add_note(dana, "Strong example", author="Alex", at=NOW.isoformat(), turn=14)
    assert [(n.text, n.turn) for n in archive.notes(dana)] == [
        ("Ask about [Priya]", None),
        ("Strong example", 14),
    ]
    assert dana.path.read_bytes() == before
    with pytest.raises(ValueError, match="the note is empty"):
        archive.add_note(dana, "  ", author="Alex", at=NOW.isoformat())
    with pytest.raises(ValueError, match=rf"session {DANA} has no turn 99 \(its turns are 1-59\)"):
        archive.add_note(dana, "x", author="Alex", at=NOW.isoformat(), turn=99)
    assert [e.id for e in Archive([mine]).entries] == [SAM, DANA]  # a notes file is no session


def test_loading_reads_every_turn_through_the_typed_model(mine: Path) -> None:
    transcript = Archive([mine]).load(DANA)
    assert len(transcript.turns) == 59 and transcript.participant == "Dana"
    assert transcript.complete and transcript.snapshot is not None


def test_a_session_without_a_name_or_a_readable_start_still_lists(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    session_id = reflect(folder, None, day("2026-11-10"))
    doc = yaml.safe_load((folder / f"{session_id}.yaml").read_text())
    doc["started_at"] = "sometime"
    SessionStore(folder).save(doc)
    archive = Archive([folder])
    (entry,) = archive.entries
    assert entry.leader == "" and entry.started is None
    assert archive.leaders() == [""] and archive.filter(leader="") == [entry]
    assert archive.filter(since=date(2026, 1, 1)) == []
    assert archive.trend("", TODAY).sessions == (entry.header,)


def test_a_stamp_in_another_time_zone_orders_by_its_instant(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    reflect(folder, "Ana", datetime(2026, 11, 10, 23, 30, tzinfo=UTC))
    early = reflect(folder, "Bo", datetime.fromisoformat("2026-11-11T08:00:00+09:00"))
    archive = Archive([folder])
    assert archive.entries[-1].id == early  # 23:00 UTC on the 10th: before Ana's 23:30
    assert archive.entries[-1].started == date(2026, 11, 11)  # the day it was, there


def test_a_file_without_the_words_is_not_parsed_and_accents_still_match(mine: Path) -> None:
    path = mine / f"{SAM}.yaml"
    path.write_text(path.read_text().replace("turns:\n", "turns:\n- n: [\n", 1))
    archive = Archive([mine])
    assert [m.entry.id for m in archive.search("Jordan")] == [DANA]
    assert archive.problems == []  # Sam's file holds no "Jordan": its turns were not read
    doc = yaml.safe_load((mine / f"{DANA}.yaml").read_text())
    doc["turns"][2]["text"] = "Carla ran the Café Ñandú account"
    SessionStore(mine).save(doc)
    assert [t.n for t in archive.search("CAFÉ ñandú")[0].turns] == [3]


# -- the index behind the archive -------------------------------------------------------


def test_a_save_updates_the_index_so_nothing_is_stale(mine: Path) -> None:
    archive = Archive([mine])
    assert archive.search("zanzibar") == []
    doc = yaml.safe_load((mine / f"{SAM}.yaml").read_text())
    doc["turns"][2]["text"] = "The Zanzibar deal"
    SessionStore(mine).save(doc)
    with Index(mine) as index:  # what `coach list --search` asks, before any refresh
        assert [m.session for m in index.search("zanzibar")] == [SAM]
        assert index.refresh() == 0


def test_a_folder_without_an_index_gets_none_from_a_save(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    reflect(folder, "Dana", day("2026-11-10"))
    assert not (folder / INDEX_FILE).exists()


def test_an_index_that_cannot_be_updated_costs_the_save_nothing(
    mine: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Archive([mine]).refresh()

    def broken(self: Index, name: str, doc: object = None) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(Index, "update", broken)
    doc = yaml.safe_load((mine / f"{SAM}.yaml").read_text())
    doc["turns"][2]["text"] = "The Zanzibar deal"
    SessionStore(mine).save(doc)
    assert "Zanzibar" in (mine / f"{SAM}.yaml").read_text()
    monkeypatch.undo()
    assert [m.entry.id for m in Archive([mine]).search("zanzibar")] == [SAM]  # by stat


def test_a_search_word_matches_the_start_of_words_and_any_punctuation(mine: Path) -> None:
    archive = Archive([mine])
    whole = [(m.entry.id, [t.n for t in m.turns]) for m in archive.search("Halvorsen")]
    assert whole and [(m.entry.id, [t.n for t in m.turns]) for m in archive.search("halv")] == whole
    assert archive.search("alvorsen") == []  # a word is found by its start, as in FTS5
    (match, *_) = archive.search("1:1")
    text = {t.n: t.text for t in archive.load(match.entry).turns}[match.turns[0].n]
    assert [text[a:b] for a, b in match.turns[0].spans][:1] == ["1:1"]


def test_links_and_pipes_named_as_sessions_are_listed_as_problems(mine: Path) -> None:
    (mine / "2026-11-05-1000-link.yaml").symlink_to(mine / f"{DANA}.yaml")
    archive = Archive([mine])
    assert [e.id for e in archive.entries] == [SAM, DANA]
    (problem,) = archive.problems
    assert problem.path.name == "2026-11-05-1000-link.yaml"
    assert problem.message.startswith("this is a symbolic link, not a session file")
