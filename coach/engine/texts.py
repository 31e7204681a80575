"""Pack texts as sandboxed Jinja2 templates, with the leader's words always as values."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
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


class Text:
    """One pack text: a template, or several variants of which a session uses one.

    Texts without template syntax are returned as they are; templates are compiled on first
    use, so loading a pack only parses them (a pack has a hundred texts, a session renders a
    few dozen)."""

    __slots__ = ("_compiled", "environment", "names", "sources")

    def __init__(
        self, environment: SandboxedEnvironment, sources: tuple[str, ...], names: frozenset[str]
    ) -> None:
        self.environment = environment
        self.sources = sources
        self.names = names
        self._compiled: dict[int, Any] = {}

    def __repr__(self) -> str:
        return f"Text({self.sources[0]!r}{', ...' if len(self.sources) > 1 else ''})"

    def render(self, context: Mapping[str, Any], seed: str) -> str:
        """Render the variant this session uses.

        The variant is chosen from the session seed and the text itself, so a resumed
        session, or the same session replayed, reads exactly the same.

        Raises:
            TemplateFailure: the template failed (for example, it used an undefined value).
        """
        index = 0
        if len(self.sources) > 1:
            index = random.Random(f"{seed}\x00{self.sources[0]}").randrange(len(self.sources))
        source = self.sources[index]
        if "{" not in source:
            return source.strip()
        template = self._compiled.get(index)
        if template is None:
            template = self._compiled[index] = self.environment.from_string(source)
        env = self.environment
        try:
            # A shared context skips Jinja's per-render copy of the variables; the globals
            # (range, namespace, ...) are merged in by `_with_globals`.
            ctx = template.new_context(_with_globals(env, context), shared=True)
            rendered = env.concat(template.root_render_func(ctx))
        except TemplateError as exc:
            raise TemplateFailure(str(exc)) from None
        except (TypeError, ValueError, KeyError, AttributeError, ZeroDivisionError) as exc:
            raise TemplateFailure(f"{type(exc).__name__}: {exc}") from None
        # Guarded blocks leave blank lines behind; a paragraph break is enough.
        return _BLANK_RUNS.sub("\n\n", _TRAILING.sub("", rendered)).strip()


def _with_globals(env: SandboxedEnvironment, context: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(env.globals)
    merged.update(context)
    return merged


def compile_text(env: SandboxedEnvironment, value: str | list[str]) -> Text:
    """Check a text or its variants and note the names they use.

    Raises:
        TemplateSyntaxError: with `lineno` relative to the text, and `variant` set.
    """
    sources = (value,) if isinstance(value, str) else tuple(value)
    names: set[str] = set()
    for i, source in enumerate(sources):
        if "{" not in source:
            continue
        try:
            ast = env.parse(source)
        except TemplateSyntaxError as exc:
            exc.variant = i  # type: ignore[attr-defined]
            raise
        names |= meta.find_undeclared_variables(ast)
    return Text(env, sources, frozenset(names))
