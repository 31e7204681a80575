"""The `coach` command: parse arguments, dispatch, turn every user error into one sentence.

Exit status: 0 success, 1 a user error (one clear sentence on stderr), 2 bad usage.
Heavy imports (Textual, Jinja2 reports) happen only inside the subcommands that need them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from coach import __version__
from coach.engine.errors import PackError, TemplateFailure
from coach.errors import StoreError
from coach.store import locations
from coach.terminal import json_safe, printable

if TYPE_CHECKING:
    from coach.store import SessionStore

DESCRIPTION = """\
A reflection coach for sales leaders. Run `coach` to start a guided reflection on the five
traits of a sales leader; everything you write is saved after every answer."""

EPILOG = """\
environment:
  COACH_SESSIONS_DIR   where sessions are saved (overridden by --sessions)
  COACH_PACKS_DIR      a folder of your own packs (overridden by --packs)
  COACH_CACHE_DIR      where checked packs are cached (default: your cache folder)
  COACH_NOW            freeze the clock, e.g. 2026-11-28T09:00:00+00:00 (tests, demos)
  COACH_AUTHOR         the author of a coach's notes (default: your login)
  COACH_ARCHIVE_DIRS   folders of shared sessions for coach review (separated by ':')
  COACH_RETRO_DIR      the folder that holds a team's retros (overridden by --retro-dir)
"""


TUI_HELP = (
    "the full-screen app even without a terminal on stdin/stdout, as under textual-serve "
    "(setting TEXTUAL_DRIVER does the same)"
)


class UserError(Exception):
    """Something the user can fix; printed as one sentence, exit status 1."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sessions",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="folder for saved sessions (default: $COACH_SESSIONS_DIR or your data folder)",
    )
    parser.add_argument(
        "--packs",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="a folder of your own packs (default: $COACH_PACKS_DIR)",
    )


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole parser, or with `only` (the command run, surely) the top level and that."""
    parser = argparse.ArgumentParser(
        prog="coach",
        description=DESCRIPTION,
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"coach {__version__}")
    _common(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser | None:
        if only is not None and name != only:
            return None  # `only` is the command run (`_named_command`): the rest can't be
        p = sub.add_parser(name, help=help_text, description=help_text)
        _common(p)
        return p

    if (
        p := add("reflect", "start a new guided reflection (a full-screen app; --plain for lines)")
    ) is not None:
        p.add_argument("--plain", action="store_true", help="line mode: plain prompts and answers")
        p.add_argument("--pack", metavar="ID|FILE", help="the pack to run (default: sales-leader)")
        p.add_argument("--name", help="your name, used to greet you and in the transcript")
        p.add_argument("--tui", action="store_true", help=TUI_HELP)
        _retro_join(p)

    if (p := add("resume", "continue an unfinished reflection")) is not None:
        p.add_argument(
            "id", nargs="?", help="session id or its start (default: the latest unfinished)"
        )
        p.add_argument("--plain", action="store_true", help="line mode: plain prompts and answers")
        p.add_argument("--tui", action="store_true", help=TUI_HELP)

    if (
        p := add("show", "print a saved session (or write it as a printable HTML file)")
    ) is not None:
        p.add_argument("id", help="session id, its start, or a session file")
        p.add_argument("--format", choices=("md", "json", "yaml", "html"), default="md")
        p.add_argument(
            "--notes", action="store_true", help="with md or html: the coach's notes too"
        )
        p.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="write to FILE (html: default beside the session)",
        )

    if (
        p := add("review", "the coach's side: browse, search and follow many leaders' sessions")
    ) is not None:
        p.add_argument(
            "--archive",
            metavar="DIR",
            action="append",
            help="a folder of sessions shared with you (repeatable; default: $COACH_ARCHIVE_DIRS); "
            "your own sessions folder is always included",
        )
        p.add_argument("--author", help="your name on notes (default: $COACH_AUTHOR or your login)")

    if (
        p := add("history", "a leader's sessions over time as one printable HTML report")
    ) is not None:
        p.add_argument("name", help="the leader's name, as in the sessions (any case)")
        p.add_argument("-o", "--output", metavar="FILE", help="where to write it")

    if (
        p := add("note", "add a coach's note to a session (kept beside it, never inside it)")
    ) is not None:
        p.add_argument("id", help="session id, its start, or a session file")
        p.add_argument("text", help="the note")
        p.add_argument("--turn", type=int, metavar="N", help="the turn the note is about")
        p.add_argument("--author", help="who writes it (default: $COACH_AUTHOR or your login)")

    if (
        p := add(
            "actions",
            "print action items (one session's, or --all), or mark one: "
            "actions done|drop SESSION:ITEM",
        )
    ) is not None:
        p.add_argument(
            "target",
            nargs="*",
            metavar="ID | done REF | drop REF",
            help="a session id (default: the latest session); or `done`/`drop` and an item as "
            "SESSION:ITEM, e.g. 2026-11-02-0930-vmyh:a1",
        )
        p.add_argument("--all", action="store_true", help="action items from every session")
        p.add_argument("--status", choices=("open", "done", "dropped"), help="only items with it")
        p.add_argument("--leader", metavar="NAME", help="only this leader's items")
        p.add_argument("--format", choices=("md", "csv", "ics", "todo"), default="md")
        p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
        p.add_argument("--why", metavar="TEXT", help="with drop: why it was let go")

    if (
        p := add(
            "share", "copy sessions into a folder your coach reads (a shared or synced folder)"
        )
    ) is not None:
        p.add_argument("ids", nargs="*", metavar="ID", help="session ids or their starts")
        p.add_argument("--all", action="store_true", help="every session")
        p.add_argument("--to", metavar="DIR", required=True, help="the coach's folder")
        p.add_argument(
            "--summary-only",
            action="store_true",
            help="ratings, loyalty trait and action items only: none of your answers",
        )

    if (p := add("list", "list saved sessions, newest first")) is not None:
        p.add_argument("--format", choices=("table", "json"), default="table")
        p.add_argument("--leader", metavar="NAME", help="only this leader's sessions")
        p.add_argument("--pack", metavar="ID", help="only sessions of this pack")
        p.add_argument("--status", choices=("in_progress", "complete"), help="only these")
        p.add_argument("--since", metavar="DATE", type=_date_arg, help="started on or after DATE")
        p.add_argument("--until", metavar="DATE", type=_date_arg, help="started on or before DATE")
        p.add_argument("--search", metavar="TEXT", help="only sessions with an answer holding TEXT")

    if (packs := add("packs", "work with dialogue packs")) is not None:
        packs_sub = packs.add_subparsers(dest="packs_command", metavar="COMMAND", required=True)
        pl = packs_sub.add_parser("list", help="list the packs coach can run")
        _common(pl)
        pc = packs_sub.add_parser(
            "check",
            help="check pack files: every problem as file:line:col (exit 1 on any error)",
            description="Check pack files and print every problem as file:line:col: error|warning: "
            "message. Exit status 1 if any error was found, 0 if there were only warnings.",
        )
        pc.add_argument("files", nargs="+", metavar="FILE", type=Path, help="pack files or folders")
        _common(pc)
        pg = packs_sub.add_parser(
            "graph",
            help="draw a pack's flow (Mermaid, or Graphviz DOT)",
            description="Print a pack's flow: steps, branches, passed-over steps, probe loops, "
            "the end. Mermaid renders in Markdown viewers; DOT renders with `dot -Tsvg`.",
        )
        pg.add_argument("file", metavar="FILE", type=Path, help="a pack file")
        pg.add_argument("--format", choices=("mermaid", "dot"), default="mermaid")
        _common(pg)
        ps = packs_sub.add_parser("schema", help="print the JSON Schema of the pack format")
        _common(ps)
        pt = packs_sub.add_parser(
            "test",
            help="run conversation tests, or random walks (--walk N) through packs",
            description="Run conversation test files (YAML: what the leader says, what coach must "
            "say, what is saved). With --walk N, drive each PACK (default: the stock packs) with N "
            "random leaders and fail on any crash, endless dialogue or undefined value shown.",
        )
        pt.add_argument(
            "files", nargs="*", metavar="FILE|PACK", help="test files, or packs with --walk"
        )
        pt.add_argument(
            "--walk", type=int, metavar="N", help="random walks per pack instead of tests"
        )
        pt.add_argument("--seed", default="0", help="seed for the walks (default: 0)")
        _common(pt)

    if (
        p := add(
            "retro",
            "a team retro's board (plain text when not on a terminal), and voting, closing, "
            "exporting and syncing it",
        )
    ) is not None:
        p.add_argument("id", metavar="ID", help="the retro's id, as given to coach reflect --retro")
        p.add_argument("--retro-dir", metavar="DIR", help=RETRO_DIR_HELP)
        p.add_argument("--plain", action="store_true", help="print the board as text")
        act = p.add_argument_group("what to do (one at a time; none shows the board)")
        act.add_argument(
            "--vote",
            nargs="+",
            metavar="ITEM",
            help="your votes, by the ids on the board (an id twice is two votes); voting again "
            "replaces your votes",
        )
        act.add_argument(
            "--close",
            action="store_true",
            help="freeze the result: the top-voted items become the team's action items",
        )
        act.add_argument("--export", choices=("md", "html"), help="write the board as a report")
        act.add_argument(
            "--review",
            metavar="ITEM=ANSWER",
            action="append",
            help="what became of one of last retro's actions: done, not-yet or drop (repeatable)",
        )
        act.add_argument("--ungroup", metavar="ITEM", help="undo a grouping coach suggested")
        act.add_argument("--regroup", action="store_true", help="group similar suggestions again")
        act.add_argument(
            "--sync",
            action="store_true",
            help="in a git work tree: pull, commit your own new files and push",
        )
        act.add_argument(
            "--contribute",
            metavar="SESSION",
            help="write a finished session's contribution again (after it failed)",
        )
        opts = p.add_argument_group("with --close")
        opts.add_argument(
            "--top",
            type=int,
            default=3,
            metavar="N",
            help="how many top-voted items become actions (default: 3)",
        )
        opts.add_argument(
            "--owner",
            metavar="ITEM=NAME",
            action="append",
            help="who owns an action (default: the team; repeatable)",
        )
        opts.add_argument(
            "--due",
            metavar="WHEN",
            help="when the actions are due: a date or words (default: in 2 weeks)",
        )
        p.add_argument("-o", "--output", metavar="FILE", help="with --export: where to write it")
        conf = p.add_argument_group("settings (the facilitator's; given alone, they are saved)")
        conf.add_argument(
            "--team", metavar="NAME", help="the team, to carry actions to its next retro"
        )
        conf.add_argument(
            "--threshold",
            type=int,
            metavar="N",
            help="contributions before ratings show (default: 5, never below 3)",
        )
        conf.add_argument(
            "--text-threshold",
            type=int,
            metavar="N",
            help="contributions before suggestions show (above --threshold)",
        )
        conf.add_argument("--votes", type=int, metavar="N", help="votes per person (default: 3)")
        conf.add_argument(
            "--cap",
            type=int,
            metavar="N",
            help="most votes one person may put on one item (default: 2)",
        )

    if (
        p := add(
            "serve", "serve coach to browsers with textual-serve (no authentication: see docs)"
        )
    ) is not None:
        p.add_argument(
            "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
        )
        p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
        _retro_join(p)

    add("where", "print where coach keeps sessions and looks for packs")
    return parser


RETRO_DIR_HELP = (
    "the folder that holds the team's retros, each in a folder named by its id (default: "
    "$COACH_RETRO_DIR, or retros/ in your sessions folder)"
)


def _retro_join(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("team retro")
    g.add_argument(
        "--retro",
        metavar="ID",
        help="take part in team retro ID (the team-retro "
        "pack unless --pack); your answers stay private",
    )
    g.add_argument(
        "--team",
        metavar="NAME",
        help="with --retro: the team, so its next retro opens with this one's actions",
    )
    g.add_argument(
        "--share",
        choices=("anonymous", "named"),
        default=None,
        help="with --retro: what the retro gets: ratings, loyalty trait and suggestions "
        "(anonymous, the default), and your name (named)",
    )
    g.add_argument("--retro-dir", metavar="DIR", help=RETRO_DIR_HELP)


class _Sanitised:
    """A text stream that passes everything through the terminal sanitiser: installed as
    stdout and stderr for every command that does not draw the app, so no document, table,
    path or error message can carry a control sequence to the terminal."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(printable(text))

    def flush(self) -> None:
        self._stream.flush()

    def close(self) -> None:
        self._stream.close()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    @property
    def encoding(self) -> str:
        return self._stream.encoding


def _prepare_streams() -> None:
    """Text in and out never crashes: bytes that are not valid in the locale's encoding are
    read as escapes (line mode says so and asks again) and written as replacements."""
    for stream, errors in ((sys.stdin, "surrogateescape"), (sys.stdout, "replace")):
        reconfigure = getattr(stream, "reconfigure", None)
        if callable(reconfigure):
            # Not possible once a stream has been read from, or when it is not a text file.
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors=errors)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for the `coach` script and `python -m coach`."""
    _prepare_streams()
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _Sanitised(out), _Sanitised(err)
    try:
        parser = build_parser(_named_command(sys.argv[1:] if argv is None else argv))
        args = parser.parse_args(argv)
    finally:
        sys.stdout, sys.stderr = out, err
    command = args.command or "reflect"
    if command not in ("reflect", "resume", "review"):  # those draw an app on the terminal
        sys.stdout, sys.stderr = _Sanitised(out), _Sanitised(err)
    try:
        return _dispatch(args, command)
    except KeyboardInterrupt:  # Ctrl+C before a reflection had begun: nothing to save
        print(file=sys.stderr)
        return 130
    finally:
        sys.stdout, sys.stderr = out, err


_VALUED = ("--sessions", "--packs")  # the options before a command that take a value


def _named_command(argv: Sequence[str]) -> str | None:
    """The command `argv` runs, found as argparse finds it, so that only that command's
    parser is built (building all of them cost every start about 13 ms); None when it
    cannot be told for sure (help, an abbreviated option, no command), and all are built."""
    words = iter(argv)
    for word in words:
        if word in _VALUED:
            next(words, None)
        elif word.startswith(tuple(f"{option}=" for option in _VALUED)):
            continue
        elif word.startswith("-"):
            return None
        else:
            return word if word in command_names() else None
    return None


def command_names() -> frozenset[str]:
    """The commands `coach` runs, as their first words (`packs` for `packs list`...)."""
    return frozenset(name.split()[0] for name in COMMANDS)


def _dispatch(args: argparse.Namespace, command: str) -> int:
    if args.command is None:
        args.plain, args.pack, args.name, args.tui = False, None, None, False
    try:
        handler = COMMANDS[command if command != "packs" else "packs " + args.packs_command]
        return handler(args)
    except BrokenPipeError:  # `coach list | head`
        sys.stderr.close()
        return 0
    except Exception as exc:
        return _dispatch_error(exc)


def _dispatch_error(exc: Exception) -> int:
    """A user's error as one sentence on stderr (exit 1); anything else is a bug: raised."""
    from coach.session import SessionError

    if isinstance(exc, (UserError, StoreError, PackError, TemplateFailure, SessionError)):
        return _fail(str(exc))
    raise exc


def _fail(message: str) -> int:
    sys.stdout.flush()
    print(f"coach: {printable(message)}", file=sys.stderr)
    return 1


def _sessions_dir(args: argparse.Namespace) -> Path:
    return locations.sessions_dir(getattr(args, "sessions", None), os.environ)


def _store(args: argparse.Namespace) -> SessionStore:
    from coach.store import SessionStore

    return SessionStore(_sessions_dir(args))


def _pack_dirs(args: argparse.Namespace) -> list[Path]:
    return locations.packs_dirs(getattr(args, "packs", None), os.environ)


def _session_env() -> tuple[Any, Any]:
    from coach.session import SessionError, clock_from_env, rng_from_env

    try:
        return clock_from_env(), rng_from_env()
    except SessionError as exc:
        raise UserError(str(exc)) from None


# -- the reflection -----------------------------------------------------------------------


def _plain(args: argparse.Namespace) -> bool:
    """Line mode when asked for, or when there is no terminal to draw on (pipes, scripts),
    unless the app is asked for: `--tui`, or `TEXTUAL_DRIVER` set by a host such as
    textual-serve that runs the app over pipes."""
    if args.plain:
        return True
    if getattr(args, "tui", False) or os.environ.get("TEXTUAL_DRIVER"):
        return False
    return not (sys.stdin.isatty() and sys.stdout.isatty())


def _retro_tag(args: argparse.Namespace) -> tuple[Any, str | None]:
    """The retro a reflection joins (`--retro`), its folder checked before the first
    question, or None; and, when that retro is new, the id of one beside it that its id
    looks like a slip of (joining a retro makes it, so a mistyped id would in silence)."""
    retro_id = getattr(args, "retro", None)
    if retro_id is None:
        for flag in ("team", "share", "retro_dir"):
            if getattr(args, flag, None) is not None:
                raise UserError(f"--{flag.replace('_', '-')} goes with --retro ID")
        return None, None
    from coach.retro.join import retro_folder
    from coach.transcript import RetroTag

    sessions = _sessions_dir(args)
    folder = retro_folder(sessions, retro_id, args.retro_dir)
    if folder.path.absolute().is_relative_to(sessions.absolute()):
        from coach.store import ensure_private_dir

        # The default retro folder is inside the sessions folder: that stays private (0700),
        # and so does retros/ around it; only the retro's own folder has the shared mode.
        ensure_private_dir(sessions, "sessions folder")
        ensure_private_dir(folder.path.parent, "folder of your retros")
    near = None if os.path.lexists(folder.path) else _near_retro(folder)
    folder.ensure()
    if os.path.lexists(folder.result_path):
        raise UserError(
            f"retro {retro_id} is closed, so it takes no more contributions; "
            "'coach retro " + retro_id + "' shows its result"
        )
    tag = RetroTag(retro_id, args.share or "anonymous", args.team, str(folder.path.absolute()))
    return tag, near


def _near_retro(folder: Any) -> str | None:
    """The id of a retro beside `folder` that its id looks like a slip of, or None."""
    import difflib

    try:
        ids = [e.name for e in os.scandir(folder.path.parent) if e.is_dir(follow_symlinks=False)]
    except OSError:
        return None
    found = difflib.get_close_matches(folder.id, ids, n=1, cutoff=0.8)
    return found[0] if found else None


@contextlib.contextmanager
def _collector_held() -> Iterator[None]:
    """No garbage collection while the app starts: what start-up builds (Textual's classes,
    the style sheet, the first screen) lives as long as the app, so collecting among it
    finds nothing, and holding them took a warm start from 1.31x to 1.18x the minimal app
    in two quick runs of bench/startup.py back to back (loaded machine). The app collects
    again once its real first screen is drawn, and never walks those objects again
    (`coach.tui.app._settled`)."""
    held = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if held:
            gc.enable()


def _reflect_tui(args: argparse.Namespace, tag: Any, pack_ref: str | None) -> int:
    """The reflection in the full-screen app: at once from what was kept of its first
    screen, when that can be drawn (`coach.tui.opening`), or once the session has begun."""
    from coach.catalog import RETRO_PACK, find_pack, list_packs

    first_screen = None if tag is not None else _first_screen_key(args)
    start_screen = None if tag is not None or first_screen else _start_screen_key(args)

    def prepare() -> Any:
        store = _store(args)
        clock, rng = _session_env()
        if pack_ref:
            packs = [find_pack(pack_ref, _pack_dirs(args))]
        else:
            packs, _problems = list_packs(_pack_dirs(args))
            # The team retro's pack is joined with --retro ID: chosen here, its answers
            # would reach no board.
            packs = [p for p in packs if not (p.stock and p.pack.id == RETRO_PACK)] or packs
            if not packs:
                packs = [find_pack(None, _pack_dirs(args))]  # says what is wrong with it
        store.ensure_writable()
        # A served tab shares the server's sessions folder: never offer another person's.
        unfinished = None if os.environ.get("COACH_SERVED") else store.latest_unfinished()
        return _setup(
            args, store, clock, rng, packs=packs, unfinished=unfinished,
            first_screen=first_screen, start_screen=start_screen,
        )  # fmt: skip

    first: Any = None
    if first_screen is not None or start_screen is not None:
        from coach.tui.opening import first_screen_for, start_screen_for

        sessions = _sessions_dir(args)
        if first_screen is not None:
            first = first_screen_for(*first_screen, sessions, os.environ)
        elif start_screen is not None:
            first = start_screen_for(*start_screen, sessions, os.environ)
    theme = None
    if first is not None:
        from coach.store.preferences import preference

        theme = preference(_sessions_dir(args), "theme")
    if tag is None:
        return _run_tui(prepare if first is not None else prepare(), first, theme)
    from coach.session import join_retro

    join_retro(tag)
    try:
        return _run_tui(prepare(), first, theme)
    finally:
        join_retro(None)


def cmd_reflect(args: argparse.Namespace) -> int:
    from coach.catalog import find_pack

    tag, near = _retro_tag(args)
    if tag is not None and tag.share == "named" and not args.name and _plain(args):
        # Line mode asks no name: a named share without one would be anonymous in silence.
        raise UserError(
            "--share named puts your name on the list of who took part: add --name NAME"
        )
    pack_ref = args.pack
    if tag is not None and pack_ref is None:
        from coach.retro.join import TEAM_PACK

        pack_ref = TEAM_PACK
    if not _plain(args):
        try:
            with _collector_held():
                return _reflect_tui(args, tag, pack_ref)
        finally:
            if near:  # said once the terminal is back, where it stays in view
                print(
                    f"coach: retro {tag.id} was new, and there is a retro {near} beside it: if"
                    f" you meant {near}, reflect again with --retro {near}",
                    file=sys.stderr,
                )
    if near:
        print(
            f"coach: retro {tag.id} is new, and there is a retro {near} beside it: if you meant"
            f" {near}, stop now (Ctrl+D) and join it with --retro {near}",
            file=sys.stderr,
        )
    from coach.linemode import LineMode
    from coach.session import Session

    store = _store(args)
    clock, rng = _session_env()
    pack_file = find_pack(pack_ref, _pack_dirs(args))
    session, opening = Session.begin(store, pack_file, clock, rng, name=args.name, retro=tag)
    try:
        return LineMode(session, sys.stdin, sys.stdout).run(opening)
    finally:
        session.close()


def _first_screen_key(args: argparse.Namespace) -> tuple[Path, dict[str, Any]] | None:
    """Where to keep, and find, the first screen of a reflection that goes straight to its
    first question (a name and one pack given), so it can be drawn before the engine is
    imported (`coach.tui.opening`); None for any other start."""
    if not args.name or args.pack is None or os.environ.get("COACH_SERVED"):
        return None
    from coach.catalog import pack_path
    from coach.tui.opening import key_for

    found = pack_path(args.pack, _pack_dirs(args))
    key = key_for(found[0], args.name) if found is not None else None
    return None if key is None else (locations.cache_dir(), key)


def _start_screen_key(args: argparse.Namespace) -> tuple[Path, dict[str, Any]] | None:
    """The same for a start that shows the start screen (no name, or no pack, given): its
    choice of packs is kept and drawn before any pack is loaded."""
    if os.environ.get("COACH_SERVED"):
        return None
    from coach.catalog import RETRO_PACK, pack_path, pack_paths
    from coach.tui.opening import start_key

    if args.pack:
        found = pack_path(args.pack, _pack_dirs(args))
        paths = [found[0]] if found is not None else None
    else:
        paths = [
            p for p, stock in pack_paths(_pack_dirs(args)) if not (stock and p.stem == RETRO_PACK)
        ]
    key = start_key(paths) if paths else None
    return None if key is None else (locations.cache_dir(), key)


def cmd_resume(args: argparse.Namespace) -> int:
    from coach.linemode import LineMode
    from coach.session import Session

    store = _store(args)
    clock, rng = _session_env()
    session = Session.resume(store, args.id, clock, _pack_dirs(args))
    try:
        if not _plain(args):
            setup = _setup(args, store, clock, rng, packs=[session.pack_file], resume=session)
            return _run_tui(setup)
        return LineMode(session, sys.stdin, sys.stdout).run()
    finally:
        session.close()


def _setup(
    args: argparse.Namespace, store: SessionStore, clock: Any, rng: Any, **parts: Any
) -> Any:
    from coach.tui.app import Setup

    return Setup(store=store, clock=clock, rng=rng, name=getattr(args, "name", None),
                 pack_dirs=_pack_dirs(args), **parts)  # fmt: skip


def _run_tui(setup: Any, first: Any = None, theme: str | None = None) -> int:
    """Open the Textual app; print where things are once the terminal is back.

    Args:
        setup: The app's `Setup`, or, with `first`, a function that makes it after the
            first frame has drawn `first`, the opening kept from last time.
    """
    from coach.tui.app import make_app

    app = make_app(setup, first, theme)
    app.run()
    if app.failure is not None:
        typed = app.unsent
        if typed:  # typed on the opening, before the start failed: given back, not lost
            code = _dispatch_error(app.failure)
            print(f"What you had typed, not sent: {printable(typed)}", file=sys.stderr)
            return code
        raise app.failure
    session = app.session
    if session is not None and session.ending is not None:
        for line in session.ending.lines():
            print(printable(line))
        cache = app.setup.kept_in
        if cache is not None:
            from coach.tui.opening import after_reflection

            today = app.setup.clock().date()
            after_reflection(cache, session.store, today, session.dialogue.participant)
        return 0
    if session is None:
        return app.return_code or 0
    # The app stopped without saying how (a crash): answers were saved as they came.
    session.close()
    if session.dialogue.finished and session.path is not None and session.path.exists():
        print(f"coach stopped unexpectedly. Your reflection is saved, complete, in {session.path}")
        print(f"Read it again with: coach show {session.id}")
    elif session.path is not None and session.path.exists():
        print(f"coach stopped unexpectedly. Your answers are saved in {session.path}")
        print(f"Resume with: coach resume {session.id}")
    elif any(t.role == "leader" for t in session.dialogue.log):
        print(f"coach stopped unexpectedly and could not save your answers to {session.path}")
    else:  # before the first save, right after the first question
        print("coach stopped unexpectedly before anything was answered.")
    return app.return_code or 1


# -- reading sessions ---------------------------------------------------------------------


def _transcript(store: SessionStore, ref: str) -> Any:
    """A session read whole and checked, found as the user typed it."""
    from coach.transcript import parse

    path = store.resolve(ref)
    return parse(store.load(path), path)


def cmd_show(args: argparse.Namespace) -> int:
    store = _store(args)
    path = store.resolve(args.id)
    transcript = _transcript(store, args.id)
    if args.format == "html":
        from coach import notes
        from coach.report.html import transcript_html

        clock, _rng = _session_env()
        page = transcript_html(
            transcript, notes.read(path) if args.notes else None, today=clock().date()
        )
        _written(Path(args.output) if args.output else path.with_suffix(".html"), page)
        return 0
    if args.format == "md":
        from coach.report import transcript_markdown

        text = transcript_markdown(transcript)
        if args.notes:
            from coach import notes
            from coach.report.exports import notes_markdown

            text += notes_markdown(notes.read(path))
    elif args.format == "json":
        import json

        text = json_safe(json.dumps(transcript.to_doc(), ensure_ascii=False, indent=2)) + "\n"
    else:
        text = store.text(args.id)  # the file as it is, with a killed session's journal
    _emit(text, args.output)
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from coach.archive import Archive

    dirs = args.archive
    if dirs is None:
        dirs = [d for d in os.environ.get("COACH_ARCHIVE_DIRS", "").split(os.pathsep) if d]
    folders = [_sessions_dir(args), *(Path(d).expanduser() for d in dirs)]
    for folder in folders[1:]:
        if not folder.is_dir():
            raise UserError(f"{folder}: there is no such folder to review")
    # The clock alone: `coach.session` would bring the engine and Jinja2 (60-100 ms) to a
    # start that never begins a session.
    from coach.clock import clock_from

    try:
        clock = clock_from(os.environ)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    from coach.tui.review.app import make_review_app

    with _collector_held():  # the app collects again once its screen is furnished
        make_review_app(Archive(folders), clock, author=args.author).run()
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    import re

    from coach.report.html import history_html
    from coach.transcript import parse

    store = _store(args)
    listing = store.list()
    wanted = args.name.casefold()
    heads = []
    for summary in listing.sessions:
        if (summary.participant or "").casefold() != wanted:
            continue
        try:
            heads.append(parse(store.load_header(summary.path), summary.path))
        except StoreError as exc:
            print(f"coach: skipped {printable(str(exc))}", file=sys.stderr)
    if not heads:
        raise UserError(f"there are no sessions of {args.name} in {store.root}")
    clock, _rng = _session_env()
    slug = re.sub(r"[^a-z0-9]+", "-", wanted).strip("-") or "leader"
    out = Path(args.output) if args.output else store.root / f"history-{slug}.html"
    _written(out, history_html(heads, clock().date()))
    return 0


def _written(path: Path, page: str) -> None:
    """A report written atomically to a file, whose path is printed (HTML never goes to a
    terminal)."""
    from coach.store import write_atomic

    write_atomic(_plain_target(path), page.encode("utf-8"))
    print(path)


def _plain_target(path: Path) -> Path:
    """The file an export replaces must be a plain file or a new one: the atomic rename would
    put a regular file in place of a link, a FIFO or a device (as root, even /dev/full).

    Raises:
        StoreError: the path names something else.
    """
    import stat

    try:
        found = path.lstat()
    except FileNotFoundError:
        return path
    except OSError as exc:
        raise StoreError(path, f"cannot be written ({exc.strerror or exc})") from exc
    if stat.S_ISLNK(found.st_mode):
        raise StoreError(path, "is a symbolic link; name the file itself, or a new file")
    if not stat.S_ISREG(found.st_mode):
        raise StoreError(path, "is not a regular file; name a file to write the export to")
    return path


def cmd_actions(args: argparse.Namespace) -> int:
    from coach.actions import ActionError, Row, every_row, keep, mark, rows_of

    store = _store(args)
    target = list(args.target)
    if target and target[0] in ("done", "drop"):
        if len(target) != 2 or args.all:
            raise UserError(f"name one item: coach actions {target[0]} SESSION:ITEM")
        clock, _rng = _session_env()
        status = "done" if target[0] == "done" else "dropped"
        try:
            row = mark(store, target[1], status, clock().date(), why=args.why)
        except ActionError as exc:
            raise UserError(str(exc)) from None
        print(f"Marked {status}: {row.ref} {' '.join(row.item.text.split())}")
        return 0
    if args.why is not None:
        raise UserError("--why goes with: coach actions drop SESSION:ITEM --why TEXT")
    if len(target) > 1 or (target and args.all):
        raise UserError("give one session id, or --all")
    rows: list[Row]
    if args.all or (not target and (args.status or args.leader)):
        problems: list[StoreError] = []
        rows = list(every_row(store, problems))
        for problem in problems:
            print(f"coach: skipped {printable(str(problem))}", file=sys.stderr)
    else:
        ref = target[0] if target else None
        if ref is None:
            listing = store.list()
            if not listing.sessions:
                raise UserError(f"there are no sessions in {store.root} yet")
            ref = listing.sessions[0].id
            others = len(listing.sessions) - 1
            if others:  # said on stderr, so a pipe or -o still gets only the items
                print(
                    f"coach: the items of the newest session, {ref}; --all shows those of "
                    f"all {others + 1} sessions",
                    file=sys.stderr,
                )
        rows = rows_of(_transcript(store, ref))
    rows = [row for row in rows if keep(row, args.status, args.leader)]
    from coach.report import exports

    if args.format == "csv":
        text = exports.actions_csv(rows)
    elif args.format == "ics":
        clock, _rng = _session_env()
        text = exports.actions_ics(rows, clock())
    elif args.format == "todo":
        text = exports.actions_todo(rows)
    else:
        from coach.report import actions_markdown

        text = actions_markdown([(r.session, r.trait_title, r.item) for r in rows])
    _emit(text, args.output)
    return 0


def _emit(text: str, output: str | None) -> None:
    """A text export to stdout, or written atomically to the file named by -o."""
    if output is None:
        _write(sys.stdout, text)
        return
    from coach.store import write_atomic

    write_atomic(_plain_target(Path(output)), text.encode("utf-8"))


def cmd_note(args: argparse.Namespace) -> int:
    from coach import notes

    store = _store(args)
    transcript = _transcript(store, args.id)
    if not args.text.strip():
        raise UserError("the note is empty")
    turns = {t.n for t in transcript.turns}
    if args.turn is not None and args.turn not in turns:
        last = max(turns, default=0)
        raise UserError(f"session {transcript.id} has no turn {args.turn} (its turns are 1-{last})")
    clock, _rng = _session_env()
    note = notes.Note(
        at=clock().isoformat(timespec="seconds"),
        author=args.author or notes.default_author(),
        text=args.text,
        turn=args.turn,
    )
    path = notes.add(store.resolve(args.id), transcript.id, note)
    print(f"Noted in {path}")
    return 0


def cmd_share(args: argparse.Namespace) -> int:
    from coach.share import share, share_all

    store = _store(args)
    if bool(args.ids) == bool(args.all):
        raise UserError("name the sessions to share, or --all")
    clock, _rng = _session_env()
    at = clock().isoformat(timespec="seconds")
    to = Path(args.to).expanduser()
    done = (
        share_all(store, to, at, args.summary_only)
        if args.all
        else share(store, args.ids, to, at, args.summary_only)
    )
    for problem in done.skipped:
        print(f"coach: skipped {printable(str(problem))}", file=sys.stderr)
    what = "summaries" if args.summary_only else "sessions"
    count = len(done.written)
    print(f"Shared {count} {what if count != 1 else what[:-1]} to {to}")
    return 0


def _date_arg(text: str) -> str:
    """A YYYY-MM-DD date for --since/--until (argparse says what was wrong on error)."""
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date as YYYY-MM-DD") from None


def _wanted(summary: Any, args: argparse.Namespace) -> bool:
    """Whether a listed session passes the list filters."""
    if args.leader and (summary.participant or "").casefold() != args.leader.casefold():
        return False
    if args.pack and summary.pack_id != args.pack:
        return False
    if args.status and summary.status != args.status:
        return False
    day = summary.started_at[:10]
    if args.since and day < args.since:
        return False
    return not (args.until and day > args.until)


def cmd_list(args: argparse.Namespace) -> int:
    store = _store(args)
    matches: dict[str, list[Any]] = {}
    if args.search:
        sessions, listed, unreadable = _searched(store, args, matches), 0, False
    else:
        listing = store.list()
        for problem in listing.problems:
            print(f"coach: skipped {printable(str(problem))}", file=sys.stderr)
        sessions = [s for s in listing.sessions if _wanted(s, args)]
        listed = len(listing.sessions)
        unreadable = bool(listing.problems)
    filtered = len(sessions) != listed or bool(args.search)
    if args.format == "json":
        data = [s.to_dict() for s in sessions]
        if args.search:
            for entry in data:
                entry["matches"] = [
                    {"turn": m.turn, "text": m.text, "spans": m.spans()}
                    for m in matches[entry["id"]]
                ]
        import json

        _write(sys.stdout, json_safe(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")
        return 0
    if not sessions:
        if filtered:
            print(f"No session in {store.root} matches.")
        elif unreadable:
            print(f"No session in {store.root} could be read.")
        else:
            print(f"No sessions yet in {store.root}. Start one with: coach")
        return 0
    rows = [("ID", "STATUS", "NAME", "PACK", "ANSWERED", "OPEN ACTIONS", "UPDATED")]
    for s in sessions:
        rows.append(
            (s.id, s.status.replace("_", " "), s.participant or "-", s.pack_id,
             f"{s.answered}/{s.steps}", str(s.open_actions), s.updated_at[:16].replace("T", " "))
        )  # fmt: skip
    _table(rows)
    for s in sessions if args.search else ():
        for match in matches[s.id]:
            shown = match.snippet.replace("\n", " ").replace("\x02", "»").replace("\x03", "«")
            print(f"  {s.id}  turn {match.turn}: {printable(shown)}")
    return 0


def _searched(store: Any, args: argparse.Namespace, matches: dict[str, list[Any]]) -> list[Any]:
    """The sessions with an answer that holds every word searched, newest first, straight
    from the index (brought up to date by stat first): the listing of every header is not
    needed to show those. `matches` gets each session's matching answers. A file the index
    cannot read whole is named: it was not searched."""
    from coach.store import SessionSummary
    from coach.store.index import Index
    from coach.store.store import newest_first

    with Index(store.root) as index:
        index.refresh()
        for match in index.search(args.search):
            matches.setdefault(match.session, []).append(match)
        problems = [(p.file, p.line, p.col, p.message) for p in index.problem_list()]
        problems += [(file, None, None, why) for file, why in index.body_problems()]
        held = index.sessions_with_ids(matches)
    for file, line, col, message in sorted(problems, key=lambda p: p[0]):
        place = "".join(f":{n}" for n in (line, col) if n is not None)
        where = printable(f"{store.root / file}{place}")
        print(f"coach: not searched {where}: {printable(message)}", file=sys.stderr)
    summary: Callable[..., Any] = SessionSummary  # the index keeps its fields in order
    found = (summary(*s.summary, store.root / s.file) for s in held)
    return newest_first(s for s in found if _wanted(s, args))


def _table(rows: Sequence[Sequence[str]]) -> None:
    """Columns padded to their widest cell; a cell never spans lines (a name with a newline in
    it cannot forge a row of its own)."""
    cells = [[printable(cell).replace("\n", "\\n") for cell in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]))]
    for row in cells:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


# -- packs and places ---------------------------------------------------------------------


def cmd_packs_list(args: argparse.Namespace) -> int:
    from coach.catalog import list_packs

    packs, problems = list_packs(_pack_dirs(args))
    for problem in problems:
        print(f"coach: skipped {printable(str(problem))}", file=sys.stderr)
    rows = [("ID", "VERSION", "LANG", "TITLE", "FILE")]
    for p in packs:
        rows.append((p.pack.id, p.pack.version, p.pack.language, p.pack.title, str(p.path)))
    _table(rows)
    return 0


def cmd_packs_check(args: argparse.Namespace) -> int:
    from coach.authoring.check import check_file, summary
    from coach.authoring.files import expand

    reports = [check_file(path) for path in expand(args.files)]
    if not reports:
        raise UserError("no pack files found in " + ", ".join(map(str, args.files)))
    for report in reports:
        for problem in report.problems:
            print(printable(str(problem)))
    sys.stdout.flush()
    print(summary(reports), file=sys.stderr)
    return 1 if any(r.report.errors for r in reports) else 0


def cmd_packs_graph(args: argparse.Namespace) -> int:
    from coach.authoring import graph
    from coach.authoring.check import check_file

    report = check_file(args.file).report
    if report.pack is None or report.located is None:
        for problem in report.problems:
            print(printable(str(problem)), file=sys.stderr)
        raise UserError(f"{args.file} has errors that stop it being drawn (listed above)")
    draw = graph.dot if args.format == "dot" else graph.mermaid
    _write(sys.stdout, draw(report.pack, report.located))
    return 0


def cmd_packs_schema(args: argparse.Namespace) -> int:
    from coach.authoring.schema import schema_text

    _write(sys.stdout, schema_text())
    return 0


def cmd_packs_test(args: argparse.Namespace) -> int:
    from coach.authoring.conversation import run_file
    from coach.authoring.files import expand
    from coach.catalog import find_pack, list_packs

    dirs = _pack_dirs(args)
    failed = 0
    if args.walk is not None:
        from coach.authoring.walk import walks

        if args.walk < 1:
            raise UserError("--walk needs a number of walks of at least 1")
        if args.files:
            packs = [find_pack(ref, dirs).pack for ref in args.files]
        else:
            packs = [p.pack for p in list_packs([])[0] if p.stock]
        for pack in packs:
            failures = list(walks(pack, args.walk, args.seed))
            for failure in failures:
                print(printable(str(failure)))
            failed += len(failures)
            state = "ok" if not failures else f"{len(failures)} failed"
            print(f"{pack.id}: {args.walk} random walks, {state}")
        return 1 if failed else 0
    if not args.files:
        raise UserError("name conversation test files, or use --walk N")
    passed = 0
    for path in expand([Path(f) for f in args.files], tests=True):
        for outcome in run_file(path, lambda ref: find_pack(ref, dirs).pack):
            if outcome.passed:
                passed += 1
                continue
            failed += 1
            for problem in outcome.problems:
                print(printable(f"{problem}  [{outcome.name}]"))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def cmd_where(args: argparse.Namespace) -> int:
    from coach.catalog import stock_dir

    sessions = _sessions_dir(args)
    if getattr(args, "sessions", None):
        why = "--sessions"
    elif os.environ.get("COACH_SESSIONS_DIR"):
        why = "COACH_SESSIONS_DIR"
    else:
        why = "default"
    print(f"sessions     {sessions}  ({why})")
    dirs = _pack_dirs(args)
    mine = ", ".join(map(str, dirs)) if dirs else "(none: set --packs or COACH_PACKS_DIR)"
    print(f"your packs   {mine}")
    print(f"stock packs  {stock_dir()}")
    print(f"cache        {locations.cache_dir()}  (checked packs, first screens; safe to delete)")
    return 0


def _write(stream: TextIO, text: str) -> None:
    """Every document coach prints goes through the one sanitiser (JSON is escaped before)."""
    stream.write(printable(text))
    stream.flush()


# -- team retros --------------------------------------------------------------------------


def _retro_parts(args: argparse.Namespace) -> tuple[Any, dict[str, str], tuple[int, int]]:
    """The retro's folder, and the team-retro pack's trait titles and rating scale."""
    from coach.catalog import find_pack
    from coach.retro.join import TEAM_PACK, retro_folder

    folder = retro_folder(_sessions_dir(args), args.id, args.retro_dir)
    titles: dict[str, str] = {}
    scale = (1, 5)
    try:
        pack = find_pack(TEAM_PACK, _pack_dirs(args)).pack
    except PackError:  # the board still shows, with trait ids for titles
        return folder, titles, scale
    titles = {t.id: t.title for t in pack.traits}
    found = next((st.scale for st in pack.steps if st.scale is not None), None)
    if found is not None:
        scale = (found.min, found.max)
    return folder, titles, scale


def _pairs(values: Sequence[str] | None, flag: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values or ():
        key, sep, rest = value.partition("=")
        if not sep or not key.strip() or not rest.strip():
            raise UserError(f"{flag} takes ITEM=VALUE, not {value!r}")
        out[key.strip().lower()] = rest.strip()
    return out


def cmd_retro(args: argparse.Namespace) -> int:
    from coach.retro import voting
    from coach.retro.board import build_board
    from coach.retro.plain import board_text, day_words

    folder, titles, scale = _retro_parts(args)
    sessions = _sessions_dir(args)
    chosen = [
        flag
        for flag, on in (
            ("--vote", args.vote), ("--close", args.close), ("--export", args.export),
            ("--review", args.review), ("--ungroup", args.ungroup), ("--regroup", args.regroup),
            ("--sync", args.sync), ("--contribute", args.contribute),
        )
        if on
    ]  # fmt: skip
    if len(chosen) > 1:
        raise UserError(f"do one thing at a time: {' and '.join(chosen)} were both given")
    settings = {
        "team": args.team, "threshold": args.threshold, "text_threshold": args.text_threshold,
        "votes": args.votes, "cap": args.cap,
    }  # fmt: skip
    configuring = any(v is not None for v in settings.values())
    if configuring and chosen:
        raise UserError(f"change settings on their own, not with {chosen[0]}")
    if not args.close and (args.owner or args.due):
        raise UserError("--owner and --due go with --close")
    if args.output and not args.export:
        raise UserError("-o goes with --export md|html")
    clock, _rng = _session_env()
    today = clock().date()
    if not (configuring or args.contribute) and not os.path.lexists(folder.path):
        near = _near_retro(folder)
        hint = f" (did you mean {near}?)" if near else ""
        raise UserError(
            f"there is no retro {folder.id} in {folder.path.parent}{hint}; a retro begins when"
            f" someone joins it: coach reflect --retro {folder.id}"
        )
    try:
        if configuring:
            done = voting.configure(folder, sessions, today, **settings)
            print(
                f"Retro {done.id}: ratings show from {done.threshold} contributions, "
                f"suggestions from {done.text_threshold}; {done.votes} votes each, at most "
                f"{done.per_item_cap} on one item" + (f"; team {done.team}" if done.team else "")
            )
            return 0
        if args.contribute:
            return _retro_contribute(args, folder)
        if args.sync:
            from coach.retro.join import read_ledger
            from coach.retro.sync import SyncError, sync

            try:
                print(sync(folder.path, read_ledger(sessions, folder).files, clock()))
            except SyncError as exc:
                raise UserError(str(exc)) from None
            return 0
        board = build_board(folder, titles, scale)
        if args.vote:
            vote = voting.cast(folder, sessions, args.vote, board)
            n = len(vote.votes)
            print(f"Your {n} vote{'s are' if n != 1 else ' is'} in: {' '.join(vote.votes)}. "
                  "The tallies show when the vote closes.")  # fmt: skip
            return 0
        if args.close:
            due = _due(args.due, today)
            result = voting.close(
                folder, sessions, board, folder.read().votes, today, due, args.top,
                _pairs(args.owner, "--owner"),
            )  # fmt: skip
            print(f"Retro {folder.id} is closed. Team actions:")
            for a in result.actions:
                print(f"  {a.id}  {' '.join(a.text.split())} — {a.owner}, due {day_words(a.due)}")
            if not result.actions:
                print("  (no item got a vote)")
            cut, tied = voting.tied_out(board, result, args.top)
            if tied:  # the board's order broke the tie: said, never done in silence
                print(f"Tied at {cut} vote{'s' if cut != 1 else ''} with the last action and"
                      " left out, the board's order deciding:")  # fmt: skip
                for g in tied:
                    print(f"  {g.id}  {' '.join(g.text.split())}")
            return 0
        if args.review:
            for ref, answer in _pairs(args.review, "--review").items():
                text = voting.review(folder, sessions, board, ref, answer)
                board = build_board(folder, titles, scale)
                print(f"{ref}: {answer.replace('-', ' ')} — {' '.join(text.split())}")
            return 0
        if args.ungroup:
            group = voting.ungroup(folder, sessions, board, args.ungroup)
            print(f"The {len(group.items)} suggestions of {group.id} stand alone again.")
            return 0
        if args.regroup:
            voting.regroup(folder, sessions, board)
            print("Similar suggestions are grouped again.")
            return 0
    except voting.RetroError as exc:
        raise UserError(str(exc)) from None
    if args.export:
        from coach.retro.export import board_html, board_markdown

        if args.export == "html":
            out = Path(args.output) if args.output else folder.path / f"retro-{folder.id}.html"
            _written(out, board_html(board))
        else:
            _emit(board_markdown(board), args.output)
        return 0
    if not args.plain and sys.stdout.isatty() and sys.stdin.isatty():
        from coach.tui.retro import run_board  # Textual only when the board is drawn

        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__  # the app draws for itself
        return run_board(folder, titles, scale, sessions=sessions)
    _write(sys.stdout, board_text(board))
    return 0


def _due(text: str | None, today: Any) -> Any:
    """The actions' due date from --due: a date or the words a reflection takes."""
    from datetime import date, timedelta

    if not text:
        return today + timedelta(days=14)
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    from coach.catalog import find_pack
    from coach.engine.dates import parse_due
    from coach.retro.join import TEAM_PACK

    found = parse_due(text, today, find_pack(TEAM_PACK, []).pack.lexicon)
    if found is None:
        raise UserError(f"--due {text!r} is not a date coach can read, such as 'in 2 weeks'")
    return found[0]


def _retro_contribute(args: argparse.Namespace, folder: Any) -> int:
    from coach.retro.join import contribute

    store = _store(args)
    transcript = _transcript(store, args.contribute)
    if transcript.retro is None or transcript.retro.id != folder.id:
        raise UserError(f"session {transcript.id} was not run for retro {folder.id}")
    clock, _rng = _session_env()
    from dataclasses import replace

    tag = replace(transcript.retro, folder=str(folder.path.absolute()))
    written = contribute(store.root, transcript, tag, clock())
    print(f"Your contribution to the retro is in {written}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from coach import serve

    reflect_args: list[str] = []
    for flag in ("retro", "team", "share", "retro_dir"):
        value = getattr(args, flag, None)
        if value is not None:
            reflect_args += [f"--{flag.replace('_', '-')}", str(value)]
    if reflect_args and args.retro is None:
        raise UserError("--team, --share and --retro-dir go with --retro ID")
    for flag in ("sessions", "packs"):  # every tab saves and finds packs where this one does
        if getattr(args, flag, None):
            reflect_args += [f"--{flag}", str(Path(getattr(args, flag)).expanduser().absolute())]
    return serve.main(args.host, args.port, reflect_args)


COMMANDS = {
    "reflect": cmd_reflect,
    "resume": cmd_resume,
    "show": cmd_show,
    "actions": cmd_actions,
    "share": cmd_share,
    "history": cmd_history,
    "review": cmd_review,
    "note": cmd_note,
    "list": cmd_list,
    "packs list": cmd_packs_list,
    "packs check": cmd_packs_check,
    "packs graph": cmd_packs_graph,
    "packs schema": cmd_packs_schema,
    "packs test": cmd_packs_test,
    "where": cmd_where,
    "retro": cmd_retro,
    "serve": cmd_serve,
}


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
