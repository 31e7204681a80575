"""Conversation tests and random walks: packs tested like code, from pytest and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.authoring.conversation import run_file
from coach.authoring.walk import walk, walks
from coach.cli import main
from coach.engine import Pack, load_pack

ROOT = Path(__file__).resolve().parent.parent
CONVERSATIONS = sorted((ROOT / "tests" / "data" / "conversations").glob("*.yaml")) + sorted(
    (ROOT / "examples" / "packs").glob("*.test.yaml")
)
PACKS = sorted((ROOT / "prompts").glob("*.yaml")) + sorted(
    p for p in (ROOT / "examples" / "packs").glob("*.yaml") if not p.name.endswith(".test.yaml")
)


@pytest.mark.parametrize("path", CONVERSATIONS, ids=lambda p: p.name)
def test_conversation_files_pass(path: Path) -> None:
    outcomes = run_file(path)
    failures = [str(p) for o in outcomes for p in o.problems]
    assert outcomes
    assert failures == []


def test_every_stock_pack_has_a_conversation_test() -> None:
    tested = {p.read_text(encoding="utf-8").split("pack: ", 1)[1].split()[0] for p in CONVERSATIONS}
    for pack in sorted((ROOT / "prompts").glob("*.yaml")):
        assert any(pack.stem in ref for ref in tested), f"no conversation test for {pack.name}"


def test_failures_point_at_the_line_that_failed() -> None:
    path = ROOT / "tests" / "data" / "conversations" / "failing" / "tiny-wrong.yaml"
    outcomes = run_file(path)
    assert [o.name for o in outcomes] == ["coach says something else", "the answers differ"]
    assert [str(p).removeprefix(f"{path}:") for o in outcomes for p in o.problems] == [
        '8:16: error: coach did not say "Tell me more"; it said: You said "not much". What did that look like, moment to moment?',
        "14:25: error: answers.rating is 3, not 4",
        "15:27: error: ratings.fairness has no value",
        "16:17: error: the reflection is not finished",
    ]


def test_a_test_file_with_mistakes_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("pack: no-such-pack\ntests:\n  - talk: [{leader: hi}]\n", encoding="utf-8")
    (outcome,) = run_file(path)
    assert len(outcome.problems) == 1
    assert str(outcome.problems[0]).startswith(
        f"{path}:1:7: error: the pack 'no-such-pack' cannot be used: "
    )


def test_the_cli_runs_test_files(capsys: pytest.CaptureFixture[str]) -> None:
    good = ROOT / "tests" / "data" / "conversations" / "tiny.yaml"
    bad = ROOT / "tests" / "data" / "conversations" / "failing" / "tiny-wrong.yaml"
    assert main(["packs", "test", str(good)]) == 0
    assert capsys.readouterr().out == "2 passed, 0 failed\n"
    assert main(["packs", "test", str(good), str(bad)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == "2 passed, 2 failed"
    assert out[0].startswith(f"{bad}:8:16: error: coach did not say")
    assert out[0].endswith("[coach says something else]")


@pytest.mark.parametrize("path", PACKS, ids=lambda p: p.stem)
def test_random_walks_through_every_shipped_pack(path: Path) -> None:
    pack = load_pack(path.read_text(encoding="utf-8"), path.name)
    assert [str(f) for f in walks(pack, 25, "pytest")] == []


def test_walks_through_the_tiny_pack(tiny: Pack) -> None:
    assert [str(f) for f in walks(tiny, 40, "pytest")] == []


def _pack(steps: str) -> Pack:
    head = "pack: 1\nid: w\nversion: '1'\ntitle: W\nsections:\n- id: s\n  steps:\n"
    return load_pack(head + "".join(f"  {line}\n" for line in steps.splitlines()), "w.yaml")


def test_a_walk_catches_an_undefined_value_shown_to_the_leader() -> None:
    pack = _pack(
        "- {id: a, kind: ask, text: 'Hi?', skippable: true}\n"
        "- {id: b, kind: say, text: \"You said {{ answers.get('a') }}.\"}\n"
    )
    failures = list(walks(pack, 30))
    assert failures
    assert all("step 'b' says 'None', an undefined value" in f.problem for f in failures)


def test_a_walk_catches_a_dialogue_that_never_ends() -> None:
    pack = _pack("- {id: a, kind: ask, text: 'Again?', next: [{if: {answered: true}, goto: a}]}\n")
    failure = walk(pack, "0:0")
    assert failure is not None
    assert failure.problem == "the dialogue did not end after 140 answers"
    assert len(failure.answers) == 140


def test_the_cli_walks_the_stock_packs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packs", "test", "--walk", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    stock = sorted(p.stem for p in (ROOT / "prompts").glob("*.yaml"))
    assert sorted(line.split(":")[0] for line in lines) == stock
    assert all(line.endswith(": 3 random walks, ok") for line in lines)


def test_the_cli_reports_a_failing_walk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text(
        "pack: 1\nid: loop\nversion: '1'\ntitle: L\nsections:\n- id: s\n  steps:\n"
        "  - {id: a, kind: ask, text: 'Again?', next: [{if: {answered: true}, goto: a}]}\n",
        encoding="utf-8",
    )
    assert main(["packs", "test", "--walk", "2", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(
        "loop: walk 0:0: the dialogue did not end after 140 answers (after 140"
    )
    assert out[-1] == "loop: 2 random walks, 2 failed"


def test_a_folder_gives_its_test_files_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packs", "test", str(ROOT / "examples" / "packs")]) == 0
    assert capsys.readouterr().out == "4 passed, 0 failed\n"
