"""The dialogue: a state machine over a pack, driven by pulling prompts and giving answers.

The front end asks `current()` for the question, shows it, and passes what the leader typed to
`answer()`; the reply says whether the answer was taken, what the coach says next, and which
turns to save. `snapshot()` is plain data; `restore()` turns it back into the same dialogue.
No I/O, no clock and no randomness of its own: both are injected.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from coach.engine.conditions import Facts
from coach.engine.dates import Due, correct, default_due, parse_due, read_due
from coach.engine.errors import TemplateFailure, TemplateLimit
from coach.engine.pack import END, Option, Pack, Scale, Step, Suggestion
from coach.engine.textmatch import (
    concrete_detail,
    count_phrases,
    find_phrase,
    find_unnegated,
    match_choice,
    normalise,
    parse_number,
    phrase_regex,
)
from coach.engine.texts import Text, compile_text

SNAPSHOT_VERSION = 1
MAIN, PROBE, DUE, CONFIRM, OFFER = "main", "probe", "due", "confirm", "offer"
CONCRETE_SIGNALS = ("name", "number", "date")  # what makes one commitment sharper than another
QUOTE_CUTS = (1_000, 50)  # a text past a limit with the answers whole quotes them cut so


class _Unset:
    """Marks a variable that had no value before a step set it (not saved: see `_entry`)."""


_UNSET = _Unset()

Clock = Callable[[], datetime]


def _capitalised(name: str) -> str:
    """A lexicon word as a name is written ("friday" -> "Friday"); the rest is kept as is."""
    return name[:1].upper() + name[1:]


class RestoreError(ValueError):
    """A snapshot that cannot continue with this pack; the message says what to do."""


@dataclass(frozen=True, slots=True)
class Turn:
    """One line of the conversation, as saved in the transcript.

    `understood` is what the engine made of a leader's answer, in the pack's words, so a
    front end can say it back: the label of the option chosen, the scale's label of a
    rating, the due date of a commitment (the `due_noted` message) on the turn it became
    known. None when there was nothing to interpret, or nothing to add to the text.
    """

    n: int
    role: str
    step: str
    trait: str | None
    kind: str
    text: str
    at: str
    understood: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The turn as a transcript stores it; `understood` only when there is one, so
        transcripts written before it existed read the same."""
        data: dict[str, Any] = {
            "n": self.n,
            "role": self.role,
            "step": self.step,
            "trait": self.trait,
            "kind": self.kind,
            "text": self.text,
        }
        if self.understood is not None:
            data["understood"] = self.understood
        data["at"] = self.at
        return data


@dataclass(frozen=True, slots=True)
class SectionProgress:
    id: str
    title: str
    trait: str | None
    state: str  # done | current | todo


@dataclass(frozen=True, slots=True)
class Progress:
    answered: int
    total: int
    sections: tuple[SectionProgress, ...]

    @property
    def fraction(self) -> float:
        return min(1.0, self.answered / self.total) if self.total else 1.0


@dataclass(frozen=True, slots=True)
class Prompt:
    """What to ask now. `kind` picks the widget: ask (free text), rating, choice, commit.

    `options` are always in the pack's order, so a number means the same option every time;
    `suggested` is the id of the option the engine guessed (a classification's best match),
    for a front end to highlight or preselect, and None when there was no guess.
    """

    step: str
    kind: str
    stage: str
    text: str
    section: str
    section_title: str
    trait: str | None
    scale: Scale | None
    options: tuple[Option, ...]
    can_skip: bool
    can_back: bool
    progress: Progress
    suggested: str | None = None

    @property
    def is_followup(self) -> bool:
        return self.stage != MAIN


@dataclass(frozen=True, slots=True)
class Reply:
    """The engine's answer to an answer."""

    accepted: bool
    prompt: Prompt | None
    notes: tuple[str, ...] = ()
    reason: str | None = None
    turns: tuple[Turn, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionItem:
    id: str
    text: str
    trait: str | None
    due: str
    kind: str
    step: str
    turn: int | None = None
    status: str = "open"
    defaulted: bool = False  # the due date is the step's default: the leader named none

    def to_dict(self) -> dict[str, Any]:
        """The item as a transcript stores it; `source.defaulted` only when true, so files
        written before it existed read the same."""
        source: dict[str, Any] = {"kind": self.kind, "step": self.step}
        if self.turn is not None:
            source["turn"] = self.turn
        if self.defaulted:
            source["defaulted"] = True
        return {
            "id": self.id,
            "text": self.text,
            "trait": self.trait,
            "due": self.due,
            "status": self.status,
            "source": source,
        }


@dataclass(slots=True)
class _State:
    """Everything that changes. Plain data, so a snapshot is a deep copy of it."""

    seed: str
    participant: str | None
    at: str | None = None
    stage: str = MAIN
    prompt: dict[str, Any] = field(default_factory=dict)
    probes_used: int = 0
    fired: list[str] = field(default_factory=list)
    pending: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    followups: dict[str, list[str]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    vars: dict[str, Any] = field(default_factory=dict)
    answer_turns: dict[str, int] = field(default_factory=dict)
    history: list[dict[str, Any]] = field(default_factory=list)
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    guessed: list[str] = field(default_factory=list)  # classified steps kept at the best guess
    offers: dict[str, dict[str, Any]] = field(default_factory=dict)  # rule id -> the answer
    turn_count: int = 0
    finished: bool = False
    actions: list[dict[str, Any]] = field(default_factory=list)


class Dialogue:
    """One leader's way through a pack.

    Args:
        pack: a loaded pack.
        now: the clock; due dates are relative to it and turns are stamped with it.
        seed: picks text variants; same pack, answers, clock and seed give the same transcript.
        participant: the leader's name, if they gave one (available to templates).

    A pack text that goes past the template sandbox's limits (`coach.engine.texts`) only
    because of what the leader typed (a 2 MB paste quoted whole, say) is rendered again with
    every text it is given cut to 1,000 characters (then 50: `QUOTE_CUTS`), and ends with
    one sentence naming the pack file and step; the dialogue goes on, and `failures` keeps
    that sentence. A text that fails with short answers too is the pack's own fault, and
    raises `TemplateFailure` with that sentence, as any other template failure does.
    """

    def __init__(
        self, pack: Pack, now: Clock, seed: str = "", participant: str | None = None
    ) -> None:
        self.pack = pack
        self._now = now
        self._state = _State(seed=seed, participant=participant)
        self.log: list[Turn] = []
        self.pack_changed = False
        self._rating_steps = [s for s in pack.steps if s.kind == "rating" and s.trait]
        # A question asked only when its `when` holds counts once it is asked, as a probe
        # does not count at all: a leader who never sees it finishes at "23 of 23".
        self._conditional = frozenset(s.id for s in pack.steps if s.is_question and s.conditional)
        self._commit_steps = [s for s in pack.steps if s.kind == "commit"]
        self._offers = pack.offers
        self._due_cache: dict[tuple[str, date], date] = {}
        self._ratings_value: Mapping[str, int] | None = None
        self._stamp_value: str | None = None
        self._sections: dict[str, tuple[SectionProgress, ...]] = {}
        self._confirm_cache: dict[str, tuple[Option, ...]] = {}
        self._trait_texts: dict[str, Text] = {}
        self.failures: list[str] = []  # texts shown with the answers cut (see above)
        self._static = {
            "traits": {
                t.id: {"id": t.id, "title": t.title, "summary": t.summary} for t in pack.traits
            },
        }

    # -- the pull API -------------------------------------------------------------------

    def start(self) -> Reply:
        """Begin: say the opening statements and ask the first question."""
        self._begin_call()
        if self._state.at is not None or self._state.finished or self.log:
            raise RuntimeError("the dialogue has already started")
        turns: list[Turn] = []
        self._enter(0, turns)
        return self._reply(True, turns)

    def current(self) -> Prompt | None:
        """The question waiting for an answer, or None when the dialogue is over."""
        state = self._state
        if state.finished or state.at is None:
            return None
        step = self.pack.by_id[state.at]
        prompt = state.prompt
        options = step.options
        suggested = None
        if state.stage == CONFIRM:
            options = self._confirm_options(step)
            guess = state.pending.get("guess")
            if not state.pending.get("tied"):
                suggested = guess if any(o.id == guess for o in options) else None
        elif state.stage == OFFER:
            options = self._offer_options()
        kind = {PROBE: "ask", DUE: "ask", CONFIRM: "choice", OFFER: "choice"}.get(
            state.stage, step.kind
        )
        section = self.pack.section_by_id[step.section]
        return Prompt(
            step=step.id,
            kind=kind,
            stage=state.stage,
            text=prompt["text"],
            section=section.id,
            section_title=section.title,
            trait=step.trait,
            scale=step.scale if kind == "rating" else None,
            options=options if kind == "choice" else (),
            can_skip=step.skippable or state.stage != MAIN,
            can_back=bool(state.history) or state.stage != MAIN,
            progress=self._progress(step),
            suggested=suggested,
        )

    @property
    def finished(self) -> bool:
        return self._state.finished

    def answer(self, text: str) -> Reply:
        """Give the leader's answer to the current prompt.

        Never raises for anything a leader can type: an answer that cannot be used is
        rejected with a reason, and kept in the log verbatim.
        """
        self._begin_call()
        state = self._state
        if state.finished or state.at is None:
            return Reply(False, None, reason="The reflection is already complete.")
        step = self.pack.by_id[state.at]
        turns: list[Turn] = []
        if not text.strip():
            if state.stage == MAIN and step.kind == "rating":
                # A rating has one right shape, so say it, as for any answer off the scale.
                return self._reject(step, text, self._rating_reason(step), turns)
            reason = self._message("empty_answer")
            return Reply(False, self.current(), (reason,), reason)
        if state.stage == MAIN:
            return self._answer_main(step, text, turns)
        if state.stage == PROBE:
            understood = self._refine_commitment(step, text) if step.kind == "commit" else None
            self._leader(step, "answer", text, turns, understood)
            state.followups.setdefault(step.id, []).append(text)
            if self._probe(step, text, turns):
                return self._reply(True, turns)
            return self._after_probes(step, turns)
        if state.stage == DUE:
            if self._ask_again_for_past(step, text, turns):
                return self._reply(True, turns)
            understood = self._settle_due(step, text)
            self._leader(step, "answer", text, turns, understood)
            state.followups.setdefault(step.id, []).append(text)
            self._complete(step, turns)
            return self._reply(True, turns)
        if state.stage == OFFER:
            return self._answer_offer(step, text, turns)
        # CONFIRM
        options = self._confirm_options(step)
        labels = [(o.id, o.label) for o in options]
        picked = match_choice(text, labels)
        if len(picked) != 1 and step.classify is not None:
            picked = self._confirm_by_words(step.classify, text) or picked
        if len(picked) != 1:
            return self._reject(step, text, self._choice_reason(picked, labels), turns)
        chosen = options[picked[0]]
        self._leader(step, "answer", text, turns, chosen.label)
        assert step.classify is not None
        state.vars[step.classify.into] = chosen.id
        self._complete(step, turns, classified=True)
        return self._reply(True, turns)

    def skip(self) -> Reply:
        """Skip the current question, if the pack allows it; follow-ups can always be skipped."""
        self._begin_call()
        state = self._state
        if state.finished or state.at is None:
            return Reply(False, None, reason="The reflection is already complete.")
        step = self.pack.by_id[state.at]
        turns: list[Turn] = []
        if state.stage == MAIN and not step.skippable:
            reason = self._message("cannot_skip")
            return Reply(False, self.current(), (reason,), reason)
        # Skipping "by when?" makes the step's default the due date: say it back on the skip.
        understood = self._settle_due(step, "") if state.stage == DUE else None
        self._leader(step, "skip", "", turns, understood)
        if state.stage == MAIN:
            state.skipped.append(step.id)
            self._complete(step, turns, classified=True)
        elif state.stage == PROBE:
            self._after_probes(step, turns)
        elif state.stage == DUE:
            self._complete(step, turns)
        elif state.stage == OFFER:  # a skipped offer is declined
            self._decide_offer(step, False, turns)
        else:  # CONFIRM: keep the best guess, if there was one, and say so
            guess = state.pending.get("guess")
            if guess and step.classify:
                state.vars[step.classify.into] = guess
                state.guessed.append(step.id)
                label = next((c.label for c in step.classify.categories if c.id == guess), "")
                kept = self._message("guess_kept", guess=guess, guess_label=label)
                self._turn("coach", step, "statement", kept, turns)
            self._complete(step, turns, classified=True)
        return self._reply(True, turns)

    def back(self) -> Reply:
        """Go back to re-answer: the current question if part-answered, else the previous one.

        Nothing is removed from the log; the earlier answer is simply no longer used.
        """
        self._begin_call()
        state = self._state
        if state.finished:
            return Reply(False, None, reason="The reflection is already complete.")
        if state.at is None:  # pragma: no cover - only before start()
            raise RuntimeError("the dialogue has not started")
        turns: list[Turn] = []
        step = self.pack.by_id[state.at]
        # An offer not yet answered is where the step begins: back goes to the step before.
        fresh_offer = state.stage == OFFER and all(
            v["step"] != step.id for v in state.offers.values()
        )
        if state.stage == MAIN or fresh_offer:
            if not state.history:
                reason = self._message("cannot_go_back")
                return Reply(False, self.current(), (reason,), reason)
            entry = state.history.pop()
            for name in entry.get("unset", []):
                state.vars.pop(name, None)
            state.vars.update(entry["vars"])
            step = self.pack.by_id[entry["step"]]
        self._forget(step.id)
        self._leader(step, "back", "", turns)
        self._ask(step, turns)
        return self._reply(True, turns)

    # -- results ------------------------------------------------------------------------

    @property
    def answers(self) -> Mapping[str, Any]:
        return self._state.answers

    @property
    def variables(self) -> Mapping[str, Any]:
        return self._state.vars

    @property
    def participant(self) -> str | None:
        return self._state.participant

    def ratings(self) -> dict[str, int]:
        """Trait → the leader's self-rating (the first rating step of each trait's section)."""
        return dict(self._ratings())

    def _accepted(self) -> dict[str, list[str]]:
        """The suggestions the leader said yes to, by trait, in the order offered: a summary
        can tell a trait with a step the coach offered from one with none."""
        accepted: dict[str, list[str]] = {}
        for offer in self._state.offers.values():
            trait, text = offer.get("trait"), offer.get("text")
            if offer.get("accepted") and isinstance(trait, str) and isinstance(text, str):
                accepted.setdefault(trait, []).append(text)
        return accepted

    def _ratings(self) -> Mapping[str, int]:
        """Ratings, recomputed only after an answer changed (templates and conditions ask for
        them several times per answer)."""
        if self._ratings_value is None:
            answers = self._state.answers
            ratings: dict[str, int] = {}
            for step in self._rating_steps:
                value = answers.get(step.id)
                if isinstance(value, int) and step.trait and step.trait not in ratings:
                    ratings[step.trait] = value
            self._ratings_value = ratings
        return self._ratings_value

    def classification(self) -> dict[str, Any]:
        """The first classified answer (the loyalty question in the stock packs)."""
        for step in self.pack.steps:
            if step.classify:
                text = self._state.answers.get(step.id)
                follow = self._state.followups.get(step.id, [])
                answer = None
                if isinstance(text, str):
                    # What says nothing ("idk" before the real answer) is left out of the
                    # answer every report quotes; the turns keep every word.
                    said = [t for t in (text, *follow) if self._concreteness(t, None)[2]]
                    answer = "\n".join(said or [text, *follow])
                return {
                    "answer": answer,
                    "trait": self._state.vars.get(step.classify.into),
                    "guessed": step.id in self._state.guessed,
                }
        return {"answer": None, "trait": None, "guessed": False}

    def action_items(self) -> list[ActionItem]:
        """The action items as they stand: final once the dialogue has finished."""
        items = self._state.actions if self._state.finished else self._derive_actions()
        return [
            ActionItem(**{k: v for k, v in item.items() if k not in ("order", "rule")})
            for item in items
        ]

    @property
    def answered(self) -> int:
        return len(self._state.answers) + len(self._state.skipped)

    # -- snapshot -----------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """Plain data (str, int, list, dict, None) that `restore` turns back into this dialogue."""
        state = self._state
        data = {
            "v": SNAPSHOT_VERSION,
            "pack": {"id": self.pack.id, "version": self.pack.version, "sha256": self.pack.sha256},
        }
        for name in _State.__dataclass_fields__:
            data[name] = copy.deepcopy(getattr(state, name))
        return data

    @classmethod
    def restore(
        cls, pack: Pack, snapshot: Mapping[str, Any], now: Clock, log: Sequence[Turn] = ()
    ) -> Dialogue:
        """Continue a dialogue from `snapshot()` data.

        Raises:
            RestoreError: the snapshot is not for this pack, or stopped at a step the pack no
                longer has.
        """
        if snapshot.get("v") != SNAPSHOT_VERSION:
            raise RestoreError(
                f"the saved session uses snapshot version {snapshot.get('v')!r}, "
                f"this coach reads version {SNAPSHOT_VERSION}"
            )
        saved_pack = snapshot.get("pack") or {}
        if saved_pack.get("id") != pack.id:
            raise RestoreError(
                f"the session was started with the pack '{saved_pack.get('id')}', not '{pack.id}'"
            )
        fields = {
            k: copy.deepcopy(snapshot[k]) for k in _State.__dataclass_fields__ if k in snapshot
        }
        try:
            state = _State(**fields)
        except TypeError as exc:
            raise RestoreError(f"the saved session's snapshot is incomplete ({exc})") from None
        dialogue = cls(pack, now, state.seed, state.participant)
        dialogue._state = state
        dialogue.log = list(log)
        if saved_pack.get("sha256") != pack.sha256:
            dialogue.pack_changed = True
            if state.at is not None and state.at not in pack.by_id:
                raise RestoreError(
                    f"the pack changed since this session started and no longer has the step "
                    f"'{state.at}' where it stopped"
                )
            if state.at is not None:
                # Ask the current step afresh in the pack's new words.
                dialogue._forget(state.at)
                dialogue._ask(pack.by_id[state.at], [])
        return dialogue

    # -- internals ----------------------------------------------------------------------

    def _today(self) -> date:
        return self._now().date()

    def _stamp(self) -> str:
        """The time for this call's turns: read once per answer, so its turns share it."""
        if self._stamp_value is None:
            self._stamp_value = self._now().isoformat(timespec="seconds")
        return self._stamp_value

    def _begin_call(self) -> None:
        self._stamp_value = None
        self._ratings_value = None

    def _turn(
        self,
        role: str,
        step: Step,
        kind: str,
        text: str,
        turns: list[Turn],
        understood: str | None = None,
    ) -> None:
        self._state.turn_count += 1
        turn = Turn(
            self._state.turn_count,
            role,
            step.id,
            step.trait,
            kind,
            text,
            self._stamp(),
            understood,
        )
        self.log.append(turn)
        turns.append(turn)

    def _leader(
        self, step: Step, kind: str, text: str, turns: list[Turn], understood: str | None = None
    ) -> None:
        self._turn("leader", step, kind, text, turns, understood)
        if kind == "answer" and self._state.stage == MAIN:
            self._state.answer_turns[step.id] = self._state.turn_count

    def _context(self, step: Step | None, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        state = self._state
        section = None
        if step is not None:
            section = self.pack.section_by_id[step.section].title
        context: dict[str, Any] = {
            "participant": state.participant or "",
            "answers": state.answers,
            "followups": state.followups,
            "vars": state.vars,
            "ratings": self._ratings(),
            "accepted": self._accepted(),
            "section": section,
            **self._static,
        }
        if extra:
            context.update(extra)
        return context

    def _render(
        self,
        text: Text,
        step: Step | None,
        extra: Mapping[str, Any] | None = None,
        what: str | None = None,
        note: bool = True,
    ) -> str:
        """Render a pack text; see the class docstring for what happens past a limit.

        Args:
            what: where the text is, for the message (default: the step).
            note: end a text shown with answers cut with the sentence that says so (not
                for a variable's value or a trait id, which are data).

        Raises:
            TemplateFailure: one sentence naming the pack file and step (or message).
        """
        context = self._context(step, extra)
        place = what or (f"step '{step.id}'" if step else "a text")
        try:
            return text.render(context, self._state.seed)
        except TemplateLimit as exc:
            sentence = f"{self.pack.source}: template failed in {place}: {exc.reason}"
            for cut in QUOTE_CUTS:
                if not _longer(context, cut):
                    break  # nothing the leader typed is long: the pack's own fault
                try:
                    shown = text.render(_cut(context, cut), self._state.seed)
                except TemplateLimit:
                    continue
                except TemplateFailure:
                    break
                self.failures.append(f"{sentence}; coach quoted answers cut to {cut:,} characters")
                if not note:
                    return shown
                said = (
                    f"(Answers quoted here are cut to {cut:,} characters: "
                    f"{self.pack.source}, {place}: {exc.reason}.)"
                )
                return f"{shown}\n\n{said}" if shown else said
            raise TemplateFailure(sentence) from None
        except TemplateFailure as exc:
            raise TemplateFailure(
                f"{self.pack.source}: template failed in {place}: {exc}"
            ) from None

    def _message(self, key: str, **values: Any) -> str:
        return self._render(self.pack.messages[key], None, values, f"the message '{key}'")

    def _facts(self, current: Any = None, step: Step | None = None) -> Facts:
        state = self._state
        return Facts(
            answers=state.answers,
            skipped=state.skipped,
            vars=state.vars,
            ratings=self._ratings(),
            lexicon=self.pack.lexicon,
            current=current,
            current_step=step.id if step else None,
            followup=state.stage == PROBE,
            followups=state.followups,
        )

    def _enter(self, index: int, turns: list[Turn]) -> None:
        """Move to the step at `index`, saying statements and passing over steps whose
        `when` is false, until a question is waiting or the pack ends."""
        steps = self.pack.steps
        while index < len(steps):
            step = steps[index]
            if step.conditional and not step.when.holds(self._facts(step=step)):
                index += 1
                continue
            if step.kind == "say":
                self._state.at = step.id
                said = self._render(step.text, step)
                if said.strip():  # a statement that renders empty only sets its variables
                    self._turn("coach", step, "statement", said, turns)
                self._apply_set(step)
                target = self._branch(step)
                if target == END:
                    break
                index = self.pack.by_id[target].index if target else index + 1
                continue
            if step.kind == "offer" and not self._offer_queue(step):
                index += 1  # nothing to offer here: passed over, like a `when` that is false
                continue
            self._ask(step, turns)
            return
        self._finish()

    def _ask(self, step: Step, turns: list[Turn]) -> None:
        state = self._state
        state.at, state.stage = step.id, MAIN
        state.probes_used, state.fired, state.pending = 0, [], {}
        if step.kind == "offer":
            if not self._offer_queue(step):  # gone back to an offer that no longer applies
                self._complete(step, turns, classified=True)
                return
            self._offer_next(step, turns)
            return
        text = self._render(step.text, step)
        state.prompt = {"text": text}
        self._turn("coach", step, "question", text, turns)

    def _reply(self, accepted: bool, turns: list[Turn], reason: str | None = None) -> Reply:
        notes = tuple(
            t.text for t in turns if t.role == "coach" and t.kind in ("statement", "retry")
        )
        return Reply(accepted, self.current(), notes, reason, tuple(turns))

    def _reject(self, step: Step, text: str, reason: str, turns: list[Turn]) -> Reply:
        self._leader(step, "rejected", text, turns)
        self._turn("coach", step, "retry", reason, turns)
        return Reply(False, self.current(), (reason,), reason, tuple(turns))

    def _choice_reason(self, picked: list[int], labels: Sequence[tuple[str, str]]) -> str:
        if len(picked) > 1:
            names = " or ".join(f"'{labels[i][1]}'" for i in picked[:4])
            return self._message("choice_ambiguous", options=names)
        return self._message("choice_invalid")

    def _rating_reason(self, step: Step) -> str:
        assert step.scale is not None
        return self._message("rating_invalid", min=step.scale.min, max=step.scale.max)

    # -- offers: a suggestion is the leader's only once they say yes ------------------------

    def _offer_queue(self, step: Step) -> list[tuple[str, Suggestion, dict[str, Any] | None]]:
        """What `step` offers, in order: the suggestions of ratings answered so far, then the
        pack's insights whose rule holds now; each once in a session (by rule id)."""
        state = self._state
        # An offer in a trait's section offers that trait's items; elsewhere, all that wait.
        trait = self.pack.section_by_id[step.section].trait
        queue: list[tuple[str, Suggestion, dict[str, Any] | None]] = []
        rules = {rule.id: rule for s in self.pack.steps for rule in s.suggest}
        for item in state.suggestions:
            rule = rules.get(item.get("rule", ""))
            if rule is None or rule.id in state.offers or (trait and item["trait"] != trait):
                continue
            # Its `if` again, now: it may say "unless the commitment already does this".
            rated = self.pack.by_id.get(item["step"])
            if rated is not None and not rule.when.holds(
                self._facts(state.answers.get(rated.id), rated)
            ):
                continue
            queue.append((rule.id, rule, item))
        facts = self._facts(step=step)
        for rule in self.pack.action_rules:
            if rule.id in state.offers or (trait and rule.trait != trait):
                continue
            if rule.when.holds(facts):
                queue.append((rule.id, rule, None))
        return queue

    def _offer_options(self) -> tuple[Option, ...]:
        return (
            Option("yes", self._message("offer_yes")),
            Option("no", self._message("offer_no")),
        )

    def _offer_next(self, step: Step, turns: list[Turn]) -> None:
        state = self._state
        rule_id, rule, item = self._offer_queue(step)[0]
        text = item["text"] if item is not None else self._render(rule.text, None)
        if rule.offer is not None:
            question = self._render(rule.offer, None, {"suggestion": text})
        else:
            question = self._render(step.text, step, {"suggestion": text})
        if item is not None:
            trait = item.get("trait")
        else:  # an insight's trait may be a template: the section's own trait, if any
            trait = self.pack.section_by_id[step.section].trait
            trait = trait or (rule.trait if rule.trait and "{" not in rule.trait else None)
        state.stage = OFFER
        state.pending = {"offer": rule_id, "text": text, "trait": trait}
        state.prompt = {"text": question}
        self._turn("coach", step, "question", question, turns)

    def _answer_offer(self, step: Step, text: str, turns: list[Turn]) -> Reply:
        """Yes or no to an offered suggestion: an option, or the lexicon's agree and decline
        words ("sure", "no thanks"; "not sure" is neither and is asked again)."""
        lexicon = self.pack.lexicon
        options = self._offer_options()
        picked = match_choice(text, [(o.id, o.label) for o in options])
        accepted: bool | None = options[picked[0]].id == "yes" if len(picked) == 1 else None
        if accepted is None:
            agree = find_unnegated(text, list(lexicon.agree), lexicon, prefix=False)
            decline = find_phrase(text, list(lexicon.decline), prefix=False)
            if bool(agree) != bool(decline):
                accepted = bool(agree)
        if accepted is None:
            if not self._state.pending.get("unclear"):
                self._state.pending["unclear"] = True
                return self._reject(step, text, self._message("offer_invalid"), turns)
            accepted = False  # asked once: a second unclear answer is no yes, and we move on
        self._leader(step, "answer", text, turns, options[0 if accepted else 1].label)
        self._decide_offer(step, accepted, turns)
        return self._reply(True, turns)

    def _decide_offer(self, step: Step, accepted: bool, turns: list[Turn]) -> None:
        state = self._state
        pending = state.pending
        state.offers[pending["offer"]] = {
            "step": step.id, "accepted": accepted,
            "text": pending.get("text"), "trait": pending.get("trait"),
        }  # fmt: skip
        if self._offer_queue(step):
            self._offer_next(step, turns)
            return
        state.stage, state.pending = MAIN, {}
        self._complete(step, turns, classified=True)

    def _confirm_by_words(self, classify: Any, text: str) -> list[int]:
        """The confirmation answered in words ("loyalty", "none of them really"): the option
        whose keywords, or the longer words of its label, the answer names most. Several when
        they are named equally (the answer is asked again, naming them); none when none is."""
        fillers = set(self.pack.lexicon.fillers)
        scores = []
        for option in classify.options:
            words = [w for w in normalise(option.label).split() if len(w) >= 4 and w not in fillers]
            scores.append(count_phrases(text, [*option.keywords, *words]))
        top = max(scores, default=0)
        best = [i for i, score in enumerate(scores) if score == top]
        return best if top > 0 else []

    def _confirm_options(self, step: Step) -> tuple[Option, ...]:
        """A classification's categories as the options of its confirmation, in the pack's
        order (never the engine's ranking: a number always means the same category, and a
        snapshot that saved another order still answers right)."""
        options = self._confirm_cache.get(step.id)
        if options is None:
            categories = step.classify.options if step.classify else ()
            options = self._confirm_cache[step.id] = tuple(
                Option(c.id, c.label) for c in categories
            )
        return options

    def _due_noted(self, due: date, key: str = "due_noted") -> str:
        """A date message (`due_noted`, `due_defaulted`, `due_past`) for a date, in the pack's
        own day and month names."""
        lexicon = self.pack.lexicon
        return self._message(
            key,
            date=due.isoformat(),
            weekday=_capitalised(lexicon.weekdays[due.weekday()]),
            month=_capitalised(lexicon.months[due.month - 1]),
            day=due.day,
        )

    def _answer_main(self, step: Step, text: str, turns: list[Turn]) -> Reply:
        state = self._state
        value: Any = text
        understood: str | None = None
        if step.kind == "rating":
            assert step.scale is not None
            number = parse_number(text, self.pack.lexicon)
            low, high = step.scale.min, step.scale.max
            if number is None or number != int(number) or not low <= number <= high:
                return self._reject(step, text, self._rating_reason(step), turns)
            value = int(number)
            understood = step.scale.labels.get(value)
        elif step.kind == "choice":
            labels = [(o.id, o.label) for o in step.options]
            picked = match_choice(text, labels)
            if len(picked) != 1:
                return self._reject(step, text, self._choice_reason(picked, labels), turns)
            value = step.options[picked[0]].id
            understood = step.options[picked[0]].label
        elif step.kind == "commit":
            value = {"action": text, "due": None, "when": None}
            understood = self._take_due(value, read_due(text, self._today(), self.pack.lexicon))
        self._leader(step, "answer", text, turns, understood)
        state.answers[step.id] = value
        self._ratings_value = None
        if step.kind == "choice":
            self._complete(step, turns)
            return self._reply(True, turns)
        if self._probe(step, value if step.kind == "rating" else text, turns):
            return self._reply(True, turns)
        return self._after_probes(step, turns)

    def _probe(self, step: Step, current: Any, turns: list[Turn]) -> bool:
        state = self._state
        if state.probes_used >= step.probe_budget:
            return False
        facts = self._facts(current, step)
        for rule in step.probes:
            if rule.id in state.fired:
                continue
            facts.found.clear()
            if not rule.when.holds(facts):
                continue
            extra = {"last": current if isinstance(current, str) else str(current)}
            extra["hedge"] = facts.found.get("hedge", "")
            extra["hedge_said"] = facts.found.get("hedge_said", "")
            extra["match"] = facts.found.get("match", "")
            text = self._render(rule.text, step, extra)
            state.fired.append(rule.id)
            state.probes_used += 1
            state.stage = PROBE
            state.prompt = {"text": text}
            self._turn("coach", step, "probe", text, turns)
            return True
        return False

    def _take_due(self, value: dict[str, Any], found: Due | None) -> str | None:
        """Set a commitment's due date from what the leader said, if it is one to come.

        A date already gone by is not taken (never rolled a year on): it is remembered, so
        "by when?" says it back. Returns the `due_noted` line when the date was taken.
        """
        if found is None:
            return None
        if found.past:
            self._state.pending["past"] = found.when.isoformat()
            return None
        value["due"], value["when"] = found.when.isoformat(), found.words
        value.pop("defaulted", None)
        self._state.pending.pop("past", None)
        return self._due_noted(found.when)

    def _concreteness(self, text: str, found: Due | None) -> tuple[int, int, int]:
        """How concrete a commitment is: (signals, unhedged, content words).

        Signals are a named person, a number and a date (`concrete_detail`); content words
        are the words left when the lexicon's fillers and hedges and the timeframe are
        taken out ("ok", "idk", "no", "by Friday" have none: no commitment on their own).
        """
        lexicon = self.pack.lexicon
        folded = correct(normalise(text), lexicon) if len(text) <= 1_000 else normalise(text)
        if found is not None:
            folded = folded.replace(normalise(found.words), " ", 1)
        hedges = phrase_regex(lexicon.hedges, False)
        hedged = bool(hedges and hedges.search(folded))
        if hedges is not None:
            folded = hedges.sub(" ", folded)
        fillers = phrase_regex(lexicon.fillers + lexicon.relative.get("by", ()), False)
        if fillers is not None:
            folded = fillers.sub(" ", folded)
        content = len(_CONTENT.findall(folded))
        if content == 0:
            return 0, 0, 0
        signals = sum(
            1
            for signal in CONCRETE_SIGNALS
            if concrete_detail(text, lexicon, (signal,)) is not None
        )
        return signals, int(not hedged), content

    def _refine_commitment(self, step: Step, text: str) -> str | None:
        """The commitment is the most concrete thing the leader said for the step: a reply to
        a probe replaces the first answer when it is more concrete (a named person, a number,
        a date; else unhedged; else longer), and a reply of only fillers, hedges or a
        timeframe ("no idea", "by Friday") keeps it and gives at most the due date.

        Returns:
            The `due_noted` line when the reply gave the due date, else None.
        """
        value = self._state.answers.get(step.id)
        if not isinstance(value, dict):
            return None
        today, lexicon = self._today(), self.pack.lexicon
        found = read_due(text, today, lexicon)
        mine = self._concreteness(text, found)
        first = value["action"]
        theirs = self._concreteness(first, read_due(first, today, lexicon))
        if mine[2] and mine > theirs:
            value["action"] = text
        if not mine[2] and not theirs[2]:
            return None  # "idk", then "nxt week": a date alone is no step, so none is said back
        return self._take_due(value, found)

    def _after_probes(self, step: Step, turns: list[Turn]) -> Reply:
        state = self._state
        if step.kind == "commit":
            value = state.answers.get(step.id)
            if isinstance(value, dict) and not self._concreteness(value["action"], None)[2]:
                # "ok", "idk", "no" even after the probe: no commitment, and no "by when?"
                value["due"], value["when"], value["committed"] = None, None, False
                value.pop("defaulted", None)
                self._turn("coach", step, "statement", self._message("no_commitment"), turns)
                self._complete(step, turns)
                return self._reply(True, turns)
            if isinstance(value, dict) and value.get("due") is None:
                text = (
                    self._render(step.ask_due, step) if step.ask_due else self._message("ask_due")
                )
                past = state.pending.get("past")
                if past:  # "12 Dec" said on 19 Dec: say so, then ask
                    gone = self._due_noted(date.fromisoformat(past), "due_past")
                    text = f"{gone} {text}"
                state.stage = DUE
                state.prompt = {"text": text}
                self._turn("coach", step, "due", text, turns)
                return self._reply(True, turns)
        self._complete(step, turns)
        return self._reply(True, turns)

    def _ask_again_for_past(self, step: Step, text: str, turns: list[Turn]) -> bool:
        """A date already gone by, given to "by when?": said back and asked once more, never
        rolled on a year or swapped for the default in silence ("Fri 20 Nov has already gone
        by. By when …?"). A second date gone by gets the default, said as the coach's."""
        state = self._state
        found = read_due(text, self._today(), self.pack.lexicon)
        if found is None or not found.past or state.pending.get("past_asked"):
            return False
        self._leader(step, "answer", text, turns)
        state.followups.setdefault(step.id, []).append(text)
        state.pending["past_asked"] = True
        ask = self._render(step.ask_due, step) if step.ask_due else self._message("ask_due")
        again = f"{self._due_noted(found.when, 'due_past')} {ask}"
        state.prompt = {"text": again}
        self._turn("coach", step, "due", again, turns)
        return True

    def _settle_due(self, step: Step, text: str) -> str | None:
        """The answer to "by when?": its timeframe, or, when it has none (or only a date gone
        by), the step's default, said back and recorded as chosen by the coach: `when` is
        None and `defaulted` true.

        Returns:
            The `due_noted` line for the date the leader gave, or the `due_defaulted` line
            (None only without a commitment).
        """
        value = self._state.answers.get(step.id)
        if not isinstance(value, dict):
            return None
        today = self._today()
        found = read_due(text, today, self.pack.lexicon) if text else None
        if found is not None and not found.past:
            return self._take_due(value, found)
        default = parse_due(step.default_due, today, self.pack.lexicon)
        when = default[0] if default else default_due(today)
        value["due"], value["when"], value["defaulted"] = when.isoformat(), None, True
        return self._due_noted(when, "due_defaulted")

    def _classify(self, step: Step, turns: list[Turn]) -> bool:
        """Sort the answer into a category; True when a confirmation question is now asked."""
        classify = step.classify
        state = self._state
        if classify is None:
            return False
        if classify.into in state.vars:
            state.pending["before"] = state.vars[classify.into]
        text = " ".join([str(state.answers.get(step.id, "")), *state.followups.get(step.id, [])])
        scores = [
            (count_phrases(text, c.keywords), -i, c.id) for i, c in enumerate(classify.categories)
        ]
        ranked = sorted(scores, reverse=True)
        top, second = ranked[0][0], ranked[1][0] if len(ranked) > 1 else 0
        guess = ranked[0][2] if top > 0 else None
        clear = top >= classify.strong and top > second
        if clear and classify.confirm != "always":
            state.vars[classify.into] = guess
            return False
        candidates = [c for score, _, c in ranked if score > 0]
        labels = {c.id: c.label for c in classify.categories}
        # In the pack's order, as the leader will see them: "he showed me how ... and he always
        # had my back" ties two traits, and a coach names both.
        score_of = {cid: score for score, _, cid in scores}
        tied = [c.label for c in classify.categories if top > 0 and score_of[c.id] == top]
        extra = {
            "guess": guess,
            "guess_label": labels.get(guess, "") if guess else "",
            "candidates": [labels[c] for c in candidates],
            "tied": tied if len(tied) > 1 else [],
            "clear": clear,
        }
        text_out = self._render(classify.text, step, extra)
        state.stage = CONFIRM
        state.pending["guess"] = guess
        # A text that names a tie ("I hear both ... Which?") suggests neither of them.
        state.pending["tied"] = len(tied) > 1 and "tied" in classify.text.names
        # `options` in the pack's order, for readers of snapshots that still take the order
        # from here; this engine always takes it from the pack (`_confirm_options`).
        state.prompt = {"text": text_out, "options": [c.id for c in classify.options]}
        self._turn("coach", step, "confirm", text_out, turns)
        return True

    def _complete(self, step: Step, turns: list[Turn], classified: bool = False) -> None:
        """The step is answered: classify, set variables, attach suggestions, move on."""
        state = self._state
        if not classified and self._classify(step, turns):
            return
        before: dict[str, Any] = {name: state.vars.get(name, _UNSET) for name in step.set}
        if step.classify:
            # The classification already ran; its previous value is what back() restores.
            before[step.classify.into] = state.pending.get("before", _UNSET)
        entry: dict[str, Any] = {"step": step.id, "vars": {}, "unset": []}
        for name, old in before.items():
            self._remember(entry, name, old)
        state.history.append(entry)
        if step.id not in state.skipped:
            self._apply_set(step)
            if step.kind == "rating":
                self._suggest(step)
        target = self._branch(step)
        if target == END:
            self._finish()
            return
        self._enter(self.pack.by_id[target].index if target else step.index + 1, turns)

    def _apply_set(self, step: Step) -> None:
        state = self._state
        for name, value in step.set.items():
            entry = state.history[-1] if state.history else None
            remembered = entry is not None and (name in entry["vars"] or name in entry["unset"])
            if entry is not None and step.kind == "say" and not remembered:
                self._remember(entry, name, state.vars.get(name, _UNSET))
            if isinstance(value, Text):
                value = self._render(
                    value, step, what=f"'set: {name}' of step '{step.id}'", note=False
                )
            state.vars[name] = value

    @staticmethod
    def _remember(entry: dict[str, Any], name: str, old: Any) -> None:
        """Note a variable's value before a step changed it, for back()."""
        if isinstance(old, _Unset):
            entry["unset"].append(name)
        else:
            entry["vars"][name] = copy.deepcopy(old)

    def _branch(self, step: Step) -> str | None:
        facts = self._facts(self._state.answers.get(step.id), step)
        for branch in step.next:
            if branch.when.holds(facts):
                return branch.goto
        return None

    def _suggest(self, step: Step) -> None:
        value = self._state.answers.get(step.id)
        for rule in step.suggest:
            if rule.when.holds(self._facts(value, step)):
                self._state.suggestions.append(self._rule_item(rule, step, "suggestion"))

    def _rule_item(self, rule: Suggestion, step: Step | None, kind: str) -> dict[str, Any]:
        due = self._due_from(rule.due)
        trait = rule.trait
        if trait and "{" in trait:
            template = self._trait_texts.get(trait)
            if template is None:
                template = self._trait_texts[trait] = compile_text(self.pack.environment, trait)
            trait = (
                self._render(template, step, what=f"the trait of rule '{rule.id}'", note=False)
                or None
            )
        return {
            "text": self._render(rule.text, step),
            "trait": trait,
            "due": due.isoformat(),
            "kind": kind,
            "step": step.id if step else rule.id,
            "order": step.index if step else len(self.pack.steps),
            "rule": rule.id,
        }

    def _due_from(self, phrase: str) -> date:
        """A pack's due phrase ("in 1 week") as a date; the same few phrases recur, so the
        parse is cached per day."""
        today = self._today()
        key = (phrase, today)
        due = self._due_cache.get(key)
        if due is None:
            found = parse_due(phrase, today, self.pack.lexicon)
            due = self._due_cache[key] = found[0] if found else default_due(today)
        return due

    def _forget(self, step_id: str) -> None:
        state = self._state
        self._ratings_value = None
        state.answers.pop(step_id, None)
        state.followups.pop(step_id, None)
        state.answer_turns.pop(step_id, None)
        if step_id in state.skipped:
            state.skipped.remove(step_id)
        if step_id in state.guessed:
            state.guessed.remove(step_id)
        state.offers = {k: v for k, v in state.offers.items() if v["step"] != step_id}
        state.suggestions = [s for s in state.suggestions if s["step"] != step_id]
        state.stage, state.pending, state.fired, state.probes_used = MAIN, {}, [], 0

    def _finish(self) -> None:
        state = self._state
        state.finished = True
        state.at = None
        state.stage = MAIN
        state.prompt = {}
        state.actions = self._derive_actions()

    def _derive_actions(self) -> list[dict[str, Any]]:
        """Commitments, then insights, then suggestions; deduplicated, capped, ordered."""
        state = self._state
        pack = self.pack
        candidates: list[dict[str, Any]] = []
        for step in self._commit_steps:
            value = state.answers.get(step.id)
            if isinstance(value, dict) and value.get("due") and value.get("committed", True):
                candidates.append(
                    {
                        "text": value["action"],
                        "trait": step.trait,
                        "due": value["due"],
                        "kind": "commitment",
                        "step": step.id,
                        "turn": state.answer_turns.get(step.id),
                        "order": step.index,
                        "defaulted": bool(value.get("defaulted")),
                    }
                )
        facts = self._facts()
        # In a pack with `offer` steps, a suggestion or insight is an item only once accepted.
        said_yes = {k for k, v in state.offers.items() if v.get("accepted")}
        for rule in pack.action_rules:
            if (not self._offers or rule.id in said_yes) and rule.when.holds(facts):
                candidates.append(self._rule_item(rule, None, rule.kind))
        candidates.extend(
            dict(s) for s in state.suggestions if not self._offers or s.get("rule") in said_yes
        )
        priority = {"commitment": 0, "insight": 1, "suggestion": 2}
        candidates.sort(key=lambda c: priority[c["kind"]])
        seen: set[str] = set()
        kept = []
        for item in candidates:
            key = " ".join(normalise(item["text"]).split())
            if key in seen:
                continue
            seen.add(key)
            kept.append(item)
        kept = kept[: pack.actions_max]
        if pack.actions_order == "due":
            kept.sort(key=lambda c: (c["due"], priority[c["kind"]], c["order"]))
        else:
            kept.sort(key=lambda c: (c["order"], priority[c["kind"]]))
        return [
            {**item, "id": f"a{i}", "turn": item.get("turn")}
            for i, item in enumerate(kept, start=1)
        ]

    def _progress(self, step: Step) -> Progress:
        sections = self._sections.get(step.section)
        if sections is None:
            built, seen_current = [], False
            for section in self.pack.sections:
                if section.id == step.section:
                    state, seen_current = "current", True
                else:
                    state = "todo" if seen_current else "done"
                built.append(SectionProgress(section.id, section.title, section.trait, state))
            sections = self._sections[step.section] = tuple(built)
        return Progress(self.answered, self.questions(step.id), sections)

    def questions(self, asking: str | None = None) -> int:
        """How many questions the session has: the pack's, but a question with a `when`
        only once it is asked (`asking`, the step asked now) or answered: a leader who never
        sees it finishes at "23 of 23"."""
        total = self.pack.question_count
        if self._conditional:
            asked = {asking, *self._state.answers, *self._state.skipped}
            total -= len(self._conditional - asked)
        return total


_CONTENT = re.compile(r"[^\W_]+")


def _longer(value: Any, cut: int) -> bool:
    """Whether any text in a template's values is longer than `cut` characters."""
    if isinstance(value, str):
        return len(value) > cut
    if isinstance(value, dict):
        return any(_longer(item, cut) for item in value.values())
    if isinstance(value, list | tuple):
        return any(_longer(item, cut) for item in value)
    return False


def _cut(value: Any, cut: int) -> Any:
    """A template's values with every text longer than `cut` characters cut there, with "…"."""
    if isinstance(value, str):
        return value if len(value) <= cut else value[:cut] + "…"
    if isinstance(value, dict):
        return {key: _cut(item, cut) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_cut(item, cut) for item in value)
    return value
