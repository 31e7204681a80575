"""A running reflection, from its lock to its last line: the one owner of a session's life.

Every front end (the line mode, the TUI, later the review and the retro) drives a `Session`:
it takes the session's lock when the session begins or resumes and holds it until the session
is paused or finished; it saves after every answer; it runs the check-in on earlier
commitments, builds the summary, finalises the action items and writes the Markdown copy. The
front ends only draw what it returns, so they cannot disagree.
"""

from __future__ import annotations

import contextlib
import os
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from coach import checkin as checkins
from coach.catalog import PackFile, find_pack, read_pack
from coach.checkin import Question, due_words
from coach.clock import clock_from
from coach.engine import Dialogue, PackError, Reply, RestoreError, TemplateFailure, Turn
from coach.store import SessionBusy, SessionLock, SessionStore, StoreError
from coach.transcript import (
    ActionItem,
    CheckinRecord,
    Draft,
    FieldReader,
    Loyalty,
    PackRef,
    RetroTag,
    Transcript,
    action_item,
    parse,
)

Clock = Callable[[], datetime]

_ID_TRIES = 20

_joining: RetroTag | None = None


def join_retro(tag: RetroTag | None) -> None:
    """Make every session this process begins from now on part of a team retro (`coach
    reflect --retro ID` sets it before the app starts, so the app's own start screen, which
    asks for the name, begins the session as usual); None stops it."""
    global _joining
    _joining = tag


class SessionError(Exception):
    """A session that cannot start or continue; the message is one sentence for the user."""


def clock_from_env(env: Mapping[str, str] = os.environ) -> Clock:
    """`COACH_NOW=2026-11-28T09:00:00+00:00` freezes the clock, for tests and demos.

    Raises:
        SessionError: the value is not an ISO 8601 time with an offset.
    """
    try:
        return clock_from(env)
    except ValueError as exc:
        raise SessionError(str(exc)) from None


def rng_from_env(env: Mapping[str, str] = os.environ) -> random.Random:
    """Random for session ids and text variants; seeded when the clock is frozen."""
    seed = env.get("COACH_SEED") or env.get("COACH_NOW")
    return random.Random(seed) if seed else random.Random()


# -- what the session hands its front ends -----------------------------------------------


@dataclass(frozen=True, slots=True)
class RatingRow:
    """One trait on the summary: the leader's rating, or None when it was skipped."""

    trait: str
    title: str
    value: int | None
    top: int

    @property
    def bar(self) -> str:
        if self.value is None:
            return "skipped"
        return "█" * self.value + "░" * max(0, self.top - self.value)

    @property
    def score(self) -> str:
        return "" if self.value is None else f"{self.value}/{self.top}"


@dataclass(frozen=True, slots=True)
class Summary:
    """The end of a reflection, as every front end shows it."""

    closing: tuple[str, ...]
    ratings: tuple[RatingRow, ...]
    loyalty: str
    action_items: tuple[ActionItem, ...]
    titles: Mapping[str, str]
    followed: str = ""  # how the check-in went: "You followed through on 2 of 3 …"

    def trait_title(self, trait: str | None) -> str:
        return self.titles.get(trait, trait) if trait else ""


@dataclass(frozen=True, slots=True)
class Ending:
    """How a session was left, and the lines that tell the leader where everything is."""

    status: str  # complete | paused | discarded
    session_id: str
    path: Path | None
    export: Path | None = None
    problem: str | None = None  # something that went wrong without losing anything
    retro: Path | None = None  # the retro folder a contribution was written to

    def lines(self) -> list[str]:
        """The same words after every way out, in every front end. A path always ends its
        line, so copying it never picks up a full stop."""
        if self.status == "discarded":
            return ["Nothing was answered, so nothing was kept."]
        if self.status == "complete":
            lines = [f"Saved to {self.path}"]
            if self.export is not None:
                lines.append(f"Markdown: {self.export}")
            if self.retro is not None:
                lines.append(f"Your contribution to the retro is in {self.retro}")
            if self.problem is not None:
                lines.append(self.problem)
            return [*lines, f"Read it again with: coach show {self.session_id}"]
        return [
            f"Paused. Everything you wrote is saved in {self.path}",
            f"Resume with: coach resume {self.session_id}",
        ]


# -- the session ---------------------------------------------------------------------------


@dataclass
class Session:
    """One leader's reflection, its file and its lock."""

    store: SessionStore
    dialogue: Dialogue
    pack_file: PackFile
    id: str
    started_at: str
    clock: Clock
    lock: SessionLock | None = None
    warnings: list[str] = field(default_factory=list)
    path: Path | None = None
    draft: Draft | None = None
    checkin: tuple[CheckinRecord, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # keys this coach does not know
    nested: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # the same, inside
    turn_extra: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    autosave: bool = True  # the TUI saves from a worker thread instead
    edited_actions: tuple[ActionItem, ...] | None = None  # the leader's edits on the summary
    ending: Ending | None = None
    resumed: bool = False
    retro: RetroTag | None = None  # a session run for a team retro
    # The turns as plain data so far: a turn never changes once said, so each save converts
    # only the new ones (a session of thousands of lines saves in time linear in its length).
    _turn_docs: list[dict[str, Any]] = field(default_factory=list, init=False, repr=False)
    _plan: checkins.Plan | None = field(default=None, init=False, repr=False)

    @classmethod
    def begin(
        cls,
        store: SessionStore,
        pack_file: PackFile,
        clock: Clock,
        rng: random.Random,
        name: str | None = None,
        save: bool = True,
        retro: RetroTag | None = None,
    ) -> tuple[Session, Reply]:
        """Start a new reflection under its own lock, saved at once (unless told otherwise) so
        even the first answer has a home.

        Args:
            save: False leaves the first save to the caller: the TUI draws the first question
                first and saves right after (nothing has been answered yet to lose).
            retro: The team retro this session is for: when it is finished, its
                contribution goes to the retro folder (`coach.retro.join`).

        Raises:
            StoreError: The folder cannot be written, or no free id could be locked.
        """
        now = clock()
        store.ensure_writable()
        for _ in range(_ID_TRIES):
            session_id = store.new_id(now, rng)
            try:
                lock = store.acquire(session_id)
            except SessionBusy:  # another process is starting the same id right now
                continue
            if not store.path_for(session_id).exists():
                break
            lock.release()
        else:
            raise StoreError(store.root, "cannot find a free session id; try again")
        dialogue = Dialogue(pack_file.pack, clock, seed=session_id, participant=name or None)
        retro = retro if retro is not None else _joining
        session = cls(store, dialogue, pack_file, session_id, _iso(now), clock, lock, retro=retro)
        session.path = store.path_for(session_id)
        try:
            reply = dialogue.start()
            if save:
                session.save()
        except BaseException:
            lock.release()
            raise
        return session, reply

    @classmethod
    def resume(
        cls, store: SessionStore, ref: str | None, clock: Clock, pack_dirs: list[Path]
    ) -> Session:
        """Continue a saved reflection (by id, prefix or path, or the latest unfinished one),
        locked for this process before its file is read.

        Raises:
            SessionError: nothing to resume, the session is complete, or its pack is gone.
            SessionBusy: another coach process has it open.
            StoreError: the session file cannot be read, or is not a valid transcript.
        """
        if ref is None:
            latest = store.latest_unfinished()
            if latest is None:
                raise SessionError(
                    f"there is no unfinished session in {store.root}; start one with 'coach'"
                )
            ref = latest.id
        path = store.resolve(ref)
        # The lock is the id's, in this folder, where every save of it goes: a copy of the
        # session given by path, or a file under another name, must not get past it.
        session_id = parse(store.load_header(path), path).id
        lock = store.acquire(session_id)
        try:
            home = store.path_for(session_id)
            if path.absolute() != home.absolute() and home.exists() and not path.samefile(home):
                raise SessionError(
                    f"{path} holds session {session_id}, which is already in {store.root}; "
                    f"resume that one with 'coach resume {session_id}'"
                )
            return cls._open(store, path, clock, pack_dirs, lock)
        except BaseException:
            lock.release()
            raise

    @classmethod
    def _open(
        cls, store: SessionStore, path: Path, clock: Clock, pack_dirs: list[Path], lock: SessionLock
    ) -> Session:
        saved = parse(store.load(path), path)
        if saved.complete:
            raise SessionError(
                f"session {saved.id} is already complete; read it with 'coach show {saved.id}'"
            )
        if saved.shared is not None:
            raise SessionError(
                f"session {saved.id} is a copy shared with a coach: it can be read "
                f"('coach show {saved.id}'), not resumed"
            )
        if saved.snapshot is None:
            raise SessionError(f"session {saved.id} has no snapshot to resume from")
        pack_file = _pack_for(saved.pack, pack_dirs)
        _check_snapshot(saved.snapshot, Dialogue(pack_file.pack, clock, seed="").snapshot(), path)
        turns = [
            Turn(t.n, t.role, t.step, t.trait, t.kind, t.text, t.at, t.understood)
            for t in saved.turns
        ]
        try:
            dialogue = Dialogue.restore(pack_file.pack, saved.snapshot, clock, turns)
            # A hand-edited snapshot shows its damage here, not at the leader's next answer.
            dialogue.current()
            dialogue.ratings()
            dialogue.classification()
            dialogue.action_items()
            dialogue.snapshot()
        except (RestoreError, KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            reason = exc if isinstance(exc, RestoreError) else "its snapshot is damaged"
            raise SessionError(
                f"session {saved.id} cannot resume: {reason}; it can still be read with "
                f"'coach show {saved.id}'"
            ) from None
        session = cls(
            store, dialogue, pack_file, saved.id, saved.started_at, clock, lock,
            path=path, draft=saved.draft, checkin=saved.checkin, extra=dict(saved.extra),
            nested=saved.nested, turn_extra=saved.turn_extra, resumed=True, retro=saved.retro,
        )  # fmt: skip
        if dialogue.pack_changed:
            session.warnings.append(
                f"the pack '{pack_file.pack.id}' changed since this session started; "
                "continuing from the question you stopped at"
            )
        return session

    # -- driving the dialogue, saving after each step -------------------------------------

    def answer(self, text: str) -> Reply:
        return self._saved(self._engine(self.dialogue.answer, text))

    def skip(self) -> Reply:
        return self._saved(self._engine(self.dialogue.skip))

    def back(self) -> Reply:
        return self._saved(self._engine(self.dialogue.back))

    def _engine(self, step: Callable[..., Reply], *args: str) -> Reply:
        """Call the engine. It never raises for anything a leader types; a resumed session
        whose saved state was damaged by hand can still make it, and then the leader gets one
        sentence and the file keeps everything saved before."""
        try:
            return step(*args)
        except TemplateFailure:
            # The pack itself failed (its text, not the leader's): keep what was said so far.
            with contextlib.suppress(StoreError):
                self.save()
            raise
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
            if not self.resumed:
                raise
            raise SessionError(
                f"session {self.id} cannot go on: its saved state is damaged "
                f"({type(exc).__name__}); everything saved before is kept and can be read "
                f"with 'coach show {self.id}'"
            ) from None

    def _saved(self, reply: Reply) -> Reply:
        if reply.accepted:
            self.draft = None  # what was being typed has now been said
        if reply.turns and self.autosave:
            self.save()
        return reply

    @property
    def status(self) -> str:
        return "complete" if self.dialogue.finished else "in_progress"

    def save(self) -> Path:
        """Write the whole transcript atomically (the store's temp file + fsync + replace)."""
        self.path = self.store.save(self.to_doc())
        return self.path

    def to_transcript(self) -> Transcript:
        """The session as the typed transcript, as it stands now."""
        d = self.dialogue
        pack = d.pack
        loyalty = d.classification()
        items = self.edited_actions
        if items is None:
            items = tuple(action_item(**_engine_item(a)) for a in d.action_items())
        return Transcript(
            id=self.id,
            pack=PackRef(pack.id, pack.version, pack.sha256, str(self.pack_file.path)),
            participant=d.participant,
            status=self.status,
            started_at=self.started_at,
            updated_at=_iso(self.clock()),
            answered=d.answered,
            steps=d.questions(),
            ratings=d.ratings(),
            loyalty=Loyalty(loyalty.get("answer"), loyalty.get("trait")),
            action_items=items,
            traits={t.id: t.title for t in pack.traits},
            draft=self.draft,
            checkin=self.checkin,
            retro=self.retro,
            extra=self.extra,
            nested=self.nested,
            turn_extra=self.turn_extra,
            turns=d.log,
            snapshot=d.snapshot(),
        )

    def to_doc(self) -> dict[str, Any]:
        """The transcript as plain data, in the order docs/transcripts.md documents."""
        transcript = self.to_transcript()
        docs = self._turn_docs
        if len(docs) > len(transcript.turns):  # went back past them: start over
            docs.clear()
        docs.extend(transcript.turn_docs(len(docs)))
        return transcript.to_doc(turn_docs=list(docs))  # a copy: the TUI writes from a worker

    # -- the check-in ----------------------------------------------------------------------

    def checkin_plan(self) -> checkins.Plan:
        """What to ask before the first question (the leader's commitments that came due, the
        step chosen to work on first leading) and what to list (those still to come).

        Reading the earlier sessions never stops a reflection from starting.
        """
        if self._plan is None:
            try:
                self._plan = checkins.plan(
                    self.store, self.clock().date(), self.dialogue.participant
                )
            except StoreError:
                self._plan = checkins.Plan([], [])
        return self._plan

    def checkin_questions(self) -> list[Question]:
        return self.checkin_plan().questions

    def check_in(self, answers: Sequence[checkins.Answer]) -> None:
        """Record the check-in in this session and in the earlier ones.

        This session is saved first, so its file exists before the old sessions are stamped
        with its id.

        Raises:
            StoreError: an earlier session could not be updated (this one keeps the answers).
        """
        if not answers:
            return
        self.save()
        self.checkin = (*self.checkin, *checkins.records_for(answers))
        self.save()
        checkins.record(self.store, answers, self.id, self.clock().date())

    # -- the end ---------------------------------------------------------------------------

    def summary(self) -> Summary:
        """Ratings, the loyalty trait beside the leader's own rating of it, the action items,
        and the coach's closing words: the one builder every front end draws."""
        d = self.dialogue
        pack = d.pack
        ratings = d.ratings()
        rows = []
        for trait in pack.traits:
            scale = next((s.scale for s in pack.steps if s.trait == trait.id and s.scale), None)
            if scale is not None:
                rows.append(RatingRow(trait.id, trait.title, ratings.get(trait.id), scale.max))
        log = d.log
        last_leader = max((i for i, t in enumerate(log) if t.role == "leader"), default=-1)
        closing = tuple(t.text for t in log[last_leader + 1 :] if t.kind == "statement")
        transcript = self.to_transcript()
        followed = ""
        if self.checkin:
            done = sum(record.followed_through for record in self.checkin)
            n = len(self.checkin)
            followed = (
                f"You followed through on {done} of {n} commitment{'s' if n != 1 else ''} "
                "from last time."
            )
        return Summary(
            followed=followed,
            closing=closing if d.finished else (),
            ratings=tuple(rows),
            loyalty=self._loyalty_line(ratings),
            action_items=tuple(transcript.action_items),
            titles=transcript.traits,
        )

    def _loyalty_line(self, ratings: Mapping[str, int]) -> str:
        d = self.dialogue
        found = d.classification()
        trait = d.pack.trait(found.get("trait"))
        if trait is None:
            if found.get("trait"):  # the classification's own "none of them"
                return "Something beyond these traits earned your loyalty."
            return "The loyalty question was left open."
        # "The trait that …: Builds loyalty", never "Builds loyalty earned your loyalty".
        earned = (
            f"The trait that earned your loyalty, as far as I can tell: {trait.title} "
            "(you didn't pick one)."
            if found.get("guessed")
            else f"The trait that earned your loyalty: {trait.title}."
        )
        rating = ratings.get(trait.id)
        whom = "our leadership" if self.retro is not None else "yourself"  # a retro rates them
        if rating is None:
            return f"{earned} You didn't rate {whom} on it today."
        return f"{earned} You rated {whom} {rating} on it today."

    def due_date(self, text: str) -> date | None:
        """A due date typed on the summary, in the same words the conversation takes
        ("next Friday", "5 Dec", "2026-12-04"); None when it is not a date."""
        from coach.engine.dates import parse_due

        typed = text.strip()
        if not typed:
            return None
        try:
            return date.fromisoformat(typed)
        except ValueError:
            pass
        try:
            found = parse_due(typed, self.clock().date(), self.dialogue.pack.lexicon)
        except (OverflowError, ValueError):  # "in 99999999 days": no date on the calendar
            return None
        return found[0] if found else None

    def finish(self, items: Sequence[ActionItem] | None = None) -> Ending:
        """Make the action items final (the leader's edits, or the engine's), save, write the
        Markdown copy beside the transcript, and let go of the session.

        Raises:
            StoreError: the transcript or its Markdown copy could not be written.
        """
        from coach.report import transcript_markdown

        if items is not None:
            # A date the coach chose stays marked as such only while it is still that date.
            chosen = {(a.step, a.due) for a in self.to_transcript().action_items if a.defaulted}
            self.edited_actions = tuple(
                ActionItem(
                    f"a{i}",
                    a.text,
                    a.trait,
                    a.due,
                    a.status,
                    a.kind,
                    a.step,
                    a.turn,
                    defaulted=(a.step, a.due) in chosen,
                )
                for i, a in enumerate(items, start=1)
            )
        transcript = self.to_transcript()
        self.path = self.store.save(transcript.to_doc())
        try:
            export: Path | None = self.store.export(self.id, transcript_markdown(transcript))
            problem = None
        except StoreError as exc:  # the transcript is saved: the copy is only a convenience
            export, problem = None, f"The Markdown copy could not be written: {exc}"
        retro_folder = None
        if self.retro is not None:
            from coach.retro.join import RetroClosed, contribute

            try:
                retro_folder = contribute(self.store.root, transcript, self.retro, self.clock())
            except RetroClosed as exc:  # trying again cannot help: say only what happened
                problem = f"{exc.message[:1].upper()}{exc.message[1:]}."
            except StoreError as exc:  # the transcript is saved; the contribution can follow
                problem = (
                    f"Your contribution could not be written to the retro ({exc}); your "
                    f"answers are saved, and 'coach retro {self.retro.id} --contribute "
                    f"{self.id}' tries again"
                )
        self.ending = Ending("complete", self.id, self.path, export, problem, retro_folder)
        self.close()
        return self.ending

    def pause(self, draft: Draft | None = None) -> Ending:
        """Stop here: save everything (and what was typed but not sent), or, when nothing was
        said yet, leave no unfinished session behind.

        Raises:
            StoreError: the transcript could not be written (the session stays open).
        """
        if self.dialogue.finished:
            return self.finish(self.edited_actions)
        self.draft = draft
        if self.to_transcript().has_words():
            self.save()
            self.ending = Ending("paused", self.id, self.path)
        else:
            self.store.remove(self.id)
            self.ending = Ending("discarded", self.id, None)
        self.close()
        return self.ending

    def close(self) -> None:
        """Let other processes open this session. The file stays as last saved."""
        if self.lock is not None:
            self.lock.release()


_KINDS = {dict: "a map of fields", list: "a list", int: "a whole number", str: "text",
          bool: "true or false"}  # fmt: skip


def _check_snapshot(saved: Mapping[str, Any], fresh: Mapping[str, Any], path: Path) -> None:
    """Each field of a saved snapshot is of the kind a new dialogue's is: a hand-edited one
    is refused here, with its field and line, rather than failing at the next answer."""
    reader = FieldReader(path, None)
    for key, like in fresh.items():
        got = saved.get(key)
        if like is None or got is None or key == "v":
            continue
        same = type(got) is type(like) or (isinstance(like, str) and isinstance(got, str))
        if not same:
            reader.fail(("snapshot", key), _KINDS.get(type(like), type(like).__name__), got)


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _engine_item(item: Any) -> dict[str, Any]:
    return {
        "id": item.id,
        "text": item.text,
        "trait": item.trait,
        "due": item.due,
        "kind": item.kind,
        "step": item.step,
        "turn": item.turn,
        "status": item.status,
        "defaulted": item.defaulted,
    }


def _pack_for(info: PackRef, pack_dirs: list[Path]) -> PackFile:
    """The pack a session was started with: its recorded file if it is still there, else the
    pack with the same id."""
    try:
        if info.path and Path(info.path).is_file():
            pack = read_pack(Path(info.path))
            if pack.id == info.id:
                return PackFile(Path(info.path), pack, False)
        return find_pack(info.id, pack_dirs)
    except PackError as exc:
        raise SessionError(str(exc)) from None


__all__ = [
    "Ending",
    "RatingRow",
    "Session",
    "SessionBusy",
    "SessionError",
    "StoreError",
    "Summary",
    "clock_from_env",
    "due_words",
    "join_retro",
    "rng_from_env",
]
