"""`coach packs check` speed: the stock pack and a generated 2,000-step pack.

    python bench/pack_check.py [--quick]

What is timed, per pack:
  * `check_pack(text)`: everything `coach packs check` does after reading the file: YAML with
    positions, validation, templates parsed and analysed, the flow (reachability, the end,
    what every template reads), dead rules and unused variables. The headline.
  * `read + check`: the same with `Path.read_text()` in front, as the command pays it.

Baseline, same run, same text: `yaml.load(text, Loader=yaml.CSafeLoader)` (libyaml's C parser,
no positions, no checks). Sides alternate which goes first each round.

The generated pack (`generated_pack(2000)`) is 100 sections of 20 steps in every kind, with
probes, ratings and suggestions, commitments, choices, `when` conditions, `next` branches,
`set` variables and templates that quote earlier answers, so every check has work to do;
it checks clean. Goal: under 0.5 s for it.
"""

from __future__ import annotations

import gc
import tempfile
import time
from pathlib import Path

import _common as c
import yaml

from coach.engine.pack import check_pack
from coach.engine.source import parse_yaml


def generated_pack(steps: int) -> str:
    """A valid pack of `steps` steps (a multiple of 20) exercising every checked feature."""
    sections = steps // 20
    out = [
        "pack: 1",
        "id: generated",
        "version: '1'",
        "title: A generated pack",
        "lexicon:",
        "  hedges: [maybe, not sure, sort of]",
        "traits:",
    ]
    for s in range(sections):
        out.append(f"  - {{id: t{s}, title: Trait {s}, keywords: [word{s}, other{s}]}}")
    out.append("sections:")
    for s in range(sections):
        p = f"t{s}_"
        out += [
            f"  - id: t{s}",
            "    steps:",
            f"      - {{id: {p}hello, kind: say, text: 'Part {s}.', set: {{part{s}: '{s}'}}}}",
        ]
        for k in range(3):
            out += [
                f"      - id: {p}recall{k}",
                "        kind: ask",
                "        skippable: true",
                f"        text: Think of a leader, part {{{{ vars.part{s} }}}}. What did they do?",
                "        probes:",
                "          budget: 1",
                "          rules:",
                "            - if: {words_below: 5}",
                '              text: You said "{{ last }}". What happened next?',
                "            - if: {hedged: true}",
                '              text: You said "{{ hedge }}". What do you remember best?',
                f"      - id: {p}rating{k}",
                "        kind: rating",
                "        text: How often do you do this, {{ participant or 'friend' }}?",
                "        scale: {min: 1, max: 5, labels: {1: rarely, 5: always}}",
                "        suggest:",
                "          - if: {at_most: 2}",
                "            text: Try it once this week.",
                "            due: in 1 week",
                f"      - id: {p}example{k}",
                "        kind: ask",
                f"        text: You gave yourself a {{{{ answers.{p}rating{k} }}}}. When was it?",
                f"        when: {{step: {p}rating{k}, at_most: 4}}",
                "        next:",
                "          - if: {contains: [told, explained]}",
                f"            goto: {p}commit{k}",
                f"      - id: {p}note{k}",
                "        kind: say",
                "        text: That's a concrete example.",
                f"        when: {{step: {p}example{k}, words_at_least: 8}}",
                f"      - id: {p}commit{k}",
                "        kind: commit",
                "        text: What will you do about it, and by when?",
                "        probes:",
                "          budget: 1",
                "          rules:",
                "            - if: {words_below: 4}",
                "              text: What would they see you do?",
            ]
        out += [
            f"      - id: {p}focus",
            "        kind: choice",
            f"        text: Which is closest, {{{{ answers.{p}commit0.action }}}} or the other?",
            "        options: [{id: first, label: The first}, {id: second, label: The second}]",
            f"      - id: {p}first",
            "        kind: say",
            "        text: The first one, then.",
            f"        when: {{step: {p}focus, equals: first}}",
            f"      - id: {p}close",
            "        kind: ask",
            "        text: What stays with you from this part?",
            f"        set: {{closing{s}: '{{{{ answers.{p}close }}}}'}}",
            "        classify:",
            f"          into: kind{s}",
            "          categories: traits",
            f"      - id: {p}bye",
            "        kind: say",
            f"        text: \"Ok. {{{{ vars.get('kind{s}', '') }}}} {{{{ vars.closing{s} }}}}\"",
        ]
    out += [
        "actions:",
        "  rules:",
        "    - if: {var: kind0, equals: t0}",
        "      text: Look back at {{ traits[vars.kind0].title }}.",
        "      due: in 1 week",
    ]
    return "\n".join(out) + "\n"


def main() -> None:
    quick = c.parse_args(__doc__.splitlines()[0])
    runs = 5 if quick else 21
    clock = time.perf_counter_ns
    folder = Path(tempfile.mkdtemp())
    big = folder / "generated-2000.yaml"
    big.write_text(generated_pack(2000), encoding="utf-8")
    packs = [(c.STOCK_PACK, "stock pack"), (big, "generated 2,000 steps")]
    print(f"pack_check: {'quick' if quick else 'full'} run, {runs} rounds per pack")
    print(c.machine_line())
    for path, name in packs:
        text = path.read_text(encoding="utf-8")
        report = check_pack(text, path.name)
        assert report.pack is not None and not report.problems, report.problems[:3]

        def checked(path: Path = path) -> int:
            text = path.read_text(encoding="utf-8")
            t0 = clock()
            check_pack(text, path.name)
            return clock() - t0

        def read_checked(path: Path = path) -> int:
            t0 = clock()
            check_pack(path.read_text(encoding="utf-8"), path.name)
            return clock() - t0

        def positions(path: Path = path) -> int:
            text = path.read_text(encoding="utf-8")
            t0 = clock()
            parse_yaml(text, path.name)
            return clock() - t0

        def bare(path: Path = path) -> int:
            text = path.read_text(encoding="utf-8")
            t0 = clock()
            yaml.load(text, Loader=yaml.CSafeLoader)
            return clock() - t0

        sides = [checked, read_checked, positions, bare]
        for f in sides:
            f()
        samples: dict[str, list[int]] = {f.__name__: [] for f in sides}
        gc.collect()
        for i in range(runs):
            for f in sides[i % 4 :] + sides[: i % 4]:
                samples[f.__name__].append(f())
        base = c.median(samples["bare"])
        print()
        print(
            f"{name}: {path.name}, {len(text.encode()):,} bytes, {len(report.pack.steps):,} steps"
        )
        print(
            c.table(
                [
                    c.stat_row("baseline: yaml.load(text, CSafeLoader)", samples["bare"], None),
                    c.stat_row("check_pack(text) (headline)", samples["checked"], base),
                    c.stat_row("read + check_pack", samples["read_checked"], base),
                    c.stat_row("of which YAML with positions", samples["positions"], base),
                ],
                c.STAT_HEADER,
            )
        )
        print(
            f"ratio: check_pack / bare YAML parse = "
            f"{c.fmt_ratio(c.median(samples['checked']) / base)}; "
            f"median {c.fmt_time(c.median(samples['checked']))}"
        )
    big.unlink()
    folder.rmdir()


if __name__ == "__main__":
    main()
