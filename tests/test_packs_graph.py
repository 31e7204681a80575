"""`coach packs graph`: the flow as Mermaid or DOT, with pack text escaped."""

from __future__ import annotations

from pathlib import Path

import pytest

from coach.authoring.graph import describe
from coach.cli import main

DATA = Path(__file__).resolve().parent / "data" / "packs"


def test_mermaid_shows_steps_branches_loops_and_the_end(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packs", "graph", str(DATA / "tiny.yaml")]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "flowchart TD"
    for edge in [
        "  start --> s0",
        '    s1["recall<br/>ask"]',
        '    s2[/"rating<br/>rating"/]',
        '    s7{"focus<br/>choice"}',
        '  s1 -.->|"up to 2 probes"| s1',
        '  s4 -->|"at_least 4"| s6',
        '  s4 -->|"otherwise"| s5',
        '  s6 -.->|"confirm if unclear"| s6',
        "  s8 --> finish",
    ]:
        assert edge in lines


def test_dot_has_the_same_flow(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packs", "graph", "--format", "dot", str(DATA / "tiny.yaml")]) == 0
    out = capsys.readouterr().out
    assert out.startswith('digraph "tiny" {\n')
    assert out.rstrip().endswith("}")
    assert '  "fair_rating" -> "loyalty" [label="at_least 4"];' in out
    assert '  "recall" -> "recall" [label="up to 2 probes", style=dotted];' in out
    assert '  "bye" -> "end";' in out


def test_passed_over_and_unreachable_steps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "p.yaml"
    pack.write_text(
        "pack: 1\nid: p\nversion: '1'\ntitle: P\nsections:\n"
        "- id: s\n  title: 'Say \"hi\" <b>|</b>'\n  steps:\n"
        "  - {id: a, kind: ask, text: 'Hi?', skippable: true, next: [{goto: c}]}\n"
        "  - {id: b, kind: ask, text: 'Lost?'}\n"
        "  - {id: c, kind: say, text: 'Bye.', when: {step: a, answered: true}}\n",
        encoding="utf-8",
    )
    assert main(["packs", "graph", str(pack)]) == 0  # drawn, even though check has an error
    lines = capsys.readouterr().out.splitlines()
    assert '  subgraph sec0["Say #quot;hi#quot; #lt;b#gt;#124;#lt;/b#gt;"]' in lines
    assert '  s2 -.->|"passed over unless a answered"| finish' in lines
    assert "  class s1 unreachable" in lines


def test_a_pack_that_cannot_be_built_is_not_drawn(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packs", "graph", str(DATA / "broken" / "missing-field.yaml")]) == 1
    err = capsys.readouterr().err
    assert "missing-field.yaml:7:9: error: step 'first' needs 'kind'" in err
    assert err.rstrip().endswith("has errors that stop it being drawn (listed above)")


@pytest.mark.parametrize(
    ("condition", "phrase"),
    [
        ({"words_below": 6}, "words_below 6"),
        ({"step": "x", "at_most": 2}, "x at_most 2"),
        ({"hedged": True}, "hedged"),
        (
            {"any": [{"hedged": True}, {"contains": ["a", "b", "c", "d"]}]},
            "(hedged or contains [a, b, c, …])",
        ),
        ({"not": {"var": "v", "equals": False}}, "not (v equals false)"),
    ],
)
def test_conditions_read_as_short_phrases(condition: object, phrase: str) -> None:
    assert describe(condition) == phrase


@pytest.mark.parametrize("fmt", ["mermaid", "dot"])
@pytest.mark.parametrize("pack", ["sales-leader", "team-retro"])
def test_the_stock_packs_draw_every_kind_of_step(
    pack: str, fmt: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = DATA.parent.parent.parent / "prompts" / f"{pack}.yaml"
    assert main(["packs", "graph", "--format", fmt, str(path)]) == 0
    out = capsys.readouterr().out
    if pack == "sales-leader":  # offers of suggestions: a shape of their own
        assert ('{{"coach_offer<br/>offer"}}' if fmt == "mermaid" else "shape=hexagon") in out
