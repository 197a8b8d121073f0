"""Page keys: a digest of everything a page's rendering reads, so a page whose key is the
one its file was written with last time need not be rendered again.

A page is plain data (``pages.Page``); its key is the sha256 of its pickle plus the
``site_key`` (site-builder itself, the theme, site.yaml, the render options). Pickling whole
briefs and sources into every key would cost more than rendering, so each loaded document
stands in the pickle as its *identity*: its path and the digest of its file's bytes, which
determine it (loading is a pure function of path and bytes). A key may change when nothing
visible did (a spurious re-render, never wrong); it cannot stay the same when anything a
template can read changed.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import operator
import pickle
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Brief, Source
from .pages import Page
from .site_index import Tag

Identities = Mapping[int, str]  # id() of a loaded object → its identity


def document_identities(
    sources: Iterable[Source], briefs: Iterable[Brief], digests: Mapping[str, str]
) -> dict[int, str]:
    """Identities of the documents (and source paragraphs) whose file digest is known;
    the objects must stay alive while the identities are used (``id`` is an address)."""
    identities: dict[int, str] = {}
    for source in sources:
        if source.path in digests:
            identity = f"{source.path}\0{digests[source.path]}"
            identities[id(source)] = identity
            for paragraph in source.paragraphs:
                identities[id(paragraph)] = f"{identity}\0{paragraph.index}"
    for brief in briefs:
        if brief.path in digests:
            identities[id(brief)] = f"{brief.path}\0{digests[brief.path]}"
    return identities


@dataclass
class KeptIdentities:
    """``document_identities`` kept between the builds of one process (``serve``) and
    brought up to date by comparing documents by object (``updated_identities``): making
    the identities of every document and source paragraph again cost 0.04 s a rebuild at
    20,000 pages. ``documents`` holds every document named in ``table``, so no address in
    it can be another object's meanwhile."""

    documents: dict[str, Source | Brief] = field(default_factory=dict)
    table: dict[int, str] = field(default_factory=dict)
    # The sources and briefs of the last build, in their order (``_edited_in_place``).
    order: tuple[Source | Brief, ...] = ()
    # The tags named in ``table`` by slug (``_updated_tags``), held as ``documents``.
    tags: dict[str, Tag] = field(default_factory=dict)


def updated_identities(
    kept: KeptIdentities,
    sources: Iterable[Source],
    briefs: Iterable[Brief],
    digests: Mapping[str, str],
    tags: Iterable[Tag] = (),
) -> dict[int, str]:
    """``document_identities(sources, briefs, digests)``, made by changing in ``kept`` the
    entries of the documents that are not the same objects as last time (a document that
    is the same object was loaded from the same bytes: its identity is the same); with
    the identities of ``tags`` (the index's) added."""
    _documents_updated(kept, sources, briefs, digests)
    _updated_tags(kept, tags)
    return kept.table


def _documents_updated(
    kept: KeptIdentities,
    sources: Iterable[Source],
    briefs: Iterable[Brief],
    digests: Mapping[str, str],
) -> None:
    every: tuple[Source | Brief, ...] = (*sources, *briefs)
    if _edited_in_place(kept, every, digests):
        return
    documents: dict[str, Source | Brief] = {}
    for document in every:
        if document.path not in digests:
            continue  # (as ``document_identities``: no identity without a digest)
        documents[document.path] = document
        if kept.documents.get(document.path) is not document:
            _forget(kept, document.path)
            kept.table.update(document_identities(*_alone(document), digests))
    for path in kept.documents.keys() - documents.keys():
        _forget(kept, path)
    kept.documents = documents
    kept.order = every


def _updated_tags(kept: KeptIdentities, tags: Iterable[Tag]) -> None:
    """Bring the identities of the tags in ``kept`` up to date with ``tags``: a tag that
    is the same object as last time holds the same briefs (objects, so the same
    identities); another is named again (``_tag_identity``). Called after the documents'
    identities are up to date: a tag's is made of its briefs'."""
    now: dict[str, Tag] = {}
    for tag in tags:
        if kept.tags.get(tag.slug) is not tag:
            identity = _tag_identity(tag, kept.table)
            if identity is None:
                continue  # (then pickled whole)
            kept.table[id(tag)] = identity  # (the old tag is still held: not its address)
        now[tag.slug] = tag
    for slug, old in kept.tags.items():
        if now.get(slug) is not old:
            kept.table.pop(id(old), None)
    kept.tags = now


def _edited_in_place(
    kept: KeptIdentities, every: tuple[Source | Brief, ...], digests: Mapping[str, str]
) -> bool:
    """Bring ``kept`` up to date when the documents are the last build's but for some
    replaced at their place (an edit in ``serve``), all of which had a digest and have one;
    whether it did. The documents that are not the same object are found in C: a loop over
    every document was 15 ms of a rebuild at 20,000 pages. (A document that is the same
    object was loaded from the same bytes: its digest is in ``digests`` as before.)"""
    last = kept.order
    if len(every) != len(last) or len(kept.documents) != len(last):
        return False
    at = list(itertools.compress(itertools.count(), map(operator.is_not, every, last)))
    if not all(every[n].path == last[n].path and every[n].path in digests for n in at):
        return False
    for n in at:
        document = every[n]
        _forget(kept, document.path)
        kept.table.update(document_identities(*_alone(document), digests))
        kept.documents[document.path] = document
    kept.order = every
    return True


def _forget(kept: KeptIdentities, path: str) -> None:
    """Drop the entries of the document ``kept`` holds at ``path`` (it is still held, so
    its address and its paragraphs' are still its own)."""
    old = kept.documents.get(path)
    if old is None:
        return
    kept.table.pop(id(old), None)
    for paragraph in old.paragraphs if isinstance(old, Source) else ():
        kept.table.pop(id(paragraph), None)


def _alone(document: Source | Brief) -> tuple[tuple[Source, ...], tuple[Brief, ...]]:
    return ((document,), ()) if isinstance(document, Source) else ((), (document,))


def page_key(page: Page, site_key: str, identities: Identities) -> str | None:
    """The page's key, or None when it cannot be had (something in it does not pickle:
    then the page is always rendered)."""
    buffer = io.BytesIO()
    buffer.write(site_key.encode())
    try:
        _KeyPickler(buffer, identities).dump(page)
    except (pickle.PicklingError, TypeError, AttributeError):
        return None
    return hashlib.sha256(buffer.getvalue()).hexdigest()


class _KeyPickler(pickle.Pickler):
    def __init__(self, file: io.BytesIO, identities: Identities) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._identities = identities

    def reducer_override(self, obj: Any) -> Any:
        # Called for instances of classes only (not str, int, dict, tuple …): cheap enough.
        identity = self._identities.get(id(obj))
        if identity is None:
            return _tag_key(obj, self._identities) if type(obj) is Tag else NotImplemented
        return (_identity, (identity,))


def _identity(identity: str) -> str:
    """What an identity unpickles to; keys are never unpickled, but pickle needs a callable."""
    return identity


def _tag_key(tag: Tag, identities: Identities) -> Any:
    """A tag without a kept identity (a build outside ``serve``): its ``_tag_identity``,
    or pickled as usual when a brief of it has none."""
    identity = _tag_identity(tag, identities)
    return NotImplemented if identity is None else (_identity, (identity,))


def _tag_identity(tag: Tag, identities: Identities) -> str | None:
    """A tag's identity: a digest of its name, slug and its briefs' identities in order (no
    path holds a NUL, so the joined string names the list; the name and slug by ``repr``),
    made in C. The list of tags
    holds every brief of every tag, and a Python call per brief to key it was 75 ms of
    each ``serve`` rebuild at 20,000 pages (``serve`` keeps an unchanged tag's: 40,000
    brief identities joined still took 35 ms). None when a brief has no identity."""
    try:
        briefs = "\0".join(map(identities.__getitem__, map(id, tag.briefs)))
    except KeyError:
        return None
    named = f"{(tag.name, tag.slug)!r}\0{briefs}".encode("utf-8", "surrogatepass")
    return "tag\0" + hashlib.sha256(named).hexdigest()
