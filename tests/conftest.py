"""Shared fixtures: a frozen clock, the packs under test, and a private sessions folder."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import settings

from coach.engine import Pack, load_pack

# Property tests: quick while developing, thorough in CI (.ci/run runs with CI=true).
settings.register_profile("dev", max_examples=40)
settings.register_profile("ci", max_examples=500)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)  # a Saturday


def read_pack(path: Path) -> Pack:
    return load_pack(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Keep the pack cache of every test, subprocesses included, out of the user's own."""
    folder = tmp_path_factory.mktemp("cache")
    old = os.environ.get("COACH_CACHE_DIR")
    os.environ["COACH_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("COACH_CACHE_DIR", None)
    else:
        os.environ["COACH_CACHE_DIR"] = old


@pytest.fixture
def clock() -> Callable[[], datetime]:
    return lambda: NOW


@pytest.fixture(scope="session")
def tiny() -> Pack:
    return read_pack(DATA / "packs" / "tiny.yaml")


@pytest.fixture(scope="session")
def sales() -> Pack:
    return read_pack(ROOT / "prompts" / "sales-leader.yaml")


@pytest.fixture
def sessions_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point every way coach finds its folders at this test's own."""
    folder = tmp_path / "sessions"
    monkeypatch.setenv("COACH_SESSIONS_DIR", str(folder))
    monkeypatch.delenv("COACH_PACKS_DIR", raising=False)
    monkeypatch.setenv("COACH_NOW", NOW.isoformat())
    return folder
