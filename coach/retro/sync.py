"""Git as the shared medium: pull, commit one's own new files, push.

Conflicts cannot arise because no two people ever write one file: each participant commits
only the files their own ledger names. Commits carry no name and no time of the participant:
they are made as "coach retro" at the retro folder's date, so the history does not say who
contributed what, or when (the git host still sees who pushed: docs/retro.md).

`git` runs as a subprocess with an argument list (no shell), and every failure becomes one
sentence (`SyncError`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

__all__ = ["AUTHOR", "SyncError", "sync", "work_tree"]

AUTHOR = ("coach retro", "retro@coach.invalid")


class SyncError(Exception):
    """Git is missing, the folder is not in a work tree, or a pull or push failed."""


def _git(args: Sequence[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    exe = shutil.which("git")
    if exe is None:
        raise SyncError("git is not installed (or not on PATH), so the retro cannot sync")
    try:
        done = subprocess.run(
            [exe, *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=120,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SyncError(f"git {args[0]} took longer than two minutes and was stopped") from None
    except OSError as exc:
        raise SyncError(f"git could not be run ({exc.strerror or exc})") from None
    if done.returncode != 0:
        said = _reason(done.stderr or done.stdout)
        raise SyncError(f"git {args[0]} failed in {cwd}: {said}")
    return done.stdout


def _reason(output: str) -> str:
    """The line of git's output that says what went wrong: its last line that is not a
    `hint:` (hints come after the error and only say what to type next)."""
    lines = [line.strip() for line in output.splitlines()]
    said = [line for line in lines if line and not line.lower().startswith("hint:")]
    return said[-1] if said else "no reason given"


def _unpushed(top: Path, upstream: bool) -> int:
    """How many commits the branch has that its remote does not (0 on an unborn branch)."""
    try:
        _git(["rev-parse", "--verify", "--quiet", "HEAD"], top)
    except SyncError:
        return 0
    against = ["@{upstream}..HEAD"] if upstream else ["HEAD", "--not", "--remotes"]
    return len(_git(["rev-list", *against], top).split())


def work_tree(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder`, or None if it is in none."""
    if shutil.which("git") is None:
        raise SyncError("git is not installed (or not on PATH), so the retro cannot sync")
    try:
        top = _git(["rev-parse", "--show-toplevel"], folder).strip()
    except SyncError:
        return None
    return Path(top) if top else None


def _pull(top: Path, remote: list[str], env: dict[str, str] | None) -> None:
    """Pull with rebase; a remote branch that does not exist yet is nothing to pull."""
    try:
        _git(["pull", "--rebase", "--autostash", "--quiet", *remote], top, env)
    except SyncError as exc:
        if not remote or "couldn't find remote ref" not in str(exc):
            raise


def sync(folder: Path, own: Sequence[str], now: datetime) -> str:
    """Pull (rebase), commit this participant's own new or changed files, push.

    Args:
        folder: The retro folder (it must be inside a git work tree with an upstream).
        own: The participant's files, relative to the folder (their ledger's list).
        now: Only its date is used, for the commit's time.

    Returns:
        One line saying what happened.

    Raises:
        SyncError: git is missing, the folder is not in a work tree, or git failed.
    """
    if not folder.is_dir():
        raise SyncError(
            f"{folder}: the retro folder does not exist yet, so there is nothing to sync"
        )
    top = work_tree(folder)
    if top is None:
        raise SyncError(f"{folder} is not inside a git work tree, so --sync has nothing to use")
    mine = [name for name in own if (folder / name).is_file() and not (folder / name).is_symlink()]
    upstream = True
    try:
        _git(["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{upstream}"], top)
    except SyncError:
        upstream = False
    remote: list[str] = []
    if not upstream:
        remotes = _git(["remote"], top).split()
        if not remotes:
            raise SyncError(f"the git work tree {top} has no remote to sync with")
        branch = _git(["rev-parse", "--abbrev-ref", "HEAD"], top).strip()
        remote = [remotes[0], branch]
    waiting = _unpushed(top, upstream)
    if waiting:
        raise SyncError(
            f"the branch in {top} has {waiting} commit{'s' if waiting != 1 else ''} not pushed "
            "yet that coach did not make, so nothing was synced: push or remove "
            f"{'them' if waiting != 1 else 'it'} first, and --sync pushes only the retro's files"
        )
    env = dict(os.environ)
    day = now.date().isoformat() + "T00:00:00+00:00"
    env.update(
        GIT_AUTHOR_NAME=AUTHOR[0], GIT_AUTHOR_EMAIL=AUTHOR[1], GIT_AUTHOR_DATE=day,
        GIT_COMMITTER_NAME=AUTHOR[0], GIT_COMMITTER_EMAIL=AUTHOR[1], GIT_COMMITTER_DATE=day,
    )  # fmt: skip
    committed = 0
    if mine:
        paths = [str((folder / name).relative_to(top)) for name in mine]
        _git(["add", "--", *paths], top)
        staged = _git(["diff", "--cached", "--name-only", "--", *paths], top).split()
        if staged:
            _git(["commit", "--quiet", "--no-verify", "-m", f"retro {folder.name}", "--",
                  *paths], top, env)  # fmt: skip
            committed = len(staged)
    # Coach's commit is now the only local one (checked above), so a rebase rewrites nothing
    # else: it runs with coach's name and date only when there is a commit of coach's to
    # carry, and otherwise as the user (a fast-forward).
    push = ["push", "--quiet"] + (["--set-upstream", *remote] if remote else [])
    for attempt in range(3):  # someone may push between our pull and our push
        _pull(top, remote, env if committed else None)
        try:
            _git(push, top)
            break
        except SyncError:
            if attempt == 2:
                raise
    what = "nothing new of yours"
    if committed:
        what = f"{committed} file{'s' if committed != 1 else ''} of yours"
    return f"Synced {folder}: pulled the others' files, pushed {what}"
