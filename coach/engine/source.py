"""YAML text to plain data, remembering where every value came from.

Packs are code from strangers: only the YAML core types are accepted (no Python tags), alias
expansion is bounded (no billion laughs) and so is the file size. Every value keeps its line
and column so that a validation problem can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coach.engine.errors import PackError, Problem

if TYPE_CHECKING:
    import yaml

# PyYAML is imported by `parse_yaml`, not here: a pack rebuilt from the cache of checked packs
# (see `pack.load_image`) needs `Located` but no YAML, and a start is quicker without it.

MAX_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 50  # a real pack nests about 15 deep; Python's recursion would give out near 1,000

Path = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_SCALARS = {
    _STR,
    _TIMESTAMP,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
}


@dataclass(slots=True)
class Located:
    """Plain data from a YAML document and the place of each value in it."""

    data: Any
    source: str
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    ends: dict[Path, int] = field(default_factory=dict)  # last line of multi-line scalars

    def where(self, path: Path) -> tuple[int, int]:
        """The (line, col) of the value at `path`, or of its nearest ancestor."""
        probe = path
        while probe:
            if probe in self.marks:
                return self.marks[probe]
            probe = probe[:-1]
        return self.marks.get((), (1, 1))

    def problem(self, path: Path, message: str, severity: str = "error") -> Problem:
        line, col = self.where(path)
        return Problem(self.source, line, col, message, severity)


class _Converter:
    def __init__(self, source: str) -> None:
        import yaml
        from yaml.constructor import SafeConstructor

        self.yaml = yaml
        self.constructor = SafeConstructor()
        self.source = source
        self.marks: dict[Path, tuple[int, int]] = {}
        self.ends: dict[Path, int] = {}
        self.count = 0

    def fail(self, node: yaml.Node, message: str) -> PackError:
        mark = node.start_mark
        return PackError([Problem(self.source, mark.line + 1, mark.column + 1, message)])

    def convert(self, node: yaml.Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.fail(
                node, f"the file expands to more than {MAX_NODES:,} values (too many aliases?)"
            )
        if len(path) > MAX_DEPTH:
            raise self.fail(node, f"the file nests values more than {MAX_DEPTH} levels deep")
        self.marks[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        yaml = self.yaml
        if isinstance(node, yaml.ScalarNode):
            if node.end_mark.line != node.start_mark.line:
                self.ends[path] = node.end_mark.line + 1
            if node.tag not in _SCALARS:
                raise self.fail(node, f"the YAML tag {node.tag!r} is not allowed in a pack")
            if node.tag in (_STR, _TIMESTAMP):
                return node.value  # a date stays as written: `due: 2026-12-12` is text
            try:
                return self.constructor.construct_object(node, deep=True)
            except ValueError:  # Python reads at most 4,300 digits of a number
                raise self.fail(node, "this number is too long to read") from None
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, f"the YAML tag {node.tag!r} is not allowed in a pack")
            return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            if node.tag != "tag:yaml.org,2002:map":
                raise self.fail(node, f"the YAML tag {node.tag!r} is not allowed in a pack")
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self.fail(key_node, "merge keys ('<<') are not supported in a pack")
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SCALARS:
                    raise self.fail(key_node, "a mapping key must be a plain word")
                key = key_node.value if key_node.tag == _STR else self.convert(key_node, path)
                if key in result:
                    raise self.fail(key_node, f"the key {key!r} appears twice in this mapping")
                child = (*path, key)
                result[key] = self.convert(value_node, child)
                # Point problems about a key at the key itself, not its value.
                self.marks[(*child, "<key>")] = (
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
            return result
        raise self.fail(node, "unexpected YAML node")  # pragma: no cover


def parse_yaml(text: str, source: str) -> Located:
    """Parse one YAML document into plain data with positions.

    Raises:
        PackError: the text is too large, not YAML, or uses something a pack may not.
    """
    if len(text.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        raise PackError(
            [Problem(source, 0, 0, f"the file is larger than {MAX_BYTES // 1000:,} kB")]
        )
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser when built
    try:
        node = yaml.compose(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        detail = exc.problem or exc.context or "invalid YAML"
        raise PackError([Problem(source, line, col, f"invalid YAML: {detail}")]) from None
    except yaml.YAMLError as exc:
        raise PackError([Problem(source, 0, 0, f"invalid YAML: {exc}")]) from None
    if node is None:
        raise PackError([Problem(source, 1, 1, "the file is empty")])
    converter = _Converter(source)
    data = converter.convert(node, ())
    return Located(data, source, converter.marks, converter.ends)
