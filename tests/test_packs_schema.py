"""The JSON Schema and the loader must not drift apart.

Three ways: the schema names exactly the keys the loader knows, at every level; every pack
the project ships or tests validates; and for sample files and systematic mutations of a
valid pack, whatever the loader accepts the schema accepts, and whatever the schema rejects
the loader rejects (the schema sees shapes only, so the loader may reject more: flow,
templates, ids; the broken files say which of them a schema can see).

Uses `jsonschema` (a test dependency): the validator editors use, not a copy of it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from coach.authoring.schema import schema, schema_text
from coach.cli import main
from coach.engine import pack as P
from coach.engine.conditions import COMBINATORS, SUBJECTS, TESTS
from coach.engine.lexicon import ENGLISH
from coach.engine.pack import check_pack

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "packs"
VALID = [
    *sorted((ROOT / "prompts").glob("*.yaml")),
    DATA / "tiny.yaml",
    *sorted(p for p in (ROOT / "examples" / "packs").glob("*.yaml") if ".test." not in p.name),
]
BROKEN = sorted((DATA / "broken").glob("*.yaml"))
VALIDATOR = jsonschema.Draft7Validator(schema())


def schema_ok(data: Any) -> bool:
    return VALIDATOR.is_valid(data)


def loader_ok(data: Any) -> bool:
    return not check_pack(yaml.safe_dump(data, sort_keys=False), "mutant.yaml").errors


def props(*path: str) -> set[str]:
    node: Any = schema()
    for part in path:
        node = node[part]
    return set(node["properties"])


def test_the_schema_is_a_valid_draft_7_schema_and_the_cli_prints_it(
    capsys: pytest.CaptureFixture[str],
) -> None:
    jsonschema.Draft7Validator.check_schema(schema())
    assert main(["packs", "schema"]) == 0
    assert json.loads(capsys.readouterr().out) == schema() == json.loads(schema_text())


def test_the_schema_names_exactly_the_keys_the_loader_knows() -> None:
    d = ("definitions",)
    step = ("definitions", "step", "properties")
    assert props() == set(P.TOP_KEYS)
    assert props("properties", "settings") == set(P.SETTINGS_KEYS)
    assert props("properties", "lexicon") == set(ENGLISH)
    assert props("properties", "lexicon", "properties", "relative") == set(P.RELATIVE_KEYS)
    assert props("properties", "messages") == set(P.DEFAULT_MESSAGES)
    assert props("properties", "traits", "items") == set(P.TRAIT_KEYS)
    assert props("properties", "sections", "items") == set(P.SECTION_KEYS)
    assert props("properties", "actions") == set(P.ACTIONS_KEYS)
    assert props("properties", "actions", "properties", "rules", "items") == set(P.ACTION_RULE_KEYS)
    assert props(*d, "step") == set(P.STEP_KEYS)
    assert props(*step, "probes") == set(P.PROBE_KEYS)
    assert props(*step, "probes", "properties", "rules", "items") == set(P.RULE_KEYS)
    assert props(*step, "classify") == set(P.CLASSIFY_KEYS)
    categories = schema()["definitions"]["step"]["properties"]["classify"]["properties"]
    assert set(categories["categories"]["oneOf"][1]["items"]["properties"]) == set(P.CATEGORY_KEYS)
    assert props(*step, "suggest", "items") == set(P.SUGGEST_KEYS)
    assert props(*d, "condition") == set(TESTS) | set(SUBJECTS) | set(COMBINATORS)
    assert schema()["definitions"]["step"]["properties"]["kind"]["enum"] == list(P.KINDS)
    per_kind = {
        rule["if"]["properties"]["kind"]["const"]: set(rule["then"]["propertyNames"]["enum"])
        for rule in schema()["definitions"]["step"]["allOf"]
    }
    common = {"id", "kind", "text", "when", "skippable", "set", "next"}
    assert per_kind == {kind: common | set(keys) for kind, keys in P.KIND_KEYS.items()}


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
def test_every_shipped_and_test_pack_validates(path: Path) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [e.message for e in VALIDATOR.iter_errors(data)] == []
    assert loader_ok(data)


@pytest.mark.parametrize("path", BROKEN, ids=lambda p: p.stem)
def test_broken_samples_the_schema_can_see_are_rejected_by_both(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    verdict = next(line for line in text.splitlines() if line.startswith("# schema: "))
    errors = check_pack(text, path.name).errors
    assert bool(errors) == ("warnings only" not in verdict)  # the loader rejects the others
    if verdict == "# schema: not YAML":
        with pytest.raises(yaml.YAMLError):
            yaml.safe_load(text)
        return
    data = yaml.safe_load(text)
    assert schema_ok(data) == (verdict != "# schema: rejects")


FREE_FORM = {"set", "numbers", "reflect"}  # mappings whose keys are the author's own names


def mappings(
    data: Any, path: tuple[Any, ...] = ()
) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    if isinstance(data, dict):
        yield path, data
        for key, value in data.items():
            yield from mappings(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from mappings(value, (*path, i))


def at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def mutants(data: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """(what, mutated pack, whether the mutation is structural: both must reject it)."""
    for path, mapping in list(mappings(data)):
        if path and path[-1] in FREE_FORM:
            continue
        mutant = copy.deepcopy(data)
        at(mutant, path)["zz_unknown"] = 1
        yield f"unknown key at {path}", mutant, True
        for key, value in mapping.items():
            mutant = copy.deepcopy(data)
            del at(mutant, path)[key]
            yield f"without {(*path, key)}", mutant, False
            if isinstance(value, bool) or (isinstance(value, int) and key != "labels"):
                mutant = copy.deepcopy(data)
                at(mutant, path)[key] = "not a number" if not isinstance(value, bool) else "yes"
                if key not in ("equals", "version", "title", "in"):
                    yield f"{(*path, key)} as text", mutant, True


def test_loader_and_schema_agree_on_mutations() -> None:
    """Every mutation of the tiny pack, which uses every kind of step and most keys (the
    stock pack would take minutes: each mutant costs a whole check)."""
    data = yaml.safe_load((DATA / "tiny.yaml").read_text(encoding="utf-8"))
    checked = 0
    for what, mutant, structural in mutants(data):
        schema_says, loader_says = schema_ok(mutant), loader_ok(mutant)
        if structural:
            assert (schema_says, loader_says) == (False, False), what
        elif loader_says:
            assert schema_says, f"the schema is stricter than the loader: {what}"
        elif not schema_says:
            assert not loader_says, what
        checked += 1
    assert checked > 120
