"""The conversation: the coach's questions and the leader's answers, newest always in view,
with the right control for each question under them."""

from __future__ import annotations

import gc
from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual import events, on
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Container
from textual.content import Content
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static, TextArea

from coach.engine import Prompt, Reply, Turn
from coach.session import Session
from coach.terminal import printable
from coach.tui.widgets.answer_box import AnswerBox
from coach.tui.widgets.hint import Hint
from coach.tui.widgets.log import ConversationLog
from coach.tui.widgets.progress import TraitProgress
from coach.tui.widgets.turns import CoachSaid, LeaderSaid, Said

if TYPE_CHECKING:
    from textual.widget import AwaitMount
    from textual.widgets import OptionList

    from coach.engine import Option, Scale
    from coach.tui.app import CoachApp
    from coach.tui.widgets.footer import KeysFooter
    from coach.tui.widgets.rating import RatingBar


PICKS = ("rating", "choice")  # controls whose answer is a pick, said back as `4 · often`
CONTROL_IDS = {"text": "answer-box", "rating": "rating-bar", "choice": "choices"}
NOTES = {"skip": "(skipped)", "back": "(back to answer again)"}  # the leader's non-answers
SCROLL = Binding.Group("Scroll")  # the footer shows `PgUp PgDn Scroll`


class ReflectScreen(Screen[None]):
    """One question at a time; every answer goes to the engine, then to disk."""

    # Back and Skip are in the footer only where the question allows them (`check_action`);
    # where it does not, the same key runs `refused`, which says why under the control.
    # PgUp/PgDn scroll the conversation from any control, except one that has more lines
    # than it shows (a long answer), which pages itself as in any editor.
    BINDINGS = [
        Binding("ctrl+b", "back", "Back", priority=True),
        Binding("ctrl+b", "refused('back')", show=False, priority=True),
        Binding("ctrl+n", "skip", "Skip", priority=True),
        Binding("ctrl+n", "refused('skip')", show=False, priority=True),
        Binding(
            "pageup", "scroll_log(-1)", "Scroll up", key_display="PgUp", group=SCROLL, priority=True
        ),
        Binding(
            "pagedown",
            "scroll_log(1)",
            "Scroll down",
            key_display="PgDn",
            group=SCROLL,
            priority=True,
        ),
        Binding("escape", "pause", "Pause", priority=True),
        Binding("ctrl+q", "app.quit", "Quit", priority=True),
    ]
    # Textual's `Screen.focused` repaints the whole screen when it changes; the widgets that
    # gain and lose the focus repaint themselves. Here the focus moves at nearly every answer
    # (text box, rating bar, option list), and that repaint was a second, full-screen frame
    # drawn and written right after the answer's own. Textual is pinned (pyproject.toml);
    # `test_an_answer_that_moves_the_focus_does_not_draw_the_whole_screen_again` fails if
    # that frame comes back.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

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
        self.hint = ""  # the control's own hint, shown again after a refusal
        self._pages_itself = False  # the control has more lines than it shows
        # One control of each kind, mounted the first time a question needs it and then
        # shown and hidden (`display`), never mounted again: an answer that changes the
        # kind of control costs a restyle, not a mount and a removal (bench/answer_latency).
        self._controls: dict[str, Widget] = {}
        self._shown: Widget | None = None
        self._keys: KeysFooter | None = None  # the footer, mounted after the first frame
        self._spares: AwaitMount | None = None  # the other controls, mounted after it too
        self._frame_due = False  # an answer's frame is still to come (`_save_after_frame`)

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in the order of BINDINGS, whichever control has the focus: Textual lists
        a key where it first meets it, and the answer box and the option list bind PgUp and
        PgDn too, which would move Scroll to the front of the footer for them alone."""
        bindings = super().active_bindings
        order = {b.key: n for n, b in enumerate(self.BINDINGS) if isinstance(b, Binding)}
        return dict(sorted(bindings.items(), key=lambda item: order.get(item[0], len(order))))

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
        # The parts an answer changes are kept, not looked up: a query walks the DOM.
        self._progress = TraitProgress(id="progress")
        self._log = ConversationLog(*lines, id="log")
        with Container(id="top"):
            yield Static(Content(printable(pack.title)), id="title")
            yield self._progress
        yield self._log
        # The control and its hint are the screen's own children, not a container's: a
        # container round them took part in every answer's layout and was drawn again in
        # every answer's frame, behind them (its line above them is the log's border now).
        if prompt is not None:
            self.hint = self._hint(prompt)
            yield self._new_control(prompt)
        yield (hint := Hint(self.hint, id="hint"))
        self._hint_line = hint
        # The footer is mounted after the first frame (`on_mount`): the question and the box
        # to answer it in come first. Its row is kept meanwhile, so nothing moves up and down.
        yield Static(classes="footer-space")

    @property
    def conversation(self) -> ConversationLog:
        return self._log

    @property
    def control(self) -> Widget:
        """The control that answers the current question (the others are hidden)."""
        assert self._shown is not None, "no question, so no control"
        return self._shown

    @property
    def takes_keys(self) -> bool:
        """The control of the question asked has the focus: keys typed go to it."""
        return self._shown is not None and self.app.focused is self._shown

    def on_mount(self) -> None:
        if self.prompt is None:
            self._finished()
            return
        self._progress.show(self.prompt.progress)
        if self.resumed:
            self._restore_draft()
        else:
            # A new session's first save (and the YAML writer it imports) waits until the
            # first question is on screen; nothing has been answered yet that could be lost.
            self.call_after_refresh(self.coach_app.save_in_background)
        self.control.focus()
        self.screen_layout_refresh_signal.subscribe(self, self._laid_out, immediate=True)
        self.call_after_refresh(self._mount_footer)

    async def _mount_footer(self) -> None:
        # Imported here: Textual's footer is not needed for the first frame either.
        from coach.tui.widgets.footer import KeysFooter

        if not self.is_attached:  # left already (Esc pressed at once, on the opening)
            return
        self._keys = KeysFooter()
        with self.app.batch_update():
            await self.mount(self._keys)
            await self.query(".footer-space").remove()
        self.refresh_bindings()  # the footer learns the keys from this
        self._mount_spare_controls()

    def _mount_spare_controls(self) -> None:
        """The kinds of control the first question did not need, mounted hidden once it is
        on screen: the first rating or choice then costs what any later one does (set and
        shown), not a mount, nor the stylesheet parse Textual runs for a new kind of widget,
        inside the answer's frame (bench/answer_latency.py: rating and choice, turn 5)."""
        pack = self.session.dialogue.pack
        scale = next((s.scale for s in pack.steps if s.kind == "rating" and s.scale), None)
        spare: list[Widget] = []
        for kind in ("text", "rating", "choice"):
            if kind not in self._controls and (kind != "rating" or scale is not None):
                control = self._make_control(kind, scale=scale)
                control.display = False
                spare.append(control)
        from coach.engine.dates import prepare

        # So is what reading a due date needs: the first answer that names one (a commitment,
        # a low rating's suggested action) then costs what any later one does.
        prepare(pack.lexicon)
        if spare:
            # Not awaited: a question that needs one of them first waits for it there.
            self._spares = self.mount_all(spare, before=self._hint_line)

    def _opening_lines(self) -> tuple[list[Said], Prompt | None]:
        """The opening reply as lines of the log, and the question it ends on."""
        if self.opening is None:
            return [], self.session.dialogue.current()
        reply = self.opening
        lines: list[Said] = [*self._statements(reply)]
        if reply.prompt is not None:
            lines.append(CoachSaid(reply.prompt.text, followup=reply.prompt.is_followup))
        return lines, reply.prompt

    def draft(self) -> dict[str, str] | None:
        """The unsent text in the answer box, to be saved with the session."""
        control = self._shown if self.is_mounted else None
        if isinstance(control, AnswerBox) and control.text.strip() and self.prompt:
            return {"step": self.prompt.step, "stage": self.prompt.stage, "text": control.text}
        return None

    def _restore_draft(self) -> None:
        draft = self.session.draft
        control = self._shown
        if (
            draft is not None
            and isinstance(control, AnswerBox)
            and self.prompt is not None
            and draft.step == self.prompt.step
            and draft.stage == self.prompt.stage
        ):
            control.load_text(draft.text)
            control.move_cursor(control.document.end)

    def _replay_lines(self) -> list[Said]:
        """On resume, what was said so far, so the leader sees where they are: the same lines
        as when it was answered, what the coach understood included."""
        pack = self.session.dialogue.pack
        lines: list[Said] = []
        asked = ""  # the kind of control the last question had: a rating and a choice are picks
        for turn in self.session.dialogue.log:
            if turn.role == "coach":
                lines.append(
                    CoachSaid(turn.text, followup=turn.kind in ("probe", "due", "confirm"))
                )
                if turn.kind == "question" and turn.step in pack.by_id:
                    asked = pack.by_id[turn.step].kind
                elif turn.kind in ("probe", "due", "confirm"):
                    asked = "choice" if turn.kind == "confirm" else "ask"
            elif turn.kind in ("answer", "rejected"):
                lines.append(self._leader_line(turn.text, turn, pick=asked in PICKS))
            elif turn.kind in NOTES:
                lines.append(self._leader_line("", turn, note=NOTES[turn.kind]))
        # The welcome goes above the last question, so the question stays next to the answer.
        last = max((i for i, line in enumerate(lines) if isinstance(line, CoachSaid)), default=0)
        lines.insert(last, CoachSaid("Welcome back. Here's where you left off."))
        lines.extend(CoachSaid(f"Note: {warning}.") for warning in self.session.warnings)
        return lines

    # -- showing ------------------------------------------------------------------------

    async def _show(self, reply: Reply, said: Sequence[Said] = ()) -> None:
        """The leader's line (`said`), the coach's reply and the next question with its
        control, all in one frame: nothing is drawn until every part is in place."""
        lines: list[Said] = [*said, *self._statements(reply)]
        prompt = reply.prompt
        if prompt is not None and (reply.accepted or not reply.notes):
            lines.append(CoachSaid(prompt.text, followup=prompt.is_followup))
        with self.app.batch_update():
            if prompt is not None:
                await self._show_prompt(prompt)
            self.conversation.add(lines)
            if prompt is None:
                self._finished()

    async def _show_prompt(self, prompt: Prompt) -> None:
        self._progress.show(prompt.progress)
        self.conversation.follow()  # back to the newest line, if the leader had scrolled up
        same = self.prompt is not None and self._same_control(self.prompt, prompt)
        self.prompt = prompt
        self.hint = self._hint(prompt)
        self._show_hint()
        if same:
            self._focus_control()
        else:
            await self._swap_control(prompt)
        self._pages_itself = False  # a control set for a new question shows all it holds
        # Back and Skip may come or go with the question, and the control with the focus
        # binds keys of its own: the footer shows them in this frame, not the next.
        if self._keys is not None:  # none before the first frame
            self._keys.follow()

    @staticmethod
    def _statements(reply: Reply) -> list[CoachSaid]:
        """What the coach said in a reply before its question (statements, retries)."""
        return [
            CoachSaid(turn.text, followup=turn.kind == "retry")
            for turn in reply.turns
            if turn.role == "coach" and turn.kind in ("statement", "retry")
        ]

    async def _swap_control(self, prompt: Prompt) -> None:
        """Show the control of this prompt's kind, set for it, in place of the current one.

        The focus goes straight from the old control to the new one (shown first, so that
        it can take it), then the old one is hidden: a focused widget that is hidden hands
        the focus to the next in the chain, the log, whose focus and blur would restyle it."""
        kind = self._kind(prompt)
        old, control = self._shown, self._controls.get(kind)
        if control is not None and not control.is_mounted and self._spares is not None:
            await self._spares  # mounted after the first frame, and not quite yet
        if control is None:
            control = self._new_control(prompt)
            await self.mount(control, before=self._hint_line)
        else:
            await self._set_control(control, prompt)
            control.display = True
        self._shown = control
        self.set_focus(control)
        if old is not None and old is not control:
            old.display = False

    @staticmethod
    def _kind(prompt: Prompt) -> str:
        if prompt.kind == "rating" and prompt.scale:
            return "rating"
        return "choice" if prompt.kind == "choice" else "text"

    def _new_control(self, prompt: Prompt) -> Widget:
        """The control that answers this prompt, kept for the next question of its kind."""
        kind = self._kind(prompt)
        suggested = getattr(prompt, "suggested", None)
        control = self._make_control(
            kind, scale=prompt.scale, options=prompt.options, suggested=suggested
        )
        self._shown = control
        return control

    def _make_control(
        self,
        kind: str,
        *,
        scale: Scale | None = None,
        options: tuple[Option, ...] = (),
        suggested: str | None = None,
    ) -> Widget:
        """A control of `kind` ("text", "rating", "choice"), kept for every question of it."""
        control_id = CONTROL_IDS[kind]
        control: Widget
        # Imported where first needed: the first screen of a session has an answer box.
        if kind == "rating":
            from coach.tui.widgets.rating import RatingBar

            assert scale is not None
            control = RatingBar(scale, id=control_id, classes="control")
        elif kind == "choice":
            from coach.tui.widgets.choices import ChoiceList

            control = ChoiceList(options, suggested=suggested, id=control_id, classes="control")
        else:
            control = AnswerBox(id=control_id, classes="control")
        self._controls[kind] = control
        return control

    @staticmethod
    async def _set_control(control: Widget, prompt: Prompt) -> None:
        """A kept control, set for a new prompt as a new one would be."""
        from coach.tui.widgets.choices import ChoiceList
        from coach.tui.widgets.rating import RatingBar

        if isinstance(control, RatingBar) and prompt.scale is not None:
            await control.set_scale(prompt.scale)
        elif isinstance(control, ChoiceList):
            control.set_choices(prompt.options, getattr(prompt, "suggested", None))
        elif isinstance(control, AnswerBox) and control.text:
            control.clear()  # emptied already if it was hidden a frame or more ago

    @staticmethod
    def _hint(prompt: Prompt) -> str:
        """The hint under the control: one line at 80 columns, naming only keys that work on
        this control for this question."""
        if prompt.kind == "rating" and prompt.scale:
            scale = prompt.scale
            # A number key picks at once, so only a scale of single digits can be typed.
            typed = "type a number, or " if scale.min >= 0 and scale.max <= 9 else ""
            return f"{scale.min}-{scale.max}: {typed}←/→ and Enter"
        if prompt.kind == "choice":
            numbers = ", or the option's number" if len(prompt.options) <= 9 else ""
            return f"↑/↓ and Enter{numbers}"
        skip = " · Ctrl+N skips" if prompt.can_skip else ""
        return f"Enter sends · Ctrl+J new line{skip}"

    @staticmethod
    def _same_control(old: Prompt, new: Prompt) -> bool:
        """Keep the answer box between free-text prompts, so typing never loses focus."""
        free = ("ask", "commit")
        return old.kind in free and new.kind in free

    def _focus_control(self) -> None:
        control = self.control
        if isinstance(control, AnswerBox):
            control.clear()
        control.focus()

    def _show_hint(self, refusal: str | None = None) -> None:
        """The control's hint, or why what was just asked for cannot be done, in the same
        place under the control (a toast would cover it), until the next answer or key."""
        text = self.hint if refusal is None else refusal
        self._hint_line.show(text, refusal=refusal is not None)

    def _end_refusal(self) -> None:
        if self._hint_line.has_class("-refusal"):
            self._show_hint()

    def on_key(self, event: events.Key) -> None:
        # Keys a control has not kept for itself (arrows, Tab, ...) end a refusal; typing
        # into the answer box does it through `TextArea.Changed`.
        self._end_refusal()

    @on(TextArea.Changed)
    def _typed(self, event: TextArea.Changed) -> None:
        if event.text_area is not self._shown:
            return  # the hidden box emptied after an answer (`_after_answer_frame`)
        self._end_refusal()
        self.call_after_refresh(self._check_page_keys)

    def _check_page_keys(self) -> None:
        """PgUp/PgDn go to a control with more lines than it shows; the footer follows."""
        pages_itself = self._control_pages()
        if pages_itself != self._pages_itself:
            self._pages_itself = pages_itself
            self.refresh_bindings()

    def _control_pages(self) -> bool:
        focused = self.focused
        if focused is None or focused is not self._shown or not focused.size.height:
            return False  # a control not laid out yet has everything below its top to scroll
        return focused.max_scroll_y > 0

    def keys_state(self) -> object:
        """What the keys this screen shows depend on, besides the focus (`check_action`):
        the footer looks them up only for a state it has not shown before
        (`widgets.footer.keys_state`)."""
        prompt = self.prompt
        can = (prompt.can_back, prompt.can_skip) if prompt is not None else None
        return can, self._control_pages()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Back and Skip only where this question allows them; PgUp/PgDn as said above."""
        prompt = self.prompt
        if action in ("back", "skip"):
            return prompt is not None and getattr(prompt, f"can_{action}")
        if action == "refused":
            return prompt is not None and not getattr(prompt, f"can_{parameters[0]}")
        if action == "scroll_log":
            return not self._control_pages()
        return True

    def _finished(self) -> None:
        from coach.tui.screens.summary import SummaryScreen

        # The summary saves the finished conversation once it is on screen
        # (`CoachApp.save_finished`), the last answer with it.
        self.app.switch_screen(SummaryScreen(self.session))

    # -- answering -----------------------------------------------------------------------

    @staticmethod
    def _leader_line(
        text: str, turn: Turn | None, *, note: str = "", pick: bool = False
    ) -> LeaderSaid:
        """The leader's line, with what the coach understood of it (`Turn.understood`)."""
        understood = getattr(turn, "understood", None)
        return LeaderSaid(text, note=note, understood=understood, pick=pick)

    @staticmethod
    def _leader_turn(reply: Reply) -> Turn | None:
        return next((turn for turn in reply.turns if turn.role == "leader"), None)

    def _save_after_frame(self) -> None:
        """Save once the answer's frame is drawn: building the document and writing it (in
        a worker, which still holds the interpreter while it serialises) grow with the
        conversation, and would otherwise delay the next question. Until then the answer is
        in the session, which a pause or a closed terminal saves synchronously.

        Not `call_after_refresh`: Textual runs those callbacks when the screen is idle inside
        an `App.batch_update`, which `_show` awaits in, so the collection and the save ran
        before the answer's frame (bench/answer_latency.py: ~2 ms of every answer). The
        answer's frame is the first layout after it (the log grows), whose end Textual
        signals (`screen_layout_refresh_signal`, `_laid_out`)."""
        self._frame_due = True

    def _laid_out(self, screen: Screen[None]) -> None:
        if self._frame_due:
            self._frame_due = False
            self.call_later(self._after_answer_frame)

    def _after_answer_frame(self) -> None:
        # What the answer left for the garbage collector is collected here, while the leader
        # reads, and what outlives it (the new rows and records, the transcript's turns) is
        # frozen, as the app freezes the first screen: else the young generations fill up
        # across answers and a collection, a full one walking the whole conversation near
        # its end, lands inside a later answer's frame (bench/answer_latency.py measured a
        # full collection in 3 of 16 answers near turn 60, ~35 ms each). Frozen objects are
        # still freed by reference counting; only cycles that die later are kept.
        gc.collect(1)
        gc.freeze()
        self.coach_app.save_in_background()
        # The answer box hidden by this answer still holds the answer it sent; emptied now,
        # while the leader reads, it costs nothing in the frame that shows it again (~0.6 ms).
        box = self._controls.get("text")
        if isinstance(box, AnswerBox) and not box.display and box.text:
            box.clear()

    async def _send(self, text: str) -> None:
        pick = self.prompt is not None and self.prompt.kind in PICKS
        reply = self.session.answer(text)
        said = []
        if reply.turns:
            said.append(self._leader_line(text, self._leader_turn(reply), pick=pick))
            self._save_after_frame()
        await self._show(reply, said)

    @on(AnswerBox.Submitted)
    async def _answered(self, event: AnswerBox.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            skip = " Ctrl+N skips this one." if self.prompt and self.prompt.can_skip else ""
            self._show_hint(f"Take your time. A few words are enough.{skip}")
            return
        await self._send(event.value)

    # Handlers by name rather than `@on(...)`, which would import both controls up front.
    async def on_rating_bar_chosen(self, event: RatingBar.Chosen) -> None:
        event.stop()
        await self._send(str(event.value))

    async def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        await self._send(str(event.option_index + 1))

    async def action_back(self) -> None:
        reply = self.session.back()
        if reply.accepted:
            said = self._leader_line("", self._leader_turn(reply), note=NOTES["back"])
            self._save_after_frame()
            self.prompt = None  # the control may differ: rebuild it
            await self._show(reply, [said])
        elif reply.reason:
            self._show_hint(reply.reason)

    async def action_skip(self) -> None:
        reply = self.session.skip()
        if reply.accepted:
            # Skipping "by when?" still sets a due date; the engine says which.
            said = self._leader_line("", self._leader_turn(reply), note=NOTES["skip"])
            self._save_after_frame()
            await self._show(reply, [said])
        elif reply.reason:
            self._show_hint(reply.reason)

    async def action_refused(self, what: str) -> None:
        """Back or Skip where the question does not allow it: the engine says why."""
        if what == "back":
            await self.action_back()
        elif what == "skip":
            await self.action_skip()

    def action_scroll_log(self, pages: int) -> None:
        log = self.conversation
        if pages < 0:
            log.scroll_page_up(animate=False)
        else:
            log.scroll_page_down(animate=False)

    def action_pause(self) -> None:
        self.coach_app.pause()
