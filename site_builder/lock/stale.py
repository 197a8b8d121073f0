"""What changed under the citations since they were locked (SPEC §5): stale citations with
a word diff, and positional anchors whose paragraph moved.

A cited paragraph whose text differs from its lock entry is *changed*. When the anchor is
positional (``p14``) and the locked text now stands, unchanged, at exactly one other
paragraph of the same source, the paragraph *moved* (``anchor-moved``): a paragraph was
inserted or removed above it, and ``site-builder reanchor`` can follow it. Anything else is
a ``stale-citation``, shown as a word diff until an editor accepts it.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from ..check.word_diff import describe
from ..diagnostics import Diagnostic, Span, error, warning
from ..messages import NO_WORDS, Message, literal, msg, msg_n
from .lock import LOCK_NAME, Cited, CitedAnchor, Lock, LockEntry, entry_for, locked_text

STALE_CODES = frozenset({"stale-citation", "anchor-moved"})
DIFF = msg("diff")  # the detail label of a stale citation's word diff
_POSITIONAL = re.compile(r"p([1-9][0-9]*)")


@dataclass(frozen=True, slots=True)
class ChangedCitation:
    """A cited ``source#anchor`` whose paragraph no longer reads as locked. ``moved_to``
    is the positional anchor where the locked text now stands (None: it changed). An
    anchor past the source's last paragraph is a change only when it moved."""

    cited: CitedAnchor
    locked: LockEntry
    current: LockEntry | None  # None: the anchor names no paragraph any more
    moved_to: str | None = None
    move_reason: Message = NO_WORDS

    @property
    def key(self) -> str:
        return self.cited.key

    @property
    def where(self) -> Message:
        """``kreml-gebiete#p14 (content/kreml-gebiete.md:33)``: the key and its paragraph."""
        paragraph, source = self.cited.paragraph, self.cited.source
        if paragraph is not None:
            return literal(f"{self.key} ({paragraph.span.path}:{paragraph.span.line})")
        if source is not None:
            return literal(f"{self.key} ({source.path})")
        return msg("{key} (no source)", key=self.key)

    def diff(self, context: int = 4) -> str:
        """The change as a plain word diff (``[-zweimal-]{+dreimal+}``)."""
        current = self.current.text if self.current is not None else ""
        return describe(self.locked.text, current, context)


def changed_citations(cited: Cited, lock: Lock | None) -> list[ChangedCitation]:
    """Every cited ``source#anchor`` whose locked text differs from its paragraph now, in
    key order; moved paragraphs found (see the module's docstring)."""
    if lock is None:
        return []
    changed = []
    where: dict[str, dict[str, list[str]]] = {}  # source id → locked text → anchors
    for key, anchor in cited.items():
        locked = lock.get(key)
        if locked is None or anchor.source is None:
            continue
        current = entry_for(anchor.paragraph) if anchor.paragraph is not None else None
        if current is not None and locked.fingerprint == current.fingerprint:
            continue
        moved_to = _moved_to(anchor, locked.text, where)
        if current is not None or moved_to is not None:  # else: the checker's unknown-anchor
            changed.append(ChangedCitation(anchor, locked, current, moved_to))
    return [_with_reason(change, changed) for change in changed]


def _moved_to(anchor: CitedAnchor, text: str, where: dict[str, dict[str, list[str]]]) -> str | None:
    """The positional anchor where ``text`` now stands, when it stands at exactly one
    paragraph of the source; None for an explicit ``^name`` (it follows its paragraph).
    ``where`` keeps each source's paragraphs by locked text, made once per source."""
    source = anchor.source
    if source is None or _POSITIONAL.fullmatch(anchor.anchor) is None:
        return None
    if source.id not in where:
        by_text: dict[str, list[str]] = {}
        for paragraph in source.paragraphs:
            by_text.setdefault(locked_text(paragraph), []).append(paragraph.anchor)
        where[source.id] = by_text
    found = where[source.id].get(text, [])
    return found[0] if len(found) == 1 else None


def _with_reason(change: ChangedCitation, changed: Sequence[ChangedCitation]) -> ChangedCitation:
    """``change`` with a word on how its paragraph moved: swapped with the paragraph now
    in its place, or moved by paragraphs inserted or removed above it."""
    if change.moved_to is None:
        return change
    old, new = int(change.cited.anchor[1:]), int(change.moved_to[1:])
    swapped = any(
        other.moved_to == f"p{old}" and other.cited.anchor == f"p{new}"
        for other in changed
        if other.cited.source is change.cited.source
    )
    return replace(change, move_reason=_reason(old, new, swapped))


def _reason(old: int, new: int, swapped: bool) -> Message:
    if swapped:
        return msg(
            "the paragraphs #p{first} and #p{second} changed places",
            first=min(old, new),
            second=max(old, new),
        )
    shift = abs(new - old)
    if new > old:
        return msg_n(
            "a paragraph was inserted above it",
            "{n} paragraphs were inserted above it",
            shift,
        )
    return msg_n(
        "a paragraph above it was removed",
        "{n} paragraphs above it were removed",
        shift,
    )


def lock_problems(
    cited: Cited, lock: Lock | None, frozen: bool, stale_is_error: bool
) -> list[Diagnostic]:
    """The lock's diagnostics: for every ref of a changed citation ``stale-citation`` or
    ``anchor-moved`` (errors when ``stale_is_error``), and with ``frozen`` citations missing
    from the lock (errors) and entries no brief cites (warnings)."""
    problems = _frozen_problems(cited, lock) if frozen else []
    for change in changed_citations(cited, lock):
        diff = change.diff() if change.moved_to is None else ""  # once for all its refs
        problems += [
            _changed_problem(change, diff, ref.span, stale_is_error) for ref in change.cited.refs
        ]
    return problems


def _frozen_problems(cited: Cited, lock: Lock | None) -> list[Diagnostic]:
    problems = unused_lock_entries(cited.keys(), lock)
    for key, anchor in cited.items():
        if anchor.paragraph is not None and (lock is None or key not in lock):
            problems += [
                error(
                    ref.span,
                    "unlocked-citation",
                    msg("citation {key} is not in {lock}", key=key, lock=LOCK_NAME),
                    hint=msg(
                        "run 'site-builder check' or 'site-builder lock' locally and commit {lock}",
                        lock=LOCK_NAME,
                    ),
                )
                for ref in anchor.refs
            ]
    return problems


def unused_lock_entries(
    cited: Collection[str], lock: Mapping[str, object] | None
) -> list[Diagnostic]:
    """A warning for each lock entry whose key no brief cites (``cited``: every cited key;
    ``lock``: the lock's entries, or anything else by the same keys)."""
    if lock is None:
        return []
    return [
        warning(
            Span(LOCK_NAME),
            "unused-lock-entry",
            msg("{lock} has an entry for {key}, which no brief cites", lock=LOCK_NAME, key=key),
            hint=msg("run 'site-builder check' or 'site-builder lock' to drop it"),
        )
        for key in sorted(lock.keys() - cited)
    ]


def _changed_problem(change: ChangedCitation, diff: str, span: Span, is_error: bool) -> Diagnostic:
    make = error if is_error else warning
    if change.moved_to is not None:
        return make(
            span,
            "anchor-moved",
            msg(
                "{key} now reads as #{anchor}: {reason}",
                key=change.key,
                anchor=change.moved_to,
                reason=change.move_reason,
            ),
            hint=msg(
                "run 'site-builder reanchor' to cite #{anchor}; a ^name at the end "
                "of the source paragraph pins it for good",
                anchor=change.moved_to,
            ),
        )
    return make(
        span,
        "stale-citation",
        msg("the text of {place} changed since this citation was checked", place=change.where),
        hint=msg(
            "check the brief against the new text, then accept it: 'site-builder lock "
            "{key}' (or review every change: 'site-builder review')",
            key=change.key,
        ),
        details=((DIFF, diff),),
    )
