"""The conversation: the coach's questions and the leader's answers, newest always in view,
with the right control for each question under them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import OptionList, Static

from coach.engine import Prompt, Reply
from coach.session import Session
from coach.tui.widgets.answer_box import AnswerBox
from coach.tui.widgets.choices import ChoiceList
from coach.tui.widgets.footer import KeysFooter
from coach.tui.widgets.progress import TraitProgress
from coach.tui.widgets.rating import RatingBar
from coach.tui.widgets.turns import CoachLine, LeaderLine

if TYPE_CHECKING:
    from coach.tui.app import CoachApp


class ReflectScreen(Screen[None]):
    """One question at a time; every answer goes to the engine, then to disk."""

    BINDINGS = [
        Binding("ctrl+b", "back", "Back", priority=True),
        Binding("ctrl+n", "skip", "Skip", priority=True),
        Binding("escape", "pause", "Pause", priority=True),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
    ]
    PALETTE = [
        ("Back", "Answer the previous question again", "back"),
        ("Skip", "Skip this question, where the reflection allows it", "skip"),
        ("Pause", "Save and stop; resume later with coach resume", "pause"),
    ]

    def __init__(
        self, session: Session, opening: Reply | None = None, resumed: bool = False
    ) -> None:
        super().__init__()
        self.session = session
        self.opening = opening
        self.resumed = resumed
        self.prompt: Prompt | None = None

    @property
    def coach_app(self) -> CoachApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        # The first screen is composed whole (the lines so far, the question, its control),
        # so it is laid out and drawn once, not rebuilt by the first mounts.
        pack = self.session.dialogue.pack
        if self.resumed:
            lines = self._replay_lines()
            prompt = self.session.dialogue.current()
        else:
            lines, prompt = self._opening_lines()
        self.prompt = prompt
        with Container(id="top"):
            yield Static(Content(pack.title), id="title")
            yield TraitProgress(id="progress")
        with VerticalScroll(id="log"):
            yield from lines
        with Container(id="answer"):
            if prompt is not None:
                control, hint = self._control(prompt)
                yield control
                yield Static(Content(hint), id="hint")
            else:
                yield Static(id="hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#log", VerticalScroll).anchor()
        if self.prompt is None:
            self._finished()
            return
        self.query_one(TraitProgress).show(self.prompt.progress)
        if self.resumed:
            self._restore_draft()
        else:
            # A new session's first save (and the YAML writer it imports) waits until the
            # first question is on screen; nothing has been answered yet that could be lost.
            self.call_after_refresh(self.coach_app.save_in_background)
        self.query_one("#control").focus()

    def _opening_lines(self) -> tuple[list[Static], Prompt | None]:
        """The opening reply as lines of the log, and the question it ends on."""
        if self.opening is None:
            return [], self.session.dialogue.current()
        reply = self.opening
        lines: list[Static] = [*self._statements(reply)]
        if reply.prompt is not None:
            lines.append(CoachLine(reply.prompt.text, followup=reply.prompt.is_followup))
        return lines, reply.prompt

    def draft(self) -> dict[str, str] | None:
        """The unsent text in the answer box, to be saved with the session."""
        control = self.query("#control").first() if self.is_mounted else None
        if isinstance(control, AnswerBox) and control.text.strip() and self.prompt:
            return {"step": self.prompt.step, "stage": self.prompt.stage, "text": control.text}
        return None

    def _restore_draft(self) -> None:
        draft = self.session.draft
        control = self.query("#control").first()
        if (
            draft is not None
            and isinstance(control, AnswerBox)
            and self.prompt is not None
            and draft.step == self.prompt.step
            and draft.stage == self.prompt.stage
        ):
            control.load_text(draft.text)
            control.move_cursor(control.document.end)

    def _replay_lines(self) -> list[Static]:
        """On resume, what was said so far, so the leader sees where they are."""
        lines: list[Static] = []
        for turn in self.session.dialogue.log:
            if turn.role == "coach":
                lines.append(
                    CoachLine(turn.text, followup=turn.kind in ("probe", "due", "confirm"))
                )
            elif turn.kind in ("answer", "rejected"):
                lines.append(LeaderLine(turn.text))
        # The welcome goes above the last question, so the question stays next to the answer.
        last = max((i for i, line in enumerate(lines) if isinstance(line, CoachLine)), default=0)
        lines.insert(last, CoachLine("Welcome back. Here's where you left off."))
        lines.extend(CoachLine(f"Note: {warning}.") for warning in self.session.warnings)
        return lines

    # -- showing ------------------------------------------------------------------------

    async def _show(self, reply: Reply) -> None:
        self.query_one("#log", VerticalScroll).mount_all(self._statements(reply))
        if reply.prompt is None:
            self._finished()
            return
        await self._show_prompt(reply.prompt, say=reply.accepted or not reply.notes)

    async def _show_prompt(self, prompt: Prompt | None, say: bool = True) -> None:
        if prompt is None:
            self._finished()
            return
        log = self.query_one("#log", VerticalScroll)
        if say:
            log.mount(CoachLine(prompt.text, followup=prompt.is_followup))
        self.query_one(TraitProgress).show(prompt.progress)
        if self.prompt is not None and self._same_control(self.prompt, prompt):
            self.prompt = prompt
            self._focus_control()
            return
        self.prompt = prompt
        answer = self.query_one("#answer", Container)
        # Removal is asynchronous: wait for it, so the new control can take the same id.
        await answer.query("#control").remove()
        control, hint = self._control(prompt)
        self.query_one("#hint", Static).update(Content(hint))
        await answer.mount(control, before=self.query_one("#hint"))
        control.focus()

    @staticmethod
    def _statements(reply: Reply) -> list[CoachLine]:
        """What the coach said in a reply before its question (statements, retries)."""
        return [
            CoachLine(turn.text, followup=turn.kind == "retry")
            for turn in reply.turns
            if turn.role == "coach" and turn.kind in ("statement", "retry")
        ]

    @staticmethod
    def _control(prompt: Prompt) -> tuple[Widget, str]:
        """The control that answers this prompt, and the hint shown under it."""
        if prompt.kind == "rating" and prompt.scale:
            scale = prompt.scale
            hint = f"{scale.min}-{scale.max}: type a number, or ←/→ and Enter"
            return RatingBar(scale, id="control"), hint
        if prompt.kind == "choice":
            return ChoiceList(prompt.options, id="control"), "↑/↓ and Enter, or the option's number"
        skip = " · Ctrl+N skips" if prompt.can_skip else ""
        return AnswerBox(id="control"), f"Enter sends · Ctrl+J new line{skip}"

    @staticmethod
    def _same_control(old: Prompt, new: Prompt) -> bool:
        """Keep the answer box between free-text prompts, so typing never loses focus."""
        free = ("ask", "commit")
        return old.kind in free and new.kind in free

    def _focus_control(self) -> None:
        control = self.query_one("#control")
        if isinstance(control, AnswerBox):
            control.clear()
        control.focus()

    def _finished(self) -> None:
        from coach.tui.screens.summary import SummaryScreen

        self.coach_app.save_now()
        self.app.switch_screen(SummaryScreen(self.session))

    # -- answering -----------------------------------------------------------------------

    async def _send(self, text: str) -> None:
        log = self.query_one("#log", VerticalScroll)
        reply = self.session.answer(text)
        if reply.turns:
            log.mount(LeaderLine(text))
            self.coach_app.save_in_background()
        await self._show(reply)

    @on(AnswerBox.Submitted)
    async def _answered(self, event: AnswerBox.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self.notify("Take your time. Type your answer, or Ctrl+N to skip.", timeout=3)
            return
        await self._send(event.value)

    @on(RatingBar.Chosen)
    async def _rated(self, event: RatingBar.Chosen) -> None:
        event.stop()
        await self._send(str(event.value))

    @on(OptionList.OptionSelected)
    async def _chose(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        await self._send(str(event.option_index + 1))

    async def action_back(self) -> None:
        reply = self.session.back()
        if reply.accepted:
            self.query_one("#log", VerticalScroll).mount(
                LeaderLine("", note="(back to answer again)")
            )
            self.coach_app.save_in_background()
            self.prompt = None  # the control may differ: rebuild it
            await self._show(reply)
        elif reply.reason:
            self.notify(reply.reason, timeout=3, markup=False)

    async def action_skip(self) -> None:
        reply = self.session.skip()
        if reply.accepted:
            self.query_one("#log", VerticalScroll).mount(LeaderLine("", note="(skipped)"))
            self.coach_app.save_in_background()
            await self._show(reply)
        elif reply.reason:
            self.notify(reply.reason, timeout=3, markup=False)

    def action_pause(self) -> None:
        self.coach_app.pause()
