"""Making text safe to print on a terminal without changing what it says."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, and the C1 controls (which some terminals obey).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """`text` with control characters shown as visible escapes (`\\x1b`), so an answer that
    contains an escape sequence is displayed, never executed by the terminal."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
