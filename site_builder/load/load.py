"""The load stage: read and parse every source and brief, on all cores when there are many.

Each file is loaded by a pure function of (path, bytes), so files can be parsed in any
process and in any order; results come back in path order, so output never depends on
scheduling. For the same reason a result can be kept (``LoadedFile``: the digest of the bytes
it came from and the pickled result) and reused while the file's bytes stay the same.
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it import MarkdownIt

from ..diagnostics import Diagnostic, Span, error
from ..heap import release_freed_memory
from ..messages import msg
from ..model import Brief, SitePage, Source
from ..pickling import quick_pickle
from ..progress import Progress, no_progress
from .discover import SiteFiles
from .file_states import digest
from .front_matter import too_large
from .limits import MAX_FILE_BYTES
from .load_briefs import load_brief
from .load_pages import load_page
from .load_sources import load_source
from .markdown import create_markdown

Document = Source | Brief | SitePage
Loader = Callable[[str, bytes, MarkdownIt], tuple[Document | None, list[Diagnostic]]]
LOADERS: dict[str, Loader] = {"source": load_source, "brief": load_brief, "page": load_page}


@quick_pickle
@dataclass(frozen=True, slots=True)
class LoadedFile:
    """One file's load result, pickled (``(document or None, diagnostics)``), with the
    sha256 of the bytes it came from; ``digest`` is None when the file could not be read
    (such a result is not worth keeping: the file must be tried again)."""

    path: str
    digest: str | None
    result: bytes

    def unpacked(self) -> tuple[Document | None, list[Diagnostic]]:
        document, problems = pickle.loads(self.result)
        return document, problems


@dataclass(frozen=True, slots=True)
class LoadedDocuments:
    sources: list[Source]
    briefs: list[Brief]
    problems: list[Diagnostic]
    files: dict[str, LoadedFile]  # every file by path, loaded now or known before
    pages: list[SitePage]
    # Each file's document (when it loaded) and problems, by path: what the check cache
    # summarises per file (``summaries``).
    documents: dict[str, Document] = field(default_factory=dict)
    file_problems: dict[str, tuple[Diagnostic, ...]] = field(default_factory=dict)


# Below this many files, starting worker processes costs more than it saves.
PARALLEL_FROM = 500
_CHUNK = 200
# While unpacking, freed pickles are given back every this many files: often enough that
# they never pile up under the documents, rarely enough that the heap walks cost nothing.
_RELEASE_EVERY = 500


def load_documents(
    root: Path,
    files: SiteFiles,
    workers: int | None = None,
    progress: Progress = no_progress,
    known: Mapping[str, LoadedFile] | None = None,
) -> LoadedDocuments:
    """Every source and brief that loaded, and every problem found while loading, in path
    order. A file in ``known`` is not read again: the caller vouches that its bytes are
    still those of ``known[path].digest``. ``progress`` hears how many files are loaded."""
    return _unpack(files, load_files(root, files, workers, progress, known))


def load_files(
    root: Path,
    files: SiteFiles,
    workers: int | None = None,
    progress: Progress = no_progress,
    known: Mapping[str, LoadedFile] | None = None,
) -> dict[str, LoadedFile]:
    """Every file's load result, pickled (``load_documents`` before unpacking), by path."""
    known = known or {}
    to_load = SiteFiles(
        tuple(path for path in files.sources if path not in known),
        tuple(path for path in files.briefs if path not in known),
        tuple(path for path in files.pages if path not in known),
    )
    jobs = [(root, "source", chunk) for chunk in _chunks(to_load.sources)]
    jobs += [(root, "brief", chunk) for chunk in _chunks(to_load.briefs)]
    jobs += [(root, "page", chunk) for chunk in _chunks(to_load.pages)]
    workers = workers or len(os.sched_getaffinity(0))
    total = len(to_load.every)
    counter = _Counter(progress, total)
    results = None
    if workers > 1 and total >= PARALLEL_FROM:
        results = _load_in_parallel(jobs, workers, counter)
    if results is None:
        counter.restart()
        results = [counter.counted(load_chunk(job)) for job in jobs]
    loaded = {file.path: file for chunk in results for file in chunk}
    return {**known, **loaded}


def _unpack(files: SiteFiles, loaded: dict[str, LoadedFile]) -> LoadedDocuments:
    with _no_cyclic_collection():
        return _unpack_all(files, loaded)


def unpack_dropping_results(files: SiteFiles, loaded: dict[str, LoadedFile]) -> LoadedDocuments:
    """The documents of ``loaded``, which is emptied of its pickles on the way: each result
    is freed once unpacked, so the pickles and the documents they make are never all in
    memory at once (at 20,000 pages the pickles alone are ~240 MB). The ``files`` of what
    is returned keep each file's digest; their ``result`` is empty."""
    with _no_cyclic_collection():
        return _unpack_all(files, loaded, drop=True)


@contextlib.contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    """Python's cycle collector runs every few hundred new objects and walks the older
    ones; unpickling a large corpus makes millions of objects and spent two thirds of its
    time in those walks (20,000 documents: 2.5 s → 0.8 s per 10,000 without). The model
    holds no cycles, so nothing is left for the collector while it is paused."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _unpack_all(
    files: SiteFiles, loaded: dict[str, LoadedFile], drop: bool = False
) -> LoadedDocuments:
    sources: list[Source] = []
    briefs: list[Brief] = []
    pages: list[SitePage] = []
    problems: list[Diagnostic] = []
    documents: dict[str, Document] = {}
    file_problems: dict[str, tuple[Diagnostic, ...]] = {}
    for count, path in enumerate(files.every, 1):
        file = loaded[path]
        document, document_problems = file.unpacked()
        if drop:
            loaded[path] = LoadedFile(file.path, file.digest, b"")
            if count % _RELEASE_EVERY == 0:
                release_freed_memory()  # the pickles freed so far (see ``heap``)
        problems += document_problems
        file_problems[path] = tuple(document_problems)
        if document is not None:
            documents[path] = document
        if isinstance(document, Source):
            sources.append(document)
        elif isinstance(document, Brief):
            briefs.append(document)
        elif isinstance(document, SitePage):
            pages.append(document)
    if drop and len(files.every) >= _RELEASE_EVERY:  # a few files free too little to trim
        release_freed_memory()
    return LoadedDocuments(sources, briefs, problems, loaded, pages, documents, file_problems)


class _Counter:
    """Reports loaded files to ``progress`` as chunks of results come in."""

    def __init__(self, progress: Progress, total: int) -> None:
        self._progress, self._total, self._done = progress, total, 0

    def restart(self) -> None:
        self._done = 0
        self._progress("loading files", 0, self._total)

    def counted(self, chunk: list[LoadedFile]) -> list[LoadedFile]:
        self._done += len(chunk)
        self._progress("loading files", self._done, self._total)
        return chunk


def _load_in_parallel(
    jobs: list[tuple[Path, str, tuple[str, ...]]],
    workers: int,
    counter: _Counter | None = None,
) -> list[list[LoadedFile]] | None:
    """The jobs' results from worker processes; None if processes cannot be used here
    (the caller then loads in this process: slower, never wrong)."""
    # Imported here: a check after one edit loads a file or two in this process, and
    # must not pay for the process pool at start-up.
    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415
    from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

    counter = counter or _Counter(no_progress, 0)
    # fork starts fastest but is unsafe once threads run (serve's watcher); then forkserver.
    method = "fork" if threading.active_count() == 1 else "forkserver"
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) as pool:
            counter.restart()
            return [counter.counted(chunk) for chunk in pool.map(load_chunk, jobs)]
    except (BrokenProcessPool, OSError, pickle.PicklingError):
        return None


def _chunks(paths: Sequence[str]) -> list[tuple[str, ...]]:
    return [tuple(paths[i : i + _CHUNK]) for i in range(0, len(paths), _CHUNK)]


def load_chunk(job: tuple[Path, str, tuple[str, ...]]) -> list[LoadedFile]:
    """Load the files of one job (run in a worker process or in this one), each result
    pickled: it crosses from a worker as bytes anyway, and the cache keeps those bytes."""
    root, kind, paths = job
    md = create_markdown()
    return [_load_file(root, path, LOADERS[kind], md) for path in paths]


def _load_file(root: Path, path: str, loader: Loader, md: MarkdownIt) -> LoadedFile:
    data = _read(root, path)
    if isinstance(data, bytes):
        result = load_safely(path, data, loader, md)
        return LoadedFile(path, digest(data), pickle.dumps(result, pickle.HIGHEST_PROTOCOL))
    return LoadedFile(path, None, pickle.dumps((None, data), pickle.HIGHEST_PROTOCOL))


def _read(root: Path, path: str) -> bytes | list[Diagnostic]:
    """The file's bytes, or why they cannot be had."""
    try:
        size = (root / path).stat().st_size
        if size > MAX_FILE_BYTES:  # not read at all: a huge file costs nothing
            return [too_large(path, size)]
        return (root / path).read_bytes()  # (if it grew since, ``decode`` refuses it)
    except OSError as exc:
        return [
            error(
                Span(path),
                "unreadable-file",
                msg("cannot read the file: {reason}", reason=exc.strerror),
                hint=msg("check the file's permissions"),
            )
        ]


def load_safely(
    path: str, data: bytes, loader: Loader, md: MarkdownIt
) -> tuple[Document | None, list[Diagnostic]]:
    """Load one file; a bug becomes a diagnostic, never a traceback, so one bad file cannot
    hide the problems of all the others."""
    try:
        return loader(path, data, md)
    except Exception as exc:  # reported as a diagnostic, see the docstring
        return None, [
            error(
                Span(path),
                "internal-error",
                msg(
                    "site-builder failed on this file ({kind}: {problem})",
                    kind=type(exc).__name__,
                    problem=str(exc),
                ),
                hint=msg("this is a bug in site-builder: please report it with this file attached"),
            )
        ]
