"""Package names imported on first use (PEP 562), so that importing one light part of a
package, or drawing a first screen before the engine is needed, does not pay for all of it."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from importlib import import_module
from typing import Any


def exports(
    package: str, namespace: dict[str, Any], homes: Mapping[str, Iterable[str]]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for `package`, whose names live in the modules
    given as `homes` (module → its names; the package itself for its submodules). A name is
    imported when first looked up and kept in the package's namespace, so the next lookup is a
    plain one."""
    where = {name: module for module, names in homes.items() for name in names}
    public = sorted(where)

    def getattr_(name: str) -> Any:
        home = where.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if home == package:  # a submodule, as `from coach.store import locations` wants
            value = import_module(f"{package}.{name}")
        else:
            value = getattr(import_module(home), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted({*namespace, *public})

    return getattr_, dir_
