"""`coach retro` and `coach reflect --retro` as people type them: the plain board, votes
refused in one sentence, the close with dates in words, exports, the leader's self-ratings."""

from __future__ import annotations

import random
from pathlib import Path

from retro_kit import participant
from test_cli import FULL, coach

from coach.retro.board import build_board
from coach.retro.files import RetroFolder


def _team(tmp_path: Path, n: int, **kw: str) -> tuple[dict[str, str], list]:
    env = {"COACH_RETRO_DIR": str(tmp_path / "retros")}
    people = []
    for i in range(n):
        p = participant(random.Random(100 + i), f"P{i}", "anonymous")
        people.append(p)
        extra = [f"--{k}={v}" for k, v in kw.items()]
        result = coach(
            "reflect",
            "--plain",
            "--retro",
            "q4",
            *extra,
            stdin=p.lines(),
            sessions=tmp_path / f"s{i}",
            env=env,
        )
        assert result.returncode == 0, result.stderr
    return env, people


def test_the_plain_board_votes_close_and_export(tmp_path: Path) -> None:
    env, _people = _team(tmp_path, 6, team="north")
    me = tmp_path / "s0"
    board = coach("retro", "q4", sessions=me, env=env)
    assert board.returncode == 0, board.stderr
    assert "6 contributions (anonymous)" in board.stdout
    assert "Which trait earned their loyalty:" in board.stdout
    folder = RetroFolder(tmp_path / "retros" / "q4", "q4")
    groups = build_board(folder).groups
    ids = [g.id for g in groups]
    too_many = coach("retro", "q4", "--vote", *ids[:4], sessions=me, env=env)
    assert too_many.returncode == 1
    assert too_many.stderr.count("\n") == 1 and "3 votes" in too_many.stderr
    unknown = coach("retro", "q4", "--vote", "nothing", sessions=me, env=env)
    assert unknown.returncode == 1 and "no item 'nothing'" in unknown.stderr
    ok = coach("retro", "q4", "--vote", ids[1], ids[1], sessions=me, env=env)
    assert ok.returncode == 0 and "Your 2 votes are in" in ok.stdout
    ok = coach("retro", "q4", "--vote", ids[2], sessions=tmp_path / "s1", env=env)
    assert ok.returncode == 0
    hidden = coach("retro", "q4", sessions=me, env=env).stdout
    assert "2 voted so far" in hidden and "vote]" not in hidden
    closed = coach(
        "retro",
        "q4",
        "--close",
        "--top",
        "1",
        "--due",
        "2026-12-16",
        "--owner",
        f"{ids[1]}=Dana",
        sessions=tmp_path / "f",
        env=env,
    )
    assert closed.returncode == 0, closed.stderr
    assert f"{ids[1]}" in closed.stdout and "Dana, due Wednesday 16 December 2026" in closed.stdout
    md = coach("retro", "q4", "--export", "md", sessions=me, env=env)
    assert "## Team actions" in md.stdout and "Dana" in md.stdout
    out = tmp_path / "retro.html"
    html = coach("retro", "q4", "--export", "html", "-o", str(out), sessions=me, env=env)
    assert html.returncode == 0 and out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    again = coach("retro", "q4", "--vote", ids[0], sessions=me, env=env)
    assert again.returncode == 1 and "closed" in again.stderr


def test_the_leaders_self_ratings_sit_beside_the_team_median(tmp_path: Path) -> None:
    env, _people = _team(tmp_path, 5)
    leader = coach(
        "reflect",
        "--plain",
        "--pack",
        "sales-leader",
        "--retro",
        "q4",
        stdin="\n".join(FULL) + "\n",
        sessions=tmp_path / "leader",
        env=env,
    )
    assert leader.returncode == 0, leader.stderr
    board = build_board(RetroFolder(tmp_path / "retros" / "q4", "q4"))
    assert board.leader_joined and board.participants == 5
    rows = {row.trait: row for row in board.traits}
    assert all(row.leader is not None for row in rows.values())
    text = coach("retro", "q4", sessions=tmp_path / "leader", env=env).stdout
    assert "leader's self-rating" in text


def test_retro_flags_without_retro_are_refused(tmp_path: Path) -> None:
    for flag in ("--team=x", "--share=named", "--retro-dir=x"):
        result = coach("reflect", "--plain", flag, sessions=tmp_path)
        assert result.returncode == 1 and "goes with --retro ID" in result.stderr
    bad = coach("reflect", "--plain", "--retro", "../up", sessions=tmp_path)
    assert bad.returncode == 1 and "not a valid retro id" in bad.stderr
    both = coach("retro", "q4", "--close", "--regroup", sessions=tmp_path)
    assert both.returncode == 1 and "one thing at a time" in both.stderr
    nameless = coach("reflect", "--plain", "--retro", "q4", "--share", "named", sessions=tmp_path,
                     env={"COACH_RETRO_DIR": str(tmp_path / "r")})  # fmt: skip
    assert nameless.returncode == 1
    assert nameless.stderr.strip().endswith(
        "--share named puts your name on the list of who took part: add --name NAME"
    )
    assert not list((tmp_path / "r").glob("q4/contributions/*"))


def test_a_board_below_the_threshold_says_how_many_more(tmp_path: Path) -> None:
    env, _people = _team(tmp_path, 2)
    text = coach("retro", "q4", "--plain", sessions=tmp_path / "s0", env=env).stdout
    assert "Ratings are shown from 5 contributions: 3 more needed." in text
    vote = coach("retro", "q4", "--vote", "s000000", sessions=tmp_path / "s0", env=env)
    assert vote.returncode == 1 and "4 more are needed" in vote.stderr


def test_a_mistyped_retro_id_is_caught_not_made_in_silence(tmp_path: Path) -> None:
    env, _people = _team(tmp_path, 1)
    board = coach("retro", "q44", sessions=tmp_path / "s0", env=env)  # a key pressed twice
    assert board.returncode == 1
    assert board.stderr == (
        f"coach: there is no retro q44 in {tmp_path / 'retros'} (did you mean q4?); a retro"
        " begins when someone joins it: coach reflect --retro q44\n"
    )
    assert not (tmp_path / "retros" / "q44").exists()
    p = participant(random.Random(7), "P9", "anonymous")
    joined = coach(
        "reflect", "--plain", "--retro", "q44", stdin=p.lines(), sessions=tmp_path / "s9", env=env
    )
    assert joined.returncode == 0, joined.stderr
    assert joined.stderr.startswith(
        "coach: retro q44 is new, and there is a retro q4 beside it: if you meant q4, stop now"
        " (Ctrl+D) and join it with --retro q4\n"
    )
    again = coach(
        "reflect", "--plain", "--retro", "q44", stdin=p.lines(), sessions=tmp_path / "s8", env=env
    )
    assert "is new" not in again.stderr  # q44 exists now: joining it is no slip
    # A member rates the leadership, not themself: the summary says so.
    assert "You rated our leadership " in again.stdout and "yourself" not in again.stdout


def test_a_tie_at_the_cut_is_said_when_the_retro_closes(tmp_path: Path) -> None:
    env, _people = _team(tmp_path, 6)
    ids = [g.id for g in build_board(RetroFolder(tmp_path / "retros" / "q4", "q4")).groups]
    for i in range(3):  # one vote each on three items: any two of them is a tie broken
        voted = coach("retro", "q4", "--vote", ids[i], sessions=tmp_path / f"s{i}", env=env)
        assert voted.returncode == 0, voted.stderr
    closed = coach("retro", "q4", "--close", "--top", "2", sessions=tmp_path / "s0", env=env)
    assert closed.returncode == 0, closed.stderr
    tail = closed.stdout.split("Tied at 1 vote with the last action and left out,", 1)[1]
    assert f"  {ids[2]}  " in tail and ids[0] not in tail and ids[1] not in tail
