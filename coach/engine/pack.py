"""Packs: load YAML text, check it, and build the immutable model the dialogue runs on.

Every problem found is reported with its file, line and column; a pack either loads whole or
raises a `PackError` listing everything that is wrong, so an author fixes it in one pass.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinja2 import TemplateSyntaxError

from coach.engine.checks import (
    CONFIRM_NAMES,
    MESSAGE_NAMES,
    OFFER_NAMES,
    PROBE_NAMES,
    Collected,
    ConditionUse,
    Scope,
    TemplateInfo,
    TextUse,
    analyse_template,
    check_pack_flow,
    simple_template,
)
from coach.engine.conditions import ALWAYS, Condition, ConditionError, compile_condition
from coach.engine.errors import PackError, Problem, did_you_mean
from coach.engine.lexicon import ENGLISH, TEXTMATCH_KEYS, Lexicon, month_day
from coach.engine.source import Located, Path, parse_yaml
from coach.engine.texts import PackEnvironment, Text, compile_text, make_environment

FORMAT = 1
KINDS = ("say", "ask", "rating", "choice", "commit", "offer")
QUESTION_KINDS = ("ask", "rating", "choice", "commit")
END = "end"
ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
VAR = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")  # usable as `vars.name` in a template
SCALE_BOUND = 100  # a scale lies within -100..100: any rating fits every file and index
SCALE_VALUES = 11  # at most 0 to 10: a leader sees and picks each value
LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
RELATIVE_KEYS = tuple(ENGLISH["relative"])

DEFAULT_MESSAGES = {
    "rating_invalid": "Please answer with a whole number from {{ min }} to {{ max }}.",
    "choice_invalid": "Please answer with one of the numbers, or the start of an option's name.",
    "choice_ambiguous": "That could be {{ options }}. Which one do you mean?",
    "empty_answer": "Take your time. Type your answer, or :skip if you would rather move on.",
    "ask_due": "By when will you do that? A day or a date is enough.",
    "cannot_skip": "This one can't be skipped. A short answer is fine.",
    "cannot_go_back": "This is the first question, so there is nothing to go back to.",
    "due_noted": "due {{ weekday[:3] }} {{ day }} {{ month[:3] }}",
    "due_defaulted": (
        "I'll put it down for {{ weekday[:3] }} {{ day }} {{ month[:3] }}; "
        "you can change it at the end."
    ),
    "due_past": "{{ weekday[:3] }} {{ day }} {{ month[:3] }} has already gone by.",
    "no_commitment": "No step for this one, then.",
    "guess_kept": "Then I'll go with my best guess: {{ guess_label }}.",
    "offer_yes": "Yes, add it",
    "offer_no": "No, thanks",
    "offer_invalid": "A yes or a no is enough.",
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
    "offer": (),
}
PROBE_KEYS = ("budget", "rules")
RULE_KEYS = ("id", "if", "text")
CLASSIFY_KEYS = ("into", "categories", "confirm", "strong", "text", "other")
CATEGORY_KEYS = ("id", "label", "keywords")
ACTIONS_KEYS = ("max", "order", "rules")
ACTION_RULE_KEYS = ("id", "if", "text", "due", "trait", "kind", "offer")
SUGGEST_KEYS = ("id", "if", "text", "due", "offer")


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
    other: Category | None = None  # "none of them": a valid answer at the confirmation only

    @property
    def options(self) -> tuple[Category, ...]:
        """What the confirmation offers: the categories, then `other` if there is one."""
        return (*self.categories, self.other) if self.other else self.categories


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
    offer: Text | None = None  # the question an `offer` step asks about it


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
    environment: PackEnvironment

    question_count: int = 0
    section_by_id: Mapping[str, Section] = field(default_factory=dict)

    @property
    def offers(self) -> bool:
        """Whether suggestions and insights wait for the leader's yes at an `offer` step
        (else, as in packs written before offers, they become action items as they are)."""
        return any(step.kind == "offer" for step in self.steps)

    def trait(self, trait_id: str | None) -> Trait | None:
        return next((t for t in self.traits if t.id == trait_id), None)


class _Checker:
    """Walks the located YAML, collecting problems instead of stopping at the first."""

    def __init__(self, located: Located, lines: list[str]) -> None:
        self.loc = located
        self.lines = lines
        self.problems: list[Problem] = []
        self.collected = Collected()
        self.dropped = 0  # steps too broken to build
        self.seen: dict[str, TemplateInfo] = {}  # a text repeated in a pack is analysed once

    def error(self, path: Path, message: str) -> None:
        self.problems.append(self.loc.problem(path, message))

    def keys(
        self, data: Mapping[str, Any], allowed: tuple[str, ...], path: Path, what: str
    ) -> None:
        for key in data:
            if key not in allowed:
                tip = did_you_mean(str(key), allowed)
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

    def text(
        self, env: PackEnvironment, value: Any, path: Path, what: str, scope: Scope
    ) -> Text | None:
        """Parse a text (or its variants) once: check its syntax and note what it reads."""
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            sources = tuple(value)
        elif not isinstance(value, str) or not value.strip():
            self.error(path, f"{what} must be text (or a list of text variants)")
            return None
        else:
            sources = (value,)
        names: set[str] = set()
        infos: list[tuple[int | None, TemplateInfo]] = []
        for variant, source in enumerate(sources):
            if "{" not in source:
                continue
            where = (*path, variant) if isinstance(value, list) else path
            info = self.seen.get(source) or simple_template(source)
            if info is not None and info.hazards:
                # `{{ cycler.__init__.__globals__ }}` is a plain quote to the fast path too;
                # its hazards are as real as the full parse's.
                for token, hazard in info.hazards:
                    self.problems.append(_hazard_problem(self, where, token, hazard))
                return None
            if info is not None:
                self.seen[source] = info
                names |= info.names
                infos.append((variant if isinstance(value, list) else None, info))
                continue
            try:
                ast = env.parse(source)
            except TemplateSyntaxError as exc:
                line, col = self.loc.where(where)
                # A block scalar starts on the line after its indicator.
                offset = (exc.lineno or 1) - 1
                if offset or "\n" in source:
                    line += offset + 1
                    text_line = self.lines[line - 1] if line <= len(self.lines) else ""
                    col = len(text_line) - len(text_line.lstrip()) + 1
                self.problems.append(
                    Problem(self.loc.source, line, col, f"template error in {what}: {exc.message}")
                )
                return None
            except RecursionError:
                self.error(where, f"the template in {what} nests too deeply")
                return None
            try:
                info = analyse_template(ast)
            except RecursionError:
                self.error(where, f"the template in {what} nests too deeply")
                return None
            if info.hazards:  # never compiled: see `analyse_template`
                for token, hazard in info.hazards:
                    self.problems.append(_hazard_problem(self, where, token, hazard))
                return None
            self.seen[source] = info
            names |= info.names
            infos.append((variant if isinstance(value, list) else None, info))
        if infos:
            self.collected.texts.append(TextUse(path, what, scope, tuple(infos)))
        return Text(env, sources, frozenset(names))

    def condition(
        self, data: Any, path: Path, role: str = "when", step: str | None = None
    ) -> Condition:
        try:
            compiled = compile_condition(data, ())
        except ConditionError as exc:
            self.error((*path, *exc.path), str(exc))
            return ALWAYS
        self.collected.conditions.append(ConditionUse(path, data, role, step))
        return compiled

    def flag(self, data: Mapping[str, Any], key: str, path: Path, default: bool) -> bool:
        value = data.get(key, default)
        if not isinstance(value, bool):
            self.error((*path, key), f"'{key}' must be true or false")
            return default
        return value

    def integer(self, value: Any, path: Path, what: str, minimum: int = 0) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.error(path, f"{what} must be a whole number of at least {minimum}")
            return minimum
        return value


@dataclass(frozen=True, slots=True)
class Report:
    """Everything `check_pack` found: the pack when it could be built, and every problem."""

    pack: Pack | None
    problems: tuple[Problem, ...]
    located: Located | None = None  # the YAML with positions, for tools that point into it
    templates: Mapping[str, frozenset[str]] = field(default_factory=dict)  # source -> names

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def load_pack(text: str, source: str = "<pack>") -> Pack:
    """Parse and check a pack; warnings are not reported here (`check_pack` has them).

    Args:
        text: the pack's YAML.
        source: where it came from, used in every problem message.

    Raises:
        PackError: with every error found, each as `source:line:col: error: message`.
    """
    report = check_pack(text, source)
    errors = report.errors
    if errors or report.pack is None:
        raise PackError(errors or [Problem(source, 1, 1, "the pack could not be built")])
    return report.pack


def check_pack(text: str, source: str = "<pack>") -> Report:
    """Check a pack completely: every error and warning, in file order, in one pass.

    The pack is built (and its flow, templates and rules checked) whenever every step could
    be built, even if other parts have errors: an author sees all the problems in one run,
    and `coach packs graph` can still draw the pack. Only `load_pack` refuses it.
    """
    try:
        located = parse_yaml(text, source)
    except PackError as exc:
        return Report(None, tuple(exc.problems))
    lines = text.splitlines()
    check = _Checker(located, lines)
    pack = _build(check, _sha256(text), source)
    problems = check.problems
    if pack is not None:
        problems = problems + check_pack_flow(pack, located, lines, check.collected)
    ordered = sorted(problems, key=lambda p: (p.line, p.col))
    templates = {src: info.names for src, info in check.seen.items() if not info.hazards}
    return Report(pack, tuple(ordered), located, templates)


IMAGE_FORMAT = 1


def pack_image(report: Report) -> dict[str, Any] | None:
    """A pack that checked clean, as plain data a cache can keep (dicts, lists, text, numbers).

    `load_image` rebuilds the same pack from it without parsing YAML or analysing templates
    again, which is most of what loading a pack costs. None when the pack has errors: only a
    pack that passed every check may skip them next time.
    """
    if report.pack is None or report.errors or report.located is None:
        return None
    return {
        "image": IMAGE_FORMAT,
        "sha256": report.pack.sha256,
        "data": report.located.data,
        "templates": {src: sorted(names) for src, names in report.templates.items()},
    }


def load_image(image: Mapping[str, Any], source: str) -> Pack:
    """Rebuild a pack from `pack_image`'s data, trusting the checks it passed then.

    Only the caller knows the image is this pack's and was made by this engine (a cache
    keys it by the pack's sha256 and the engine's files). The pack is built as `load_pack`
    builds it; its texts reuse the template names found when it was checked.

    Raises:
        PackError: the image is not one this engine made, or it no longer builds cleanly.
    """
    if not isinstance(image, Mapping) or image.get("image") != IMAGE_FORMAT:
        raise PackError([Problem(source, 0, 0, "not a pack image of this coach")])
    templates, sha256 = image.get("templates"), image.get("sha256")
    if (
        not isinstance(templates, Mapping)
        or not isinstance(sha256, str)
        or not all(
            isinstance(src, str)
            and isinstance(names, list)
            and all(isinstance(n, str) for n in names)
            for src, names in templates.items()
        )
    ):
        raise PackError([Problem(source, 0, 0, "not a pack image of this coach")])
    check = _Checker(Located(image.get("data"), source), [])
    check.seen = {src: TemplateInfo(frozenset(names)) for src, names in templates.items()}
    pack = _build(check, sha256, source)
    errors = [p for p in check.problems if p.severity == "error"]
    if pack is None or errors:
        raise PackError(errors or [Problem(source, 1, 1, "the pack could not be built")])
    return pack


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _build(check: _Checker, sha256: str, source: str) -> Pack | None:
    """Build the pack from checked parts, or None when its errors leave nothing to build."""
    located = check.loc
    root = check.mapping(located.data, (), "a pack")
    if not root:
        if not check.problems:
            check.error((), "the pack is empty")
        return None
    check.keys(root, TOP_KEYS, (), "the pack")
    if "pack" not in root:
        check.error((), "the pack needs 'pack: 1' (the format version) at the top")
    elif root["pack"] != FORMAT:
        check.error(("pack",), f"this coach reads pack format {FORMAT}, not {root['pack']!r}")
    pack_id = check.ident(root, (), "the pack")
    version = check.string(root, "version", (), "the pack")
    title = check.string(root, "title", (), "the pack")
    language = str(root.get("language", "en"))
    if not LANGUAGE.match(language):
        check.error(
            ("language",),
            f"'language' must be a language tag such as en or de-CH, not {language!r}",
        )
    description = root.get("description", "")
    if not isinstance(description, str):
        check.error(("description",), "'description' must be text")
        description = ""
    description = description.strip()

    settings = check.mapping(root.get("settings", {}), ("settings",), "'settings'")
    check.keys(settings, SETTINGS_KEYS, ("settings",), "'settings'")
    budget_default = check.integer(
        settings.get("probe_budget", 2), ("settings", "probe_budget"), "'probe_budget'"
    )
    due_default = str(settings.get("default_due", "in 2 weeks"))
    if "default_due" in settings:
        check.collected.dues.append((("settings", "default_due"), due_default))
    skippable_default = check.flag(settings, "skippable", ("settings",), False)

    lexicon_data = check.mapping(root.get("lexicon", {}), ("lexicon",), "'lexicon'")
    check.keys(lexicon_data, tuple(ENGLISH), ("lexicon",), "'lexicon'")
    before = len(check.problems)
    _check_lexicon(check, lexicon_data)
    try:
        lexicon = Lexicon.build(lexicon_data)
    except (TypeError, ValueError, AttributeError) as exc:
        if len(check.problems) == before:  # else the problem is already said, with its place
            check.error(("lexicon",), f"'lexicon' has a value of the wrong shape ({exc})")
        lexicon = Lexicon.build()
    env = make_environment(lexicon)

    messages_data = check.mapping(root.get("messages", {}), ("messages",), "'messages'")
    check.keys(messages_data, tuple(DEFAULT_MESSAGES), ("messages",), "'messages'")
    messages: dict[str, Text] = {}
    for key, default in DEFAULT_MESSAGES.items():
        scope = Scope("message", None, MESSAGE_NAMES.get(key, frozenset()))
        compiled = check.text(
            env, messages_data.get(key, default), ("messages", key), f"the message '{key}'", scope
        )
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
                check.dropped += 1
                continue
            defaults: dict[str, Any] = {}
            if "skippable" not in raw_step:
                defaults["skippable"] = skippable_default
            if step.kind == "commit" and "default_due" in raw_step:
                check.collected.dues.append(((*path, "default_due"), step.default_due))
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
    check.collected.step_paths = step_paths
    if not steps and not check.problems:
        check.error(("sections",), "the pack has no steps")
    by_id = {s.id: s for s in steps}
    for step in steps:
        for bi, branch in enumerate(step.next):
            if branch.goto != END and branch.goto not in by_id:
                tip = did_you_mean(branch.goto, list(by_id))
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
    for i, item in enumerate(
        actions.get("rules", []) if isinstance(actions.get("rules"), list) else []
    ):
        trait_ref = item.get("trait") if isinstance(item, Mapping) else None
        if isinstance(trait_ref, str) and trait_ref not in trait_ids and "{" not in trait_ref:
            tip = did_you_mean(trait_ref, list(trait_ids))
            check.error(
                ("actions", "rules", i, "trait"), f"'trait: {trait_ref}' names no trait{tip}"
            )

    if not steps or check.dropped:
        # A step that could not be built would make every check of the flow a guess; with
        # all steps built, the flow is checked even if other parts have errors.
        return None
    return Pack(
        id=pack_id,
        version=version,
        title=title,
        language=language,
        description=description,
        source=source,
        sha256=sha256,
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
    env: PackEnvironment,
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
        tip = did_you_mean(kind, KINDS)
        check.error((*path, "kind"), f"unknown step kind '{kind}'{tip} (one of {', '.join(KINDS)})")
        return None
    check.keys(data, STEP_KEYS, path, f"step '{step_id}'")
    common = ("id", "kind", "text", "when", "skippable", "set", "next")
    for key in data:
        if key in STEP_KEYS and key not in common and key not in KIND_KEYS.get(kind, ()):
            check.error((*path, key, "<key>"), f"'{key}' does not apply to a '{kind}' step")
    what = f"step '{step_id}'"
    silent = kind == "say" and "text" not in data and "set" in data
    if "text" not in data and not silent:
        check.error(path, f"{what} needs 'text' (what coach says)")
        return None
    before = Scope("before", step_id)
    after = Scope("after", step_id)
    if silent:  # a `say` that only sets its variables (under a `when`) says nothing
        text: Text | None = Text(env, ("",), frozenset())
    else:
        scope = Scope("before", step_id, OFFER_NAMES) if kind == "offer" else before
        text = check.text(env, data["text"], (*path, "text"), f"the text of {what}", scope)
    when = ALWAYS
    if "when" in data:
        when = check.condition(data["when"], (*path, "when"), "when", step_id)
    skippable = check.flag(data, "skippable", path, False)
    set_values = check.mapping(data.get("set", {}), (*path, "set"), "'set'")
    compiled_set: dict[str, Any] = {}
    for name, value in set_values.items():
        where = (*path, "set", name)
        if not isinstance(name, str) or not VAR.match(name):
            check.error(
                (*where, "<key>"),
                f"the variable name {name!r} must start with a letter and use only letters, "
                "digits and '_'",
            )
            continue
        check.collected.set_paths.setdefault(name, []).append((*where, "<key>"))
        if isinstance(value, str) and "{" in value:
            scope = before if kind == "say" else after
            compiled_set[name] = check.text(env, value, where, f"'set: {name}'", scope)
        else:
            compiled_set[name] = value
    branches = []
    for bi, item in enumerate(check.seq(data.get("next", []), (*path, "next"), "'next'")):
        bpath = (*path, "next", bi)
        bdata = check.mapping(item, bpath, "a 'next' entry")
        check.keys(bdata, ("if", "goto"), bpath, "a 'next' entry")
        goto = check.string(bdata, "goto", bpath, "a 'next' entry")
        cond = (
            check.condition(bdata["if"], (*bpath, "if"), "next", step_id)
            if "if" in bdata
            else ALWAYS
        )
        branches.append(Branch(cond, goto))

    probes: list[ProbeRule] = []
    budget = 0
    if "probes" in data:
        ppath = (*path, "probes")
        pdata = check.mapping(data["probes"], ppath, "'probes'")
        check.keys(pdata, PROBE_KEYS, ppath, "'probes'")
        if "budget" in pdata:
            budget = check.integer(pdata["budget"], (*ppath, "budget"), "'budget'")
        probe_scope = Scope("after", step_id, PROBE_NAMES)
        rule_ids: list[tuple[str, Path]] = []
        for ri, rule in enumerate(check.seq(pdata.get("rules", []), (*ppath, "rules"), "'rules'")):
            rpath = (*ppath, "rules", ri)
            rdata = check.mapping(rule, rpath, "a probe rule")
            check.keys(rdata, RULE_KEYS, rpath, "a probe rule")
            if "if" not in rdata:
                check.error(rpath, "a probe rule needs 'if' (when to ask it)")
                continue
            cond = check.condition(rdata["if"], (*rpath, "if"), "probe", step_id)
            rtext = check.text(
                env, rdata.get("text"), (*rpath, "text"), "a probe's text", probe_scope
            )
            rule_id = str(rdata.get("id", f"{step_id}.{ri + 1}"))
            rule_ids.append((rule_id, (*rpath, "id")))
            if rtext:
                probes.append(ProbeRule(rule_id, cond, rtext))
        _duplicates(check, rule_ids, "probe rule")

    classify = None
    if "classify" in data:
        classify = _classify(check, env, data["classify"], (*path, "classify"), traits, step_id)

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
            low, high = 1, 5
        elif not -SCALE_BOUND <= low < high <= SCALE_BOUND:
            bounds = f"{-SCALE_BOUND} and {SCALE_BOUND}"
            check.error(spath, f"a scale's 'min' and 'max' must lie between {bounds}")
            low, high = 1, 5
        elif high - low + 1 > SCALE_VALUES:
            check.error(
                spath,
                f"the scale has {high - low + 1} values; a rating offers at most {SCALE_VALUES}"
                " (such as 0 to 10), so that the leader can see each one",
            )
            low, high = 1, 5
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
            _duplicates(
                check,
                [(o.id, (*path, "options", i, "id")) for i, o in enumerate(parsed)],
                "option",
            )
            options = tuple(parsed)

    suggest = tuple(
        s
        for i, item in enumerate(
            check.seq(data.get("suggest", []), (*path, "suggest"), "'suggest'")
        )
        if (s := _suggestion(check, env, item, (*path, "suggest", i), trait=trait, step=step_id))
    )
    ask_due = None
    if "ask_due" in data:
        ask_due = check.text(env, data["ask_due"], (*path, "ask_due"), "'ask_due'", after)
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
        skippable=skippable,
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
    check: _Checker,
    env: PackEnvironment,
    raw: Any,
    path: Path,
    traits: list[Trait],
    step_id: str,
) -> Classify | None:
    data = check.mapping(raw, path, "'classify'")
    check.keys(data, CLASSIFY_KEYS, path, "'classify'")
    into = check.string(data, "into", path, "'classify'")
    if into and not VAR.match(into):
        check.error(
            (*path, "into"),
            f"the variable name '{into}' must start with a letter and use only letters, "
            "digits and '_'",
        )
    elif into:
        check.collected.set_paths.setdefault(into, []).append((*path, "into"))
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
                where = (*cpath, "keywords") if "keywords" in cdata else cpath
                check.error(where, "a category needs a list of 'keywords'")
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
    if raw_categories != "traits":
        _duplicates(
            check,
            [(c.id, (*path, "categories", i, "id")) for i, c in enumerate(categories)],
            "category",
        )
    confirm = str(data.get("confirm", "unclear"))
    if confirm not in ("always", "unclear"):
        check.error((*path, "confirm"), "'confirm' must be 'always' or 'unclear'")
    strong = check.integer(data.get("strong", 2), (*path, "strong"), "'strong'", 1)
    text = check.text(
        env,
        data.get("text", "Which of these is closest to what you mean?"),
        (*path, "text"),
        "the confirmation text",
        Scope("after", step_id, CONFIRM_NAMES),
    )
    other = None
    if "other" in data:
        opath = (*path, "other")
        odata = check.mapping(data["other"], opath, "'other'")
        check.keys(odata, CATEGORY_KEYS, opath, "'other'")
        keywords = odata.get("keywords")
        if not isinstance(keywords, list) or not keywords:
            check.error(
                (*opath, "keywords") if "keywords" in odata else opath,
                "'other' needs a list of 'keywords' (the words that mean none of them)",
            )
            keywords = []
        other = Category(
            check.ident(odata, opath, "'other'"),
            str(odata.get("label", odata.get("id", ""))),
            tuple(str(k) for k in keywords),
        )
        if any(c.id == other.id for c in categories):
            check.error((*opath, "id"), f"'other' has the id '{other.id}' of a category")
    if text is None:
        return None
    return Classify(into, tuple(categories), confirm, strong, text, other)


def _suggestion(
    check: _Checker,
    env: PackEnvironment,
    raw: Any,
    path: Path,
    trait: str | None = None,
    pack_rule: bool = False,
    step: str | None = None,
) -> Suggestion | None:
    what = "an action rule" if pack_rule else "a suggestion"
    data = check.mapping(raw, path, what)
    check.keys(data, ACTION_RULE_KEYS if pack_rule else SUGGEST_KEYS, path, what)
    cond = ALWAYS
    guards: frozenset[tuple[str, str]] = frozenset()
    if "if" in data:
        role = "action" if pack_rule else "suggest"
        cond = check.condition(data["if"], (*path, "if"), role, step)
        guards = frozenset(cond.refs)
    scope = Scope("end", None, frozenset(), guards) if pack_rule else Scope("after", step)
    text = check.text(env, data.get("text"), (*path, "text"), f"the text of {what}", scope)
    if "due" in data:
        check.collected.dues.append(((*path, "due"), str(data["due"])))
    trait_ref = data.get("trait")
    if isinstance(trait_ref, str) and "{" in trait_ref:
        check.text(env, trait_ref, (*path, "trait"), f"the trait of {what}", scope)
    kind = str(data.get("kind", "insight" if pack_rule else "suggestion"))
    if kind not in ("insight", "suggestion"):
        check.error((*path, "kind"), "'kind' must be 'insight' or 'suggestion'")
    offer = None
    if "offer" in data:
        offer = check.text(env, data["offer"], (*path, "offer"), f"the offer of {what}", scope)
    if text is None:
        return None
    rule_id = str(data.get("id", ".".join(str(p) for p in path)))
    return Suggestion(
        rule_id, cond, text, str(data.get("due", "in 2 weeks")),
        str(data["trait"]) if data.get("trait") else trait, kind, offer,
    )  # fmt: skip


def _hazard_problem(check: _Checker, path: Path, token: str, message: str) -> Problem:
    """A hostile template's problem, pointed at the token on its line when it can be found."""
    line, col = check.loc.where(path)
    last = check.loc.ends.get(path, line)
    for number in range(line, min(last, len(check.lines)) + 1):
        at = check.lines[number - 1].find(token, col - 1 if number == line else 0)
        if at >= 0:
            return Problem(check.loc.source, number, at + 1, message)
    return Problem(check.loc.source, line, col, message)


def _check_lexicon(check: _Checker, data: Mapping[str, Any]) -> None:
    """The shapes `Lexicon.build` would accept but the date and rating parsers would misread."""
    for key, size in (("weekdays", 7), ("months", 12)):
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, list) or len(value) != size:
            first = "Monday" if key == "weekdays" else "January"
            check.error(("lexicon", key), f"'{key}' must list all {size} of them, {first} first")
        elif not all(isinstance(w, str) and w.strip() for w in value):
            check.error(("lexicon", key), f"'{key}' must be a list of words")
    if "fillers" in data:
        fillers = data["fillers"]
        if not isinstance(fillers, list) or not all(isinstance(h, str) for h in fillers):
            check.error(("lexicon", "fillers"), "'fillers' must be a list of words or phrases")
    if "hedges" in data:
        hedges = data["hedges"]
        if not isinstance(hedges, list) or not all(isinstance(h, str) for h in hedges):
            check.error(("lexicon", "hedges"), "'hedges' must be a list of words or phrases")
    relative = data.get("relative")
    if isinstance(relative, Mapping):
        check.keys(relative, RELATIVE_KEYS, ("lexicon", "relative"), "'relative'")
        for key, words in relative.items():
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                check.error(
                    ("lexicon", "relative", key), f"'{key}' must be a list of words or phrases"
                )
    elif relative is not None:
        check.error(("lexicon", "relative"), "'relative' must be a mapping of word lists")
    order = data.get("date_order")
    if order is not None and order not in ("md", "dm"):
        check.error(("lexicon", "date_order"), "'date_order' must be md (12/15) or dm (15/12)")
    holidays = data.get("holidays")
    if isinstance(holidays, Mapping):
        for word, day in holidays.items():
            try:
                month_day(str(day))
            except ValueError:
                check.error(
                    ("lexicon", "holidays", word),
                    f"the day for '{word}' must be a month and day as MM-DD, such as 12-24",
                )
    for key in ("reflect_subjects", "reflect_adverbs", "agree", "decline", *TEXTMATCH_KEYS):
        words = data.get(key)
        if words is not None and (
            not isinstance(words, list) or not all(isinstance(w, str) for w in words)
        ):
            check.error(("lexicon", key), f"'{key}' must be a list of words")
    for key in ("numbers", "reflect", "reflect_verbs", "amounts", "holidays"):
        value = data.get(key)
        if value is not None and not isinstance(value, Mapping):
            check.error(("lexicon", key), f"'{key}' must be a mapping")
    for key in ("numbers", "amounts"):
        numbers = data.get(key)
        if isinstance(numbers, Mapping):
            for word, number in numbers.items():
                if isinstance(number, bool) or not isinstance(number, int):
                    check.error(
                        ("lexicon", key, word), f"the number for '{word}' must be a whole number"
                    )
