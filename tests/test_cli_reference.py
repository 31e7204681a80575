"""docs/cli.md against the real parser: every command and flag documented, nothing invented.

The parser is `coach.cli.build_parser()`, walked in-process, `packs` subcommands included.
The document is read as Markdown renders it (markdown-it-py, which Textual already brings), so
a command row that fell out of its table and renders as a paragraph fails here too.

What counts as documented, for a command: a row of the table under `## Commands` whose first
cell starts with `coach` followed by the command's words (`coach packs check FILE...`). For a
flag: any `--flag` in the first cell of one of its command's rows, or in the sentence above
the table that names the flags every command takes. A flag with choices must list exactly
them (`--format md|json|yaml`).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from coach.cli import build_parser

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
NAME = "docs/cli.md"
SECTION = "Commands"
FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*)(?:[ =]([^\s\]]+))?")
CHOICES = re.compile(r"[a-z0-9_-]+(?:\|[a-z0-9_-]+)+")


# -- the parser ---------------------------------------------------------------------------


def parser_commands() -> dict[tuple[str, ...], argparse.ArgumentParser]:
    """Every command of the parser by its words: () is `coach`, ("packs", "check") and so on."""

    def walk(
        words: tuple[str, ...], parser: argparse.ArgumentParser
    ) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
        yield words, parser
        for action in parser._actions:  # argparse has no public way to list subcommands
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    yield from walk((*words, name), sub)

    return dict(walk((), build_parser()))


def options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    """The parser's flags, leaving out positionals and any hidden with `help=SUPPRESS`."""
    return [a for a in parser._actions if a.option_strings and a.help != argparse.SUPPRESS]


def label(words: tuple[str, ...]) -> str:
    return " ".join(("coach", *words))


def _all_flags(parser: argparse.ArgumentParser) -> set[str]:
    return {flag for action in options(parser) for flag in action.option_strings}


def _is_group(parser: argparse.ArgumentParser) -> bool:
    """A command that only holds subcommands and must be given one (`coach packs`)."""
    return any(isinstance(a, argparse._SubParsersAction) and a.required for a in parser._actions)


# -- the document -------------------------------------------------------------------------


@dataclass
class Row:
    """What one command row of the table says: its command's words and the flags it shows."""

    line: int
    words: tuple[str, ...]
    flags: dict[str, str | None] = field(default_factory=dict)  # flag -> value shown, if any


@dataclass
class Reference:
    """What docs/cli.md documents, with the line of each thing for the failure messages."""

    rows: list[Row]
    common: dict[str, int]  # flags every command takes -> line of the sentence naming them
    prose: list[tuple[int, str]]  # code spans outside the command table, with their lines
    stray: list[int]  # lines of command rows that render as something other than a table


def spans(inline: Token) -> list[str]:
    return [c.content for c in inline.children or [] if c.type == "code_inline"]


def placed_spans(inline: Token, first_line: int) -> Iterator[tuple[int, str]]:
    """Each code span of a paragraph with its own line, so a message points at that line."""
    at = 0
    for span in spans(inline):
        found = inline.content.find(span, at)
        if found < 0:  # the source spells it differently (an escape): say the paragraph's line
            yield first_line, span
            continue
        yield first_line + inline.content.count("\n", 0, found), span
        at = found + len(span)


def flags_in(text: str) -> dict[str, str | None]:
    return {m[1]: m[2] for m in FLAG.finditer(text)}


def command_words(span: str) -> tuple[str, ...] | None:
    """`coach packs check FILE...` -> ("packs", "check"); None when it is not a command."""
    tokens = span.split()
    if not tokens or tokens[0] != "coach":
        return None
    words: list[str] = []
    for token in tokens[1:]:
        if not re.fullmatch(r"[a-z]+", token):
            break
        words.append(token)
    return tuple(words)


def read_reference(text: str) -> Reference:
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    rows: list[Row] = []
    common: dict[str, int] = {}
    prose: list[tuple[int, str]] = []
    section = ""
    in_table = in_first_cell = False
    cell = row_line = 0
    for i, token in enumerate(tokens):
        line = token.map[0] + 1 if token.map else 0
        if token.type == "heading_open" and token.tag == "h2":
            section = tokens[i + 1].content
        elif token.type == "table_open":
            in_table = True
        elif token.type == "table_close":
            in_table = False
        elif token.type == "tr_open":
            cell, row_line = 0, line
        elif token.type in ("td_open", "th_open"):
            cell += 1
            in_first_cell = cell == 1 and token.type == "td_open"
        elif token.type == "inline":
            found = spans(token)
            words = command_words(found[0]) if found else None
            if in_table and in_first_cell and section == SECTION and words is not None:
                row = Row(row_line, words)
                for span in found:
                    row.flags |= flags_in(span)
                rows.append(row)
                continue
            above_table = section == SECTION and not in_table and not rows
            if above_table and tokens[i - 1].type == "paragraph_open":
                # the sentence above the table: the flags every command takes
                common |= {flag: line for span in found for flag in flags_in(span)}
                continue
            prose.extend(placed_spans(token, line))
    stray = [
        n
        for n, source in enumerate(text.splitlines(), 1)
        if source.startswith("| `coach") and n not in {r.line for r in rows}
    ]
    return Reference(rows, common, prose, stray)


REFERENCE = read_reference(DOC.read_text(encoding="utf-8"))
COMMANDS = parser_commands()


def doc_flags(words: tuple[str, ...]) -> dict[str, str | None]:
    """The flags documented for one command, each with the value a row shows for it, if any."""
    found: dict[str, str | None] = dict.fromkeys(REFERENCE.common)
    for row in REFERENCE.rows:
        if row.words == words:
            found |= {k: v for k, v in row.flags.items() if v is not None or k not in found}
    return found


# -- the tests ----------------------------------------------------------------------------


def test_the_command_reference_is_a_table_in_its_section() -> None:
    assert REFERENCE.rows, f"{NAME}: no table of `coach ...` rows under '## {SECTION}'"
    assert not REFERENCE.stray, (
        f"{NAME}: command rows at lines {REFERENCE.stray} are not in the table under "
        f"'## {SECTION}' (a row after a paragraph renders as part of that paragraph)"
    )
    assert REFERENCE.common, (
        f"{NAME}: the sentence above the table under '## {SECTION}' names no flags "
        "that every command takes (--help, --sessions, --packs)"
    )


@pytest.mark.parametrize("words", list(COMMANDS), ids=label)
def test_every_command_and_flag_is_documented(words: tuple[str, ...]) -> None:
    command = label(words)
    parser = COMMANDS[words]
    if _is_group(parser):  # `coach packs` runs nothing itself: its subcommands' rows show it
        rows = [r for r in REFERENCE.rows if r.words[: len(words)] == words]
    else:
        rows = [r for r in REFERENCE.rows if r.words == words]
    assert rows, f"{NAME}: `{command}` has no row in the table under '## {SECTION}'"
    documented = doc_flags(words) if not _is_group(parser) else dict.fromkeys(REFERENCE.common)
    missing: list[str] = []
    for action in options(parser):
        shown = [flag for flag in action.option_strings if flag in documented]
        name = "/".join(action.option_strings)
        if not shown:
            missing.append(f"{name} is not documented (add it to the row at line {rows[0].line})")
            continue
        if action.choices is None:
            continue
        value = documented[shown[0]]
        listed = set(value.split("|")) if value and CHOICES.fullmatch(value) else None
        wanted = {str(c) for c in action.choices}
        if listed != wanted:
            missing.append(
                f"{shown[0]} takes {'|'.join(sorted(wanted))}; the doc shows "
                f"{shown[0]} {value or '(no value)'}"
            )
    assert not missing, f"{NAME}, `{command}`:\n  " + "\n  ".join(missing)


def test_the_doc_documents_no_command_or_flag_the_parser_lacks() -> None:
    invented: list[str] = []
    for row in REFERENCE.rows:
        command = label(row.words)
        parser = COMMANDS.get(row.words)
        if parser is None:
            invented.append(f"line {row.line}: `{command}` is not a command of the parser")
            continue
        known = {flag for action in options(parser) for flag in action.option_strings}
        for flag in row.flags:
            if flag not in known:
                invented.append(f"line {row.line}: `{command}` has no flag {flag}")
    for flag, line in REFERENCE.common.items():
        lacking = [label(w) for w, p in COMMANDS.items() if flag not in _all_flags(p)]
        if lacking:
            invented.append(
                f"line {line}: every command is said to take {flag}, but these do not: "
                + ", ".join(f"`{c}`" for c in lacking)
            )
    assert not invented, f"{NAME} documents what the parser lacks:\n  " + "\n  ".join(invented)


def test_commands_and_flags_named_in_prose_exist() -> None:
    """`coach resume` in a sentence, `--name` in a paragraph: each must be real too."""
    every_flag = {flag for parser in COMMANDS.values() for flag in _all_flags(parser)}
    wrong: list[str] = []
    for line, span in REFERENCE.prose:
        words = command_words(span)
        if words is not None:
            parser = COMMANDS.get(words)
            if parser is None:
                wrong.append(f"line {line}: `{span}` names no command of the parser")
                continue
            wrong.extend(
                f"line {line}: `{span}`: `{label(words)}` has no flag {flag}"
                for flag in flags_in(span)
                if flag not in _all_flags(parser)
            )
        elif span.startswith("--"):
            wrong.extend(
                f"line {line}: `{span}`: no command has the flag {flag}"
                for flag in flags_in(span)
                if flag not in every_flag
            )
    assert not wrong, f"{NAME}:\n  " + "\n  ".join(wrong)


def test_the_reader_finds_what_is_missing_and_what_is_invented() -> None:
    """The checks above are only as good as this reader: a row outside its table is stray."""
    text = (
        "# x\n\n## Commands\n\nEvery command takes `--help`.\n\n"
        "| command | what |\n|---|---|\n| `coach show ID [--format md\\|json]` | prints |\n\n"
        "## The app\n\nA paragraph, then rows that are not a table:\n"
        "| `coach list [--format table\\|json]` | lists |\n"
    )
    ref = read_reference(text)
    assert [(r.words, r.flags) for r in ref.rows] == [(("show",), {"--format": "md|json"})]
    assert ref.common == {"--help": 5}
    assert ref.stray == [14]


# -- the parser built for one command -----------------------------------------------------

ARGVS = [
    [],
    ["reflect", "--name", "Dana", "--pack", "sales-leader"],
    ["--sessions", "show", "reflect", "--plain"],  # a folder named like a command
    ["--sessions=show", "list", "--search", "loyal"],
    ["--sess", "show", "list"],  # abbreviated: every command is built
    ["--packs", "p", "packs", "check", "f.yaml"],
    ["list", "--status", "done"],  # a bad choice
    ["show"],  # a missing argument
    ["reflct"],  # no such command
    ["where", "--sessions", "s"],
    ["actions", "done", "x:a1"],
    ["--", "list"],
    ["-h"],
    ["show", "--help"],
]


def parsed(parser: argparse.ArgumentParser, argv: list[str]) -> object:
    """What `parse_args` gives, or how it exits and what it prints."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            return vars(parser.parse_args(argv))
        except SystemExit as exit:
            return (exit.code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize("argv", ARGVS, ids=" ".join)
def test_the_parser_built_for_the_named_command_parses_as_the_whole_one(argv: list[str]) -> None:
    from coach.cli import _named_command

    assert parsed(build_parser(_named_command(argv)), argv) == parsed(build_parser(), argv)


def test_every_command_is_one_the_partial_parser_knows() -> None:
    from coach.cli import command_names

    assert {words[0] for words in parser_commands() if words} == command_names()
