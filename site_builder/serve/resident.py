"""What ``serve`` keeps in memory between builds: the loaded documents and the results
made from them (``memo.Memo``), so a rebuild after an edit parses only the edited files and
makes again only what they touch.

A rebuild is the same pure pipeline as a cold build, fed with the same objects for the
files whose bytes did not change: its output is the cold build's, byte for byte (tested
with random edit sequences in ``tests/test_resident.py``).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..check.incremental import MemoryCheck
from ..check.summaries import FileSummary, summarise
from ..diagnostics import Diagnostic
from ..load.discover import SiteFiles
from ..load.file_states import Scan, scan_site
from ..load.load import Document, load_documents
from ..memo import Memo
from ..model import Brief, Corpus, SitePage, Source
from ..output.previous_build import BuildRecord, InputScan
from ..progress import Progress, no_progress
from ..render.page_keys import KeptIdentities
from ..render.site_index import IndexState, SiteIndex, updated_index

if TYPE_CHECKING:
    from ..render.render import KeptRender


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
    # The output folder and the record (with its file lists) of the last build that
    # wrote one: the next build takes the lists from here when the record read from the
    # cache is this one (``previous_build.with_files``).
    output: tuple[Path, BuildRecord] | None = None
    # The pages of the last build that wrote one, with the stamp of its record
    # (``previous_build.record_stamp``): the next build patches them (``render_patch``).
    rendered: tuple[str, KeptRender] | None = None
    # The identities of the documents for page keys, updated by each build
    # (``page_keys.updated_identities``).
    identities: KeptIdentities = field(default_factory=KeptIdentities)

    def load(self, root: Path, files: SiteFiles, progress: Progress = no_progress) -> ResidentLoad:
        """Every file of ``files``: the kept document while its bytes are the same (by
        ``stat``, or by digest where ``stat`` cannot vouch), else loaded anew."""
        scan = scan_site(root, files, self.scan)
        kept = {
            path: self.documents[path]
            for path in files.every
            if path in self.documents and self.documents[path].digest == scan.digest(path)
        }
        fresh = load_documents(root, _without(files, set(kept)), progress=progress)
        unreadable: dict[str, list[Diagnostic]] = {}
        for path, file in fresh.files.items():
            document, problems = fresh.documents.get(path), list(fresh.file_problems[path])
            if file.digest is None:  # not kept: an unreadable file is tried again next time
                unreadable[path] = problems
            else:
                summary = summarise(path, file.digest, document, problems)
                kept[path] = KeptDocument(file.digest, document, tuple(problems), summary)
        self.documents, self.scan = kept, scan
        self.memo.new_build()
        return _assembled(files, kept, unreadable)

    def site_index(
        self, corpus: Corpus, drafts: bool, clock: datetime.datetime | None
    ) -> SiteIndex:
        """The index of ``corpus``: the last build's, updated by what changed since."""
        self.index = updated_index(self.index, corpus, drafts, self.memo, clock)
        return self.index.index


def _without(files: SiteFiles, known: set[str]) -> SiteFiles:
    return SiteFiles(
        tuple(path for path in files.sources if path not in known),
        tuple(path for path in files.briefs if path not in known),
        tuple(path for path in files.pages if path not in known),
    )


def _assembled(
    files: SiteFiles, kept: dict[str, KeptDocument], unreadable: dict[str, list[Diagnostic]]
) -> ResidentLoad:
    """The documents and problems in path order, as ``load.load_documents`` gives them."""
    loaded = ResidentLoad([], [], [], [], {}, {}, {})
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
        if isinstance(entry.document, Source):
            loaded.sources.append(entry.document)
        elif isinstance(entry.document, Brief):
            loaded.briefs.append(entry.document)
        elif isinstance(entry.document, SitePage):
            loaded.pages.append(entry.document)
    return loaded
