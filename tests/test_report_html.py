"""The HTML reports (issue 11, Reports): one self-contained, printable file for a session and
for a leader's history, with the leader's words escaped, nothing to fetch and nothing to run,
and a page that really draws in a browser (headless Chromium, when it is installed)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT

from coach.notes import Note
from coach.report.html import history_html, transcript_html
from coach.store import load_file
from coach.transcript import Checked, CheckinRecord, Draft, Transcript, Turn, parse

COMPLETE = ROOT / "sessions" / "2026-11-02-0930-vmyh.yaml"  # Dana, every trait rated
PAUSED = ROOT / "sessions" / "2026-11-20-1605-dl20.yaml"  # Sam, two traits in
TODAY = date(2026, 11, 28)

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<javascript:alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)",
    "</title></style></svg></textarea><script>alert(1)</script>",
    "<svg onload=alert(1)>",
    "{{ 7*7 }}{% raw %}",
    "https://evil.example/pixel.png",
    "\x1b[2J\x07\x9b31m",
    "\u202eevil\u202c",
]
EVERYTHING = " ".join(HOSTILE)
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Every tag the templates write; user text can add none.
TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "footer", "section", "aside",
    "h1", "h2", "h3", "p", "dl", "dt", "dd", "div", "span", "strong", "br", "blockquote",
    "table", "thead", "tbody", "tr", "th", "td",
    "svg", "g", "rect", "line", "text", "polyline", "circle",
}  # fmt: skip
ATTRIBUTES = {
    "lang", "charset", "name", "content", "http-equiv", "class", "id", "role",
    "aria-labelledby", "viewbox", "width", "height", "x", "y", "x1", "y1", "x2", "y2", "rx",
    "cx", "cy", "r", "points", "text-anchor",
}  # fmt: skip


def sample(path: Path = COMPLETE) -> Transcript:
    return parse(load_file(path), path)


def poisoned(t: Transcript, text: str = EVERYTHING) -> Transcript:
    """`t` with `text` in every field a leader types, a pack writes or a hand edit can reach."""
    turns = [
        Turn(x.n, x.role, x.step, x.trait, x.kind, f"{x.text} {text}", x.at,
             f"{x.understood} {text}" if x.understood else None)
        for x in t.turns
    ]  # fmt: skip
    turns.append(Turn(len(turns) + 1, "leader", "x", None, f"kind {text}", text, text))
    items = [
        replace(i, id=text, text=f"{i.text} {text}", kind=text,
                checked=Checked(text, text, text, text))
        for i in t.action_items
    ]  # fmt: skip
    return replace(
        t,
        id=f"{t.id}{text}",
        participant=text,
        pack=replace(t.pack, id=text, version=text),
        started_at=text,
        updated_at=text,
        traits={k: f"{v} {text}" for k, v in t.traits.items()},
        ratings={**t.ratings, text: 3},
        loyalty=replace(t.loyalty, answer=text, trait=text),
        action_items=tuple(items),
        checkin=(CheckinRecord(text, text, text, text, "done", text),),
        draft=Draft(text, text, text),
        turns=tuple(turns),
    )


class Page(HTMLParser):
    """A report as a browser reads it: the elements, their attributes, the text, the CSS."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.css: list[str] = []
        self._in: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in ("meta", "br", "line", "rect", "circle", "polyline"):
            self._in.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in self._in:
            while self._in.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        (self.css if self._in and self._in[-1] == "style" else self.text).append(data)

    def all(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and (cls is None or cls in attrs.get("class", "").split())
        ]

    @property
    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.tags if "id" in attrs}

    @property
    def words(self) -> str:
        return "".join(self.text)


def assert_self_contained(html: str) -> Page:
    """Nothing to run, nothing to fetch, nothing but the elements the templates write."""
    assert html.startswith("<!DOCTYPE html>")
    assert not UNSAFE.search(html), "a control character or bidi override reached the page"
    page = Page(html)
    tags = {name for name, _ in page.tags}
    assert tags <= TAGS, tags - TAGS
    for name, attrs in page.tags:
        for attr, value in attrs.items():
            assert attr in ATTRIBUTES, (name, attr, value)  # no on*=, src=, href=, style=
            assert not re.search(r"(?i)https?:|javascript:|url\(|data:", value) or (
                attr == "content" and name == "meta"
            ), (name, attr, value)
    css = "".join(page.css)
    assert not re.search(r"(?i)url\(|@import|https?:", css)
    policy = [a["content"] for a in page.all("meta") if a.get("http-equiv")]
    assert policy and "default-src 'none'" in policy[0] and "script-src" not in policy[0]
    return page


def shown(text: str) -> str:
    """How a value reads in a report: control characters and bidi overrides as escapes."""
    return UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) <= 0xFF
                      else f"\\u{ord(m.group()):04x}", text)  # fmt: skip


# -- one session ---------------------------------------------------------------------------


def test_a_complete_session_has_every_section() -> None:
    t = sample()
    html = transcript_html(t, today=TODAY)
    page = assert_self_contained(html)
    assert not re.search(r"(?i)https?:|src=|<script", html)
    assert {"session", "ratings", "loyalty", "actions", "conversation"} <= page.ids
    assert "checkin" not in page.ids and "notes" not in page.ids  # none here, none asked for
    assert len(page.all("svg")) == 1
    assert len(page.all("g", "rated")) == 5 and not page.all("g", "skipped")
    assert len(page.all("rect", "bar")) == 5
    widths = [float(a["width"]) for a in page.all("rect", "bar")]
    track = float(page.all("rect", "track")[0]["width"])
    assert widths == [track * v / 5 for v in (3, 4, 2, 2, 4)]
    assert "3/5" in page.words and "about half the time" in page.words
    assert "Builds loyalty" in page.words and "I'd have followed her anywhere." in page.words
    assert len(page.all("tr", "item")) == len(t.action_items)
    assert page.words.count("the leader's commitment") == sum(i.own for i in t.action_items)
    assert "the coach's suggestion" in page.words and "the coach's insight" in page.words
    assert len(page.all("tr", "overdue")) == 7  # all but the one due 30 Nov
    turns = page.all("div", "turn")
    assert len(turns) == len(t.turns)
    assert len(page.all("p", "understood")) == sum(1 for x in t.turns if x.understood)
    assert {a["id"] for a in turns} == {f"turn-{x.n}" for x in t.turns}
    assert len(page.all("h3")) == 5  # a heading where each trait begins


def test_a_paused_session_shows_what_is_not_rated_yet_and_nothing_overdue_without_a_day() -> None:
    page = assert_self_contained(transcript_html(sample(PAUSED)))
    assert len(page.all("g", "rated")) == 2 and len(page.all("g", "not-rated-yet")) == 3
    assert not page.all("tr", "overdue")
    assert "Not answered yet." in page.words and "not settled" in page.words


def test_a_skipped_rating_is_drawn_as_skipped() -> None:
    t = sample()
    ratings = {k: v for k, v in t.ratings.items() if k != "builds_loyalty"}
    page = assert_self_contained(transcript_html(replace(t, ratings=ratings)))
    assert len(page.all("g", "skipped")) == 1 and len(page.all("rect", "skipped")) == 1
    assert len(page.all("rect", "bar")) == 4
    # In a session still going, a trait the conversation has gone past was skipped too.
    paused = sample(PAUSED)
    page = assert_self_contained(
        transcript_html(replace(paused, ratings={"inspires_creativity": 4}))
    )
    assert len(page.all("g", "skipped")) == 1 and len(page.all("g", "not-rated-yet")) == 3


def test_skips_backs_rejections_checkin_draft_and_notes() -> None:
    t = sample()
    extra = (
        Turn(90, "leader", "x", None, "skip", "", "", "due Fri 4 Dec"),
        Turn(91, "leader", "x", None, "back", "", ""),
        Turn(92, "leader", "x", None, "rejected", "banana", ""),
        Turn(93, "coach", "x", None, "probe", "Say more?", ""),
    )
    t = replace(
        t,
        turns=(*t.turns, *extra),
        checkin=(CheckinRecord("2026-10-01-0900-abcd", "a1", "Call Jo", "2026-10-08", "partly"),),
        draft=Draft("close_loyalty", "main", "half a thou"),
        action_items=(
            replace(t.action_items[0], status="done",
                    checked=Checked("2026-11-20", "done", "2026-11-20-1605-dl20")),
            replace(t.action_items[1], status="dropped",
                    checked=Checked("2026-11-21", "drop", "", "no longer my team")),
            *t.action_items[2:],
        ),
    )  # fmt: skip
    notes = [  # the notes file's own type (coach.notes) is what the CLI passes
        Note(at="2026-11-03T10:00:00+00:00", author="Kim", text="Ask about Jordan next time."),
        Note(at="2026-11-03T10:05:00+00:00", author="Kim", text="Good catch.", turn=12),
    ]
    page = assert_self_contained(transcript_html(t, notes, today=TODAY))
    assert {"checkin", "draft", "notes"} <= page.ids
    assert "Call Jo" in page.words and "partly" in page.words and "half a thou" in page.words
    assert len(page.all("div", "skip")) == 1 and "(skipped)" in page.words
    assert "due Fri 4 Dec" in page.words and "(went back to answer again)" in page.words
    assert len(page.all("div", "rejected")) == 1 and "not used" in page.words
    assert len(page.all("div", "probe")) == sum(x.kind == "probe" for x in t.turns)
    assert "done, Fri 20 Nov 2026 at the check-in of 2026-11-20-1605-dl20" in page.words
    assert "dropped, Sat 21 Nov 2026: no longer my team" in page.words
    assert len(page.all("aside", "note")) == 2
    assert "Kim · 3 Nov 2026 10:00" in page.words
    assert len(page.all("tr", "overdue")) == 5  # done and dropped items are never overdue
    # The note on turn 12 sits right after that turn.
    html = transcript_html(t, notes, today=TODAY)
    assert html.index('id="turn-12"') < html.index("Good catch.") < html.index('id="turn-13"')


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_comes_out_as_text(text: str) -> None:
    notes = [Note(at=text, author=text, text=text), Note(at=text, author=text, text=text, turn=3)]
    for t in (poisoned(sample(), text), poisoned(sample(PAUSED), text)):
        html = transcript_html(t, notes, today=TODAY)
        page = assert_self_contained(html)
        assert "<script" not in html.lower() and "<img" not in html.lower()
        assert shown(text) in page.words  # shown as typed, controls as visible escapes
        assert "49" not in page.words  # {{ 7*7 }} is never evaluated
        assert {"session", "ratings", "loyalty", "actions", "checkin", "notes", "draft",
                "conversation"} <= page.ids  # fmt: skip
        # Still drawn in full: a bar per trait (the hostile trait id too), every turn.
        assert len(page.all("g", "trait")) == len(t.traits) + 1
        assert len(page.all("div", "turn")) == len(t.turns)
        # A kind no file should hold is no class of ours.
        assert len(page.all("div", "other")) == 1


# -- a leader's history ------------------------------------------------------------------


def dana_over_time() -> list[Transcript]:
    """Four of Dana's sessions: the sample, then three later ones with new ratings and items
    marked done, dropped or still open (one skipped rating, one session still going)."""
    first = sample()
    later = []
    for i, (day, ratings, statuses, status) in enumerate(
        [
            ("2026-11-16", {"inspirational_coach": 4, "builds_loyalty": 3, "confident": 4,
                            "inspires_creativity": 4, "connects_with_team": 3}, "ddoooooo",
             "complete"),
            ("2026-11-23", {"inspirational_coach": 4, "builds_loyalty": 4, "confident": 3,
                            "inspires_creativity": 5}, "dxdooooo", "complete"),
            ("2026-11-27", {"inspirational_coach": 5}, "o", "in_progress"),
        ]
    ):  # fmt: skip
        items = tuple(
            replace(item, due=f"2026-12-0{j % 9 + 1}" if i == 2 else item.due,
                    status={"d": "done", "x": "dropped", "o": "open"}[mark])
            for j, (item, mark) in enumerate(zip(first.action_items, statuses, strict=False))
        )  # fmt: skip
        later.append(
            replace(first, id=f"{day}-0900-t{i}ab", started_at=f"{day}T09:00:00+00:00",
                    status=status, ratings=ratings, action_items=items,
                    loyalty=replace(first.loyalty, trait="inspirational_coach"))
        )  # fmt: skip
    return [later[1], first, later[2], later[0]]  # in no order: the report sorts them


def test_history_draws_each_trait_over_the_sessions() -> None:
    sessions = dana_over_time()
    html = history_html(sessions, TODAY)
    page = assert_self_contained(html)
    assert not re.search(r"(?i)https?:|src=|<script", html)
    assert {"leader", "trends", "loyalty", "follow-through"} <= page.ids
    assert "History · Dana" in page.words and "4 sessions" in page.words
    cards = page.all("div", "trend")
    assert len(cards) == 5 and len(page.all("svg")) == 5
    # One dot per rating given: 5 + 5 + 4 + 1; a trait skipped in between breaks its line.
    assert len(page.all("circle", "dot")) == 15
    lines = page.all("polyline", "line")
    assert len(lines) == 5  # connects_with_team: 2 - 3 joined; confident: 4 4 3 joined ...
    xs = [float(p.split(",")[0]) for p in lines[0]["points"].split()]
    assert xs == sorted(xs) and len(xs) == 4  # inspirational coach, oldest at the left
    assert "latest 5/5 on 27 Nov · +1 since 23 Nov" in page.words
    assert "latest 2/5 on 2 Nov" not in page.words  # connects: latest is the 16 Nov rating
    # Loyalty trait per session, oldest first.
    loyalty = re.findall(r"(Builds loyalty|Inspirational coach)", page.words.split("Loyalty,")[1])
    assert loyalty[:4] == ["Builds loyalty", "Inspirational coach", "Inspirational coach",
                           "Inspirational coach"]  # fmt: skip


def test_history_counts_follow_through_and_highlights_what_is_overdue() -> None:
    page = Page(history_html(dana_over_time(), TODAY))
    counts = re.findall(r"(\d+)(done|open|dropped|overdue)", page.words.replace("\n", ""))
    # Items: 8 (all open) + 8 (2 done) + 8 (2 done, 1 dropped) + 1 (open, due in December);
    # open and due before 28 Nov: 7 (all but the 30 Nov one) + 5 + 4 + 0.
    assert counts[:4] == [("4", "done"), ("20", "open"), ("1", "dropped"), ("16", "overdue")]
    assert len(page.all("tr", "overdue")) == 3 + 16  # three sessions' rows, then each item
    assert "23 days late" in page.words  # Thu 5 Nov, seen from Sat 28 Nov
    # A day before everything was due: nothing overdue, nothing highlighted.
    calm = Page(history_html(dana_over_time(), date(2026, 11, 1)))
    assert not calm.all("tr", "overdue") and "days late" not in calm.words


def test_history_of_nothing_and_of_hostile_text() -> None:
    page = assert_self_contained(history_html([], TODAY))
    assert "No sessions." in page.words and "trends" not in page.ids
    for text in HOSTILE:
        sessions = [poisoned(s, text) for s in dana_over_time()]
        page = assert_self_contained(history_html(sessions, TODAY))
        assert shown(text) in page.words and "49" not in page.words
        assert len(page.all("div", "trend")) == 6  # the five traits and the hostile one


# -- in a real browser -------------------------------------------------------------------


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the RGB(A) rows of an 8-bit, non-interlaced PNG (what Chromium
    writes), unfiltered: just enough PNG to count pixels without a new dependency."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous, strict=True))
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = previous[i], previous[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                best = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + best) & 0xFF
        rows.append(bytes(line if bpp == 3 else bytes(v for i, v in enumerate(line) if i % 4 != 3)))
        previous = line
    return width, height, rows


def screenshot(html: str, folder: Path) -> tuple[int, int, list[bytes]]:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    page, shot = folder / "report.html", folder / "shot.png"
    page.write_text(html, encoding="utf-8")
    result = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={folder / 'profile'}", f"--screenshot={shot}",
         "--window-size=1000,1400", page.as_uri()],
        capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert shot.is_file(), result.stderr.decode(errors="replace")[-2000:]
    return png_pixels(shot.read_bytes())


ACCENT = (0x2F, 0x6D, 0xB5)  # the bars and the trend lines
LATE = (0xFB, 0xE9, 0xE7)  # an overdue row


def colour_count(rows: list[bytes], rgb: tuple[int, int, int], near: int = 6) -> int:
    r, g, b = rgb
    return sum(
        1
        for row in rows
        for i in range(0, len(row), 3)
        if abs(row[i] - r) <= near and abs(row[i + 1] - g) <= near and abs(row[i + 2] - b) <= near
    )


def test_the_session_report_draws_in_chromium(tmp_path: Path) -> None:
    width, height, rows = screenshot(
        transcript_html(poisoned(sample(), HOSTILE[1]), today=TODAY), tmp_path
    )
    assert (width, height) == (1000, 1400)
    ink = sum(1 for row in rows for i in range(0, len(row), 3) if row[i : i + 3] != b"\xff" * 3)
    assert ink > width * height * 0.03, ink  # not a blank page: text, chart, tables
    assert colour_count(rows, ACCENT) > 5 * 100, "the rating bars are not drawn"
    assert colour_count(rows, LATE) > 1000, "the overdue rows are not highlighted"
    # The page's top is drawn (the title), its left margin is paper.
    assert any(row[i : i + 3] != b"\xff" * 3 for row in rows[30:70] for i in range(0, 900, 3))


def test_the_history_report_draws_in_chromium(tmp_path: Path) -> None:
    width, height, rows = screenshot(history_html(dana_over_time(), TODAY), tmp_path)
    ink = sum(1 for row in rows for i in range(0, len(row), 3) if row[i : i + 3] != b"\xff" * 3)
    assert ink > width * height * 0.03, ink
    assert colour_count(rows, ACCENT) > 500, "the trend lines are not drawn"


def test_a_rating_is_said_back_by_its_own_label_not_a_later_choice_answered_by_number() -> None:
    t = sample()
    at, rating = next(
        (i, x) for i, x in enumerate(t.turns) if x.role == "leader" and x.understood and
        x.trait and x.text.strip() == str(t.ratings.get(x.trait))
    )  # fmt: skip
    offer = replace(rating, n=rating.n + 1, step="offer", text=rating.text, understood="No, thanks")
    t = replace(t, turns=(*t.turns[: at + 1], offer, *t.turns[at + 1 :]))
    html = transcript_html(t, today=TODAY)
    value = t.ratings[rating.trait or ""]
    assert f"{value} out of 5 ({rating.understood})" in html
    assert "(No, thanks)" not in html


def test_overdue_is_dated_only_when_an_item_is_overdue() -> None:
    t = sample()
    assert "Overdue as of" in transcript_html(t, today=date(2026, 12, 31))
    assert "Overdue as of" not in transcript_html(t, today=date(2026, 11, 2))  # none due yet
