"""`coach packs graph`: a pack's flow as Mermaid (renders in Markdown viewers) or Graphviz DOT.

Drawn: every step (shape by kind, grouped by section), the plain way on, `next` branches
with their conditions, `when` steps that can be passed over (dashed), probe and confirmation
loops (dotted, on the step itself), the start and the end. Steps that no path reaches are
drawn greyed, so the picture shows what `coach packs check` complains about.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from coach.engine.checks import Flow
from coach.engine.conditions import COMBINATORS, SUBJECTS
from coach.engine.pack import END, Pack
from coach.engine.source import Located

MAX_LABEL = 48


@dataclass(frozen=True, slots=True)
class Edge:
    """One arrow: `style` is solid (the way on), dashed (passed over) or dotted (a loop)."""

    source: str
    target: str
    label: str = ""
    style: str = "solid"


def describe(condition: Any) -> str:
    """A condition as a short phrase for an arrow: `{step: x, at_most: 2}` → `x at_most 2`."""
    if not isinstance(condition, Mapping):
        return str(condition)
    parts: list[str] = []
    subject = next((condition[k] for k in SUBJECTS if k in condition), None)
    for key, value in condition.items():
        if key in SUBJECTS:
            continue
        if key in COMBINATORS:
            if key == "not":
                parts.append(f"not ({describe(value)})")
            elif isinstance(value, list):
                joined = f" {'and' if key == 'all' else 'or'} ".join(describe(v) for v in value)
                parts.append(f"({joined})" if len(value) > 1 else joined)
            continue
        if isinstance(value, list):
            shown = ", ".join(str(v) for v in value[:3]) + (", …" if len(value) > 3 else "")
            parts.append(f"{key} [{shown}]")
        elif value is True:
            parts.append(key)
        else:
            parts.append(f"{key} {str(value).lower() if isinstance(value, bool) else value}")
    text = " and ".join(parts)
    return f"{subject} {text}" if subject is not None else text


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _raw_steps(located: Located) -> dict[str, Mapping[str, Any]]:
    """Each step's YAML as written, for the conditions the built pack keeps only compiled."""
    found: dict[str, Mapping[str, Any]] = {}
    root = located.data if isinstance(located.data, Mapping) else {}
    for section in root.get("sections") or []:
        if not isinstance(section, Mapping):
            continue
        for step in section.get("steps") or []:
            if isinstance(step, Mapping) and isinstance(step.get("id"), str):
                found.setdefault(step["id"], step)
    return found


def edges(pack: Pack, located: Located) -> list[Edge]:
    """Every arrow of the flow, in step order. Node names are step ids, `start` and `end`."""
    raw = _raw_steps(located)
    steps = pack.steps
    out: list[Edge] = []
    if steps:
        out.append(Edge("start", steps[0].id))
    for i, step in enumerate(steps):
        following = steps[i + 1].id if i + 1 < len(steps) else END
        data = raw.get(step.id, {})
        if step.conditional:
            label = f"passed over unless {describe(data.get('when'))}"
            out.append(Edge(step.id, following, _short(label), "dashed"))
        if step.probes and step.probe_budget:
            plural = "s" if step.probe_budget > 1 else ""
            label = f"up to {step.probe_budget} probe{plural}"
            out.append(Edge(step.id, step.id, label, "dotted"))
        if step.classify:
            label = "confirm" if step.classify.confirm == "always" else "confirm if unclear"
            out.append(Edge(step.id, step.id, label, "dotted"))
        listed = data.get("next")
        raw_next: list[Any] = listed if isinstance(listed, list) else []
        fall = True
        for bi, branch in enumerate(step.next):
            branch_raw = raw_next[bi] if bi < len(raw_next) else {}
            condition = branch_raw.get("if") if isinstance(branch_raw, Mapping) else None
            label = _short(describe(condition)) if condition is not None else ""
            out.append(Edge(step.id, branch.goto, label))
            if condition is None:
                fall = False
                break
        if fall:
            out.append(Edge(step.id, following, "otherwise" if step.next else ""))
    return out


def _unreached(pack: Pack) -> set[str]:
    flow = Flow(pack)
    return {s.id for s in pack.steps if not flow.reached[s.index]}


def mermaid(pack: Pack, located: Located) -> str:
    """The flow as a Mermaid flowchart. Pack text is escaped: it is data, not diagram syntax."""
    names = {s.id: f"s{i}" for i, s in enumerate(pack.steps)}
    names["start"], names[END] = "start", "finish"
    shapes = {
        "say": ('("', '")'),
        "ask": ('["', '"]'),
        "rating": ('[/"', '"/]'),
        "choice": ('{"', '"}'),
        "commit": ('[["', '"]]'),
        "offer": ('{{"', '"}}'),
    }
    lines = ["flowchart TD", '  start(("start"))', '  finish((("end")))']
    for section in pack.sections:
        lines.append(f'  subgraph sec{pack.sections.index(section)}["{_mm(section.title)}"]')
        for step_id in section.steps:
            step = pack.by_id[step_id]
            left, right = shapes[step.kind]
            lines.append(f"    {names[step_id]}{left}{step_id}<br/>{step.kind}{right}")
        lines.append("  end")
    arrows = {"solid": "-->", "dashed": "-.->", "dotted": "-.->"}
    for edge in edges(pack, located):
        arrow = arrows[edge.style]
        label = f'|"{_mm(edge.label)}"|' if edge.label else ""
        lines.append(f"  {names[edge.source]} {arrow}{label} {names[edge.target]}")
    lost = sorted(names[s] for s in _unreached(pack))
    if lost:
        lines.append("  classDef unreachable stroke-dasharray: 4 4,color:#999")
        lines.append(f"  class {','.join(lost)} unreachable")
    return "\n".join(lines) + "\n"


def _mm(text: str) -> str:
    """Escape text for a quoted Mermaid label (entity codes, as Mermaid documents them)."""
    for char, code in (("&", "#amp;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"),
                       ("|", "#124;"), ("\n", " ")):  # fmt: skip
        text = text.replace(char, code)
    return text


def dot(pack: Pack, located: Located) -> str:
    """The flow as Graphviz DOT (`dot -Tsvg`)."""
    shapes = {
        "say": 'shape=box, style="rounded"',
        "ask": "shape=box",
        "rating": "shape=parallelogram",
        "choice": "shape=diamond",
        "commit": "shape=box, peripheries=2",
        "offer": "shape=hexagon",
    }
    lost = _unreached(pack)
    lines = [
        f"digraph {_dq(pack.id)} {{",
        "  rankdir=TB;",
        '  node [fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  start [shape=circle, label="start"];',
        '  "end" [shape=doublecircle, label="end"];',
    ]
    for i, section in enumerate(pack.sections):
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f"    label={_dq(section.title)};")
        for step_id in section.steps:
            step = pack.by_id[step_id]
            extra = ', color="gray", fontcolor="gray", style="dashed"' if step_id in lost else ""
            label = _dq(f"{step_id}\n{step.kind}")
            lines.append(f"    {_dq(step_id)} [{shapes[step.kind]}, label={label}{extra}];")
        lines.append("  }")
    for edge in edges(pack, located):
        attrs = []
        if edge.label:
            attrs.append(f"label={_dq(edge.label)}")
        if edge.style != "solid":
            attrs.append(f"style={edge.style}")
        tail = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {_dq(edge.source)} -> {_dq(edge.target)}{tail};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dq(text: str) -> str:
    """A DOT double-quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
