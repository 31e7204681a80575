"""The command palette's view of the archive: a leader's trends or one session, by name.

Textual's `Matcher.highlight` reads its candidate as markup, which a leader's name must never
be; hits here are scored by the matcher and drawn as plain `Content` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from coach.terminal import printable
from coach.tui.review.charts import day_words

if TYPE_CHECKING:
    from coach.tui.review.app import ReviewApp

_MOST_SESSIONS = 200  # sessions offered at once; the table's search finds the rest


class ArchiveCommands(Provider):
    """`Trends: Dana`, `Needs attention`, `Open: Dana · Mon 2 Nov 2026`."""

    @property
    def review_app(self) -> ReviewApp:
        return self.app  # type: ignore[return-value]

    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = self.review_app
        archive = app.archive
        if not archive.loaded:  # still being read: offer nothing rather than wait
            return []
        found: list[tuple[str, str, Callable[[], object]]] = [
            ("Needs attention", "Overdue items, falling ratings, unfinished sessions",
             app.show_attention),
        ]  # fmt: skip
        for leader in archive.leaders():
            name = leader or "(no name)"
            found.append(
                (f"Trends: {name}", "Ratings, loyalty and follow-through over time",
                 partial(app.show_trends, leader))
            )  # fmt: skip
        for entry in archive.entries[:_MOST_SESSIONS]:
            title = f"Open: {entry.leader or '(no name)'} · {day_words(entry.started)}"
            found.append((title, f"Session {entry.id}", partial(app.open_session, entry)))
        return found

    async def discover(self) -> Hits:
        for title, help_text, command in self._commands()[:8]:
            yield DiscoveryHit(Content(printable(title)), command, title, help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, command in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, Content(printable(title)), command, title, help_text)
