"""Pack regexes run on RE2: no pattern can backtrack, and what RE2 cannot run is a pack error.

Each pattern here hung a reflection under Python's `re` (an answer of 45 `a`s and a `b`). The
timed answers run in a subprocess with a timeout, so a regression fails the test instead of
hanging the suite.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from coach.cli import main
from coach.engine import Dialogue, PackError, load_pack
from coach.engine.conditions import compile_condition
from coach.engine.pack import check_pack

HERE = Path(__file__).resolve().parent
BOMBS = HERE / "packs" / "regex-bombs.yaml"
PATTERNS = ["((a+))+$", "^(a|aa)+$", "^(a?){40}a{40}$", "^(a|b|ab)*c$"]
ANSWERS = {
    "45 a and a b": "a" * 45 + "b",
    "ab 23 times": "ab" * 23,  # what makes `^(a|b|ab)*c$` backtrack
    "10 kB": "a" * 10_000 + "b",
    "10 kB of ab": "ab" * 5_000,
}
SECONDS = 5.0  # per answer; linear time takes milliseconds, backtracking takes years


def test_the_patterns_that_hung_now_pass_packs_check(capsys: pytest.CaptureFixture[str]) -> None:
    text = BOMBS.read_text(encoding="utf-8")
    for pattern in PATTERNS:
        assert f'matches: "{pattern}"' in text
    assert main(["packs", "check", str(BOMBS)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "0 errors, 0 warnings in 1 file\n"


TIMED = """
import json, sys, time
from datetime import UTC, datetime
from coach.engine import Dialogue, load_pack
pack = load_pack(open(sys.argv[1], encoding="utf-8").read(), "regex-bombs.yaml")
out = {}
for name, answer in json.loads(sys.argv[2]).items():
    d = Dialogue(pack, lambda: datetime(2026, 11, 28, 9, tzinfo=UTC))
    d.start()
    t0 = time.perf_counter()
    reply = d.answer(answer)
    out[name] = [time.perf_counter() - t0, reply.accepted, d.finished]
print(json.dumps(out))
"""


def test_an_answer_that_made_them_backtrack_is_answered_in_linear_time() -> None:
    result = subprocess.run(
        [sys.executable, "-c", TIMED, str(BOMBS), json.dumps(ANSWERS)],
        capture_output=True,
        text=True,
        timeout=60,  # all four patterns against both answers; a hang fails here
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    timings = json.loads(result.stdout)
    assert set(timings) == set(ANSWERS)
    for name, (seconds, accepted, finished) in timings.items():
        assert seconds < SECONDS, f"{name}: {seconds:.2f} s"
        # No probe matched (each pattern needs the answer to end in `a` or `c`), `again` was
        # passed over (its `when` is the fourth pattern on the answer), `bye` said: the end.
        assert accepted and finished, name


def test_a_pattern_still_matches_what_it_should_ignoring_case() -> None:
    pack = load_pack(BOMBS.read_text(encoding="utf-8"), "regex-bombs.yaml")
    d = Dialogue(pack, lambda: __import__("datetime").datetime(2026, 11, 28))
    d.start()
    reply = d.answer("AAAA")  # `((a+))+$` ignores case, as every pack pattern always has
    assert reply.prompt is not None and reply.prompt.text == "One?"
    condition = compile_condition({"matches": r"\bnot (recently|lately)\b"})
    assert condition.refs == ()


UNSUPPORTED = [
    (
        r"\\b(told|explained)\\b(?! them why)",
        "the regular expression uses a negative lookahead '(?!...)', which RE2 does not "
        "support; test it in a separate condition: 'not: {matches: ...}'",
    ),
    (
        r"(?=.*told)",
        "the regular expression uses a lookahead '(?=...)', which RE2 does not support; "
        "match the text itself, or test it in a second condition under 'all: [...]'",
    ),
    (
        r"(?<=I )told",
        "the regular expression uses a lookbehind '(?<=...)', which RE2 does not support; "
        "include the text before it in the pattern",
    ),
    (
        r"(?<!not )sure",
        "the regular expression uses a negative lookbehind '(?<!...)', which RE2 does not "
        "support; test it in a separate condition: 'not: {matches: ...}'",
    ),
    (
        r"\\b(\\w+) \\1\\b",
        "the regular expression refers back to a group ('\\1'), which RE2 does not support; "
        "spell the alternatives out: '(aa|bb)' for '(a|b)\\1'",
    ),
    (
        r"(?P<w>\\w+) (?P=w)",
        "the regular expression refers back to a group ('(?P=name)'), which RE2 does not "
        "support; spell the alternatives out: '(aa|bb)' for '(?P<x>a|b)(?P=x)'",
    ),
    (
        r"^\\w++$",
        "the regular expression uses a possessive quantifier '++', which RE2 does not "
        "support; write '+': RE2 never backtracks, so it is not needed",
    ),
    (
        r"(?>maybe|perhaps)",
        "the regular expression uses an atomic group '(?>...)', which RE2 does not support; "
        "write '(?:...)': RE2 never backtracks, so it is not needed",
    ),
    (
        r"done\\Z",
        "the regular expression uses '\\Z', which RE2 does not support; write '\\z' (the "
        "very end of the answer)",
    ),
    (
        r"a{2000}",
        "the regular expression repeats too often ('{2000}'): RE2 allows a count of at most "
        "1000, repetitions inside repetitions included",
    ),
    (r"(told|explained", "the regular expression does not compile: a '(' is never closed"),
]


@pytest.mark.parametrize(("pattern", "sentence"), UNSUPPORTED, ids=[u[0] for u in UNSUPPORTED])
def test_what_re2_cannot_run_is_one_sentence_at_its_place(
    pattern: str, sentence: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = tmp_path / "regex.yaml"
    pack.write_text(
        "pack: 1\nid: r\nversion: '1'\ntitle: R\nsections:\n- id: s\n  steps:\n"
        "  - id: a\n    kind: ask\n    text: What happened?\n    probes:\n"
        f'      rules:\n      - if: {{matches: "{pattern}"}}\n        text: Go on?\n',
        encoding="utf-8",
    )
    assert main(["packs", "check", str(pack)]) == 1
    captured = capsys.readouterr()
    assert captured.out == f"{pack}:13:23: error: {sentence}\n"
    assert "Traceback" not in captured.out + captured.err
    with pytest.raises(PackError) as caught:
        load_pack(pack.read_text(encoding="utf-8"), "regex.yaml")
    assert str(caught.value) == f"regex.yaml:13:23: error: {sentence}"


def test_the_backtracking_heuristic_is_gone() -> None:
    """`(\\w+\\s?)+$` was refused for nesting quantifiers; RE2 runs it in linear time."""
    steps = "- {id: a, kind: ask, text: 'Hi?', probes: {rules: [{if: {matches: '(\\w+\\s?)+$'}, text: 'More?'}]}}\n"
    head = "pack: 1\nid: t\nversion: '1'\ntitle: T\nsections:\n- id: s\n  steps:\n"
    body = "".join(f"  {line}\n" for line in steps.splitlines())
    assert check_pack(head + body, "t.yaml").problems == ()
