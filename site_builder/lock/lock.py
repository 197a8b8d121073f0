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
from typing import TYPE_CHECKING, Any

from ..diagnostics import Diagnostic, Span, error
from ..load.discover import read_site_file
from ..messages import Message, literal, msg, msg_n
from ..names import is_utf8, shown
from ..safe_files import replace_file

if TYPE_CHECKING:  # (types only: every command line imports this module, for the lock's name)
    from ..corpus import Corpus
    from ..model import CitationRef, Paragraph, Source

LOCK_NAME = "citations.lock"
LOCK_VERSION = 1
# A lock holds the text of every cited paragraph once, about 700 bytes for one of 500
# characters: 64 MiB are 90,000 cited paragraphs (the 20,000-page benchmark site's
# sources have about 37,000 paragraphs in all). A larger file is not read (nor any part
# of it): a lock is parsed whole, so the cap bounds what a hostile one can cost.
MAX_LOCK_BYTES = 64 * 1024 * 1024
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
    """The lock of the site at ``root``; None when there is none or it cannot be read (the
    diagnostics say why: it is not a plain file of the site, is too large, is no lock this
    version of site-builder wrote, or an entry is broken)."""
    data = read_site_file(root, LOCK_NAME, MAX_LOCK_BYTES)
    if data is None or isinstance(data, Diagnostic):
        return None, [] if data is None else [data]
    return parse_lock(data)


def parse_lock(data: bytes) -> tuple[dict[str, LockEntry] | None, list[Diagnostic]]:
    """The entries of a lock file's bytes, or None and why they cannot be trusted."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = _position(data[: exc.start].decode("utf-8"), exc.start)
        return None, [_broken(Span(LOCK_NAME, line, col), msg("it is not UTF-8 text"))]
    twice: list[int] = []  # one item per object with a key written twice
    try:
        document = json.loads(text, object_pairs_hook=lambda pairs: _unique(pairs, twice))
    except json.JSONDecodeError as exc:
        # At the very end ("Expecting value" after the last line break) the place is
        # the end of the last line: there is no line after it to go to.
        end = min(exc.pos, len(text.rstrip("\n")))
        return None, [_broken(Span(LOCK_NAME, *_position(text[:end], end)), literal(exc.msg))]
    except RecursionError:  # the JSON parser recurses once per bracket
        return None, [_broken(Span(LOCK_NAME), msg("it is nested too deeply"))]
    if twice:
        return None, [_written_twice(text, len(twice))]
    version = _version_problem(document)
    if version is not None:
        return None, [version]
    return _entries(document["citations"], text)


def _unique(pairs: list[tuple[str, Any]], twice: list[int]) -> dict[str, Any]:
    """A JSON object as a dict; keys written twice in it are added to ``twice`` (a dict
    would silently keep the last value, and either value may be the one checked)."""
    found = dict(pairs)
    if len(found) < len(pairs):
        twice.append(1)
    return found


def _written_twice(text: str, objects: int) -> Diagnostic:
    key, position = _first_key_written_twice(text)
    line, col = _position(text[:position], position)
    reason = msg(
        "the key '{key}' is written twice; which value was checked is unknown", key=shown(key)
    )
    if objects > 1:
        reason = msg_n(
            "the key '{key}' is written twice (and in {n} more place); which value was "
            "checked is unknown",
            "the key '{key}' is written twice (and in {n} more places); which value was "
            "checked is unknown",
            objects - 1,
            key=shown(key),
        )
    return _broken(
        Span(LOCK_NAME, line, col),
        reason,
        hint=msg(
            "resolve the merge: keep one entry per key (restore the lock from git, or run "
            "'site-builder lock --all' and review the citations)"
        ),
    )


# A JSON string or one of the characters that open, close or separate objects and lists.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[{}\[\]:]')


def _first_key_written_twice(text: str) -> tuple[str, int]:
    """The first key of valid JSON ``text`` that its object has already, and its offset.
    Read only when ``json`` found one; the stack is a list, so depth costs no recursion."""
    open_objects: list[set[str] | None] = []  # None: a list
    last: re.Match[str] | None = None
    for token in _JSON_TOKEN.finditer(text):
        kind = token.group()
        if kind in "{[":
            open_objects.append(set() if kind == "{" else None)
        elif kind in "}]":
            open_objects.pop()
        elif kind == ":" and last is not None and open_objects[-1] is not None:
            key = json.loads(last.group())
            if key in open_objects[-1]:
                return key, last.start()
            open_objects[-1].add(key)
        last = token
    return "", 0


def _version_problem(document: object) -> Diagnostic | None:
    if not isinstance(document, dict) or not isinstance(document.get("citations"), dict):
        return _broken(Span(LOCK_NAME), msg('it is not an object with "citations"'))
    version = document.get("version")
    if type(version) is int and version == LOCK_VERSION:
        return None
    has = (
        msg("version {value}", value=_shown_value(version))
        if "version" in document
        else msg("no version")
    )
    return error(
        Span(LOCK_NAME),
        "broken-lock",
        msg(
            "{lock} has {has}; this site-builder reads version {version} only",
            lock=LOCK_NAME,
            has=has,
            version=LOCK_VERSION,
        ),
        hint=msg(
            "upgrade site-builder (pip install -U site-builder) to read it, or restore "
            "the lock from git"
        ),
    )


def _shown_value(value: object) -> Message:
    """A JSON value for a message: a scalar as written (cut), a list or object by kind."""
    if isinstance(value, list | dict):
        return msg("a list") if isinstance(value, list) else msg("an object")
    return literal(shown(json.dumps(value), 20))


def _entries(
    citations: dict[str, Any], text: str
) -> tuple[dict[str, LockEntry] | None, list[Diagnostic]]:
    entries = {}
    for key, value in citations.items():
        entry = _entry(value)
        if entry is None:
            return None, [_broken_entry(key, text)]
        entries[key] = entry
    # Only a JSON escape (\ud800) makes a lone surrogate, and a lock rarely holds one
    # at all: the costly check of every text runs only then.
    if _SURROGATE_ESCAPE.search(text) is not None:
        for key, entry in entries.items():
            if not is_utf8(key + entry.fingerprint + entry.text):
                return None, [_broken_entry(key, text)]
    return entries, []


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _entry(value: object) -> LockEntry | None:
    """The entry ``value`` stands for, or None when it is not two texts."""
    if not isinstance(value, dict):
        return None
    fingerprint, text = value.get("fingerprint"), value.get("text")
    if not (isinstance(fingerprint, str) and isinstance(text, str)):
        return None
    return LockEntry(fingerprint, text)


def _broken_entry(key: str, text: str) -> Diagnostic:
    quoted = json.dumps(key)  # as ensure_ascii writes it: escapes stay printable
    found = text.find(json.dumps(key, ensure_ascii=False)) if is_utf8(key) else -1
    line, col = _position(text[:found], found) if found >= 0 else (1, 1)
    return _broken(
        Span(LOCK_NAME, line, col),
        msg('the entry {key} is not a "fingerprint" and "text" of UTF-8 text', key=quoted[:80]),
    )


def _position(before: str, offset: int) -> tuple[int, int]:
    """(line, column) of the place after ``before``, 1-based, as JSON counts lines."""
    return before.count("\n") + 1, offset - before.rfind("\n")


def _broken(span: Span, reason: Message, hint: Message | None = None) -> Diagnostic:
    return error(
        span,
        "broken-lock",
        msg("{lock} cannot be read: {reason}", lock=LOCK_NAME, reason=reason),
        hint=hint or msg("restore it from git, or run 'site-builder lock' to write it anew"),
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
