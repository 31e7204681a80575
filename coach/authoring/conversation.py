"""Conversation tests: a pack author's script of what a leader says and what coach must say.

A test file is YAML (see docs/packs.md, *Testing a pack*)::

    pack: ../packs/tiny.yaml     # a file relative to this one, or a pack id
    now: 2026-11-28T09:00:00+00:00
    tests:
      - name: a short answer is probed once
        talk:
          - coach: Think of someone who really listened
          - leader: not much
          - coach: You said "not much"
        expect:
          answers: {recall: not much}

`coach:` lines must appear in what coach said since the leader's last line; `leader:` lines
are answers, or `:skip` / `:back`; `at:` names the step coach must be asking. `expect:` is
compared with the dialogue afterwards. Every failure is a `file:line:col: error:` line
pointing at the entry that failed, like any other pack problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from coach.authoring.files import read_text
from coach.engine import Dialogue, Pack, PackError, Problem, Reply, TemplateFailure
from coach.engine.source import Located, parse_yaml
from coach.engine.source import Path as YamlPath

DEFAULT_NOW = datetime.fromisoformat("2026-11-28T09:00:00+00:00")  # a Saturday
FILE_KEYS = ("pack", "now", "seed", "tests")
TEST_KEYS = ("name", "participant", "seed", "talk", "expect")
LINE_KEYS = ("coach", "leader", "at")
EXPECT_KEYS = ("finished", "answers", "followups", "ratings", "vars", "actions")
ACTION_KEYS = ("text", "due", "trait", "kind", "status")


@dataclass(slots=True)
class Outcome:
    """One test's result: its name and every failure, each with the place in the test file."""

    name: str
    problems: list[Problem] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


class _Fail(Exception):
    """Stops one test at its first broken line (later lines would only repeat it)."""


def run_file(path: Path, find_pack: Any = None) -> list[Outcome]:
    """Run every test in one conversation test file.

    Args:
        path: the test file.
        find_pack: `ref -> Pack` for a `pack:` that is an id rather than a file; by default
            the stock packs and nothing else.

    Returns:
        One outcome per test; a file that cannot be used at all gives one failed outcome.
    """
    name = str(path)
    text, problems = read_text(path)
    if text is None:
        return [Outcome(name, problems)]
    try:
        located = parse_yaml(text, name)
    except PackError as exc:
        return [Outcome(name, list(exc.problems))]
    root = located.data
    if not isinstance(root, Mapping):
        return [Outcome(name, [located.problem((), "a conversation test file is a mapping")])]
    file_problems = _unknown(located, root, FILE_KEYS, (), "the test file")
    pack, more = _pack(located, root, path, find_pack)
    file_problems += more
    tests = root.get("tests")
    if not isinstance(tests, list) or not tests:
        file_problems.append(located.problem(("tests",), "the file needs 'tests', a list"))
    now = DEFAULT_NOW
    if "now" in root:
        try:
            now = datetime.fromisoformat(str(root["now"]))
        except ValueError:
            file_problems.append(
                located.problem(("now",), "'now' must be a date and time like 2026-11-28T09:00")
            )
    if file_problems or pack is None:
        return [Outcome(name, file_problems)]
    assert isinstance(tests, list)
    seed = str(root.get("seed", "test"))
    return [_run_one(located, pack, test, ("tests", i), now, seed) for i, test in enumerate(tests)]


def _unknown(
    located: Located, data: Mapping[str, Any], allowed: tuple[str, ...], path: YamlPath, what: str
) -> list[Problem]:
    return [
        located.problem((*path, key, "<key>"), f"unknown key '{key}' in {what}")
        for key in data
        if key not in allowed
    ]


def _pack(
    located: Located, root: Mapping[str, Any], path: Path, find_pack: Any
) -> tuple[Pack | None, list[Problem]]:
    ref = root.get("pack")
    if not isinstance(ref, str) or not ref:
        return None, [located.problem(("pack",), "the file needs 'pack': a pack file or id")]
    try:
        if ref.endswith((".yaml", ".yml")) or "/" in ref:
            from coach.catalog import read_pack

            return read_pack(path.parent / ref), []
        if find_pack is not None:
            return find_pack(ref), []
        from coach.catalog import find_pack as find_stock

        return find_stock(ref, []).pack, []
    except PackError as exc:
        first = exc.problems[0] if exc.problems else None
        detail = str(first) if first else "it does not load"
        return None, [located.problem(("pack",), f"the pack '{ref}' cannot be used: {detail}")]


def _run_one(
    located: Located, pack: Pack, test: Any, path: YamlPath, now: datetime, seed: str
) -> Outcome:
    if not isinstance(test, Mapping):
        return Outcome(f"test {path[-1]}", [located.problem(path, "a test is a mapping")])
    outcome = Outcome(str(test.get("name", f"test {int(path[-1]) + 1}")))
    problems = outcome.problems
    problems += _unknown(located, test, TEST_KEYS, path, "a test")
    participant = test.get("participant")
    dialogue = Dialogue(
        pack,
        lambda: now,
        seed=str(test.get("seed", seed)),
        participant=str(participant) if participant is not None else None,
    )
    said: list[str] = []
    try:
        said = _coach_lines(dialogue.start())
        talk = test.get("talk", [])
        if not isinstance(talk, list):
            raise _Fail(located.problem((*path, "talk"), "'talk' must be a list"))
        for i, line in enumerate(talk):
            said = _play(located, dialogue, line, (*path, "talk", i), said)
    except _Fail as fail:
        problems.append(fail.args[0])
        return outcome
    except TemplateFailure as exc:
        problems.append(located.problem(path, f"the pack failed while talking: {exc}"))
        return outcome
    expect = test.get("expect")
    if expect is not None:
        problems += _expect(located, dialogue, expect, (*path, "expect"))
    problems.sort(key=lambda p: (p.line, p.col))
    return outcome


def _coach_lines(reply: Reply) -> list[str]:
    return [t.text for t in reply.turns if t.role == "coach"]


def _play(
    located: Located, dialogue: Dialogue, line: Any, path: YamlPath, said: list[str]
) -> list[str]:
    """Check or do one line of the script; returns what coach has said since the leader."""
    if not isinstance(line, Mapping) or len(line) != 1:
        raise _Fail(
            located.problem(path, "each line is one of 'coach: …', 'leader: …' or 'at: step'")
        )
    ((key, value),) = line.items()
    where = (*path, key)
    if key not in LINE_KEYS:
        raise _Fail(
            located.problem((*where, "<key>"), f"unknown line '{key}' (coach, leader or at)")
        )
    if key == "at":
        prompt = dialogue.current()
        at = prompt.step if prompt else "the end"
        if at != value:
            raise _Fail(located.problem(where, f"coach is at '{at}', not at '{value}'"))
        return said
    if key == "coach":
        fragments = value if isinstance(value, list) else [value]
        heard = "\n".join(said)
        for fragment in fragments:
            if _squash(str(fragment)) not in _squash(heard):
                shown = " / ".join(said) if said else "nothing"
                raise _Fail(
                    located.problem(where, f'coach did not say "{fragment}"; it said: {shown}')
                )
        return said
    if dialogue.finished:
        raise _Fail(located.problem(where, "the reflection is already over"))
    answer = "" if value is None else str(value)
    if answer.strip() == ":skip":
        reply = dialogue.skip()
    elif answer.strip() == ":back":
        reply = dialogue.back()
    else:
        reply = dialogue.answer(answer)
    if not reply.accepted and not reply.turns:
        # Refused without a turn (a skip that is not allowed, say): what coach says is the reason.
        return [reply.reason or ""]
    return _coach_lines(reply)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _expect(located: Located, dialogue: Dialogue, expect: Any, path: YamlPath) -> list[Problem]:
    if not isinstance(expect, Mapping):
        return [located.problem(path, "'expect' must be a mapping")]
    problems = _unknown(located, expect, EXPECT_KEYS, path, "'expect'")
    if "finished" in expect and bool(expect["finished"]) != dialogue.finished:
        state = "finished" if dialogue.finished else "not finished"
        problems.append(located.problem((*path, "finished"), f"the reflection is {state}"))
    actual: dict[str, Mapping[str, Any]] = {
        "answers": dialogue.answers,
        "followups": dialogue.snapshot()["followups"],
        "ratings": dialogue.ratings(),
        "vars": dialogue.variables,
    }
    for key, values in actual.items():
        wanted = expect.get(key)
        if wanted is None:
            continue
        if not isinstance(wanted, Mapping):
            problems.append(located.problem((*path, key), f"'{key}' must be a mapping"))
            continue
        for name, value in wanted.items():
            where = (*path, key, name)
            if name not in values:
                problems.append(located.problem(where, f"{key}.{name} has no value"))
            elif not _matches(values[name], value):
                problems.append(
                    located.problem(where, f"{key}.{name} is {values[name]!r}, not {value!r}")
                )
    if "actions" in expect:
        problems += _expect_actions(located, dialogue, expect["actions"], (*path, "actions"))
    return problems


def _matches(actual: Any, wanted: Any) -> bool:
    """Equal, or for mappings: every key given in `wanted` is equal (a partial match)."""
    if isinstance(wanted, Mapping) and isinstance(actual, Mapping):
        return all(k in actual and _matches(actual[k], v) for k, v in wanted.items())
    if isinstance(wanted, str) and not isinstance(actual, str):
        return str(actual) == wanted
    return bool(actual == wanted)


def _expect_actions(
    located: Located, dialogue: Dialogue, wanted: Any, path: YamlPath
) -> list[Problem]:
    items = dialogue.action_items()
    if not isinstance(wanted, list):
        return [located.problem(path, "'actions' must be a list")]
    problems: list[Problem] = []
    if len(items) != len(wanted):
        texts = "; ".join(f'"{i.text}"' for i in items) or "none"
        problems.append(
            located.problem(
                path, f"there are {len(items)} action items, not {len(wanted)}: {texts}"
            )
        )
    for i, (item, want) in enumerate(zip(items, wanted, strict=False)):
        where = (*path, i)
        if not isinstance(want, Mapping):
            problems.append(located.problem(where, "an expected action item is a mapping"))
            continue
        problems += _unknown(located, want, ACTION_KEYS, where, "an action item")
        have = item.to_dict()
        have["kind"] = item.kind
        for key, value in want.items():
            if key not in ACTION_KEYS:
                continue
            actual = have.get(key)
            ok = str(value) in str(actual) if key == "text" else _matches(actual, value)
            if not ok:
                problems.append(
                    located.problem(
                        (*where, key), f"action item {i + 1}'s {key} is {actual!r}, not {value!r}"
                    )
                )
    return problems
