"""The retro board, its files and its changes, in-process: thresholds, hostile files, votes,
the close, the carry-over, grouping and its undo, the exports."""

from __future__ import annotations

import os
import threading
from datetime import date
from pathlib import Path

import pytest

from coach.retro import voting
from coach.retro.board import board_from, build_board, median, stems
from coach.retro.export import board_html, board_markdown
from coach.retro.files import Contribution, RetroFolder, Settings, Suggestion, VoteFile
from coach.retro.plain import board_text

TODAY = date(2026, 12, 2)
TITLES = {"coach": "Inspirational coach", "loyal": "Builds loyalty"}
IDEAS = (
    "pipeline",
    "lunch",
    "shadowing",
    "forecast",
    "playbook",
    "roleplay",
    "mentors",
    "territory",
    "quota",
    "coffee",
)


def member(
    i: int, *, ratings: dict[str, int] | None = None, name: str | None = None, **kw: object
) -> Contribution:
    return Contribution(
        "r1",
        share="named" if name else "anonymous",
        name=name,
        ratings=ratings if ratings is not None else {"coach": i % 5 + 1, "loyal": 3},
        loyalty="loyal" if i % 2 else "coach",
        suggestions=kw.get(
            "suggestions", (Suggestion(f"Start: {IDEAS[i % 10]} {IDEAS[(i + 3) % 10]}", "coach"),)
        ),  # type: ignore[arg-type]
        actions=kw.get("actions", ()),  # type: ignore[arg-type]
    )


def folder_with(tmp_path: Path, n: int, **settings: int) -> RetroFolder:
    folder = RetroFolder(tmp_path / "r1", "r1")
    folder.write_settings(Settings("r1", date=TODAY.isoformat(), **settings))
    for i in range(n):
        folder.write_contribution(member(i))
    return folder


def test_below_the_threshold_the_board_says_how_many_more_it_needs(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, 4)
    board = build_board(folder, TITLES)
    assert (board.participants, board.needed, board.text_needed) == (4, 1, 2)
    assert board.loyalty == () and board.groups == ()
    assert not any(row.shown or row.distribution for row in board.traits)
    text = board_text(board)
    assert "1 more needed" in text and "2 more needed" in text
    assert IDEAS[0] not in text + board_markdown(board) + board_html(board)


def test_at_the_threshold_distributions_show_and_a_thin_trait_stays_hidden(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, 5)
    folder.write_contribution(member(9, ratings={"coach": 2}))  # no rating of loyal
    for i in range(3):
        folder.write_contribution(member(20 + i, ratings={"other": 1}))
    board = build_board(folder, TITLES)
    coach, loyal, other = board.traits
    values = [i % 5 + 1 for i in range(5)] + [2]
    assert coach.shown and dict(coach.distribution) == {v: values.count(v) for v in range(1, 6)}
    assert coach.median == median(values)
    assert loyal.shown and loyal.count == 5
    assert other.trait == "other" and not other.shown and other.distribution == ()


def test_settings_never_go_below_three_and_free_text_stays_higher(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, 0)
    with pytest.raises(voting.RetroError, match="cannot be below 3"):
        voting.configure(folder, tmp_path / "s", TODAY, threshold=2)
    with pytest.raises(voting.RetroError, match="higher bar"):
        voting.configure(folder, tmp_path / "s", TODAY, threshold=4, text_threshold=4)
    done = voting.configure(folder, tmp_path / "s", TODAY, threshold=3)
    assert (done.threshold, done.text_threshold) == (3, 6)
    # A hand-edited settings file below the minimum is not obeyed.
    folder.settings_path.write_text("retro: 1\nthreshold: 1\n", encoding="utf-8")
    board = build_board(folder)
    assert board.threshold == 5 and [u.path.name for u in board.unreadable] == ["retro.yaml"]


HOSTILE = {
    "not-yaml.yaml": b"{ unclosed: [\n",
    "binary.yaml": b"\xff\xfe\x00garbage",
    "list.yaml": b"- 1\n- 2\n",
    "foreign.yaml": b"schema: 1\nid: 2026-11-02-0930-vmyh\nturns: []\n",
    "other-retro.yaml": b"retro_contribution: 1\nretro: r2\nshare: anonymous\n",
    "named-anon.yaml": b"retro_contribution: 1\nretro: r1\nshare: anonymous\nname: Ann\n",
    "extra-field.yaml": b"retro_contribution: 1\nretro: r1\nshare: anonymous\nwho: Ann\n",
    "bad-rating.yaml": b"retro_contribution: 1\nretro: r1\nshare: anonymous\nratings: {coach: yes}\n",
    "alias.yaml": b"retro_contribution: 1\nretro: r1\nshare: anonymous\nratings: &a {coach: 3}\nx: *a\n",
}


def test_malformed_foreign_and_symlinked_files_are_listed_never_counted(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, 5)
    for name, data in HOSTILE.items():
        (folder.contributions_dir / name).write_bytes(data)
    real = tmp_path / "elsewhere.yaml"
    real.write_bytes(
        (folder.contributions_dir / os.listdir(folder.contributions_dir)[0]).read_bytes()
    )
    (folder.contributions_dir / "link.yaml").symlink_to(real)
    (folder.contributions_dir / "huge.yaml").write_bytes(b"#" * (300 * 1024))
    (folder.votes_dir / "v.yaml").write_bytes(b"retro_vote: 1\nretro: r1\nvotes: [1, 2]\n")
    board = build_board(folder, TITLES)
    assert board.participants == 5
    reasons = {u.path.name: u.reason for u in board.unreadable}
    assert set(reasons) == {*HOSTILE, "link.yaml", "huge.yaml", "v.yaml"}
    assert "symbolic link" in reasons["link.yaml"]
    assert "holds a name" in reasons["named-anon.yaml"]
    assert "another retro" in reasons["other-retro.yaml"]
    text = board_text(board)
    assert "Not counted:" in text and "link.yaml: is a symbolic link" in text


def test_similar_wording_is_grouped_at_most_five_and_the_facilitator_can_undo_it(
    tmp_path: Path,
) -> None:
    folder = RetroFolder(tmp_path / "r1", "r1")
    texts = [
        "Start: riding along on sales calls",
        "Start: ride along on more sales calls",
        "Start: rides along on the sales calls weekly",
        "Start: riding along on our sales calls",
        "Start: ride along on sales calls with us",
        "Start: riding along to sales calls",
        "Start: a monthly lunch outside the office",
    ]
    for i, text in enumerate(texts):
        folder.write_contribution(member(i, suggestions=(Suggestion(text, "coach"),)))
    assert stems("riding along") == stems("rides along") == stems("ride along")
    board = build_board(folder, TITLES)
    sizes = sorted(len(g.items) for g in board.groups)
    assert sizes == [1, 1, 5]
    big = next(g for g in board.groups if len(g.items) == 5)
    assert big.suggested and "lunch" not in " ".join(i.text for i in big.items)
    voting.ungroup(folder, tmp_path / "s", board, big.items[2].id)
    board = build_board(folder, TITLES)
    assert sorted(len(g.items) for g in board.groups) == [1] * 7
    voting.regroup(folder, tmp_path / "s", board)
    assert sorted(len(g.items) for g in build_board(folder, TITLES).groups) == [1, 1, 5]


def test_votes_are_limited_capped_checked_and_hidden_until_the_close(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, 6, votes=3, per_item_cap=2)
    board = build_board(folder, TITLES)
    a, b, c = (g.id for g in board.groups[:3])
    with pytest.raises(voting.RetroError, match=r"each person has 3 votes.*and 4 were given"):
        voting.cast(folder, tmp_path / "s1", [a, b, c, a], board)
    with pytest.raises(voting.RetroError, match="at most 2 of your votes can go to one item"):
        voting.cast(folder, tmp_path / "s1", [a, a, a], board)
    with pytest.raises(voting.RetroError, match="there is no item 'zzz' on the board"):
        voting.cast(folder, tmp_path / "s1", ["zzz"], board)
    assert list(folder.votes_dir.iterdir()) == []
    voting.cast(folder, tmp_path / "s1", [a, a, b], board)
    voting.cast(folder, tmp_path / "s1", [a, c], board)  # a change of mind replaces the first
    voting.cast(folder, tmp_path / "s2", [c.upper()], board)
    assert len(list(folder.votes_dir.iterdir())) == 2
    board = build_board(folder, TITLES)
    assert (board.voters, board.dots) == (2, 3)
    assert all(g.votes is None for g in board.groups)
    assert "vote" not in board_markdown(board).split("## Suggestions")[1].split("\n\n")[1]
    result = voting.close(
        folder,
        tmp_path / "s1",
        board,
        folder.read().votes,
        TODAY,
        date(2026, 12, 16),
        top=1,
        owners={a: "Dana"},
    )
    assert [(x.id, x.votes, x.owner) for x in result.actions] == [
        (c, 2, "the team"),
        (a, 1, "Dana"),
    ]
    board = build_board(folder, TITLES)
    assert board.closed and {g.id: g.votes for g in board.groups}[c] == 2
    assert "Wednesday 16 December 2026" in board_text(board)
    with pytest.raises(voting.RetroError, match="is closed"):
        voting.cast(folder, tmp_path / "s2", [a], board)


def test_two_voters_at_the_same_instant_both_count(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, 6)
    board = build_board(folder, TITLES)
    target = board.groups[0].id
    start = threading.Barrier(8)

    def vote(i: int) -> None:
        start.wait()
        voting.cast(folder, tmp_path / f"s{i}", [target], board)

    threads = [threading.Thread(target=vote, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = voting.close(
        folder, tmp_path / "f", build_board(folder, TITLES), folder.read().votes, TODAY, TODAY
    )
    assert result.tallies[target] == 8


def test_the_next_retro_of_the_team_opens_with_the_last_ones_actions(tmp_path: Path) -> None:
    first = folder_with(tmp_path, 6)
    voting.configure(first, tmp_path / "f", TODAY, team="north")
    board = build_board(first, TITLES)
    voting.cast(first, tmp_path / "s", [board.groups[0].id], board)
    done = voting.close(first, tmp_path / "f", board, first.read().votes, TODAY, date(2026, 12, 16))
    second = RetroFolder(tmp_path / "r2", "r2")
    second.write_settings(Settings("r2", team="north", date="2026-12-30"))
    other_team = RetroFolder(tmp_path / "r3", "r3")
    other_team.write_settings(Settings("r3", team="south", date="2026-12-30"))
    board = build_board(second, TITLES)
    assert board.previous == "r1"
    assert [(c.id, c.text, c.review) for c in board.carry_over] == [
        (a.id, a.text, None) for a in done.actions
    ]
    assert build_board(other_team).carry_over == ()
    voting.review(second, tmp_path / "f", board, done.actions[0].id, "not-yet")
    board = build_board(second, TITLES)
    assert board.carry_over[0].review == "not yet"
    assert "[not yet]" in board_text(board) and "not yet" in board_html(board)
    with pytest.raises(voting.RetroError, match="not a review answer"):
        voting.review(second, tmp_path / "f", board, done.actions[0].id, "maybe")


def test_exports_show_the_words_as_typed_and_run_nothing(tmp_path: Path) -> None:
    folder = RetroFolder(tmp_path / "r1", "r1")
    evil = "Start: <script>alert(1)</script> [x](javascript:alert(1)) # head \x1b[31m"
    for i in range(7):
        folder.write_contribution(member(i, suggestions=(Suggestion(evil, "coach"),)))
    board = build_board(folder, TITLES)
    html = board_html(board)
    assert "<script>" not in html and "&lt;script&gt;" in html and "\x1b" not in html
    md = board_markdown(board)
    assert "<script>" not in md and "&lt;script&gt;" in md and "\x1b" not in md
    assert " [x](javascript" not in md and "\\[x\\](javascript" in md


def test_votes_from_a_hand_edited_file_never_go_past_the_limits(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, 6, votes=2, per_item_cap=1)
    board = build_board(folder, TITLES)
    a, b, c = (g.id for g in board.groups[:3])
    folder.write_votes(VoteFile("r1", (a, a, a, b, c, "nope")), None)
    result = voting.close(folder, tmp_path / "f", board, folder.read().votes, TODAY, TODAY)
    assert (result.tallies[a], result.tallies[b], result.tallies[c]) == (1, 1, 0)


def test_files_are_group_readable_in_a_shared_folder(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, 1)
    assert folder.path.stat().st_mode & 0o7777 == 0o3770
    for path in folder.contributions_dir.iterdir():
        assert path.stat().st_mode & 0o777 == 0o640
    assert board_from(folder.read()).participants == 1


def test_the_retro_core_does_not_load_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import coach.retro.board, coach.retro.files, coach.retro.join, "
        "coach.retro.voting, coach.retro.plain, coach.retro.sync, coach.retro.export; "
        "print('textual' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_a_name_or_a_suggestion_cannot_forge_a_line_of_the_plain_board(tmp_path: Path) -> None:
    folder = RetroFolder(tmp_path / "r1", "r1")
    for i in range(7):
        folder.write_contribution(
            member(
                i,
                name=f"Ann{i}\nRetro r2 · closed",
                suggestions=(Suggestion("Start: x\nClosed on Monday. Team actions:", "coach"),),
            )
        )
    text = board_text(build_board(folder, TITLES))
    assert not any(line.startswith(("Retro r2", "Closed on")) for line in text.splitlines())


def _vote_in_child(folder_path: str, sessions: str, ref: str, go: object) -> None:
    folder = RetroFolder(folder_path, "r1")
    board = build_board(folder, TITLES)
    go.wait()  # type: ignore[attr-defined]
    voting.cast(folder, Path(sessions), [ref], board)


def test_one_voter_voting_from_six_processes_at_once_has_one_vote_file(tmp_path: Path) -> None:
    import multiprocessing

    folder = folder_with(tmp_path, 6)
    ref = build_board(folder, TITLES).groups[0].id
    ctx = multiprocessing.get_context("fork")
    go = ctx.Event()
    args = (str(folder.path), str(tmp_path / "s1"), ref, go)
    procs = [ctx.Process(target=_vote_in_child, args=args) for _ in range(6)]
    for p in procs:
        p.start()
    go.set()
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0] * 6
    assert len(list(folder.votes_dir.iterdir())) == 1
    assert build_board(folder, TITLES).voters == 1


def test_the_same_retro_id_in_two_teams_folders_gets_two_unlinked_vote_files(
    tmp_path: Path,
) -> None:
    north = folder_with(tmp_path / "north", 6)
    south = folder_with(tmp_path / "south", 6)
    for folder in (north, south):
        board = build_board(folder, TITLES)
        voting.cast(folder, tmp_path / "s1", [board.groups[0].id], board)
    (n,) = os.listdir(north.votes_dir)
    (s,) = os.listdir(south.votes_dir)
    assert n != s


def test_settings_the_reader_would_refuse_are_never_written(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, 0)
    before = folder.settings_path.read_bytes()
    for kw in ({"threshold": 1500}, {"votes": 500}, {"cap": 101}, {"text_threshold": 5000}):
        with pytest.raises(voting.RetroError, match=r"would be refused: it has a '\w+' that is"):
            voting.configure(folder, tmp_path / "s", TODAY, **kw)  # type: ignore[arg-type]
    assert folder.settings_path.read_bytes() == before
    done = voting.configure(folder, tmp_path / "s", TODAY, threshold=1000)
    assert done.threshold == 1000 and build_board(folder).unreadable == ()


def test_a_rating_off_the_scale_and_a_second_leader_are_listed_not_counted(
    tmp_path: Path,
) -> None:
    folder = folder_with(tmp_path, 5)
    off = folder.write_contribution(member(9, ratings={"coach": 9, "loyal": 3}))
    first = folder.write_contribution(Contribution("r1", "named", "leader", ratings={"coach": 4}))
    second = folder.write_contribution(Contribution("r1", "named", "leader", ratings={"coach": 1}))
    board = build_board(folder, TITLES, scale=(1, 5))
    assert board.participants == 5 and board.traits[0].count == 5
    reasons = {u.path: u.reason for u in board.unreadable}
    assert "off the scale of 1 to 5" in reasons[off]
    extra = max(first, second, key=lambda p: p.name)  # the first by file name is the one counted
    kept = 4 if extra == second else 1
    assert reasons[extra] == "is a second leader's self-rating; only one leader's is counted"
    assert board.leader_joined and board.traits[0].leader == kept
    assert len(board.unreadable) == 2


def test_a_symlinked_subfolder_or_retro_folder_is_listed_and_nothing_in_it_counted(
    tmp_path: Path,
) -> None:
    elsewhere = folder_with(tmp_path / "other", 6)
    folder = RetroFolder(tmp_path / "r1", "r1")
    folder.path.mkdir()
    os.symlink(elsewhere.contributions_dir, folder.contributions_dir)
    board = build_board(folder, TITLES)
    assert board.participants == 0
    assert [(u.path, "symbolic link" in u.reason) for u in board.unreadable] == [
        (folder.contributions_dir, True)
    ]
    linked = RetroFolder(tmp_path / "r2", "r1")
    os.symlink(elsewhere.path, linked.path)
    board = build_board(linked, TITLES)
    assert board.participants == 0
    assert [u.path for u in board.unreadable] == [linked.path]


def test_a_reader_that_knows_only_the_id_finds_the_one_folders_ledger(tmp_path: Path) -> None:
    from coach.retro.join import read_ledger

    folder = folder_with(tmp_path, 6)
    board = build_board(folder, TITLES)
    voting.cast(folder, tmp_path / "s1", [board.groups[0].id], board)
    assert read_ledger(tmp_path / "s1", "r1") == read_ledger(tmp_path / "s1", folder)
    assert read_ledger(tmp_path / "s1", "r1").votes is not None
    other = folder_with(tmp_path / "south", 6)
    voting.cast(other, tmp_path / "s1", [board.groups[0].id], build_board(other, TITLES))
    assert read_ledger(tmp_path / "s1", "r1").votes is None  # two folders: no guessing


def test_a_retro_with_nothing_in_it_or_no_top_items_is_not_closed(tmp_path: Path) -> None:
    empty = folder_with(tmp_path, 0)
    board = build_board(empty, TITLES)
    with pytest.raises(voting.RetroError, match="has no contributions yet"):
        voting.close(empty, tmp_path / "f", board, (), TODAY, TODAY)
    full = folder_with(tmp_path / "other", 6)
    board = build_board(full, TITLES)
    with pytest.raises(voting.RetroError, match="--top takes how many"):
        voting.close(full, tmp_path / "f", board, (), TODAY, TODAY, top=0)
    assert not full.result_path.exists() and not empty.result_path.exists()
