"""The ``lock`` (alias ``review``) and ``reanchor`` commands: settle ``citations.lock``
after a source changed, never accepting a change the editor was not shown.

- ``lock SOURCE#ANCHOR …`` accepts exactly those changed citations;
- ``lock --all`` accepts every changed citation (a moved anchor is followed with
  ``reanchor`` instead) and lists each;
- bare ``lock`` records new citations and drops unused entries; a changed citation is
  reviewed one at a time on a terminal, and elsewhere listed with exit status 1.

The command line builds its parser from this module on every run, so what the commands
run (loading and checking the site) is imported when they run.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, TypeAlias

from ..cli_common import EXIT_CONTENT, EXIT_OK, UsageError, print_problems, printing, use_colour
from ..language import Language
from ..messages import Message, joined, literal, msg, msg_n
from ..suggest import did_you_mean
from .lock import LOCK_NAME

if TYPE_CHECKING:
    from .lock_workflow import LockOutcome, LockPlan
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
    from .lock_workflow import plan_lock, settle_lock  # noqa: PLC0415 (see the module docstring)
    from .review import Decisions, review_changes  # noqa: PLC0415 (see the module docstring)

    if args.all and args.keys:
        raise UsageError(msg("name the citations to accept or give --all, not both"))
    language: Language = args.report_language
    plan = plan_lock(args.site)
    if plan.broken and not args.all:
        with printing(EXIT_CONTENT):
            print_problems(plan.broken, sys.stdout, args.site, args.report_language)
            # The problems above say what is wrong (a merge conflict, a newer version, a
            # link out of the site ...); this line says only what was done and the ways out.
            left_alone = msg(
                "{lock} was left as it was: fix what is named above or restore it (git "
                "checkout {lock}); 'site-builder lock --all' writes it anew from the current "
                "texts",
                lock=LOCK_NAME,
            )
            print(language(left_alone))
        return EXIT_CONTENT
    colour = use_colour(sys.stdout)
    reviewing = not args.all and not args.keys and bool(plan.changed) and _interactive()
    if args.all:
        decisions = Decisions(frozenset(c.key for c in plan.changed if c.moved_to is None))
    elif args.keys:
        decisions = Decisions(frozenset(_named_changes(plan, args.keys, language)))
    elif reviewing:
        try:
            decisions = review_changes(plan.changed, _ask, print, colour, language)
        except KeyboardInterrupt:
            stopped = msg("stopped: {lock} and the briefs were left as they were", lock=LOCK_NAME)
            print("\n" + language(stopped))
            return EXIT_CONTENT
    else:
        decisions = Decisions()
    outcome = settle_lock(args.site, plan, decisions.accepted, decisions.followed)
    listed = not (args.all or args.keys or reviewing)
    failed = plan.errors or (listed and outcome.left) or outcome.held or outcome.refused
    status = EXIT_CONTENT if failed else EXIT_OK
    with printing(status):
        _print_outcome(outcome, colour, listed, language)
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


def _named_changes(plan: LockPlan, named: Iterable[str], language: Language) -> list[str]:
    """The changed citations among ``named`` (written as cited, ``[@…]`` or ``@…`` too);
    an unchanged one is mentioned, one that no brief cites or that names no paragraph is
    a usage error."""
    keys = []
    for name in named:
        key = name.strip().removeprefix("[").removesuffix("]").removeprefix("@")
        if key not in plan.cited:
            raise UsageError(
                msg(
                    "no brief cites {key}; {suggestion}'site-builder review' lists the changed "
                    "citations",
                    key=key,
                    suggestion=did_you_mean(key, plan.cited),
                )
            )
        if plan.cited[key].paragraph is None:
            raise UsageError(
                msg(
                    "{key} names no paragraph of the source now, so there is no text to "
                    "accept; correct the citation in the brief ('site-builder reanchor' "
                    "follows a paragraph that moved)",
                    key=key,
                )
            )
        if plan.change(key) is None:
            unchanged = msg("{key} is unchanged since it was checked; nothing to accept", key=key)
            print(language(unchanged))
        else:
            keys.append(key)
    return keys


def _print_outcome(outcome: LockOutcome, colour: bool, list_left: bool, language: Language) -> None:
    """What was accepted and rewritten, what is left (each in full with ``list_left``),
    and a closing line on the lock, in ``language``."""
    from .review import shown_diff  # noqa: PLC0415 (see the module docstring)

    for change in outcome.accepted:
        accepted = msg(
            "accepted {where}: {diff}", where=change.where, diff=shown_diff(change, colour)
        )
        print(language(accepted))
    _print_rewrites(outcome, language)
    if outcome.left:
        _print_left(outcome.left, colour, list_left, language)
    print(language(lock_summary(outcome)))


def lock_summary(outcome: LockOutcome) -> Message:
    """The closing line of ``lock``: how many cited paragraphs the lock holds, what this
    run changed, and how many changes still wait."""
    done = []
    if outcome.accepted:
        n = len(outcome.accepted)
        done.append(msg_n("{n} change accepted", "{n} changes accepted", n))
    if outcome.recorded:
        n = outcome.recorded
        done.append(msg_n("{n} new citation recorded", "{n} new citations recorded", n))
    if outcome.dropped:
        n = outcome.dropped
        done.append(msg_n("{n} unused entry dropped", "{n} unused entries dropped", n))
    locked = msg_n(
        "{lock}: {n} cited paragraph locked",
        "{lock}: {n} cited paragraphs locked",
        outcome.locked,
        lock=LOCK_NAME,
    )
    parts = [locked]
    if done:
        parts += [literal(" ("), joined(done, ", "), literal(")")]
    if outcome.left:
        n = len(outcome.left)
        parts.append(
            msg_n("; {n} change waiting for review", "; {n} changes waiting for review", n)
        )
    return joined(parts)


def _print_rewrites(outcome: LockOutcome, language: Language) -> None:
    """Every citation rewritten to follow its paragraph, every move held back and every
    brief file left alone, with the reason."""
    for rewrite in outcome.rewritten:
        print(language(msg("reanchored {rewrite}", rewrite=str(rewrite))))
    for held in outcome.held:
        print(language(msg("not followed: {key}: {reason}", key=held.key, reason=held.reason)))
    for reason in outcome.refused:
        print(language(msg("not rewritten: {reason}", reason=reason)))


def _print_left(
    left: tuple[ChangedCitation, ...], colour: bool, full: bool, language: Language
) -> None:
    """The changed citations still waiting: each with its diff and briefs (``full``), or
    named in one line after a review or a named accept."""
    from .review import change_lines  # noqa: PLC0415 (see the module docstring)

    if not full:
        keys = ", ".join(change.key for change in left)
        print(language(msg("still to review: {keys} ('site-builder review')", keys=keys)))
        return
    changed_since = msg_n(
        "{n} cited paragraph changed since the citations were checked; it was not accepted:",
        "{n} cited paragraphs changed since the citations were checked; none was accepted:",
        len(left),
    )
    print(language(changed_since))
    for change in left:
        print("\n".join(change_lines(change, colour, language)))
    ways = [msg("review them on a terminal: 'site-builder review'")]
    changed = [c.key for c in left if c.moved_to is None]
    if changed:
        ways.append(
            msg(
                "or check each brief and accept the change: 'site-builder lock {example}'",
                example=changed[0],
            )
        )
    if len(changed) < len(left):
        ways.append(msg("'site-builder reanchor' follows the moved ones"))
    print(language(joined(ways, "; ")))


def run_reanchor(args: argparse.Namespace) -> int:
    from .lock_workflow import moved_keys, plan_lock, settle_lock  # noqa: PLC0415 (see the module docstring)

    plan = plan_lock(args.site)
    if plan.broken:
        with printing(EXIT_CONTENT):
            print_problems(plan.broken, sys.stdout, args.site, args.report_language)
        return EXIT_CONTENT
    language: Language = args.report_language
    moved = moved_keys(plan)
    if not moved:
        print(language(msg("reanchor: no cited paragraph moved; nothing to rewrite")))
        return EXIT_OK
    outcome = settle_lock(args.site, plan, follow=moved)
    status = EXIT_CONTENT if outcome.held or outcome.refused else EXIT_OK
    with printing(status):
        _print_rewrites(outcome, language)
        files = len({rewrite.span.path for rewrite in outcome.rewritten})
        rewrote = msg(
            "reanchor: rewrote {citations} in {briefs} and updated {lock}; 'site-builder "
            "check' shows what is left",
            citations=msg_n("{n} citation", "{n} citations", len(outcome.rewritten)),
            briefs=msg_n("{n} brief", "{n} briefs", files),
            lock=LOCK_NAME,
        )
        print(language(rewrote))
    return status
