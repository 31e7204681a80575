"""Pack texts as sandboxed Jinja2 templates, with the leader's words always as values."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta
from jinja2.sandbox import SandboxedEnvironment

from coach.engine.errors import TemplateFailure
from coach.engine.lexicon import Lexicon
from coach.engine.textmatch import excerpt, reflect


_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")


def make_environment(lexicon: Lexicon) -> SandboxedEnvironment:
    """A sandbox per pack: its `reflect` filter speaks the pack's language."""
    env = SandboxedEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["reflect"] = lambda text: reflect(str(text), lexicon)
    env.filters["excerpt"] = lambda text, words=12: excerpt(str(text), int(words))
    return env


@dataclass(frozen=True, slots=True)
class Text:
    """One pack text: a template, or several variants of which a session uses one."""

    sources: tuple[str, ...]
    templates: tuple[Any, ...]
    names: frozenset[str]

    def render(self, context: Mapping[str, Any], seed: str) -> str:
        """Render the variant this session uses.

        The variant is chosen from the session seed and the text itself, so a resumed
        session, or the same session replayed, reads exactly the same.

        Raises:
            TemplateFailure: the template failed (for example, it used an undefined value).
        """
        index = 0
        if len(self.templates) > 1:
            index = random.Random(f"{seed}\x00{self.sources[0]}").randrange(len(self.templates))
        try:
            rendered = str(self.templates[index].render(context))
            # Guarded blocks leave blank lines behind; a paragraph break is enough.
            return _BLANK_RUNS.sub("\n\n", _TRAILING.sub("", rendered)).strip()
        except TemplateError as exc:
            raise TemplateFailure(str(exc)) from None
        except (TypeError, ValueError, KeyError, AttributeError, ZeroDivisionError) as exc:
            raise TemplateFailure(f"{type(exc).__name__}: {exc}") from None


def compile_text(env: SandboxedEnvironment, value: str | list[str]) -> Text:
    """Compile a text or its variants.

    Raises:
        TemplateSyntaxError: with `lineno` relative to the text, and `variant` set.
    """
    sources = (value,) if isinstance(value, str) else tuple(value)
    templates = []
    names: set[str] = set()
    for i, source in enumerate(sources):
        try:
            ast = env.parse(source)
        except TemplateSyntaxError as exc:
            exc.variant = i  # type: ignore[attr-defined]
            raise
        names |= meta.find_undeclared_variables(ast)
        templates.append(env.from_string(source))
    return Text(sources, tuple(templates), frozenset(names))
