"""`coach serve`: the app in a browser tab, proved in headless Chromium, and the guard rails
(loopback by default, a warning otherwise, a command that runs from a fresh install).

The browser test reads what the page shows from xterm.js's own buffer (the rows it paints on
its canvas), through the Chrome DevTools Protocol: a script added before the page's own
catches the page's `Terminal` as textual.js stores it (`this.terminal = new Terminal(...)`).
If textual-serve renames that, the test fails saying so, never passes silently.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from coach.catalog import list_packs
from coach.serve import WARNING, is_loopback, main, make_server, tab_command
from coach.session import Session, clock_from_env, rng_from_env
from coach.store import SessionStore
from tests.conftest import NOW

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1000,700",
]

BOXES = re.compile("[\u2500-\u259f]")

# Runs before the page's scripts: keeps the page's xterm.js Terminal where the test can read
# it, and leaves the property as the page set it.
CATCH_TERMINAL = """
Object.defineProperty(Object.prototype, "terminal", {
  configurable: true,
  set(value) {
    Object.defineProperty(this, "terminal", {value, writable: true, configurable: true,
                                             enumerable: true});
    if ("websocket_url" in this) { window.__coachTerminal = value; }
  },
});
"""
# The rows on screen, as text.
READ_ROWS = """
(() => {
  const t = window.__coachTerminal;
  if (!t) { return null; }
  const b = t.buffer.active, rows = [];
  for (let y = 0; y < t.rows; y++) {
    const line = b.getLine(b.viewportY + y);
    rows.push(line ? line.translateToString(true) : "");
  }
  return rows.join("\\n");
})()
"""


def words(text: str) -> str:
    """Text as words: lines joined, borders and bars (box drawing, blocks) dropped."""
    return " ".join(BOXES.sub(" ", text).split())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"coach serve exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"coach serve did not listen on port {port} within {seconds} s")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """`coach serve` on a free loopback port, with its own sessions folder and a frozen clock."""
    port = free_port()
    env = dict(os.environ)
    env.pop("COACH_PACKS_DIR", None)
    env.update(COACH_SESSIONS_DIR=str(tmp_path / "sessions"), COACH_NOW=NOW.isoformat())
    process = subprocess.Popen(
        [sys.executable, "-m", "coach", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, process)
        yield port, env
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        assert process.stderr is not None
        stderr = process.stderr.read().decode("utf-8", "replace")
        assert "coach serve: warning" not in stderr, stderr  # loopback: no warning


class DevTools:
    """Just enough of the Chrome DevTools Protocol: commands on one page's websocket."""

    def __init__(self, ws: object) -> None:
        self.ws = ws
        self.next_id = 0

    async def send(self, method: str, **params: object) -> dict[str, object]:
        self.next_id += 1
        number = self.next_id
        await self.ws.send_json({"id": number, "method": method, "params": params})  # type: ignore[attr-defined]
        while True:
            message = await self.ws.receive_json()  # type: ignore[attr-defined]
            if message.get("id") == number:
                if "error" in message:
                    raise AssertionError(f"{method}: {message['error']}")
                result: dict[str, object] = message["result"]
                return result

    async def rows(self) -> str:
        result = await self.send("Runtime.evaluate", expression=READ_ROWS, returnByValue=True)
        value = result["result"].get("value")  # type: ignore[attr-defined]
        return value if isinstance(value, str) else ""

    async def wait_for(self, text: str, seconds: float = 30) -> str:
        """The screen's rows once they hold `text`, however the screen wraps it."""
        wanted = words(text)
        deadline = time.monotonic() + seconds
        rows = ""
        while time.monotonic() < deadline:
            rows = await self.rows()
            if wanted in words(rows):
                return rows
            await asyncio.sleep(0.1)
        caught = await self.send(
            "Runtime.evaluate", expression="!!window.__coachTerminal", returnByValue=True
        )
        if not caught["result"].get("value"):  # type: ignore[attr-defined]
            raise AssertionError("the page's xterm.js Terminal was not found (textual.js changed?)")
        raise AssertionError(f"{text!r} never appeared; the screen shows:\n{rows}")


def start_chromium(browser: str, profile: Path) -> tuple[subprocess.Popen[bytes], int]:
    process = subprocess.Popen(
        [browser, *CHROMIUM_FLAGS, "--remote-debugging-port=0",
         f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    active = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if active.exists() and (lines := active.read_text().split()):
            return process, int(lines[0])
        if process.poll() is not None:
            raise AssertionError(f"chromium exited with {process.returncode}")
        time.sleep(0.05)
    process.kill()
    raise AssertionError("chromium did not open its DevTools port")


def page_socket(port: int) -> str:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as answer:
            targets = json.load(answer)
        pages = [t for t in targets if t.get("type") == "page"]
        if pages:
            url: str = pages[0]["webSocketDebuggerUrl"]
            return url
        time.sleep(0.05)
    raise AssertionError("chromium has no page")


def expected_first_question(env: dict[str, str], tmp_path: Path) -> str:
    """The first question as the served app asks it: the first pack the start screen offers,
    begun with the same clock and seed, in a folder of its own."""
    packs, _ = list_packs([])
    store = SessionStore(tmp_path / "expected")
    session, opening = Session.begin(
        store, packs[0], clock_from_env(env), rng_from_env(env), name="Ada", save=False
    )
    session.close()
    assert opening.prompt is not None
    return opening.prompt.text


def test_a_browser_tab_asks_for_a_name_then_shows_the_first_question(
    served: tuple[int, dict[str, str]], tmp_path: Path
) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (.ci/run installs it)")
    import aiohttp

    port, env = served
    question = expected_first_question(env, tmp_path)
    chromium, devtools_port = start_chromium(browser, tmp_path / "profile")

    async def drive() -> tuple[str, str, bytes]:
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(page_socket(devtools_port), max_msg_size=0) as ws,
        ):
            tools = DevTools(ws)
            await tools.send("Page.enable")
            await tools.send("Page.addScriptToEvaluateOnNewDocument", source=CATCH_TERMINAL)
            await tools.send("Page.navigate", url=f"http://127.0.0.1:{port}/")
            start = await tools.wait_for("Your name")
            # Typed as xterm.js passes keys on: its public input(), which the page sends on.
            await tools.send(
                "Runtime.evaluate", expression='window.__coachTerminal.input("Ada\\r", true)'
            )
            asked = await tools.wait_for(question)
            shot = await tools.send("Page.captureScreenshot", format="png")
            return start, asked, base64.b64decode(str(shot["data"]))

    try:
        start, asked, png = asyncio.run(asyncio.wait_for(drive(), timeout=60))
    finally:
        chromium.kill()
        chromium.wait()
    assert "Start a new reflection" in start
    assert words(question) in words(asked)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000  # a picture, not a blank page
    (tmp_path / "tab.png").write_bytes(png)
    # The tab's own process saved the session in the served sessions folder, as a terminal does.
    saved = list((tmp_path / "sessions").glob("*.yaml"))
    assert len(saved) == 1
    assert "name: Ada" in saved[0].read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.8.0.1", True),
     ("0.0.0.0", False), ("::", False), ("", False), ("192.168.1.20", False),
     ("team-laptop.local", False)],
)  # fmt: skip
def test_only_loopback_counts_as_private(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_tab_command_runs_this_python_quoted_for_the_shell(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "executable", "/opt/my python/bin/python3")
    command = tab_command(["--retro", "q3 team"])
    assert shlex.split(command) == ["exec",
        "/opt/my python/bin/python3", "-m", "coach", "reflect", "--tui", "--retro", "q3 team"
    ]  # fmt: skip


def test_the_tab_command_starts_the_app_under_textual_serve_from_a_fresh_shell(
    tmp_path: Path,
) -> None:
    """What textual-serve does with the command: a shell, pipes, its driver in the
    environment; the app must announce itself as a Textual app (the prelude textual-serve
    waits for), not fall back to line mode."""
    env = dict(os.environ, TEXTUAL_DRIVER="textual.drivers.web_driver:WebDriver",
               COACH_SESSIONS_DIR=str(tmp_path / "sessions"), COLUMNS="80", ROWS="24")  # fmt: skip
    process = subprocess.Popen(
        tab_command(),
        shell=True,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # the shell and the app it started
        process.communicate()
    assert first == b"__GANGLION__\n"


def test_a_server_on_every_address_warns_that_there_is_no_authentication(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    served: list[tuple[str, int]] = []

    class Quiet:
        def __init__(self, host: str, port: int) -> None:
            self.host, self.port = host, port

        def serve(self) -> None:
            served.append((self.host, self.port))

    monkeypatch.setattr("coach.serve.make_server", lambda host, port, args: Quiet(host, port))
    monkeypatch.delenv("COACH_SERVED", raising=False)
    assert main("0.0.0.0", 8123) == 0
    err = capsys.readouterr().err
    assert err.strip() == WARNING.format(host="0.0.0.0", port=8123)
    assert "no authentication" in err and "anyone who can reach port 8123" in err
    assert served == [("0.0.0.0", 8123)]
    assert os.environ["COACH_SERVED"] == "1"
    assert main("127.0.0.1", 8124) == 0
    assert capsys.readouterr().err == ""


def test_a_port_in_use_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main("127.0.0.1", port) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"coach: could not listen on 127.0.0.1:{port}: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("port", [0, 70000, -1])
def test_a_port_out_of_range_is_refused(port: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main("127.0.0.1", port) == 1
    assert "between 1 and 65535" in capsys.readouterr().err


async def test_a_page_served_on_every_address_points_back_where_the_browser_came_from() -> None:
    from aiohttp.test_utils import TestClient, TestServer

    server = make_server("0.0.0.0", 8000)
    async with TestClient(TestServer(await server._make_app())) as client:
        answer = await client.get("/", headers={"Host": "team-laptop.local:8000"})
        page = await answer.text()
    assert 'data-session-websocket-url="ws://team-laptop.local:8000/ws"' in page
    assert "<div>coach</div>" in page


def test_each_tab_is_its_own_coach_process_saving_its_own_session(
    served: tuple[int, dict[str, str]], tmp_path: Path
) -> None:
    """Two tabs at once, as textual-serve's page talks to it (its websocket protocol: the
    screen as bytes, keys as `["stdin", text]`): two sessions, each under its own name."""
    import aiohttp

    port, _env = served

    async def tab(http: aiohttp.ClientSession, name: str) -> None:
        async with http.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30") as ws:
            seen = b""
            while b"optional" not in seen:  # the start screen asks for the name
                message = await ws.receive()
                assert message.type == aiohttp.WSMsgType.BINARY, message
                seen += message.data
            await ws.send_json(["stdin", f"{name}\r"])
            folder = tmp_path / "sessions"
            while not any(name in p.read_text() for p in folder.glob("*.yaml")):
                await asyncio.sleep(0.05)

    async def both() -> None:
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(tab(http, "Ada"), tab(http, "Bo"))

    asyncio.run(asyncio.wait_for(both(), timeout=60))
    saved = sorted((tmp_path / "sessions").glob("*.yaml"))
    names = [[n for n in ("Ada", "Bo") if f"name: {n}\n" in p.read_text()] for p in saved]
    assert sorted(names) == [["Ada"], ["Bo"]]  # two files, one person each


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (None, True),  # not a browser page
        ("http://127.0.0.1:8000", True),
        ("http://evil.example", False),
        ("http://127.0.0.1:9999", False),
        ("null", False),
    ],
)
def test_only_pages_from_this_server_may_open_a_tab(origin: str | None, allowed: bool) -> None:
    from coach.serve import same_origin

    assert same_origin(origin, "127.0.0.1:8000") is allowed


async def test_a_websocket_from_another_sites_page_is_refused_before_any_process() -> None:
    from aiohttp.test_utils import TestClient, TestServer

    server = make_server("127.0.0.1", 8000)
    async with TestClient(TestServer(await server._make_app())) as client:
        answer = await client.get(
            "/ws", headers={"Origin": "http://evil.example", "Upgrade": "websocket"}
        )
        assert answer.status == 403
        assert "did not come from here" in await answer.text()
