"""The retro's proof: twenty people at once, anonymity for every share level, a quit half-way.

The expected board is computed from the answers piped in, never written out by hand.
"""

from __future__ import annotations

import os
import random
import re
import statistics
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
import yaml
from conftest import NOW, ROOT
from retro_kit import TRAITS, participant
from test_cli import coach

from coach.retro.board import build_board
from coach.retro.export import board_html, board_markdown
from coach.retro.files import RetroFolder
from coach.retro.plain import board_text

TITLES = dict(TRAITS)


def _env(sessions: Path, retro_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "COACH_SESSIONS_DIR": str(sessions),
        "COACH_NOW": NOW.isoformat(),
        "COACH_RETRO_DIR": str(retro_dir),
        "PYTHONIOENCODING": "utf-8",
    }
    env.pop("COACH_PACKS_DIR", None)
    return env


def test_twenty_participants_at_once_give_exactly_the_board_their_answers_make(
    tmp_path: Path,
) -> None:
    rng = random.Random(20)
    people = [
        participant(rng, f"Person {i}", "named" if i % 3 == 0 else "anonymous") for i in range(20)
    ]
    retros = tmp_path / "retros"
    procs = []
    for i, p in enumerate(people):
        args = [
            sys.executable,
            "-m",
            "coach",
            "reflect",
            "--plain",
            "--retro",
            "q4",
            "--team",
            "north",
            "--share",
            p.share,
            "--name",
            p.name,
        ]
        env = _env(tmp_path / f"s{i}", retros)
        procs.append(
            subprocess.Popen(
                args,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
                cwd=ROOT,
            )
        )
    for proc, p in zip(procs, people, strict=True):
        out, err = proc.communicate(p.lines(), timeout=240)
        assert proc.returncode == 0, err
        assert "Your contribution to the retro is in" in out, out[-2000:]

    folder = RetroFolder(retros / "q4", "q4")
    files = sorted((folder.path / "contributions").iterdir())
    assert len(files) == 20
    assert not [f for f in folder.path.rglob(".*") if f.is_file()], "a write left a temp file"
    board = build_board(folder, TITLES)
    assert board.unreadable == ()
    assert board.participants == 20
    assert board.named == tuple(sorted(p.name for p in people if p.share == "named"))
    assert board.anonymous == sum(p.share == "anonymous" for p in people)
    assert board.team == "north"
    loyalty = Counter(p.loyalty for p in people)
    assert {row.trait: row.count for row in board.loyalty} == dict(loyalty)
    for row in board.traits:
        values = [p.ratings[row.trait] for p in people]
        assert row.shown and row.count == 20
        assert dict(row.distribution) == {v: values.count(v) for v in range(1, 6)}
        assert row.median == statistics.median(values)
    said = Counter((trait, text) for p in people for trait, text in p.suggestions)
    seen = Counter(
        {
            (g.trait, item.text): item.count
            for g in board.groups
            if g.kind == "suggestion"
            for item in g.items
        }
    )
    assert seen == said
    actions = Counter(p.action for p in people)
    assert {i.text: i.count for g in board.groups if g.kind == "action" for i in g.items} == dict(
        actions
    )
    assert all(len(g.items) <= 5 for g in board.groups)


def test_a_participant_who_quits_half_way_leaves_no_contribution(tmp_path: Path) -> None:
    p = participant(random.Random(1), "Half", "anonymous")
    half = "".join(p.lines().splitlines(keepends=True)[:9])
    result = coach(
        "reflect",
        "--plain",
        "--retro",
        "q4",
        stdin=half,
        sessions=tmp_path / "s",
        env={"COACH_RETRO_DIR": str(tmp_path / "r")},
    )
    assert result.returncode == 0, result.stderr
    assert "Paused" in result.stdout
    assert list((tmp_path / "r" / "q4" / "contributions").iterdir()) == []
    # Resumed and finished, it contributes once, with everything.
    rest = "".join(p.lines().splitlines(keepends=True)[9:])
    result = coach("resume", "--plain", stdin=rest, sessions=tmp_path / "s")
    assert result.returncode == 0, result.stderr
    assert len(list((tmp_path / "r" / "q4" / "contributions").iterdir())) == 1


SECRET_NAME = "Zebediah Quux"
SECRET_EXAMPLE = "Xyzzy and the plugh deal went quiet in private for weeks."
SECRET_LOYALTY = "Frobozz was the fairest boss and fought for every one of us always."


@pytest.mark.parametrize("share", ["anonymous", "named"])
def test_no_name_answer_or_time_reaches_the_retro_for_any_share_level(
    tmp_path: Path, share: str
) -> None:
    retros = tmp_path / "r"
    people = []
    for i in range(7):
        p = participant(random.Random(i), f"{SECRET_NAME} {i}", share)
        p.example_words = tuple(f"{SECRET_EXAMPLE} {k}" for k in range(5))
        p.loyalty_words = SECRET_LOYALTY
        people.append(p)
        result = coach(
            "reflect",
            "--plain",
            "--retro",
            "q4",
            "--share",
            share,
            "--name",
            p.name,
            stdin=p.lines(),
            sessions=tmp_path / f"s{i}",
            env={"COACH_RETRO_DIR": str(retros)},
        )
        assert result.returncode == 0, result.stderr
    folder = RetroFolder(retros / "q4", "q4")
    board = build_board(folder, TITLES)
    assert board.participants == 7 and board.text_shown
    midnight = datetime.combine(NOW.date(), time(0), tzinfo=UTC).timestamp()
    everything = {
        "board": board_text(board),
        "markdown": board_markdown(board),
        "html": board_html(board),
        "data": repr(board),
    }
    for path in folder.path.rglob("*"):
        if path.is_file():
            everything[str(path)] = path.read_text(encoding="utf-8")
            assert path.stat().st_mtime == midnight, f"{path} tells when it was written"
    session_id = re.compile(r"\d{4}-\d\d-\d\d-\d{4}")
    for where, text in everything.items():
        for secret in ("Xyzzy", "plugh", "Frobozz", "fairest"):
            assert secret not in text, where
        assert not re.search(r"\d\d:\d\d", text), f"a time of day in {where}"
        assert not session_id.search(text), f"a session id in {where}"
        if share == "anonymous":
            assert SECRET_NAME not in text, where
    for path in (folder.path / "contributions").iterdir():
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert ("name" in doc) == (share == "named")
        assert set(doc) <= {
            "retro_contribution",
            "retro",
            "share",
            "role",
            "name",
            "ratings",
            "loyalty",
            "suggestions",
            "actions",
        }
    if share == "named":
        assert board.named == tuple(sorted(p.name for p in people))
    # The private transcript keeps everything, at 0600.
    own = next((tmp_path / "s0").glob("*.yaml"))
    assert SECRET_EXAMPLE in own.read_text(encoding="utf-8")
    assert own.stat().st_mode & 0o777 == 0o600
