"""Dates never overflow: numbers in date phrases are bounded, and the clock may sit at either
end of the calendar.

The rule (coach/engine/dates.py): a timeframe more than ten years ahead is not a due date,
exactly as if none had been named, so the dialogue asks "by when?" once and then takes the
step's default; a date past 9999-12-31 is no date, and the default stops at 9999-12-31.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach.engine import Dialogue, Pack, load_pack
from coach.engine.dates import HORIZON_DAYS, parse_due
from coach.engine.lexicon import ENGLISH, Lexicon

ROOT = Path(__file__).resolve().parent.parent.parent
TINY = load_pack((ROOT / "tests" / "data" / "packs" / "tiny.yaml").read_text("utf-8"), "tiny.yaml")
GERMAN = load_pack(
    (ROOT / "examples" / "packs" / "zuhoeren.de.yaml").read_text("utf-8"), "zuhoeren.de.yaml"
)
NOW = datetime(2026, 11, 28, 9, tzinfo=UTC)
STORY = "She asked questions and waited for me to finish."
ENGLISH_WORDS = Lexicon.build()
EDGES = [
    datetime(9999, 12, 31, 12, tzinfo=UTC),
    datetime(9999, 12, 25, tzinfo=UTC),
    datetime(9999, 11, 30, tzinfo=UTC),
    datetime(1, 1, 1),
    datetime(1, 1, 1, tzinfo=UTC),
]


def at_commitment(now: datetime = NOW, pack: Pack = TINY) -> Dialogue:
    d = Dialogue(pack, lambda: now)
    d.start()
    d.answer(STORY)
    d.answer("4")
    return d


def test_in_99999999_days_is_no_date_and_coach_asks_by_when() -> None:
    d = at_commitment()
    reply = d.answer("Ask Sam one open question in 99999999 days")  # OverflowError before
    assert reply.accepted
    assert d.answers["commit"] == {
        "action": "Ask Sam one open question in 99999999 days",
        "due": None,
        "when": None,
    }
    assert reply.prompt is not None and reply.prompt.stage == "due"
    assert reply.prompt.text == "By when will you do that? A day or a date is enough."
    reply = d.answer("by Friday")
    assert d.answers["commit"]["due"] == "2026-12-04"


@pytest.mark.parametrize(
    "phrase",
    [
        "in 99999999 days",
        "in " + "9" * 5_000 + " days",  # int() of 5,000 digits raised ValueError
        "in 3653000 weeks",
        "in 120001 months",
        "in 11 years time, say in 4000 days",
        "in 10000 fortnights",
    ],
)
def test_numbers_past_the_horizon_are_no_date(phrase: str) -> None:
    assert parse_due(phrase, NOW.date(), ENGLISH_WORDS) is None


def test_the_horizon_is_ten_years() -> None:
    today = NOW.date()
    assert parse_due(f"in {HORIZON_DAYS} days", today, ENGLISH_WORDS) == (
        today + timedelta(days=HORIZON_DAYS),
        f"in {HORIZON_DAYS} days",
    )
    assert parse_due(f"in {HORIZON_DAYS + 1} days", today, ENGLISH_WORDS) is None
    assert parse_due("in 120 months", today, ENGLISH_WORDS) == (date(2036, 11, 28), "in 120 months")


UNITS = ["day", "days", "week", "weeks", "fortnight", "month", "months"]


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.one_of(st.integers(0, 10**6), st.integers(0, 10**40)),
    unit=st.sampled_from(UNITS),
    today=st.dates(),
    words=st.sampled_from(
        ["in {n} {unit}", "within the next {n} {unit}", "by {n} {unit}, in {n} {unit}"]
    ),
)
def test_any_number_of_any_unit_on_any_day_is_a_date_within_ten_years_or_none(
    n: int, unit: str, today: date, words: str
) -> None:
    found = parse_due(words.format(n=n, unit=unit), today, ENGLISH_WORDS)
    if found is not None:
        assert (
            today <= found[0] <= today + timedelta(days=min(HORIZON_DAYS, (date.max - today).days))
        )


PHRASES = ["today", "tomorrow", "by Friday", "next Friday", "this week", "next week",
           "end of month", "next month", "end of quarter", "in 3 weeks", "in 2 months",
           "12 Dec", "Dec 31", "9999-12-31", "0001-01-01", "1 January"]  # fmt: skip


@given(
    today=st.one_of(st.dates(), st.sampled_from([date.max, date.min])),
    phrase=st.sampled_from(PHRASES),
)
def test_every_phrase_on_every_day_of_the_calendar_never_overflows(
    today: date, phrase: str
) -> None:
    found = parse_due(phrase, today, ENGLISH_WORDS)
    if found is not None and phrase not in ("9999-12-31", "0001-01-01"):
        assert found[0] >= today


@pytest.mark.parametrize("now", EDGES, ids=lambda n: n.isoformat())
@pytest.mark.parametrize("pack", [TINY, GERMAN], ids=["tiny", "german"])
def test_a_whole_session_with_the_clock_at_the_calendars_ends(now: datetime, pack: Pack) -> None:
    d = Dialogue(pack, lambda: now, participant="Dana")
    reply = d.start()
    for _ in range(60):
        if d.finished:
            break
        prompt = d.current()
        assert prompt is not None
        if prompt.kind == "rating":
            reply = d.answer("4")
        elif prompt.kind == "choice":
            reply = d.answer("1")
        elif prompt.stage == "due":
            reply = d.answer("tomorrow")  # none past 9999-12-31: then the default
        elif prompt.step in ("commit", "zusage"):
            reply = d.answer("Ask Sam one open question by Friday, in 3 weeks at the latest")
        else:
            reply = d.answer(STORY)
        assert reply is not None
    assert d.finished
    for item in d.action_items():
        due = date.fromisoformat(item.due)
        assert now.date() <= due <= date.max


def test_the_default_due_date_stops_at_the_calendars_end() -> None:
    d = at_commitment(datetime(9999, 12, 31, 12, tzinfo=UTC))
    reply = d.answer("Ask Sam one open question tomorrow")  # no tomorrow in this calendar
    assert reply.prompt is not None and reply.prompt.stage == "due"
    d.skip()
    assert d.answers["commit"]["due"] == "9999-12-31"


@pytest.mark.parametrize("answer", ["9" * 400, "1e999", "4" + "0" * 5000, "−4", "٣"])
def test_numbers_that_are_not_ratings_are_asked_again(answer: str) -> None:
    d = Dialogue(TINY, lambda: NOW)
    d.start()
    d.answer(STORY)
    reply = d.answer(answer)  # "9" * 400 is infinity as a float: OverflowError before
    if answer == "٣":  # an Arabic-Indic three is a three
        assert reply.accepted and d.answers["rating"] == 3
        return
    assert not reply.accepted
    assert reply.reason == "Please answer with a whole number from 1 to 5."


@pytest.mark.parametrize("answer", ["9" * 5_000, "²", "00000000001"])
def test_numbers_that_are_not_options_are_asked_again(answer: str) -> None:
    d = at_commitment()
    d.answer("Ask Sam one open question by Friday")
    while (prompt := d.current()) is not None and prompt.kind != "choice":
        d.answer("4" if prompt.kind == "rating" else STORY)
    assert prompt is not None
    reply = d.answer(answer)  # int() of 5,000 digits, and of "²", raised ValueError before
    assert not reply.accepted
    assert reply.reason is not None and reply.reason.startswith("Please answer with one of")


def test_english_relative_words_are_what_the_phrases_above_use() -> None:
    assert {"in", "day", "week", "month"} <= set(ENGLISH["relative"])
