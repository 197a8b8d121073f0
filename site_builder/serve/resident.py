"""What ``serve`` keeps in memory between builds: the loaded documents and the results
made from them (``memo.Memo``), so a rebuild after an edit parses only the edited files and
makes again only what they touch.

A rebuild is the same pure pipeline as a cold build, fed with the same objects for the
files whose bytes did not change: its output is the cold build's, byte for byte (tested
with random edit sequences in ``tests/test_resident.py``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache import BuildCache
from ..check.check import corpus_in_order
from ..check.incremental import MemoryCheck
from ..check.summaries import FileSummary, summarise
from ..corpus import Corpus
from ..diagnostics import Diagnostic
from ..load.discover import SiteFiles, discover
from ..load.discover_look import Discovered, discover_again
from ..load.file_states import DIGEST, SETTLE_NS, Scan, scan_site
from ..load.load import Document, load_documents
from ..memo import Memo
from ..model import Brief, SitePage, Source
from ..output.previous_build import BuildRecord, InputScan, write_record
from ..output.write import OutputFolderError, output_lock
from ..progress import Progress, no_progress
from ..render.page_keys import KeptIdentities
from ..render.site_index import IndexState, SiteIndex, updated_index
from ..search.search_error import never_interrupted

if TYPE_CHECKING:
    from ..render.render import KeptRender
    from ..search.search_records import SearchRecord


@dataclass(frozen=True, slots=True)
class KeptDocument:
    """A loaded file: the digest of the bytes it was loaded from, what they gave, and its
    summary for the site-wide checks (``check.summaries``)."""

    digest: str
    document: Document | None
    problems: tuple[Diagnostic, ...]
    summary: FileSummary


@dataclass(frozen=True, slots=True)
class ResidentLoad:
    """Every document of the site in path order, the problems found loading them, and the
    digest of each file that could be read."""

    sources: list[Source]
    briefs: list[Brief]
    pages: list[SitePage]
    problems: list[Diagnostic]
    digests: dict[str, str]
    documents: dict[str, Document]  # by path
    summaries: dict[str, FileSummary]  # by path, every file (unreadable ones too)


@dataclass
class Resident:
    """The documents of the last build (by path) with the scan that vouches for them, the
    memo of what was made from them, and the check's state (``check.incremental``: what
    the site-wide checks derived, each brief's problems with the key of what they were
    computed from)."""

    memo: Memo = field(default_factory=Memo)
    documents: dict[str, KeptDocument] = field(default_factory=dict)
    scan: Scan | None = None
    check: MemoryCheck = field(default_factory=MemoryCheck)
    # Set while the site is being loaded into memory: a build must not stop at "the
    # output is up to date" then (it would load nothing).
    load_always: bool = False
    # The index of the last build, updated by the next one (``site_index.updated_index``).
    index: IndexState | None = None
    # The inputs as ``serve``'s watcher walked them just before this build (``watch.
    # look_at_inputs``): the build takes them instead of walking the inputs again.
    inputs: InputScan | None = None
    # Asked while this build indexes for search: True stops the indexing
    # (``search_bundle.SearchInterrupted``), so that ``serve``'s rebuild of the whole index
    # gives way to an edit that came meanwhile.
    interrupted: Callable[[], bool] = field(default=never_interrupted)
    # The output folder and the record (with its file lists) of the last build that
    # wrote one: the next build takes the lists from here when the record read from the
    # cache is this one (``previous_build.with_files``).
    output: tuple[Path, BuildRecord] | None = None
    # What the last discovery from a look found (``discover_look.discover_again``): the
    # next takes unchanged folders from here.
    discovered: Discovered = field(default_factory=Discovered)
    # The last ``load``'s result, so that the next patches what an edit changed.
    loaded: _Assembled | None = None
    # The pages of the last build that wrote one, with the stamp of its record
    # (``previous_build.record_stamp``): the next build patches them (``render_patch``).
    rendered: tuple[str, KeptRender] | None = None
    # The identities of the documents for page keys, updated by each build
    # (``page_keys.updated_identities``).
    identities: KeptIdentities = field(default_factory=KeptIdentities)
    # The corpus of the last build (``corpus``).
    last_corpus: Corpus | None = None
    # The record of the last build, not stored yet (``store_record``): the cache, the
    # output folder and the record.
    record_due: tuple[BuildCache, Path, BuildRecord] | None = None
    # The search records the last indexing build gave Pagefind: ``serve``'s search
    # overlay (``search_overlay``) indexes what changed since them.
    indexed: list[SearchRecord] | None = None

    def store_record(self) -> None:
        """Store the last build's record in the cache, if not yet; the caller holds the
        output folder's lock (``write.output_lock``). ``serve`` stores it after the edited
        page is shown (``store_record_unlocked``: the browser reloads on the page, not on
        the record: 50 ms of a rebuild at 20,000 pages), every resident build before it
        reads the cache. Until then the cache holds the record before it, which no build
        trusts for the output as it is now (its folder is another since the swap: not up
        to date, and every kept file is checked before it is linked), as after a crash
        between the write and the record."""
        due, self.record_due = self.record_due, None
        if due is not None:
            write_record(*due)

    def store_record_unlocked(self) -> None:
        """``store_record`` for a caller that does not hold the output folder's lock: it
        is taken; when another process holds it (a ``build`` into ``serve``'s folder), the
        record is dropped, since that build's record stands."""
        if self.record_due is None:
            return
        try:
            with output_lock(self.record_due[1]):
                self.store_record()
        except OutputFolderError:
            self.record_due = None

    def discover(self, root: Path) -> tuple[SiteFiles, list[Diagnostic]]:
        """The site's files (``discover``), found in the watcher's look when one was handed
        over (``inputs``): the inputs were just walked, a second walk would find the same."""
        looked = self.inputs
        if looked is None or looked.listings is None:
            return discover(root)
        steady = looked.started - SETTLE_NS  # the racy-time rule of ``file_states``
        files, problems, self.discovered = discover_again(
            root, looked.started, looked.listings, steady, self.discovered
        )
        return files, problems

    def load(self, root: Path, files: SiteFiles, progress: Progress = no_progress) -> ResidentLoad:
        """Every file of ``files``: the kept document while its bytes are the same (by
        ``stat``, or by digest where ``stat`` cannot vouch), else loaded anew."""
        scan = scan_site(root, files, self.scan)
        kept, stale = _same_bytes(files, self.documents, scan)
        fresh = load_documents(root, stale, progress=progress)
        unreadable: dict[str, list[Diagnostic]] = {}
        for path, file in fresh.files.items():
            document, problems = fresh.documents.get(path), list(fresh.file_problems[path])
            if file.digest is None:  # not kept: an unreadable file is tried again next time
                unreadable[path] = problems
            else:
                summary = summarise(path, file.digest, document, problems)
                kept[path] = KeptDocument(file.digest, document, tuple(problems), summary)
        last, self.documents, self.scan = self.loaded, kept, scan
        self.memo.new_build()
        patched = None
        if last is not None and not unreadable:
            patched = _patched(last, files, [kept[path] for path in fresh.files], fresh.files)
        self.loaded = patched or _Assembled.of(files, kept, unreadable)
        return self.loaded.load

    def corpus(self, loaded: ResidentLoad) -> Corpus:
        """The corpus of ``loaded`` (``check.corpus_in_order``), the last one's sources
        taken while they are the same."""
        self.last_corpus = corpus_in_order(
            loaded.sources, loaded.briefs, loaded.pages, self.last_corpus
        )
        return self.last_corpus

    def site_index(
        self, corpus: Corpus, drafts: bool, clock: datetime.datetime | None
    ) -> SiteIndex:
        """The index of ``corpus``: the last build's, updated by what changed since."""
        self.index = updated_index(self.index, corpus, drafts, self.memo, clock)
        return self.index.index


def _same_bytes(
    files: SiteFiles, documents: dict[str, KeptDocument], scan: Scan
) -> tuple[dict[str, KeptDocument], SiteFiles]:
    """The documents of ``files`` whose file still has the digest they were loaded from,
    and the files that are to be loaded (anew)."""
    # Once per file of the site after every edit: plain lookups, no method call per file.
    states = scan.files
    kept = {}
    stale: tuple[list[str], list[str], list[str]] = ([], [], [])
    for paths, load in zip((files.sources, files.briefs, files.pages), stale, strict=True):
        for path in paths:
            document = documents.get(path)
            state = states.get(path)
            if document is not None and state is not None and state[DIGEST] == document.digest:
                kept[path] = document
            else:
                load.append(path)
    sources, briefs, pages = stale
    return kept, SiteFiles(tuple(sources), tuple(briefs), tuple(pages))


@dataclass(frozen=True, slots=True)
class _Assembled:
    """A ``ResidentLoad`` and what it was made from: the paths (``every``) and where each
    document stands in its list (``places``), for ``_patched``; ``clean``: no file had a
    problem loading (then an edit that brings none changes no problem list)."""

    load: ResidentLoad
    every: tuple[str, ...]
    places: dict[str, int]
    clean: bool

    @classmethod
    def of(
        cls,
        files: SiteFiles,
        kept: dict[str, KeptDocument],
        unreadable: dict[str, list[Diagnostic]],
    ) -> _Assembled:
        """The documents and problems in path order, as ``load.load_documents`` gives
        them."""
        loaded = ResidentLoad([], [], [], [], {}, {}, {})
        places: dict[str, int] = {}
        for path in files.every:
            if path in unreadable:
                loaded.problems.extend(unreadable[path])
                loaded.summaries[path] = summarise(path, None, None, unreadable[path])
                continue
            entry = kept[path]
            loaded.digests[path] = entry.digest
            loaded.problems.extend(entry.problems)
            loaded.summaries[path] = entry.summary
            if entry.document is not None:
                loaded.documents[path] = entry.document
                documents = _list_of(loaded, entry.document)
                if documents is not None:
                    places[path] = len(documents)
                    documents.append(entry.document)
        return cls(loaded, files.every, places, not loaded.problems)


def _list_of(loaded: ResidentLoad, document: Document) -> list[Any] | None:
    """The list of ``loaded`` that holds documents of ``document``'s kind."""
    if isinstance(document, Source):
        return loaded.sources
    if isinstance(document, Brief):
        return loaded.briefs
    if isinstance(document, SitePage):
        return loaded.pages
    return None


def _patched(
    last: _Assembled, files: SiteFiles, changed: list[KeptDocument], paths: Iterable[str]
) -> _Assembled | None:
    """``last`` with the documents of ``paths`` (loaded anew: ``changed``) put in: what
    ``_Assembled.of`` would give, made in the time of the edit, not of the site. None when
    that takes more than putting documents in place: files came or went, a document
    appeared or disappeared (a file that failed to load, or now loads), or one has
    problems."""
    if files.every != last.every or not last.clean:
        return None
    old = last.load
    new = ResidentLoad(
        list(old.sources),
        list(old.briefs),
        list(old.pages),
        [],
        dict(old.digests),
        dict(old.documents),
        dict(old.summaries),
    )
    for path, entry in zip(paths, changed, strict=True):
        before = old.documents.get(path)
        if entry.problems or (before is None) != (entry.document is None):
            return None
        new.digests[path] = entry.digest
        new.summaries[path] = entry.summary
        if entry.document is None or before is None:
            continue
        documents = _list_of(new, entry.document)
        if documents is None or documents is not _list_of(new, before):
            return None
        new.documents[path] = entry.document
        documents[last.places[path]] = entry.document
    return _Assembled(new, last.every, last.places, clean=True)
