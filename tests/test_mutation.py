"""Integrity at scale: corrupt a generated site of 1,000 briefs hundreds of ways and prove
that ``check --frozen`` reports every corruption in every brief it affects, and nothing else.

The site comes from ``benchmarks.corpus`` once per session and is locked. Which briefs a
corruption affects, and which diagnostic each must get where, is predicted by
``tests/mutation_corpus.py`` from its own reading of the files, never from the checker's
output (the corruptions are made in ``tests/mutation_corruptions.py``). They are applied in
rounds of about 125 to one working copy: within a round they touch disjoint sources and
briefs, and no brief is affected by two of them, so the one ``check`` of a round attributes
every diagnostic. Between rounds only the touched files are copied back.
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from random import Random
from typing import TypeVar

import pytest

from benchmarks.corpus import generate
from site_builder.cli import main
from tests.mutation_corpus import (
    LOCK,
    BriefFile,
    Finding,
    Site,
    SourceFile,
    findings,
    read_site,
    reported,
    unused_lock_entries,
)
from tests.mutation_corruptions import Corruption, Corruptor

BRIEFS = 1000
CORPUS_SEED = 1
MUTATION_SEED = 20250227
ROUNDS = 3
# Corruptions per round, by kind; the ones that shift or remove many anchors go first, while
# most briefs are still free. Controls change a source without changing what any citation
# rests on: they must not be reported at all.
ROUND_PLAN: tuple[tuple[str, int], ...] = (
    ("delete-source", 5),
    ("delete-paragraph", 13),
    ("insert-paragraph", 13),
    ("swap-paragraphs", 8),
    ("rename-anchor", 3),
    ("move-anchor", 3),
    ("change-cited-word", 20),
    ("alter-quoted-word", 23),
    ("typo-anchor", 22),
    ("retarget-anchor-unlocked", 7),
    ("change-uncited-word (control)", 5),
    ("rewrap-cited-paragraph (control)", 5),
    ("insert-heading (control)", 4),
    ("move-source (control)", 3),
)


def run_cli(args: Sequence[str]) -> tuple[int, str]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        status = main(list(args))
    return status, out.getvalue()


def check_frozen(root: Path) -> tuple[int, set[Finding]]:
    status, out = run_cli(["check", "--frozen", "--format", "json", "--site", str(root)])
    return status, reported(json.loads(out))


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Site]:
    """A generated, locked site of 1,000 briefs and its model (read from the files)."""
    root = tmp_path_factory.mktemp("mutation") / "site"
    generate(root, BRIEFS, CORPUS_SEED)
    assert run_cli(["lock", "--site", str(root)])[0] == 0
    return root, read_site(root)


def test_the_lock_holds_the_text_of_every_cited_paragraph(pristine: tuple[Path, Site]) -> None:
    root, site = pristine
    lock = json.loads((root / LOCK).read_text(encoding="utf-8"))["citations"]
    assert {key: entry["text"] for key, entry in lock.items()} == site.lock
    assert len(site.lock) > 1000


def test_the_uncorrupted_corpus_gives_no_false_alarm(pristine: tuple[Path, Site]) -> None:
    root, site = pristine
    assert all(not findings(b, site.sources, site.lock) for b in site.briefs.values())
    status, found = check_frozen(root)
    print(f"false alarms on the uncorrupted corpus: {len(found)}")
    assert (status, found) == (0, set())


class Round:
    """Corruptions that can share one ``check``: disjoint files, disjoint affected briefs."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.chosen: list[Corruption] = []
        self._changed_sources: set[str] = set()
        self._busy_sources: set[str] = set()  # cited by a changed brief
        self._taken_briefs: set[str] = set()  # changed or affected

    def open_source(self, source: SourceFile) -> bool:
        return source.id not in self._changed_sources | self._busy_sources

    def open_brief(self, brief: BriefFile) -> bool:
        cited = {ref.source for ref in brief.refs()}
        return brief.path not in self._taken_briefs and not cited & self._changed_sources

    def fits(self, corruption: Corruption) -> bool:
        cited = {ref.source for path in corruption.briefs for ref in self.site.briefs[path].refs()}
        return (
            not set(corruption.sources) & (self._changed_sources | self._busy_sources)
            and not cited & self._changed_sources
            and not (set(corruption.briefs) | corruption.affected) & self._taken_briefs
        )

    def add(self, corruption: Corruption) -> None:
        self.chosen.append(corruption)
        self._changed_sources |= set(corruption.sources)
        for path in corruption.briefs:
            self._busy_sources |= {ref.source for ref in self.site.briefs[path].refs()}
        self._taken_briefs |= set(corruption.briefs) | corruption.affected

    def corrupted_site(self) -> Site:
        sources = dict(self.site.sources)
        briefs = dict(self.site.briefs)
        for corruption in self.chosen:
            for sid, source in corruption.sources.items():
                if source is None:
                    del sources[sid]
                else:
                    sources[sid] = source
            briefs.update(corruption.briefs)
        return Site(sources, briefs, self.site.lock)

    def apply(self, root: Path) -> list[str]:
        """Write the corruptions into the site at ``root``; the paths touched."""
        touched = []
        for corruption in self.chosen:
            for sid, source in corruption.sources.items():
                path = self.site.sources[sid].path
                (root / path).unlink()
                if source is not None:
                    (root / source.path).parent.mkdir(parents=True, exist_ok=True)
                    (root / source.path).write_text(source.text, encoding="utf-8")
                    touched.append(source.path)
                touched.append(path)
            for path, brief in corruption.briefs.items():
                (root / path).write_text(brief.text, encoding="utf-8")
                touched.append(path)
        return touched


def restore(pristine: Path, work: Path, touched: list[str]) -> None:
    """Copy back the files a round changed; remove the ones it created."""
    for path in touched:
        if (pristine / path).exists():
            shutil.copyfile(pristine / path, work / path)
        else:
            (work / path).unlink(missing_ok=True)


def is_control(kind: str) -> bool:
    return kind.endswith("(control)")


Maker = Callable[[Round], Corruption | None]
T = TypeVar("T")


def pick(rng: Random, items: Sequence[T], is_open: Callable[[T], bool]) -> T:
    """A random item the round has left free."""
    for _ in range(10_000):
        item = rng.choice(items)
        if is_open(item):
            return item
    raise AssertionError("the round has no free item left: make it smaller")


def makers(corruptor: Corruptor, rng: Random) -> dict[str, Maker]:
    """Each kind of corruption, made of a random source or brief the round has left free."""
    sources = sorted(corruptor.site.sources.values(), key=lambda s: s.path)
    briefs = sorted(corruptor.site.briefs.values(), key=lambda b: b.path)

    def source(plan: Round) -> SourceFile:
        return pick(rng, sources, plan.open_source)

    def brief(plan: Round) -> BriefFile:
        return pick(rng, briefs, plan.open_brief)

    c = corruptor
    return {
        "delete-source": lambda plan: c.delete_source(source(plan)),
        "delete-paragraph": lambda plan: c.delete_paragraph(rng, source(plan)),
        "insert-paragraph": lambda plan: c.insert_paragraph(rng, source(plan), False),
        "swap-paragraphs": lambda plan: c.swap_paragraphs(rng, source(plan)),
        "rename-anchor": lambda plan: c.rename_anchor(rng, source(plan), False),
        "move-anchor": lambda plan: c.rename_anchor(rng, source(plan), True),
        "change-cited-word": lambda plan: c.change_word(rng, source(plan), True),
        "alter-quoted-word": lambda plan: c.alter_quote(rng, brief(plan)),
        "typo-anchor": lambda plan: c.retarget(rng, brief(plan), existing=False),
        "retarget-anchor-unlocked": lambda plan: c.retarget(rng, brief(plan), existing=True),
        "change-uncited-word (control)": lambda plan: c.change_word(rng, source(plan), False),
        "rewrap-cited-paragraph (control)": lambda plan: c.rewrap(rng, source(plan)),
        "insert-heading (control)": lambda plan: c.insert_paragraph(rng, source(plan), True),
        "move-source (control)": lambda plan: c.move_source(source(plan)),
    }


def plan_round(site: Site, make: dict[str, Maker]) -> Round:
    plan = Round(site)
    for kind, count in ROUND_PLAN:
        placed = 0
        for _ in range(200 * count):
            corruption = make[kind](plan)
            # A corruption that affects nothing tests nothing, except the controls, which
            # must affect nothing.
            if corruption is None or bool(corruption.expected) == is_control(kind):
                continue
            if plan.fits(corruption):
                plan.add(corruption)
                placed += 1
                if placed == count:
                    break
        assert placed == count, f"only {placed} of {count} {kind} fit into the round"
    return plan


def test_every_corruption_is_reported_in_every_brief_it_affects(
    pristine: tuple[Path, Site], tmp_path: Path
) -> None:
    started = time.perf_counter()
    root, site = pristine
    work = tmp_path / "work"
    shutil.copytree(root, work)
    corruptor = Corruptor(site)
    make = makers(corruptor, Random(MUTATION_SEED))
    done: Counter[str] = Counter()
    caught: Counter[str] = Counter()
    named: Counter[str] = Counter()
    misses: list[str] = []
    false_alarms: list[Finding] = []
    codes: Counter[str] = Counter()
    for _ in range(ROUNDS):
        plan = plan_round(site, make)
        corrupted = plan.corrupted_site()
        predicted = set().union(*(c.expected for c in plan.chosen))
        # The corruptions do not interfere: predicting the whole round gives their union.
        whole = set().union(
            *(findings(b, corrupted.sources, site.lock) for b in corrupted.briefs.values())
        )
        assert whole == predicted
        touched = plan.apply(work)
        status, found = check_frozen(work)
        codes.update(finding[3] for finding in found)
        reported_in = {str(finding[0]) for finding in found}
        for corruption in plan.chosen:
            done[corruption.kind] += 1
            missing = corruption.expected - found
            unnamed = corruption.affected - reported_in
            if missing or unnamed:
                misses.append(f"{corruption.what}: missing {sorted(missing)}")
            else:
                caught[corruption.kind] += 1
            named[corruption.kind] += len(corruption.affected & reported_in)
        # Entries whose citations are gone or broken: warnings on the lock, none missing.
        unused = unused_lock_entries(corrupted, site.lock)
        misses += [f"{LOCK}: no unused-lock-entry for {key}" for _, key, _, _ in unused - found]
        false_alarms += sorted(found - predicted - unused)
        assert status == 1
        restore(root, work, touched)
    elapsed = time.perf_counter() - started
    corruptions = sum(n for kind, n in done.items() if not is_control(kind))
    detected = sum(n for kind, n in caught.items() if not is_control(kind))
    print(f"\nmutation test: {ROUNDS} rounds in {elapsed:.1f} s")
    for kind, _count in ROUND_PLAN:
        outcome = "silent, as they must be" if is_control(kind) else "caught"
        print(f"  {kind:33} {caught[kind]:3}/{done[kind]:<3} {outcome}, {named[kind]} briefs")
    print(f"detection rate {detected}/{corruptions} = {detected / corruptions:.1%}")
    print(f"false alarms: {len(false_alarms)}")
    print("diagnostics: " + ", ".join(f"{code} {n}" for code, n in sorted(codes.items())))
    assert not misses, "\n".join(misses)
    assert not false_alarms
    assert corruptions >= 300
    assert detected == corruptions
    # Moved paragraphs are told apart from changed ones (SPEC §5), and both occur.
    assert codes["anchor-moved"] > 0 and codes["stale-citation"] > 0


def test_check_without_frozen_never_accepts_a_changed_paragraph(
    pristine: tuple[Path, Site], tmp_path: Path
) -> None:
    """``check`` records new citations and drops dead entries, but a changed paragraph stays
    stale until ``lock``: after one round and a plain ``check``, ``check --frozen`` still
    reports everything but the citations that plain check recorded."""
    root, site = pristine
    work = tmp_path / "work"
    shutil.copytree(root, work)
    plan = plan_round(site, makers(Corruptor(site), Random(MUTATION_SEED + 1)))
    plan.apply(work)
    predicted = set().union(*(c.expected for c in plan.chosen))
    assert run_cli(["check", "--site", str(work)])[0] == 1
    status, found = check_frozen(work)
    assert status == 1
    assert found == {f for f in predicted if f[3] != "unlocked-citation"}
    assert any(f[3] == "stale-citation" for f in found)
