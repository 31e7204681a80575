"""`coach serve`: the reflection app in browser tabs, through textual-serve, so a team joins a
retro from a link without installing Python (docs/serve.md).

Each tab is its own `coach reflect --tui` process started by textual-serve, with this
process's environment: answers are saved, and retro contributions land as files, exactly as
from a terminal. coach adds no server logic of its own; textual-serve has no authentication,
so the server listens on loopback unless told otherwise, and says so loudly when it is not.

For the CLI (coach/cli.py): `main(host, port, reflect_args)` is the whole seam; it returns the
exit status. Served tabs see `COACH_SERVED=1` in their environment, so the reflection can
decline to offer another participant's unfinished session for resuming (every tab shares the
server's sessions folder).
"""

from __future__ import annotations

import ipaddress
import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

from coach.terminal import printable

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
# Listening on every address: the page must then point its websocket back at the address the
# browser used, not at "0.0.0.0" (which textual-serve would write into the page).
WILDCARDS = frozenset({"", "0.0.0.0", "::"})

WARNING = (
    "coach serve: warning: listening on {host}, not on loopback. textual-serve has no "
    "authentication: anyone who can reach port {port} can start coach sessions on this "
    "machine, as you, and write into its sessions and retro folders. Serve only on a network "
    "you trust, for the length of the retro, and stop it (Ctrl+C) afterwards."
)


def is_loopback(host: str) -> bool:
    """True when only this machine can connect: `localhost` or a loopback address.

    A host name other than localhost counts as reachable from elsewhere: coach does not
    resolve names to decide that a warning is not needed.
    """
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def tab_command(reflect_args: Sequence[str] = ()) -> str:
    """The shell command textual-serve runs for each tab: this very Python, so it works from a
    fresh install (no `coach` script on PATH needed), quoted for the shell textual-serve
    uses (`asyncio.create_subprocess_shell`: /bin/sh, or cmd.exe on Windows)."""
    words = [sys.executable, "-m", "coach", "reflect", "--tui", *reflect_args]
    if os.name == "nt":
        return subprocess.list2cmdline(words)
    return "exec " + shlex.join(words)  # the shell becomes coach: signals reach the app


def same_origin(origin: str | None, host: str) -> bool:
    """True when a websocket's Origin header is this server's own address (`host` is the
    Host header the browser used), or absent (a client that is not a browser page)."""
    if origin is None:
        return True
    from urllib.parse import urlsplit

    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and parts.netloc.lower() == host.lower()


def make_server(host: str, port: int, reflect_args: Sequence[str] = ()) -> Any:
    """The textual-serve server for coach, not yet listening (tests read its parts)."""
    import aiohttp_jinja2
    from aiohttp import web
    from textual_serve.server import Server

    index = getattr(Server.handle_index, "__wrapped__")  # noqa: B009  (the undecorated page)

    class CoachServer(Server):
        """textual-serve's server, with the page's links built from the address the browser
        used, so a server on 0.0.0.0 still gives working pages."""

        @aiohttp_jinja2.template("app_index.html")
        async def handle_index(self, request: web.Request) -> dict[str, Any]:
            if self.host in WILDCARDS:
                self.public_url = f"{request.scheme}://{request.host}"
            context: dict[str, Any] = await index(self, request)
            return context

        async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
            # Each websocket starts a coach process. A page from another site open in the same
            # browser could open one to a loopback server too (browsers send its Origin); only
            # pages this server gave out may.
            if not same_origin(request.headers.get("Origin"), request.host):
                raise web.HTTPForbidden(text="coach serve: this page did not come from here.")
            return await super().handle_websocket(request)

    return CoachServer(tab_command(reflect_args), host=host, port=port, title="coach")


def main(host: str = "127.0.0.1", port: int = 8000, reflect_args: Sequence[str] = ()) -> int:
    """Serve coach until Ctrl+C.

    Args:
        host: the address to listen on; anything but loopback prints a warning on stderr.
        port: the TCP port (1-65535).
        reflect_args: extra arguments for each tab's `coach reflect`, e.g.
            `["--retro", "q3", "--share", "anonymous"]`.

    Returns:
        The exit status: 0 after Ctrl+C, 1 when the server could not listen (said on stderr
        in one sentence).
    """
    if not 0 < port < 65536:
        print(f"coach: the port must be between 1 and 65535, not {port}.", file=sys.stderr)
        return 1
    if not is_loopback(host):
        print(printable(WARNING.format(host=host or "every address", port=port)), file=sys.stderr)
    os.environ["COACH_SERVED"] = "1"  # inherited by every tab's process
    server = make_server(host, port, reflect_args)
    try:
        server.serve()
    except OSError as exc:  # the port is taken, the address is not this machine's
        reason = printable(exc.strerror or str(exc))
        print(f"coach: could not listen on {host}:{port}: {reason}.", file=sys.stderr)
        return 1
    return 0
