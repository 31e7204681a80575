"""Packs: load YAML text, check it, and build the immutable model the dialogue runs on.

Every problem found is reported with its file, line and column; a pack either loads whole or
raises a `PackError` listing everything that is wrong, so an author fixes it in one pass.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from coach.engine.conditions import ALWAYS, Condition, ConditionError, compile_condition
from coach.engine.errors import PackError, Problem
from coach.engine.lexicon import ENGLISH, Lexicon
from coach.engine.source import Located, Path, parse_yaml
from coach.engine.texts import Text, compile_text, make_environment

FORMAT = 1
KINDS = ("say", "ask", "rating", "choice", "commit")
QUESTION_KINDS = ("ask", "rating", "choice", "commit")
END = "end"
ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")

DEFAULT_MESSAGES = {
    "rating_invalid": "Please answer with a whole number from {{ min }} to {{ max }}.",
    "choice_invalid": "Please answer with one of the numbers, or the start of an option's name.",
    "choice_ambiguous": "That could be {{ options }}. Which one do you mean?",
    "empty_answer": "Take your time. Type your answer, or :skip if you would rather move on.",
    "ask_due": "By when will you do that? A day or a date is enough.",
    "cannot_skip": "This one can't be skipped. A short answer is fine.",
    "cannot_go_back": "This is the first question, so there is nothing to go back to.",
}

TOP_KEYS = (
    "pack", "id", "version", "title", "language", "description", "settings", "lexicon",
    "messages", "traits", "sections", "actions",
)  # fmt: skip
SETTINGS_KEYS = ("probe_budget", "default_due", "skippable")
TRAIT_KEYS = ("id", "title", "summary", "keywords")
SECTION_KEYS = ("id", "title", "steps")
STEP_KEYS = (
    "id", "kind", "text", "when", "skippable", "set", "next", "probes", "classify", "suggest",
    "scale", "options", "ask_due", "default_due",
)  # fmt: skip
KIND_KEYS = {
    "say": (),
    "ask": ("probes", "classify"),
    "rating": ("probes", "scale", "suggest"),
    "choice": ("options",),
    "commit": ("probes", "ask_due", "default_due"),
}
PROBE_KEYS = ("budget", "rules")
RULE_KEYS = ("id", "if", "text")
CLASSIFY_KEYS = ("into", "categories", "confirm", "strong", "text")
CATEGORY_KEYS = ("id", "label", "keywords")
ACTIONS_KEYS = ("max", "order", "rules")
ACTION_RULE_KEYS = ("id", "if", "text", "due", "trait", "kind")
SUGGEST_KEYS = ("id", "if", "text", "due")


@dataclass(frozen=True, slots=True)
class Option:
    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Scale:
    min: int
    max: int
    labels: Mapping[int, str]


@dataclass(frozen=True, slots=True)
class ProbeRule:
    id: str
    when: Condition
    text: Text


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    label: str
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Classify:
    into: str
    categories: tuple[Category, ...]
    confirm: str
    strong: int
    text: Text


@dataclass(frozen=True, slots=True)
class Branch:
    when: Condition
    goto: str


@dataclass(frozen=True, slots=True)
class Suggestion:
    """An action item a rating can attach, or a pack-wide rule (`kind` says which)."""

    id: str
    when: Condition
    text: Text
    due: str
    trait: str | None
    kind: str


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    kind: str
    text: Text
    section: str
    trait: str | None
    index: int
    when: Condition = ALWAYS
    conditional: bool = False
    skippable: bool = False
    set: Mapping[str, Any] = field(default_factory=dict)
    next: tuple[Branch, ...] = ()
    probe_budget: int = 0
    probes: tuple[ProbeRule, ...] = ()
    classify: Classify | None = None
    suggest: tuple[Suggestion, ...] = ()
    scale: Scale | None = None
    options: tuple[Option, ...] = ()
    ask_due: Text | None = None
    default_due: str = "in 2 weeks"

    @property
    def is_question(self) -> bool:
        return self.kind in QUESTION_KINDS


@dataclass(frozen=True, slots=True)
class Trait:
    id: str
    title: str
    summary: str
    keywords: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    trait: str | None
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Pack:
    """A checked pack, ready to run. Immutable, so one pack serves many dialogues."""

    id: str
    version: str
    title: str
    language: str
    description: str
    source: str
    sha256: str
    lexicon: Lexicon
    messages: Mapping[str, Text]
    traits: tuple[Trait, ...]
    sections: tuple[Section, ...]
    steps: tuple[Step, ...]
    by_id: Mapping[str, Step]
    action_rules: tuple[Suggestion, ...]
    actions_max: int
    actions_order: str
    environment: SandboxedEnvironment

    question_count: int = 0
    section_by_id: Mapping[str, Section] = field(default_factory=dict)

    def trait(self, trait_id: str | None) -> Trait | None:
        return next((t for t in self.traits if t.id == trait_id), None)


class _Checker:
    """Walks the located YAML, collecting problems instead of stopping at the first."""

    def __init__(self, located: Located) -> None:
        self.loc = located
        self.problems: list[Problem] = []

    def error(self, path: Path, message: str) -> None:
        self.problems.append(self.loc.problem(path, message))

    def keys(
        self, data: Mapping[str, Any], allowed: tuple[str, ...], path: Path, what: str
    ) -> None:
        for key in data:
            if key not in allowed:
                hint = difflib.get_close_matches(str(key), allowed, n=1)
                tip = f"; did you mean '{hint[0]}'?" if hint else ""
                self.error((*path, key, "<key>"), f"unknown key '{key}' in {what}{tip}")

    def mapping(self, data: Any, path: Path, what: str) -> dict[str, Any]:
        if isinstance(data, Mapping):
            return dict(data)
        self.error(path, f"{what} must be a mapping")
        return {}

    def seq(self, data: Any, path: Path, what: str) -> list[Any]:
        if isinstance(data, list):
            return data
        self.error(path, f"{what} must be a list")
        return []

    def string(self, data: Mapping[str, Any], key: str, path: Path, what: str) -> str:
        value = data.get(key)
        if key not in data:
            self.error(path, f"{what} needs '{key}'")
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error((*path, key), f"'{key}' in {what} must be text")
            return ""
        return str(value)

    def ident(self, data: Mapping[str, Any], path: Path, what: str) -> str:
        value = self.string(data, "id", path, what)
        if value and not ID.match(value):
            self.error(
                (*path, "id"),
                f"the id '{value}' must start with a letter and use only letters, digits, "
                "'-' and '_'",
            )
        return value

    def text(self, env: SandboxedEnvironment, value: Any, path: Path, what: str) -> Text | None:
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            pass
        elif not isinstance(value, str) or not value.strip():
            self.error(path, f"{what} must be text (or a list of text variants)")
            return None
        try:
            return compile_text(env, value)
        except TemplateSyntaxError as exc:
            variant = getattr(exc, "variant", 0)
            where = (*path, variant) if isinstance(value, list) else path
            line, col = self.loc.where(where)
            # A block scalar starts on the line after its indicator.
            source_line = value[variant] if isinstance(value, list) else value
            offset = (exc.lineno or 1) - 1
            if offset or "\n" in source_line:
                line += offset + 1
                col = 1
            self.problems.append(
                Problem(self.loc.source, line, col, f"template error in {what}: {exc.message}")
            )
            return None

    def condition(self, data: Any, path: Path) -> Condition:
        try:
            return compile_condition(data, ())
        except ConditionError as exc:
            self.error((*path, *exc.path), str(exc))
            return ALWAYS

    def integer(self, value: Any, path: Path, what: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.error(path, f"{what} must be a whole number of at least {minimum}")
            return minimum
        return value


def load_pack(text: str, source: str = "<pack>") -> Pack:
    """Parse and check a pack.

    Args:
        text: the pack's YAML.
        source: where it came from, used in every problem message.

    Raises:
        PackError: with every problem found, each as `source:line:col: error: message`.
    """
    located = parse_yaml(text, source)
    check = _Checker(located)
    root = check.mapping(located.data, (), "a pack")
    if not root:
        raise PackError(check.problems or [Problem(source, 1, 1, "error", "the pack is empty")])
    check.keys(root, TOP_KEYS, (), "the pack")
    if "pack" not in root:
        check.error((), "the pack needs 'pack: 1' (the format version) at the top")
    elif root["pack"] != FORMAT:
        check.error(("pack",), f"this coach reads pack format {FORMAT}, not {root['pack']!r}")
    pack_id = check.ident(root, (), "the pack")
    version = check.string(root, "version", (), "the pack")
    title = check.string(root, "title", (), "the pack")
    language = str(root.get("language", "en"))
    description = str(root.get("description", "")).strip()

    settings = check.mapping(root.get("settings", {}), ("settings",), "'settings'")
    check.keys(settings, SETTINGS_KEYS, ("settings",), "'settings'")
    budget_default = check.integer(
        settings.get("probe_budget", 2), ("settings", "probe_budget"), "'probe_budget'"
    )
    due_default = str(settings.get("default_due", "in 2 weeks"))
    skippable_default = bool(settings.get("skippable", False))

    lexicon_data = check.mapping(root.get("lexicon", {}), ("lexicon",), "'lexicon'")
    check.keys(lexicon_data, tuple(ENGLISH), ("lexicon",), "'lexicon'")
    try:
        lexicon = Lexicon.build(lexicon_data)
    except (TypeError, ValueError, AttributeError) as exc:
        check.error(("lexicon",), f"'lexicon' has a value of the wrong shape ({exc})")
        lexicon = Lexicon.build()
    env = make_environment(lexicon)

    messages_data = check.mapping(root.get("messages", {}), ("messages",), "'messages'")
    check.keys(messages_data, tuple(DEFAULT_MESSAGES), ("messages",), "'messages'")
    messages: dict[str, Text] = {}
    for key, default in DEFAULT_MESSAGES.items():
        compiled = check.text(env, messages_data.get(key, default), ("messages", key), key)
        messages[key] = compiled or compile_text(env, default)

    traits: list[Trait] = []
    for i, item in enumerate(check.seq(root.get("traits", []), ("traits",), "'traits'")):
        path: Path = ("traits", i)
        data = check.mapping(item, path, "a trait")
        check.keys(data, TRAIT_KEYS, path, "a trait")
        keywords = data.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            check.error((*path, "keywords"), "'keywords' must be a list of words or phrases")
            keywords = []
        traits.append(
            Trait(
                check.ident(data, path, "a trait"),
                check.string(data, "title", path, "a trait"),
                str(data.get("summary", "")).strip(),
                tuple(keywords),
            )
        )
    trait_ids = {t.id for t in traits}
    _duplicates(check, [(t.id, ("traits", i, "id")) for i, t in enumerate(traits)], "trait")

    sections: list[Section] = []
    steps: list[Step] = []
    step_paths: dict[str, Path] = {}
    raw_sections: list[Any] = []
    if "sections" not in root:
        check.error((), "the pack needs 'sections' with at least one step")
    else:
        raw_sections = check.seq(root["sections"], ("sections",), "'sections'")
    for si, item in enumerate(raw_sections):
        spath: Path = ("sections", si)
        data = check.mapping(item, spath, "a section")
        check.keys(data, SECTION_KEYS, spath, "a section")
        section_id = check.ident(data, spath, "a section")
        trait = section_id if section_id in trait_ids else None
        trait_obj = next((t for t in traits if t.id == trait), None)
        section_title = str(data.get("title") or (trait_obj.title if trait_obj else section_id))
        ids = []
        for sti, raw_step in enumerate(check.seq(data.get("steps"), (*spath, "steps"), "'steps'")):
            path = (*spath, "steps", sti)
            step = _step(check, env, raw_step, path, section_id, trait, len(steps), traits)
            if step is None:
                continue
            defaults: dict[str, Any] = {}
            if "skippable" not in raw_step:
                defaults["skippable"] = skippable_default
            if step.kind in ("ask", "rating", "commit") and "budget" not in raw_step.get(
                "probes", {}
            ):
                defaults["probe_budget"] = budget_default if step.probes else 0
            if step.kind == "commit" and "default_due" not in raw_step:
                defaults["default_due"] = due_default
            if defaults:
                step = _replace(step, **defaults)
            steps.append(step)
            ids.append(step.id)
            step_paths.setdefault(step.id, path)
        sections.append(Section(section_id, section_title, trait, tuple(ids)))
    _duplicates(check, [(s.id, ("sections", i, "id")) for i, s in enumerate(sections)], "section")
    _duplicates(check, [(s.id, (*step_paths[s.id], "id")) for s in steps], "step")
    if not steps and not check.problems:
        check.error(("sections",), "the pack has no steps")
    by_id = {s.id: s for s in steps}
    for step in steps:
        for bi, branch in enumerate(step.next):
            if branch.goto != END and branch.goto not in by_id:
                hint = difflib.get_close_matches(branch.goto, list(by_id), n=1)
                tip = f"; did you mean '{hint[0]}'?" if hint else ""
                check.error(
                    (*step_paths[step.id], "next", bi, "goto"),
                    f"'goto: {branch.goto}' names no step in this pack{tip}",
                )

    actions = check.mapping(root.get("actions", {}), ("actions",), "'actions'")
    check.keys(actions, ACTIONS_KEYS, ("actions",), "'actions'")
    actions_max = check.integer(actions.get("max", 10), ("actions", "max"), "'max'", 1)
    order = str(actions.get("order", "due"))
    if order not in ("due", "pack"):
        check.error(("actions", "order"), "'order' must be 'due' or 'pack'")
    rules = tuple(
        rule
        for i, item in enumerate(check.seq(actions.get("rules", []), ("actions", "rules"), "rules"))
        if (rule := _suggestion(check, env, item, ("actions", "rules", i), pack_rule=True))
    )
    for rule in rules:
        if rule.trait and rule.trait not in trait_ids and "{" not in rule.trait:
            check.error(("actions", "rules"), f"'trait: {rule.trait}' names no trait")

    errors = [p for p in check.problems if p.severity == "error"]
    if errors:
        raise PackError(errors)
    return Pack(
        id=pack_id,
        version=version,
        title=title,
        language=language,
        description=description,
        source=source,
        sha256=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        lexicon=lexicon,
        messages=messages,
        traits=tuple(traits),
        sections=tuple(sections),
        steps=tuple(steps),
        by_id=by_id,
        action_rules=rules,
        actions_max=actions_max,
        actions_order=order,
        environment=env,
        question_count=sum(1 for s in steps if s.is_question),
        section_by_id={s.id: s for s in sections},
    )


def _replace(step: Step, **changes: Any) -> Step:
    values = {name: getattr(step, name) for name in Step.__dataclass_fields__}
    values.update(changes)
    return Step(**values)


def _duplicates(check: _Checker, items: list[tuple[str, Path]], what: str) -> None:
    seen: set[str] = set()
    for item_id, path in items:
        if item_id and item_id in seen:
            check.error(path, f"the {what} id '{item_id}' is used more than once")
        seen.add(item_id)


def _step(
    check: _Checker,
    env: SandboxedEnvironment,
    raw: Any,
    path: Path,
    section: str,
    trait: str | None,
    index: int,
    traits: list[Trait],
) -> Step | None:
    data = check.mapping(raw, path, "a step")
    if not data:
        return None
    step_id = check.ident(data, path, "a step")
    if step_id == END:
        check.error((*path, "id"), f"'{END}' is reserved for 'goto: {END}'")
    kind = check.string(data, "kind", path, f"step '{step_id}'")
    if kind and kind not in KINDS:
        hint = difflib.get_close_matches(kind, KINDS, n=1)
        tip = f"; did you mean '{hint[0]}'?" if hint else ""
        check.error((*path, "kind"), f"unknown step kind '{kind}'{tip} (one of {', '.join(KINDS)})")
        return None
    check.keys(data, STEP_KEYS, path, f"step '{step_id}'")
    common = ("id", "kind", "text", "when", "skippable", "set", "next")
    for key in data:
        if key in STEP_KEYS and key not in common and key not in KIND_KEYS.get(kind, ()):
            check.error((*path, key, "<key>"), f"'{key}' does not apply to a '{kind}' step")
    what = f"step '{step_id}'"
    if "text" not in data:
        check.error(path, f"{what} needs 'text' (what coach says)")
        return None
    text = check.text(env, data["text"], (*path, "text"), f"the text of {what}")
    when = ALWAYS
    if "when" in data:
        when = check.condition(data["when"], (*path, "when"))
    set_values = check.mapping(data.get("set", {}), (*path, "set"), "'set'")
    compiled_set: dict[str, Any] = {}
    for name, value in set_values.items():
        if isinstance(value, str) and "{" in value:
            compiled_set[name] = check.text(env, value, (*path, "set", name), f"'set: {name}'")
        else:
            compiled_set[name] = value
    branches = []
    for bi, item in enumerate(check.seq(data.get("next", []), (*path, "next"), "'next'")):
        bpath = (*path, "next", bi)
        bdata = check.mapping(item, bpath, "a 'next' entry")
        check.keys(bdata, ("if", "goto"), bpath, "a 'next' entry")
        goto = check.string(bdata, "goto", bpath, "a 'next' entry")
        cond = check.condition(bdata["if"], (*bpath, "if")) if "if" in bdata else ALWAYS
        branches.append(Branch(cond, goto))

    probes: list[ProbeRule] = []
    budget = 0
    if "probes" in data:
        ppath = (*path, "probes")
        pdata = check.mapping(data["probes"], ppath, "'probes'")
        check.keys(pdata, PROBE_KEYS, ppath, "'probes'")
        if "budget" in pdata:
            budget = check.integer(pdata["budget"], (*ppath, "budget"), "'budget'")
        for ri, rule in enumerate(check.seq(pdata.get("rules", []), (*ppath, "rules"), "'rules'")):
            rpath = (*ppath, "rules", ri)
            rdata = check.mapping(rule, rpath, "a probe rule")
            check.keys(rdata, RULE_KEYS, rpath, "a probe rule")
            if "if" not in rdata:
                check.error(rpath, "a probe rule needs 'if' (when to ask it)")
                continue
            cond = check.condition(rdata["if"], (*rpath, "if"))
            rtext = check.text(env, rdata.get("text"), (*rpath, "text"), "a probe's text")
            if rtext:
                probes.append(ProbeRule(str(rdata.get("id", f"{step_id}.{ri + 1}")), cond, rtext))

    classify = None
    if "classify" in data:
        classify = _classify(check, env, data["classify"], (*path, "classify"), traits)

    scale = None
    if kind == "rating":
        spath = (*path, "scale")
        sdata = check.mapping(data.get("scale", {"min": 1, "max": 5}), spath, "'scale'")
        check.keys(sdata, ("min", "max", "labels"), spath, "'scale'")
        low = sdata.get("min", 1)
        high = sdata.get("max", 5)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
            check.error(spath, "a scale's 'min' and 'max' must be whole numbers")
            low, high = 1, 5
        elif high <= low:
            check.error(spath, f"the scale is empty: 'max' ({high}) must be above 'min' ({low})")
        labels_raw = check.mapping(sdata.get("labels", {}), (*spath, "labels"), "'labels'")
        labels: dict[int, str] = {}
        for key, label in labels_raw.items():
            if not isinstance(key, int) or not low <= key <= high:
                check.error((*spath, "labels", key, "<key>"), f"label {key!r} is not on the scale")
                continue
            labels[key] = str(label)
        scale = Scale(low, high, labels)

    options: tuple[Option, ...] = ()
    if kind == "choice":
        raw_options = data.get("options")
        if raw_options == "traits":
            options = tuple(Option(t.id, t.title) for t in traits)
            if not options:
                check.error((*path, "options"), "'options: traits' needs the pack's 'traits'")
        else:
            items = check.seq(raw_options, (*path, "options"), "'options'")
            parsed = []
            for oi, item in enumerate(items):
                opath = (*path, "options", oi)
                if isinstance(item, str):
                    parsed.append(Option(item, item))
                    continue
                odata = check.mapping(item, opath, "an option")
                check.keys(odata, ("id", "label"), opath, "an option")
                parsed.append(
                    Option(
                        check.ident(odata, opath, "an option"),
                        check.string(odata, "label", opath, "an option"),
                    )
                )
            if len(parsed) < 2 and "options" in data:
                check.error((*path, "options"), "a choice needs at least two options")
            options = tuple(parsed)

    suggest = tuple(
        s
        for i, item in enumerate(
            check.seq(data.get("suggest", []), (*path, "suggest"), "'suggest'")
        )
        if (s := _suggestion(check, env, item, (*path, "suggest", i), trait=trait))
    )
    ask_due = None
    if "ask_due" in data:
        ask_due = check.text(env, data["ask_due"], (*path, "ask_due"), "'ask_due'")
    if text is None:
        return None
    return Step(
        id=step_id,
        kind=kind,
        text=text,
        section=section,
        trait=trait,
        index=index,
        when=when,
        conditional="when" in data,
        skippable=bool(data.get("skippable", False)),
        set=compiled_set,
        next=tuple(branches),
        probe_budget=budget,
        probes=tuple(probes),
        classify=classify,
        suggest=suggest,
        scale=scale,
        options=options,
        ask_due=ask_due,
        default_due=str(data.get("default_due", "in 2 weeks")),
    )


def _classify(
    check: _Checker, env: SandboxedEnvironment, raw: Any, path: Path, traits: list[Trait]
) -> Classify | None:
    data = check.mapping(raw, path, "'classify'")
    check.keys(data, CLASSIFY_KEYS, path, "'classify'")
    into = check.string(data, "into", path, "'classify'")
    categories: list[Category] = []
    raw_categories = data.get("categories")
    if raw_categories == "traits":
        categories = [Category(t.id, t.title, t.keywords) for t in traits]
        for i, trait in enumerate(traits):
            if not trait.keywords:
                check.error(("traits", i), f"the trait '{trait.id}' has no keywords to classify by")
    else:
        for i, item in enumerate(check.seq(raw_categories, (*path, "categories"), "categories")):
            cpath = (*path, "categories", i)
            cdata = check.mapping(item, cpath, "a category")
            check.keys(cdata, CATEGORY_KEYS, cpath, "a category")
            keywords = cdata.get("keywords")
            if not isinstance(keywords, list) or not keywords:
                check.error(cpath, "a category needs a list of 'keywords'")
                keywords = []
            categories.append(
                Category(
                    check.ident(cdata, cpath, "a category"),
                    str(cdata.get("label", cdata.get("id", ""))),
                    tuple(str(k) for k in keywords),
                )
            )
    if len(categories) < 2:
        check.error(path, "'classify' needs at least two categories")
    confirm = str(data.get("confirm", "unclear"))
    if confirm not in ("always", "unclear"):
        check.error((*path, "confirm"), "'confirm' must be 'always' or 'unclear'")
    strong = check.integer(data.get("strong", 2), (*path, "strong"), "'strong'", 1)
    text = check.text(
        env,
        data.get("text", "Which of these is closest to what you mean?"),
        (*path, "text"),
        "the confirmation text",
    )
    if text is None:
        return None
    return Classify(into, tuple(categories), confirm, strong, text)


def _suggestion(
    check: _Checker,
    env: SandboxedEnvironment,
    raw: Any,
    path: Path,
    trait: str | None = None,
    pack_rule: bool = False,
) -> Suggestion | None:
    data = check.mapping(raw, path, "an action rule" if pack_rule else "a suggestion")
    check.keys(data, ACTION_RULE_KEYS if pack_rule else SUGGEST_KEYS, path, "an action rule")
    cond = check.condition(data["if"], (*path, "if")) if "if" in data else ALWAYS
    text = check.text(env, data.get("text"), (*path, "text"), "an action's text")
    kind = str(data.get("kind", "insight" if pack_rule else "suggestion"))
    if kind not in ("insight", "suggestion"):
        check.error((*path, "kind"), "'kind' must be 'insight' or 'suggestion'")
    if text is None:
        return None
    rule_id = str(data.get("id", ".".join(str(p) for p in path)))
    return Suggestion(
        rule_id, cond, text, str(data.get("due", "in 2 weeks")),
        str(data["trait"]) if data.get("trait") else trait, kind,
    )  # fmt: skip
