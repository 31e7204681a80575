"""Every example in docs/packs.md works as the guide says it does.

Fenced blocks are read by their info string: `yaml` is a complete pack (no problems at all),
`yaml steps` a list of steps and `yaml top` top-level keys (each put into a small pack that
must then have no problems), `yaml lexicon` a lexicon, `yaml conversation` a conversation test
run against the guide's first pack, `yaml broken` a pack whose `coach packs check` output is
the `text` block after it, and `mermaid` the graph of the first pack.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from coach.authoring import graph
from coach.authoring.conversation import run_file
from coach.cli import main
from coach.engine.pack import check_pack

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "packs.md"
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
BLOCKS = [(m.group(1).strip(), m.group(2)) for m in FENCE.finditer(GUIDE.read_text("utf-8"))]
HARNESS: dict[str, Any] = {
    "pack": 1,
    "id": "example",
    "version": "1",
    "title": "Example",
    "lexicon": {"hedges": ["maybe", "not sure", "sort of", "i try"]},
    "traits": [
        {"id": "listening", "title": "Listening", "keywords": ["listen", "heard", "asked"]},
        {"id": "fairness", "title": "Fairness", "keywords": ["fair", "equal", "favourite"]},
    ],
    "sections": [
        {"id": "listening", "steps": [{"id": "first", "kind": "ask", "text": "What happened?"}]}
    ],
}


def blocks(kind: str) -> list[str]:
    return [body for info, body in BLOCKS if info == kind]


def problems(text: str) -> list[str]:
    return [str(p) for p in check_pack(text, "example.yaml").problems]


def test_the_guide_has_an_example_of_every_kind() -> None:
    kinds = [info for info, _ in BLOCKS]
    assert kinds[:2] == ["sh", "yaml"]  # it starts with a complete pack
    for kind in ("yaml steps", "yaml top", "yaml lexicon", "yaml conversation", "yaml broken"):
        assert kind in kinds
    assert set(kinds) <= {"sh", "yaml", "yaml steps", "yaml top", "yaml lexicon",
                          "yaml conversation", "yaml broken", "text", "mermaid"}  # fmt: skip


@pytest.mark.parametrize("body", blocks("yaml"))
def test_complete_packs_have_no_problems(body: str) -> None:
    assert problems(body) == []


@pytest.mark.parametrize("body", blocks("yaml steps"))
def test_step_lists_have_no_problems(body: str) -> None:
    pack = dict(HARNESS, sections=[{"id": "listening", "steps": yaml.safe_load(body)}])
    assert problems(yaml.safe_dump(pack, sort_keys=False, allow_unicode=True)) == []


@pytest.mark.parametrize("body", blocks("yaml top"))
def test_top_level_keys_have_no_problems(body: str) -> None:
    pack = {**HARNESS, **yaml.safe_load(body)}
    assert problems(yaml.safe_dump(pack, sort_keys=False, allow_unicode=True)) == []


@pytest.mark.parametrize("body", blocks("yaml lexicon"))
def test_lexicons_have_no_problems(body: str) -> None:
    pack = {**HARNESS, "lexicon": yaml.safe_load(body)}
    assert problems(yaml.safe_dump(pack, sort_keys=False, allow_unicode=True)) == []


def test_the_graph_shown_is_the_first_packs_graph() -> None:
    report = check_pack(blocks("yaml")[0], "tiny.yaml")
    assert report.pack is not None and report.located is not None
    assert graph.mermaid(report.pack, report.located) == blocks("mermaid")[0]


@pytest.mark.parametrize("body", blocks("yaml conversation"))
def test_conversation_tests_pass(body: str, tmp_path: Path) -> None:
    (tmp_path / "tiny.yaml").write_text(blocks("yaml")[0], encoding="utf-8")
    test = tmp_path / "tiny.test.yaml"
    test.write_text(body, encoding="utf-8")
    outcomes = run_file(test)
    assert outcomes
    assert [str(p) for o in outcomes for p in o.problems] == []


def test_the_broken_example_says_what_the_guide_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    kinds = [info for info, _ in BLOCKS]
    at = kinds.index("yaml broken")
    assert kinds[at + 1] == "text"
    (tmp_path / "broken.yaml").write_text(BLOCKS[at][1], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["packs", "check", "broken.yaml"]) == 1
    assert capsys.readouterr().out == BLOCKS[at + 1][1]
