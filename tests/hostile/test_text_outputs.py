"""No raw control byte or bidi override reaches stdout or stderr, whatever a leader typed or a
hand-edited file holds, through every output format (issue 9: every output channel is clean)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coach import cli
from coach.store import SessionStore, load_file

UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)")
DANGEROUS = [
    "\x1b]52;c;cHduZWQ=\x07",
    "\x1b[2J",
    "\x9b31m",
    "\u202e",
    "\x07",
    "\x00",
    "\x7f",
    "\u2066",
]
SAMPLE = "2026-11-02-0930-vmyh"

nasty = st.lists(
    st.one_of(st.sampled_from(DANGEROUS), st.text(alphabet=st.characters(max_codepoint=0x2070))),
    min_size=1,
    max_size=6,
).map("".join)


def poisoned(folder: Path, text: str) -> None:
    """The sample, with `text` in every field a person could have typed or hand-edited."""
    path = folder / f"{SAMPLE}.yaml"
    doc = load_file(path)
    doc["participant"]["name"] = text
    doc["pack"]["version"] = text
    doc["traits"] = {k: f"{v}{text}" for k, v in doc["traits"].items()}
    doc["loyalty"]["answer"] = text
    for item in doc["action_items"]:
        item["text"] = text
    for turn in doc["turns"]:
        turn["text"] = f"{turn['text']}{text}"
    SessionStore(folder).save(doc)


COMMANDS = [
    ["show", SAMPLE],
    ["show", SAMPLE, "--format", "json"],
    ["show", SAMPLE, "--format", "yaml"],
    ["actions", SAMPLE],
    ["actions", "--all", "--format", "csv"],
    ["actions", "--all"],
    ["actions", "--all", "--format", "ics"],
    ["actions", "--all", "--format", "todo"],
    ["list"],
    ["list", "--format", "json"],
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=nasty)
def test_every_output_format_is_clean(
    text: str, folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sessions = folder / "s"
    shutil.rmtree(sessions, ignore_errors=True)
    shutil.copytree(ROOT / "sessions", sessions)
    poisoned(sessions, text)
    for command in COMMANDS:
        code = cli.main([*command, "--sessions", str(sessions)])
        out, err = capsys.readouterr()
        assert code == 0, (command, err)
        assert not UNSAFE.search(out), (command, out[:200])
        assert not UNSAFE.search(err), (command, err)
        if "json" in command:
            json.loads(out)  # escaped, still the same JSON


def test_json_keeps_the_text_exactly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "sessions", tmp_path / "s")
    text = "".join(DANGEROUS)
    poisoned(tmp_path / "s", text)
    cli.main(["show", SAMPLE, "--format", "json", "--sessions", str(tmp_path / "s")])
    assert json.loads(capsys.readouterr().out)["participant"]["name"] == text


def test_the_file_on_disk_keeps_the_text_verbatim(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "sessions", tmp_path / "s")
    text = "".join(DANGEROUS)
    poisoned(tmp_path / "s", text)
    saved = yaml.safe_load((tmp_path / "s" / f"{SAMPLE}.yaml").read_text(encoding="utf-8"))
    assert saved["participant"]["name"] == text


def test_an_error_message_with_a_control_sequence_is_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(["show", "x\x1b]0;pwned\x07", "--sessions", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and not UNSAFE.search(err)
    assert "x\\x1b]0;pwned\\x07" in err


def test_a_usage_error_quoting_the_argument_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["list", "--format", "\x1b[2Jtable"])
    assert not UNSAFE.search(capsys.readouterr().err)


def test_a_pack_graph_with_a_hostile_title_is_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = (ROOT / "tests" / "data" / "packs" / "tiny.yaml").read_text(encoding="utf-8")
    hostile = tmp_path / "pack.yaml"
    hostile.write_text(pack.replace("title: Listening", 'title: "Listen\\e]0;x\\a\\u202eing"'))
    for form in ("mermaid", "dot"):
        code = cli.main(["packs", "graph", str(hostile), "--format", form])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert not UNSAFE.search(out)
