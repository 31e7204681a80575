"""Making text safe to print on a terminal without changing what it says: the one sanitiser
every output to a terminal passes through (DESIGN.md, principle 7)."""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL, the C1 controls (which some terminals obey, U+009B
# is a whole CSI), and the bidi embeddings, overrides and isolates, which reorder what follows
# them on screen and can make one name or answer read as another.
# A carriage return is kept where it ends a line (CRLF, as iCalendar and CSV files write
# them); alone it moves the cursor back over what was printed, so it is escaped.
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with control characters and bidi overrides shown as visible escapes (`\\x1b`,
    `\\u202e`), so an answer that holds an escape sequence is displayed, never obeyed.

    Idempotent: what it returns has nothing left to escape.
    """
    return _UNSAFE.sub(_escape, text)


def json_safe(text: str) -> str:
    """JSON text with the same characters written as JSON's own `\\u` escapes: still the same
    JSON, never a control sequence on screen (`json.dumps` already escapes C0 controls)."""
    return _UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)
