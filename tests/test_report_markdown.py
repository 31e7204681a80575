"""The Markdown export (`coach show`, the `<id>.md` copy, `coach actions`) shows whatever a
leader typed, or a file was edited to hold, as the characters typed: no raw HTML, no links, no
structure of its own (issue 11, Reports).

Proof by rendering: the Markdown goes through markdown-it-py (it comes with Textual) with raw
HTML *allowed*, tables and bare-URL linking on, the way a permissive viewer would show it; the
HTML that comes out may only hold the tags our templates write, and the leader's text shows in
it as typed.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import ROOT
from markdown_it import MarkdownIt

from coach.report import actions_markdown, transcript_markdown
from coach.store import load_file
from coach.transcript import CheckinRecord, Draft, Transcript, Turn, parse

SAMPLES = sorted((ROOT / "sessions").glob("*.yaml"))
COMPLETE = ROOT / "sessions" / "2026-11-02-0930-vmyh.yaml"

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "<javascript:alert(1)>",
    "![pixel](https://evil.example/p.png)",
    "\\[x\\](javascript:alert(1))",  # a typed backslash must not undo the escape
    "&lt;script&gt;alert(1)&lt;/script&gt;",  # entities typed as text stay text
    "[ref]\n\n[ref]: javascript:alert(1)",
    "{{ 7*7 }}",
    "\x1b[2J\x07 and \x9b31m",
    "\u202eevil\u202c",
]
# Block structure typed into a value: each line would open a block if it reached a line start.
STRUCTURE = (
    "# Heading\n- item\n1. first\n> quoted\n```\ncode\n---\n| a | b |\n|---|---|\n===\n<div>"
)
EVERYTHING = "\n".join([*HOSTILE, STRUCTURE])
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")


def sample(path: Path = COMPLETE) -> Transcript:
    return parse(load_file(path), path)


def poisoned(t: Transcript, text: str) -> Transcript:
    """`t` with `text` in every field a leader types, a pack writes or a hand edit can reach."""
    turns = [
        Turn(x.n, x.role, x.step, x.trait, x.kind, f"{x.text} {text}", x.at,
             f"{x.understood} {text}" if x.understood else None)
        for x in t.turns
    ]  # fmt: skip
    items = [replace(i, text=f"{i.text} {text}", due=i.due) for i in t.action_items]
    return replace(
        t,
        id=f"{t.id}{text}",
        participant=text,
        pack=replace(t.pack, id=f"{t.pack.id}{text}", version=text),
        started_at=text,
        updated_at=text,
        traits={k: f"{v} {text}" for k, v in t.traits.items()},
        ratings={**t.ratings, text: 3},
        loyalty=replace(t.loyalty, answer=text, trait=text),
        action_items=tuple(items),
        checkin=(CheckinRecord(text, "a1", text, text, "done", text),),
        draft=Draft("step", "main", text),
        turns=tuple(turns),
    )


class Rendered(HTMLParser):
    """What a viewer would show: tags, attributes, and the text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def count(self, tag: str) -> int:
        return self.tags.count(tag)

    @property
    def words(self) -> str:
        return "".join(self.text)


def viewer() -> MarkdownIt:
    """A permissive viewer: raw HTML passed through, GFM tables, bare URLs linked."""
    return MarkdownIt("commonmark", {"html": True, "linkify": True}).enable(["table", "linkify"])


# Every tag our templates make; `code` too: a code span typed by the leader is inert, its text
# shown literally.
OURS = {
    "h1", "h2", "ul", "li", "p", "table", "thead", "tbody", "tr", "th", "td", "blockquote",
    "strong", "em", "code", "br",
}  # fmt: skip


def assert_inert(markdown: str) -> Rendered:
    """Nothing in `markdown` renders as a tag we did not write, or as a link."""
    assert not UNSAFE.search(markdown), "a control character reached the Markdown"
    assert "<" not in markdown, "raw HTML reached the Markdown"
    assert not re.search(r"(?<!\\)[\[\]]", markdown), "an unescaped bracket could form a link"
    page = Rendered(viewer().render(markdown))
    # A bare web address typed as text may be linked by a viewer that links them (GFM does):
    # that is the viewer's choice and the address is shown as typed. Nothing else is a link.
    assert set(page.tags) <= OURS | {"a"}, set(page.tags) - OURS
    for name, value in page.attrs:  # no src, no on*=, no style; an href only as above
        assert name == "href" and re.match(r"https?://[^\s]*$", value or ""), (name, value)
    assert page.count("a") <= len(re.findall(r"(?<![\w/])https?://", markdown))
    return page


# -- the whole transcript ------------------------------------------------------------------


@pytest.mark.parametrize("text", [*HOSTILE, STRUCTURE], ids=range(len(HOSTILE) + 1))
def test_every_value_is_shown_as_typed_and_nothing_more(text: str) -> None:
    clean = viewer().render(transcript_markdown(sample()))
    md = transcript_markdown(poisoned(sample(), text))
    page = assert_inert(md)
    before = Rendered(clean)
    # The document's own structure, and nothing typed added to it: `poisoned` adds a
    # check-in (a heading, a table, its header row and one row) and a rating row.
    added = {"h2": 1, "table": 1, "tr": 3}
    for tag in ("h1", "h2", "ul", "li", "table", "tr", "blockquote"):
        expected = before.count(tag) + added.get(tag, 0)
        assert page.count(tag) == expected, (tag, page.count(tag), expected)
    # The leader's text shows as typed (control characters as visible escapes).
    shown = text.replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\x9b", "\\x9b")
    shown = shown.replace("\u202e", "\\u202e").replace("\u202c", "\\u202c")
    for line in shown.split("\n"):
        if line.strip():
            assert line.strip() in page.words, line


def test_the_samples_render_as_before_with_their_structure() -> None:
    for path in SAMPLES:
        t = sample(path)
        page = assert_inert(transcript_markdown(t))
        assert page.count("h1") == 1
        assert page.count("blockquote") >= sum(
            1 for turn in t.turns if turn.role == "leader" and turn.kind == "answer"
        )
        assert "Ride along with Priya" in page.words


def test_a_template_that_forgets_a_filter_is_still_escaped() -> None:
    from coach.report import _environment

    env = _environment()
    out = env.from_string("{{ x }}|{{ n }}|{{ x | cell }}").render(x="<b>[a](b)</b>\n# h", n=3)
    assert out == "&lt;b&gt;\\[a\\](b)&lt;/b&gt; # h|3|&lt;b&gt;\\[a\\](b)&lt;/b&gt; # h"


def test_readable_text_is_left_alone() -> None:
    t = sample()
    words = "R&D said: *really* 5-10% of deals, C# & F#, a_b, `code`, 3 > 2? fine :)"
    md = transcript_markdown(replace(t, loyalty=replace(t.loyalty, answer=words)))
    assert "> R&D said: *really* 5-10% of deals, C# & F#, a_b, `code`, 3 &gt; 2? fine :)" in md


def test_coach_text_with_lines_cannot_open_blocks() -> None:
    t = sample()
    said = Turn(99, "coach", "close", None, "statement", f"You said:\n{STRUCTURE}", "")
    md = transcript_markdown(replace(t, turns=(said,)))
    page = assert_inert(md)
    assert page.count("h1") == 1 and page.count("li") == 4  # ours: the header's four lines
    assert "pre" not in page.tags and page.count("table") == 2  # ratings, actions: no new one
    assert "# Heading" in page.words and "| a | b |" in page.words


# -- the action items table ----------------------------------------------------------------


def test_actions_markdown_is_inert() -> None:
    t = poisoned(sample(), EVERYTHING)
    rows = [(f"{t.id}", f"title {EVERYTHING}", item) for item in t.action_items]
    page = assert_inert(actions_markdown(rows))
    assert page.count("table") == 1 and page.count("tr") == len(rows) + 1
    assert "<script>alert(1)</script>" in page.words


def test_the_helpers_for_markdown_written_elsewhere() -> None:
    from coach.report import markdown_quote, markdown_text

    note = f"Good one.\n{STRUCTURE}\n{EVERYTHING}"
    md = f"# Notes\n\n**{markdown_text(note)}**, {markdown_text('2026-11-03')}:\n\n"
    page = assert_inert(md + markdown_quote(note) + "\n")
    assert page.count("h1") == 1 and page.count("blockquote") == 1 and "li" not in page.tags
    assert "<img src=x onerror=alert(1)>" in page.words


def test_what_got_in_the_way_is_in_the_check_in_table() -> None:
    t = parse(load_file(COMPLETE), COMPLETE)
    record = CheckinRecord("s", "a1", "Ride along with Priya", "2026-11-20", "not yet", "Q4 close")
    md = transcript_markdown(replace(t, checkin=(record,)))
    assert "| Ride along with Priya | Fri 20 Nov 2026 | not yet: Q4 close |" in md
