"""The footer of key bindings: one widget that draws the keys on its one line.

Textual's `Footer` is a container of a widget per key (`FooterKey`, with `KeyGroup` and
`FooterLabel` for a group such as `PgUp PgDn Scroll`): nine widgets on the reflection's
screen, half of all it shows. Each takes part in every layout of the screen, so in every
answer's frame, and Textual rebuilds them all whenever focus moves, which is at nearly every
question (bench/answer_latency.py: the nine cost ~2 ms of every answer).

Here the keys are one row of cells, the cells Textual's footer draws (`tests/test_tui_footer.py`
compares the two in dark, light, an ANSI theme and one with footer colours of its own),
drawn again only when the keys shown change. A key under the mouse is lit, shows its tooltip
and runs when clicked, as in Textual's. Only public API: the screen's `active_bindings` and
`bindings_updated_signal`.

Looking the keys up costs ~0.3 ms (every binding of the focus chain, each checked by its
`check_action`), and Textual asks for it at least twice at every move of the focus. A
screen that knows what its keys depend on says so (`keys_state`, below); the footer then
looks them up only for a state it has not met before (the reflection has a few: which
control has the focus, whether Back and Skip work, whether the control pages itself).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.strip import Strip
from textual.widget import Widget

BORDER = "▏"  # Textual's `vkey` border, left of the command palette's key


@dataclass(frozen=True, slots=True)
class Key:
    """One key as the footer shows it (a group's label has no key)."""

    key: str  # what `App.simulate_key` presses when it is clicked
    display: str  # the key as shown (`^b`, `PgUp`)
    description: str  # "" for a key in a group, which shows the key only
    enabled: bool
    tooltip: str
    label: str = ""  # for a group's label only: its text, after the group's keys


class KeysFooter(Widget, can_focus=False):
    """The keys the screen binds and shows, left to right, and the command palette's key at
    the right edge: one line, as Textual's footer draws them (not its compact style)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {
        "footer--key",
        "footer--description",
        "footer--label",
        "footer--hover",
        "footer--border",
    }
    DEFAULT_CSS = """
    KeysFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .footer--description, & > .footer--label {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .footer--hover { color: $footer-key-foreground; background: $block-hover-background; }
        & > .footer--border { color: $foreground 20%; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.keys: tuple[Key, ...] = ()  # the keys shown left to right (the palette's apart)
        self.palette: Key | None = None
        self._strip: Strip | None = None  # the line as drawn; None: draw it again
        self._spans: list[tuple[int, int, Key]] = []  # the cells each key takes
        self._hover: Key | None = None
        self._due = False  # the screen's bindings changed, and the keys are still to follow
        self._state: object = None  # the screen's `keys_state()` for the keys shown
        self._known: dict[object, tuple[tuple[Key, ...], Key | None]] = {}  # by state

    # -- the keys ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.follow()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        # Not while the terminal has lost the focus: nothing has the focus then, and the
        # keys would shrink to the screen's own until it came back (as Textual's footer).
        # Textual says so at every move of the focus, from inside whatever moves it: the
        # keys are looked up once that is done, unless `follow` has been called by then.
        if screen.app.app_focus and screen is self.screen and not self._due:
            self._due = True
            self.call_later(self._catch_up)

    def _catch_up(self) -> None:
        if self._due:
            self.follow()

    def follow(self) -> None:
        """Show the keys as they are now, in the frame being built (a screen that changes
        its keys with a question calls this, so that both show in the same frame)."""
        self._due = False
        if not self.is_attached:
            return
        screen = self.screen
        state = keys_state(screen)
        if state is None:
            keys, palette = shown_keys(screen)
        else:
            if state == self._state:
                return  # nothing the keys depend on has changed since they were looked up
            self._state = state
            if state not in self._known:
                self._known[state] = shown_keys(screen)
            keys, palette = self._known[state]
        if (keys, palette) != (self.keys, self.palette):
            self.keys, self.palette = keys, palette
            self._strip = None
            if self._hover is not None:  # the key under the mouse may be gone or moved
                self._hover, self.tooltip = None, None
            self.refresh()

    def read(self) -> list[str]:
        """The footer as read from left to right: each key's description, or for a group of
        keys (PgUp PgDn Scroll) the keys and then the group's label; the palette's last."""
        shown = [*self.keys, *([self.palette] if self.palette else [])]
        return [key.label or key.description or key.display for key in shown]

    # -- drawing -----------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strip = None  # a new theme

    def render_line(self, y: int) -> Strip:
        if y:
            return Strip.blank(self.size.width, self.rich_style)
        if self._strip is None or self._strip.cell_length != self.size.width:
            self._strip = self._draw(self.size.width)
        return self._strip

    def _draw(self, width: int) -> Strip:
        base = self.rich_style
        key_style = self.get_component_rich_style("footer--key")
        description_style = self.get_component_rich_style("footer--description")
        label_style = self.get_component_rich_style("footer--label")
        hover = Style(bgcolor=self.get_component_rich_style("footer--hover").bgcolor)
        blank = Style(bgcolor=base.bgcolor)  # margins and padding: the background only
        dim = Style(dim=True)
        spans: list[tuple[int, int, Key]] = []
        segments: list[Segment] = []
        x = 0

        def add(text: str, style: Style) -> None:
            nonlocal x
            segments.append(Segment(text, style))
            x += cell_len(text)  # cells, not characters: a key may be shown wide

        def cells(key: Key) -> list[tuple[str, Style]]:
            """A key's own cells: the key between a space each side, then its description
            and a space; a key in a group: the key alone."""
            look = base + (dim if not key.enabled else Style())
            lit = hover if key is self._hover else Style()  # over the key's (clear) background
            if not key.description:
                return [(key.display, look + key_style + lit)]
            return [
                (f" {key.display} ", look + key_style + lit),
                (f"{key.description} ", look + description_style + lit),
            ]

        grouped = False
        for key in self.keys:
            if key.label:
                add(f"{key.label}", label_style)
                add(" ", blank)
                grouped = False
                continue
            if not key.description:  # in a group: a space of margin each side, shared
                if not grouped:
                    add(" ", blank)
                grouped = True
                start = x
                for text, style in cells(key):
                    add(text, style)
                spans.append((start, x, key))
                add(" ", blank)
                continue
            grouped = False
            start = x
            for text, style in cells(key):
                add(text, style)
            spans.append((start, x, key))
        line = Strip(segments, x).crop_extend(0, width, blank)
        if self.palette is not None:
            # Docked at the right edge, over whatever keys do not fit.
            key = self.palette
            edge = self.get_component_rich_style("footer--border")
            lit = hover if key is self._hover else Style()
            # Textual draws this one key compact: no padding round the key, one space
            # before its description.
            parts = [
                (BORDER, base + Style(color=edge.color)),
                (key.display, base + key_style + lit),
                (f" {key.description}", base + description_style + lit),
            ]
            parts.append((" ", blank + hover if key is self._hover else blank))  # its padding
            right = Strip([Segment(text, style) for text, style in parts])
            start = max(0, width - right.cell_length)
            line = Strip.join([line.crop(0, start), right.crop(0, width - start)])
            spans = [span for span in spans if span[1] <= start]
            spans.append((start + 1, width, key))
        self._spans = spans
        return line.simplify()

    # -- the mouse ---------------------------------------------------------------------------

    def _key_at(self, x: int) -> Key | None:
        return next((key for start, end, key in self._spans if start <= x < end), None)

    def on_mouse_move(self, event: events.MouseMove) -> None:
        key = self._key_at(event.x)
        if key is not self._hover:
            self._hover = key
            self.tooltip = key.tooltip if key is not None and key.tooltip else None
            self._strip = None
            self.refresh()

    def on_leave(self, event: events.Leave) -> None:
        if self._hover is not None:
            self._hover = None
            self.tooltip = None
            self._strip = None
            self.refresh()

    def on_mouse_down(self, event: events.MouseDown) -> None:
        key = self._key_at(event.x)
        if key is None:
            return
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()


def keys_state(screen: Screen[Any]) -> object:
    """What the screen's keys depend on, if the screen says: the widget with the focus, and
    what the screen's `keys_state()` returns, equal (and hashable) for equal keys (what its
    `check_action` reads); None: look them up whenever Textual says they may have changed."""
    state = getattr(screen, "keys_state", None)
    return None if state is None else (screen.focused, state())


def shown_keys(screen: Screen[Any]) -> tuple[tuple[Key, ...], Key | None]:
    """The keys the screen shows, as Textual's footer lays them out: one key per action (its
    first binding), a run of two or more actions of one group as their keys then the group's
    label, and the command palette's key on its own."""
    app = screen.app
    active = screen.active_bindings
    by_action: defaultdict[str, list[tuple[Binding, bool, str]]] = defaultdict(list)
    for _node, binding, enabled, tooltip in active.values():
        if binding.show:
            by_action[binding.action].append((binding, enabled, tooltip))
    keys: list[Key] = []
    for group, runs in groupby(by_action.values(), lambda run: run[0][0].group):
        actions = list(runs)
        if group is not None and len(actions) > 1:
            for binding, enabled, tooltip in (run[0] for run in actions):
                display = app.get_key_display(binding)
                tip = tooltip or binding.description
                keys.append(Key(binding.key, display, "", enabled, tip))
            keys.append(Key("", "", "", True, "", label=group.description))
        else:
            for binding, enabled, tooltip in (run[0] for run in actions):
                display = app.get_key_display(binding)
                keys.append(Key(binding.key, display, binding.description, enabled, tooltip))
    palette = None
    if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
        _node, binding, enabled, tooltip = active[app.COMMAND_PALETTE_BINDING]
        display = app.get_key_display(binding)
        tip = binding.tooltip or binding.description
        palette = Key(binding.key, display, binding.description, enabled, tip)
    return tuple(keys), palette
