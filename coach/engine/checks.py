"""Checks that need the whole pack: the flow of steps, what templates read, and dead rules.

`pack.py` checks each value where it stands (types, keys, ids); this module checks how the
parts fit together, the way a compiler checks a program after parsing it: steps no path
reaches, loops that never end, templates reading answers that cannot exist yet, conditions
naming steps that do not exist, probes that can never fire, variables nobody reads.

The flow analysis treats every condition as possibly true and possibly false, and every
skippable step as possibly skipped, so an error here is a real path a leader can take.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jinja2 import nodes
from jinja2.filters import FILTERS
from jinja2.tests import TESTS

from coach.engine.conditions import ALWAYS, COMBINATORS, SUBJECTS
from coach.engine.dates import parse_due
from coach.engine.errors import Problem, did_you_mean
from coach.engine.lexicon import Lexicon
from coach.engine.source import Located, Path
from coach.engine.texts import FILTER_NAMES, MAX_WIDTH, TEST_NAMES

# The names every pack text can use, and the extra names of particular texts.
CONTEXT = frozenset(
    ("participant", "answers", "followups", "vars", "ratings", "accepted", "section", "traits")
)
JINJA_GLOBALS = frozenset(("range", "dict", "cycler", "joiner", "namespace"))
PROBE_NAMES = frozenset(("last", "hedge", "hedge_said", "match"))
CONFIRM_NAMES = frozenset(("guess", "guess_label", "candidates", "tied", "clear"))
OFFER_NAMES = frozenset(("suggestion",))
MESSAGE_NAMES = {
    "rating_invalid": frozenset(("min", "max")),
    "choice_ambiguous": frozenset(("options",)),
    "due_noted": frozenset(("date", "weekday", "month", "day")),
    "due_defaulted": frozenset(("date", "weekday", "month", "day")),
    "due_past": frozenset(("date", "weekday", "month", "day")),
    "guess_kept": frozenset(("guess", "guess_label")),
}
ROOTS = ("answers", "followups", "vars", "ratings", "traits")
DICT_METHODS = frozenset(("get", "items", "keys", "values"))
# Jinja folds constant expressions while compiling, so `{{ 'x' * 10**9 }}` or
# `{{ 'x' | center(10**9) }}` would take a gigabyte while the pack *loads*; the sandbox
# does not stop it. Big numbers, powers and multiplied text are refused on sight.
MAX_FACTOR = 1000
MAX_NUMBER = 10_000
_DUNDER = re.compile(r"__\w+__")
# A number in a format spec: `'%09999d' % x`, `'{:>9999}'.format(x)`, `'%.9999f' | format(x)`.
_PRINTF_SPEC = re.compile(r"%(?:\([^)]*\))?[#0\- +]*(\*|\d+)?(?:\.(\*|\d*))?[hlL]?[a-zA-Z]")
_FORMAT_SPEC = re.compile(r"\{[^{}]*?:([^{}]*)\}")
_NUMBER = re.compile(r"\d+")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


# -- what one template reads ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lookup:
    """`answers.x`, `answers['x']` or `answers.get('x')` in a template."""

    root: str
    key: str
    safe: bool  # `.get(...)`: never fails, whatever the flow


@dataclass(slots=True)
class TemplateInfo:
    """What a template reads and anything hostile in it, found from its syntax tree."""

    names: frozenset[str]
    lookups: list[Lookup] = field(default_factory=list)
    guarded: set[tuple[str, str]] = field(default_factory=set)
    dynamic: set[str] = field(default_factory=set)  # roots read with computed keys
    hazards: list[tuple[str, str]] = field(default_factory=list)  # (token, message)
    loaded: set[str] = field(default_factory=set)
    stored: set[str] = field(default_factory=set)


def analyse_template(ast: nodes.Template) -> TemplateInfo:
    """Find the names, lookups, guards and hazards in a parsed template, in one walk.

    The names a template reads from outside are the names it loads and never sets anywhere;
    that is `jinja2.meta.find_undeclared_variables` without compiling the template, which
    would cost twice the parse and fold constants (where a hostile `'x' * 10**9` strikes).
    """
    info = TemplateInfo(frozenset())
    _walk(ast, None, info)
    info.names = frozenset(info.loaded - info.stored)
    # `{% if answers.get('x') %}...{{ answers.x }}` is the usual guard: a key read safely in
    # an `if` test counts as guarded in the whole template (a little generous, never noisy).
    for branch in ast.find_all((nodes.If, nodes.CondExpr)):
        if not isinstance(branch, nodes.If | nodes.CondExpr):  # pragma: no cover - for mypy
            continue
        test = branch.test
        for node in (test, *test.find_all(nodes.Call)):
            key = _key_of(node)
            if key is not None and isinstance(node, nodes.Call):
                info.guarded.add(key)
    return info


def _key_of(node: nodes.Node) -> tuple[str, str] | None:
    """(root, key) when `node` is `root.key`, `root['key']` or `root.get('key')`."""
    if (
        isinstance(node, nodes.Getattr)
        and isinstance(node.node, nodes.Name)
        and node.node.name in ROOTS
        and node.attr not in DICT_METHODS
    ):
        return node.node.name, node.attr
    if (
        isinstance(node, nodes.Getitem)
        and isinstance(node.node, nodes.Name)
        and node.node.name in ROOTS
        and isinstance(node.arg, nodes.Const)
        and isinstance(node.arg.value, str)
    ):
        return node.node.name, node.arg.value
    if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
        inner = node.node
        if (
            isinstance(inner.node, nodes.Name)
            and inner.node.name in ROOTS
            and inner.attr == "get"
            and node.args
            and isinstance(node.args[0], nodes.Const)
            and isinstance(node.args[0].value, str)
        ):
            return inner.node.name, node.args[0].value
    return None


_SIMPLE = re.compile(r"\{\{-?\s*([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\s*-?\}\}")
_KEYWORDS = frozenset(
    ("not", "and", "or", "in", "is", "if", "else", "true", "false", "none", "True", "False",
     "None", "recursive", "block", "for", "set", "with", "without", "context", "ignore")
)  # fmt: skip


def simple_template(source: str) -> TemplateInfo | None:
    """The analysis of a text whose only tags are `{{ name }}` or `{{ name.attr }}`, without
    Jinja's parser; None for anything else (which then gets the full parse).

    Most pack texts quote a value or two: this keeps `coach packs check` on a 2,000-step
    pack from spending most of its time in the parser. Rendering still goes through Jinja.
    """
    if "{%" in source or "{#" in source:
        return None
    loaded: set[str] = set()
    info = TemplateInfo(frozenset())
    for match in _SIMPLE.finditer(source):
        parts = match.group(1).split(".")
        if _KEYWORDS.intersection(parts):
            return None
        root = parts[0]
        loaded.add(root)
        for attr in parts[1:]:
            if attr.startswith("_"):
                info.hazards.append(
                    (attr, f"the template reaches for '{attr}', which packs may not use")
                )
        if root in ROOTS:
            if len(parts) > 1 and parts[1] not in DICT_METHODS:
                info.lookups.append(Lookup(root, parts[1], False))
            else:
                info.dynamic.add(root)
    if "{{" in _SIMPLE.sub("", source):
        return None
    info.names = frozenset(loaded)
    return info


_OUTSIDE = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def _walk(node: nodes.Node, parent: nodes.Node | None, info: TemplateInfo) -> None:
    if isinstance(node, nodes.Name):
        (info.loaded if node.ctx == "load" else info.stored).add(node.name)
    elif isinstance(node, nodes.For):
        info.stored.add("loop")
    elif isinstance(node, nodes.Macro | nodes.CallBlock):
        info.stored.update(("caller", "varargs", "kwargs"))
        if isinstance(node, nodes.Macro):
            info.stored.add(node.name)
    elif isinstance(node, _OUTSIDE):
        info.hazards.append(("{%", "a pack's template cannot include or import other templates"))
    if isinstance(node, nodes.For) and node.recursive:
        info.hazards.append(
            ("recursive", "the template uses a recursive loop, which packs may not use")
        )
    elif isinstance(node, nodes.Filter | nodes.Test):
        kind, known = (
            ("filter", FILTER_NAMES) if isinstance(node, nodes.Filter) else ("test", TEST_NAMES)
        )
        if node.name not in known:
            info.hazards.append((node.name, _unknown(kind, node.name, known)))
        if isinstance(node, nodes.Filter) and node.name == "format":
            _format_widths(node.node, "%", info)
    elif isinstance(node, nodes.Mod):
        _format_widths(node.left, "%", info)
    elif (
        isinstance(node, nodes.Call)
        and isinstance(node.node, nodes.Getattr)
        and node.node.attr in ("format", "format_map")
    ):
        _format_widths(node.node.node, "{", info)
    key = _key_of(node)
    if key is not None:
        safe = isinstance(node, nodes.Call)
        info.lookups.append(Lookup(key[0], key[1], safe))
        info.loaded.add(key[0])
        if isinstance(parent, nodes.Test) and parent.name in ("defined", "undefined"):
            info.guarded.add(key)
        if isinstance(parent, nodes.Filter) and parent.name in ("default", "d"):
            info.guarded.add(key)
        # Walk only what is not the lookup itself (a `.get` call's default, say).
        if isinstance(node, nodes.Call):
            for child in node.args[1:]:
                _walk(child, node, info)
        return
    if isinstance(node, nodes.Name) and node.name in ROOTS and node.ctx == "load":
        membership = isinstance(parent, nodes.Operand) and parent.op in ("in", "notin")
        if not membership:
            info.dynamic.add(node.name)
    if isinstance(node, nodes.Compare) and isinstance(node.expr, nodes.Const):
        for operand in node.ops:
            if (
                operand.op in ("in", "notin")
                and isinstance(operand.expr, nodes.Name)
                and operand.expr.name in ROOTS
                and isinstance(node.expr.value, str)
            ):
                info.guarded.add((operand.expr.name, node.expr.value))
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        info.hazards.append(
            (node.attr, f"the template reaches for '{node.attr}', which packs may not use")
        )
    elif isinstance(node, nodes.Const) and isinstance(node.value, str):
        found = _DUNDER.search(node.value)
        if found:
            info.hazards.append(
                (found.group(0), f"the template names '{found.group(0)}', which packs may not use")
            )
    elif (
        isinstance(node, nodes.Const)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
        and abs(node.value) > MAX_NUMBER
    ):
        info.hazards.append(
            (
                str(node.value),
                f"the template uses a number above {MAX_NUMBER:,}, which packs may not use",
            )
        )
    elif isinstance(node, nodes.Pow):
        info.hazards.append(("**", "the template raises to a power ('**'), which packs may not do"))
    elif isinstance(node, nodes.Mul):
        for side in (node.left, node.right):
            repeats_text = isinstance(side, nodes.List | nodes.Tuple | nodes.Mul) or (
                isinstance(side, nodes.Const) and isinstance(side.value, str)
            )
            too_big = (
                isinstance(side, nodes.Const)
                and isinstance(side.value, int | float)
                and abs(side.value) > MAX_FACTOR
            )
            if repeats_text or too_big:
                info.hazards.append(
                    ("*", f"the template multiplies text or lists, or by more than {MAX_FACTOR:,}")
                )
                break
    for inner in node.iter_child_nodes():
        _walk(inner, node, info)


def _unknown(kind: str, name: str, known: frozenset[str]) -> str:
    if name in (FILTERS if kind == "filter" else TESTS):
        return f"the template uses the {kind} '{name}', which packs may not use"
    return f"the template uses the {kind} '{name}', which does not exist{did_you_mean(name, known)}"


def _format_widths(node: nodes.Node | None, style: str, info: TemplateInfo) -> None:
    """A constant format string's widths and precisions, each at most `MAX_WIDTH`."""
    if not isinstance(node, nodes.Const) or not isinstance(node.value, str):
        return
    text = node.value
    if style == "%":
        specs = [m.group(0) for m in _PRINTF_SPEC.finditer(text)]
    else:
        specs = [m.group(1) for m in _FORMAT_SPEC.finditer(text)]
    for spec in specs:
        if style == "%" and "*" in spec:
            info.hazards.append(
                (
                    spec,
                    "the template takes a format width from a value ('*'), which packs may not do",
                )
            )
            continue
        for digits in _NUMBER.findall(spec):
            if len(digits) > 5 or int(digits) > MAX_WIDTH:
                info.hazards.append(
                    (
                        spec,
                        f"the template formats with a width or precision of {int(digits[:12]):,}; "
                        f"packs may use up to {MAX_WIDTH:,}",
                    )
                )
                break


# -- where a text or condition is used --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """When a text is rendered: before its step is answered, after, at the end, or anywhere.

    `guards` are the (kind, name) pairs a surrounding condition tests, which make a lookup
    safe (an action rule's text renders only when its `if` held)."""

    moment: str  # "before" | "after" | "end" | "message"
    step: str | None = None
    extras: frozenset[str] = frozenset()
    guards: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True, slots=True)
class TextUse:
    path: Path
    what: str
    scope: Scope
    variants: tuple[tuple[int | None, TemplateInfo], ...]  # (variant index or None, info)


@dataclass(frozen=True, slots=True)
class ConditionUse:
    path: Path
    data: Any
    role: str  # "when" | "next" | "probe" | "suggest" | "action"
    step: str | None


@dataclass(slots=True)
class Collected:
    """What `pack.py` gathered while building, for the whole-pack checks."""

    texts: list[TextUse] = field(default_factory=list)
    conditions: list[ConditionUse] = field(default_factory=list)
    step_paths: dict[str, Path] = field(default_factory=dict)
    set_paths: dict[str, list[Path]] = field(default_factory=dict)  # var → where it is set
    dues: list[tuple[Path, str]] = field(default_factory=list)


# -- the checks -------------------------------------------------------------------------


class _Report:
    def __init__(self, located: Located, lines: Sequence[str]) -> None:
        self.loc = located
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, path: Path, message: str, severity: str = "error") -> None:
        self.problems.append(self.loc.problem(path, message, severity))

    def add_in_text(
        self, path: Path, token: re.Pattern[str], message: str, severity: str = "error"
    ) -> None:
        """Point at `token` inside the text at `path` when it can be found on its lines."""
        line, col = self.loc.where(path)
        last = self.loc.ends.get(path, line)
        for number in range(line, min(last, len(self.lines)) + 1):
            source = self.lines[number - 1]
            start = col - 1 if number == line else 0
            for tag in _TAG.finditer(source, start):
                found = token.search(source, tag.start(), tag.end())
                if found:
                    self.problems.append(
                        Problem(self.loc.source, number, found.start() + 1, message, severity)
                    )
                    return
        self.problems.append(Problem(self.loc.source, line, col, message, severity))


def check_pack_flow(
    pack: Any, located: Located, lines: Sequence[str], collected: Collected
) -> list[Problem]:
    """Every whole-pack problem, errors and warnings, each with its place.

    Args:
        pack: the built `Pack` (typed loosely: this module sits below `pack.py`).
        located: the pack's YAML with positions.
        lines: the pack's text, line by line, to point inside templates.
        collected: the texts, conditions and places `pack.py` gathered.
    """
    report = _Report(located, lines)
    flow = Flow(pack)
    _check_reach(report, pack, flow, collected)
    _check_texts(report, pack, flow, collected)
    _check_conditions(report, pack, flow, collected)
    _check_probes(report, pack, collected)
    _check_unused(report, pack, collected)
    _check_dues(report, pack, collected)
    return report.problems


class Flow:
    """The step graph and, for each step, which answers and variables exist when it is entered.

    Answers and variables are bit sets (Python ints), so a 2,000-step pack is analysed in
    milliseconds: `must` holds what every path has set, `may` what some path has set."""

    def __init__(self, pack: Any) -> None:
        steps = pack.steps
        n = len(steps)
        self.n = n
        self.index: dict[str, int] = {s.id: s.index for s in steps}
        self.var_bit: dict[str, int] = {}
        for step in steps:
            for name in step.set:
                self.var_bit.setdefault(name, len(self.var_bit))
            if step.classify:
                self.var_bit.setdefault(step.classify.into, len(self.var_bit))
        # successors: (target index, n for the end; whether the step itself was processed)
        self.succ: list[list[tuple[int, bool]]] = []
        for i, step in enumerate(steps):
            out: list[tuple[int, bool]] = []
            if step.conditional:
                out.append((i + 1, False))
            fall = True
            for branch in step.next:
                target = n if branch.goto == "end" else self.index.get(branch.goto)
                if target is not None:
                    out.append((target, True))
                if branch.when is ALWAYS:
                    fall = False
                    break
            if fall:
                out.append((i + 1, True))
            self.succ.append(out)
        question = [s.is_question for s in steps]
        gen_must = [(1 << i) if question[i] and not s.skippable else 0 for i, s in enumerate(steps)]
        gen_may = [(1 << i) if question[i] else 0 for i in range(n)]
        var_must, var_may = [], []
        for step in steps:
            bits = 0
            for name in step.set:
                bits |= 1 << self.var_bit[name]
            var_must.append(bits if step.kind == "say" or not step.skippable else 0)
            if step.classify:
                bits |= 1 << self.var_bit[step.classify.into]
            var_may.append(bits)
        size = n + 1
        self.must: list[int | None] = [None] * size
        self.may = [0] * size
        self.vmust: list[int | None] = [None] * size
        self.vmay = [0] * size
        if n:
            self.must[0] = self.vmust[0] = 0
        work = [0] if n else []
        queued = {0} if n else set()
        while work:
            work.sort(reverse=True)  # lowest index first: most packs flow forwards
            i = work.pop()
            queued.discard(i)
            must, may = self.must[i] or 0, self.may[i]
            vmust, vmay = self.vmust[i] or 0, self.vmay[i]
            for target, processed in self.succ[i]:
                a_must = must | gen_must[i] if processed else must
                a_may = may | gen_may[i] if processed else may
                v_must = vmust | var_must[i] if processed else vmust
                v_may = vmay | var_may[i] if processed else vmay
                old_must, old_vmust = self.must[target], self.vmust[target]
                new_must = a_must if old_must is None else old_must & a_must
                new_vmust = v_must if old_vmust is None else old_vmust & v_must
                new_may, new_vmay = self.may[target] | a_may, self.vmay[target] | v_may
                if (new_must, new_may, new_vmust, new_vmay) != (
                    old_must,
                    self.may[target],
                    old_vmust,
                    self.vmay[target],
                ):
                    self.must[target], self.may[target] = new_must, new_may
                    self.vmust[target], self.vmay[target] = new_vmust, new_vmay
                    if target < n and target not in queued:
                        queued.add(target)
                        work.append(target)
        self.reached = [m is not None for m in self.must]
        # Which steps can still get to the end: walk the edges backwards from it.
        pred: list[list[int]] = [[] for _ in range(size)]
        for i, out in enumerate(self.succ):
            for target, _ in out:
                pred[target].append(i)
        self.ends = [False] * size
        self.ends[n] = True
        stack = [n]
        while stack:
            for p in pred[stack.pop()]:
                if not self.ends[p]:
                    self.ends[p] = True
                    stack.append(p)

    def answers_at(self, moment: str, step: str | None) -> tuple[int, int] | None:
        """(must, may) answer bits when a text of `moment` renders, or None if unknown."""
        if moment == "end":
            must = self.must[self.n]
            return (must, self.may[self.n]) if must is not None else None
        if step is None or step not in self.index:
            return None
        i = self.index[step]
        must = self.must[i]
        if must is None:
            return None
        own = (1 << i) if moment == "after" else 0
        return must | own, self.may[i] | own

    def vars_at(self, moment: str, step: str | None) -> tuple[int, int] | None:
        """(must, may) variable bits when a text of `moment` renders."""
        if moment == "end":
            must = self.vmust[self.n]
            return (must, self.vmay[self.n]) if must is not None else None
        if step is None or step not in self.index:
            return None
        i = self.index[step]
        must = self.vmust[i]
        return (must, self.vmay[i]) if must is not None else None


def _check_reach(report: _Report, pack: Any, flow: Flow, collected: Collected) -> None:
    steps = pack.steps
    covered: set[int] = set()
    for i, step in enumerate(steps):
        if flow.reached[i] or i in covered:
            continue
        # Everything only this step leads to is the same mistake: say it once.
        behind, stack = 0, [i]
        while stack:
            for target, _ in flow.succ[stack.pop()]:
                if target < flow.n and not flow.reached[target] and target not in covered:
                    if target != i:
                        covered.add(target)
                        behind += 1
                    stack.append(target)
        tail = ""
        if behind:
            tail = " (nor the step after it)" if behind == 1 else f" (nor the {behind} after it)"
        report.add(
            (*collected.step_paths[step.id], "id"),
            f"step '{step.id}' can never be reached: no step leads to it{tail}",
        )
    for i, step in enumerate(steps):
        if not flow.reached[i] or flow.ends[i]:
            continue
        entry = any(
            flow.reached[p] and flow.ends[p] and any(t == i for t, _ in flow.succ[p])
            for p in range(flow.n)
        )
        if not entry and i != 0:
            continue
        loop = [step.id]
        at = i
        for _ in range(6):
            nxt = next((t for t, _ in flow.succ[at] if t < flow.n), None)
            if nxt is None:
                break
            loop.append(steps[nxt].id)
            if nxt == i:
                break
            at = nxt
        report.add(
            (*collected.step_paths[step.id], "id"),
            f"once the dialogue reaches step '{step.id}' it can never end: every way on "
            f"loops back ({' → '.join(loop)})",
        )


_REASONS = {
    "skip": "it can be skipped",
    "when": "its 'when' can pass over it",
    "path": "not every path to here goes through it",
}


def _why_maybe(step: Any) -> str:
    if step.skippable:
        return _REASONS["skip"]
    if step.conditional:
        return _REASONS["when"]
    return _REASONS["path"]


def _lookup_token(root: str, key: str) -> re.Pattern[str]:
    k = re.escape(key)
    return re.compile(
        rf"\b{root}\s*(?:\.\s*{k}\b|\[\s*['\"]{k}['\"]|\.\s*get\s*\(\s*['\"]{k}['\"])"
    )


def _check_texts(report: _Report, pack: Any, flow: Flow, collected: Collected) -> None:
    by_id = pack.by_id
    traits = {t.id for t in pack.traits}
    rated: dict[str, list[int]] = {}
    for step in pack.steps:
        if step.kind == "rating" and step.trait:
            rated.setdefault(step.trait, []).append(step.index)
    probed = {s.id for s in pack.steps if s.probes}
    for use in collected.texts:
        scope = use.scope
        if scope.step in flow.index and not flow.reached[flow.index[scope.step or ""]]:
            continue  # the step is reported as unreachable; its texts never render
        allowed = CONTEXT | JINJA_GLOBALS | scope.extras
        answers = flow.answers_at(scope.moment, scope.step)
        variables = flow.vars_at(scope.moment, scope.step)
        for variant, info in use.variants:
            path = use.path if variant is None else (*use.path, variant)
            said: set[str] = set()
            for name in sorted(info.names - allowed):
                report.add_in_text(
                    path,
                    re.compile(rf"(?<![\w.]){re.escape(name)}\b"),
                    f"{use.what} uses '{name}', which is not defined there"
                    f"{did_you_mean(name, allowed - JINJA_GLOBALS)}",
                )
            for lookup in info.lookups:
                root, key = lookup.root, lookup.key
                guarded = (
                    lookup.safe
                    or (root, key) in info.guarded
                    or (_GUARD_KIND.get(root, root), key) in scope.guards
                )
                message = _lookup_problem(
                    root, key, guarded, pack, flow, by_id, traits, rated, probed,
                    answers, variables, scope,
                )  # fmt: skip
                if message and message not in said:
                    said.add(message)
                    report.add_in_text(path, _lookup_token(root, key), message)


_GUARD_KIND = {"answers": "step", "vars": "var", "ratings": "rating"}


def _lookup_problem(
    root: str,
    key: str,
    guarded: bool,
    pack: Any,
    flow: Flow,
    by_id: Mapping[str, Any],
    traits: set[str],
    rated: Mapping[str, list[int]],
    probed: set[str],
    answers: tuple[int, int] | None,
    variables: tuple[int, int] | None,
    scope: Scope,
) -> str | None:
    """One sentence about a template lookup that can fail, or None when it is sound."""
    ref = f"{root}.{key}"
    if root == "traits":
        return None if key in traits else f"'{ref}' names no trait{did_you_mean(key, traits)}"
    if root in ("answers", "followups"):
        step = by_id.get(key)
        if step is None:
            return f"'{ref}' names no step in this pack{did_you_mean(key, by_id)}"
        if not step.is_question:
            return f"'{ref}': step '{key}' is a statement and has no answer"
        if root == "followups":
            if key not in probed:
                return f"'{ref}': step '{key}' has no probes, so it never has follow-ups"
            if guarded:
                return None
            return (
                f"'{ref}' exists only once a probe on '{key}' was answered; "
                f"use followups.get('{key}', [])"
            )
        if answers is None or scope.moment == "message":
            return None
        must, may = answers
        bit = 1 << step.index
        if not may & bit:
            return f"'{ref}' is used before step '{key}' can have been answered"
        if must & bit or guarded:
            return None
        return (
            f"'{ref}' is undefined when step '{key}' has no answer ({_why_maybe(step)}); "
            f"use answers.get('{key}') or test 'answers.{key} is defined'"
        )
    if root == "vars":
        if key not in flow.var_bit:
            return f"'{ref}' is never set: no step's 'set' or 'classify: into' gives it a value"
        if variables is None or scope.moment == "message":
            return None
        must, may = variables
        bit = 1 << flow.var_bit[key]
        if not may & bit:
            return f"'{ref}' is used before any step can have set it"
        if must & bit or guarded:
            return None
        return (
            f"'{ref}' may be unset here (a step that sets it can be skipped or passed over); "
            f"use vars.get('{key}') or test 'vars.{key} is defined'"
        )
    # ratings
    if key not in traits:
        return f"'{ref}' names no trait{did_you_mean(key, traits)}"
    if key not in rated:
        return f"'{ref}': the trait '{key}' has no rating step in its section"
    if answers is None or scope.moment == "message" or guarded:
        return None
    must, may = answers
    bits = sum(1 << i for i in rated[key])
    if not may & bits:
        return f"'{ref}' is used before the rating of '{key}' can have been given"
    if must & bits:
        return None
    return (
        f"'{ref}' is undefined when the rating of '{key}' was skipped or passed over; "
        f"use ratings.get('{key}')"
    )


def _subjects(data: Any, path: Path) -> Iterator[tuple[str, Any, Path]]:
    """Every (kind, name, path) a condition refers to, through all/any/not."""
    if not isinstance(data, Mapping):
        return
    for key, value in data.items():
        if key in SUBJECTS:
            yield key, value, (*path, key)
        elif key in COMBINATORS:
            if key == "not":
                yield from _subjects(value, (*path, key))
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    yield from _subjects(item, (*path, key, i))


def _check_conditions(report: _Report, pack: Any, flow: Flow, collected: Collected) -> None:
    traits = {t.id for t in pack.traits}
    rated = {s.trait for s in pack.steps if s.kind == "rating" and s.trait}
    for use in collected.conditions:
        for kind, name, where in _subjects(use.data, use.path):
            if not isinstance(name, str):
                continue
            if kind in ("step", "said"):
                step = pack.by_id.get(name)
                if step is None:
                    report.add(
                        where, f"'{kind}: {name}' names no step{did_you_mean(name, pack.by_id)}"
                    )
                elif not step.is_question:
                    report.add(
                        where, f"'{kind}: {name}' is a statement, which has no answer to test"
                    )
            elif kind == "var":
                if name not in flow.var_bit:
                    report.add(
                        where,
                        f"'var: {name}' is never set: no step's 'set' or 'classify: into' "
                        "gives it a value",
                    )
            elif name not in traits:
                report.add(where, f"'rating: {name}' names no trait{did_you_mean(name, traits)}")
            elif name not in rated:
                report.add(where, f"'rating: {name}': the trait has no rating step in its section")


def _never(data: Any, step: Any, lexicon: Lexicon, budget: int) -> str | None:
    """Why a condition on the current answer can never hold, or None if it can."""
    if not isinstance(data, Mapping) or any(k in data for k in SUBJECTS):
        return None
    for key, value in data.items():
        if key == "all" and isinstance(value, list):
            for item in value:
                reason = _never(item, step, lexicon, budget)
                if reason:
                    return reason
            wanted = {
                item.get("concrete") is not False
                for item in [data, *value]
                if isinstance(item, Mapping) and "concrete" in item and not _has_subject(item)
            }
            if len(wanted) == 2:
                return "it asks for a concrete answer and for one that is not concrete at once"
        if key == "any" and isinstance(value, list) and value:
            reasons = [_never(item, step, lexicon, budget) for item in value]
            if all(reasons):
                return reasons[0]
        if key == "words_below" and isinstance(value, int | float) and value <= 0:
            return "'words_below' of 0 or less holds for no answer"
        if key == "hedged" and value is True and not lexicon.hedges:
            return "'hedged: true' needs hedge words, and the pack's lexicon has none"
        if key == "followup" and value is True and budget < 2:
            return "'followup: true' needs a probe budget of 2 or more"
        scale = step.scale if step is not None else None
        if scale is None or isinstance(value, bool):
            continue
        low, high = scale.min, scale.max
        if isinstance(value, int | float):
            out = {
                "at_least": value > high,
                "above": value >= high,
                "at_most": value < low,
                "below": value <= low,
                "equals": not low <= value <= high or value != int(value),
            }.get(key, False)
            if out:
                return f"'{key}: {value}' is outside the scale ({low}-{high})"
        if (
            key == "in"
            and isinstance(value, list)
            and not any(type(v) is int and low <= v <= high for v in value)
        ):
            return f"no value of 'in' is on the scale ({low}-{high})"
    return None


def _has_subject(item: Mapping[str, Any]) -> bool:
    return any(k in item for k in SUBJECTS)


def _negation_unread(data: Any, lexicon: Lexicon) -> bool:
    """Whether a condition uses `unless_negated` in a pack whose lexicon has no negations."""
    if lexicon.negations is None or lexicon.negations:
        return False
    if isinstance(data, Mapping):
        if isinstance(data.get("contains"), Mapping) and data["contains"].get("unless_negated"):
            return True
        return any(_negation_unread(v, lexicon) for k, v in data.items() if k in COMBINATORS)
    if isinstance(data, list):
        return any(_negation_unread(v, lexicon) for v in data)
    return False


_NEVER_WHAT = {
    "probe": "this probe can never fire",
    "suggest": "this suggestion is never made",
    "next": "this branch is never taken",
}


def _check_probes(report: _Report, pack: Any, collected: Collected) -> None:
    lexicon = pack.lexicon
    for use in collected.conditions:
        if use.role not in ("probe", "suggest", "next") or use.step is None:
            continue
        step = pack.by_id.get(use.step)
        if step is None:
            continue
        budget = step.probe_budget if use.role == "probe" else 2
        reason = _never(use.data, step, lexicon, budget)
        if reason:
            what = _NEVER_WHAT[use.role]
            report.add(use.path, f"{what}: {reason}", "warning")
        elif _negation_unread(use.data, lexicon):
            report.add(
                use.path,
                "'unless_negated' has no effect: the pack's lexicon lists no 'negations'",
                "warning",
            )
    for step in pack.steps:
        path = collected.step_paths.get(step.id)
        if path is None:
            continue
        if step.probes and step.probe_budget == 0:
            raw: Any = report.loc.data
            for part in path:
                raw = raw[part]
            explicit = isinstance(raw.get("probes"), Mapping) and "budget" in raw["probes"]
            where = (*path, "probes", "budget") if explicit else (*path, "probes")
            why = "its 'budget' is 0" if explicit else "'settings: probe_budget' is 0"
            report.add(
                where,
                f"step '{step.id}' has probe rules but no budget to ask them ({why}); "
                "give it 'budget: 1' or more",
            )


def _check_unused(report: _Report, pack: Any, collected: Collected) -> None:
    read: set[str] = set()
    for use in collected.texts:
        for _, info in use.variants:
            if "vars" in info.dynamic:
                return  # `vars[name]` or `vars.items()`: any variable may be read
            read.update(lookup.key for lookup in info.lookups if lookup.root == "vars")
            read.update(key for root, key in info.guarded if root == "vars")
    for condition in collected.conditions:
        subjects = _subjects(condition.data, condition.path)
        read.update(name for kind, name, _ in subjects if kind == "var")
    for name, paths in collected.set_paths.items():
        if name not in read:
            report.add(
                paths[0],
                f"the variable '{name}' is set but never read (by a condition or a template)",
                "warning",
            )


def _check_dues(report: _Report, pack: Any, collected: Collected) -> None:
    today = date(2026, 1, 5)
    for path, phrase in collected.dues:
        if "{" in phrase:
            continue
        if parse_due(phrase, today, pack.lexicon) is None:
            report.add(
                path,
                f"coach cannot read '{phrase}' as a timeframe with this pack's lexicon, so it "
                "falls back to two weeks",
                "warning",
            )
