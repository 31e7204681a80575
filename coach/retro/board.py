"""A retro's board: what the team sees together, computed from the retro folder's files.

The public API, for every front end (the plain board in the CLI, the board TUI, exports):

    folder = RetroFolder(path, retro_id)          # coach.retro.files; or retro_folder(...)
    board = build_board(folder, titles=..., scale=(1, 5))   # reads the folder, then pure
    board = board_from(snapshot, titles=..., previous=...)  # the pure part, for tests

`Board` and everything in it are frozen dataclasses:

- `participants`, `named` (names of those who shared by name, sorted), `anonymous` (a count):
  who took part; a leader's own contribution is `leader_joined`, never counted here.
- `threshold`, `needed` (more contributions before ratings show), `shown`;
  `text_threshold`, `text_needed`, `text_shown` (free text has a higher bar).
- `loyalty`: `LoyaltyRow(trait, title, count)` per trait, most first (empty until `shown`).
- `traits`: `TraitRow(trait, title, count, shown, distribution=((value, count), ...),
  median, leader)` per trait; a trait rated by fewer than the threshold is not shown even
  when the board is; `leader` is the leader's self-rating, only beside a shown median.
- `groups`: `Group(id, kind, trait, title, verb, items=(Item(id, text, count), ...),
  suggested, votes)`: suggestions and proposed actions grouped by trait and similar
  wording, at most 5 items a group (`suggested` when coach grouped them; the facilitator
  can undo it). `votes` is None until the vote closes: the tallies are hidden.
- `votes_per_person`, `per_item_cap`, `suggested_votes` (√ of the number of groups),
  `voters`, `dots` (how many have voted, never for what).
- `closed`, `result` (`RetroResult`, with `actions`: the team's action items), `date`.
- `previous` (the id of this team's last closed retro) and `carry_over`:
  `CarryOver(id, text, owner, due, review)` for its actions, reviewed done / not yet / drop.
- `unreadable`: files not counted, each with its reason.
- `group(ref)` finds a group by its id or the id of any item in it.

Nothing here draws or prints: user text is kept verbatim; front ends sanitise at the edge.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from coach.retro.files import (
    Contribution,
    Facilitation,
    ResultAction,
    RetroFolder,
    RetroResult,
    Settings,
    Snapshot,
    Unreadable,
    VoteFile,
    siblings,
)

__all__ = [
    "MAX_GROUP",
    "Board",
    "CarryOver",
    "Group",
    "Item",
    "LoyaltyRow",
    "TraitRow",
    "board_from",
    "build_board",
    "median",
    "previous_result",
    "stems",
    "tally",
]

MAX_GROUP = 5
"""A group of similar suggestions never holds more than this many."""
SIMILAR = 0.5
"""Word overlap (Jaccard, on stems) from which two suggestions are offered as one group."""


@dataclass(frozen=True, slots=True)
class LoyaltyRow:
    trait: str
    title: str
    count: int


@dataclass(frozen=True, slots=True)
class TraitRow:
    """One trait's ratings: hidden (`shown` False, no distribution) below the threshold."""

    trait: str
    title: str
    count: int
    shown: bool
    distribution: tuple[tuple[int, int], ...] = ()  # (rating, how many gave it), low to high
    median: float | None = None
    leader: int | None = None  # the leader's self-rating, beside a shown median


@dataclass(frozen=True, slots=True)
class Item:
    """One suggestion as worded (the same words from several people count once, `count`)."""

    id: str
    text: str
    count: int = 1


@dataclass(frozen=True, slots=True)
class Group:
    """What the team votes on: one suggestion or action, or a few worded alike."""

    id: str
    kind: str  # suggestion | action
    trait: str | None
    title: str  # the trait's title, or "Proposed actions"
    verb: str  # start | stop | continue, or "" for an action
    items: tuple[Item, ...]
    suggested: bool = False  # coach put these together; the facilitator may undo it
    votes: int | None = None  # hidden until the vote closes

    @property
    def text(self) -> str:
        """The group's words as the board shows them: its first item's."""
        return self.items[0].text

    @property
    def count(self) -> int:
        return sum(item.count for item in self.items)


@dataclass(frozen=True, slots=True)
class CarryOver:
    """One of last retro's team actions, to review before anything else."""

    id: str
    text: str
    owner: str
    due: str
    review: str | None = None  # done | not yet | drop, once the facilitator said


@dataclass(frozen=True, slots=True)
class Board:
    """The whole board at one moment (see the module docstring)."""

    retro_id: str
    team: str | None
    date: str
    participants: int
    named: tuple[str, ...]
    anonymous: int
    leader_joined: bool
    threshold: int
    needed: int
    text_threshold: int
    text_needed: int
    loyalty: tuple[LoyaltyRow, ...]
    traits: tuple[TraitRow, ...]
    groups: tuple[Group, ...]
    votes_per_person: int
    per_item_cap: int
    suggested_votes: int
    voters: int
    dots: int
    closed: bool
    result: RetroResult | None
    previous: str | None
    carry_over: tuple[CarryOver, ...]
    unreadable: tuple[Unreadable, ...]

    @property
    def shown(self) -> bool:
        return self.needed == 0

    @property
    def text_shown(self) -> bool:
        return self.text_needed == 0

    @property
    def actions(self) -> tuple[ResultAction, ...]:
        return self.result.actions if self.result is not None else ()

    def group(self, ref: str) -> Group | None:
        """The group with this id, or holding an item with it (case-insensitive)."""
        ref = ref.strip().lower()
        for group in self.groups:
            if group.id == ref or any(item.id == ref for item in group.items):
                return group
        return None


# -- words ---------------------------------------------------------------------------------

_WORD = re.compile(r"[a-z0-9']+")
_STOP = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been being it
    its this that these those we our us you your they them their i me my he she his her do does
    did doing done have has had more less very so than then there here what which who when how
    all any each every some one can could should would will just also not no about into out up
    over again once start stop continue keep doing""".split()  # noqa: SIM905
)
_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ers", "ies", "ied", "ed", "es", "er",
             "ly", "s")  # fmt: skip


@lru_cache(maxsize=8192)
def _stem(word: str) -> str:
    """A plain suffix strip, enough for 'coaching' ~ 'coached' ~ 'coach'."""
    word = word.strip("'")
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if suffix in ("ies", "ied"):
                stem += "y"
            return stem.removesuffix("e")
    return word.removesuffix("e") if len(word) > 3 else word


@lru_cache(maxsize=8192)
def stems(text: str) -> frozenset[str]:
    """The content words of a suggestion, stemmed: what similar wording is measured on."""
    return frozenset(
        _stem(w) for w in _WORD.findall(text.casefold()) if w not in _STOP and len(w) > 1
    )


_VERB = re.compile(r"\s*(start|stop|continue)\s*:\s*", re.IGNORECASE)


def _split_verb(text: str) -> tuple[str, str]:
    match = _VERB.match(text)
    if match is None:
        return "", text
    return match.group(1).lower(), text


def _normal(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


def _item_id(kind: str, trait: str | None, text: str) -> str:
    digest = hashlib.sha1(f"{kind}|{trait}|{_normal(text)}".encode()).hexdigest()
    return ("s" if kind == "suggestion" else "a") + digest[:6]


def median(values: Sequence[int]) -> float | None:
    """The median of some ratings (the mean of the middle two for an even count)."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[mid])
    return (ordered[mid - 1] + ordered[mid]) / 2


# -- the board -----------------------------------------------------------------------------


def build_board(
    folder: RetroFolder,
    titles: Mapping[str, str] | None = None,
    scale: tuple[int, int] = (1, 5),
) -> Board:
    """Read a retro folder (and its team's previous retro, for the carry-over) into a board.

    Args:
        folder: The retro's folder.
        titles: Trait id -> title, in the order the traits are shown (the pack's order);
            traits found only in the files follow, by id.
        scale: The lowest and highest rating, so a distribution lists every value.
    """
    snapshot = folder.read()
    return board_from(snapshot, titles, scale, previous=previous_result(folder, snapshot.settings))


def previous_result(folder: RetroFolder, settings: Settings) -> tuple[str, RetroResult] | None:
    """The same team's last closed retro before this one, beside it in the same parent
    folder: its id and frozen result. None without a team, or when there is none."""
    if not settings.team:
        return None
    best: tuple[str, str, RetroResult] | None = None
    for other in siblings(folder):
        snap = other.read()
        if snap.settings.team != settings.team or snap.result is None:
            continue
        when = snap.settings.date or snap.result.closed_on
        if settings.date and when and when > settings.date:
            continue
        key = (when, other.id)
        if best is None or key > (best[0], best[1]):
            best = (when, other.id, snap.result)
    return None if best is None else (best[1], best[2])


def board_from(
    snapshot: Snapshot,
    titles: Mapping[str, str] | None = None,
    scale: tuple[int, int] = (1, 5),
    previous: tuple[str, RetroResult] | None = None,
) -> Board:
    """The board for a folder's files, already read: a pure function of its arguments."""
    settings = snapshot.settings
    titles = dict(titles or {})
    counted, unreadable = _on_scale(snapshot, scale)
    members = [c for c in counted if c.role == "member"]
    leaders = [c for c in counted if c.role == "leader"]
    n = len(members)
    needed = max(0, settings.threshold - n)
    text_needed = max(0, settings.text_threshold - n)
    named = tuple(sorted(c.name for c in members if c.share == "named" and c.name))
    trait_ids = list(titles)
    for c in members:
        for trait in c.ratings:
            if trait not in titles and trait not in trait_ids:
                trait_ids.append(trait)
    extra = sorted(trait_ids[len(titles) :])
    trait_ids = [*trait_ids[: len(titles)], *extra]

    def title(trait: str | None) -> str:
        if trait is None:
            return "Proposed actions"
        return titles.get(trait, trait)

    loyalty: tuple[LoyaltyRow, ...] = ()
    if needed == 0:
        tally = Counter(c.loyalty for c in members if c.loyalty)
        loyalty = tuple(
            LoyaltyRow(t, title(t), k)
            for t, k in sorted(tally.items(), key=lambda kv: (-kv[1], _order(trait_ids, kv[0])))
        )
    leader_ratings = leaders[0].ratings if leaders else {}
    low, high = scale
    rows = []
    for trait in trait_ids:
        values = [c.ratings[trait] for c in members if trait in c.ratings]
        shown = needed == 0 and len(values) >= settings.threshold
        if not shown:
            rows.append(TraitRow(trait, title(trait), len(values), False))
            continue
        counts = Counter(values)
        top = max([high, *values])
        bottom = min([low, *values])
        rows.append(
            TraitRow(
                trait,
                title(trait),
                len(values),
                True,
                tuple((v, counts.get(v, 0)) for v in range(bottom, top + 1)),
                median(values),
                leader_ratings.get(trait),
            )
        )
    groups: tuple[Group, ...] = ()
    if text_needed == 0:
        groups = _groups(members, snapshot.facilitation, trait_ids, title)
    result = snapshot.result
    if result is not None:
        groups = tuple(_with_votes(g, result.tallies.get(g.id, 0)) for g in groups)
    voters, dots = _count_votes(snapshot.votes, settings)
    carry: tuple[CarryOver, ...] = ()
    previous_id = None
    if previous is not None:
        previous_id, previous_result_ = previous
        carry = tuple(
            CarryOver(a.id, a.text, a.owner, a.due, snapshot.facilitation.review.get(a.id))
            for a in previous_result_.actions
        )
    return Board(
        retro_id=settings.id,
        team=settings.team,
        date=settings.date,
        participants=n,
        named=named,
        anonymous=n - len(named),
        leader_joined=bool(leaders),
        threshold=settings.threshold,
        needed=needed,
        text_threshold=settings.text_threshold,
        text_needed=text_needed,
        loyalty=loyalty,
        traits=tuple(rows),
        groups=groups,
        votes_per_person=settings.votes,
        per_item_cap=settings.per_item_cap,
        suggested_votes=max(1, math.isqrt(len(groups))) if groups else 0,
        voters=voters,
        dots=dots,
        closed=result is not None,
        result=result,
        previous=previous_id,
        carry_over=carry,
        unreadable=unreadable,
    )


def _on_scale(
    snapshot: Snapshot, scale: tuple[int, int]
) -> tuple[list[Contribution], tuple[Unreadable, ...]]:
    """The contributions that count: ratings on the pack's scale, and one leader. A rating off
    the scale (a hand edit) or a second leader's self-rating is listed, never counted or
    silently preferred (the first by file name counts, and the board says the other is not)."""
    low, high = scale
    counted: list[Contribution] = []
    extra: list[Unreadable] = []
    leader = False
    for c in snapshot.contributions:
        where = snapshot.path / "contributions" / c.file
        off = next((k for k, v in c.ratings.items() if not low <= v <= high), None)
        if off is not None:
            extra.append(Unreadable(where, f"has a 'ratings.{off}' of {c.ratings[off]}, "
                                           f"off the scale of {low} to {high}"))  # fmt: skip
            continue
        if c.role == "leader":
            if leader:
                extra.append(Unreadable(where, "is a second leader's self-rating; only one "
                                               "leader's is counted"))  # fmt: skip
                continue
            leader = True
        counted.append(c)
    if not extra:
        return counted, snapshot.unreadable
    return counted, tuple(sorted((*snapshot.unreadable, *extra), key=lambda u: str(u.path)))


def _order(trait_ids: Sequence[str], trait: str) -> int:
    return trait_ids.index(trait) if trait in trait_ids else len(trait_ids)


def _with_votes(group: Group, votes: int) -> Group:
    return Group(group.id, group.kind, group.trait, group.title, group.verb, group.items,
                 group.suggested, votes)  # fmt: skip


def _count_votes(votes: Iterable[VoteFile], settings: Settings) -> tuple[int, int]:
    voters = dots = 0
    for vote in votes:
        if vote.votes:
            voters += 1
            dots += min(len(vote.votes), settings.votes)
    return voters, dots


def tally(board: Board, votes: Iterable[VoteFile]) -> dict[str, int]:
    """Dots per group id. Each voter counts for at most `votes_per_person` dots and at most
    `per_item_cap` on one group; a dot for an item no longer on the board is not counted."""
    out: dict[str, int] = {g.id: 0 for g in board.groups}
    for vote in votes:
        mine: Counter[str] = Counter()
        used = 0
        for ref in vote.votes:
            group = board.group(ref)
            if group is None or used >= board.votes_per_person:
                continue
            if mine[group.id] >= board.per_item_cap:
                continue
            mine[group.id] += 1
            used += 1
        for group_id, k in mine.items():
            out[group_id] += k
    return out


@dataclass(slots=True)
class _Entry:
    id: str
    text: str
    count: int
    words: frozenset[str]


def _groups(
    members: Sequence[Contribution],
    facilitation: Facilitation,
    trait_ids: Sequence[str],
    title: Callable[[str | None], str],
) -> tuple[Group, ...]:
    """Suggestions and proposed actions, merged when worded the same, then grouped by kind,
    trait, start/stop/continue and word overlap (single link, at most `MAX_GROUP` items)."""
    buckets: dict[tuple[str, str | None, str], dict[str, _Entry]] = {}
    for c in members:
        entries = [("suggestion", s) for s in c.suggestions] + [("action", a) for a in c.actions]
        for kind, s in entries:
            if not s.text.strip():
                continue
            trait = s.trait if kind == "suggestion" else None
            verb, text = _split_verb(s.text) if kind == "suggestion" else ("", s.text)
            bucket = buckets.setdefault((kind, trait, verb), {})
            norm = _normal(text)
            if norm in bucket:
                bucket[norm].count += 1
            else:
                bucket[norm] = _Entry(_item_id(kind, trait, text), text.strip(), 1, stems(text))
    out: list[Group] = []

    def bucket_order(key: tuple[str, str | None, str]) -> tuple[bool, int, str]:
        kind, trait, verb = key
        return (kind == "action", _order(trait_ids, trait or ""), verb)

    ungrouped = facilitation.ungrouped
    for key in sorted(buckets, key=bucket_order):
        kind, trait, verb = key
        clusters: list[list[_Entry]] = []
        placed: list[tuple[int, _Entry]] = []  # (cluster, entry) for every entry placed so far
        by_word: dict[str, list[int]] = {}  # stem -> the placed entries holding it
        for entry in sorted(buckets[key].values(), key=lambda e: (-e.count, e.id)):
            best = -1
            best_score = SIMILAR
            if entry.id not in ungrouped and entry.words:
                shared: Counter[int] = Counter()
                for word in entry.words:
                    shared.update(by_word.get(word, ()))
                scores: dict[int, float] = {}
                for index, inter in shared.items():
                    k, other = placed[index]
                    score = inter / (len(entry.words) + len(other.words) - inter)
                    if score > scores.get(k, -1.0):
                        scores[k] = score
                for k in sorted(scores):
                    cluster = clusters[k]
                    if len(cluster) >= MAX_GROUP or cluster[0].id in ungrouped:
                        continue
                    score = scores[k]
                    if score > best_score or (best < 0 and score >= best_score):
                        best, best_score = k, score
            if best < 0:
                best = len(clusters)
                clusters.append([entry])
            else:
                clusters[best].append(entry)
            for word in entry.words:
                by_word.setdefault(word, []).append(len(placed))
            placed.append((best, entry))
        for cluster in clusters:
            items = tuple(Item(e.id, e.text, e.count) for e in cluster)
            out.append(Group(items[0].id, kind, trait, title(trait), verb, items, len(items) > 1))
    return tuple(out)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
