"""YAML in and out of session files, exact for any text a leader types.

libyaml's C classes are used when PyYAML was built with them (saving after every answer should
cost little); otherwise the pure-Python ones, with a one-time warning. Either way a `str` goes
through `dump` and `load` unchanged: control characters, emoji, `{{ x }}`, `[bold]`, and words
such as `yes` or `1e3` that YAML would otherwise read as something else.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml
    from yaml.nodes import Node

# PyYAML is imported on the first `dump` or `load`, not with the store: the reflection's
# first screen is drawn before anything is read or written.

__all__ = ["dump", "libyaml", "load"]

# Wide enough that no answer is ever folded over lines; libyaml wants a C int.
_WIDTH = 2**31 - 1

# Strings a YAML 1.2 reader (yq, ruamel, other languages) would take for a number, boolean or
# null. PyYAML (YAML 1.1) already quotes most of these; quoting all keeps files portable.
_YAML12_SCALAR = re.compile(
    r"[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
    r"|null|Null|NULL|~|true|True|TRUE|false|False|FALSE"
)

# Unicode line breaks that PyYAML's pure-Python emitter mangles in single-quoted scalars
# (NEL is read back as a space); double quotes escape them.
_ODD_BREAKS = ("\x85", "\u2028", "\u2029")


def _represent_str(dumper: yaml.SafeDumper, data: str) -> yaml.ScalarNode:
    """Choose a style that reads well and always reads back as the same string."""
    style: str | None = None
    if any(ch in data for ch in _ODD_BREAKS):
        style = '"'
    elif "\n" in data:
        # A literal block keeps a multi-line answer readable; the emitter falls back to quotes
        # by itself when a block cannot hold the text exactly (trailing spaces, tabs, ...).
        style = "|"
    elif _YAML12_SCALAR.fullmatch(data):
        style = "'"
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _no_aliases(self: Any, data: Any) -> bool:
    """Never write `&id001` anchors: a shared object is written out again, as people expect."""
    return True


def _construct_object(self: Any, node: Node, deep: bool = False) -> Any:
    """Refuse aliases: a small file must not expand into a huge one in a coach's viewer."""
    from yaml.constructor import BaseConstructor, ConstructorError

    if node in self.constructed_objects or node in self.recursive_objects:
        raise ConstructorError(
            None,
            None,
            "this value is reused through an alias; session files do not use aliases",
            node.start_mark,
        )
    return BaseConstructor.construct_object(self, node, deep)


@dataclass(frozen=True, slots=True)
class _Codec:
    """The loader and dumper classes in use, and whether they are libyaml's."""

    loader: type[Any]
    checking_loader: type[Any]
    dumper: type[Any]
    libyaml: bool


@lru_cache(maxsize=1)
def _codec() -> _Codec:
    """Build loader/dumper subclasses on libyaml's classes when PyYAML has them."""
    import yaml

    c_loader: type[Any] | None = getattr(yaml, "CSafeLoader", None)
    c_dumper: type[Any] | None = getattr(yaml, "CSafeDumper", None)
    base_loader: type[Any] = yaml.SafeLoader
    base_dumper: type[Any] = yaml.SafeDumper
    fast = c_loader is not None and c_dumper is not None
    if c_loader is not None and c_dumper is not None:
        base_loader, base_dumper = c_loader, c_dumper
    loader: type[Any] = type("SessionLoader", (base_loader,), {})
    checking_loader: type[Any] = type(
        "AliasRefusingLoader", (base_loader,), {"construct_object": _construct_object}
    )
    dumper: type[Any] = type("SessionDumper", (base_dumper,), {"ignore_aliases": _no_aliases})
    dumper.add_representer(str, _represent_str)
    return _Codec(loader=loader, checking_loader=checking_loader, dumper=dumper, libyaml=fast)


_warned = False


def libyaml() -> bool:
    """True when PyYAML's libyaml bindings are in use."""
    return _codec().libyaml


def _warn_if_slow() -> None:
    """Say once per process that saving is slower, so a packager can fix the build."""
    global _warned
    if not _codec().libyaml and not _warned:
        _warned = True
        warnings.warn(
            "PyYAML was built without libyaml; coach falls back to pure-Python YAML, "
            "so saving and listing sessions is slower",
            RuntimeWarning,
            stacklevel=3,
        )


def dump(data: Any) -> str:
    """Write plain data as block-style YAML, keys in the order given.

    Args:
        data: dicts, lists, str, int, float, bool and None (what a session holds).

    Returns:
        The YAML text; `load` of it equals `data`.

    Raises:
        yaml.representer.RepresenterError: `data` holds something that is not plain data.
    """
    import yaml

    _warn_if_slow()
    text: str = yaml.dump(
        data,
        Dumper=_codec().dumper,
        sort_keys=False,
        allow_unicode=True,
        width=_WIDTH,
        default_flow_style=False,
    )
    return text


def load(text: str) -> Any:
    """Read YAML safely: no Python objects, no aliases.

    Args:
        text: The YAML text.

    Returns:
        The plain data it holds.

    Raises:
        yaml.YAMLError: The text is not valid YAML; marked errors carry a `problem_mark`.
    """
    import yaml

    _warn_if_slow()
    codec = _codec()
    # An alias is spelt with `*`; text without one needs no (costly) per-node alias check.
    loader = codec.checking_loader if "*" in text else codec.loader
    try:
        return yaml.load(text, Loader=loader)
    except ValueError:  # a value its type refuses: too many digits, a day that is not
        raise _unreadable(text) from None


def _unreadable(text: str) -> Exception:
    """The constructor's refusal of a plain value, marked where it is: a number past
    Python's 4,300 digits (sys.get_int_max_str_digits), or a date no calendar has."""
    import yaml

    found = re.search(r"[0-9_]{4000,}", text)
    problem = "a number in it is too long to read"
    if found is None:
        found = next((m for m in _DATES.finditer(text) if not _real_day(m.group(1))), None)
        problem = "it holds a date that does not exist"
        if found is not None:
            problem = f"it holds the date {found.group(1)}, which does not exist"
    mark = None
    if found is not None:
        at = found.start(1) if found.re is _DATES else found.start()
        line = text.count("\n", 0, at)
        mark = yaml.Mark("<yaml>", at, line, at - (text.rfind("\n", 0, at) + 1), None, 0)
    return yaml.MarkedYAMLError(problem=problem, problem_mark=mark)


_DATES = re.compile(r"(?:^|[\s:\-\[{,])(\d{4}-\d{1,2}-\d{1,2})(?=[\sT,\]}]|$)", re.MULTILINE)


def _real_day(text: str) -> bool:
    from datetime import date

    year, month, day = (int(part) for part in text.split("-"))
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
