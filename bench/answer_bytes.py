"""Answer bytes: what the app writes to a real terminal for one answer, against a bare chat app.

    python bench/answer_bytes.py [--quick]

Method: each app runs in a pseudo-terminal of 100x32 (`pty`, no tmux needed), as a leader's
terminal would run it; the script types an answer, waits until the app has written nothing
for `QUIET` seconds, presses the answer's key (Enter, or a digit on a rating bar) and counts
every byte the app writes until it is quiet again. Those bytes are what a terminal has to
parse and draw for the answer (and what an SSH link has to carry); a frame drawn twice, or a
full-screen frame where a partial one would do, shows here and not in answer_latency.py,
whose headless driver writes nothing.

coach: `coach reflect` on the generated pack of answer_latency.py (text, rating, choice, 12
rounds), answered with its own controls, one session (a third of it with --quick). Baseline:
answer_latency.py's chat app (an `Input` under an anchored `VerticalScroll`, two lines added
on Enter) answered the same number of times. Both logs scroll at every answer once full, so
both rewrite the log's region; the question is what coach writes beyond that.

Not a timing, though where a change is drawn in one frame or two depends on when the frames
fall: full runs repeat to the byte, --quick runs of one commit have given two results. A
cursor blink falling into a window adds under 100 bytes, on either side.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from collections import defaultdict
from pathlib import Path

import _common as c
from answer_latency import ANSWERS, ROUNDS, latency_pack

SIZE = (100, 32)
# Seconds with nothing written: the answer is drawn. Under the cursor's blink (0.5 s), which
# both apps write while the leader reads: a blink (under 100 bytes) can fall into a window.
QUIET = 0.3
START = 30.0  # at most this long for the first screen


class Terminal:
    """A child process on a pseudo-terminal of SIZE, and every byte it writes."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        pid, fd = pty.fork()
        if pid == 0:  # the child: the app
            try:
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)  # never back into this script
        self.pid, self.fd = pid, fd
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))

    def settle(self, limit: float = 10.0) -> int:
        """Read until the app is quiet for QUIET seconds; the bytes read."""
        total, deadline, last = 0, time.monotonic() + limit, time.monotonic()
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # the app has gone
                    break
                total += len(chunk)
                last = time.monotonic()
            elif time.monotonic() - last >= QUIET:
                break
        return total

    def send(self, data: str) -> None:
        os.write(self.fd, data.encode())

    def close(self) -> None:
        with contextlib.suppress(ProcessLookupError):  # gone already
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.fd)


def environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        TERM="xterm-256color",
        COLORTERM="truecolor",
        COACH_SESSIONS_DIR=str(tmp / "sessions"),
        COACH_CACHE_DIR=str(tmp / "cache"),
        COACH_NOW=c.NOW.isoformat(),
        COLUMNS=str(SIZE[0]),
        LINES=str(SIZE[1]),
    )
    return env


def answer(term: Terminal, kinds: list[str]) -> dict[str, list[int]]:
    """Answer once for each kind, as a leader would: type, let it draw, press the key; the
    bytes written after each key, by kind."""
    written: dict[str, list[int]] = defaultdict(list)
    try:
        term.settle(START)
        for i, kind in enumerate(kinds):
            if kind == "text":
                term.send(ANSWERS[i % len(ANSWERS)])
                term.settle()
            term.send("3" if kind == "rating" else "\r")  # a choice takes the highlighted one
            written[kind].append(term.settle())
    finally:
        term.close()
    return written


def coach_side(tmp: Path, answers: int) -> dict[str, list[int]]:
    tmp.mkdir(parents=True)
    pack = tmp / "latency.yaml"
    pack.write_text(latency_pack(), encoding="utf-8")
    argv = [sys.executable, "-m", "coach", "reflect", "--name", "Dana", "--pack", str(pack)]
    kinds = [("text", "rating", "choice")[i % 3] for i in range(answers)]
    return answer(Terminal(argv, environment(tmp)), kinds)


CHAT = """
import sys
sys.path.insert(0, sys.argv[1])
from answer_latency import Chat
Chat().run()
"""


def chat_side(tmp: Path, answers: int) -> list[int]:
    tmp.mkdir(parents=True)
    argv = [sys.executable, "-c", CHAT, str(Path(__file__).resolve().parent)]
    return answer(Terminal(argv, environment(tmp)), ["text"] * answers)["text"]


def main() -> None:
    quick = c.parse_args(__doc__ or "")
    answers = 3 * (ROUNDS // 3 if quick else ROUNDS) - 1  # the last one would end the session
    print(c.machine_line())
    print(f"terminal {SIZE[0]}x{SIZE[1]}, {answers} answers a side, quiet after {QUIET} s")
    with tempfile.TemporaryDirectory(prefix="coach-bytes-") as tmp:
        chat = chat_side(Path(tmp) / "chat", answers)
        coach = coach_side(Path(tmp) / "coach", answers)
    base = statistics.median(chat)
    rows = [["baseline chat app, every answer", str(len(chat)), f"{base:,.0f}", ""]]
    for kind in ("text", "rating", "choice"):
        got = coach[kind]
        median = statistics.median(got)
        rows.append(
            [f"coach: {kind} answers", str(len(got)), f"{median:,.0f}", c.fmt_ratio(median / base)]
        )
    everything = [n for kind in coach.values() for n in kind]
    median = statistics.median(everything)
    rows.append(
        ["coach: every answer", str(len(everything)), f"{median:,.0f}", c.fmt_ratio(median / base)]
    )
    print("\nbytes written to the terminal, from the answer's key until the app is quiet")
    print(c.table(rows, ["what", "n", "median bytes", "median / baseline"]))
    print(f"\nload average at the end: {c.loadavg()}")


if __name__ == "__main__":
    main()
