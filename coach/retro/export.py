"""The board as a report: Markdown (every value escaped on its way out) and HTML (autoescaped).

The templates are ours; the participants' words only ever arrive as values, exactly as in
coach/report: the Markdown finalizer escapes anything a template did not, and the HTML page
uses the report's base page (its content-security policy, its styles).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined

from coach.report import MarkdownText, markdown_environment, markdown_text
from coach.retro.board import Board
from coach.retro.plain import day_words, median_text
from coach.terminal import printable

__all__ = ["board_html", "board_markdown"]


@cache
def _markdown_env() -> Environment:
    # The reports' environment (its escaping finalizer and its `cell`), for our templates.
    env = markdown_environment("coach.retro").overlay()
    env.filters["day"] = lambda iso: MarkdownText(markdown_text(day_words(str(iso))))
    env.filters["median"] = median_text
    env.filters["join"] = lambda values, sep: MarkdownText(
        sep.join(markdown_text(v) for v in values)
    )
    return env


def _html_finalize(value: Any) -> Any:
    return printable(value) if isinstance(value, str) else value


@cache
def _html_env() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [PackageLoader("coach.retro", "templates"), PackageLoader("coach.report", "templates")]
        ),
        undefined=StrictUndefined,
        autoescape=True,
        finalize=_html_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = lambda iso: day_words(str(iso))
    env.filters["median"] = median_text
    return env


def board_markdown(board: Board) -> str:
    """The board as a Markdown document, what it shows and nothing it hides."""
    return _markdown_env().get_template("retro.md.j2").render(board=board)


def board_html(board: Board) -> str:
    """The board as a self-contained printable HTML page."""
    return _html_env().get_template("retro.html.j2").render(board=board)
