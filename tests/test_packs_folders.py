"""Folders given to `coach packs check` / `packs test`: each takes only its own kind of file.

A pack and its conversation tests share a folder (`examples/packs/`), so a folder given to
`packs check` must check its packs and pass over its test files, and `packs test` the other
way round. A test file named on its own is not passed over: it gets one clear problem.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.authoring.check import check_file
from coach.authoring.files import expand, is_conversation_test
from coach.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "packs"
TINY = (ROOT / "tests" / "data" / "packs" / "tiny.yaml").read_text(encoding="utf-8")
NOT_A_PACK = "this is a conversation test file, not a pack (run it with coach packs test)"


def _folder(tmp_path: Path) -> Path:
    """A folder of one pack, its test file, and a broken pack."""
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    (tmp_path / "tiny.test.yaml").write_text(
        "# tests for tiny\npack: tiny.yaml\ntests:\n  - name: it opens\n    talk: []\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.yaml").write_text("format: 1\nid: broken\n", encoding="utf-8")
    return tmp_path


def test_the_examples_folder_checks_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packs", "check", str(EXAMPLES)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "0 errors, 0 warnings in 1 file\n"


def test_a_folder_checks_its_packs_and_passes_over_its_tests(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path)
    assert main(["packs", "check", str(folder)]) == 1  # broken.yaml
    out, err = capsys.readouterr()
    assert "broken.yaml" in out
    assert "tiny.test.yaml" not in out
    assert err.endswith("in 2 files\n")


def test_a_folder_of_only_tests_has_no_packs_to_check(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path)
    (folder / "tiny.yaml").unlink()
    (folder / "broken.yaml").unlink()
    assert main(["packs", "check", str(folder)]) == 1
    assert capsys.readouterr().err == f"coach: no pack files found in {folder}\n"


def test_a_test_file_named_explicitly_is_one_clear_problem(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = EXAMPLES / "zuhoeren.de.test.yaml"
    assert main(["packs", "check", str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == f"{path}:3:1: error: {NOT_A_PACK}\n"  # the line of its `tests:`
    assert err == "1 error, 0 warnings in 1 file\n"


def test_a_test_file_beside_a_folder_is_still_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _folder(tmp_path)
    (folder / "broken.yaml").unlink()
    test = folder / "tiny.test.yaml"
    assert main(["packs", "check", str(folder), str(test)]) == 1
    out, _ = capsys.readouterr()
    assert out == f"{test}:3:1: error: {NOT_A_PACK}\n"


def test_packs_graph_of_a_test_file_says_what_it_is(capsys: pytest.CaptureFixture[str]) -> None:
    path = EXAMPLES / "zuhoeren.de.test.yaml"
    assert main(["packs", "graph", str(path)]) == 1
    assert NOT_A_PACK in capsys.readouterr().err


def test_packs_test_on_a_folder_still_runs_only_its_tests(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["packs", "test", str(EXAMPLES)]) == 0
    assert capsys.readouterr().out.endswith(" passed, 0 failed\n")


def test_expand_sorts_a_folder_by_kind(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "notes.txt").write_text("tests:\n", encoding="utf-8")  # not *.yaml: never taken
    assert expand([folder]) == [folder / "broken.yaml", folder / "tiny.yaml"]
    assert expand([folder], tests=True) == [folder / "tiny.test.yaml"]
    named = folder / "tiny.test.yaml"
    assert expand([named]) == [named]  # a file named on its own is always kept


def test_a_file_that_cannot_be_sorted_is_kept_for_both_so_its_reader_says_why(
    tmp_path: Path,
) -> None:
    odd = tmp_path / "odd.yaml"
    odd.mkdir()  # a folder named like a pack file
    assert expand([tmp_path]) == [odd]
    assert expand([tmp_path], tests=True) == [odd]
    assert [p.message for p in check_file(odd).problems] == ["this is a folder, not a pack file"]


@pytest.mark.parametrize(
    ("text", "is_test"),
    [
        ("pack: tiny.yaml\ntests:\n  - name: x\n", True),
        ("pack: tiny.yaml\ntests :\n", True),
        ("# tests: in a comment\nformat: 1\nsections: []\n", False),
        ("format: 1\nsections: []\ntests: []\n", False),  # a pack with a stray key
        ("format: 1\nnotes:\n  tests: nested\n", False),  # not top-level
        ("", False),
    ],
)
def test_what_counts_as_a_conversation_test_file(text: str, is_test: bool) -> None:
    assert is_conversation_test(text) is is_test


def test_a_pack_with_a_stray_tests_key_is_checked_as_a_pack(tmp_path: Path) -> None:
    pack = tmp_path / "stray.yaml"
    pack.write_text(TINY + "tests: []\n", encoding="utf-8")
    assert expand([tmp_path]) == [pack]
    messages = [p.message for p in check_file(pack).problems]
    assert NOT_A_PACK not in messages
    assert any("'tests'" in m for m in messages)
