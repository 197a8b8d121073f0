"""``citations.lock``: the text of every cited paragraph as the editor checked it (SPEC §5).

The lock maps ``source#anchor`` to a fingerprint (SHA-256 of the paragraph's Markdown with
whitespace collapsed, so re-wrapping lines is no change) and that text, so a stale citation
can show old and new text. JSON, one key per cited anchor, sorted: diffs stay readable.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .diagnostics import Diagnostic, Span, error, warning
from .model import CitationRef, Corpus, Paragraph

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


def write_lock(root: Path, entries: Mapping[str, LockEntry]) -> None:
    """Write the lock atomically: a reader never sees half a file."""
    temporary = root / f".{LOCK_NAME}.{os.getpid()}.tmp"
    # os.open with 0o666 lets the umask decide, like any file an editor saves
    # (tempfile.mkstemp would make the lock readable by its owner only).
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(render_lock(entries))
        os.replace(temporary, root / LOCK_NAME)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


Cited = Mapping[str, tuple[Paragraph, list[CitationRef]]]


def cited_paragraphs(corpus: Corpus) -> dict[str, tuple[Paragraph, list[CitationRef]]]:
    """Every resolvable cited ``source#anchor`` with its paragraph and the refs citing it."""
    cited: dict[str, tuple[Paragraph, list[CitationRef]]] = {}
    for brief in corpus.briefs:
        for ref in brief.refs():
            source = corpus.sources_by_id.get(ref.source_id)
            paragraph = source.paragraph(ref.anchor) if source and ref.anchor else None
            if paragraph is not None:
                cited.setdefault(ref.key, (paragraph, []))[1].append(ref)
    return cited


def compare_lock(cited: Cited, lock: Lock | None, frozen: bool) -> list[Diagnostic]:
    """Stale citations (text changed since locked) and, with ``frozen``, missing entries."""
    problems = []
    make = error if frozen else warning
    if frozen and lock is not None:
        problems += [
            warning(
                Span(LOCK_NAME),
                "unused-lock-entry",
                f"{LOCK_NAME} has an entry for {key}, which no brief cites",
                hint="run 'site-builder check' or 'site-builder lock' to drop it",
            )
            for key in sorted(set(lock) - set(cited))
        ]
    for key, (paragraph, refs) in sorted(cited.items()):
        entry = lock.get(key) if lock is not None else None
        current = entry_for(paragraph)
        for ref in refs:
            if entry is None and frozen:
                problems.append(
                    error(
                        ref.span,
                        "unlocked-citation",
                        f"citation {key} is not in {LOCK_NAME}",
                        hint=f"run 'site-builder check' or 'site-builder lock' locally and commit "
                        f"{LOCK_NAME}",
                    )
                )
            elif entry is not None and entry.fingerprint != current.fingerprint:
                problems.append(
                    make(
                        ref.span,
                        "stale-citation",
                        f"the text of {key} ({paragraph.span.path}:{paragraph.span.line}) changed "
                        "since this citation was checked",
                        hint="check the brief against the new text, then run 'site-builder lock'",
                        details=(("old", entry.text), ("new", current.text)),
                    )
                )
    return problems


def updated_lock(cited: Cited, lock: Lock | None) -> dict[str, LockEntry]:
    """The lock ``check`` keeps: new citations added, uncited entries dropped, stale ones
    left as they were (only ``lock`` accepts a changed text)."""
    entries = {}
    for key, (paragraph, _refs) in cited.items():
        old = lock.get(key) if lock is not None else None
        entries[key] = old if old is not None else entry_for(paragraph)
    return entries


def accepted_lock(cited: Cited) -> dict[str, LockEntry]:
    """The lock ``site-builder lock`` writes: the current text of every cited paragraph."""
    return {key: entry_for(paragraph) for key, (paragraph, _) in cited.items()}
