"""The reflection as plain lines: for scripts, screen readers and terminals without a TUI.

Every prompt is printed and flushed before a line is read; one line is one answer. The check-in,
the summary and the way out all come from the `Session`; this module only prints them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TextIO

from coach import checkin
from coach.checkin import item_due
from coach.engine import Prompt, Reply
from coach.session import Ending, Session, Summary, due_words
from coach.store import StoreError
from coach.terminal import printable
from coach.transcript import ActionItem

COMMANDS = {
    ":back": "go back and answer the previous question again",
    ":skip": "skip this question (where the reflection allows it)",
    ":pause": "stop here; everything is saved and you can resume later",
    ":help": "show these commands",
}


class _Paused(Exception):
    """The leader stopped (:pause, end of input) while the check-in was asked."""


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

        Args:
            opening: The first reply of a new session; None to continue a resumed one.

        Returns:
            The exit status: 0 when complete or paused, 130 after Ctrl+C (still saved).
        """
        session = self.session
        try:
            for warning in session.warnings:
                self.say(f"Note: {warning}.")
            if opening is not None:
                self._check_in()
                self._show(opening)
            else:
                self.say(f"Welcome back. Picking up where you left off in session {session.id}.")
                self._show_prompt(session.dialogue.current())
                if session.draft is not None and session.draft.text:
                    self.say("You had started typing this (it is not sent yet):")
                    self.say(session.draft.text)
            while not session.dialogue.finished:
                line = self._read()
                if line is None:  # end of input
                    self.say()
                    return self._leave(session.pause(session.draft), 0)
                answer = line.removesuffix("\n").removesuffix("\r")
                command = answer.strip().lower()
                if command == ":pause":
                    return self._leave(session.pause(), 0)
                if command == ":help":
                    self._help()
                elif command == ":back":
                    self._step(session.back)
                elif command == ":skip":
                    self._step(session.skip)
                elif command.startswith(":") and command[1:].isalpha():
                    self.say(
                        f"There is no command '{answer.strip()}'. Type :help for the commands, "
                        "or answer in your own words."
                    )
                else:
                    self._step(session.answer, answer)
        except _Paused:
            return self._leave(session.pause(), 0)
        except KeyboardInterrupt:
            self.say()
            return self._leave(session.pause(session.draft), 130)
        summary = session.summary()
        self._summary(summary)
        try:
            items = self._check_chosen_dates(summary)
        except _Paused:
            items = None  # the end of input while asked: the coach's dates stand
        return self._leave(session.finish(items), 0)

    def _check_chosen_dates(self, summary: Summary) -> list[ActionItem] | None:
        """Each date the coach chose, offered to change: the conversation promised "you can
        change it at the end". Enter keeps it; a date in the conversation's words replaces
        it; anything else is said back and asked again. None when no date was the coach's."""
        if not any(item.defaulted for item in summary.action_items):
            return None
        items = list(summary.action_items)
        for n, item in enumerate(items):
            if not item.defaulted:
                continue
            self.say(f'The date for "{item.text}" is mine: {_day(item.due)}.')
            self.say("Press Enter to keep it, or type the date you'd like (next Friday, 18 Dec).")
            for attempt in (1, 2):
                line = self._read()
                if line is None:
                    raise _Paused
                typed = line.strip()
                if not typed or typed.lower() == ":skip":
                    break
                day = self.session.due_date(typed)
                if day is not None:
                    items[n] = replace(item, due=day.isoformat())
                    self.say(f"  → due {due_words(day)}")
                    break
                if attempt == 1:
                    self.say(f"'{typed}' is not a date I can read; try 'next Friday' or '18 Dec'.")
                else:  # asked twice: the date stands, and says so
                    self.say(f"'{typed}' is not a date either; I'll keep {_day(item.due)}.")
        self.say()
        return items

    def _step(self, step: Callable[..., Reply], *args: str) -> None:
        """One answer, back or skip. A save that fails (a full disk) is said, and the answer
        stays here: it is saved with the next one, or at :pause."""
        try:
            reply = step(*args)
        except StoreError as exc:
            self.say(
                f"Could not save: {exc}. Your answer is kept here and saved with the next one."
            )
            reply = self._last_reply()
        self._show(reply)

    def _last_reply(self) -> Reply:
        return Reply(True, self.session.dialogue.current())

    def _read(self) -> str | None:
        """The next line, or None at the end of input. A line with bytes that are not text in
        the terminal's encoding is refused on its own, and the leader asked to type it again:
        every other line is still read and answered."""
        while True:
            self.out.write("> ")
            self.out.flush()
            line = self.stdin.readline()
            bad = next((i for i, ch in enumerate(line) if "\udc80" <= ch <= "\udcff"), None)
            if bad is None:
                return line or None
            encoding = getattr(self.stdin, "encoding", None) or "UTF-8"
            self.say(
                f"That line is not {encoding} text (an invalid byte at character {bad + 1}), "
                "so none of it was used; please type it again."
            )

    # -- the check-in ------------------------------------------------------------------------

    def _check_in(self) -> None:
        """Ask about the commitments that came due, one at a time; an empty line stops."""
        plan = self.session.checkin_plan()
        questions = plan.questions
        if not questions:
            return
        self.say("── Before we start ──")
        answers: list[checkin.Answer] = []
        choices = "   ".join(f"{i}) {checkin.LABELS[a]}" for i, a in enumerate(checkin.ANSWERS, 1))
        try:
            for question in questions:
                self.say(question.text)
                self.say(f"  {choices}")
                self.say("  (an empty line: ask me next time)")
                story: str | None = None  # what they told in their own words, kept as the note
                while True:
                    line = self._read()
                    if line is None or line.strip().lower() == ":pause":
                        if story is not None:  # never lost: kept against the item, undecided
                            answers.append((question.due, "not yet", story))
                        raise _Paused
                    if not line.strip():
                        break
                    answer = checkin.answer_for(line)
                    if answer == "not yet":
                        self.say(checkin.NOT_YET)
                        reason = self._read()
                        if reason is None or reason.strip().lower() == ":pause":
                            answers.append((question.due, answer, story))
                            raise _Paused
                        said = " ".join(filter(None, (story, reason.strip())))
                        answers.append((question.due, answer, said or None))
                        self.say(checkin.HEARD[answer])
                        break
                    if answer is not None:
                        answers.append((question.due, answer, story))
                        self.say(checkin.HEARD[answer])
                        break
                    story = " ".join(filter(None, (story, line.strip())))
                    self.say(
                        f"Thank you; I'll keep that with it. Which is closest: {choices.strip()}?"
                    )
                if not line.strip():
                    break
                self.say()
            if plan.ahead or plan.more:
                self.say(plan.ahead_text())
                self.say()
        finally:  # what was answered counts, however the check-in ends
            try:
                self.session.check_in(answers)
            except StoreError as exc:
                self.say(f"Note: could not update an earlier session: {exc}.")
        self.say()

    # -- the conversation --------------------------------------------------------------------

    def _show(self, reply: Reply) -> None:
        for turn in reply.turns:
            understood = getattr(turn, "understood", None)
            if turn.role == "leader" and understood:
                self.say(f"  → {understood}")
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
        guess = getattr(prompt, "suggested", None)
        for i, option in enumerate(prompt.options, start=1):
            mark = "   (closest to what you said)" if option.id == guess else ""
            self.say(f"  {i}) {option.label}{mark}")

    def _help(self) -> None:
        self.say("Commands (type one on its own line):")
        for name, meaning in COMMANDS.items():
            self.say(f"  {name:<7} {meaning}")

    # -- the end -----------------------------------------------------------------------------

    def _summary(self, summary: Summary) -> None:
        # The closing words were said as the last answer's reply; the rest follows them.
        self.say("── Your reflection ──")
        if summary.followed:
            self.say(f"  {summary.followed}")
        width = max((len(r.title) for r in summary.ratings), default=0)
        for row in summary.ratings:
            self.say(f"  {row.title:<{width}}  {row.bar}  {row.score}".rstrip())
        self.say(f"  {summary.loyalty}")
        if summary.action_items:
            self.say()
            self.say("Action items:")
            for item in summary.action_items:
                whose = "your commitment" if item.own else "a suggestion"
                trait = summary.trait_title(item.trait)
                about = f", {trait}" if trait else ""
                self.say(f"  - {item.text}")
                self.say(f"    due {item_due(item.due, item.defaulted)} ({whose}{about})")
        self.say()

    def _leave(self, ending: Ending, status: int) -> int:
        for line in ending.lines():
            self.say(line)
        self.out.flush()
        return status


def _day(iso: str) -> str:
    from datetime import date

    try:
        return due_words(date.fromisoformat(iso))
    except ValueError:
        return iso


__all__ = ["LineMode"]
