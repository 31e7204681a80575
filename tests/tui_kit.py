"""Driving the reflection app the way a leader does, for the Pilot and snapshot tests.

Values are set on the widgets directly and only the key under test is pressed: each
`pilot.press` waits until the app is idle again, which is the expensive part of a Pilot test.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from conftest import DATA
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, OptionList, TextArea

from coach.catalog import PackFile, find_pack
from coach.session import Session
from coach.store import SessionStore
from coach.tui.app import CoachApp, Setup, make_app
from coach.tui.widgets.answer_box import AnswerBox
from coach.tui.widgets.rating import RatingBar
from coach.tui.widgets.turns import Said

NOW = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
TINY = DATA / "packs" / "tiny.yaml"

# A whole tiny-pack session that meets every kind of control: a probe (a short answer), a
# rating, a commitment with its "by when?" follow-up, a second rating, a branch question, the
# loyalty question with its confirmation (a choice) and the final choice.
WHOLE = (
    ("recall", "main", "ok"),
    ("recall", "probe", "They asked me questions about my week and waited for every answer"),
    ("rating", "main", "2"),
    ("commit", "main", "I'll ask more questions"),
    ("commit", "due", "by Friday"),
    ("fair_rating", "main", "2"),
    ("fair_why", "main", "I pick favourites sometimes"),
    ("loyalty", "main", "She listened"),
    ("loyalty", "confirm", "listening"),
    ("focus", "main", "fairness"),
)

# The stock pack's first trait up to its rating, whose labels wrap at 80 and 100 columns
# ("about half the time", "most of the time", "it's how I coach").
STOCK_TO_RATING = (
    "She rode along on my calls and showed me how to open with a question",
    "He came on calls with me every week and ran the first call himself while I watched",
)


def clock() -> datetime:
    return NOW


def tiny_file() -> PackFile:
    return find_pack(str(TINY), [])


def build(store: SessionStore, *, name: str | None = "Dana", **parts: Any) -> CoachApp:
    """The app as the CLI builds it: frozen clock, seeded ids, the tiny pack unless told."""
    parts.setdefault("packs", [tiny_file()])
    setup = Setup(store=store, clock=clock, rng=random.Random(1), name=name, **parts)
    return noted(make_app(setup))


def noted(app: CoachApp) -> CoachApp:
    """The app, keeping every message it notifies in `app.notified` (through `App.notify`,
    the documented way to show one, rather than Textual's private list of those shown)."""
    told: list[str] = []
    notify = app.notify

    def keep(message: str, *args: Any, **kwargs: Any) -> None:
        told.append(message)
        notify(message, *args, **kwargs)

    app.notify = keep  # type: ignore[method-assign]
    app.notified = told  # type: ignore[attr-defined]
    return app


def answered(store: SessionStore, answers: Sequence[str], pack: PackFile | None = None) -> str:
    """A session already answered this far through the engine (saved after every answer, as
    the line mode does); returns its id, to be resumed in the app."""
    session, _ = Session.begin(store, pack or tiny_file(), clock, random.Random(1), name="Dana")
    for text in answers:
        assert session.answer(text).accepted, text
    session.close()  # as when that process ends: its lock goes with it
    return session.id


def resumed(store: SessionStore, session_id: str, **parts: Any) -> CoachApp:
    """The app opened on a saved session, as `coach resume` opens it."""
    session = Session.resume(store, session_id, clock, [])
    return build(store, resume=session, packs=[session.pack_file], **parts)


def control(app: CoachApp) -> Widget:
    """The control that answers the current question (`ReflectScreen.control`)."""
    return app.screen.control  # type: ignore[attr-defined, no-any-return]


async def say(pilot: Pilot[Any], answer: str) -> None:
    """Answer the current question with its own control: text and Enter in the answer box, a
    digit on the rating bar, Enter on an option (given by its id) of a choice."""
    widget = control(pilot.app)  # type: ignore[arg-type]
    if isinstance(widget, AnswerBox):
        widget.text = answer
        await pilot.press("enter")
    elif isinstance(widget, RatingBar):
        await pilot.press(answer)
    elif isinstance(widget, OptionList):
        widget.highlighted = widget.get_option_index(answer)
        await pilot.press("enter")
    else:  # pragma: no cover - a new kind of control needs a new branch here
        raise AssertionError(f"no way to answer with {widget!r}")


def footer(app: CoachApp) -> list[str]:
    """The footer as read from left to right: each key's description, or for a group of keys
    (PgUp PgDn Scroll) the keys and then the group's label."""
    from coach.tui.widgets.footer import KeysFooter

    return app.screen.query_one(KeysFooter).read()


def text(widget: Widget) -> str:
    """The plain text a line of the conversation holds (its `Content`, without styles)."""
    return str(widget.render())


def said(app: CoachApp, kind: type[Said]) -> list[str]:
    """The plain text of every line of that kind in the conversation so far, oldest first."""
    screen: Any = app.screen
    return [s.content().plain for s in screen.conversation.lines if isinstance(s, kind)]


def shown_line(app: CoachApp, kind: type[Said]) -> str:
    """What the newest line of that kind puts on the screen, row by row, its bar included."""
    log = app.screen.conversation  # type: ignore[attr-defined]
    index = max(i for i, line in enumerate(log.lines) if isinstance(line, kind))
    return "\n".join(row.text for row in log.rows_of(index))


def line_in_view(app: CoachApp) -> bool:
    """The newest line of the conversation is on the screen, every row of it."""
    log = app.screen.conversation  # type: ignore[attr-defined]
    rows = log.rows_of(-1)
    first, view = log.ends[-1] - len(rows), log.scrollable_content_region.height
    return bool(rows) and log.top <= first and log.ends[-1] <= log.top + view


def shown(widget: Widget) -> str:
    """What the widget puts on the screen, line by line, borders included."""
    width, height = widget.outer_size
    return "\n".join(strip.text for strip in widget.render_lines(Region(0, 0, width, height)))


def steady(app: CoachApp) -> None:
    """Cursors that do not blink, so a screenshot does not depend on when it is taken."""
    for widget in app.screen.query("*"):
        if isinstance(widget, TextArea | Input):
            widget.cursor_blink = False


def newest(path: Path) -> Path:
    """The only session file in a folder."""
    (found,) = sorted(path.glob("*.yaml"))
    return found


def screenshot(app: CoachApp) -> str:
    """The screen as an SVG body whose styles are written out on each element, so that two
    screenshots compare equal when they show the same thing (Rich numbers its style classes
    in the order it meets them, and names them after the whole picture)."""
    svg = app.export_screenshot()
    styles = dict(re.findall(r"\.(terminal-\d+-r\d+) \{([^}]*)\}", svg))
    body = svg.split("</style>")[-1]
    body = re.sub(r'class="(terminal-\d+-r\d+)"', lambda m: f'style="{styles.get(m[1], "")}"', body)
    return re.sub(r"terminal-\d+", "terminal", body)
