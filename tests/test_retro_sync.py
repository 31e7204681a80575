"""`coach retro ID --sync` against a bare repository on disk with three clones."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from retro_kit import participant
from test_cli import coach

from coach.retro.board import build_board
from coach.retro.files import RetroFolder

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "Tester",
    "GIT_AUTHOR_EMAIL": "tester@example.invalid",
    "GIT_COMMITTER_NAME": "Tester",
    "GIT_COMMITTER_EMAIL": "tester@example.invalid",
}


def git(*args: str, cwd: Path) -> str:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout


def test_three_clones_sync_a_retro_and_each_sees_every_contribution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    bare = tmp_path / "team.git"
    git("init", "--bare", "--initial-branch=main", str(bare), cwd=tmp_path)
    seed = tmp_path / "seed"
    git("clone", str(bare), str(seed), cwd=tmp_path)
    (seed / "README").write_text("retros\n", encoding="utf-8")
    git("add", "README", cwd=seed)
    git("commit", "-m", "start", cwd=seed)
    git("push", "origin", "HEAD:main", cwd=seed)
    clones = []
    for i in range(3):
        clone = tmp_path / f"clone{i}"
        git("clone", str(bare), str(clone), cwd=tmp_path)
        clones.append(clone)
    for i, clone in enumerate(clones):
        p = participant(random.Random(i), f"Member{i}", "anonymous")
        env = {"COACH_RETRO_DIR": str(clone / "retros")}
        done = coach(
            "reflect",
            "--plain",
            "--retro",
            "q4",
            stdin=p.lines(),
            sessions=tmp_path / f"s{i}",
            env=env,
        )
        assert done.returncode == 0, done.stderr
        (clone / "retros" / "q4" / "stray.txt").write_text("not mine to commit", encoding="utf-8")
        synced = coach("retro", "q4", "--sync", sessions=tmp_path / f"s{i}", env=env)
        assert synced.returncode == 0, synced.stderr
        assert "pushed" in synced.stdout
    for i, clone in enumerate(clones):
        env = {"COACH_RETRO_DIR": str(clone / "retros")}
        synced = coach("retro", "q4", "--sync", sessions=tmp_path / f"s{i}", env=env)
        assert synced.returncode == 0, synced.stderr
        board = build_board(RetroFolder(clone / "retros" / "q4", "q4"))
        assert board.participants == 3 and board.unreadable == ()
    log = git("log", "--format=%an|%ae|%aI|%cn", "main", cwd=clones[0]).splitlines()
    retro_commits = [line for line in log if not line.startswith("Tester")]
    assert len(retro_commits) == 3
    assert all(line.startswith("coach retro|retro@coach.invalid|") for line in retro_commits)
    assert all("T00:00:00" in line for line in retro_commits)
    tracked = git("ls-files", cwd=clones[0]).split()
    assert not any(name.endswith("stray.txt") for name in tracked)
    assert not any(
        "Member" in git("show", "--format=", "HEAD~" + str(k), cwd=clones[0]) for k in range(3)
    )


def test_sync_errors_are_one_sentence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"COACH_RETRO_DIR": str(tmp_path / "retros")}
    (tmp_path / "retros" / "q4").mkdir(parents=True)
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    outside = coach("retro", "q4", "--sync", sessions=tmp_path / "s", env=env)
    assert outside.returncode == 1 and "not inside a git work tree" in outside.stderr
    git("init", "--initial-branch=main", cwd=tmp_path / "retros")
    lonely = coach("retro", "q4", "--sync", sessions=tmp_path / "s", env=env)
    assert lonely.returncode == 1 and "no remote" in lonely.stderr
    git("remote", "add", "origin", str(tmp_path / "gone.git"), cwd=tmp_path / "retros")
    gone = coach("retro", "q4", "--sync", sessions=tmp_path / "s", env=env)
    assert gone.returncode == 1 and gone.stderr.startswith("coach: git ")
    assert gone.stderr.count("\n") == 1
    nogit = coach(
        "retro", "q4", "--sync", sessions=tmp_path / "s", env={**env, "PATH": str(tmp_path)}
    )
    assert nogit.returncode == 1 and "git is not installed" in nogit.stderr


def test_sync_refuses_when_the_branch_holds_an_unpushed_commit_coach_did_not_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    bare = tmp_path / "team.git"
    git("init", "--bare", "--initial-branch=main", str(bare), cwd=tmp_path)
    clone = tmp_path / "clone"
    git("clone", str(bare), str(clone), cwd=tmp_path)
    (clone / "README").write_text("retros\n", encoding="utf-8")
    git("add", "README", cwd=clone)
    git("commit", "-m", "start", cwd=clone)
    git("push", "origin", "HEAD:main", cwd=clone)
    git("branch", "--set-upstream-to=origin/main", cwd=clone)
    (clone / "private.txt").write_text("my own work\n", encoding="utf-8")
    git("add", "private.txt", cwd=clone)
    git("commit", "-m", "my own unpushed work", cwd=clone)
    env = {"COACH_RETRO_DIR": str(clone / "retros")}
    p = participant(random.Random(7), "Member", "anonymous")
    done = coach("reflect", "--plain", "--retro", "q4", stdin=p.lines(), sessions=tmp_path / "s",
                 env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    refused = coach("retro", "q4", "--sync", sessions=tmp_path / "s", env=env)
    assert refused.returncode == 1 and refused.stderr.count("\n") == 1
    assert "1 commit not pushed yet that coach did not make" in refused.stderr
    assert git("log", "--format=%s", "main", cwd=bare).split("\n")[0] == "start"
    git("push", cwd=clone)
    synced = coach("retro", "q4", "--sync", sessions=tmp_path / "s", env=env)
    assert synced.returncode == 0, synced.stderr
    log = git("log", "--format=%s|%cn", "main", cwd=bare).splitlines()
    assert log == ["retro q4|coach retro", "my own unpushed work|Tester", "start|Tester"]


def test_a_git_error_is_told_by_its_error_line_not_a_hint() -> None:
    from coach.retro.sync import _reason

    said = "error: failed to push some refs\nhint: Updates were rejected\nhint: see git help\n"
    assert _reason(said) == "error: failed to push some refs"
    assert _reason("hint: only a hint\n") == "no reason given"
