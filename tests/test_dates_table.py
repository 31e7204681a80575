"""Due dates from commitment phrases, one table: the session's day, what the leader typed, and
the due date a person would expect (None: no timeframe understood, so coach asks; PAST: a
date that has gone by, said back and asked). The rules are in `coach.engine.dates` and
docs/packs.md ("Due dates")."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from coach.engine import Dialogue, Pack
from coach.engine.dates import parse_due, read_due
from coach.engine.lexicon import DEFAULT

MON = date(2026, 11, 23)
WED = date(2026, 11, 25)
FRI = date(2026, 11, 27)
SAT = date(2026, 11, 28)
SUN = date(2026, 11, 29)
DEC19 = date(2026, 12, 19)  # a Saturday, a few days before Christmas
PAST = "past"

TABLE: list[tuple[date, str, str | None]] = [
    # -- weekdays
    (SAT, "by Friday", "2026-12-04"),
    (SAT, "friday", "2026-12-04"),
    (SAT, "on Monday", "2026-11-30"),
    (SAT, "Tuesday", "2026-12-01"),
    (SAT, "by wednesday", "2026-12-02"),
    (SAT, "thursday", "2026-12-03"),
    (SAT, "saturday", "2026-12-05"),  # today's weekday: next week's
    (SAT, "sunday", "2026-11-29"),
    (SAT, "next Tuesday", "2026-12-01"),
    (SAT, "next friday", "2026-12-04"),
    (MON, "by Friday", "2026-11-27"),
    (MON, "next Friday", "2026-12-04"),
    (MON, "Friday next week", "2026-12-04"),
    (MON, "monday", "2026-11-30"),
    (MON, "wednesday", "2026-11-25"),
    (WED, "by thursday", "2026-11-26"),
    (WED, "next monday", "2026-11-30"),
    (WED, "tuesday", "2026-12-01"),
    (FRI, "friday", "2026-12-04"),
    (FRI, "by monday", "2026-11-30"),
    (SUN, "monday", "2026-11-30"),
    (SUN, "next monday", "2026-11-30"),
    # -- today, tomorrow
    (SAT, "today", "2026-11-28"),
    (SAT, "tonight", "2026-11-28"),
    (SAT, "by end of day", "2026-11-28"),
    (SAT, "eod", "2026-11-28"),
    (SAT, "tomorrow", "2026-11-29"),
    (MON, "I'll do it tomorrow", "2026-11-24"),
    (FRI, "tomorrow morning", "2026-11-28"),
    # -- this week / weekend rules
    (MON, "this week", "2026-11-27"),
    (MON, "by the end of the week", "2026-11-27"),
    (MON, "by the weekend", "2026-11-27"),
    (WED, "end of week", "2026-11-27"),
    (WED, "eow", "2026-11-27"),
    (FRI, "this week", "2026-11-27"),  # Friday: today is the week's end
    (FRI, "by the weekend", "2026-11-27"),
    (SAT, "this week", "2026-12-04"),  # Saturday: the coming week's end, not today
    (SAT, "by the end of the week", "2026-12-04"),
    (SAT, "by the weekend", "2026-12-04"),
    (SAT, "this weekend", "2026-12-04"),
    (SUN, "this week", "2026-12-04"),
    (SUN, "by the end of the week", "2026-12-04"),
    (SUN, "by the weekend", "2026-12-04"),
    (DEC19, "this week", "2026-12-25"),
    # -- next week
    (MON, "next week", "2026-12-04"),
    (WED, "next week", "2026-12-04"),
    (FRI, "next week", "2026-12-04"),
    (SAT, "next week", "2026-12-04"),
    (SUN, "next week", "2026-12-04"),
    (SAT, "sometime next week", "2026-12-04"),
    # -- in N units
    (SAT, "in 3 days", "2026-12-01"),
    (SAT, "in two weeks", "2026-12-12"),
    (SAT, "in 2 weeks", "2026-12-12"),
    (SAT, "within a week", "2026-12-05"),
    (SAT, "in a week", "2026-12-05"),
    (SAT, "in a month", "2026-12-28"),
    (SAT, "in 3 months", "2027-02-28"),
    (SAT, "in a fortnight", "2026-12-12"),
    (SAT, "in a couple of weeks", "2026-12-12"),
    (SAT, "in a couple of days", "2026-11-30"),
    (SAT, "in a few days", "2026-12-01"),
    (SAT, "in a few weeks", "2026-12-19"),
    (SAT, "within the next 2 weeks", "2026-12-12"),
    (SAT, "in ten days", "2026-12-08"),
    (SAT, "in one week", "2026-12-05"),
    (MON, "in 1 day", "2026-11-24"),
    (SAT, "within 5 days", "2026-12-03"),
    (SAT, "in several weeks", "2026-12-19"),
    # -- months, quarters, year
    (SAT, "end of month", "2026-11-30"),
    (SAT, "by the end of the month", "2026-11-30"),
    (SAT, "this month", "2026-11-30"),
    (SAT, "eom", "2026-11-30"),
    (SAT, "next month", "2026-12-31"),
    (SAT, "by the end of next month", "2026-12-31"),
    (SAT, "by end of January", "2027-01-31"),  # a month's end, by its name
    (SAT, "the end of feb", "2027-02-28"),
    (SAT, "by the end of February 2028", "2028-02-29"),
    (SAT, "end of December", "2026-12-31"),
    (SAT, "end of the quarter", "2026-12-31"),
    (SAT, "this quarter", "2026-12-31"),
    (date(2026, 2, 10), "end of quarter", "2026-03-31"),
    (SAT, "by the end of the year", "2026-12-31"),
    (SAT, "by year end", "2026-12-31"),
    # -- day and month
    (SAT, "12 Dec", "2026-12-12"),
    (SAT, "Dec 12", "2026-12-12"),
    (SAT, "by 12 December", "2026-12-12"),
    (SAT, "December 12th", "2026-12-12"),
    (SAT, "the 12th of December", "2026-12-12"),
    (SAT, "3rd of January", "2027-01-03"),  # next January: a month away, not past
    (SAT, "Jan 15", "2027-01-15"),
    (SAT, "March 1st, 2027", "2027-03-01"),
    (SAT, "1 Feb 2027", "2027-02-01"),
    (SAT, "28 Nov", "2026-11-28"),  # today
    (SAT, "Nov 30", "2026-11-30"),
    (SAT, "2026-12-12", "2026-12-12"),
    (SAT, "by 2027-01-08", "2027-01-08"),
    # -- numeric (English: month first; a part above 12 decides)
    (SAT, "12/15", "2026-12-15"),
    (SAT, "by 12/4", "2026-12-04"),
    (SAT, "15/12", "2026-12-15"),
    (SAT, "1/8", "2027-01-08"),
    (SAT, "12/15/2026", "2026-12-15"),
    (SAT, "12/15/26", "2026-12-15"),
    (SAT, "on 11/30", "2026-11-30"),
    # -- ordinals without a month
    (SAT, "the 10th", "2026-12-10"),
    (SAT, "by the 30th", "2026-11-30"),
    (SAT, "by the 1st", "2026-12-01"),
    (DEC19, "the 10th", "2027-01-10"),  # gone by this month: next month's
    (DEC19, "by the 22nd", "2026-12-22"),
    (date(2027, 1, 31), "by the 30th", "2027-03-30"),  # February has none
    # -- holidays
    (SAT, "before Christmas", "2026-12-24"),
    (SAT, "by christmas", "2026-12-24"),
    (SAT, "by xmas", "2026-12-24"),
    (SAT, "before the new year", "2026-12-31"),
    (DEC19, "before Christmas", "2026-12-24"),
    (date(2026, 12, 28), "before Christmas", PAST),
    # -- past dates: never rolled a year on silently
    (DEC19, "12 Dec", PAST),
    (DEC19, "by Dec 12", PAST),
    (DEC19, "12/12", PAST),
    (DEC19, "2026-12-01", PAST),
    (DEC19, "1 March 2026", PAST),
    (DEC19, "Nov 30", PAST),
    (SAT, "1 Oct", PAST),
    (SAT, "June 3", PAST),  # next June is more than half a year away
    (SAT, "by 2025-12-12", PAST),
    (DEC19, "20 Dec", "2026-12-20"),
    (DEC19, "Jan 5", "2027-01-05"),
    (DEC19, "1/5", "2027-01-05"),
    (date(2026, 7, 1), "1 Jan", PAST),
    (date(2026, 7, 10), "1 Jan", "2027-01-01"),
    # -- typos (one slip from a lexicon word)
    (SAT, "nxt week", "2026-12-04"),
    (SAT, "tomorow", "2026-11-29"),
    (SAT, "tommorow", "2026-11-29"),
    (SAT, "tmorrow", "2026-11-29"),
    (SAT, "by fridy", "2026-12-04"),
    (SAT, "by firday", "2026-12-04"),
    (SAT, "wensday", "2026-12-02"),
    (SAT, "thrusday", "2026-12-03"),
    (SAT, "next weeek", "2026-12-04"),
    (SAT, "in two wekks", "2026-12-12"),
    (SAT, "end of the mnth", "2026-11-30"),
    (SAT, "12 Decmber", "2026-12-12"),
    (SAT, "by chrismas", "2026-12-24"),
    (SAT, "mondy", "2026-11-30"),
    (SAT, "tuesdy", "2026-12-01"),
    # -- two date phrases: the one that belongs to the action
    (
        SAT,
        "I will ask each rep in the Monday meeting how they'd hit their number and credit "
        "them by name in 2 weeks",
        "2026-12-12",
    ),
    (SAT, "call Sam on Tuesday, then again next week", "2026-12-04"),
    (SAT, "prepare on Monday and send it by Friday", "2026-12-04"),
    (SAT, "by Thursday I'll have sat in on Monday's calls", "2026-12-03"),
    (SAT, "ride along on Tuesday and Thursday", "2026-12-03"),
    (SAT, "in the Monday meeting", "2026-11-30"),
    (SAT, "review the 12 Dec numbers within a week", "2026-12-05"),
    (SAT, "tomorrow I'll book it for next Friday", "2026-12-04"),
    (MON, "start today, finish by the end of the month", "2026-11-30"),
    (MON, "before Friday's pipeline review, on Wednesday", "2026-11-27"),
    # -- no timeframe: asked once
    (SAT, "soon", None),
    (SAT, "soon, hopefully", None),
    (SAT, "when things calm down", None),
    (SAT, "idk", None),
    (SAT, "whenever I get around to it", None),
    (SAT, "asap", None),
    (SAT, "when I can", None),
    (SAT, "I sat with them", None),
    (SAT, "May I ask?", None),
    (SAT, "text Sam", None),  # "text" is not "next"
    (SAT, "in two ways", None),  # "ways" is not "days"
    (SAT, "ask Marc 2 questions", None),
    (SAT, "2026-02-30", None),
    (SAT, "13/13", None),
    (SAT, "", None),
    (SAT, "in 99999999 days", None),
    (SAT, "later", None),
    (SAT, "at some point", None),
]


def _expected(found: object) -> str | None:
    if found is None:
        return None
    assert hasattr(found, "past") and hasattr(found, "when")
    return PAST if found.past else found.when.isoformat()


@pytest.mark.parametrize(
    ("today", "text", "due"), TABLE, ids=[f"{d}:{t[:40]}" for d, t, _ in TABLE]
)
def test_the_due_date_a_person_would_expect(today: date, text: str, due: str | None) -> None:
    assert _expected(read_due(text, today, DEFAULT)) == due
    parsed = parse_due(text, today, DEFAULT)
    assert (parsed[0].isoformat() if parsed else None) == (None if due == PAST else due)


def test_the_table_is_big_enough_and_covers_each_kind() -> None:
    assert len(TABLE) >= 150
    assert sum(1 for _, _, due in TABLE if due == PAST) >= 10
    assert sum(1 for day, _, _ in TABLE if day.weekday() >= 5) >= 100


# -- the same phrases through the dialogue ---------------------------------------------------

DEFAULTED = "I'll put it down for {}; you can change it at the end."


@pytest.mark.parametrize(
    ("answers", "due", "when", "said"),
    [
        # named in the commitment: taken, and said back
        (["Ask Sam for his plan nxt week"], "2026-12-04", "next week", "due Fri 4 Dec"),
        (["Ride along with Priya this week"], "2026-12-04", "this week", "due Fri 4 Dec"),
        # vague, then vague again: the default, said and marked as the coach's
        (["Listen more", "soon, hopefully"], "2026-12-12", None, DEFAULTED.format("Sat 12 Dec")),
        (["Listen more", "when things calm down"], "2026-12-12", None, None),
        (["Listen more", "idk"], "2026-12-12", None, None),
        (["Listen more", "whenever I get around to it"], "2026-12-12", None, None),
        # asked, then given
        (["Listen more", "tomorow"], "2026-11-29", "tomorrow", "due Sun 29 Nov"),
        (["Listen more", "12/15"], "2026-12-15", "12/15", "due Tue 15 Dec"),
        (["Listen more", "before Christmas"], "2026-12-24", "Christmas", "due Thu 24 Dec"),
    ],
)
def test_the_dialogue_takes_asks_or_says_the_default(
    tiny: Pack,
    clock: object,
    answers: list[str],
    due: str,
    when: str | None,
    said: str | None,
) -> None:
    d = Dialogue(tiny, clock)  # type: ignore[arg-type]
    d.start()
    d.skip()
    d.answer("3")
    reply = None
    for text in answers:
        reply = d.answer(text)
    value = d.answers["commit"]
    assert (value["due"], value["when"]) == (due, when)
    assert value.get("defaulted", False) is (when is None)
    (item,) = d.action_items()
    assert item.to_dict()["source"].get("defaulted", False) is (when is None)
    if said is not None:
        assert reply is not None and reply.turns[0].understood == said


def test_a_date_gone_by_is_said_back_and_asked(tiny: Pack) -> None:
    d = Dialogue(tiny, lambda: datetime(2026, 12, 19, 9, 0))
    d.start()
    d.skip()
    d.answer("3")
    reply = d.answer("Ask one question by 12 Dec")
    assert reply.prompt is not None and reply.prompt.stage == "due"
    assert reply.prompt.text.startswith("Sat 12 Dec has already gone by. ")
    assert d.answers["commit"]["due"] is None  # never 2027-12-12
    reply = d.answer("by the 22nd")
    assert d.answers["commit"]["due"] == "2026-12-22"
    assert "defaulted" not in d.answers["commit"]


def test_a_date_gone_by_given_to_by_when_is_asked_about_once(tiny: Pack) -> None:
    d = Dialogue(tiny, lambda: datetime(2026, 12, 2, 10, 0))
    d.start()
    d.skip()
    d.answer("3")
    reply = d.answer("Ask one more question in every 1:1")
    assert reply.prompt is not None and reply.prompt.stage == "due"
    reply = d.answer("Nov 20")
    # Said back and asked again: never the default in silence, never rolled on a year.
    assert reply.prompt is not None and reply.prompt.stage == "due"
    assert reply.prompt.text.startswith("Fri 20 Nov has already gone by. ")
    assert d.answers["commit"]["due"] is None
    reply = d.answer("yesterday")  # gone by again: the coach's date, said as such
    assert reply.turns[0].understood is not None
    assert reply.turns[0].understood.startswith("I'll put it down for ")
    assert d.answers["commit"]["defaulted"] is True
    assert d.answers["commit"]["due"] > "2026-12-02"


def test_after_a_date_gone_by_a_date_to_come_is_taken(tiny: Pack) -> None:
    d = Dialogue(tiny, lambda: datetime(2026, 12, 2, 10, 0))
    d.start()
    d.skip()
    d.answer("3")
    d.answer("Ask one more question in every 1:1")
    said = [*d.answer("12/1").turns, *d.answer("12/15").turns]
    assert d.answers["commit"]["due"] == "2026-12-15"
    assert "defaulted" not in d.answers["commit"]
    leader = [t.text for t in said if t.role == "leader"]
    assert leader == ["12/1", "12/15"]  # both answers kept in the conversation


def test_a_date_with_nothing_to_do_is_not_said_back_as_a_due_date() -> None:
    from conftest import ROOT

    from coach.engine.pack import load_pack

    loaded = load_pack((ROOT / "prompts" / "sales-leader.yaml").read_text(encoding="utf-8"))
    stock = loaded[0] if isinstance(loaded, tuple) else loaded
    d = Dialogue(stock, lambda: datetime(2026, 12, 2, 10, 0))
    d.start()
    for answer in (None, None, "4", None):  # to the first commitment (None: skipped)
        d.answer(answer) if answer else d.skip()
    assert d.answer("idk").turns[-1].kind == "probe"
    reply = d.answer("nxt week")
    leader = [t for t in reply.turns if t.role == "leader"]
    assert leader and leader[0].understood is None  # never "due Fri 11 Dec" ...
    assert "No step for this one, then." in [t.text for t in reply.turns]  # ... then "no step"
    assert d.answers["coach_commit"]["committed"] is False
