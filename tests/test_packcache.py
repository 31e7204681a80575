"""The cache of checked packs: a rebuilt pack behaves exactly like a checked one, and an entry
is reused only for the same text and the same engine."""

from __future__ import annotations

import random
import stat
from datetime import datetime
from pathlib import Path

import pytest
from conftest import DATA, ROOT

from coach import packcache
from coach.authoring.walk import _Leader
from coach.catalog import read_pack
from coach.engine import Dialogue, Pack, PackError
from coach.engine.pack import check_pack, load_image, load_pack, pack_image

NOW = datetime.fromisoformat("2026-11-28T09:00:00+00:00")
SHIPPED = [
    ROOT / "prompts" / "sales-leader.yaml",
    ROOT / "prompts" / "team-retro.yaml",
    ROOT / "examples" / "packs" / "zuhoeren.de.yaml",
    DATA / "packs" / "tiny.yaml",
]


def _conversation(pack: Pack, seed: str) -> tuple[list[tuple[str, str, str]], list[object]]:
    """A seeded random leader's whole session: every turn said, and the action items."""
    leader = _Leader(pack, random.Random(seed))
    dialogue = Dialogue(pack, lambda: NOW, seed=seed, participant="Dana")
    dialogue.start()
    for _ in range(2000):
        prompt = dialogue.current()
        if dialogue.finished or prompt is None:
            break
        text = leader.answer(prompt)
        if text == ":skip":
            dialogue.skip()
        elif text == ":back":
            dialogue.back()
        else:
            dialogue.answer(text)
    log = [(t.role, t.kind, t.text) for t in dialogue.log]
    return log, list(dialogue.action_items())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_a_rebuilt_pack_says_and_does_exactly_what_the_checked_one_does(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    report = check_pack(text, str(path))
    image = pack_image(report)
    assert image is not None and report.pack is not None
    rebuilt = load_image(image, str(path))
    assert rebuilt.sha256 == report.pack.sha256
    assert [s.id for s in rebuilt.steps] == [s.id for s in report.pack.steps]
    assert [s.text.names for s in rebuilt.steps] == [s.text.names for s in report.pack.steps]
    for seed in ("a", "b", "c", "d"):
        assert _conversation(rebuilt, seed) == _conversation(report.pack, seed)


def test_a_pack_with_errors_has_no_image() -> None:
    report = check_pack("pack: 1\nid: x\n", "broken.yaml")
    assert report.errors
    assert pack_image(report) is None


@pytest.mark.parametrize(
    "image",
    [
        {"image": 99, "sha256": "x", "data": {}, "templates": {}},
        {"image": 1, "sha256": 5, "data": {}, "templates": {}},
        {"image": 1, "sha256": "x", "data": {}, "templates": {"{{ a }}": 5}},
        {"image": 1, "sha256": "x", "data": {}, "templates": {"{{ a }}": [b"a"]}},
        ["not", "a", "mapping"],
    ],
    ids=["format", "sha256", "names", "name", "shape"],
)
def test_an_image_of_something_else_is_refused(image: object) -> None:
    with pytest.raises(PackError, match="not a pack image"):
        load_image(image, "x.yaml")  # type: ignore[arg-type]


def test_an_image_whose_data_is_not_a_pack_is_refused_with_the_problems() -> None:
    with pytest.raises(PackError, match="needs 'pack: 1'"):
        load_image({"image": 1, "sha256": "x", "data": {"id": "x"}, "templates": {}}, "x.yaml")


def _copy_stock(tmp_path: Path) -> Path:
    path = tmp_path / "mine.yaml"
    path.write_text((ROOT / "prompts" / "sales-leader.yaml").read_text(encoding="utf-8"))
    return path


def _count_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = packcache.check_pack

    def counted(text: str, source: str) -> object:
        calls.append(source)
        return real(text, source)

    monkeypatch.setattr(packcache, "check_pack", counted)
    return calls


def test_the_second_read_skips_the_checks_and_the_entry_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    path = _copy_stock(tmp_path)
    first = read_pack(path)
    entries = list((tmp_path / "cache" / "packs").iterdir())
    assert len(entries) == 1
    assert stat.S_IMODE(entries[0].stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "cache").stat().st_mode) == 0o700

    def no_check(*args: object) -> None:
        raise AssertionError("the cached pack was checked again")

    monkeypatch.setattr(packcache, "check_pack", no_check)
    second = read_pack(path)
    assert second.sha256 == first.sha256
    assert second.source == str(path)


def test_an_edited_pack_is_checked_again_and_its_errors_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    path = _copy_stock(tmp_path)
    read_pack(path)
    path.write_text(path.read_text().replace("kind: rating", "kind: ratng", 1))
    with pytest.raises(PackError) as caught:
        read_pack(path)
    assert "ratng" in str(caught.value)
    assert len(list((tmp_path / "cache" / "packs").iterdir())) == 1  # no entry for errors


def test_another_engine_does_not_reuse_an_entry(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    path = _copy_stock(tmp_path)
    read_pack(path)
    monkeypatch.setattr(packcache, "engine_fingerprint", lambda: "another-engine")
    calls = _count_checks(monkeypatch)
    read_pack(path)
    assert calls == [str(path)]
    (entry,) = (tmp_path / "cache" / "packs").iterdir()  # the old engine's entry is gone
    assert entry.name.endswith("-another-engine.marshal")


@pytest.mark.parametrize("content", [b"", b"\x00garbage", b"\xda\x01x"], ids=repr)
def test_a_torn_or_foreign_entry_is_checked_again_and_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    path = _copy_stock(tmp_path)
    first = read_pack(path)
    (entry,) = (tmp_path / "cache" / "packs").iterdir()
    entry.write_bytes(content)
    assert read_pack(path).sha256 == first.sha256
    assert entry.read_bytes() != content


def test_a_cache_that_cannot_be_written_only_costs_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("COACH_CACHE_DIR", str(blocker))
    pack = read_pack(_copy_stock(tmp_path))
    assert pack.id == load_pack((ROOT / "prompts" / "sales-leader.yaml").read_text()).id


def test_an_entry_with_the_right_key_but_wrong_insides_is_checked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import marshal

    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    path = _copy_stock(tmp_path)
    first = read_pack(path)
    (entry,) = (tmp_path / "cache" / "packs").iterdir()
    image = marshal.loads(entry.read_bytes())
    image["data"]["sections"] = {"not": "a list"}
    entry.write_bytes(marshal.dumps(image))
    again = read_pack(path)
    assert [s.id for s in again.steps] == [s.id for s in first.steps]
    assert marshal.loads(entry.read_bytes())["data"]["sections"] != {"not": "a list"}


def test_a_folder_others_can_write_into_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("COACH_CACHE_DIR", str(cache))
    path = _copy_stock(tmp_path)
    read_pack(path)
    cache.chmod(0o777)  # anyone could plant an entry here
    calls = _count_checks(monkeypatch)
    read_pack(path)
    read_pack(path)
    assert calls == [str(path), str(path)]


def test_an_engine_whose_files_cannot_be_seen_caches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COACH_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(packcache, "engine_fingerprint", lambda: None)
    calls = _count_checks(monkeypatch)
    path = _copy_stock(tmp_path)
    read_pack(path)
    read_pack(path)
    assert calls == [str(path), str(path)]
    assert not (tmp_path / "cache").exists()


def test_another_pyyaml_or_jinja2_is_another_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.machinery
    import importlib.util

    packcache.engine_fingerprint.cache_clear()
    before = packcache.engine_fingerprint()
    other = tmp_path / "yaml_init.py"
    other.write_text("# another PyYAML\n")
    real = importlib.util.find_spec

    def find(name: str) -> object:
        if name == "yaml":
            return importlib.machinery.ModuleSpec("yaml", None, origin=str(other))
        return real(name)

    monkeypatch.setattr(importlib.util, "find_spec", find)
    packcache.engine_fingerprint.cache_clear()
    try:
        assert before is not None and packcache.engine_fingerprint() not in (None, before)
    finally:
        packcache.engine_fingerprint.cache_clear()
