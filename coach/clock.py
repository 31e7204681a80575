"""What time it is for coach: the system's, or one frozen by `COACH_NOW` (tests, demos).

Apart from the session so that the first screen (`coach.tui.opening`) can tell the day
before the session, and the engine behind it, are imported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime


def system_clock() -> datetime:
    """The local time with its UTC offset, as transcripts record it."""
    return datetime.now().astimezone()


def frozen_time(env: Mapping[str, str]) -> datetime | None:
    """`COACH_NOW=2026-11-28T09:00:00+00:00` as a time, or None when it is not set.

    Raises:
        ValueError: the value is not an ISO 8601 time, or is outside the years 1900-9000;
            the message is one sentence for the user.
    """
    value = env.get("COACH_NOW")
    if not value:
        return None
    try:
        frozen = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"COACH_NOW={value!r} is not an ISO 8601 time such as 2026-11-28T09:00:00+00:00"
        ) from None
    if not 1900 <= frozen.year <= 9000:
        raise ValueError(
            f"COACH_NOW={value!r} is out of range: give a time between the years 1900 and 9000"
        )
    return frozen if frozen.tzinfo is not None else frozen.astimezone()


def clock_from(env: Mapping[str, str]) -> Callable[[], datetime]:
    """The clock coach runs on: frozen by `COACH_NOW`, else the system's.

    Raises:
        ValueError: `COACH_NOW` is set to something that is not a usable time (one sentence).
    """
    frozen = frozen_time(env)
    if frozen is None:
        return system_clock
    return lambda: frozen
