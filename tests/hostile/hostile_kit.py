"""What the hostile-file tests share: coach run in this process over plain streams, or in a
process of its own where the risk is a hang, and a private copy of the sample sessions."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import NOW, ROOT

from coach import cli


def coach(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *args: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    """`coach ARGS` in this process, over plain streams."""
    monkeypatch.setenv("COACH_NOW", NOW.isoformat())
    monkeypatch.delenv("COACH_PACKS_DIR", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def coach_process(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`coach ARGS` in a process of its own, for the cases where the risk is a hang."""
    env = {**os.environ, "COACH_NOW": NOW.isoformat()}
    env.pop("COACH_PACKS_DIR", None)
    return subprocess.run(
        [sys.executable, "-m", "coach", *args],
        input="",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=timeout,
    )


def samples(tmp_path: Path, mode: int = 0o700) -> Path:
    """The sample sessions in a private folder of this test's own."""
    folder = tmp_path / "s"
    shutil.copytree(ROOT / "sessions", folder)
    folder.chmod(mode)
    return folder
