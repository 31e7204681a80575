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
        self.text = text  # as the pack said it, for the next start's first screen


SHOWN = 4_000  # characters of one answer drawn in the log; the transcript keeps them all


class LeaderLine(Static):
    """What the leader typed, exactly (control characters shown as escapes). A huge paste is
    drawn in part, so the screen stays quick; the saved transcript has every character.

    `understood` is what the coach made of it, said back: after a pick (a rating or a choice)
    as `4 · most of the time`, after free text on a muted line of its own, `→ due Fri 4 Dec`.
    """

    def __init__(
        self, text: str, *, note: str = "", understood: str | None = None, pick: bool = False
    ) -> None:
        shown = printable(text[:SHOWN]) if text else note
        if len(text) > SHOWN:
            shown += f" … ({len(text) - SHOWN:,} more characters, saved in full)"
        content = Content(shown)
        if understood and understood.strip().casefold() != text.strip().casefold():
            said = printable(understood)
            if pick and text:
                content = Content.assemble(content, f" · {said}")
            else:
                content = Content.assemble(content, "\n", (f"→ {said}", "$text-muted"))
        super().__init__(content, classes="muted" if not text else "")
        self.understood = understood
