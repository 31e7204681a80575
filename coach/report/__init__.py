"""Rendering transcripts and action items for people: Markdown here, HTML in `html`.

Templates are ours and ship as package data; the leader's words only ever arrive as values.
In Markdown every value is escaped on its way out (`_finalize`): HTML and link syntax typed
by a leader, or hand-edited into a file, shows as the characters typed in any viewer.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from coach.terminal import printable

if TYPE_CHECKING:
    from coach.transcript import ActionItem, Transcript


class MarkdownText(str):
    """Text one of the filters below has already made safe for Markdown; `_finalize` lets it
    through as it is and escapes everything else, so a value a template forgets to filter is
    still made safe (inline, on one line) rather than passed on raw."""


# Backslashes that escape the next character in CommonMark: before ASCII punctuation only.
_ESCAPING_BACKSLASH = re.compile(r"\\(?=[!-/:-@\[-`{-~])")
# `&` that would start an entity or character reference (`&lt;`, `&#60;`, `&#x3c;`).
_ENTITY_START = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
# What would open a block at the start of a line: an ATX heading, a list item, a thematic
# break or setext underline, a code fence (`>` quotes and `<` HTML blocks are already gone).
_BLOCK_START = re.compile(
    r"^(?P<indent>[ \t]*)(?:"
    r"(?P<mark>#{1,6}(?=[ \t]|$)|[-+*](?=[ \t]|$)|[-=_*](?=[-=_* \t]*$)|`{3,}|~{3,})"
    r"|(?P<number>\d{1,9})(?P<dot>[.)])(?=[ \t]|$))"
)


def _inline(text: Any) -> str:
    """Text that renders as exactly the characters typed, inside a line of Markdown.

    Control characters and bidi overrides become visible escapes (`printable`); HTML's special
    characters become references, so `<script>` or `<img onerror=...>` show as text in any
    viewer and an autolink `<javascript:...>` is no link; square brackets are
    backslash-escaped, so no `[x](javascript:...)`, `![image](...)` or `[x][ref]` can be
    formed. Backslashes that would escape the next character are doubled first, so a typed
    `\\[` cannot undo the bracket's escape. Emphasis and code marks are left alone: at
    worst they style the leader's words, and the words stay readable.
    """
    out = printable(str(text))
    out = _ESCAPING_BACKSLASH.sub(r"\\\\", out)
    out = _ENTITY_START.sub("&amp;", out)
    out = out.replace("<", "&lt;").replace(">", "&gt;")
    return out.replace("[", "\\[").replace("]", "\\]")


def _line_safe(line: str) -> str:
    """An escaped line that cannot open a block: its marker is backslash-escaped (`\\#`,
    `\\-`, `1\\.`), which every CommonMark viewer shows as the character typed."""

    def escape(m: re.Match[str]) -> str:
        if m.group("mark"):
            return f"{m.group('indent')}\\{m.group('mark')}"
        return f"{m.group('indent')}{m.group('number')}\\{m.group('dot')}"

    return _BLOCK_START.sub(escape, line, count=1)


def _plain(text: Any) -> MarkdownText:
    """Text on one line (a heading, a list item, an aside): escaped, and newlines made
    spaces so nothing typed can start a line of this document."""
    return MarkdownText(" ".join(_inline(text).splitlines()))


def _lines(text: Any) -> list[str]:
    """Escaped lines of several, none able to open a block, and no `|` left to make a table
    of two of them."""
    return [_line_safe(line) for line in _inline(text).replace("|", "\\|").split("\n")]


def _said(text: Any) -> MarkdownText:
    """The coach's words, line by line (a pack's text, which quotes the leader's words back),
    each line shown as typed: no heading, list, table or code block made of them."""
    return MarkdownText("\n".join(_lines(text)))


def _quote(text: Any) -> MarkdownText:
    """A Markdown blockquote of the leader's words, line by line, so nothing they typed can
    turn into a heading, a list or a table of this document (every line is inside the quote,
    and shown there as typed) or into raw HTML or a link (`_inline`)."""
    return MarkdownText("\n".join("> " + line if line.strip() else ">" for line in _lines(text)))


def _cell(text: Any) -> MarkdownText:
    """Text safe inside a Markdown table cell: escaped, one line, no column break."""
    return MarkdownText(_plain(text).replace("|", "\\|"))


def _finalize(value: Any) -> Any:
    """Every `{{ }}` of the Markdown templates ends here: filtered text as it is, anything
    else escaped as `plain` (numbers and statuses pass unchanged: nothing in them to escape)."""
    if isinstance(value, MarkdownText):
        return value
    return _plain(value)


def _environment() -> Environment:
    return markdown_environment("coach.report")


@cache
def markdown_environment(package: str) -> Environment:
    """The Markdown templates' environment, for the templates in `package`'s `templates`
    folder (the reports', the retro's): every value escaped on its way out unless a filter
    made it `MarkdownText`, with the filters quote, cell, plain, said and due."""
    env = Environment(
        loader=PackageLoader(package, "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters["quote"] = _quote
    env.filters["cell"] = _cell
    env.filters["plain"] = _plain
    env.filters["said"] = _said
    env.filters["due"] = _due
    return env


def _due(item: Any) -> MarkdownText:
    """An item's (or a check-in's) due date in words with its year ("Sat 12 Dec 2026"), and
    "(the coach's date)" when the leader named none; a hand-edited non-date is shown escaped."""
    from coach.checkin import CHOSEN_RECORD

    due = str(item.due)
    try:
        day = date.fromisoformat(due)
    except ValueError:
        return _cell(due)
    words = f"{day:%a} {day.day} {day:%b} {day.year}"
    return _cell(f"{words} ({CHOSEN_RECORD})" if getattr(item, "defaulted", False) else words)


def transcript_markdown(transcript: Transcript) -> str:
    """A saved session as a Markdown document: who, when, ratings, loyalty, actions, turns."""
    return _environment().get_template("transcript.md.j2").render(transcript=transcript)


def actions_markdown(rows: Sequence[tuple[str, str, ActionItem]]) -> str:
    """Action items as a Markdown table; each row is (session id, trait title, item)."""
    return _environment().get_template("actions.md.j2").render(rows=rows)


def markdown_text(text: Any) -> str:
    """Any value as Markdown text on one line, shown as typed: no HTML, no link, no block
    (for Markdown written outside these templates, such as the coach's notes)."""
    return str(_plain(text))


def markdown_quote(text: Any) -> str:
    """The leader's (or a coach's) words as a Markdown blockquote, shown as typed."""
    return str(_quote(text))
