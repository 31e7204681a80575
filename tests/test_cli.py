"""The `coach` command end to end, as a leader or a script would run it: in a subprocess where
the process matters (the entry point, signals, what gets imported), in-process otherwise."""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import NOW, ROOT

# Answers that take the stock pack from start to finish; vague ones get probed.
FULL = [
    "Dana",  # name or first question, depending on the pack; any text is an answer
] + ["3"] * 200


def coach(
    *args: str,
    stdin: str = "",
    sessions: Path,
    env: dict[str, str] | None = None,
    process: bool = False,
) -> subprocess.CompletedProcess[str]:
    """Run `coach ARGS` as a script would. In-process over plain streams unless the process
    itself is what a test is about (`process=True`): the command takes its streams, its
    environment and its arguments, and nothing else, so both ways give the same result."""
    environment = {
        **os.environ,
        "COACH_SESSIONS_DIR": str(sessions),
        "COACH_NOW": NOW.isoformat(),
        "PYTHONIOENCODING": "utf-8",
        **(env or {}),
    }
    environment.pop("COACH_PACKS_DIR", None)
    if process:
        return subprocess.run(
            [sys.executable, "-m", "coach", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=environment,
            cwd=ROOT,
            timeout=60,
        )
    return _in_process(list(args), stdin, environment)


def _in_process(args: list[str], stdin: str, environment: dict[str, str]) -> Any:
    import contextlib
    import io

    from coach import cli

    out, err = io.StringIO(), io.StringIO()
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(environment)
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        with (
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            _stdin(io.StringIO(stdin)),
        ):
            try:
                code = cli.main(args)
            except SystemExit as exc:  # argparse: bad usage, --help, --version
                code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os.chdir(cwd)
        os.environ.clear()
        os.environ.update(saved)
    return subprocess.CompletedProcess(["coach", *args], code, out.getvalue(), err.getvalue())


@contextlib.contextmanager
def _stdin(stream: Any) -> Iterator[None]:
    old = sys.stdin
    sys.stdin = stream
    try:
        yield
    finally:
        sys.stdin = old


def only_session(sessions: Path) -> dict:
    files = sorted(sessions.glob("*.yaml"))
    assert len(files) == 1, files
    return yaml.safe_load(files[0].read_text(encoding="utf-8"))


def test_a_whole_line_mode_reflection(tmp_path: Path) -> None:
    answers = "\n".join(["3"] * 200) + "\n"
    result = coach(
        "reflect", "--plain", "--name", "Dana", stdin=answers, sessions=tmp_path, process=True
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "(1-5)" in out
    assert "  1) " in out
    assert "Saved to" in out
    doc = only_session(tmp_path)
    assert doc["status"] == "complete"
    assert doc["participant"] == {"name": "Dana"}
    assert set(doc["ratings"]) == {
        "inspirational_coach", "inspires_creativity", "builds_loyalty",
        "connects_with_team", "confident",
    }  # fmt: skip
    assert all(v == 3 for v in doc["ratings"].values())
    assert doc["loyalty"]["trait"] in doc["ratings"]
    assert doc["action_items"] and all(len(a["due"]) == 10 for a in doc["action_items"])
    assert (tmp_path.stat().st_mode & 0o777) == 0o700
    assert (next(tmp_path.glob("*.yaml")).stat().st_mode & 0o777) == 0o600


def test_end_of_input_pauses_and_resume_finishes(tmp_path: Path) -> None:
    first = coach("reflect", "--plain", stdin="They showed me in the field\n", sessions=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "Resume with: coach resume " in first.stdout
    doc = only_session(tmp_path)
    assert doc["status"] == "in_progress"
    second = coach("resume", "--plain", stdin="\n".join(["3"] * 200) + "\n", sessions=tmp_path)
    assert second.returncode == 0, second.stderr
    doc = only_session(tmp_path)
    assert doc["status"] == "complete"
    leader = [t["text"] for t in doc["turns"] if t["role"] == "leader"]
    assert "They showed me in the field" in leader


def test_commands_back_skip_help_and_unknown(tmp_path: Path) -> None:
    result = coach(
        "reflect", "--plain", stdin=":help\n:bakc\n:skip\n:back\n:pause\n", sessions=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert ":pause" in result.stdout and "There is no command ':bakc'" in result.stdout
    kinds = [t["kind"] for t in only_session(tmp_path)["turns"] if t["role"] == "leader"]
    assert kinds[-2:] == ["skip", "back"] or kinds[-1:] == ["back"]


def test_show_actions_list_and_where(tmp_path: Path) -> None:
    coach("reflect", "--plain", stdin="\n".join(["3"] * 200) + "\n", sessions=tmp_path)
    session_id = only_session(tmp_path)["id"]
    md = coach("show", session_id[:12], sessions=tmp_path)
    assert md.returncode == 0 and md.stdout.startswith(f"# Reflection {session_id}")
    as_json = json.loads(coach("show", session_id, "--format", "json", sessions=tmp_path).stdout)
    assert as_json["id"] == session_id
    raw = coach("show", session_id, "--format", "yaml", sessions=tmp_path).stdout
    assert yaml.safe_load(raw)["id"] == session_id
    csv_out = coach("actions", "--all", "--format", "csv", sessions=tmp_path).stdout.splitlines()
    assert csv_out[0] == "session,id,due,status,trait,kind,text,trait_title" and len(csv_out) > 1
    listing = json.loads(coach("list", "--format", "json", sessions=tmp_path).stdout)
    assert [s["id"] for s in listing] == [session_id]
    table = coach("list", sessions=tmp_path).stdout
    assert session_id in table and "complete" in table
    where = coach("where", sessions=tmp_path).stdout
    assert str(tmp_path) in where and "(--sessions)" not in where  # came from the env
    assert f"cache        {os.environ['COACH_CACHE_DIR']}" in where


def test_packs_list_names_the_stock_pack(tmp_path: Path) -> None:
    result = coach("packs", "list", sessions=tmp_path)
    assert result.returncode == 0
    assert "sales-leader" in result.stdout


@pytest.mark.parametrize(
    ("args", "stdin_setup", "message"),
    [
        (["reflect", "--plain", "--pack", "nope"], None, "no pack with this id"),
        (["show", "2020"], None, "no session"),
        (["resume", "--plain"], None, "no unfinished session"),
    ],
)
def test_user_errors_are_one_sentence_and_exit_1(
    tmp_path: Path, args: list[str], stdin_setup: None, message: str
) -> None:
    result = coach(*args, sessions=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert result.stdout == ""


def test_a_broken_pack_is_reported_before_any_question(tmp_path: Path) -> None:
    pack = tmp_path / "broken.yaml"
    pack.write_text(
        "pack: 1\nid: b\nversion: '1'\ntitle: B\nsections:\n  - id: s\n    steps: [{id: a, kind: ask}]\n"
    )
    result = coach("reflect", "--plain", "--pack", str(pack), sessions=tmp_path / "s")
    assert result.returncode == 1
    assert result.stderr == f"coach: {pack}:7:13: error: step 'a' needs 'text' (what coach says)\n"
    assert not (tmp_path / "s").exists()


def test_a_corrupt_session_file_is_named(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "2026-11-28-0900-abcd.yaml").write_text("schema: 1\nid: [unclosed\n")
    result = coach("show", "2026-11-28-0900-abcd", sessions=tmp_path)
    assert result.returncode == 1
    assert "2026-11-28-0900-abcd.yaml:" in result.stderr


def test_a_session_search_cannot_read_is_named_and_a_folder_of_such_is_not_called_empty(
    tmp_path: Path,
) -> None:
    sample = ROOT / "sessions" / "2026-11-02-0930-vmyh.yaml"
    text = sample.read_text(encoding="utf-8")
    # The listing passes over a rating it cannot read; the search cannot read the session.
    broken = text.replace("  inspirational_coach: 3\n", "  inspirational_coach: x\n", 1)
    (tmp_path / sample.name).write_text(broken, encoding="utf-8")
    line = broken.split("\n").index("  inspirational_coach: x") + 1
    result = coach("list", "--search", "favourites", sessions=tmp_path)
    assert result.returncode == 0
    assert result.stdout == f"No session in {tmp_path} matches.\n"
    assert result.stderr == (
        f"coach: not searched {tmp_path / sample.name}:{line}:24: the field"
        " 'ratings.inspirational_coach' must be a whole number, not the text 'x'\n"
    )
    (tmp_path / sample.name).write_text("schema: 1\nid: [unclosed\n", encoding="utf-8")
    result = coach("list", sessions=tmp_path)
    assert result.stdout == f"No session in {tmp_path} could be read.\n"
    assert f"coach: skipped {tmp_path / sample.name}:" in result.stderr


def test_a_session_whose_turns_do_not_read_is_named_as_not_searched(tmp_path: Path) -> None:
    sample = ROOT / "sessions" / "2026-11-02-0930-vmyh.yaml"
    text = sample.read_text(encoding="utf-8").replace("- n: 1\n", "- n: one\n", 1)
    (tmp_path / sample.name).write_text(text, encoding="utf-8")  # its header lists
    result = coach("list", "--search", "favourites", sessions=tmp_path)
    assert result.stdout == f"No session in {tmp_path} matches.\n"
    assert result.stderr == (
        f"coach: not searched {tmp_path / sample.name}: the field 'turns[0].n' must be a whole"
        " number, not the text 'one'\n"
    )
    assert "2026-11-02-0930-vmyh" in coach("list", sessions=tmp_path).stdout


def test_an_unwritable_sessions_folder_is_reported(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = coach("reflect", "--plain", stdin="x\n", sessions=blocker / "sessions")
    assert result.returncode == 1
    assert str(blocker) in result.stderr
    assert blocker.read_text() == "not a folder"


def test_bad_usage_exits_2(tmp_path: Path) -> None:
    assert coach("show", sessions=tmp_path).returncode == 2
    assert coach("frobnicate", sessions=tmp_path).returncode == 2


def test_hostile_answers_are_saved_verbatim_and_printed_harmlessly(tmp_path: Path) -> None:
    hostile = "[TODO] {{ name }} \x1b[31mred\x1b[0m مرحبا 😀"
    result = coach("reflect", "--plain", stdin=hostile + "\n", sessions=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    leader = [t["text"] for t in only_session(tmp_path)["turns"] if t["role"] == "leader"]
    assert hostile in leader


def test_sigkill_at_a_random_turn_then_resume_keeps_every_answer(tmp_path: Path) -> None:
    """Kill the process mid-session: every answer it acknowledged must be on disk."""
    rng = random.Random(7)
    kill_after = rng.randint(3, 25)
    env = {**os.environ, "COACH_SESSIONS_DIR": str(tmp_path), "COACH_NOW": NOW.isoformat(),
           "PYTHONUNBUFFERED": "1"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "coach", "reflect", "--plain"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdin and proc.stdout
    sent: list[str] = []
    buffer = ""
    deadline = time.monotonic() + 30
    while len(sent) < kill_after and time.monotonic() < deadline:
        char = proc.stdout.read(1)
        buffer += char
        if buffer.endswith("> "):  # the prompt is printed and flushed before reading
            answer = f"answer {len(sent)} with enough words to pass the probes, by Friday"
            if "(1-5)" in buffer:
                answer = "4"
            elif "  1) " in buffer:
                answer = "1"
            proc.stdin.write(answer + "\n")
            proc.stdin.flush()
            sent.append(answer)
            buffer = ""
    # Wait for the next prompt, so the last answer has been taken (and saved) before the kill.
    while not buffer.endswith("> ") and time.monotonic() < deadline:
        buffer += proc.stdout.read(1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    doc = only_session(tmp_path)
    leader = [t["text"] for t in doc["turns"] if t["role"] == "leader" and t["kind"] == "answer"]
    assert leader == [a for a in sent][: len(leader)] and len(leader) == len(sent)
    finish = coach("resume", "--plain", stdin="\n".join(["3"] * 200) + "\n", sessions=tmp_path)
    assert finish.returncode == 0, finish.stderr
    doc = only_session(tmp_path)
    assert doc["status"] == "complete"
    answers = [t["text"] for t in doc["turns"] if t["role"] == "leader"]
    for answer in sent:
        assert answer in answers


def test_ctrl_c_pauses_saves_and_exits_130(tmp_path: Path) -> None:
    env = {**os.environ, "COACH_SESSIONS_DIR": str(tmp_path), "COACH_NOW": NOW.isoformat()}
    proc = subprocess.Popen(
        [sys.executable, "-m", "coach", "reflect", "--plain"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdin and proc.stdout
    buffer = ""
    while not buffer.endswith("> "):
        buffer += proc.stdout.read(1)
    proc.stdin.write("She showed me how to open a call, on a real call\n")
    proc.stdin.flush()
    buffer = ""
    while not buffer.endswith("> "):
        buffer += proc.stdout.read(1)
    proc.send_signal(signal.SIGINT)
    out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 130
    assert "Resume with: coach resume" in out
    doc = only_session(tmp_path)
    assert doc["status"] == "in_progress"
    assert "She showed me how to open a call, on a real call" in [t["text"] for t in doc["turns"]]


def test_a_megabyte_answer_in_line_mode_is_saved_whole(tmp_path: Path) -> None:
    paste = ("We ride along together and I show them the opening. " * 20_000)[:1_000_000]
    result = coach("reflect", "--plain", stdin=paste + "\n", sessions=tmp_path)
    assert result.returncode == 0, result.stderr
    leader = [t["text"] for t in only_session(tmp_path)["turns"] if t["role"] == "leader"]
    assert leader[0] == paste


def test_listing_and_showing_do_not_load_textual() -> None:
    code = (
        "import sys\n"
        "from coach.cli import main\n"
        "main(['packs', 'list'])\n"
        "assert 'textual' not in sys.modules, 'textual was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("saved", "answered", "said"),
    [
        (True, True, "Your answers are saved in"),
        (False, True, "could not save your answers to"),
        (False, False, "before anything was answered"),
    ],
    ids=["saved", "answered but not saved", "nothing answered"],
)
def test_a_crashed_app_says_where_the_answers_are_or_that_there_are_none(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    saved: bool,
    answered: bool,
    said: str,
) -> None:
    import argparse
    import types

    import coach.tui.app
    from coach import cli
    from coach.store import SessionStore

    path = tmp_path / "2026-11-28-0900-abcd.yaml"
    if saved:
        path.write_text("schema: 1\n")
    turns = [types.SimpleNamespace(role="leader")] if answered else []
    session = types.SimpleNamespace(
        path=path, id="2026-11-28-0900-abcd",
        dialogue=types.SimpleNamespace(log=turns, finished=False),
        ending=None, close=lambda: None,
    )  # fmt: skip
    crashed = types.SimpleNamespace(run=lambda: None, session=session, return_code=1, failure=None)
    monkeypatch.setattr(coach.tui.app, "make_app", lambda *setup: crashed)
    args = argparse.Namespace(name=None, packs=None)
    code = cli._run_tui(cli._setup(args, SessionStore(tmp_path), None, None, packs=[]))
    out = capsys.readouterr().out
    assert code == 1
    assert said in out
    assert ("coach resume 2026-11-28-0900-abcd" in out) == saved


def test_the_start_screen_offers_no_team_retro_pack(tmp_path: Path, monkeypatch: Any) -> None:
    """Chosen there, the retro's questions would be answered with no retro to reach: it is
    joined with --retro ID instead."""
    from coach import cli as coach_cli

    monkeypatch.delenv("COACH_PACKS_DIR", raising=False)
    monkeypatch.delenv("COACH_SERVED", raising=False)
    args = coach_cli.build_parser().parse_args(["--sessions", str(tmp_path), "reflect"])
    key = coach_cli._start_screen_key(args)
    assert key is not None
    offered = [Path(path).name for path, _size, _mtime in key[1]["packs"]]
    assert "sales-leader.yaml" in offered and "team-retro.yaml" not in offered
