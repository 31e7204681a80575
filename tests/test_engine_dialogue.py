"""The dialogue as a leader meets it: probes, re-asks, back, skip, literal text, resume."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.engine import Dialogue, Pack, PackError, TemplateFailure, Turn, load_pack
from coach.engine.texts import compile_text

Clock = Callable[[], datetime]
DEFAULTED = "I'll put it down for Sat 12 Dec; you can change it at the end."


def test_a_probe_quotes_the_leader_and_its_answer_belongs_to_the_question(
    tiny: Pack, clock: Clock
) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    reply = d.answer("ok")
    assert reply.prompt is not None
    assert (reply.prompt.step, reply.prompt.stage) == ("recall", "probe")
    assert reply.prompt.text == 'You said "ok". What did that look like, moment to moment?'
    d.answer("They asked me questions and waited for the answer")
    assert d.answers["recall"] == "ok"
    assert d.log[-2].step == "recall" and d.log[-2].role == "leader"


def test_the_probe_budget_lets_go_and_keeps_everything(tiny: Pack, clock: Clock) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    d.answer("ok")  # short
    d.answer("maybe")  # hedged
    reply = d.answer("idk")  # budget (2) spent: move on, no scolding
    assert reply.accepted and reply.prompt is not None and reply.prompt.step == "rating"
    assert d.snapshot()["followups"]["recall"] == ["maybe", "idk"]


def test_a_rating_off_the_scale_is_asked_again_with_the_range(tiny: Pack, clock: Clock) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    d.skip()
    reply = d.answer("11")
    assert not reply.accepted
    assert reply.reason == "Please answer with a whole number from 1 to 5."
    assert reply.prompt is not None and reply.prompt.step == "rating"
    assert [t.kind for t in d.log[-2:]] == ["rejected", "retry"]
    assert d.log[-2].text == "11"  # kept verbatim


def test_a_commitment_without_a_timeframe_asks_once_then_uses_the_default(
    tiny: Pack, clock: Clock
) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    d.skip()
    d.answer("3")
    reply = d.answer("Listen more")
    assert reply.prompt is not None and reply.prompt.stage == "due"
    reply = d.answer("whenever")
    assert d.answers["commit"] == {
        "action": "Listen more",
        "due": "2026-12-12",
        "when": None,  # the leader named no timeframe: the coach chose it, and says so
        "defaulted": True,
    }
    assert reply.turns[0].understood == DEFAULTED
    (item,) = d.action_items()
    assert item.defaulted and item.to_dict()["source"]["defaulted"] is True


def test_blank_answers_are_not_taken(tiny: Pack, clock: Clock) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    reply = d.answer("   \n ")
    assert not reply.accepted and reply.reason and ":skip" in reply.reason
    assert len(d.log) == 2


def test_steps_that_cannot_be_skipped_say_so(tiny: Pack, clock: Clock) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    d.skip()
    reply = d.skip()
    assert (
        not reply.accepted and reply.reason == "This one can't be skipped. A short answer is fine."
    )


def test_back_at_the_first_question_explains(tiny: Pack, clock: Clock) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    assert d.back().reason == "This is the first question, so there is nothing to go back to."


def test_back_during_a_probe_re_asks_the_question(tiny: Pack, clock: Clock) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    d.answer("ok")
    reply = d.back()
    assert reply.prompt is not None
    assert (reply.prompt.step, reply.prompt.stage) == ("recall", "main")
    assert "recall" not in d.answers


def test_back_undoes_a_classification(tiny: Pack, clock: Clock) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    for answer in ["x y z w v u", "3", "Ask one question by Friday", "5",
                   "She was fair and never had a favourite"]:  # fmt: skip
        d.answer(answer)
    assert d.variables["loyalty_trait"] == "fairness"
    d.back()
    assert "loyalty_trait" not in d.variables


HOSTILE = [
    "[TODO] call Sam",
    "[/b] [bold]x",
    "{{ 7 * 7 }} {% for x in y %}",
    "{{ ''.__class__.__mro__ }}",
    "\x1b[31mred\x1b[0m \x07",
    "مرحبا بالعالم",
    "我会在周五打电话",
    "😀👍🏽",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_the_leaders_words_are_values_never_templates(text: str, tiny: Pack, clock: Clock) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    reply = d.answer(text)  # few words → the probe quotes it back
    assert reply.prompt is not None
    if reply.prompt.stage == "probe":
        assert text in reply.prompt.text
    assert d.answers["recall"] == text


def test_a_megabyte_paste_is_kept_whole(tiny: Pack, clock: Clock) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    paste = ("I showed them how to run the call. " * 30_000)[:1_000_000]
    d.answer(paste)
    assert d.answers["recall"] == paste


def test_a_template_that_escapes_the_sandbox_fails_safely(tiny: Pack) -> None:
    # The loader refuses it by sight (tests/test_packs_check.py); the sandbox is the second
    # line of defence, for whatever a static check might miss.
    with pytest.raises(PackError, match=r"evil\.yaml:10:18: error: .*'__class__'"):
        load_pack(
            "pack: 1\nid: evil\nversion: '1'\ntitle: Evil\nsections:\n- id: s\n  steps:\n"
            "  - id: a\n    kind: say\n    text: \"{{ ''.__class__.__mro__[1].__subclasses__() }}\"\n",
            "evil.yaml",
        )
    text = compile_text(tiny.environment, "{{ ''.__class__.__mro__[1].__subclasses__() }}")
    with pytest.raises(TemplateFailure, match="unsafe"):
        text.render({}, "seed")


def test_yaml_tags_and_alias_bombs_are_refused() -> None:
    with pytest.raises(PackError, match="tag"):
        load_pack("!!python/object/apply:os.system ['echo hi']", "tag.yaml")
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{c}: &{c} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    with pytest.raises(PackError, match="too many aliases"):
        load_pack(bomb, "bomb.yaml")
    with pytest.raises(PackError, match="larger than"):
        load_pack("# " + "x" * 2_000_000, "big.yaml")


@pytest.mark.parametrize(
    ("mutation", "where", "message"),
    [
        (("kind: ask", "kind: asc", 1), ":24:15:", "unknown step kind 'asc'; did you mean 'ask'?"),
        (("probes:", "probez:", 1), ":27:9:", "unknown key 'probez' in step 'recall'; did you mean 'probes'?"),
        (("goto: loyalty", "goto: loyality", 1), ":57:19:", "'goto: loyality' names no step in this pack; did you mean 'loyalty'?"),
        (("{{ last }}", "{{ last }", 1), ":32:21:", "template error"),
        (("{words_below: 5}", "{words_below: 5, matches: '(?!no)'}", 1), ":31:45:", "a negative lookahead"),
    ],
)  # fmt: skip
def test_pack_errors_point_at_the_line_and_column(
    mutation: tuple[str, str, int], where: str, message: str
) -> None:
    from conftest import DATA

    text = (DATA / "packs" / "tiny.yaml").read_text(encoding="utf-8")
    old, new, count = mutation
    assert old in text
    with pytest.raises(PackError) as caught:
        load_pack(text.replace(old, new, count), "tiny.yaml")
    first = str(caught.value)
    assert first.startswith("tiny.yaml" + where), first
    assert message in first


def test_every_problem_is_reported_in_one_run() -> None:
    with pytest.raises(PackError) as caught:
        load_pack("pack: 2\nid: 9x\ntitle: T\nsections: []\n", "p.yaml")
    messages = [p.message for p in caught.value.problems]
    assert any("pack format 1" in m for m in messages)
    assert any("must start with a letter" in m for m in messages)
    assert any("needs 'version'" in m for m in messages)


# -- snapshot and restore -------------------------------------------------------------------

ANSWERS = st.lists(
    st.one_of(
        st.sampled_from([":back", ":skip", "ok", "maybe", "3", "seven", "1", "2", "fair",
                         "They told me, then showed me on a call by Friday",
                         "I'll ask one open question in every 1:1 next week"]),
        st.text(max_size=40),
    ),
    max_size=40,
)  # fmt: skip


def play(d: Dialogue, answers: list[str]) -> None:
    for answer in answers:
        if d.finished:
            return
        if answer == ":back":
            d.back()
        elif answer == ":skip":
            d.skip()
        else:
            d.answer(answer)


FINISH = ["I listened", "3", "Ask a question tomorrow", "3", "I try", "fair, equal, fair", "1"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(answers=ANSWERS)
def test_any_answers_end_in_completion_or_a_waiting_question(
    answers: list[str], tiny: Pack, clock: Clock
) -> None:
    d = Dialogue(tiny, clock, seed="walk")
    d.start()
    play(d, answers)
    assert d.finished or d.current() is not None
    for _ in range(30):  # a patient leader always gets to the end
        if d.finished:
            break
        if not d.skip().accepted:
            d.answer("3" if d.current() and d.current().kind == "rating" else "1")
    assert d.finished
    json.dumps(d.snapshot())  # plain data


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=ANSWERS, after=ANSWERS)
def test_snapshot_and_restore_give_the_same_future(
    before: list[str], after: list[str], tiny: Pack, clock: Clock
) -> None:
    original = Dialogue(tiny, clock, seed="same")
    original.start()
    play(original, before)
    snap = copy.deepcopy(original.snapshot())
    restored = Dialogue.restore(tiny, json.loads(json.dumps(snap)), clock, list(original.log))
    play(original, after + FINISH)
    play(restored, after + FINISH)
    assert restored.log == original.log
    assert restored.snapshot() == original.snapshot()
    assert restored.action_items() == original.action_items()


def test_the_engine_loads_no_textual() -> None:
    code = (
        "import sys, coach.engine, coach.store, coach.session, coach.catalog\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_a_vague_reply_to_a_commitment_probe_keeps_the_commitment(clock: Clock) -> None:
    pack = load_pack(
        "pack: 1\nid: c\nversion: '1'\ntitle: C\nlexicon: {hedges: [no idea]}\n"
        "sections:\n- id: s\n  steps:\n  - id: c\n    kind: commit\n    text: What will you do?\n"
        "    probes:\n      budget: 1\n      rules:\n"
        "      - {if: {followup: false, words_below: 9}, text: What would someone see?}\n",
        "c.yaml",
    )
    for reply, action, due in [
        ("no idea", "Ride along with Sam twice", "2026-12-12"),
        ("by Friday", "Ride along with Sam twice", "2026-12-04"),
        (
            "Sit in on two of Sam's calls on Tuesday",
            "Sit in on two of Sam's calls on Tuesday",
            "2026-12-01",
        ),
    ]:
        d = Dialogue(pack, clock)
        d.start()
        d.answer("Ride along with Sam twice")
        assert d.current() is not None and d.current().stage == "probe"
        d.answer(reply)
        if not d.finished:  # no timeframe yet: asked once, then the default
            d.answer("whenever")
        assert (d.answers["c"]["action"], d.answers["c"]["due"]) == (action, due)


# -- re-asks, options and what the engine understood ----------------------------------------

RATED = load_pack(
    "pack: 1\nid: r\nversion: '1'\ntitle: R\nsections:\n- id: s\n  steps:\n"
    "  - {id: free, kind: ask, text: What happened?}\n"
    "  - {id: score, kind: rating, text: How sure?, scale: {min: 0, max: 10}}\n"
    "  - {id: plan, kind: commit, text: What will you do?}\n",
    "r.yaml",
)
COMMIT_PROBED = load_pack(
    "pack: 1\nid: c\nversion: '1'\ntitle: C\nlexicon: {hedges: [no idea]}\n"
    "sections:\n- id: s\n  steps:\n  - id: c\n    kind: commit\n    text: What will you do?\n"
    "    probes:\n      budget: 1\n      rules:\n"
    "      - {if: {followup: false, words_below: 9}, text: What would someone see?}\n",
    "c.yaml",
)


def at_step(d: Dialogue, answers: list[str]) -> Dialogue:
    d.start()
    for answer in answers:
        d.skip() if answer == ":skip" else d.answer(answer)
    return d


@pytest.mark.parametrize(
    ("before", "typed", "step", "reason", "logged"),
    [
        (["x"], "", "score", "Please answer with a whole number from 0 to 10.", True),
        (["x"], "  \n ", "score", "Please answer with a whole number from 0 to 10.", True),
        (["x"], "eleven", "score", "Please answer with a whole number from 0 to 10.", True),
        ([], "", "free", "Take your time. Type your answer, or :skip if you would rather move on.", False),
        (["x", "3"], " ", "plan", "Take your time. Type your answer, or :skip if you would rather move on.", False),
    ],
)  # fmt: skip
def test_an_empty_rating_is_asked_again_with_its_range_like_any_off_the_scale(
    before: list[str], typed: str, step: str, reason: str, logged: bool, clock: Clock
) -> None:
    d = at_step(Dialogue(RATED, clock), before)
    count = len(d.log)
    reply = d.answer(typed)
    assert not reply.accepted and reply.reason == reason and reply.notes == (reason,)
    assert reply.prompt is not None and (reply.prompt.step, reply.prompt.stage) == (step, "main")
    if logged:  # kept verbatim, with the re-ask, as an answer off the scale is
        assert [(t.role, t.kind, t.text) for t in d.log[count:]] == [
            ("leader", "rejected", typed),
            ("coach", "retry", reason),
        ]
        assert reply.turns == tuple(d.log[count:])
    else:
        assert len(d.log) == count and reply.turns == ()


TO_LOYALTY = [":skip", "3", "Listen more by Friday", "5"]  # tiny: fair ≥ 4 goes to loyalty


@pytest.mark.parametrize(
    ("said", "suggested"),
    [
        ("She was fair with me", "fairness"),  # one hit on the second category: not clear
        ("She listened, and she was fair", "listening"),  # a tie: the pack's first wins
        ("She was there when it counted", None),  # no keyword at all
    ],
)
def test_a_confirmation_keeps_the_packs_order_and_names_its_guess(
    said: str, suggested: str | None, tiny: Pack, clock: Clock
) -> None:
    d = at_step(Dialogue(tiny, clock), [*TO_LOYALTY, said])
    prompt = d.current()
    assert prompt is not None and (prompt.stage, prompt.kind) == ("confirm", "choice")
    assert [o.id for o in prompt.options] == ["listening", "fairness"]
    assert prompt.suggested == suggested
    d.answer("1")  # a number means the pack's option, whatever the guess
    assert d.variables["loyalty_trait"] == "listening"
    assert d.current() is not None and d.current().suggested is None  # the focus choice


def test_only_a_confirmation_has_a_suggestion(tiny: Pack, clock: Clock) -> None:
    d = Dialogue(tiny, clock)
    d.start()
    seen = []
    for answer in [":skip", "3", "Listen more", "by Friday", "5", "She was fair", "2", "fair"]:
        prompt = d.current()
        assert prompt is not None
        seen.append((prompt.stage, prompt.suggested))
        d.skip() if answer == ":skip" else d.answer(answer)
    assert d.finished
    assert [s for s in seen if s[1] is not None] == [("confirm", "fairness")]


@pytest.mark.parametrize(
    ("old_options", "answer", "chosen"),
    [
        (["fairness", "listening"], "1", "listening"),
        (["fairness", "listening"], "2", "fairness"),
        (["fairness", "listening"], "fair", "fairness"),
        (["listening", "fairness"], "1", "listening"),
    ],
)
def test_a_snapshot_with_the_old_reordered_options_restores_in_the_packs_order(
    old_options: list[str], answer: str, chosen: str, tiny: Pack, clock: Clock
) -> None:
    d = at_step(Dialogue(tiny, clock), [*TO_LOYALTY, "She was fair with me"])
    snap = json.loads(json.dumps(d.snapshot()))
    snap["prompt"]["options"] = old_options  # as coach saved it when candidates came first
    restored = Dialogue.restore(tiny, snap, clock, list(d.log))
    assert not restored.pack_changed
    prompt = restored.current()
    assert prompt is not None and prompt.stage == "confirm"
    assert [o.id for o in prompt.options] == ["listening", "fairness"]
    assert prompt.suggested == "fairness"
    reply = restored.answer(answer)
    assert reply.accepted and restored.variables["loyalty_trait"] == chosen
    assert restored.log[-2].understood == {"listening": "Listening", "fairness": "Fairness"}[chosen]


def leader_turns(d: Dialogue) -> list[tuple[str, str, str | None]]:
    return [(t.kind, t.text, t.understood) for t in d.log if t.role == "leader"]


@pytest.mark.parametrize(
    ("pack", "answers", "understood"),
    [
        # a choice step: the option's label, however it was typed
        ("tiny", [*TO_LOYALTY, "She was fair and equal, never a favourite", "2"], "Fairness"),
        ("tiny", [*TO_LOYALTY, "She was fair and equal, never a favourite", "list"], "Listening"),
        # a confirmation: the category's label
        ("tiny", [*TO_LOYALTY, "She was fair with me", "2"], "Fairness"),
        ("tiny", [*TO_LOYALTY, "She was fair with me", "LIST"], "Listening"),
        # a rating: the scale's label for the value, when it has one
        ("tiny", [":skip", "1"], "rarely"),
        ("tiny", [":skip", "five"], "always"),
        ("tiny", [":skip", "3"], None),
        ("rated", ["x", "7"], None),  # a scale without labels: the number says it all
        ("tiny", [":skip", "9"], None),  # rejected: nothing understood
        # free text: nothing to interpret
        ("tiny", ["They asked me questions and waited"], None),
        # a commitment: the due date, on the turn it became known
        ("tiny", [":skip", "3", "Ask one question by Friday"], "due Fri 4 Dec"),
        ("tiny", [":skip", "3", "Listen more"], None),  # no date yet: "by when?" comes
        ("tiny", [":skip", "3", "Listen more", "next Tuesday"], "due Tue 1 Dec"),
        # no timeframe, or skipped: the default, said as chosen by the coach
        ("tiny", [":skip", "3", "Listen more", "whenever"], DEFAULTED),
        ("tiny", [":skip", "3", "Listen more", ":skip"], DEFAULTED),
        ("probed", ["Ride along with Sam twice"], None),  # probed, no date yet
        ("probed", ["Ride along with Sam twice", "by Friday"], "due Fri 4 Dec"),  # refined
        ("probed", ["Ride along with Sam twice", "Sit in on two of Sam's calls on Tuesday"], "due Tue 1 Dec"),
        ("probed", ["Ride along with Sam twice", "no idea"], None),  # then "by when?"
        ("probed", ["Ride along with Sam twice", "no idea", "12 Dec"], "due Sat 12 Dec"),
        ("probed", ["Ride along with Sam on 3 Dec", "Sit in on two of Sam's calls"], None),  # known already
    ],
)  # fmt: skip
def test_the_answer_turn_says_what_the_engine_understood(
    pack: str, answers: list[str], understood: str | None, tiny: Pack, clock: Clock
) -> None:
    packs = {"tiny": tiny, "rated": RATED, "probed": COMMIT_PROBED}
    d = at_step(Dialogue(packs[pack], clock), answers)
    kind, text, said_back = leader_turns(d)[-1]
    typed = answers[-1]
    assert (kind, text) == (("skip", "") if typed == ":skip" else (kind, typed))
    assert said_back == understood
    assert [t for t in d.log if t.role == "coach" and t.understood is not None] == []


def test_a_commitment_says_its_date_once_each_time_it_is_given(clock: Clock) -> None:
    d = at_step(Dialogue(COMMIT_PROBED, clock), ["Ride along with Sam by Friday", "on Tuesday"])
    assert d.finished
    assert leader_turns(d) == [
        ("answer", "Ride along with Sam by Friday", "due Fri 4 Dec"),
        ("answer", "on Tuesday", "due Tue 1 Dec"),
    ]
    assert d.answers["c"]["due"] == "2026-12-01"


def test_understood_is_saved_only_when_there_is_one() -> None:
    plain = Turn(3, "leader", "recall", None, "answer", "ok", "2026-11-28T09:00:00+00:00")
    assert plain.understood is None
    keys = ["n", "role", "step", "trait", "kind", "text", "at"]
    assert list(plain.to_dict()) == keys
    noted = Turn(4, "leader", "rating", "listening", "answer", "1", "t", "rarely")
    assert list(noted.to_dict()) == [*keys[:-1], "understood", "at"]
    assert noted.to_dict()["understood"] == "rarely"


@pytest.mark.parametrize(
    ("commitment", "understood"),
    [
        ("Am Freitag Sam nach meinem Feedback fragen", "bis Freitag, 4. Dezember"),
        ("Bis zum 3. März ein Zuhör-Feedback vom Team holen", "bis Mittwoch, 3. März"),
        ("In zwei Wochen eine offene Frage stellen", "bis Samstag, 12. Dezember"),
    ],
)
def test_the_german_pack_notes_the_due_date_in_german(
    commitment: str, understood: str, clock: Clock
) -> None:
    from conftest import ROOT, read_pack

    german = read_pack(ROOT / "examples" / "packs" / "zuhoeren.de.yaml")
    d = at_step(Dialogue(german, clock), [":skip", "3", commitment])
    assert leader_turns(d)[-1] == ("answer", commitment, understood)


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("'{{ date }} ({{ weekday }}, {{ day }} {{ month }})'", None),
        ("'due {{ year }}'", "the message 'due_noted' uses 'year', which is not defined there"),
    ],
)
def test_a_packs_due_noted_may_use_its_four_values(message: str, problem: str | None) -> None:
    from coach.engine.pack import check_pack

    report = check_pack(
        "pack: 1\nid: m\nversion: '1'\ntitle: M\n"
        f"messages:\n  due_noted: {message}\n"
        "sections:\n- id: s\n  steps:\n  - {id: c, kind: commit, text: What will you do?}\n",
        "m.yaml",
    )
    assert [p.message for p in report.problems] == ([problem] if problem else [])


# -- the commitment is the most concrete thing the leader said --------------------------------

COMMIT_PACK = (
    "pack: 1\nid: c\nversion: '1'\ntitle: C\n"
    "lexicon: {hedges: [i guess, maybe, i'll try, try to, no idea, idk]}\n"
    "sections:\n- id: s\n  steps:\n  - id: c\n    kind: commit\n    text: What will you do?\n"
    "    probes:\n      budget: 1\n      rules:\n"
    "      - {if: {hedged: true}, text: What will you actually do?}\n"
    "      - {if: {words_below: 4}, text: What would someone see?}\n"
)


@pytest.mark.parametrize(
    ("answers", "action", "item"),
    [
        # "ok", then the probe's reply: the item reads the reply
        (["ok", "ride along i guess", "idk"], "ride along i guess", True),
        # a follow-up naming a person replaces a hedged first answer
        (
            ["I'll try to do more of that", "ask Maria for her plan on the Acme renewal"],
            "ask Maria for her plan on the Acme renewal",
            True,
        ),
        # a follow-up that is only a timeframe or a shrug keeps the first answer
        (["Ride along with Sam", "by Friday"], "Ride along with Sam", True),
        (["Ride along with Sam", "no idea", "12 Dec"], "Ride along with Sam", True),
        # a vaguer follow-up does not replace a concrete first answer
        (["Sit in on two of Sam's calls", "maybe more"], "Sit in on two of Sam's calls", True),
        # empty after the probe: no commitment, no "by when?", no action item
        (["ok", "idk"], "ok", False),
        (["no", "no"], "no", False),
        (["idk", "not sure, i guess"], "idk", False),
    ],
)
def test_the_commitment_is_the_most_concrete_answer(
    clock: Clock, answers: list[str], action: str, item: bool
) -> None:
    pack = load_pack(COMMIT_PACK, "c.yaml")
    d = Dialogue(pack, clock)
    d.start()
    for text in answers:
        reply = d.answer(text)
    if not d.finished:
        reply = d.answer("whenever")
    assert d.finished
    assert d.answers["c"]["action"] == action
    assert bool(d.action_items()) is item
    if not item:
        assert d.answers["c"]["committed"] is False and d.answers["c"]["due"] is None
        assert reply.notes == ("No step for this one, then.",)
