"""The commands that settle ``citations.lock`` after a source changed: ``lock`` (and its
review) and ``reanchor``, composed of the stages as ``pipeline`` composes ``check``.

``plan_lock`` loads and checks the site and finds every changed citation; the command then
decides which to accept (named ones, all, or those an editor accepted in the review) and
which moves to follow, and ``settle_lock`` writes exactly that. Nothing is accepted that
was not asked for: new citations are recorded and unused entries dropped, as ``check``
does, and a changed paragraph keeps its old locked text otherwise.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from ..cache import open_cache
from ..check.check import check_corpus
from ..diagnostics import Diagnostic, count_errors, sorted_diagnostics
from ..load.config import load_config
from ..pipeline import load_corpus
from .lock import Cited, LockEntry, cited_anchors, read_lock, updated_lock, write_lock
from .reanchor import Held, Rewrite, plan_moves, reanchored_lock, rewrite_briefs, rewrites_for
from .stale import ChangedCitation, changed_citations


@dataclass(frozen=True, slots=True)
class LockPlan:
    """The site as checked, its lock (None: none, or ``broken`` says why it cannot be
    read), every cited anchor and every changed citation among them."""

    problems: tuple[Diagnostic, ...]
    digests: dict[str, str]
    lock: dict[str, LockEntry] | None
    broken: tuple[Diagnostic, ...]
    cited: Cited
    changed: tuple[ChangedCitation, ...]

    @property
    def errors(self) -> int:
        return count_errors(self.problems)

    def change(self, key: str) -> ChangedCitation | None:
        return next((c for c in self.changed if c.key == key), None)


@dataclass(frozen=True, slots=True)
class LockOutcome:
    """What ``settle_lock`` did: changes accepted, citations rewritten, moves held back
    and files left alone (with reasons), entries recorded and dropped, entries now."""

    accepted: tuple[ChangedCitation, ...]
    rewritten: tuple[Rewrite, ...]
    held: tuple[Held, ...]
    refused: tuple[str, ...]
    recorded: int
    dropped: int
    locked: int
    left: tuple[ChangedCitation, ...]  # changed citations neither accepted nor followed


def plan_lock(root: Path) -> LockPlan:
    """Load and check the site at ``root`` and compare its citations with the lock."""
    config = load_config(root)
    corpus, problems, digests = load_corpus(config, cache=open_cache(root))
    problems += check_corpus(corpus, config)
    lock, broken = read_lock(root)
    cited = cited_anchors(corpus)
    changed = tuple(changed_citations(cited, lock))
    return LockPlan(sorted_diagnostics(problems), digests, lock, tuple(broken), cited, changed)


def settle_lock(
    root: Path, plan: LockPlan, accept: Collection[str] = (), follow: Collection[str] = ()
) -> LockOutcome:
    """Write the lock with the changes in ``accept`` accepted and the moves in ``follow``
    followed (their citations rewritten in the briefs first); new citations recorded and
    unused entries dropped. The file is written only when it changes."""
    old = plan.lock or {}
    settled = updated_lock(plan.cited, plan.lock, accept)
    moves, held = plan_moves(plan.changed, plan.cited, follow) if follow else ([], [])
    done, refused = rewrite_briefs(root, rewrites_for(moves), plan.digests)
    entries = reanchored_lock(settled, moves, done)
    if entries != old or (plan.lock is None and entries) or plan.broken:
        write_lock(root, entries)
    accepted = tuple(c for c in plan.changed if c.key in accept)
    # Still stale: kept with its old text (a move whose briefs could not all be rewritten
    # keeps its entry too).
    left = tuple(c for c in plan.changed if entries.get(c.key, c.current) != c.current)
    return LockOutcome(
        accepted=accepted,
        rewritten=tuple(done),
        held=tuple(held),
        refused=tuple(refused),
        recorded=len(set(settled) - set(old)),
        dropped=len(set(old) - set(settled)),
        locked=len(entries),
        left=left,
    )


def moved_keys(plan: LockPlan) -> set[str]:
    """Every changed citation whose paragraph moved: what ``reanchor`` follows."""
    return {c.key for c in plan.changed if c.moved_to is not None}
