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


SHOWN = 4_000  # characters of one answer drawn in the log; the transcript keeps them all


class LeaderLine(Static):
    """What the leader typed, exactly (control characters shown as escapes). A huge paste is
    drawn in part, so the screen stays quick; the saved transcript has every character."""

    def __init__(self, text: str, *, note: str = "") -> None:
        shown = printable(text[:SHOWN]) if text else note
        if len(text) > SHOWN:
            shown += f" … ({len(text) - SHOWN:,} more characters, saved in full)"
        super().__init__(Content(shown), classes="muted" if not text else "")
