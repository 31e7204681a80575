"""The reflection as plain lines: for scripts, screen readers and terminals without a TUI.

Every prompt is printed and flushed before a line is read; one line is one answer.
"""

from __future__ import annotations

from typing import TextIO

from coach.engine import Prompt, Reply
from coach.session import Session
from coach.terminal import printable

COMMANDS = {
    ":back": "go back and answer the previous question again",
    ":skip": "skip this question (where the reflection allows it)",
    ":pause": "stop here; everything is saved and you can resume later",
    ":help": "show these commands",
}


class LineMode:
    """Drives a `Session` over a pair of text streams."""

    def __init__(self, session: Session, stdin: TextIO, stdout: TextIO) -> None:
        self.session = session
        self.stdin = stdin
        self.out = stdout
        self._section: str | None = None

    def say(self, text: str = "") -> None:
        self.out.write(printable(text) + "\n")

    def run(self, opening: Reply | None = None) -> int:
        """Ask until the reflection ends or the leader pauses.

        Returns:
            The exit status: 0 when complete or paused, 130 after Ctrl+C (still saved).
        """
        session = self.session
        for warning in session.warnings:
            self.say(f"Note: {warning}.")
        if opening is not None:
            self._show(opening)
        else:
            self.say(f"Welcome back. Picking up where you left off in session {session.id}.")
            self._show_prompt(session.dialogue.current())
            draft = session.extra.get("draft")
            if isinstance(draft, dict) and draft.get("text"):
                self.say("You had started typing this (it is not sent yet):")
                self.say(str(draft["text"]))
        try:
            while not session.dialogue.finished:
                self.out.write("> ")
                self.out.flush()
                line = self.stdin.readline()
                if not line:  # end of input
                    self.say()
                    self._paused()
                    return 0
                answer = line.removesuffix("\n").removesuffix("\r")
                command = answer.strip().lower()
                if command == ":pause":
                    self._paused()
                    return 0
                if command == ":help":
                    self._help()
                    continue
                if command == ":back":
                    self._show(session.back())
                    continue
                if command == ":skip":
                    self._show(session.skip())
                    continue
                if command.startswith(":") and command[1:].isalpha():
                    self.say(
                        f"There is no command '{answer.strip()}'. Type :help for the commands, "
                        "or answer in your own words."
                    )
                    continue
                self._show(session.answer(answer))
        except KeyboardInterrupt:
            self.say()
            self._paused()
            return 130
        self._summary()
        return 0

    def _show(self, reply: Reply) -> None:
        for note in reply.notes:
            self.say(note)
            self.say()
        if reply.prompt is not None and (reply.accepted or not reply.notes):
            self._show_prompt(reply.prompt)
        elif reply.prompt is not None:
            self._show_choices(reply.prompt)

    def _show_prompt(self, prompt: Prompt | None) -> None:
        if prompt is None:
            return
        if prompt.section != self._section:
            self._section = prompt.section
            traits = [s for s in prompt.progress.sections if s.trait]
            position = next((i for i, s in enumerate(traits, 1) if s.id == prompt.section), None)
            heading = prompt.section_title
            if position:
                heading += f" · trait {position} of {len(traits)}"
            self.say(f"── {heading} ──")
        text = prompt.text
        if prompt.kind == "rating" and prompt.scale:
            text += f" ({prompt.scale.min}-{prompt.scale.max})"
        self.say(text)
        self._show_choices(prompt)

    def _show_choices(self, prompt: Prompt) -> None:
        if prompt.kind == "rating" and prompt.scale and prompt.scale.labels:
            labels = "   ".join(
                f"{n} = {label}" for n, label in sorted(prompt.scale.labels.items())
            )
            self.say(f"  {labels}")
        for i, option in enumerate(prompt.options, start=1):
            self.say(f"  {i}) {option.label}")

    def _paused(self) -> None:
        session = self.session
        session.save()
        self.say(f"Paused. Everything you wrote is saved in {session.path}.")
        self.say(f"Resume with: coach resume {session.id}")
        self.out.flush()

    def _help(self) -> None:
        self.say("Commands (type one on its own line):")
        for name, meaning in COMMANDS.items():
            self.say(f"  {name:<7} {meaning}")

    def _summary(self) -> None:
        session = self.session
        d = session.dialogue
        pack = d.pack
        self.say()
        self.say("── Your reflection ──")
        titles = {t.id: t.title for t in pack.traits}
        ratings = d.ratings()
        for trait in pack.traits:
            value = ratings.get(trait.id)
            if value is None:
                continue
            top = next((s.scale.max for s in pack.steps if s.trait == trait.id and s.scale), value)
            self.say(f"  {trait.title:<24} {'●' * value}{'○' * max(0, top - value)}  {value}/{top}")
        loyalty = d.classification().get("trait")
        if loyalty:
            self.say(f"  Loyalty was earned by: {titles.get(loyalty, loyalty)}")
        items = d.action_items()
        if items:
            self.say()
            self.say("Action items:")
            for item in items:
                self.say(f"  [{item.due}] {item.text}")
        self.say()
        self.say(f"Saved to {session.path}")
        self.say(f"Read it again with: coach show {session.id}")
        self.out.flush()
