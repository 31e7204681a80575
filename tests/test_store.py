"""coach.store: session files that never lose an answer and list fast from a header cache."""

from __future__ import annotations

import json
import os
import random
import re
import stat
import string
import subprocess
import sys
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import coach.store.store as store_module
from coach.store import (
    INDEX_NAME,
    SCHEMA,
    SessionBusy,
    SessionStore,
    StoreError,
    ensure_private_dir,
    locations,
    read_header,
    write_atomic,
    yamlio,
)

ROOT = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)

HOSTILE = [
    "",
    " ",
    "\x1b[31mred\x1b[0m",
    "line\r\nwindows\rmac",
    "nul \x00 bell \x07 del \x7f",
    "\x85 next line, \u2028 line sep, \u2029 para sep",
    "\ufeff BOM in the middle \ufeff",
    "😀 🇩🇪 👩‍👩‍👧",
    "مرحبا بالعالم — שלום",
    "中文 日本語 한국어",
    "{{ name }} {% if x %}{% endif %}",
    "[bold]not bold[/bold] [TODO]",
    "yes",
    "no",
    "on",
    "null",
    "~",
    "1e3",
    "0o17",
    "0x1F",
    ".inf",
    "12:30:00",
    "2026-11-28",
    "- a list?",
    "key: value",
    "# comment",
    "&anchor *alias !tag",
    "'single' \"double\"",
    "  leading and trailing  ",
    "multi\nline\n\n  indented\n",
    "\n\nstarts with newlines",
    "trailing spaces   \nnext",
    "tab\tinside\nand\ttab\n",
    "turns:",
    "a\nturns:\nsnapshot:\n",
    "x" * 1_000_000,
    ("word " * 200_000).strip(),
]


@pytest.fixture
def store(tmp_path: Path) -> SessionStore:
    return SessionStore(tmp_path / "sessions")


def make_doc(
    session_id: str = "2026-11-28-0900-abcd",
    *,
    status: str = "in_progress",
    started_at: str = "2026-11-28T09:00:00+00:00",
    turns: int = 2,
    name: str | None = "Dana",
) -> dict[str, Any]:
    """A small transcript in the documented shape."""
    return {
        "schema": 1,
        "id": session_id,
        "pack": {"id": "sales-leader", "version": "1.0.0", "sha256": "9f2c", "path": "/p.yaml"},
        "participant": {"name": name},
        "status": status,
        "started_at": started_at,
        "updated_at": started_at,
        "progress": {"answered": turns // 2, "steps": 31},
        "ratings": {"inspirational_coach": 3},
        "loyalty": {"answer": None, "trait": "builds_loyalty"},
        "action_items": [
            {"id": "a1", "text": "Ride along", "trait": None, "due": "12-04", "status": "open"},
            {"id": "a2", "text": "Old one", "trait": None, "due": "12-04", "status": "done"},
        ],
        "turns": [
            {"n": n, "role": "coach", "kind": "question", "text": f"turn {n}", "at": started_at}
            for n in range(1, turns + 1)
        ],
        "snapshot": {"v": 1, "step": "s"},
    }


# -- yamlio -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:20]))
def test_hostile_text_round_trips_exactly(text: str) -> None:
    doc = {"text": text, "list": [text], "nested": {text[:50]: text}}
    assert yamlio.load(yamlio.dump(doc)) == doc


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
        max_leaves=8,
    )
)
def test_any_plain_data_round_trips(value: Any) -> None:
    assert yamlio.load(yamlio.dump({"value": value})) == {"value": value}


def test_multi_line_answers_are_readable_blocks_and_keys_keep_their_order() -> None:
    text = yamlio.dump({"z": 1, "a": "first line\nsecond line"})
    assert text == "z: 1\na: |-\n  first line\n  second line\n"


def test_words_yaml_would_reinterpret_are_quoted() -> None:
    assert yamlio.dump({"a": "1e3", "b": "yes", "c": "plain"}) == "a: '1e3'\nb: 'yes'\nc: plain\n"


def test_shared_objects_are_written_out_not_aliased_and_aliases_are_refused() -> None:
    shared = {"k": "v"}
    text = yamlio.dump({"a": shared, "b": shared})
    assert "&" not in text and "*" not in text
    with pytest.raises(yaml.YAMLError, match="alias"):
        yamlio.load("a: &x [1, 2]\nb: *x\n")


def test_without_libyaml_it_warns_once_and_still_round_trips(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    monkeypatch.delattr(yaml, "CSafeDumper", raising=False)
    yamlio._codec.cache_clear()
    monkeypatch.setattr(yamlio, "_warned", False)
    assert not yamlio.libyaml()
    tricky = {"t": HOSTILE[:-2]}  # the pure-Python emitter mangles \x85 unless quoted
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert yamlio.load(yamlio.dump(tricky)) == tricky
        yamlio.dump(tricky)
    assert [str(w.message) for w in caught if "libyaml" in str(w.message)] and len(caught) == 1
    monkeypatch.undo()
    yamlio._codec.cache_clear()  # the next test gets libyaml's classes again
    assert yamlio.libyaml()


# -- errors and atomic writes -------------------------------------------------------------


def test_store_errors_read_like_compiler_messages() -> None:
    assert str(StoreError("s/x.yaml", "bad", 12, 3)) == "s/x.yaml:12:3: bad"
    assert str(StoreError("s/x.yaml", "bad", 12)) == "s/x.yaml:12: bad"
    assert str(StoreError("/root/ro", "the sessions folder is not writable")) == (
        "/root/ro: the sessions folder is not writable"
    )


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "s.yaml"
    write_atomic(target, b"old")

    def broken(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, broken)
    with pytest.raises(StoreError, match="no space left on device") as caught:
        write_atomic(target, b"new content")
    assert caught.value.path == target
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


def test_ctrl_c_mid_write_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "s.yaml"
    target.write_bytes(b"old")

    def interrupted(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["s.yaml"]


def test_files_are_0600_and_new_folders_0700_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        folder = ensure_private_dir(tmp_path / "a" / "b" / "sessions", "sessions folder")
        write_atomic(folder / "s.yaml", b"x")
    finally:
        os.umask(old)
    for made in (tmp_path / "a", tmp_path / "a" / "b", folder):
        assert stat.S_IMODE(made.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "s.yaml").stat().st_mode) == 0o600


def test_a_folder_path_through_a_file_is_one_clear_sentence(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StoreError) as caught:
        ensure_private_dir(blocker / "sessions", "sessions folder")
    assert str(caught.value) == (
        f"{blocker / 'sessions'}: the sessions folder cannot be created: {blocker} is not a folder"
    )
    with pytest.raises(StoreError, match="a file of that name is in the way"):
        ensure_private_dir(blocker, "sessions folder")
    assert blocker.read_text() == "not a folder"


def test_a_read_only_folder_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir(mode=0o500)
    if os.access(folder, os.W_OK):
        pytest.skip("running as root (or with CAP_DAC_OVERRIDE): chmod 0500 does not stop writes")
    with pytest.raises(StoreError, match="the sessions folder is not writable"):
        SessionStore(folder).save(make_doc())


# -- locations ----------------------------------------------------------------------------


def test_the_option_beats_the_environment_beats_the_platform_folder(tmp_path: Path) -> None:
    env = {"COACH_SESSIONS_DIR": str(tmp_path / "env")}
    assert locations.sessions_dir(str(tmp_path / "cli"), env) == tmp_path / "cli"
    assert locations.sessions_dir(None, env) == tmp_path / "env"
    default = locations.sessions_dir(None, {"COACH_SESSIONS_DIR": ""})
    assert default.name == "sessions" and default.parent.name == "coach"
    assert locations.sessions_dir("~/s", {}) == Path.home() / "s"
    assert not (tmp_path / "cli").exists() and not (tmp_path / "env").exists()


def test_pack_folders_come_from_the_option_or_the_environment(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    assert locations.packs_dirs(None, {}) == []
    assert locations.packs_dirs(None, {"COACH_PACKS_DIR": f"{a}{os.pathsep}{b}"}) == [a, b]
    assert locations.packs_dirs(str(a), {"COACH_PACKS_DIR": str(b)}) == [a]
    assert locations.packs_dirs([str(b), str(a)], {}) == [b, a]


# -- saving and loading -------------------------------------------------------------------


def test_save_writes_the_header_first_then_unknown_keys_then_turns_then_snapshot(
    store: SessionStore,
) -> None:
    doc = make_doc()
    shuffled = {"snapshot": doc["snapshot"], "turns": doc["turns"], "coach_note": "hi"}
    shuffled.update({k: v for k, v in reversed(doc.items()) if k not in shuffled})
    path = store.save(shuffled)
    keys = [line.split(":")[0] for line in path.read_text().splitlines() if line[:1].isalpha()]
    assert keys == [
        "schema", "id", "pack", "participant", "status", "started_at", "updated_at",
        "progress", "ratings", "loyalty", "action_items", "coach_note", "turns", "snapshot",
    ]  # fmt: skip
    assert store.load(doc["id"]) == {**doc, "coach_note": "hi"}


def test_save_adds_the_schema_and_refuses_unsafe_ids(store: SessionStore) -> None:
    doc = make_doc()
    del doc["schema"]
    assert store.load_header(store.save(doc))["schema"] == SCHEMA
    for bad in ("../escape", ".hidden", "a/b", "", None):
        with pytest.raises(StoreError):
            store.save({**doc, "id": bad})
    assert [p.name for p in store.root.iterdir()] == ["2026-11-28-0900-abcd.yaml"]


def test_hostile_answers_survive_a_save_and_load(store: SessionStore) -> None:
    doc = make_doc()
    doc["turns"] = [{"n": n, "text": text} for n, text in enumerate(HOSTILE)]
    store.save(doc)
    assert store.load(doc["id"]) == doc


def test_saving_touches_no_other_file(store: SessionStore) -> None:
    for n in range(5):
        store.save(make_doc(f"2026-11-28-0900-aaa{n}"))
    store.list()
    before = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in store.root.iterdir()}
    store.save(make_doc("2026-11-28-0900-aaa2", status="complete"))
    after = {p.name: (p.stat().st_mtime_ns, p.stat().st_ino) for p in store.root.iterdir()}
    assert after.keys() == before.keys()
    assert [n for n in after if after[n] != before[n]] == ["2026-11-28-0900-aaa2.yaml"]


def test_a_corrupt_file_names_line_and_column(store: SessionStore) -> None:
    store.root.mkdir()
    path = store.root / "2026-11-28-0900-abcd.yaml"
    path.write_text("schema: 1\nid: x\npack:\n\tid: y\n")
    with pytest.raises(StoreError) as caught:
        store.load("2026-11-28-0900-abcd")
    assert str(caught.value) == (
        f"{path}:4:1: the session file is not valid YAML "
        "(found a tab character; YAML indents with spaces)"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the session file is empty"),
        (b"- a\n- b\n", "this is not a session file: it holds a list, not named fields"),
        (b"id: x\n", "this is not a session file: it has no 'schema' field"),
        (b"schema: 1\n", "this is not a session file: it has no 'id' field"),
        (b"schema: yes\nid: x\n", "the 'schema' field must be a whole number from 1, not True"),
        (b"schema: 1\nid: caf\xe9\n", "the session file is not UTF-8 text (byte 0xe9)"),
        (b"schema: 1\nid: a\x00\n", "holds a character YAML does not allow (U+0000)"),
        (b"schema: 1\nid: &a x\nb: *a\n", "2:5: the session file is not valid YAML (this value"),
        (
            b"schema: 1\nid: x\nn: " + b"9" * 5000 + b"\n",
            "3:4: the session file is not valid YAML (a number in it is too long to read)",
        ),
        (
            b"schema: 1\nid: x\nstarted: 2025-02-30\n",
            "3:10: the session file is not valid YAML (it holds the date 2025-02-30, which does"
            " not exist)",
        ),
    ],
)
def test_what_is_not_a_session_is_one_clear_sentence(
    store: SessionStore, content: bytes, message: str
) -> None:
    store.root.mkdir()
    (store.root / "x.yaml").write_bytes(content)
    with pytest.raises(StoreError, match=re.escape(message)):
        store.load("x")


def test_a_file_from_a_newer_coach_is_refused_with_the_reason(store: SessionStore) -> None:
    store.save(make_doc())
    path = store.root / "2026-11-28-0900-abcd.yaml"
    path.write_text(path.read_text().replace("schema: 1", "schema: 2", 1))
    with pytest.raises(StoreError, match=r"uses transcript schema 2, but this coach .* schema 1"):
        store.load(path)
    listing = store.list()
    assert listing.sessions == [] and "install a newer coach" in str(listing.problems[0])


def test_the_header_is_read_without_the_turns(store: SessionStore) -> None:
    path = store.save(make_doc(turns=3))
    text = path.read_text()
    assert "\nturns:\n" in text
    path.write_text(text.replace("\nturns:\n", "\nturns:\n- {{{ not: yaml [\n\t\x00\n", 1))
    header = read_header(path)
    assert header["id"] == "2026-11-28-0900-abcd" and "turns" not in header
    assert header["ratings"] == {"inspirational_coach": 3}
    with pytest.raises(StoreError, match=rf"{path.name}:\d+:\d+: "):
        store.load(path)


def test_a_header_without_a_turns_line_or_out_of_order_is_read_whole(store: SessionStore) -> None:
    store.root.mkdir()
    path = store.root / "x.yaml"
    path.write_text("turns_done: 1\nschema: 1\nid: x\nsnapshot_like: 2\n")
    assert read_header(path) == {"turns_done": 1, "schema": 1, "id": "x", "snapshot_like": 2}
    path.write_text("turns: []\nsnapshot: {}\nid: x\nschema: 1\n")
    assert read_header(path) == {"id": "x", "schema": 1}


def test_a_newer_schema_is_refused_from_the_header_alone(store: SessionStore) -> None:
    store.root.mkdir()
    path = store.root / "x.yaml"
    path.write_text("schema: 7\nid: x\nturns:\n- !future-tag {{ syntax we cannot read\n")
    with pytest.raises(StoreError, match="uses transcript schema 7"):
        read_header(path)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    texts=st.lists(st.text(), min_size=3, max_size=3),
    extra=st.dictionaries(st.text(), st.text()),
)
def test_the_header_cut_never_splits_a_value(
    store: SessionStore, texts: list[str], extra: dict[str, str]
) -> None:
    doc = make_doc(name=texts[0])
    doc["loyalty"]["answer"] = texts[1]
    doc["action_items"][0]["text"] = texts[2]
    doc.update({f"x{key}": value for key, value in extra.items()})
    doc["turns"][0]["text"] = "\nturns:\n"
    path = store.save(doc)
    assert read_header(path) == {k: v for k, v in doc.items() if k not in ("turns", "snapshot")}


# -- listing ------------------------------------------------------------------------------


def test_listing_summarises_headers_newest_first(store: SessionStore) -> None:
    assert store.list().sessions == []  # a missing folder is an empty archive...
    assert not store.root.exists()  # ...and reading it creates nothing
    store.save(make_doc("2026-11-27-0900-aaaa", started_at="2026-11-27T09:00:00+00:00"))
    store.save(make_doc("2026-11-28-0900-bbbb", started_at="2026-11-28T09:00:00+00:00"))
    store.save(make_doc("2026-11-28-0930-cccc", started_at="2026-11-28T09:00:00-01:00"))
    listing = store.list()
    assert [s.id for s in listing.sessions] == [
        "2026-11-28-0930-cccc", "2026-11-28-0900-bbbb", "2026-11-27-0900-aaaa"
    ]  # fmt: skip
    first = listing.sessions[1]
    assert (first.participant, first.pack_id) == ("Dana", "sales-leader")
    assert first.pack_version == "1.0.0"
    assert (first.open_actions, first.answered, first.steps) == (1, 1, 31)
    assert first.loyalty_trait == "builds_loyalty" and first.ratings == {"inspirational_coach": 3}
    assert first.path == store.root / "2026-11-28-0900-bbbb.yaml"
    assert json.loads(json.dumps(first.to_dict()))["path"] == str(first.path)


def test_an_unchanged_archive_lists_from_the_cache(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        store.save(make_doc(f"2026-11-28-0900-aaa{n}"))
    first = store.list()
    cache = store.root / INDEX_NAME
    written = cache.stat().st_mtime_ns, cache.stat().st_ino
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600

    def no_reading(path: object) -> dict[str, Any]:
        raise AssertionError(f"read {path} although the cache was valid")

    monkeypatch.setattr(store_module, "read_header", no_reading)
    assert store.list().sessions == first.sessions
    assert (cache.stat().st_mtime_ns, cache.stat().st_ino) == written  # not rewritten


def test_the_cache_follows_changes_removals_and_corrupt_files(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(3):
        store.save(make_doc(f"2026-11-28-0900-aaa{n}"))
    store.list()
    reads: list[str] = []
    real = store_module.read_header

    def counting(path: Path) -> dict[str, Any]:
        reads.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(store_module, "read_header", counting)
    store.save(make_doc("2026-11-28-0900-aaa0", status="complete"))
    (store.root / "2026-11-28-0900-aaa1.yaml").unlink()
    (store.root / "2026-11-28-0900-zzzz.yaml").write_text("schema: 1\nid: [unclosed\n")
    listing = store.list()
    assert sorted(reads) == ["2026-11-28-0900-aaa0.yaml", "2026-11-28-0900-zzzz.yaml"]
    assert {s.id: s.status for s in listing.sessions} == {
        "2026-11-28-0900-aaa0": "complete", "2026-11-28-0900-aaa2": "in_progress"
    }  # fmt: skip
    [problem] = listing.problems
    assert problem.path.name == "2026-11-28-0900-zzzz.yaml" and problem.line == 3
    reads.clear()
    again = store.list()
    assert again.sessions == listing.sessions and reads == []  # problems are cached too
    assert [str(p) for p in again.problems] == [str(problem)]


def test_a_broken_cache_is_rebuilt(store: SessionStore) -> None:
    store.save(make_doc())
    for junk in (b"\xff not json", b"[]", b'{"coach_index": 1, "files": {"x.yaml": 3}}'):
        (store.root / INDEX_NAME).write_bytes(junk)
        assert [s.id for s in store.list().sessions] == ["2026-11-28-0900-abcd"]
    data = json.loads((store.root / INDEX_NAME).read_text())
    name = "2026-11-28-0900-abcd.yaml"
    data["files"][name][1] = ["wrong", "number", "of", "fields"]  # a valid stamp, a bad record
    (store.root / INDEX_NAME).write_text(json.dumps(data))
    assert [s.id for s in store.list().sessions] == ["2026-11-28-0900-abcd"]


def test_a_file_named_unlike_its_id_is_a_problem(store: SessionStore) -> None:
    path = store.save(make_doc())
    path.rename(store.root / "copy.yaml")
    [problem] = store.list().problems
    assert "rename it to 2026-11-28-0900-abcd.yaml" in str(problem)


def test_latest_unfinished_is_the_most_recently_updated_in_progress(store: SessionStore) -> None:
    assert store.latest_unfinished() is None
    older = make_doc("2026-11-28-0900-aaaa")
    older["updated_at"] = "2026-11-29T10:00:00+00:00"
    store.save(older)
    store.save(make_doc("2026-11-28-1000-bbbb", started_at="2026-11-28T10:00:00+00:00"))
    store.save(make_doc("2026-11-30-1000-cccc", status="complete"))
    latest = store.latest_unfinished()
    assert latest is not None and latest.id == "2026-11-28-0900-aaaa"


# -- finding and locking ------------------------------------------------------------------


def test_resolve_by_id_prefix_or_path(store: SessionStore, tmp_path: Path) -> None:
    ids = [f"2026-11-28-09{n:02d}-abcd" for n in range(7)] + ["2026-12-01-0900-wxyz"]
    for session_id in ids:
        store.save(make_doc(session_id))
    assert store.resolve("2026-12").name == "2026-12-01-0900-wxyz.yaml"
    assert store.resolve(ids[3]) == store.root / f"{ids[3]}.yaml"
    assert store.resolve(f"{ids[3]}.yaml") == store.root / f"{ids[3]}.yaml"
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("schema: 1\nid: elsewhere\n")
    assert store.resolve(str(outside)) == outside
    assert store.load(outside)["id"] == "elsewhere"
    with pytest.raises(StoreError) as caught:
        store.resolve("2026-11-28")
    assert caught.value.message == (
        "'2026-11-28' matches 7 sessions (2026-11-28-0906-abcd, 2026-11-28-0905-abcd, "
        "2026-11-28-0904-abcd, 2026-11-28-0903-abcd, 2026-11-28-0902-abcd and 2 more); "
        "give more of the id"
    )
    with pytest.raises(StoreError, match="no session id starts with '2020'"):
        store.resolve("2020")
    with pytest.raises(StoreError, match="there is no such session file"):
        store.resolve(str(tmp_path / "missing.yaml"))


def test_new_ids_are_deterministic_and_skip_taken_ones(store: SessionStore) -> None:
    first = store.new_id(NOW, random.Random(42))
    assert first == store.new_id(NOW, random.Random(42))
    assert first.startswith("2026-11-28-0900-") and len(first) == len("2026-11-28-0900-abcd")
    assert first[-4:].isalnum() and first[-4:] == first[-4:].lower()
    store.save(make_doc(first))
    rng = random.Random(42)
    draws = ["".join(rng.choice(string.ascii_lowercase + string.digits) for _ in range(4))
             for _ in range(2)]  # fmt: skip
    assert first.endswith(draws[0])
    assert store.new_id(NOW, random.Random(42)) == f"2026-11-28-0900-{draws[1]}"


def test_a_session_cannot_be_locked_twice(store: SessionStore) -> None:
    store.save(make_doc())
    with store.lock("2026-11-28-0900-abcd"):
        with pytest.raises(SessionBusy) as caught:
            store.acquire("2026-11-28-0900-abcd")
        assert caught.value.message.startswith(
            "session 2026-11-28-0900-abcd is open in another coach process"
        )
        assert f"(process {os.getpid()})" in caught.value.message
        assert caught.value.pid == os.getpid()
    lock = store.acquire("2026-11-28-0900-abcd")  # released on leaving the block
    assert lock.held
    assert (store.root / ".2026-11-28-0900-abcd.lock").read_text() == f"{os.getpid()}\n"
    lock.release()
    lock.release()  # twice is harmless
    assert not (store.root / ".2026-11-28-0900-abcd.lock").exists()  # removed while still held


def test_a_lock_whose_file_was_replaced_is_taken_on_the_new_file(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race a removing release opens: the file we locked is gone or replaced by the time
    we hold it. The lock must then be taken again on the file that is there now."""
    store.save(make_doc())
    real_flock = store_module.fcntl.flock
    calls = []

    def racing_flock(fd: int, op: int) -> None:
        real_flock(fd, op)
        if op & store_module.fcntl.LOCK_EX and not calls:
            calls.append(fd)
            path = store.root / ".2026-11-28-0900-abcd.lock"
            path.unlink()  # another owner released it in between
            path.write_text("")

    monkeypatch.setattr(store_module.fcntl, "flock", racing_flock)
    lock = store.acquire("2026-11-28-0900-abcd")
    held = os.fstat(lock._fd)
    there = os.stat(store.root / ".2026-11-28-0900-abcd.lock")
    assert (held.st_ino, len(calls)) == (there.st_ino, 1)
    lock.release()


def test_a_lock_file_that_is_a_link_is_never_written_through(store: SessionStore) -> None:
    store.save(make_doc())
    notes = store.root.parent / "notes.txt"
    notes.write_text("my notes\n")
    (store.root / ".2026-11-28-0900-abcd.lock").symlink_to(notes)
    with pytest.raises(StoreError) as caught:
        store.acquire("2026-11-28-0900-abcd")
    assert "the lock file is a symbolic link" in str(caught.value)
    assert notes.read_text() == "my notes\n"


def test_a_lock_file_that_is_not_a_file_is_refused(store: SessionStore) -> None:
    store.save(make_doc())
    os.mkfifo(store.root / ".2026-11-28-0900-abcd.lock")
    with pytest.raises(StoreError, match="the lock file is not a plain file"):
        store.acquire("2026-11-28-0900-abcd")


# -- rooms --------------------------------------------------------------------------------


def test_the_store_imports_no_ui_and_no_engine() -> None:
    code = (
        "import sys, coach.store; "
        "bad = [m for m in sys.modules if m.split('.')[0] == 'textual' "
        "or m.startswith('coach.engine') or m == 'platformdirs']; "
        "print(bad)"
    )
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    assert result.stdout.strip() == "[]"


def test_saving_reuses_written_turns_and_writes_exactly_what_a_full_dump_would(
    tmp_path: Path,
) -> None:
    from coach.store import yamlio

    store = SessionStore(tmp_path)
    texts = ["plain", "two\nlines", "  leading", "\x1b[31m", "yes", "trailing \n", "😀", "é" * 50]
    doc: dict[str, Any] = {"schema": 1, "id": "2026-11-28-0900-abcd", "status": "in_progress",
                           "turns": [], "snapshot": {"v": 1}}  # fmt: skip
    for n, text in enumerate(texts, start=1):
        doc["turns"].append({"n": n, "role": "leader", "step": "s", "text": text})
        doc["snapshot"] = {"v": 1, "at": n}
        path = store.save(doc)
        assert path.read_text(encoding="utf-8") == yamlio.dump(doc)
    doc["turns"] = doc["turns"][:3]  # a shorter transcript (another writer) is not mixed up
    assert store.save(doc).read_text(encoding="utf-8") == yamlio.dump(doc)


# -- the journal of rejected lines ----------------------------------------------------------


def _reject(doc: dict[str, Any], text: str, minute: int) -> dict[str, Any]:
    """The doc after one more rejected line: the leader's words, the coach's retry, a new
    `updated_at` and snapshot, as `Session.to_doc()` gives them."""
    n = len(doc["turns"])
    at = f"2026-11-28T09:{minute % 60:02d}:00+00:00"
    return {
        **doc,
        "updated_at": at,
        "turns": [
            *doc["turns"],
            {"n": n + 1, "role": "leader", "kind": "rejected", "text": text, "at": at},
            {"n": n + 2, "role": "coach", "kind": "retry", "text": "1 to 5, please", "at": at},
        ],
        "snapshot": {"v": 1, "step": "s", "turn_count": n + 2},
    }


def _journal(store: SessionStore, session_id: str = "2026-11-28-0900-abcd") -> Path:
    return store.root / f".{session_id}.journal"


def test_rejected_lines_are_appended_to_the_journal_and_read_back_as_if_rewritten(
    store: SessionStore,
) -> None:
    lock = store.acquire("2026-11-28-0900-abcd")
    doc = make_doc()
    path = store.save(doc)
    whole = path.read_bytes()
    for i, text in enumerate(["seven", "", "😀 \x1b[31m", "a\nturns:\nsnapshot:", "yes"]):
        doc = _reject(doc, text, i)
        store.save(doc)
        assert path.read_bytes() == whole  # the file is not rewritten for a rejected line
        assert store_module.load_file(path) == doc  # but every reader sees the line
    assert _journal(store).stat().st_size > 0
    assert stat.S_IMODE(_journal(store).stat().st_mode) == 0o600
    assert read_header(path)["updated_at"] == "2026-11-28T09:00:00+00:00"  # the file's own
    lock.release()  # letting the session go folds the journal back into the file
    assert path.read_text(encoding="utf-8") == yamlio.dump(doc)
    assert not _journal(store).exists()


def test_an_accepted_answer_writes_the_file_whole_and_drops_the_journal(
    store: SessionStore,
) -> None:
    with store.lock("2026-11-28-0900-abcd"):
        doc = _reject(_reject(make_doc(), "seven", 1), "eight", 2)
        store.save(make_doc())
        store.save(_reject(make_doc(), "seven", 1))
        store.save(doc)
        assert _journal(store).exists()
        n = len(doc["turns"])
        doc = {
            **doc,
            "progress": {"answered": 2, "steps": 31},
            "turns": [*doc["turns"], {"n": n + 1, "role": "leader", "kind": "answer", "text": "4"}],
        }
        path = store.save(doc)
        assert not _journal(store).exists()
        assert path.read_text(encoding="utf-8") == yamlio.dump(doc)


def test_the_journal_never_grows_much_larger_than_the_file(store: SessionStore) -> None:
    with store.lock("2026-11-28-0900-abcd"):
        doc = make_doc()
        path = store.save(doc)
        largest = 0
        for i in range(600):
            doc = _reject(doc, f"not a number {i}", i)
            store.save(doc)
            journal = _journal(store).stat().st_size if _journal(store).exists() else 0
            largest = max(largest, journal / max(path.stat().st_size, 64_000))
        assert largest <= 1.01
        assert store_module.load_file(path) == doc


def test_a_torn_or_stale_journal_adds_nothing_twice(store: SessionStore) -> None:
    with store.lock("2026-11-28-0900-abcd"):
        doc = make_doc()
        path = store.save(doc)
        doc = _reject(doc, "seven", 1)
        store.save(doc)
        kept = _journal(store).read_bytes()
    # A write killed half-way leaves a torn record: it is passed over.
    _journal(store).write_bytes(kept + kept[: len(kept) // 2])
    assert store_module.load_file(path) == doc
    # A rewrite that was cut short before the journal went: the file already holds the line.
    write_atomic(path, yamlio.dump(doc).encode())
    _journal(store).write_bytes(kept)
    assert store_module.load_file(path) == doc
    # Garbage is passed over too: the journal holds rejected lines only, never an answer.
    _journal(store).write_bytes(b"\x00\xff not json\n")
    assert store_module.load_file(path) == doc


def test_a_journal_that_is_a_link_or_a_pipe_is_never_read_or_written_through(
    store: SessionStore, tmp_path: Path
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    with store.lock("2026-11-28-0900-abcd"):
        doc = make_doc()
        path = store.save(doc)
        _journal(store).symlink_to(notes)
        doc = _reject(doc, "seven", 1)
        store.save(doc)  # not appended through the link: written whole instead
        assert notes.read_text() == "my notes\n"
        assert path.read_text(encoding="utf-8") == yamlio.dump(doc)
        assert not _journal(store).is_symlink()
    os.mkfifo(_journal(store))
    assert store_module.load_file(path) == doc  # a pipe there is passed over, no hang


def test_a_session_too_large_to_read_back_is_not_written(
    store: SessionStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = store.save(make_doc())
    before = path.read_bytes()
    monkeypatch.setattr(store_module, "MAX_SESSION_BYTES", len(before) + 10)
    with pytest.raises(StoreError) as caught:
        store.save(make_doc(turns=40))
    assert "more than the" in caught.value.message
    assert "coach reads back, so this step was not saved" in caught.value.message
    assert path.read_bytes() == before


def test_the_text_of_a_session_is_the_file_or_what_it_will_be_with_its_journal(
    store: SessionStore,
) -> None:
    doc = make_doc()
    path = store.save(doc)
    path.write_text("# a hand-written comment\n" + path.read_text(encoding="utf-8"))
    assert store.text(doc["id"]) == path.read_text(encoding="utf-8")  # verbatim
    with store.lock(doc["id"]):
        store.save(doc)
        doc = _reject(doc, "seven", 1)
        store.save(doc)
        assert store.text(doc["id"]) == yamlio.dump(doc)  # the journal's line included
    os.mkfifo(store.root / "2026-11-28-0900-pipe.yaml")
    with pytest.raises(StoreError, match="this is a named pipe"):
        store.text("2026-11-28-0900-pipe")
