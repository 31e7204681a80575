"""The footer of key bindings, rebuilt only when the keys it shows change."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's footer rebuilds every key whenever focus moves, and restyles the screen to do
    it. Focus moves at nearly every question here (the rating bar, the answer box and the
    option list take turns), while the keys shown stay the same: rebuild only on a change.

    `Footer.bindings_changed` is not documented API: Textual calls it when the screen's
    bindings change, and a test (`test_the_textual_parts_coach_relies_on`) fails if it stops
    doing so with this signature. Textual is pinned for it (pyproject.toml, constraints.txt).
    """

    _shown: tuple[Any, ...] | None = None
    _ready = False  # Textual has told the footer of the screen's bindings once

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._ready = True
            shown = _shown_keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)

    async def follow(self) -> None:
        """Show the keys as they are now, in the frame being built: Textual's footer waits
        for the next frame, which would draw a new question one frame before its keys."""
        if not (self._ready and self.is_attached):
            return
        shown = _shown_keys(self.screen)
        if shown == self._shown:
            return
        self._shown = shown
        # Composed on the footer's own message loop, where Textual binds its reactives.
        rebuilt = asyncio.Event()

        async def rebuild() -> None:
            await self.recompose()
            rebuilt.set()

        self.call_next(rebuild)
        await rebuilt.wait()


def _shown_keys(screen: Screen[Any]) -> tuple[Any, ...]:
    """What the footer draws: each shown binding, its state, and the command palette key."""
    palette = screen.app.COMMAND_PALETTE_BINDING
    return tuple(
        (key, binding.key, binding.description, binding.action, enabled, tooltip)
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
        if binding.show or key == palette
    )
