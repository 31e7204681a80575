"""Bounded templates: what `packs check` can see is refused at its place; what only shows at
run time ends with one sentence naming the pack file and step, in bounded time and memory.

A template that fails with short answers too is the pack's fault: `TemplateFailure` with that
sentence. One that fails only because the leader typed a lot (a 2 MB paste quoted whole) is
shown with the answers cut, ends with a sentence saying so, and the dialogue goes on.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest

from coach.cli import main
from coach.engine import Dialogue, Reply, TemplateFailure, load_pack
from coach.engine.checks import simple_template
from coach.engine.pack import check_pack

T = TypeVar("T")
HERE = Path(__file__).resolve().parent
BOMBS = HERE / "packs" / "template-bombs.yaml"
QUOTES = HERE / "packs" / "quotes.yaml"
NOW = datetime(2026, 11, 28, 9, tzinfo=UTC)
SECONDS = 5.0
MEGABYTES = 64  # peak Python allocations while one bomb is refused
PASTE = "I showed them how to run the call. " * 60_000  # 2.1 MB, one line


def bounded(
    prepare: Callable[[], Callable[[], T]], seconds: float = SECONDS, megabytes: int = MEGABYTES
) -> T:
    """Run `prepare()`'s action twice, on fresh state: timed, then under tracemalloc (which
    slows Python code many times over). Fail unless it ends within `seconds` and allocates at
    most `megabytes` at peak; returns what the timed run returned."""
    action = prepare()
    started = time.perf_counter()
    result = action()
    took = time.perf_counter() - started
    action = prepare()
    tracemalloc.start()
    try:
        action()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert took < seconds, f"{took:.2f} s"
    assert peak < megabytes * 1_000_000, f"{peak / 1e6:.0f} MB at peak"
    return result


def failure(action: Callable[[], object]) -> Callable[[], TemplateFailure]:
    """`action` as one that returns the `TemplateFailure` it must raise."""

    def run() -> TemplateFailure:
        with pytest.raises(TemplateFailure) as caught:
            action()
        return caught.value

    return run


# -- what packs check sees ------------------------------------------------------------------


def _one_step(text: str) -> str:
    return (
        "pack: 1\nid: t\nversion: '1'\ntitle: T\nsections:\n- id: s\n  steps:\n"
        f'  - id: a\n    kind: say\n    text: "{text}"\n'
    )


def test_the_fast_path_no_longer_ignores_a_hazard(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "{{ cycler.__init__.__globals__ }}"
    quick = simple_template(text)
    assert quick is not None and quick.hazards  # a plain quote to the fast path ...
    pack = tmp_path / "escape.yaml"
    pack.write_text(_one_step(text), encoding="utf-8")
    assert main(["packs", "check", str(pack)]) == 1  # ... and now an error, at its place
    captured = capsys.readouterr()
    assert captured.out == (
        f"{pack}:10:22: error: the template reaches for '__init__', which packs may not use\n"
        f"{pack}:10:31: error: the template reaches for '__globals__', which packs may not use\n"
    )
    assert captured.err == "2 errors, 0 warnings in 1 file\n"


@pytest.mark.parametrize(
    ("text", "col", "sentence"),
    [
        (
            "{{ '%0999999999d' % 1 }}",
            16,
            "the template formats with a width or precision of 999,999,999; packs may use up "
            "to 1,000",
        ),
        (
            "{{ '{:>999999999}'.format(1) }}",
            18,
            "the template formats with a width or precision of 999,999,999; packs may use up "
            "to 1,000",
        ),
        (
            "{{ '%*d' % (9, 1) }}",
            16,
            "the template takes a format width from a value ('*'), which packs may not do",
        ),
        (
            "{{ [1, 2] | random }}",
            24,
            "the template uses the filter 'random', which packs may not use",
        ),
        (
            "{% for x in [[1]] recursive %}{{ loop(x) }}{% endfor %}",
            30,
            "the template uses a recursive loop, which packs may not use",
        ),
    ],
)
def test_format_widths_filters_and_recursive_loops_seen_on_sight(
    text: str, col: int, sentence: str
) -> None:
    problems = [str(p) for p in check_pack(_one_step(text), "t.yaml").problems]
    assert problems == [f"t.yaml:10:{col}: error: {sentence}"]


def test_the_runtime_bombs_pass_packs_check(capsys: pytest.CaptureFixture[str]) -> None:
    """Nothing in them is hostile on sight: the sandbox has to stop them while they run."""
    assert main(["packs", "check", str(BOMBS), str(QUOTES)]) == 0
    assert capsys.readouterr().err == "0 errors, 0 warnings in 2 files\n"


# -- what only shows at run time: the pack's own fault --------------------------------------

BOMB_SENTENCES = {
    "repeat": "it would make a value of more than 100,000 characters",
    "percent": "it formats with a width or precision of 997,002,999, above 1,000",
    "format": "it formats with a width or precision of 997,002,999, above 1,000",
    "replace": "it would make a value of more than 100,000 characters",
    "ranges": "its loops would run more than 10,000 times",
    "recursion": "a macro calls itself too deeply (it never stops)",
    "fanout": "it would take more than 10,000,000 steps of work",
}


@pytest.mark.parametrize(("bomb", "reason"), BOMB_SENTENCES.items())
def test_a_bomb_ends_with_one_sentence_naming_the_file_and_step(bomb: str, reason: str) -> None:
    pack = load_pack(BOMBS.read_text(encoding="utf-8"), "template-bombs.yaml")

    def prepare() -> Callable[[], TemplateFailure]:
        d = Dialogue(pack, lambda: NOW, participant="Dana")
        d.start()
        return failure(lambda: d.answer(bomb))

    failed = bounded(prepare)
    assert str(failed) == f"template-bombs.yaml: template failed in step '{bomb}': {reason}"
    assert failed.__cause__ is None and failed.__suppress_context__  # no chain of errors


def test_a_bomb_through_the_cli_is_one_sentence_and_exit_1(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "coach", "reflect", "--plain", "--pack", str(BOMBS),
         "--sessions", str(tmp_path / "sessions")],
        input="ranges\n", capture_output=True, text=True, timeout=60, check=False,
        env={"PATH": "/usr/bin:/bin", "COACH_NOW": NOW.isoformat(), "HOME": str(tmp_path),
             "COACH_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        f"coach: {BOMBS}: template failed in step 'ranges': its loops would run more than "
        "10,000 times\n"
    )


# -- what only shows at run time: the leader typed a lot ------------------------------------


def test_a_two_megabyte_answer_quoted_whole_is_cut_and_the_dialogue_goes_on() -> None:
    pack = load_pack(QUOTES.read_text(encoding="utf-8"), "quotes.yaml")
    d = Dialogue(pack, lambda: NOW)

    def prepare() -> Callable[[], Reply]:
        nonlocal d
        d = Dialogue(pack, lambda: NOW)
        d.start()
        return lambda: d.answer(PASTE)

    reply = bounded(prepare, megabytes=96)  # the 2 MB answer is kept whole, log and answers
    assert reply.accepted and reply.prompt is not None and reply.prompt.stage == "probe"
    quoted = PASTE[:1_000] + "…"
    assert reply.prompt.text == (
        f'You said "{quoted}". What happened next?\n\n'
        "(Answers quoted here are cut to 1,000 characters: quotes.yaml, step 'story': the "
        "text would be longer than 100,000 characters.)"
    )
    assert d.answers["story"] == PASTE  # the answer itself is never cut
    assert d.failures == [
        "quotes.yaml: template failed in step 'story': the text would be longer than "
        "100,000 characters; coach quoted answers cut to 1,000 characters"
    ]


def test_answers_x_times_1000_after_a_two_megabyte_answer_goes_on() -> None:
    pack = load_pack(QUOTES.read_text(encoding="utf-8"), "quotes.yaml")
    d = Dialogue(pack, lambda: NOW)

    def prepare() -> Callable[[], Reply]:
        nonlocal d
        d = Dialogue(pack, lambda: NOW)
        d.start()
        d.answer(PASTE)
        return lambda: d.answer("Then they ran one themselves.")

    reply = bounded(prepare, megabytes=96)
    assert reply.accepted and reply.prompt is not None and reply.prompt.step == "echo"
    text = reply.prompt.text
    assert len(text) < 60_000  # the answer cut to 50 characters, a thousand times
    assert text.startswith((PASTE[:50] + "…") * 3)
    assert text.endswith(
        " Anything else?\n\n(Answers quoted here are cut to 50 characters: quotes.yaml, step "
        "'echo': it would make a value of more than 100,000 characters.)"
    )
    assert d.answer("No.").accepted and d.finished


CLI_RSS = """
import resource, sys
from coach.cli import main
code = main(sys.argv[1:])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def test_the_leaders_paste_through_the_cli_goes_on_in_bounded_memory(tmp_path: Path) -> None:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", CLI_RSS, "reflect", "--plain", "--pack", str(QUOTES),
         "--sessions", str(tmp_path / "sessions")],
        input=f"{PASTE}\nThen they ran one themselves.\nNo.\n", capture_output=True,
        text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "COACH_NOW": NOW.isoformat(), "HOME": str(tmp_path),
             "COACH_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "(Answers quoted here are cut to 1,000 characters: " in result.stdout
    assert "(Answers quoted here are cut to 50 characters: " in result.stdout
    assert "Thank you." in result.stdout
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    assert peak_kb < 400_000, f"{peak_kb / 1000:.0f} MB"  # a 2 MB answer, saved three times
    assert time.perf_counter() - started < 60
    saved = next((tmp_path / "sessions").glob("*.yaml")).read_text(encoding="utf-8")
    assert PASTE.strip() in saved  # kept verbatim on disk


def test_resource_module_is_what_the_bound_above_reads() -> None:
    """ru_maxrss is in kilobytes on Linux (bytes on macOS): the bound above assumes Linux."""
    if sys.platform != "linux":
        pytest.skip("ru_maxrss is in kilobytes on Linux only")
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 1_000
