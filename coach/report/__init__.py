"""Rendering transcripts and action items for people (Markdown now; HTML later).

Templates are ours and ship as package data; the leader's words only ever arrive as values.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from coach.terminal import printable

if TYPE_CHECKING:
    from coach.transcript import ActionItem, Transcript


def _quote(text: Any) -> str:
    """A Markdown blockquote of the leader's words, line by line, so nothing they typed can
    turn into a heading, a list or a table of this document."""
    lines = printable(str(text)).split("\n")
    return "\n".join("> " + line if line.strip() else ">" for line in lines)


def _cell(text: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return printable(str(text)).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("coach.report", "templates"),
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["quote"] = _quote
    env.filters["cell"] = _cell
    env.filters["plain"] = lambda text: printable(str(text))
    return env


def transcript_markdown(transcript: Transcript) -> str:
    """A saved session as a Markdown document: who, when, ratings, loyalty, actions, turns."""
    return _environment().get_template("transcript.md.j2").render(transcript=transcript)


def actions_markdown(rows: Sequence[tuple[str, str, ActionItem]]) -> str:
    """Action items as a Markdown table; each row is (session id, trait title, item)."""
    return _environment().get_template("actions.md.j2").render(rows=rows)
