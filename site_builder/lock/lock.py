"""``citations.lock``: the text of every cited paragraph as the editor checked it (SPEC §5).

The lock maps ``source#anchor`` to a fingerprint (SHA-256 of the paragraph's Markdown with
whitespace collapsed, so re-wrapping lines is no change) and that text, so a stale citation
can show old and new text. JSON, one key per cited anchor, sorted: diffs stay readable.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, Span, error
from ..model import CitationRef, Corpus, Paragraph, Source
from ..safe_files import replace_file

LOCK_NAME = "citations.lock"
LOCK_VERSION = 1
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class LockEntry:
    fingerprint: str
    text: str


Lock = Mapping[str, LockEntry]


def locked_text(paragraph: Paragraph) -> str:
    return _SPACES.sub(" ", paragraph.markdown).strip()


def fingerprint(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_for(paragraph: Paragraph) -> LockEntry:
    text = locked_text(paragraph)
    return LockEntry(fingerprint(text), text)


def read_lock(root: Path) -> tuple[dict[str, LockEntry] | None, list[Diagnostic]]:
    """The lock of the site at ``root``; None when there is none (or it cannot be read)."""
    path = root / LOCK_NAME
    if not path.is_file():
        return None, []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = {
            str(key): LockEntry(str(value["fingerprint"]), str(value["text"]))
            for key, value in data["citations"].items()
        }
    except json.JSONDecodeError as exc:
        return None, [_broken(Span(LOCK_NAME, exc.lineno, exc.colno), exc.msg)]
    except (UnicodeDecodeError, KeyError, TypeError, AttributeError) as exc:
        return None, [_broken(Span(LOCK_NAME), f"unexpected content ({exc})")]
    return entries, []


def _broken(span: Span, reason: str) -> Diagnostic:
    return error(
        span,
        "broken-lock",
        f"{LOCK_NAME} cannot be read: {reason}",
        hint="restore it from git, or run 'site-builder lock' to write it anew",
    )


def render_lock(entries: Mapping[str, LockEntry]) -> str:
    document = {
        "version": LOCK_VERSION,
        "comment": "Written by 'site-builder lock'. Text of every cited paragraph as checked; "
        "review changes before committing.",
        "citations": {
            key: {"fingerprint": entries[key].fingerprint, "text": entries[key].text}
            for key in sorted(entries)
        },
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


class LockWriteError(Exception):
    """``citations.lock`` could not be written (disk full, read-only site); the previous
    lock is as it was (an environment error, exit 2)."""


def write_lock(root: Path, entries: Mapping[str, LockEntry]) -> None:
    """Write the lock atomically: a reader never sees half a file. The temporary file is
    made anew (never a planted link followed) and ``replace`` puts it in place, replacing
    even a symbolic link named ``citations.lock`` instead of writing through it. Mode 0o666
    lets the umask decide, like any file an editor saves. Raises ``LockWriteError``."""
    data = render_lock(entries).encode("utf-8")
    try:
        replace_file(root / LOCK_NAME, data, 0o666)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise LockWriteError(
            f"could not write {LOCK_NAME}: {reason}; {LOCK_NAME} is unchanged"
        ) from exc


@dataclass(frozen=True, slots=True)
class CitedAnchor:
    """A ``source#anchor`` that briefs cite: every ref citing it so, with the sentence each
    stands in (``refs[i]`` in ``sentences[i]``), and what it resolves to now. ``source`` is
    None when no source has the id, ``paragraph`` when the source has no such anchor (errors
    the checker reports); the lock keeps such an entry while it is cited, so the text an
    editor checked is not lost to a typo or a deleted paragraph."""

    key: str
    source: Source | None
    paragraph: Paragraph | None
    refs: tuple[CitationRef, ...]
    sentences: tuple[str, ...]

    @property
    def anchor(self) -> str:
        return self.key.split("#", 1)[1]


Cited = Mapping[str, CitedAnchor]


def cited_anchors(corpus: Corpus) -> dict[str, CitedAnchor]:
    """Every cited ``source#anchor`` (refs without an anchor aside) by key, in key order."""
    found: dict[str, list[tuple[CitationRef, str]]] = {}
    for brief in corpus.briefs:
        for group in brief.citations:
            for ref in group.refs:
                if ref.anchor is not None:
                    found.setdefault(ref.key, []).append((ref, group.context))
    cited = {}
    for key, citing in sorted(found.items()):
        ref = citing[0][0]
        source = corpus.sources_by_id.get(ref.source_id)
        paragraph = source.paragraph(ref.anchor or "") if source is not None else None
        refs = tuple(ref for ref, _ in citing)
        cited[key] = CitedAnchor(key, source, paragraph, refs, tuple(s for _, s in citing))
    return cited


def updated_lock(
    cited: Cited, lock: Lock | None, accepted: Collection[str] = ()
) -> dict[str, LockEntry]:
    """The lock with new citations recorded and entries no brief cites dropped. An entry
    whose paragraph changed keeps its old text unless its key is in ``accepted``: only an
    editor who has seen the change accepts it. A cited anchor that resolves to nothing
    keeps its entry (if it has one)."""
    entries = {}
    for key, anchor in cited.items():
        old = lock.get(key) if lock is not None else None
        if anchor.paragraph is None:
            if old is not None:
                entries[key] = old
        elif old is None or key in accepted:
            entries[key] = entry_for(anchor.paragraph)
        else:
            entries[key] = old
    return entries


def lock_changes(old: Mapping[str, LockEntry], new: Mapping[str, LockEntry]) -> int:
    """How many keys were added, dropped or given a new text."""
    keys = set(old) | set(new)
    return sum(1 for key in keys if old.get(key) != new.get(key))
