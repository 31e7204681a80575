"""Pack texts as sandboxed Jinja2 templates, with the leader's words always as values.

Packs are code from strangers, so a template runs in a sandbox that bounds what it can cost,
not only what it can reach. The bounds, per rendered text:

- the text itself: at most `MAX_TEXT` characters;
- any value a template makes (by `*`, `+`, `~`, `%`, `format`, a filter or a method): at
  most `MAX_VALUE` characters, unless it is no larger than what it was made from (a filter
  may trim or upper-case a long answer; it may not double it);
- repetition, formatting widths and counts are checked *before* the value is made:
  `'x' * n`, `'%09999d'`, `'{:>9999}'`, `center`, `ljust`, `replace`, `join`, `indent`,
  `batch`, `slice`; widths and precisions up to `MAX_WIDTH`, `range()` up to `MAX_RANGE`;
- loops: at most `MAX_LOOPS` iterations in all; loop and macro bodies charge their size
  (`NODE_COST` a syntax node) each time they run, against `MAX_WORK`, together with every
  character made or read, so a template's time is bounded whatever its shape;
- a macro that calls itself without end stops at Python's recursion limit.

Going past a bound raises `TemplateLimit` with the bound as the end of a sentence; the
dialogue names the pack file and step. Nothing is allocated beyond a small multiple of the
bound (or of the largest value the template was given) before the check refuses it.

The operators are Jinja's own sandbox hooks (`intercepted_binops`/`call_binop`, `call`,
`is_safe_attribute`, `wrap_str_format`, `finalize`, `concat`); loops and macros are bounded
by a code generator that adds a charge at the top of each body, and `~` goes through the
same checks as `+`.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from datetime import date
from functools import lru_cache, update_wrapper
from itertools import islice
from types import BuiltinMethodType, MethodType
from typing import Any

from jinja2 import StrictUndefined, TemplateError, TemplateSyntaxError, meta, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import FilterArgumentError
from jinja2.filters import FILTERS, do_join
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedFormatter
from jinja2.tests import TESTS
from jinja2.utils import Namespace, _PassArg

from coach.engine.errors import TemplateFailure, TemplateLimit
from coach.engine.lexicon import Lexicon
from coach.engine.textmatch import excerpt, normalise

MAX_TEXT = 100_000  # characters in one rendered text
MAX_VALUE = 100_000  # characters (or items) a value made while rendering may grow to
MAX_LOOPS = 10_000  # loop iterations in one text, all loops together
MAX_RANGE = 10_000  # numbers in one range(), groups in one batch() or slice()
MAX_WIDTH = 1_000  # a format width or precision, a center/ljust/rjust/zfill/indent width
MAX_WORK = 10_000_000  # characters made or read, plus the size of each body run, per text
MAX_INT = 10**15  # numbers made by +, * and **
NODE_COST = 50  # work units a syntax node of a loop or macro body costs each time it runs

_TEXT = f"the text would be longer than {MAX_TEXT:,} characters"
_VALUE = f"it would make a value of more than {MAX_VALUE:,} characters"
_LOOPS = f"its loops would run more than {MAX_LOOPS:,} times"
_WORK = f"it would take more than {MAX_WORK:,} steps of work"
_NUMBER = f"it would make a number above {MAX_INT:,}"
_RECURSION = "a macro calls itself too deeply (it never stops)"
_STAR = "it takes a format width from a value ('*'), which packs may not do"

# Jinja's filters a pack may use. Left out: `random` (a session must replay the same), the
# HTML ones (`escape`, `safe`, `forceescape`, `striptags`, `urlize`, `urlencode`,
# `xmlattr`, `tojson`), `pprint` (for debugging), `wordwrap` (front ends wrap).
JINJA_FILTERS = frozenset(
    ("abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort",
     "filesizeformat", "first", "float", "format", "groupby", "indent", "int", "items",
     "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr",
     "replace", "reverse", "round", "select", "selectattr", "slice", "sort", "string", "sum",
     "title", "trim", "truncate", "unique", "upper", "wordcount")
)  # fmt: skip
FILTER_NAMES = JINJA_FILTERS | {"reflect", "excerpt", "day"}
TEST_NAMES = frozenset(TESTS)
# Filters that read no more of a long text than they need, so its length is not charged.
_CHEAP = frozenset(("length", "count", "default", "d", "first", "last", "excerpt", "attr",
                    "truncate", "abs", "int", "float"))  # fmt: skip
# The methods of text a template may call (the sandbox allows more: `translate`,
# `expandtabs`, `encode` ... can make long text from short, and no pack needs them).
_STR_METHODS = frozenset(
    ("capitalize", "casefold", "center", "count", "endswith", "find", "format", "format_map",
     "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier",
     "islower", "isnumeric", "isprintable", "isspace", "istitle", "isupper", "join", "ljust",
     "lower", "lstrip", "partition", "removeprefix", "removesuffix", "replace", "rfind",
     "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split", "splitlines", "startswith",
     "strip", "swapcase", "title", "upper", "zfill")
)  # fmt: skip
_CONTAINERS = (list, tuple, dict, set, frozenset, Namespace)

_TRAILING = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")
_DIGITS = re.compile(r"\d+")
_PRINTF = re.compile(r"%(?:\(([^)]*)\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.?)", re.DOTALL)


# -- the budget of one render ---------------------------------------------------------------


class _Budget:
    __slots__ = ("loops", "work")

    def __init__(self) -> None:
        self.work = MAX_WORK
        self.loops = MAX_LOOPS


_BUDGET: ContextVar[_Budget | None] = ContextVar("coach_template_budget", default=None)


def _spend(amount: int) -> None:
    budget = _BUDGET.get()
    if budget is not None:
        budget.work -= amount
        if budget.work < 0:
            raise TemplateLimit(_WORK)


def _size(value: Any, limit: int = MAX_WORK) -> int:
    """About how many characters `value` takes as text, counted until past `limit`.

    Text counts its length, containers their items and what those hold; a number or any
    other object counts 1. The walk stops as soon as the count passes `limit`, so sizing a
    huge value costs no more than the limit.
    """
    if isinstance(value, str):
        return len(value)
    if not isinstance(value, _CONTAINERS):
        return 1
    total = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item) + 2
        elif isinstance(item, dict):
            total += 2 + 2 * len(item)
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list | tuple | set | frozenset):
            total += 2 + len(item)
            if total <= limit:
                stack.extend(item)
        elif isinstance(item, Namespace):
            stack.append(item._Namespace__attrs)
        else:
            total += 1
        if total > limit:
            return total
    return total


def _grow(size: int, largest: int) -> None:
    """Refuse a value past `MAX_VALUE` that grew there, and charge what an operation adds."""
    if size > largest:
        if size > MAX_VALUE:
            raise TemplateLimit(_VALUE)
        _spend(size - largest)


def _made(result: Any, *inputs: Any) -> Any:
    """A value an operation made from `inputs`: charged, and refused if it grew too large."""
    if isinstance(result, str):
        size = len(result)
    elif isinstance(result, _CONTAINERS):
        size = _size(result)
    else:
        return result
    if size > 1:
        _grow(size, max((_size(i, size) for i in inputs), default=0))
    return result


def _largest(*values: Any) -> int:
    return max((_size(v) for v in values), default=0)


def _width(value: Any) -> None:
    """A width, count of spaces or precision a template asks for."""
    number = len(value) if isinstance(value, str) else value
    if isinstance(number, int) and number > MAX_WIDTH:
        raise TemplateLimit(f"it asks for a width of {number:,}, above {MAX_WIDTH:,}")


def _spec(spec: str) -> None:
    """A `format()` spec such as `>20` or `.3f`: every number in it at most `MAX_WIDTH`."""
    for digits in _DIGITS.findall(spec):
        if len(digits) > 5 or int(digits) > MAX_WIDTH:
            raise TemplateLimit(
                f"it formats with a width or precision of {int(digits[:12]):,}, above {MAX_WIDTH:,}"
            )


def _percent(template: str, args: Any) -> str:
    """`template % args`, with every width and precision checked and the result predicted."""
    named = args if isinstance(args, Mapping) else None
    positional = list(args) if isinstance(args, tuple) else [args]
    predicted, index = len(template), 0
    for match in _PRINTF.finditer(template):
        key, width, precision, kind = match.groups()
        if kind == "%":
            continue
        if width == "*" or precision == "*":
            raise TemplateLimit(_STAR)
        for number in (width, precision):
            if number:
                _spec(number)
        if key is not None and named is not None:
            value = named.get(key)
        else:
            value = positional[index] if index < len(positional) else None
            index += 1
        size = _size(value) * (10 if kind in "ra" else 1) + 24  # 24: the longest number
        predicted += max(size, int(width or 0), int(precision or 0))
    _grow(predicted, _largest(template, args))
    return _made(template % args, template, args)  # type: ignore[no-any-return]


class _BoundedFormatter(SandboxedFormatter):
    """`str.format` in the sandbox, with widths checked and the text made so far counted."""

    def __init__(self, env: ImmutableSandboxedEnvironment, largest: int) -> None:
        super().__init__(env)
        self._largest = largest
        self._made = 0

    def format_field(self, value: Any, format_spec: str) -> Any:
        _spec(format_spec)
        text = super().format_field(value, format_spec)
        self._made += len(text)
        if self._made > MAX_VALUE and self._made > self._largest:
            raise TemplateLimit(_VALUE)
        return text


def _range(*args: Any) -> range:
    """`range()` for templates: at most `MAX_RANGE` numbers."""
    numbers = range(*args)
    try:
        count = len(numbers)
    except OverflowError:  # more than fits in a machine word
        count = MAX_RANGE + 1
    if count > MAX_RANGE:
        raise TemplateLimit(f"range() would count more than {MAX_RANGE:,} numbers")
    return numbers


# -- filters ----------------------------------------------------------------------------


def _count_arg(args: tuple[Any, ...], kwargs: Mapping[str, Any], name: str) -> None:
    count = args[1] if len(args) > 1 else kwargs.get(name)
    if isinstance(count, int) and count > MAX_RANGE:
        raise TemplateLimit(f"it asks for {count:,} groups, more than {MAX_RANGE:,}")


def _check_center(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    _width(args[1] if len(args) > 1 else kwargs.get("width", 80))


def _check_indent(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    width = args[1] if len(args) > 1 else kwargs.get("width", 4)
    _width(width)
    text = args[0]
    if isinstance(text, str):
        per_line = len(width) if isinstance(width, str) else int(width)
        _grow(len(text) + (text.count("\n") + 1) * max(per_line, 0), len(text))


def _check_replace(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    text = args[0]
    old = args[1] if len(args) > 1 else kwargs.get("old", "")
    new = args[2] if len(args) > 2 else kwargs.get("new", "")
    count = args[3] if len(args) > 3 else kwargs.get("count")
    _predict_replace(str(text), str(old), str(new), count)


def _predict_replace(text: str, old: str, new: str, count: Any) -> None:
    if len(new) <= len(old):
        return
    times = text.count(old) if old else len(text) + 1
    if isinstance(count, int) and count >= 0:
        times = min(times, count)
    _grow(len(text) + times * (len(new) - len(old)), max(len(text), len(new)))


def _check_sum(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    start = args[2] if len(args) > 2 else kwargs.get("start", 0)
    if not isinstance(start, int | float):
        raise TemplateLimit("sum() adds up numbers only (its 'start' must be a number)")


def _check_batch(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    _count_arg(args, kwargs, "linecount")


def _check_slice(args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> None:
    _count_arg(args, kwargs, "slices")


_CHECKS: dict[str, Callable[[tuple[Any, ...], Mapping[str, Any]], None]] = {
    "center": _check_center,
    "indent": _check_indent,
    "replace": _check_replace,
    "sum": _check_sum,
    "batch": _check_batch,
    "slice": _check_slice,
}


def _bounded_list(values: Any) -> list[Any]:
    """An iterable as a list of at most `MAX_VALUE` items (more is refused, not read)."""
    items = list(islice(values, MAX_VALUE + 1))
    if len(items) > MAX_VALUE:
        raise TemplateLimit(_VALUE)
    return items


def _join(eval_ctx: Any, value: Iterable[Any], d: str = "", attribute: Any = None) -> str:
    items = value if isinstance(value, str) else _bounded_list(value)
    if attribute is None:
        sizes = [_size(item) for item in items]
        _grow(sum(sizes) + len(str(d)) * max(len(sizes) - 1, 0), max(sizes, default=0))
    return str(do_join(eval_ctx, items, d, attribute))


_join.jinja_pass_arg = _PassArg.eval_context  # type: ignore[attr-defined]


def _format(value: Any, *args: Any, **kwargs: Any) -> str:
    """The `format` filter (`'%s, %s' | format(a, b)`) through the bounded `%`."""
    if args and kwargs:
        raise FilterArgumentError("can't handle positional and keyword arguments at the same time")
    return _percent(str(value), kwargs or args)


def _bounded_filter(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that charges what it reads and makes, and checks its arguments first."""
    skip = 1 if _PassArg.from_obj(func) is not None else 0
    cheap = name in _CHEAP
    check = _CHECKS.get(name)

    def run(*args: Any, **kwargs: Any) -> Any:
        given = args[skip:]
        if given and not cheap:
            _spend(1 + _size(given[0]))
        if check is not None and given:
            check(given, kwargs)
        return _made(func(*args, **kwargs), *given, *kwargs.values())

    return update_wrapper(run, func)


# -- the environment --------------------------------------------------------------------


def _charge(cost: int, lineno: int) -> nodes.ExprStmt:
    """A statement charging `cost` each time it runs; the code generator writes it as a
    direct call (a template cannot write an expression statement, so nothing else is one)."""
    call = nodes.Call(
        nodes.EnvironmentAttribute("coach_charge", lineno=lineno),
        [nodes.Const(cost, lineno=lineno)], [], None, None, lineno=lineno,
    )  # fmt: skip
    return nodes.ExprStmt(call, lineno=lineno)


def _body_cost(body: list[nodes.Node]) -> int:
    """What running `body` once costs: its syntax nodes, each about a microsecond."""
    return NODE_COST * (len(body) + sum(1 for node in body for _ in node.find_all(nodes.Node)))


def _bound(tree: nodes.Template) -> None:
    """Make every loop count its iterations and every loop and macro body charge its size."""
    for loop in list(tree.find_all(nodes.For)):
        if loop.recursive:
            raise TemplateLimit("it uses a recursive loop, which packs may not use")
        cost = _body_cost(loop.body)
        loop.iter = nodes.Call(
            nodes.EnvironmentAttribute("coach_loop", lineno=loop.lineno), [loop.iter], [], None,
            None, lineno=loop.lineno,
        )  # fmt: skip
        loop.body.insert(0, _charge(cost, loop.lineno))
    for block in list(tree.find_all((nodes.Macro, nodes.CallBlock))):
        assert isinstance(block, nodes.Macro | nodes.CallBlock)  # for mypy
        block.body.insert(0, _charge(_body_cost(block.body), block.lineno))


class _BoundedCodeGenerator(CodeGenerator):
    """Jinja's code generator, with loops and macros bounded and `~` checked like `+`."""

    def visit_Template(self, node: nodes.Template, frame: Frame | None = None) -> None:
        _bound(node)
        super().visit_Template(node, frame)

    def visit_ExprStmt(self, node: nodes.ExprStmt, frame: Frame) -> None:
        call = node.node
        if (
            isinstance(call, nodes.Call)
            and isinstance(call.node, nodes.EnvironmentAttribute)
            and call.node.name == "coach_charge"
            and isinstance(call.args[0], nodes.Const)
        ):
            self.writeline(f"environment.coach_charge({int(call.args[0].value)})", node)
            return
        super().visit_ExprStmt(node, frame)

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.coach_join((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")


def _finalize(value: Any) -> Any:
    """What `{{ value }}` prints: containers are sized before they are written out."""
    if isinstance(value, _CONTAINERS) and _size(value, MAX_TEXT) > MAX_TEXT:
        raise TemplateLimit(_TEXT)
    return value


class PackEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox with every cost bounded (see the module's docstring).

    Built once per pack. Rendering through `Text.render` also applies the per-text budget
    of work and loop iterations; the size checks hold for any render.
    """

    intercepted_binops = frozenset(("+", "*", "%", "**"))
    code_generator_class = _BoundedCodeGenerator

    def __init__(self, **options: Any) -> None:
        super().__init__(optimized=False, finalize=_finalize, **options)
        # No constant folding (`optimized=False`): nothing of a template runs while it compiles.
        self.globals["range"] = _range
        del self.globals["lipsum"]  # random words: a session must replay the same
        self.filters = {
            name: _bounded_filter(name, func)
            for name, func in {**FILTERS, "join": _join, "format": _format}.items()
            if name in JINJA_FILTERS
        }
        self.concat = self._concat  # type: ignore[method-assign]

    def add_filter(self, name: str, func: Callable[..., Any]) -> None:
        """Add a filter of coach's own, bounded like Jinja's."""
        self.filters[name] = _bounded_filter(name, func)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, str) and attr not in _STR_METHODS:
            return False
        return bool(super().is_safe_attribute(obj, attr, value))

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        _spend(1)
        if operator == "%" and isinstance(left, str):
            return _percent(left, right)
        if operator == "*":
            times, seq = (left, right) if isinstance(left, int) else (right, left)
            if isinstance(seq, str | list | tuple) and isinstance(times, int) and times > 1:
                unit = _size(seq, MAX_VALUE + 1)
                _grow(unit * times, unit)
        elif operator == "+":
            if isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple):
                sizes = (_size(left, MAX_VALUE + 1), _size(right, MAX_VALUE + 1))
                _grow(sum(sizes), max(sizes))
        elif (
            operator == "**"
            and isinstance(left, int)
            and isinstance(right, int)
            and abs(left) > 1
            and right * abs(left).bit_length() > 64
        ):
            raise TemplateLimit(_NUMBER)
        result = self.binop_table[operator](left, right)
        if isinstance(result, int) and abs(result) > MAX_INT:
            raise TemplateLimit(_NUMBER)
        return _made(result, left, right)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _spend(1)
        receiver = (
            getattr(__obj, "__self__", None) if isinstance(__obj, BuiltinMethodType) else None
        )
        if isinstance(receiver, str):
            _spend(len(receiver))
            name = __obj.__name__
            if name in ("center", "ljust", "rjust", "zfill") and args:
                _width(args[0])
            elif name == "replace" and len(args) >= 2:
                _predict_replace(receiver, str(args[0]), str(args[1]), args[2] if args[2:] else -1)
            elif name == "join" and args:
                items = _bounded_list(args[0])
                sizes = [_size(item) for item in items]
                _grow(sum(sizes) + len(receiver) * max(len(sizes) - 1, 0), max(sizes, default=0))
                args = (items, *args[1:])
        elif isinstance(receiver, _CONTAINERS):
            _spend(len(receiver))
        result = super().call(__context, __obj, *args, **kwargs)
        given = [v for k, v in kwargs.items() if not k.startswith("_")]
        return _made(result, receiver, *args, *given)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        if not isinstance(value, MethodType | BuiltinMethodType) or value.__name__ not in (
            "format",
            "format_map",
        ):
            return None
        text = value.__self__
        if not isinstance(text, str):
            return None
        is_map = value.__name__ == "format_map"

        def bounded(*args: Any, **kwargs: Any) -> str:
            if is_map:
                if kwargs or len(args) != 1:
                    raise TypeError("format_map() takes exactly one argument")
                kwargs, args = args[0], ()
            largest = _largest(text, *args, *kwargs.values())
            formatter = _BoundedFormatter(self, largest)
            result = str(formatter.vformat(text, args, kwargs))
            return _made(result, text, *args, *kwargs.values())  # type: ignore[no-any-return]

        return update_wrapper(bounded, value)

    def coach_join(self, values: tuple[Any, ...]) -> str:
        """`a ~ b`: text joined, checked like `+`."""
        _spend(1)
        parts = [v if isinstance(v, str) else str(_finalize(v)) for v in values]
        sizes = [len(p) for p in parts]
        _grow(sum(sizes), max(sizes, default=0))
        return "".join(parts)

    def coach_loop(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """A loop's items, counted against the budget's iterations."""
        budget = _BUDGET.get() or _Budget()
        for item in iterable:
            budget.loops -= 1
            if budget.loops < 0:
                raise TemplateLimit(_LOOPS)
            yield item

    def coach_charge(self, cost: int) -> None:
        """A loop or macro body about to run (see `_charge`)."""
        _spend(cost)

    def _concat(self, chunks: Iterable[str]) -> str:
        """Output (of a text, a macro, a `{% set %}` block), at most `MAX_TEXT` characters."""
        parts: list[str] = []
        total = 0
        for chunk in chunks:
            total += len(chunk)
            if total > MAX_TEXT:
                raise TemplateLimit(_TEXT)
            parts.append(chunk)
        _spend(total)
        return "".join(parts)


_REFLECT_WORD = re.compile(r"\w+(?:['’]\w+)*")
_QUOTES = frozenset('"“”„«»‹›')
_SENTENCE_ENDS = ".!?\n:;"
REFLECT_UP_TO = 2_000  # a longer text is quoted as typed: a reflection is a few words back


@lru_cache(maxsize=16)
def _reflect_tables(lexicon: Lexicon) -> tuple[dict[str, str], frozenset[str]]:
    """The swaps both ways, and the words that make a text be quoted.

    The first person becomes the second (the lexicon's `reflect`); the second person, said
    to the coach, comes back as the first ("yours" -> "mine") where the swap has one answer.
    A second-person word that several first-person words turn into ("you", from "I" and
    "me": subject or object?) cannot be swapped back without parsing: a text holding it
    is given back as typed, or unchanged when it has no first person (the generic "you").
    """
    swaps = dict(lexicon.reflect)
    sources: dict[str, list[str]] = {}
    for first, second in lexicon.reflect.items():
        sources.setdefault(normalise(second), []).append(first)
    ambiguous: set[str] = set()
    for second, firsts in sources.items():
        if len({f.replace("'", "") for f in firsts}) > 1:  # "i'm" and "im" are one word
            ambiguous.add(second)
        elif second not in swaps:
            swaps[second] = max(firsts, key=len)
    return swaps, frozenset(ambiguous)


def _cased(original: str, replacement: str, sentence_start: bool) -> str:
    if replacement.casefold() == "i" or replacement.casefold().startswith("i'"):
        return "I" + replacement[1:]
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original.casefold() == "i" or normalise(original).startswith("i'"):
        upper = sentence_start  # "I" is always capitalised: only a sentence start decides
    else:
        upper = original[:1].isupper()
    return replacement[:1].upper() + replacement[1:] if upper else replacement


def _sentence_start(text: str, at: int) -> bool:
    head = text[:at].rstrip(" \t'‘(")
    return not head or head[-1] in _SENTENCE_ENDS


def _question(text: str, start: int, end: int) -> bool:
    """Whether a verb before its subject asks ("Am I too hard?", "how was I to know?"),
    rather than telling the time ("at 9 am I called")."""
    if _sentence_start(text, start):
        return True
    rest = text[end:]
    stop = min((rest.find(c) for c in ".!?\n" if c in rest), default=-1)
    return stop >= 0 and rest[stop] == "?"


def reflect(text: str, lexicon: Lexicon) -> str:
    """The leader's words as the coach says them back: "I was sure my plan worked" -> "you
    were sure your plan worked", grammatical or not at all.

    The first person becomes the second (`reflect`), and verbs agree with the new subject
    (`reflect_verbs`: "I wasn't" -> "you weren't", "am I" -> "are you"; "at 9 am" stays).
    The second person comes back as the first ("mine, not yours" -> "yours, not mine").
    Where a swap cannot be made grammatical the words are given back exactly as typed, so a
    template that puts them in quotation marks quotes the leader: a text with quotation
    marks of its own (reported speech), a "you" beside a first person ("I told you
    already": "you told me" or "you told I"?), or a text longer than `REFLECT_UP_TO`.
    """
    if len(text) > REFLECT_UP_TO or any(c in _QUOTES for c in text):
        return text
    swaps, ambiguous = _reflect_tables(lexicon)
    words = list(_REFLECT_WORD.finditer(text))
    folded = [normalise(w.group(0)) for w in words]
    if any(w in ambiguous for w in folded):
        return text  # as typed: a quote where "you" is the leader's, unchanged where generic
    subjects, verbs = set(lexicon.reflect_subjects), lexicon.reflect_verbs
    adverbs = set(lexicon.reflect_adverbs)
    out: list[str] = []
    last = 0
    for i, match in enumerate(words):
        word = folded[i]
        replacement = None
        if word in verbs:  # before `swaps`: a pack's "am: am" must not stop "I am" agreeing
            j = i - 1
            while j >= 0 and i - j <= 3 and (folded[j] in adverbs or folded[j].endswith("ly")):
                j -= 1
            after = folded[i + 1] if i + 1 < len(folded) else ""
            if (j >= 0 and folded[j] in subjects and i - j <= 3) or (
                after in subjects and _question(text, match.start(), match.end())
            ):
                replacement = verbs[word]
        if replacement is None:
            replacement = swaps.get(word)
        if replacement is None:
            continue
        out.append(text[last : match.start()])
        said = _cased(match.group(0), replacement, _sentence_start(text, match.start()))
        out.append(said.replace("'", "’") if "’" in match.group(0) else said)
        last = match.end()
    out.append(text[last:])
    return "".join(out)


def make_environment(lexicon: Lexicon) -> PackEnvironment:
    """A sandbox per pack: its `reflect` filter speaks the pack's language."""
    env = PackEnvironment(
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.add_filter("reflect", lambda text: reflect(str(text), lexicon))
    env.add_filter("excerpt", lambda text, words=12: excerpt(str(text), int(words)))
    env.add_filter("day", lambda value, pattern=DAY_PATTERN: day_words(value, lexicon, pattern))
    return env


DAY_PATTERN = "{wd} {day} {mon}"
"""How `day` says a date unless the pack says otherwise: "Fri 4 Dec"."""
_DAY_FIELDS = re.compile(r"\{(weekday|wd|day|month|mon|year)\}")


def day_words(value: Any, lexicon: Lexicon, pattern: str = DAY_PATTERN) -> str:
    """A `YYYY-MM-DD` date as a person reads it, in the pack's own day and month names:
    `{weekday}`, `{wd}` (its first three letters), `{day}`, `{month}`, `{mon}`, `{year}`.
    Anything that is not a date comes back as it was, so a template never fails on it."""
    text = str(value)
    try:
        when = date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        when = None
    if when is None:
        return text
    weekday = lexicon.weekdays[when.weekday()].capitalize()
    month = lexicon.months[when.month - 1].capitalize()
    parts = {
        "weekday": weekday, "wd": weekday[:3], "day": str(when.day), "month": month,
        "mon": month[:3], "year": str(when.year),
    }  # fmt: skip
    return _DAY_FIELDS.sub(lambda m: parts[m.group(1)], str(pattern)[:200])


class Text:
    """One pack text: a template, or several variants of which a session uses one.

    Texts without template syntax are returned as they are; templates are compiled on first
    use, so loading a pack only parses them (a pack has a hundred texts, a session renders a
    few dozen)."""

    __slots__ = ("_compiled", "environment", "names", "sources")

    def __init__(
        self, environment: PackEnvironment, sources: tuple[str, ...], names: frozenset[str]
    ) -> None:
        self.environment = environment
        self.sources = sources
        self.names = names
        self._compiled: dict[int, Any] = {}

    def __repr__(self) -> str:
        return f"Text({self.sources[0]!r}{', ...' if len(self.sources) > 1 else ''})"

    def render(self, context: Mapping[str, Any], seed: str) -> str:
        """Render the variant this session uses, within the sandbox's bounds.

        The variant is chosen from the session seed and the text itself, so a resumed
        session, or the same session replayed, reads exactly the same.

        Raises:
            TemplateLimit: the template went past a bound (its `reason` says which).
            TemplateFailure: the template failed otherwise (for example, it used an
                undefined value).
        """
        index = 0
        if len(self.sources) > 1:
            index = random.Random(f"{seed}\x00{self.sources[0]}").randrange(len(self.sources))
        source = self.sources[index]
        if "{" not in source:
            return source.strip()
        env = self.environment
        token = _BUDGET.set(_Budget())
        try:
            template = self._compiled.get(index)
            if template is None:
                template = self._compiled[index] = env.from_string(source)
            # A shared context skips Jinja's per-render copy of the variables; the globals
            # (range, namespace, ...) are merged in by `_with_globals`.
            ctx = template.new_context(_with_globals(env, context), shared=True)
            rendered = env.concat(template.root_render_func(ctx))
        except TemplateLimit:
            raise
        except RecursionError:
            raise TemplateLimit(_RECURSION) from None
        except MemoryError:  # a bound above should have struck first; say so, do not crash
            raise TemplateLimit("it ran out of memory") from None
        except TemplateError as exc:
            raise TemplateFailure(_short(str(exc))) from None
        except (
            TypeError, ValueError, KeyError, AttributeError, IndexError, ZeroDivisionError,
            OverflowError,
        ) as exc:  # fmt: skip
            raise TemplateFailure(_short(f"{type(exc).__name__}: {exc}")) from None
        finally:
            _BUDGET.reset(token)
        # Guarded blocks leave blank lines behind; a paragraph break is enough.
        return _BLANK_RUNS.sub("\n\n", _TRAILING.sub("", rendered)).strip()


def _short(message: str, limit: int = 300) -> str:
    """An error message of one line and reasonable length (it may quote a value)."""
    line = " ".join(message.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _with_globals(env: PackEnvironment, context: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(env.globals)
    merged.update(context)
    return merged


def compile_text(env: PackEnvironment, value: str | list[str]) -> Text:
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
