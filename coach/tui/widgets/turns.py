"""What each line of the conversation said. The leader's words are always `Content`, never
markup.

A line is a small frozen record (`CoachSaid`, `LeaderSaid`): the log keeps the records and
draws their rows (`coach.tui.widgets.log`), so the conversation can be read line by line and
every line drawn again (a new width or theme) from what it said.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content

from coach.terminal import printable

SHOWN = 4_000  # characters of one answer drawn in the log; the transcript keeps them all


@dataclass(frozen=True, slots=True)
class CoachSaid:
    """What the coach said in one line: a question, a follow-up or a statement, as the pack
    said it (for the next start's first screen, `CoachApp._shown_opening`)."""

    text: str
    followup: bool = False

    def content(self) -> Content:
        """What the line shows. Pack text may quote the leader, so it is literal too."""
        return Content(printable(self.text))


@dataclass(frozen=True, slots=True)
class LeaderSaid:
    """What the leader typed in one line, exactly, or the note of a non-answer (`note`:
    skipped, back), with what the coach understood of it (`understood`) and whether it
    answered a rating or a choice (`pick`, said back on the same line)."""

    text: str
    note: str = ""
    understood: str | None = None
    pick: bool = False

    @property
    def muted(self) -> bool:
        """A non-answer, drawn muted on no tint."""
        return not self.text

    def content(self) -> Content:
        """What the line shows: the leader's words exactly (control characters as escapes),
        a huge paste in part, so the screen stays quick (the saved transcript has every
        character); then what the coach understood, said back: after a pick (a rating or a
        choice) as `4 · most of the time`, after free text on a muted line of its own,
        `→ due Fri 4 Dec`."""
        text = self.text
        shown = printable(text[:SHOWN]) if text else self.note
        if len(text) > SHOWN:
            shown += f" … ({len(text) - SHOWN:,} more characters, saved in full)"
        content = Content(shown)
        understood = self.understood
        if understood and understood.strip().casefold() != text.strip().casefold():
            said = printable(understood)
            if self.pick and text:
                content = Content.assemble(content, f" · {said}")
            else:
                content = Content.assemble(content, "\n", (f"→ {said}", "$text-muted"))
        return content


Said = CoachSaid | LeaderSaid
