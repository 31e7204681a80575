"""A realistic coach's archive: 10,000 sessions from 200 leaders, seeded, in well under a minute.

    python bench/make_archive.py DIR [--sessions 10000] [--leaders 200] [--seed 11] [--check]

Real sessions first: a few dozen reflections on the stock pack, driven through `Session` (the
engine, the store's writer) by the simulated leader of `_common.Leader`, some left unfinished.
Each becomes a template of the text the store wrote, and every session of the archive is one
template with its own id, leader, team, dates, ratings and follow-through:

  * each leader (a seeded name) has a team of reps whose names replace the ones the simulated
    leader used, in the answers, the coach's lines that quote them, the action items and the
    snapshot; a leader's sessions are a week or so apart over the last year, at varied hours;
  * ratings follow each leader's own level and drift (the accepted rating answers in the turns
    and the snapshot say the same number as the header);
  * action items are due as far after the start as in the template; the older, the likelier
    done or dropped (marked as `coach actions` marks them), so the open ones past due gather
    in the last weeks.

The header is built as plain data and checked by the typed model (`coach.transcript.parse`),
then written as `yamlio.dump` writes it; the turns and the snapshot are the template's own
dumped text with the words above replaced, which YAML quotes the same way (ASCII names and
digits). So each file is byte for byte what the store writes for that data; `--check` proves
it on a sample and loads every file through the index (any unreadable one fails the run).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from _common import NOW, ROOT, Leader, clock

from coach.catalog import find_pack
from coach.session import Session
from coach.store import BODY_KEYS, SessionStore, load_file, yamlio
from coach.transcript import parse

SEEDS = 36
UNFINISHED_SEEDS = 6  # the first few seeds stop early, as a leader who walks away
PLACEHOLDER = "Zzleaderzz"  # the leader's name while the templates are made
REPS = ["Priya", "Sam", "Luis", "Aisha", "Jordan", "Kim", "Dana", "Carla"]  # _common's words
FIRST = [
    "Alex", "Bea", "Cam", "Dev", "Eli", "Fay", "Gus", "Hana", "Ivo", "Jae", "Kai", "Lena",
    "Milo", "Nia", "Omar", "Pia", "Quin", "Rosa", "Sol", "Tariq", "Uma", "Vic", "Wen", "Xavi",
    "Yara", "Zane", "Ada", "Ben", "Cleo", "Dario", "Esme", "Finn", "Gia", "Hugo", "Iris",
    "Jon", "Kira", "Leo", "Maya", "Noor",
]  # fmt: skip
LAST = [
    "Abbott", "Baptiste", "Chen", "Dubois", "Eriksen", "Fofana", "Garcia", "Haddad", "Ito",
    "Jensen", "Kowalski", "Laine", "Moreau", "Nakamura", "Okafor", "Petrov", "Quist", "Rossi",
    "Silva", "Tanaka",
]  # fmt: skip
TEAM = [
    "Ana", "Bo", "Chidi", "Dmitri", "Efe", "Farah", "Goran", "Hye", "Ines", "Jun", "Karan",
    "Lior", "Mei", "Nils", "Ola", "Pedro", "Rania", "Sven", "Tomas", "Ursula", "Valeria",
    "Wiremu", "Ximena", "Yusuf", "Zofia",
]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Template:
    """One real session, as text to vary."""

    header: dict[str, Any]
    seed_id: str
    started: datetime
    body: str  # the dumped `turns:` and `snapshot:` text, placeholders in place of ratings
    rating_steps: dict[str, str]  # trait -> the step whose answer rated it


def make_templates(count: int = SEEDS) -> list[Template]:
    """Reflections through `Session`, written by the store, read back as templates."""
    pack = find_pack("sales-leader", [])
    templates = []
    with tempfile.TemporaryDirectory() as tmp:
        store = SessionStore(Path(tmp))
        for n in range(count):
            session, _ = Session.begin(store, pack, clock, random.Random(n), name=PLACEHOLDER)
            leader = Leader(1000 + n)
            for _ in range(400):
                prompt = session.dialogue.current()
                if prompt is None or (n < UNFINISHED_SEEDS and session.dialogue.answered > 6 + n):
                    break
                session.answer(leader.answer(prompt))
            session.close()
            templates.append(_template(load_file(store.path_for(session.id))))
    return templates


def _template(doc: dict[str, Any]) -> Template:
    turns = [dict(t) for t in doc.get("turns") or []]
    snapshot = json.loads(json.dumps(doc.get("snapshot")))
    rating_steps: dict[str, str] = {}
    answers = snapshot.get("answers", {}) if isinstance(snapshot, dict) else {}
    for step, value in answers.items():
        if isinstance(value, int) and not isinstance(value, bool):
            last = max(
                (i for i, t in enumerate(turns) if t["role"] == "leader" and t["step"] == step),
                default=None,
            )
            if last is None or not turns[last].get("trait"):
                continue
            rating_steps[turns[last]["trait"]] = step
            turns[last]["text"] = f"Zzrt{step}zz"  # dumped plain; replaced by '3' (a string)
            answers[step] = f"Zzrs{step}zz"  # replaced by 3 (a number)
    body = yamlio.dump({"turns": turns}) if turns else ""
    if snapshot is not None:
        body += yamlio.dump({"snapshot": snapshot})
    header = {k: v for k, v in doc.items() if k not in BODY_KEYS}
    started = datetime.fromisoformat(doc["started_at"])
    return Template(header, doc["id"], started, body, rating_steps)


@dataclass(slots=True)
class Person:
    """One leader: a name, a team, a level and drift per trait, a time of day they reflect."""

    name: str
    team: dict[str, str]
    level: dict[str, float]
    drift: dict[str, float]
    hour: int


def people(count: int, rng: random.Random, traits: list[str]) -> list[Person]:
    names = [f"{f} {last}" for last in LAST for f in FIRST]
    rng.shuffle(names)
    found = []
    for name in names[:count]:
        team = dict(zip(REPS, rng.sample(TEAM, len(REPS)), strict=True))
        level = {t: rng.uniform(1.5, 4.5) for t in traits}
        drift = {t: rng.uniform(-1.5, 1.5) for t in traits}
        found.append(Person(name, team, level, drift, rng.randrange(7, 18)))
    return found


def session_text(
    template: Template,
    person: Person,
    session_id: str,
    start: datetime,
    k: int,
    of: int,
    rng: random.Random,
) -> str:
    """One session of the archive as the store would write it."""
    header = json.loads(json.dumps(template.header))  # a deep copy, quickly
    shift = start - template.started
    stamp = start.isoformat()
    updated = (start + timedelta(minutes=rng.randrange(12, 40))).isoformat()
    header["id"] = session_id
    header["participant"] = {"name": person.name}
    header["started_at"] = stamp
    header["updated_at"] = updated if header.get("status") == "complete" else stamp
    ratings = {}
    for trait in header.get("ratings") or {}:
        value = person.level[trait] + person.drift[trait] * k / max(1, of) + rng.gauss(0, 0.6)
        ratings[trait] = min(5, max(1, round(value)))
    header["ratings"] = ratings
    loyalty = header.get("loyalty")
    if isinstance(loyalty, dict) and isinstance(loyalty.get("answer"), str):
        loyalty["answer"] = _reps(loyalty["answer"], person)
    for item in header.get("action_items") or []:
        due = (datetime.fromisoformat(item["due"]) + shift).date()
        item["due"] = due.isoformat()
        item["text"] = _reps(item["text"], person)
        past = (NOW.date() - due).days
        # The older an item, the likelier a check-in closed it: overdue items gather in
        # the last weeks, as a coach's needs-attention view would show them.
        closed = 0.0 if past <= 3 else 0.5 if past <= 14 else 0.85 if past <= 60 else 0.97
        r = rng.random()
        if r < closed * 0.8:
            item["status"] = "done"
            item["checked"] = {"on": due.isoformat(), "answer": "done"}
        elif r < closed:
            item["status"] = "dropped"
            item["checked"] = {"on": due.isoformat(), "answer": "drop"}
    parse(header, Path(f"{session_id}.yaml"))  # the typed model must accept it
    body = template.body.replace(template.started.isoformat(), stamp)
    body = body.replace(f"seed: {template.seed_id}", f"seed: {session_id}")
    for trait, step in template.rating_steps.items():
        body = body.replace(f"Zzrt{step}zz", f"'{ratings[trait]}'")
        body = body.replace(f"Zzrs{step}zz", str(ratings[trait]))
    body = _reps(body.replace(PLACEHOLDER, person.name), person)
    return yamlio.dump(header) + body


def _reps(text: str, person: Person) -> str:
    """The leader's name and their reps' names in place of the template's (no rep name of
    `_common` is a part of another word there, so a plain replace is exact and quick)."""
    text = text.replace(PLACEHOLDER, person.name)
    for rep, theirs in person.team.items():
        text = text.replace(rep, theirs)
    return text


def make_archive(folder: Path, sessions: int = 10_000, leaders: int = 200, seed: int = 11) -> int:
    """Fill `folder` (created 0700, files 0600, as the store makes them); returns the count."""
    rng = random.Random(seed)
    templates = make_templates()
    complete = [t for t in templates if t.header.get("status") == "complete"]
    unfinished = [t for t in templates if t.header.get("status") != "complete"]
    traits = list(templates[-1].header.get("traits") or {})
    cast = people(leaders, rng, traits)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    per = -(-sessions // leaders)
    ids: set[str] = set()
    written = 0
    for k in range(per):
        for person in cast:
            if written == sessions:
                return written
            weeks_ago = per - k
            start = (NOW - timedelta(days=7 * weeks_ago - rng.randrange(-2, 3))).replace(
                hour=person.hour, minute=rng.choice([0, 15, 30, 45]), second=0, microsecond=0
            )
            template = rng.choice(unfinished if rng.random() < 0.08 else complete)
            while (session_id := f"{start:%Y-%m-%d-%H%M}-{_suffix(rng)}") in ids:
                pass
            ids.add(session_id)
            text = session_text(template, person, session_id, start, k, per, rng)
            path = folder / f"{session_id}.yaml"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            written += 1
    return written


def _suffix(rng: random.Random) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(4))


def check(folder: Path, sample: int = 50) -> None:
    """Byte for byte what the writer writes, on a sample; every file loads (via the index)."""
    from coach.store.index import Index

    files = sorted(folder.glob("*.yaml"))
    for path in random.Random(1).sample(files, min(sample, len(files))):
        doc = load_file(path)
        parse(doc, path)
        assert yamlio.dump(doc) == path.read_text(encoding="utf-8"), path
    with Index(folder) as index:
        index.refresh()
        problems = index.problems()
    if problems:
        raise SystemExit(f"{len(problems)} files do not load, e.g. {problems[0]}")
    print(f"checked: {sample} files byte for byte, all {len(files):,} load as sessions")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("folder", type=Path)
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--leaders", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--check", action="store_true", help="prove the files load (slower)")
    parser.add_argument("--force", action="store_true", help="empty the folder first")
    args = parser.parse_args()
    if args.force and args.folder.exists():
        shutil.rmtree(args.folder)
    if args.folder.exists() and any(args.folder.iterdir()):
        raise SystemExit(f"{args.folder} is not empty (--force empties it)")
    start = time.perf_counter()
    count = make_archive(args.folder, args.sessions, args.leaders, args.seed)
    size = sum(p.stat().st_size for p in args.folder.glob("*.yaml"))
    took = time.perf_counter() - start
    print(f"{count:,} sessions from {args.leaders} leaders, {size / 1e6:.0f} MB, in {took:.1f} s")
    if args.check:
        check(args.folder)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
