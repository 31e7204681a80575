"""Lines of the conversation. The leader's words are always `Content`, never markup.

Each line is made from a small frozen record of what was said (`CoachSaid`, `LeaderSaid`),
which it keeps as `said`: once the log has drawn a line into its history it removes the
widget (`coach.tui.widgets.log`), and the record is all that is left of it, enough to read the
conversation line by line and to make the same line again (a new width or theme).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.widgets import Static

from coach.terminal import printable


@dataclass(frozen=True, slots=True)
class CoachSaid:
    """What the coach said in one line: a question, a follow-up or a statement, as the pack
    said it (for the next start's first screen, `CoachApp._shown_opening`)."""

    text: str
    followup: bool = False

    def line(self) -> CoachLine:
        """A widget that shows it."""
        return CoachLine(self.text, followup=self.followup)


@dataclass(frozen=True, slots=True)
class LeaderSaid:
    """What the leader typed in one line, exactly, or the note of a non-answer (`note`:
    skipped, back), with what the coach understood of it (`understood`) and whether it
    answered a rating or a choice (`pick`, said back on the same line)."""

    text: str
    note: str = ""
    understood: str | None = None
    pick: bool = False

    def line(self) -> LeaderLine:
        """A widget that shows it."""
        return LeaderLine(self.text, note=self.note, understood=self.understood, pick=self.pick)


Said = CoachSaid | LeaderSaid


class CoachLine(Static):
    """What the coach says: a question, a follow-up or a statement."""

    def __init__(self, text: str, *, followup: bool = False) -> None:
        # Pack text may quote the leader, so it is literal too.
        super().__init__(Content(printable(text)), classes="followup" if followup else "")
        self.said = CoachSaid(text, followup)

    @property
    def text(self) -> str:
        """As the pack said it."""
        return self.said.text


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
        self.said = LeaderSaid(text, note, understood, pick)


Line = CoachLine | LeaderLine
