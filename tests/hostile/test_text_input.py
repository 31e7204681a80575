"""Text in and out never crashes: bytes that are not text, a locale that cannot show what was
typed, and clock values at the edge of the calendar (issue 9)."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from conftest import DATA, NOW, ROOT

from coach.catalog import find_pack
from coach.linemode import LineMode
from coach.session import Session, SessionError, clock_from_env
from coach.store import SessionStore

TINY = DATA / "packs" / "tiny.yaml"


def test_an_invalid_line_is_refused_alone_and_the_next_lines_are_answered(
    tmp_path: Path, clock: Callable[[], datetime]
) -> None:
    store = SessionStore(tmp_path)
    session, opening = Session.begin(store, find_pack(str(TINY), []), clock, random.Random(1))
    raw = b"They showed me how\n\xff\xfe half\nThey asked me questions and waited\n:pause\n"
    stdin = io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8", errors="surrogateescape")
    out = io.StringIO()
    assert LineMode(session, stdin, out).run(opening) == 0
    said = out.getvalue()
    assert "That line is not utf-8 text (an invalid byte at character 1)" in said
    leader = [t["text"] for t in store.load(session.id)["turns"] if t["role"] == "leader"]
    assert leader == ["They showed me how", "They asked me questions and waited"]


def run(args: list[str], stdin: bytes, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "COACH_NOW": NOW.isoformat()}
    environment.pop("PYTHONIOENCODING", None)
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "coach", *args], input=stdin, capture_output=True,
        env=environment, cwd=ROOT, timeout=60,
    )  # fmt: skip


def test_invalid_utf8_on_a_real_stdin_is_one_sentence(tmp_path: Path) -> None:
    done = run(
        ["reflect", "--plain", "--pack", str(TINY)],
        b"\xc3\x28 broken\nThey asked me questions and waited\n",
        {"COACH_SESSIONS_DIR": str(tmp_path), "LC_ALL": "C.UTF-8"},
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"is not utf-8 text" in done.stdout


def test_a_latin1_terminal_gets_replacements_not_a_traceback(tmp_path: Path) -> None:
    done = run(
        ["reflect", "--plain", "--pack", str(TINY), "--name", "Zoë ☃ 😀"],
        "Sie hörte zu ☃\n".encode("latin-1", "replace"),
        {"COACH_SESSIONS_DIR": str(tmp_path), "PYTHONIOENCODING": "latin-1"},
    )
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"Resume with: coach resume" in done.stdout


@pytest.mark.parametrize(
    "value", ["9999-12-31T12:00:00+00:00", "0001-01-01T00:00:00", "1899-12-31T23:59:59+00:00"]
)
def test_coach_now_at_the_edge_of_the_calendar_is_one_sentence(value: str) -> None:
    with pytest.raises(SessionError) as caught:
        clock_from_env({"COACH_NOW": value})
    assert str(caught.value) == (
        f"COACH_NOW={value!r} is out of range: give a time between the years 1900 and 9000"
    )


def test_coach_now_out_of_range_from_the_command_line(tmp_path: Path) -> None:
    done = run(
        ["reflect", "--plain", "--pack", str(TINY)],
        b"",
        {"COACH_SESSIONS_DIR": str(tmp_path), "COACH_NOW": "9999-12-31T12:00:00+00:00"},
    )
    assert done.returncode == 1
    assert done.stderr.decode().count("\n") == 1 and b"out of range" in done.stderr
