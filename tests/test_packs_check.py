"""`coach packs check`: one broken pack per kind of mistake, each held to its exact place.

Each file under tests/data/packs/broken/ and hostile/ ends with `# expect:` lines: every
problem the checker must report, in order, as `line:col: severity: message`. Nothing more may
be reported, so a new false alarm fails here too.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli import main
from coach.engine import PackError, load_pack
from coach.engine.pack import check_pack

DATA = Path(__file__).resolve().parent / "data" / "packs"
ROOT = Path(__file__).resolve().parent.parent
BROKEN = sorted((DATA / "broken").glob("*.yaml"))
HOSTILE = sorted((DATA / "hostile").glob("*.yaml"))
STOCK = sorted((ROOT / "prompts").glob("*.yaml"))


def expected(path: Path) -> list[str]:
    return [
        line.removeprefix("# expect: ").rstrip("\n")
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("# expect: ")
    ]


def found(path: Path) -> list[str]:
    report = check_pack(path.read_text(encoding="utf-8"), path.name)
    return [str(p).removeprefix(f"{path.name}:") for p in report.problems]


def test_there_is_a_broken_pack_for_every_kind_of_mistake() -> None:
    names = {p.stem for p in BROKEN}
    assert names >= {
        "yaml-syntax", "unknown-key", "wrong-type", "missing-field", "duplicate-id",
        "goto-missing", "unreachable", "never-ends", "probes-no-budget", "template-syntax",
        "template-undefined", "regex-bad", "regex-unsupported", "category-no-keywords",
        "empty-scale", "warnings",
    }  # fmt: skip
    assert {p.stem for p in HOSTILE} >= {
        "python-tag",
        "sandbox-escape",
        "template-bombs",
        "alias-bomb",
        "deep-nesting",
    }


@pytest.mark.parametrize("path", BROKEN + HOSTILE, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_problem_at_its_exact_place(path: Path) -> None:
    wanted = expected(path)
    assert wanted, f"{path.name} declares no '# expect:' lines"
    assert found(path) == wanted


@pytest.mark.parametrize("path", STOCK, ids=lambda p: p.stem)
def test_stock_packs_are_clean(path: Path) -> None:
    assert found(path) == []


def test_a_pack_with_only_warnings_still_loads() -> None:
    pack = load_pack((DATA / "broken" / "warnings.yaml").read_text(encoding="utf-8"))
    assert pack.id == "broken"


def test_loading_raises_the_same_errors_check_reports() -> None:
    path = DATA / "broken" / "template-undefined.yaml"
    with pytest.raises(PackError) as caught:
        load_pack(path.read_text(encoding="utf-8"), path.name)
    assert [str(p).removeprefix(f"{path.name}:") for p in caught.value.problems] == expected(path)


def test_the_python_tag_never_runs(tmp_path: Path) -> None:
    marker = Path("/tmp/coach-pwned")
    marker.unlink(missing_ok=True)
    assert main(["packs", "check", str(DATA / "hostile" / "python-tag.yaml")]) == 1
    assert not marker.exists()


def test_a_50_mb_file_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as out:  # sparse where the file system allows: cheap to make
        out.truncate(50 * 1024 * 1024)
    assert main(["packs", "check", str(big)]) == 1
    out = capsys.readouterr().out
    assert out == f"{big}:1:1: error: the file is 52.4 MB; a pack may be at most 1,000 kB\n"


def test_check_reports_every_file_in_one_run_and_exits_1_on_errors(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [DATA / "broken" / "goto-missing.yaml", DATA / "broken" / "unreachable.yaml"]
    assert main(["packs", "check", *map(str, files)]) == 1
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [
        f"{files[0]}:13:19: error: 'goto: closing' names no step in this pack; did you mean 'close'?",
        f"{files[1]}:13:13: error: step 'lost' can never be reached: no step leads to it (nor the step after it)",
    ]
    assert captured.err == "2 errors, 0 warnings in 2 files\n"


def test_check_exits_0_with_only_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packs", "check", str(DATA / "broken" / "warnings.yaml")]) == 0
    assert capsys.readouterr().err == "0 errors, 5 warnings in 1 file\n"


def test_check_takes_a_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packs", "check", str(ROOT / "prompts")]) == 0
    files = f"{len(STOCK)} file{'s' if len(STOCK) > 1 else ''}"
    assert capsys.readouterr().err == f"0 errors, 0 warnings in {files}\n"


def test_a_file_that_is_not_utf8_is_placed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes("pack: 1\ntitle: Zuh\xf6ren\n".encode("latin-1"))
    assert main(["packs", "check", str(bad)]) == 1
    assert capsys.readouterr().out == f"{bad}:2:11: error: the file is not UTF-8 text\n"


def test_a_missing_file_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["packs", "check", "no-such-pack.yaml"]) == 1
    assert capsys.readouterr().out == "no-such-pack.yaml: error: the file does not exist\n"


SNIPPETS = [
    # (a step list, the problems), for the flow rules the broken files do not cover
    (
        "- {id: a, kind: ask, text: 'Hi?', skippable: true, set: {mood: ok}}\n"
        "- {id: b, kind: say, text: '{{ vars.mood }}'}\n",
        [
            "9:34: error: 'vars.mood' may be unset here (a step that sets it can be skipped or passed over); use vars.get('mood') or test 'vars.mood is defined'"
        ],
    ),
    (
        "- {id: a, kind: ask, text: 'Hi?', skippable: true}\n"
        "- {id: b, kind: say, text: '{% if answers.a is defined %}{{ answers.a }}{% endif %}'}\n"
        "- {id: c, kind: say, text: \"{{ answers.get('a', '') }} {{ followups.get('a', []) }}\"}\n",
        ["10:61: error: 'followups.a': step 'a' has no probes, so it never has follow-ups"],
    ),
    (
        "- {id: a, kind: ask, text: 'Hi?', when: {step: b, answered: true}}\n"
        "- {id: b, kind: ask, text: 'Then?', when: {var: nothing, equals: 1}}\n",
        [
            "9:51: error: 'var: nothing' is never set: no step's 'set' or 'classify: into' gives it a value"
        ],
    ),
    (
        "- {id: a, kind: rating, text: 'Rate it', next: [{if: {at_least: 9}, goto: end}]}\n"
        "- {id: b, kind: say, text: '{{ ratings.listening }}'}\n",
        [
            "8:56: warning: this branch is never taken: 'at_least: 9' is outside the scale (1-5)",
            "9:34: error: 'ratings.listening' names no trait",
        ],
    ),
    (
        "- {id: a, kind: ask, text: 'Hi?', next: [{if: {words_below: 3}, goto: c}]}\n"
        "- {id: b, kind: commit, text: 'What will you do?'}\n"
        "- {id: c, kind: say, text: 'You will {{ answers.b.action }}.'}\n",
        [
            "10:43: error: 'answers.b' is undefined when step 'b' has no answer (not every path to here goes through it); use answers.get('b') or test 'answers.b is defined'"
        ],
    ),
]


@pytest.mark.parametrize(("steps", "problems"), SNIPPETS)
def test_flow_rules(steps: str, problems: list[str]) -> None:
    head = "pack: 1\nid: t\nversion: '1'\ntitle: T\nsections:\n- id: s\n  steps:\n"
    body = "".join(f"  {line}\n" for line in steps.splitlines())
    report = check_pack(head + body, "t.yaml")
    assert [str(p).removeprefix("t.yaml:") for p in report.problems] == problems


def test_the_generated_2000_step_pack_of_the_bench_is_clean() -> None:
    """bench/pack_check.py times this pack; it must check clean for its figures to mean much."""
    spec = importlib.util.spec_from_file_location("pack_check", ROOT / "bench" / "pack_check.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec.loader.exec_module(bench)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    report = check_pack(bench.generated_pack(2000), "generated.yaml")
    assert report.problems == ()
    assert report.pack is not None and len(report.pack.steps) == 2000
    kinds = {step.kind for step in report.pack.steps}
    assert kinds == {"say", "ask", "rating", "choice", "commit"}


def test_the_authoring_tools_load_no_textual() -> None:
    code = (
        "import sys, coach.authoring.check, coach.authoring.conversation, coach.authoring.graph\n"
        "import coach.authoring.walk, coach.authoring.schema, coach.engine.checks\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


LEXICON_HEAD = "pack: 1\nid: t\nversion: '1'\ntitle: T\n"
LEXICON_TAIL = "sections:\n- id: s\n  steps:\n  - {id: a, kind: commit, text: 'When?'}\n"


@pytest.mark.parametrize(
    ("lexicon", "problems"),
    [
        (
            "lexicon:\n  weekdays: [mo, di, mi]\n",
            ["6:13: error: 'weekdays' must list all 7 of them, Monday first"],
        ),
        (
            "lexicon:\n  relative: {tomorow: [morgen]}\n",
            ["6:14: error: unknown key 'tomorow' in 'relative'; did you mean 'tomorrow'?"],
        ),
        (
            "lexicon:\n  numbers: {vier: four}\n",
            ["6:19: error: the number for 'vier' must be a whole number"],
        ),
        ("settings: {default_due: 2026-12-12}\n", []),  # a date stays text, and reads as one
        (
            "settings: {default_due: someday}\n",
            [
                "5:25: warning: coach cannot read 'someday' as a timeframe with this pack's lexicon, so it falls back to two weeks"
            ],
        ),
    ],
)
def test_lexicon_and_due_words(lexicon: str, problems: list[str]) -> None:
    report = check_pack(LEXICON_HEAD + lexicon + LEXICON_TAIL, "t.yaml")
    assert [str(p).removeprefix("t.yaml:") for p in report.problems] == problems


def _templates() -> list[str]:
    """Every template source in the shipped packs and the tiny pack."""
    import yaml

    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str) and ("{{" in value or "{%" in value):
            found.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    for path in [*STOCK, DATA / "tiny.yaml", ROOT / "examples" / "packs" / "zuhoeren.de.yaml"]:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def test_template_names_agree_with_jinja() -> None:
    """The checker finds a template's names in its own walk; Jinja's `meta` is the reference."""
    from jinja2 import meta, nodes

    from coach.engine.checks import analyse_template, simple_template
    from coach.engine.lexicon import DEFAULT
    from coach.engine.texts import make_environment

    env = make_environment(DEFAULT)
    sources = _templates()
    assert len(sources) > 100
    fast = 0
    for source in sources:
        ast = env.parse(source)
        stored = {n.name for n in ast.find_all(nodes.Name) if n.ctx in ("store", "param")}
        info = analyse_template(ast)
        assert info.names == meta.find_undeclared_variables(ast) - stored, source
        quick = simple_template(source)
        if quick is not None:
            fast += 1
            assert (quick.names, quick.lookups, quick.dynamic) == (
                info.names,
                info.lookups,
                info.dynamic,
            ), source
    assert fast > 20  # the fast path is taken for the plain quotes
