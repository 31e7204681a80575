"""The pack format's JSON Schema, read from the package so an installed coach has it too."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

SCHEMA_FILE = "pack.schema.json"


def schema_text() -> str:
    """The schema as shipped (`coach packs schema` prints it)."""
    return resources.files("coach.schema").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@cache
def schema() -> dict[str, Any]:
    """The schema as data."""
    data: dict[str, Any] = json.loads(schema_text())
    return data
