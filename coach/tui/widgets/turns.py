"""Lines of the conversation. The leader's words are always `Content`, never markup."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from coach.terminal import printable


class CoachLine(Static):
    """What the coach says: a question, a follow-up or a statement."""

    def __init__(self, text: str, *, followup: bool = False) -> None:
        # Pack text may quote the leader, so it is literal too.
        super().__init__(Content(printable(text)), classes="followup" if followup else "")


class LeaderLine(Static):
    """What the leader typed, exactly (control characters shown as escapes)."""

    def __init__(self, text: str, *, note: str = "") -> None:
        shown = printable(text) if text else note
        super().__init__(Content(shown), classes="muted" if not text else "")
