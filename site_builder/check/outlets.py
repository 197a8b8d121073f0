"""Outlets: how sources record them, and which outlet a brief's sentence names as the reporter.

One key per outlet, so the ways articles and editors write a name compare equal:
``die-nachrichten.at``, ``https://www.die-nachrichten.at/politik`` and ``Die Nachrichten``
all have the key ``dienachrichten``. Pure functions of text.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
# A host name as written: labels joined by dots and a top-level domain, maybe a port and
# a path after it.
_HOST = re.compile(r"^(?:[^\W_](?:[\w-]*[^\W_])?\.)+[^\W\d_]{2,24}(?::\d+)?(?:[/?#].*)?$")
# In running text only a lower-case top-level domain makes a word an address: "z.B." and
# "Mio.Euro" are not.
_PROSE_DOMAIN = re.compile(r"^(?:https?://)?(?:[^\W_](?:[\w-]*[^\W_])?\.)+[a-z]{2,24}(?:/\S*)?$")
# Second-level labels under a country's domain (bbc.co.uk, orf.gv.at): part of the suffix.
_GENERIC_SECOND_LEVEL = frozenset({"ac", "co", "com", "gov", "gv", "net", "or", "org"})


def host_of(text: str) -> str | None:
    """The host ``text`` names (without scheme, ``www.``, port and path), or None when it
    is a name rather than a domain or an address."""
    bare = _SCHEME.sub("", text.strip())
    if not bare or any(ch.isspace() for ch in bare) or not _HOST.match(bare):
        return None
    host = re.split(r"[:/?#]", bare, maxsplit=1)[0]
    return host[4:] if host.casefold().startswith("www.") else host


def outlet_key(text: str) -> str:
    """What two ways of writing one outlet have in common: case-folded, without scheme,
    ``www.``, path and top-level domain, letters and digits only."""
    host = host_of(text)
    name = text if host is None else _without_suffix(host)
    return "".join(ch for ch in name.casefold() if ch.isalnum())


def _without_suffix(host: str) -> str:
    labels = host.split(".")[:-1]
    if len(labels) > 1 and labels[-1].casefold() in _GENERIC_SECOND_LEVEL:
        labels = labels[:-1]
    return ".".join(labels)


def outlet_label(text: str) -> str:
    """How messages name an outlet: an address by its host (``kleinezeitung.at``), a name
    as written."""
    return host_of(text) or text.strip()


def outlet_keys(texts: Iterable[str | None]) -> frozenset[str]:
    """The keys of ``texts`` (outlets, URLs, ``based_on`` entries); none for empty ones."""
    return frozenset(key for text in texts if text for key in [outlet_key(text)] if key)


@dataclass(frozen=True, slots=True)
class Reporter:
    """An outlet a sentence names as the one reporting what it says, as written."""

    text: str
    key: str


@dataclass(frozen=True, slots=True)
class _Word:
    text: str  # without the punctuation and quotation marks around it
    joins_next: bool  # no punctuation between it and the next word


_EDGE = "\"'„“”»«‚‘’›‹()[]{}.,;:!?"
_LONGEST_NAME = 4  # words in an outlet's name ("Neue Zürcher Zeitung am Sonntag" is rare)
_ARTICLES = frozenset({"der", "die", "das", "des", "dem", "den", "the"})
# "berichtete kleinezeitung.at" names the reporter after the verb, "X berichtete" before.
_VERBS = frozenset(
    {"berichtet", "berichtete", "berichteten", "meldet", "meldete", "meldeten"}
    | {"schreibt", "schrieb", "reported", "reports", "wrote", "writes"}
)
_BEFORE_REPORTER = (
    ("laut",),
    ("according", "to"),
    ("reported", "by"),
    ("nach", "angaben", "von"),
    ("nach", "angaben", "des"),
    ("nach", "angaben", "der"),
    *((verb,) for verb in sorted(_VERBS)),
)
_CUES_BY_FIRST_WORD = {
    first: [cue for cue in _BEFORE_REPORTER if cue[0] == first]
    for first in {cue[0] for cue in _BEFORE_REPORTER}
}
_AFTER_REPORTER = frozenset({"zufolge"} | _VERBS)
# "wie X … berichtete": X reports even with words between it and the verb.
_AS = frozenset({"wie", "as"})
# "unter Berufung auf kleinezeitung.at": whom the reporter relies on, not the reporter.
_RELIED_ON = (("berufung", "auf"), ("verweis", "auf"), ("bezug", "auf"), ("citing",), ("quoting",))
# Most sentences name no reporter: looking for the stems of the cue words first spares
# reading their words (a regular expression of the words took several times as long).
_CUE_STEMS = ("laut", "according", "angaben", "zufolge", "bericht", "meld", "schr", "report", "wr")


_CUE = re.compile("|".join(_CUE_STEMS), re.IGNORECASE)
_DOMAIN_LIKE = re.compile(r"[^\W_]\.[a-z]{2}")
_NOT_ALNUM = re.compile(r"[\W_]+")


def named_reporters(sentence: str, known: Collection[str]) -> tuple[Reporter, ...]:
    """The outlets ``sentence`` names as the reporter ("wie kleinezeitung.at berichtete",
    "laut tagesschau.de", "X zufolge", "nach Angaben von X", "according to X",
    "X reported"). A name counts when its key is one of ``known`` or it is written as a
    domain; "laut Peskow" names a person. In "wie A unter Berufung auf B berichtete" the
    reporter is A."""
    if not _CUE.search(sentence):
        return ()
    if not _DOMAIN_LIKE.search(sentence):
        # No address in the sentence: a reporter can only be a known outlet, whose key
        # then stands in the sentence's letters and digits.
        letters = _NOT_ALNUM.sub("", sentence.casefold())
        if not any(key in letters for key in known):
            return ()
    words = _words(sentence)
    lowered = [word.text.casefold() for word in words]
    found: dict[int, Reporter] = {}
    for index in range(len(words)):
        for start, reporter in _reporters_at(words, lowered, index, known):
            if not _relied_on(lowered, start):
                found.setdefault(start, reporter)
    return tuple(found[start] for start in sorted(found))


def _words(sentence: str) -> list[_Word]:
    words = []
    for raw in sentence.split():
        text = raw.strip(_EDGE)
        if text:
            words.append(_Word(text, joins_next=raw.rstrip(_EDGE) == raw))
    return words


def _reporters_at(
    words: Sequence[_Word], lowered: Sequence[str], index: int, known: Collection[str]
) -> Iterable[tuple[int, Reporter]]:
    """The reporters a cue word at ``index`` points to, by the word index they start at."""
    for cue in _CUES_BY_FIRST_WORD.get(lowered[index], ()):
        if tuple(lowered[index : index + len(cue)]) == cue:
            yield from _name_from(words, lowered, index + len(cue), known)
    if lowered[index] in _AS and any(word in _VERBS for word in lowered[index + 1 :]):
        yield from _name_from(words, lowered, index + 1, known)
    if lowered[index] in _AFTER_REPORTER:
        for length in range(min(_LONGEST_NAME, index), 0, -1):
            reporter = _outlet(words[index - length : index], known)
            if reporter is not None:
                yield index - length, reporter
                return


def _name_from(
    words: Sequence[_Word], lowered: Sequence[str], start: int, known: Collection[str]
) -> Iterable[tuple[int, Reporter]]:
    """The longest outlet name at ``start``, or after an article there ("laut der …")."""
    starts = [start, start + 1] if start < len(words) and lowered[start] in _ARTICLES else [start]
    for first in starts:
        for length in range(min(_LONGEST_NAME, len(words) - first), 0, -1):
            reporter = _outlet(words[first : first + length], known)
            if reporter is not None:
                yield first, reporter
                return


def _outlet(phrase: Sequence[_Word], known: Collection[str]) -> Reporter | None:
    if any(not word.joins_next for word in phrase[:-1]):
        return None  # "Wien, Graz": punctuation ends a name
    text = " ".join(word.text for word in phrase)
    key = outlet_key(text)
    if key in known or (len(phrase) == 1 and _PROSE_DOMAIN.match(text)):
        return Reporter(text, key) if key else None
    return None


def _relied_on(lowered: Sequence[str], start: int) -> bool:
    """Whether the name at ``start`` follows "unter Berufung auf" (maybe with an article)."""
    before = list(lowered[max(0, start - 3) : start])
    if before and before[-1] in _ARTICLES:
        before.pop()
    return any(tuple(before[-len(cue) :]) == cue for cue in _RELIED_ON)
