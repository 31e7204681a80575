"""Where sessions and packs live: the one place that decides.

Order, first wins: the command-line option, the environment variable, then the platform's
user data folder. Nothing here creates a folder: a mistyped `--sessions` must not leave empty
folders behind; the store creates its folder on the first save.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = [
    "CACHE_ENV",
    "PACKS_ENV",
    "SESSIONS_ENV",
    "cache_dir",
    "default_sessions_dir",
    "packs_dirs",
    "sessions_dir",
]

SESSIONS_ENV = "COACH_SESSIONS_DIR"
PACKS_ENV = "COACH_PACKS_DIR"
CACHE_ENV = "COACH_CACHE_DIR"


def _as_path(value: str) -> Path:
    """Expand `~` and make absolute, so `coach where` shows a path that works from anywhere."""
    return Path(value).expanduser().absolute()


def default_sessions_dir() -> Path:
    """The platform's user data folder for coach, e.g. `~/.local/share/coach/sessions`."""
    import platformdirs  # only needed when neither the option nor the variable is set

    return platformdirs.user_data_path("coach", appauthor=False) / "sessions"


def sessions_dir(cli_value: str | None = None, env: Mapping[str, str] | None = None) -> Path:
    """The sessions folder: `--sessions` > `COACH_SESSIONS_DIR` > the user data folder.

    Args:
        cli_value: The `--sessions` option, if given.
        env: The environment; `os.environ` when omitted (tests pass a dict).

    Returns:
        An absolute path; it may not exist yet.
    """
    environ = os.environ if env is None else env
    if cli_value:
        return _as_path(cli_value)
    if environ.get(SESSIONS_ENV):
        return _as_path(environ[SESSIONS_ENV])
    return default_sessions_dir()


def packs_dirs(
    cli_value: str | Sequence[str] | None = None, env: Mapping[str, str] | None = None
) -> list[Path]:
    """Folders of the user's own packs: `--packs` > `COACH_PACKS_DIR`; none by default.

    Either may list several folders separated by `os.pathsep` (`:`, or `;` on Windows), like
    `PATH`; `--packs` may also be given as a list (an argparse `append` option).

    Args:
        cli_value: The `--packs` option(s), if given.
        env: The environment; `os.environ` when omitted.

    Returns:
        Absolute paths in the order given, possibly empty; they may not exist.
    """
    environ = os.environ if env is None else env
    values: Sequence[str]
    if isinstance(cli_value, str):
        values = [cli_value]
    elif cli_value:
        values = cli_value
    else:
        values = [environ.get(PACKS_ENV, "")]
    return [_as_path(part) for value in values for part in value.split(os.pathsep) if part]


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """Where coach keeps what it can rebuild (checked packs): `COACH_CACHE_DIR` > the
    platform's user cache folder, e.g. `~/.cache/coach`. Deleting it loses nothing.

    Args:
        env: The environment; `os.environ` when omitted.
    """
    environ = os.environ if env is None else env
    if environ.get(CACHE_ENV):
        return _as_path(environ[CACHE_ENV])
    import platformdirs

    return platformdirs.user_cache_path("coach", appauthor=False)
