"""Changing a retro: votes, the close, the facilitator's choices and settings.

Each function writes exactly one file that only its writer ever writes (a voter's own vote
file, the facilitator's files), records it in the writer's private ledger, and refuses bad
input with one sentence (`RetroError`) before anything is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path

from coach.retro.board import Board, Group, tally
from coach.retro.files import (
    MIN_THRESHOLD,
    REVIEW_ANSWERS,
    ResultAction,
    RetroFolder,
    RetroResult,
    Settings,
    VoteFile,
    check_settings,
)
from coach.retro.join import hide_time, ledger_lock, read_ledger, write_ledger

__all__ = ["RetroError", "cast", "close", "configure", "regroup", "review", "ungroup"]


class RetroError(Exception):
    """Something about a retro the user can fix; the message is one sentence."""


def _record_held(sessions: Path, folder: RetroFolder, path: Path, votes: bool = False) -> None:
    """Add a written file to the ledger; the caller holds the ledger's lock."""
    ledger = read_ledger(sessions, folder).with_file(str(path.relative_to(folder.path)))
    if votes:
        ledger = replace(ledger, votes=path.name)
    write_ledger(sessions, ledger, folder)


def _record(sessions: Path, folder: RetroFolder, path: Path) -> None:
    with ledger_lock(sessions, folder):
        _record_held(sessions, folder, path)


def _open(board: Board, what: str) -> None:
    if board.closed:
        raise RetroError(f"retro {board.retro_id} is closed, so {what} can no longer change")


def cast(folder: RetroFolder, sessions: Path, refs: Sequence[str], board: Board) -> VoteFile:
    """Put this voter's dots on the board (replacing their earlier ones).

    Args:
        refs: Group or item ids as the board shows them; one id twice is two dots on it.

    Raises:
        RetroError: the vote is closed or not open yet, an id is not on the board, or the
            dots go over the voter's limit or one item's cap.
    """
    _open(board, "the votes")
    if not board.text_shown:
        raise RetroError(
            f"the suggestions of retro {board.retro_id} are shown, and can be voted on, from "
            f"{board.text_threshold} contributions; {board.text_needed} more are needed"
        )
    groups: list[Group] = []
    for ref in refs:
        group = board.group(ref)
        if group is None:
            raise RetroError(
                f"there is no item {ref!r} on the board of retro {board.retro_id}; "
                f"'coach retro {board.retro_id}' lists them"
            )
        groups.append(group)
    if len(groups) > board.votes_per_person:
        raise RetroError(
            f"each person has {board.votes_per_person} votes in retro {board.retro_id}, "
            f"and {len(groups)} were given"
        )
    for group_id, k in Counter(g.id for g in groups).items():
        if k > board.per_item_cap:
            raise RetroError(
                f"at most {board.per_item_cap} of your votes can go to one item, and {k} "
                f"went to {group_id}"
            )
    vote = VoteFile(folder.id, tuple(g.id for g in groups))
    with ledger_lock(sessions, folder):  # one voter, one file, however many processes
        path = folder.write_votes(vote, read_ledger(sessions, folder).votes)
        hide_time(path, board.date)
        _record_held(sessions, folder, path, votes=True)
    return vote


def close(
    folder: RetroFolder,
    sessions: Path,
    board: Board,
    votes: Sequence[VoteFile],
    today: date,
    due: date,
    top: int = 3,
    owners: Mapping[str, str] | None = None,
) -> RetroResult:
    """Freeze the result: the tallies, and the `top` most-voted items as the team's action
    items, each with an owner (default "the team") and a due date.

    Raises:
        RetroError: already closed, or an owner was given for an item not on the board.
    """
    _open(board, "the result")
    if board.participants == 0:
        raise RetroError(
            f"retro {board.retro_id} has no contributions yet, so there is nothing to close"
        )
    if top < 1:
        raise RetroError("--top takes how many of the most-voted items become actions: 1 or more")
    owners = dict(owners or {})
    named: dict[str, str] = {}
    for ref, owner in owners.items():
        group = board.group(ref)
        if group is None:
            raise RetroError(f"there is no item {ref!r} on the board of retro {board.retro_id}")
        named[group.id] = owner
    tallies = tally(board, votes)
    order = {g.id: i for i, g in enumerate(board.groups)}
    ranked = sorted(
        (g for g in board.groups if tallies.get(g.id, 0) > 0),
        key=lambda g: (-tallies[g.id], order[g.id]),
    )
    chosen = ranked[: max(0, top)]
    for group_id in named:
        if group_id not in {g.id for g in chosen}:
            picked = next(g for g in board.groups if g.id == group_id)
            chosen.append(picked)  # the facilitator named an owner: it is an action too
    actions = tuple(
        ResultAction(g.id, g.text, g.trait, tallies.get(g.id, 0), named.get(g.id, "the team"),
                     due.isoformat())
        for g in chosen
    )  # fmt: skip
    result = RetroResult(today.isoformat(), board.participants, tallies, actions)
    path = folder.write_result(result)
    _record(sessions, folder, path)
    return result


def tied_out(board: Board, result: RetroResult, top: int) -> tuple[int, list[Group]]:
    """The votes of the `top`-th most-voted item, and the items with as many that the
    board's order left out of the actions (none when nobody tied at the cut)."""
    counts = sorted((n for n in result.tallies.values() if n > 0), reverse=True)
    cut = counts[top - 1] if 0 < top <= len(counts) else 0
    taken = {a.id for a in result.actions}
    tied = [g for g in board.groups if cut and result.tallies.get(g.id) == cut]
    return cut, [g for g in tied if g.id not in taken]


def review(folder: RetroFolder, sessions: Path, board: Board, ref: str, answer: str) -> str:
    """Record what became of one of last retro's actions: done, not yet or drop.

    Returns:
        The action's text.

    Raises:
        RetroError: no previous retro, no such action, or an answer that is none of those.
    """
    answer = answer.replace("-", " ").strip().lower()
    if answer not in REVIEW_ANSWERS:
        raise RetroError(f"{answer!r} is not a review answer: say done, not-yet or drop")
    if not board.carry_over:
        raise RetroError(
            f"retro {board.retro_id} has no earlier retro of the same team to review "
            "(give the team with --team when the retro starts)"
        )
    found = next((c for c in board.carry_over if c.id == ref.strip().lower()), None)
    if found is None:
        ids = ", ".join(c.id for c in board.carry_over)
        raise RetroError(f"last retro has no action {ref!r}; its actions are {ids}")
    snap = folder.read()
    facilitation = replace(snap.facilitation, review={**snap.facilitation.review, found.id: answer})
    _record(sessions, folder, folder.write_facilitation(facilitation))
    return found.text


def ungroup(folder: RetroFolder, sessions: Path, board: Board, ref: str) -> Group:
    """Undo a grouping coach suggested: every item of the group stands alone again."""
    _open(board, "the groups")
    group = board.group(ref)
    if group is None:
        raise RetroError(f"there is no item {ref!r} on the board of retro {board.retro_id}")
    if len(group.items) < 2:
        raise RetroError(f"{group.id} is not a group of several suggestions")
    snap = folder.read()
    ids = snap.facilitation.ungrouped | {item.id for item in group.items}
    _record(sessions, folder, folder.write_facilitation(replace(snap.facilitation, ungrouped=ids)))
    return group


def regroup(folder: RetroFolder, sessions: Path, board: Board) -> None:
    """Let coach group similar suggestions again, as it first suggested."""
    _open(board, "the groups")
    snap = folder.read()
    _record(
        sessions,
        folder,
        folder.write_facilitation(replace(snap.facilitation, ungrouped=frozenset())),
    )


def configure(
    folder: RetroFolder,
    sessions: Path,
    today: date,
    team: str | None = None,
    threshold: int | None = None,
    text_threshold: int | None = None,
    votes: int | None = None,
    cap: int | None = None,
) -> Settings:
    """Change the retro's settings (the facilitator's file).

    Raises:
        RetroError: a threshold below the minimum, or free text at a lower bar than ratings.
    """
    current = folder.settings()
    if threshold is not None and threshold < MIN_THRESHOLD:
        raise RetroError(
            f"the threshold cannot be below {MIN_THRESHOLD}: smaller groups would show "
            "who said what"
        )
    new_threshold = threshold if threshold is not None else current.threshold
    new_text = (
        text_threshold
        if text_threshold is not None
        else max(current.text_threshold, new_threshold + 1)
    )
    if new_text <= new_threshold:
        raise RetroError(
            f"free text needs a higher bar than ratings: a text threshold above {new_threshold}"
        )
    for name, value in (("--votes", votes), ("--cap", cap)):
        if value is not None and value < 1:
            raise RetroError(f"{name} needs a number of at least 1")
    settings = Settings(
        id=folder.id,
        team=team if team is not None else current.team,
        date=current.date or today.isoformat(),
        threshold=new_threshold,
        text_threshold=new_text,
        votes=votes if votes is not None else current.votes,
        per_item_cap=cap if cap is not None else current.per_item_cap,
    )
    try:
        check_settings(settings)  # the reader's rule: nothing is written that it would refuse
    except ValueError as exc:
        raise RetroError(str(exc)) from None
    _record(sessions, folder, folder.write_settings(settings))
    return settings
