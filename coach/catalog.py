"""Finding packs: the stock packs shipped with coach and the user's own pack folders.

This is the only module that reads pack files; the engine gets their text.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from coach import packcache
from coach.engine import Pack, PackError, Problem

DEFAULT_PACK = "sales-leader"


@dataclass(frozen=True, slots=True)
class PackFile:
    """A pack on disk, loaded and checked."""

    path: Path
    pack: Pack
    stock: bool


def stock_dir() -> Path:
    """Where the stock packs are: `prompts/` in a checkout, `coach/packs` once installed."""
    here = Path(__file__).resolve().parent
    checkout = here.parent / "prompts"
    if checkout.is_dir() and (here.parent / "pyproject.toml").is_file():
        return checkout
    return here / "packs"


def read_pack(path: Path) -> Pack:
    """Load one pack file, checked (or rebuilt from the cache of packs that checked clean).

    Raises:
        PackError: the file cannot be read or the pack is invalid, with file:line:col.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PackError([Problem(str(path), 0, 0, "the pack file does not exist")]) from None
    except IsADirectoryError:
        raise PackError([Problem(str(path), 0, 0, "this is a folder, not a pack file")]) from None
    except UnicodeDecodeError as exc:
        raise PackError(
            [Problem(str(path), 0, 0, f"the pack is not UTF-8 text (byte {exc.start})")]
        ) from None
    except OSError as exc:
        raise PackError([Problem(str(path), 0, 0, f"cannot read it ({exc.strerror})")]) from None
    sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return packcache.load(text, str(path), sha256)


def pack_paths(user_dirs: list[Path]) -> list[tuple[Path, bool]]:
    """Every `*.yaml` pack file coach can see: user folders first, then the stock packs."""
    found: list[tuple[Path, bool]] = []
    for folder in user_dirs:
        if folder.is_dir():
            found.extend((p, False) for p in sorted(folder.glob("*.yaml")) if not _is_test(p))
    found.extend((p, True) for p in sorted(stock_dir().glob("*.yaml")))
    return found


def _is_test(path: Path) -> bool:
    """A conversation test file kept beside its pack (as in examples/packs/) is no pack."""
    from coach.authoring.files import is_conversation_test, read_text

    text, _problems = read_text(path)
    return text is not None and is_conversation_test(text)


def list_packs(user_dirs: list[Path]) -> tuple[list[PackFile], list[PackError]]:
    """All packs that load, and the errors of those that do not (listing never stops)."""
    packs: list[PackFile] = []
    problems: list[PackError] = []
    for path, stock in pack_paths(user_dirs):
        try:
            packs.append(PackFile(path, read_pack(path), stock))
        except PackError as exc:
            problems.append(exc)
    return packs, problems


def find_pack(ref: str | None, user_dirs: list[Path]) -> PackFile:
    """A pack by id (user folders shadow stock packs) or by file path.

    Raises:
        PackError: no such pack, or the pack is invalid.
    """
    ref = ref or DEFAULT_PACK
    candidate = Path(ref).expanduser()
    if ref.endswith((".yaml", ".yml")) or "/" in ref or candidate.is_file():
        return PackFile(candidate, read_pack(candidate), False)
    for path, stock in pack_paths(user_dirs):
        if path.stem == ref:
            return PackFile(path, read_pack(path), stock)
    # A pack may declare an id that differs from its file name.
    known = []
    for path, stock in pack_paths(user_dirs):
        try:
            pack = read_pack(path)
        except PackError:
            continue
        if pack.id == ref:
            return PackFile(path, pack, stock)
        known.append(pack.id)
    names = ", ".join(sorted(set(known))) or "none"
    raise PackError([Problem(ref, 0, 0, f"there is no pack with this id (known packs: {names})")])
