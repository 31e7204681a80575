"""Finding packs: the stock packs shipped with coach and the user's own pack folders.

This is the only module that reads pack files; the engine gets their text.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coach.engine.errors import PackError, Problem
from coach.engine.source import MAX_BYTES
from coach.store.plainfile import NotPlain, TooLarge, read_plain, size_words

if TYPE_CHECKING:
    from coach.engine import Pack

DEFAULT_PACK = "sales-leader"
RETRO_PACK = "team-retro"  # the stock pack a team retro runs: joined with --retro, not chosen


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

    The file is opened as what it must be: a plain file (a symbolic link to one is fine, a
    user may keep their packs elsewhere) of at most `MAX_BYTES`, checked on the opened file
    before anything is read, so a pipe, a device or a huge file is one sentence, not a hang.

    Raises:
        PackError: the file cannot be read or the pack is invalid, with file:line:col.
    """
    data, problems = read_pack_bytes(path)
    if data is None:
        raise PackError(problems)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(
            [Problem(str(path), 0, 0, f"the pack is not UTF-8 text (byte {exc.start})")]
        ) from None
    # Universal newlines, as a text read gives: a pack's sha256 and its positions are the
    # same whether its lines end in \n or \r\n.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    import hashlib

    from coach import packcache  # the engine behind it, only once a pack is read

    sha256 = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return packcache.load(text, str(path), sha256)


def read_pack_bytes(
    path: Path, missing: str = "the pack file does not exist"
) -> tuple[bytes | None, list[Problem]]:
    """A pack file's bytes, or the one problem that stops them being read (no such file, a
    folder, a pipe or a device, more than `MAX_BYTES`), in one sentence.

    Args:
        path: The file; a symbolic link to a plain file is followed.
        missing: The sentence for a file that is not there.
    """
    name = str(path)
    try:
        return read_plain(path, MAX_BYTES, follow_links=True), []
    except FileNotFoundError:
        return None, [Problem(name, 0, 0, missing)]
    except NotPlain as exc:
        return None, [Problem(name, 0, 0, f"this is {exc.kind}, not a pack file")]
    except TooLarge as exc:
        return None, [
            Problem(
                name, 1, 1,
                f"the file is {size_words(exc.size)}; a pack may be at most "
                f"{MAX_BYTES // 1000:,} kB",
            )
        ]  # fmt: skip
    except OSError as exc:
        return None, [Problem(name, 0, 0, f"cannot read it ({exc.strerror})")]


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


def pack_path(ref: str | None, user_dirs: list[Path]) -> tuple[Path, bool] | None:
    """The file `find_pack` reads for `ref` when it names a file or a pack's file name, and
    whether it is a stock pack, found without reading a pack; None for an id a pack declares
    (only reading the packs tells those)."""
    ref = ref or DEFAULT_PACK
    candidate = Path(ref).expanduser()
    if ref.endswith((".yaml", ".yml")) or "/" in ref or candidate.is_file():
        return candidate, False
    return next(((p, stock) for p, stock in pack_paths(user_dirs) if p.stem == ref), None)


def find_pack(ref: str | None, user_dirs: list[Path]) -> PackFile:
    """A pack by id (user folders shadow stock packs) or by file path.

    Raises:
        PackError: no such pack, or the pack is invalid.
    """
    found = pack_path(ref, user_dirs)
    if found is not None:
        path, stock = found
        return PackFile(path, read_pack(path), stock)
    ref = ref or DEFAULT_PACK
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
