"""Engine time per answer over whole stock-pack sessions, against a RiveScript bot.

    python bench/engine_turns.py [--quick]

What is timed: each `Dialogue.answer(text)` call, alone, with `time.perf_counter_ns`, over
complete sessions of the stock pack (`prompts/sales-leader.yaml`, loaded fresh each run) by a
simulated leader (`_common.Leader`): vague and hedged answers that trigger probes, concrete
sentences, ratings (some rejected), commitments with and without a timeframe, the "by when?"
follow-up, choices and the loyalty confirmation. Skips (about 1 in 25 optional questions) are
played but not timed; they are not `answer()` calls.

Baseline, same run, same strings: a RiveScript bot (the `rivescript` package) with 200
generated triggers (plain, `*` wildcards, `[optional]` words, `(a|b)` alternations, some
replies using `<star>`), sorted once, timing `bot.reply("user", text)` for exactly the texts
the engine was given, in the same order.

Every session's inputs are worked out first by an untimed dry run (the engine is deterministic
for a given pack, clock, seed and answers), then the timed passes replay them, alternating which
side goes first session by session so slow spells on the shared machine hit both.

Goal: engine p99 at least 10x below RiveScript's median (rivescript median / engine p99 >= 10).
"""

from __future__ import annotations

import gc
import random
import time
from collections import defaultdict

import _common as c

from coach.engine import Dialogue, load_pack

N_TRIGGERS = 200


# -- the RiveScript peer --------------------------------------------------------------------

_VERBS = ["coach", "show", "tell", "ask", "help", "back", "push", "train", "call", "meet",
          "close", "plan", "lead", "listen", "praise", "watch", "join", "share", "trust",
          "grow"]  # fmt: skip
_NOUNS = ["rep", "team", "deal", "quota", "pipeline", "forecast", "customer", "manager", "call",
          "target", "renewal", "territory", "discount", "pricing", "demo", "promotion", "idea",
          "plan", "number", "quarter", "meeting", "lunch", "coffee", "career",
          "win"]  # fmt: skip
_ADJ = ["new", "big", "hard", "best", "last", "next", "weekly", "first", "top", "quiet"]
_STARTS = ["i", "my", "we", "she", "he", "they", "our", "the"]


def rivescript_source(n: int, seed: int = 7) -> str:
    """`n` triggers of four shapes, plus one catch-all, as RiveScript source text."""
    rng = random.Random(seed)
    lines = ["! version = 2.0", ""]
    seen: set[str] = set()
    shapes = ["plain", "wild", "optional", "alternation"]
    count = 0
    while count < n - 1:
        shape = shapes[count % 4]
        s, v, a, o = rng.choice(_STARTS), rng.choice(_VERBS), rng.choice(_ADJ), rng.choice(_NOUNS)
        star = False
        if shape == "plain":
            trigger = f"{s} {v} the {a} {o}"
        elif shape == "wild":
            form = rng.randrange(3)
            trigger = [f"{s} {v} *", f"* {a} {o}", f"{s} * {o} *"][form]
            star = True
        elif shape == "optional":
            trigger = f"{s} [really] {v} [my] {o}"
        else:
            v2, o2 = rng.choice(_VERBS), rng.choice(_NOUNS)
            trigger = f"{s} ({v}|{v2}) the ({o}|{o2})"
        if trigger in seen:
            continue
        seen.add(trigger)
        reply = f"Tell me more about the {o}." if not star else "You said <star>. Go on."
        lines += [f"+ {trigger}", f"- {reply}", ""]
        count += 1
    lines += ["+ *", "- I see. What happened next?", ""]
    return "\n".join(lines)


def make_bot(n: int) -> object:
    from rivescript import RiveScript

    bot = RiveScript(utf8=False)
    bot.stream(rivescript_source(n))
    bot.sort_replies()
    return bot


# -- sessions -----------------------------------------------------------------------------


def plan_session(pack: object, seed: int) -> list[tuple[str, str, str]]:
    """The leader's actions for one whole session: (action, text, label), untimed.

    `label` is the prompt's kind/stage when it was answered, for the breakdown table.
    """
    leader = c.Leader(seed)
    d = Dialogue(pack, c.clock, seed=f"bench-{seed}")  # type: ignore[arg-type]
    d.start()
    actions: list[tuple[str, str, str]] = []
    while not d.finished:
        prompt = d.current()
        assert prompt is not None
        if leader.wants_skip(prompt):
            d.skip()
            actions.append(("skip", "", ""))
            continue
        text = leader.answer(prompt)
        d.answer(text)
        label = prompt.stage if prompt.stage != "main" else prompt.kind
        actions.append(("answer", text, label))
        if len(actions) > 500:  # pragma: no cover - a loop in the pack or the simulator
            raise RuntimeError(f"session {seed} does not end")
    return actions


def time_engine(pack: object, seed: int, actions: list[tuple[str, str, str]]) -> list[int]:
    d = Dialogue(pack, c.clock, seed=f"bench-{seed}")  # type: ignore[arg-type]
    d.start()
    clock = time.perf_counter_ns
    out: list[int] = []
    for action, text, _ in actions:
        if action == "skip":
            d.skip()
            continue
        t0 = clock()
        d.answer(text)
        out.append(clock() - t0)
    if not d.finished:  # the replay must be the planned session, or the figures mean nothing
        raise RuntimeError(f"session {seed}: the replay did not finish as planned")
    return out


def time_rivescript(bot: object, texts: list[str], caught: list[int] | None = None) -> list[int]:
    """Time each reply; count in `caught[0]` the texts only the catch-all `*` matched."""
    reply = bot.reply  # type: ignore[attr-defined]
    last_match = bot.last_match  # type: ignore[attr-defined]
    clock = time.perf_counter_ns
    out: list[int] = []
    for text in texts:
        t0 = clock()
        reply("user", text)
        out.append(clock() - t0)
        if caught is not None and last_match("user") == "*":  # after the clock stopped
            caught[0] += 1
    return out


def main() -> None:
    quick = c.parse_args(__doc__.splitlines()[0])
    sessions = 25 if quick else 400
    warmup = 2 if quick else 5

    text = c.STOCK_PACK.read_text(encoding="utf-8")
    pack = load_pack(text, str(c.STOCK_PACK.relative_to(c.ROOT)))
    bot = make_bot(N_TRIGGERS)

    plans = [plan_session(pack, seed) for seed in range(warmup + sessions)]
    for seed in range(warmup):  # caches, lazy imports, regex compiles: on both sides
        answers = [t for a, t, _ in plans[seed] if a == "answer"]
        time_engine(pack, seed, plans[seed])
        time_rivescript(bot, answers)

    engine: list[int] = []
    peer: list[int] = []
    by_label: dict[str, list[int]] = defaultdict(list)
    caught = [0]
    gc.collect()
    started = time.perf_counter()
    for seed in range(warmup, warmup + sessions):
        plan = plans[seed]
        answers = [t for a, t, _ in plan if a == "answer"]
        labels = [lab for a, _, lab in plan if a == "answer"]
        if seed % 2:
            e = time_engine(pack, seed, plan)
            p = time_rivescript(bot, answers, caught)
        else:
            p = time_rivescript(bot, answers, caught)
            e = time_engine(pack, seed, plan)
        engine += e
        peer += p
        for label, ns in zip(labels, e, strict=True):
            by_label[label].append(ns)
    elapsed = time.perf_counter() - started

    e_med, e_p99 = c.median(engine), c.percentile(engine, 99)
    r_med = c.median(peer)
    print(
        f"engine_turns: {sessions} whole sessions of {pack.id} {pack.version}, "
        f"{len(engine)} answers ({len(engine) / sessions:.1f} per session), "
        f"{'quick' if quick else 'full'} run, {elapsed:.1f} s timed"
    )
    print(c.machine_line())
    print()
    rows = [
        c.stat_row(f"baseline: rivescript reply(), {N_TRIGGERS} triggers", peer, None),
        c.stat_row("engine Dialogue.answer()", engine, r_med),
    ]
    print(c.table(rows, c.STAT_HEADER))
    print()
    ratio = r_med / e_p99
    verdict = "met" if ratio >= 10 else "NOT met"
    print(f"goal: rivescript median / engine p99 = {c.fmt_ratio(ratio)} (goal >= 10x: {verdict})")
    print(f"      rivescript median / engine median = {c.fmt_ratio(r_med / e_med)}")
    share = caught[0] / len(peer)
    print(f"      rivescript: {share:.0%} of the texts fell through to the catch-all '*'")
    print()
    order = ["ask", "probe", "rating", "commit", "due", "choice", "confirm"]
    rows = [
        c.stat_row(f"engine answer() to {label}", by_label[label], r_med)
        for label in order
        if by_label.get(label)
    ]
    print("engine by prompt answered (main-stage kind, or follow-up stage):")
    print(c.table(rows, c.STAT_HEADER))


if __name__ == "__main__":
    main()
