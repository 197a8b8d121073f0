"""``reanchor``: follow cited paragraphs that moved (SPEC §5, ``anchor-moved``).

When a positional anchor's locked text now stands unchanged at exactly one other paragraph
(``stale.ChangedCitation.moved_to``), every citation of it is rewritten to the new anchor:
only the anchor's characters change, the rest of the brief file stays byte for byte as it
was. A paragraph that moved *and* changed is never followed (it is a ``stale-citation``).
Planning is pure; ``rewrite_briefs`` is the only function that writes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Span
from ..load.file_states import digest
from ..safe_files import new_file
from .lock import Cited, LockEntry, entry_for
from .stale import ChangedCitation

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # what ends a line for diagnostics' line numbers
_ANCHOR_CHARACTER = re.compile(r"[^\s;\[\]]")  # what may continue an anchor (markdown._REF)


@dataclass(frozen=True, slots=True)
class Rewrite:
    """One citation to rewrite: the ``@`` of ``@source#old`` at ``span`` becomes
    ``@source#new``."""

    span: Span
    source_id: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.span.path}:{self.span.line}: {self.source_id}#{self.old} → #{self.new}"


@dataclass(frozen=True, slots=True)
class Held:
    """A move that is not followed, and why."""

    key: str
    reason: str


def plan_moves(
    changed: Sequence[ChangedCitation], cited: Cited, only: Collection[str] | None = None
) -> tuple[list[ChangedCitation], list[Held]]:
    """The moves to follow (all, or those whose key is in ``only``) and those held back.

    A move onto an anchor that is cited too, whose own paragraph changed and that does not
    move away itself, is held: one lock entry cannot vouch for both, and following the move
    would accept that other change unseen.
    """
    moves = {c.key: c for c in changed if c.moved_to and (only is None or c.key in only)}
    stale = {c.key for c in changed}
    held: list[Held] = []
    blocked = _blocked(moves, cited, stale)
    while blocked is not None:  # holding one move back can block another onto its anchor
        move = moves.pop(blocked)
        target = _target(move)
        held.append(
            Held(
                move.key,
                f"{target} is cited too and its paragraph changed; settle that citation "
                "first, then run 'site-builder reanchor' again",
            )
        )
        blocked = _blocked(moves, cited, stale)
    return list(moves.values()), held


def _blocked(moves: Mapping[str, ChangedCitation], cited: Cited, stale: set[str]) -> str | None:
    for key, move in moves.items():
        target = _target(move)
        if target in cited and target not in moves and target in stale:
            return key
    return None


def _target(move: ChangedCitation) -> str:
    return f"{move.cited.key.split('#', 1)[0]}#{move.moved_to}"


def rewrites_for(moves: Iterable[ChangedCitation]) -> list[Rewrite]:
    """Every citation of the moved anchors, in file order."""
    found = [
        Rewrite(ref.span, ref.source_id, ref.anchor or "", move.moved_to or "")
        for move in moves
        for ref in move.cited.refs
    ]
    return sorted(found, key=lambda r: (r.span.path, r.span.line, r.span.col))


def rewrite_briefs(
    root: Path, rewrites: Sequence[Rewrite], digests: Mapping[str, str]
) -> tuple[list[Rewrite], list[str]]:
    """Apply ``rewrites`` to the brief files; the rewrites done, and a reason for each file
    left alone. A file is rewritten whole or not at all, and only when its bytes are still
    those checked (``digests``) and every citation stands where it was read."""
    done: list[Rewrite] = []
    refused: list[str] = []
    by_path: dict[str, list[Rewrite]] = {}
    for rewrite in rewrites:
        by_path.setdefault(rewrite.span.path, []).append(rewrite)
    for path, in_file in sorted(by_path.items()):
        problem = _rewrite_file(root, path, in_file, digests.get(path))
        if problem is None:
            done += in_file
        else:
            refused.append(f"{path}: {problem}; not changed")
    return done, refused


def _rewrite_file(
    root: Path, path: str, rewrites: Sequence[Rewrite], expected: str | None
) -> str | None:
    """Rewrite one brief file; None when done, else why it was left alone."""
    file = root / path
    if file.is_symlink() or not file.is_file():
        return "not a regular file"
    data = file.read_bytes()
    if expected is None or digest(data) != expected:
        return "the file changed since it was checked (run 'site-builder reanchor' again)"
    text = data.decode("utf-8")
    starts = [0] + [match.end() for match in _LINE_BREAK.finditer(text)]
    # From the end, so earlier offsets stay valid while anchors change length.
    for rewrite in sorted(rewrites, key=lambda r: (r.span.line, r.span.col), reverse=True):
        at = starts[rewrite.span.line - 1] + rewrite.span.col - 1
        written = f"@{rewrite.source_id}#{rewrite.old}"
        end = at + len(written)
        if not text.startswith(written, at) or _ANCHOR_CHARACTER.match(text, end):
            return f"no citation {written} at line {rewrite.span.line}"
        text = text[: end - len(rewrite.old)] + rewrite.new + text[end:]
    _replace_file(file, text.encode("utf-8"))
    return None


def _replace_file(file: Path, data: bytes) -> None:
    """Write ``data`` to ``file`` atomically, keeping its permissions. The temporary file
    is made anew under a random name (a name planted in the repository, or a link, is
    never opened)."""
    mode = file.stat().st_mode & 0o7777
    handle, temporary = new_file(file.parent, f".{file.name}.reanchor.", 0o600)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            os.fchmod(stream.fileno(), mode)
        os.replace(temporary, file)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def reanchored_lock(
    lock: Mapping[str, LockEntry], moves: Sequence[ChangedCitation], done: Sequence[Rewrite]
) -> dict[str, LockEntry]:
    """The lock after ``done``: for each move the new anchor locked with its text (the
    text checked before it moved) and the old anchor dropped once no citation of it is
    left."""
    entries = dict(lock)
    rewritten = {(r.span, r.source_id, r.old) for r in done}
    followed = []
    for move in moves:
        refs = move.cited.refs
        count = sum(1 for ref in refs if (ref.span, ref.source_id, ref.anchor) in rewritten)
        if count == len(refs):
            entries.pop(move.key, None)
        if count:
            followed.append(move)
    # Added after every drop: p14 → p15 and p15 → p16 must leave p15 locked.
    for move in followed:
        source = move.cited.source
        target = source.paragraph(move.moved_to or "") if source is not None else None
        assert target is not None, "a move's target is a paragraph of its source"
        entries[_target(move)] = entry_for(target)
    return entries
