"""The transcript model: every sample reads and writes back the same, and a hand-edited file
with a wrong type is one sentence naming the file, the field and its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from coach import cli
from coach.store import SessionStore, load_file
from coach.transcript import HEADER_KEYS, TranscriptError, parse

SAMPLES = sorted((ROOT / "sessions").glob("*.yaml"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_a_sample_reads_and_writes_back_unchanged(path: Path) -> None:
    doc = load_file(path)
    transcript = parse(doc, path)
    assert transcript.to_doc() == doc
    assert list(transcript.to_doc()) == list(doc)  # the same keys in the same order


def test_unknown_keys_are_kept_after_the_known_header(tmp_path: Path) -> None:
    doc = load_file(SAMPLES[0])
    doc["coach_note"] = "kept"
    transcript = parse(doc, tmp_path / "x.yaml")
    assert transcript.extra == {"coach_note": "kept"}
    keys = list(transcript.to_doc())
    assert keys.index("coach_note") > max(keys.index(k) for k in HEADER_KEYS if k in keys)
    assert keys.index("coach_note") < keys.index("turns")


BROKEN = [
    (
        "ratings: five",
        "ratings:",
        "the field 'ratings' must be a map of fields, not the text 'five'",
    ),
    (
        "participant: bob",
        "participant:",
        "the field 'participant' must be a map of fields, not the text 'bob'",
    ),
    (
        "loyalty: yes",
        "loyalty:",
        "the field 'loyalty' must be a map of fields, not yes (a yes/no value)",
    ),
    (
        "turns: [hello]",
        "turns:",
        "the field 'turns[0]' must be a map of fields, not the text 'hello'",
    ),
    (
        "action_items: [text]",
        "action_items:",
        "the field 'action_items[0]' must be a map of fields, not the text 'text'",
    ),
    (
        "ratings: {confident: 101}",
        "ratings:",
        "the field 'ratings.confident' must be a rating from -100 to 100, not 101",
    ),
    (
        "ratings: {confident: 1000000000000000000000000000000}",
        "ratings:",
        "the field 'ratings.confident' must be a rating from -100 to 100,"
        " not a number of more than 30 digits",
    ),
    (
        "status: done",
        "status:",
        "the field 'status' must be 'in_progress' or 'complete', not the text 'done'",
    ),
]


@pytest.mark.parametrize(("line", "key", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_wrong_type_names_the_file_the_field_and_its_line(
    tmp_path: Path, line: str, key: str, message: str
) -> None:
    text = SAMPLES[0].read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next(i for i, row in enumerate(lines) if row.startswith(key))
    # Replace the whole top-level value with the hand-edited one.
    end = next(i for i in range(at + 1, len(lines)) if lines[i][:1] not in (" ", "-", ""))
    lines[at:end] = [line]
    path = tmp_path / SAMPLES[0].name
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(TranscriptError) as caught:
        parse(load_file(path), path)
    assert caught.value.message == message
    assert caught.value.line == at + 1
    assert str(caught.value).startswith(f"{path}:{at + 1}:")


def test_a_wrong_type_deep_inside_is_placed_at_its_own_line(tmp_path: Path) -> None:
    path = tmp_path / SAMPLES[0].name
    text = SAMPLES[0].read_text(encoding="utf-8").replace("- n: 1\n", "- n: five\n", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(TranscriptError) as caught:
        parse(load_file(path), path)
    line = text.split("\n").index("- n: five") + 1
    assert (caught.value.line, caught.value.col) == (line, 6)
    assert (
        caught.value.message == "the field 'turns[0].n' must be a whole number, not the text 'five'"
    )


def test_a_due_date_that_is_not_a_date_is_refused(tmp_path: Path) -> None:
    doc = load_file(SAMPLES[0])
    doc["action_items"][0]["due"] = "soon"
    with pytest.raises(TranscriptError, match=r"'action_items\[0\]\.due' must be a date"):
        parse(doc, tmp_path / "x.yaml")


@pytest.mark.parametrize(
    "command", [["show"], ["show", "--format", "json"], ["actions"], ["resume", "--plain"]]
)
def test_every_command_says_one_sentence_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    folder = tmp_path / "s"
    shutil.copytree(ROOT / "sessions", folder)
    for path in folder.glob("*.yaml"):
        path.write_text(path.read_text().replace("ratings:\n", "ratings: five\nold_ratings:\n"))
    target = sorted(folder.glob("*.yaml"))[-1]
    code = cli.main([*command, target.stem, "--sessions", str(folder)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"coach: {target}:") and "the field 'ratings'" in err


def test_a_round_trip_through_the_store_keeps_every_field(tmp_path: Path) -> None:
    store = SessionStore(tmp_path)
    doc = load_file(SAMPLES[0])
    path = store.save(parse(doc, SAMPLES[0]).to_doc())
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == doc


def later_fields(doc: dict) -> dict:
    """Fields a later coach (or a person) added inside maps this coach knows."""
    doc["pack"]["origin"] = "shared drive"
    doc["participant"]["email"] = "dana@example.com"
    doc["action_items"][0]["coach_note"] = "ask in 1:1"
    doc["turns"][2]["mood"] = "calm"
    return doc


def test_unknown_keys_inside_known_maps_survive_a_rewrite(tmp_path: Path) -> None:
    doc = later_fields(load_file(SAMPLES[0]))
    again = parse(doc, tmp_path / "x.yaml").to_doc()
    assert again == doc


def test_marking_an_item_keeps_what_a_later_coach_added(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    shutil.copytree(ROOT / "sessions", folder)
    store = SessionStore(folder)
    dana = "2026-11-02-0930-vmyh"
    store.save(later_fields(store.load(dana)))
    assert cli.main(["actions", "done", f"{dana}:a1", "--sessions", str(folder)]) == 0
    saved = store.load(dana)
    assert saved["pack"]["origin"] == "shared drive"
    assert saved["participant"]["email"] == "dana@example.com"
    assert saved["action_items"][0]["coach_note"] == "ask in 1:1"
    assert saved["turns"][2]["mood"] == "calm"


def test_resume_and_pause_keep_what_a_later_coach_added(tmp_path: Path) -> None:
    import io

    from conftest import NOW

    from coach.linemode import LineMode
    from coach.session import Session

    folder = tmp_path / "s"
    shutil.copytree(ROOT / "sessions", folder)
    store = SessionStore(folder)
    sam = "2026-11-20-1605-dl20"
    store.save(later_fields(store.load(sam)))
    session = Session.resume(store, sam, lambda: NOW, [])
    LineMode(session, io.StringIO(":pause\n"), io.StringIO()).run()
    saved = store.load(sam)
    assert saved["pack"]["origin"] == "shared drive" and saved["turns"][2]["mood"] == "calm"
    assert saved["participant"]["email"] == "dana@example.com"


def test_a_loyalty_answer_of_none_of_the_traits_reads_as_such() -> None:
    from dataclasses import replace

    from coach.report import transcript_markdown
    from coach.transcript import Loyalty

    complete = ROOT / "sessions" / "2026-11-02-0930-vmyh.yaml"
    t = parse(load_file(complete), complete)
    assert t.traits and t.loyalty.trait in t.traits
    assert t.loyalty_title == t.traits[t.loyalty.trait]
    other = replace(t, loyalty=Loyalty("None of them, it was how he listened", "other"))
    assert other.loyalty_title == "none of these traits (other)"
    assert replace(t, loyalty=Loyalty(None, None)).loyalty_title == ""
    assert "Trait: none of these traits (other)" in transcript_markdown(other)


def test_any_rating_a_pack_can_ask_for_is_a_rating_a_transcript_holds() -> None:
    from coach.engine.pack import SCALE_BOUND
    from coach.transcript import RATING_BOUND

    assert RATING_BOUND == SCALE_BOUND
