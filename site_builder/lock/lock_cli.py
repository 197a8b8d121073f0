"""The ``lock`` (alias ``review``) and ``reanchor`` commands: settle ``citations.lock``
after a source changed, never accepting a change the editor was not shown.

- ``lock SOURCE#ANCHOR …`` accepts exactly those changed citations;
- ``lock --all`` accepts every changed citation (a moved anchor is followed with
  ``reanchor`` instead) and lists each;
- bare ``lock`` records new citations and drops unused entries; a changed citation is
  reviewed one at a time on a terminal, and elsewhere listed with exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import TypeAlias

from ..cli_common import EXIT_CONTENT, EXIT_OK, UsageError, print_problems, printing, use_colour
from ..report import plural
from ..suggest import did_you_mean
from .lock import LOCK_NAME
from .lock_workflow import LockOutcome, LockPlan, moved_keys, plan_lock, settle_lock
from .review import Decisions, change_lines, review_changes, shown_diff
from .stale import ChangedCitation

Commands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_lock(commands: Commands, site: argparse.ArgumentParser) -> None:
    lock = commands.add_parser(
        "lock",
        aliases=["review"],
        parents=[site],
        help="record new citations; review and accept changed source paragraphs",
        description="Record new citations in citations.lock and drop unused entries. A cited "
        "paragraph whose text changed is accepted only when named (SOURCE#ANCHOR), with "
        "--all, or in the review that runs on a terminal (accept / skip / quit each).",
    )
    lock.add_argument(
        "keys",
        nargs="*",
        metavar="SOURCE#ANCHOR",
        help="accept these changed citations, written as cited (e.g. kreml-gebiete#p11)",
    )
    lock.add_argument(
        "--all",
        action="store_true",
        help="accept every changed citation and list each (moved anchors: see reanchor)",
    )
    lock.set_defaults(run=run_lock)


def add_reanchor(commands: Commands, site: argparse.ArgumentParser) -> None:
    reanchor = commands.add_parser(
        "reanchor",
        parents=[site],
        help="follow cited paragraphs that moved: rewrite their citations",
        description="Rewrite every citation of a positional anchor (p14) whose locked text "
        "now stands unchanged at exactly one other paragraph (p15), and update "
        "citations.lock. Only the anchor changes in each brief file.",
    )
    reanchor.set_defaults(run=run_reanchor)


def run_lock(args: argparse.Namespace) -> int:
    if args.all and args.keys:
        raise UsageError("name the citations to accept or give --all, not both")
    plan = plan_lock(args.site)
    if plan.broken and not args.all:
        with printing(EXIT_CONTENT):
            print_problems(plan.broken, sys.stdout, args.site, args.report_language)
            print(
                # The problems above say what is wrong (a merge conflict, a newer version, a
                # link out of the site ...); this line says only what was done and the ways
                # out.
                f"{LOCK_NAME} was left as it was: fix what is named above or restore it (git "
                f"checkout {LOCK_NAME}); 'site-builder lock --all' writes it anew from the "
                "current texts"
            )
        return EXIT_CONTENT
    colour = use_colour(sys.stdout)
    reviewing = not args.all and not args.keys and bool(plan.changed) and _interactive()
    if args.all:
        decisions = Decisions(frozenset(c.key for c in plan.changed if c.moved_to is None))
    elif args.keys:
        decisions = Decisions(frozenset(_named_changes(plan, args.keys)))
    elif reviewing:
        try:
            decisions = review_changes(plan.changed, _ask, print, colour)
        except KeyboardInterrupt:
            print(f"\nstopped: {LOCK_NAME} and the briefs were left as they were")
            return EXIT_CONTENT
    else:
        decisions = Decisions()
    outcome = settle_lock(args.site, plan, decisions.accepted, decisions.followed)
    listed = not (args.all or args.keys or reviewing)
    failed = plan.errors or (listed and outcome.left) or outcome.held or outcome.refused
    status = EXIT_CONTENT if failed else EXIT_OK
    with printing(status):
        _print_outcome(outcome, colour, listed)
        print_problems(plan.problems, sys.stdout, args.site, args.report_language)
    return status


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _ask(prompt: str) -> str | None:
    try:
        return input(prompt)
    except EOFError:
        print()
        return None


def _named_changes(plan: LockPlan, named: Iterable[str]) -> list[str]:
    """The changed citations among ``named`` (written as cited, ``[@…]`` or ``@…`` too);
    an unchanged one is mentioned, one that no brief cites or that names no paragraph is
    a usage error."""
    keys = []
    for name in named:
        key = name.strip().removeprefix("[").removesuffix("]").removeprefix("@")
        if key not in plan.cited:
            raise UsageError(
                f"no brief cites {key}; {did_you_mean(key, plan.cited)}"
                "'site-builder review' lists the changed citations"
            )
        if plan.cited[key].paragraph is None:
            raise UsageError(
                f"{key} names no paragraph of the source now, so there is no text to accept; "
                "correct the citation in the brief ('site-builder reanchor' follows a "
                "paragraph that moved)"
            )
        if plan.change(key) is None:
            print(f"{key} is unchanged since it was checked; nothing to accept")
        else:
            keys.append(key)
    return keys


def _print_outcome(outcome: LockOutcome, colour: bool, list_left: bool) -> None:
    """What was accepted and rewritten, what is left (each in full with ``list_left``),
    and a closing line on the lock."""
    for change in outcome.accepted:
        print(f"accepted {change.where}: {shown_diff(change, colour)}")
    _print_rewrites(outcome)
    done = []
    if outcome.accepted:
        done.append(f"{plural(len(outcome.accepted), 'change')} accepted")
    if outcome.recorded:
        done.append(f"{plural(outcome.recorded, 'new citation')} recorded")
    if outcome.dropped:
        unused = "unused entry" if outcome.dropped == 1 else "unused entries"
        done.append(f"{outcome.dropped} {unused} dropped")
    if outcome.left:
        _print_left(outcome.left, colour, full=list_left)
    details = f" ({', '.join(done)})" if done else ""
    left = f"; {plural(len(outcome.left), 'change')} waiting for review" if outcome.left else ""
    print(f"{LOCK_NAME}: {plural(outcome.locked, 'cited paragraph')} locked{details}{left}")


def _print_rewrites(outcome: LockOutcome) -> None:
    """Every citation rewritten to follow its paragraph, every move held back and every
    brief file left alone, with the reason."""
    for rewrite in outcome.rewritten:
        print(f"reanchored {rewrite}")
    for held in outcome.held:
        print(f"not followed: {held.key}: {held.reason}")
    for reason in outcome.refused:
        print(f"not rewritten: {reason}")


def _print_left(left: tuple[ChangedCitation, ...], colour: bool, full: bool) -> None:
    """The changed citations still waiting: each with its diff and briefs (``full``), or
    named in one line after a review or a named accept."""
    if not full:
        keys = ", ".join(change.key for change in left)
        print(f"still to review: {keys} ('site-builder review')")
        return
    print(
        f"{plural(len(left), 'cited paragraph')} changed since the citations were checked; "
        "none was accepted:"
    )
    for change in left:
        print("\n".join(change_lines(change, colour)))
    ways = ["review them on a terminal: 'site-builder review'"]
    changed = [c.key for c in left if c.moved_to is None]
    if changed:
        example = changed[0]
        ways.append(f"or check each brief and accept the change: 'site-builder lock {example}'")
    if len(changed) < len(left):
        ways.append("'site-builder reanchor' follows the moved ones")
    print("; ".join(ways))


def run_reanchor(args: argparse.Namespace) -> int:
    plan = plan_lock(args.site)
    if plan.broken:
        with printing(EXIT_CONTENT):
            print_problems(plan.broken, sys.stdout, args.site, args.report_language)
        return EXIT_CONTENT
    moved = moved_keys(plan)
    if not moved:
        print("reanchor: no cited paragraph moved; nothing to rewrite")
        return EXIT_OK
    outcome = settle_lock(args.site, plan, follow=moved)
    status = EXIT_CONTENT if outcome.held or outcome.refused else EXIT_OK
    with printing(status):
        _print_rewrites(outcome)
        files = len({rewrite.span.path for rewrite in outcome.rewritten})
        print(
            f"reanchor: rewrote {plural(len(outcome.rewritten), 'citation')} in "
            f"{plural(files, 'brief')} and updated {LOCK_NAME}; 'site-builder check' shows "
            "what is left"
        )
    return status
