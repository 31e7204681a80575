"""The footer of key bindings, rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """Textual's footer rebuilds every key whenever focus moves, and restyles the screen to do
    it. Focus moves at nearly every question here (the rating bar, the answer box and the
    option list take turns), while the keys shown stay the same: rebuild only on a change."""

    _shown: tuple[Any, ...] | None = None

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            shown = _shown_keys(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)


def _shown_keys(screen: Screen[Any]) -> tuple[Any, ...]:
    """What the footer draws: each shown binding, its state, and the command palette key."""
    palette = screen.app.COMMAND_PALETTE_BINDING
    return tuple(
        (key, binding.key, binding.description, binding.action, enabled, tooltip)
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
        if binding.show or key == palette
    )
