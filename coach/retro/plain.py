"""The board as plain text: for pipes, scripts, screen readers and terminals without the TUI.

The text holds the participants' words verbatim; the CLI passes it through the terminal
sanitiser on its way out, like everything it prints.
"""

from __future__ import annotations

from datetime import date

from coach.retro.board import Board, Group

__all__ = ["board_text", "day_words", "median_text"]


def day_words(iso: str) -> str:
    """A date as people say it ("Wednesday 16 December 2026"); the text as is otherwise."""
    try:
        day = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day:%A} {day.day} {day:%B %Y}"


def median_text(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:g}"


def _bar(count: int, most: int, width: int = 20) -> str:
    if most <= 0:
        return ""
    filled = round(width * count / most)
    return "█" * filled


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _group_lines(group: Group, closed: bool) -> list[str]:
    votes = f"  [{group.votes} vote{'s' if group.votes != 1 else ''}]" if closed else ""
    said = f" (x{group.count})" if group.count > 1 else ""
    lines = [f"  {group.id}  {_one_line(group.text)}{said}{votes}"]
    for item in group.items[1:]:
        extra = f" (x{item.count})" if item.count > 1 else ""
        lines.append(f"      {item.id}  {_one_line(item.text)}{extra}")
    if group.suggested:
        lines.append(f"      (grouped by coach; undo with --ungroup {group.id})")
    return lines


def board_text(board: Board) -> str:
    """The whole board, section by section, in the order a retro runs."""
    out: list[str] = []
    head = f"Retro {board.retro_id}"
    if board.team:
        head += f" · team {_one_line(board.team)}"
    if board.date:
        head += f" · {day_words(board.date)}"
    if board.closed:
        head += " · closed"
    out.append(head)
    who = f"{board.participants} contribution{'s' if board.participants != 1 else ''}"
    if board.named:
        who += f": {', '.join(_one_line(name) for name in board.named)}"
        if board.anonymous:
            who += f" and {board.anonymous} anonymous"
    elif board.participants:
        who += " (anonymous)"
    if board.leader_joined:
        who += "; the leader's self-ratings are in"
    if not board.participants:
        who = f"No contributions yet. Join with: coach reflect --retro {board.retro_id}"
    out.append(who)
    if board.carry_over:
        out += ["", f"Last retro's actions ({board.previous}), to review first:"]
        for c in board.carry_over:
            state = c.review or "to review: --review ID=done|not-yet|drop"
            out.append(
                f"  {c.id}  {_one_line(c.text)} — {_one_line(c.owner)}, due {day_words(c.due)} "
                f"[{state}]"
            )
    out.append("")
    if not board.shown:
        out.append(
            f"Ratings are shown from {board.threshold} contributions: {board.needed} more needed."
        )
    else:
        out.append("Which trait earned their loyalty:")
        most = max((row.count for row in board.loyalty), default=0)
        for row in board.loyalty:
            out.append(f"  {row.title:<24} {_bar(row.count, most):<20} {row.count}")
        if not board.loyalty:
            out.append("  (no one named a trait)")
        out += ["", "Ratings (count per rating, median):"]
        for trait in board.traits:
            if not trait.shown:
                out.append(f"  {trait.title:<24} not shown: {trait.count} rated it, "
                           f"fewer than {board.threshold}")  # fmt: skip
                continue
            spread = "  ".join(f"{value}:{count}" for value, count in trait.distribution)
            line = f"  {trait.title:<24} {spread}   median {median_text(trait.median)}"
            if trait.leader is not None:
                line += f"   leader's self-rating {trait.leader}"
            out.append(line)
    out.append("")
    if not board.text_shown:
        out.append(
            f"Suggestions are shown from {board.text_threshold} contributions: "
            f"{board.text_needed} more needed."
        )
    else:
        heading = None
        for group in board.groups:
            title = group.title + (f" · {group.verb}" if group.verb else "")
            if title != heading:
                out.append(title + ":")
                heading = title
            out += _group_lines(group, board.closed)
        if not board.groups:
            out.append("No suggestions yet.")
    out.append("")
    if board.closed and board.result is not None:
        out.append(f"Closed on {day_words(board.result.closed_on)}. Team actions:")
        for a in board.actions:
            out.append(
                f"  {a.id}  {_one_line(a.text)} — {_one_line(a.owner)}, due {day_words(a.due)} "
                f"({a.votes} vote{'s' if a.votes != 1 else ''})"
            )
        if not board.actions:
            out.append("  (no item got a vote)")
    elif board.text_shown and board.groups:
        out.append(
            f"Voting: {board.votes_per_person} votes each, at most {board.per_item_cap} on one "
            f"item (for {len(board.groups)} items about {board.suggested_votes} each would do). "
            f"{board.voters} voted so far; the tallies show when the vote closes."
        )
        out.append(f"Vote with: coach retro {board.retro_id} --vote ID [ID ...]")
    if board.unreadable:
        out += ["", "Not counted:"]
        out += [f"  {u}" for u in board.unreadable]
    return "\n".join(out).rstrip() + "\n"
