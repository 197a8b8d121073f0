"""The stages composed into what the commands do. Reads like a script of stages.

config → discover → load → check (→ render → index → write, in ``build``).

With the build cache (``cache``; on unless ``use_cache`` is off) ``load`` parses only files
whose bytes changed, ``render`` renders only pages whose data changed, the search bundle is
rebuilt only when a search record changed, and a build whose inputs, options and output are
all as the previous build left them does nothing (``previous_build``).

The stages are imported where a function runs them, not at the top: a build that finds
its output up to date, and every command that loads this module, must not pay for
importing the loaders, the renderer, Jinja2, markdown-it and Pagefind's client (at
start-up that was most of a no-change build).
"""

from __future__ import annotations

import datetime
import functools
import gc
import hashlib
import itertools
import operator
import pickle
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import BuildCache, builder_fingerprint, open_cache
from .check.schedule import dating, future_date_warnings
from .corpus import Corpus
from .diagnostics import (
    Diagnostic,
    count_errors,
    promote_warnings,
    sorted_diagnostics,
)
from .load.config import SiteConfig, load_config, relative_base_url_warning
from .load.discover import discover
from .memo import NO_MEMO, Memo
from .output.previous_build import (
    BuildRecord,
    InputScan,
    PreviousOutput,
    input_entries,
    is_up_to_date,
    new_record,
    read_record,
    record_stamp,
    with_files,
    write_record,
)
from .output.write import (
    Base,
    KeptFileChangedError,
    OutputWriteError,
    check_output_folder,
    output_lock,
    recover_interrupted_swap,
    write_output,
)
from .progress import Progress, no_progress
from .render.output_file import OutputFile

if TYPE_CHECKING:
    from .forked import Forked
    from .output.linkcheck import BrokenLink
    from .render.render import KeptRender
    from .render.site_index import SiteIndex
    from .render.urls import Urls
    from .search.search_records import SearchRecord
    from .serve.resident import Resident


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """``frozen``: never write the lock, and a citation missing from it is an error.
    ``stale_is_error``: a stale citation or moved anchor is an error (None: when
    ``frozen``); ``build`` sets it, since a stale citation is not publishable."""

    strict: bool = False
    frozen: bool = False
    use_cache: bool = True
    stale_is_error: bool | None = None
    # Read once per run (``cli.build_clock``); None: no check against the clock.
    clock: datetime.datetime | None = None

    @property
    def stale_blocks(self) -> bool:
        return self.frozen if self.stale_is_error is None else self.stale_is_error


@dataclass(frozen=True, slots=True)
class CheckResult:
    """``digests`` holds the sha256 of each loaded file's bytes, by path. ``briefs`` and
    ``sources`` count the loaded documents (``corpus`` is empty when a build found the
    output up to date and loaded nothing)."""

    config: SiteConfig
    corpus: Corpus
    diagnostics: tuple[Diagnostic, ...]
    lock_changes: int = 0
    digests: Mapping[str, str] = field(default_factory=dict)
    briefs: int = 0
    sources: int = 0

    @property
    def errors(self) -> int:
        return count_errors(self.diagnostics)


def load_corpus(
    config: SiteConfig, progress: Progress = no_progress, cache: BuildCache | None = None
) -> tuple[Corpus, list[Diagnostic], dict[str, str]]:
    """Discover and load every source and brief, then assemble the corpus; with the
    digest of every loaded file."""
    # Imported when run, not at the top (see the module docstring).
    from .check.check import build_corpus  # noqa: PLC0415
    from .load.document_cache import load_with_cache  # noqa: PLC0415

    files, problems = discover(config.root)
    loaded = load_with_cache(config.root, files, cache, progress)
    corpus, corpus_problems = build_corpus(loaded.sources, loaded.briefs, loaded.pages)
    # The corpus lives as long as the run: exempt it from the cycle collector's walks,
    # which otherwise revisit its millions of objects again and again while pages render.
    gc.freeze()
    digests = {path: file.digest for path, file in loaded.files.items() if file.digest}
    return corpus, problems + loaded.problems + corpus_problems, digests


def check_site(
    root: Path,
    options: CheckOptions,
    progress: Progress = no_progress,
    resident: Resident | None = None,
) -> CheckResult:
    """``check``: every problem of the site in one run; records new citations in the lock
    unless ``options.frozen``. Raises ``ConfigError`` for an unreadable site."""
    # Imported when run, not at the top (see the module docstring).
    from .check.check import check_corpus  # noqa: PLC0415
    from .lock.lock import cited_anchors, lock_changes, read_lock, updated_lock, write_lock  # noqa: PLC0415
    from .lock.stale import lock_problems  # noqa: PLC0415

    config = load_config(root)
    cache = open_cache(root) if options.use_cache else None
    if resident is not None:
        return _check_resident(config, resident, options, progress)
    if cache is not None:
        return _check_with_cache(config, cache, options, progress)
    corpus, problems, digests = load_corpus(config, progress, cache)
    problems += check_corpus(corpus, config)
    lock, broken = read_lock(root)
    cited = cited_anchors(corpus)
    problems += broken + lock_problems(cited, lock, options.frozen, options.stale_blocks)
    changes = 0
    if not options.frozen and not broken:
        entries = updated_lock(cited, lock)
        changes = lock_changes(lock or {}, entries)
        if changes or (lock is None and entries):
            write_lock(root, entries)
    return _result(config, corpus, problems, (changes, digests), options)


def _check_with_cache(
    config: SiteConfig, cache: BuildCache, options: CheckOptions, progress: Progress
) -> CheckResult:
    """``check_site`` with every document loaded (``build`` renders them), each brief's
    problems kept in the cache and the site-wide checks run over file summaries."""
    # Imported when run, not at the top (see the module docstring).
    from .check.check import build_corpus  # noqa: PLC0415
    from .check.site_check import LoadedStore, check_summaries, loaded_summaries  # noqa: PLC0415
    from .load.document_cache import load_with_cache  # noqa: PLC0415

    files, problems = discover(config.root)
    loaded = load_with_cache(config.root, files, cache, progress)
    corpus, _ = build_corpus(loaded.sources, loaded.briefs, loaded.pages)  # (found below)
    gc.freeze()  # see load_corpus
    digests = {path: file.digest for path, file in loaded.files.items() if file.digest}
    summaries = loaded_summaries(loaded, cache)
    lock_options = options.frozen, options.stale_blocks
    found, changes = check_summaries(
        config, summaries, LoadedStore(loaded.documents), cache, lock_options
    )
    return _result(config, corpus, problems + found, (changes, digests), options)


def _check_resident(
    config: SiteConfig, resident: Resident, options: CheckOptions, progress: Progress
) -> CheckResult:
    """``check_site`` for ``serve``: the documents, their summaries and each brief's
    problems stay in memory between builds; only what an edit touched is checked again."""
    # Imported when run, not at the top (see the module docstring).
    from .check.site_check import LoadedStore  # noqa: PLC0415

    files, problems = resident.discover(config.root)  # from the watcher's look, if handed one
    kept = resident.load(config.root, files, progress)
    corpus = resident.corpus(kept)  # (its problems are found below)
    gc.freeze()  # see load_corpus
    lock_options = options.frozen, options.stale_blocks
    documents = LoadedStore(kept.documents)
    found, changes = resident.check.check(config, kept.summaries, documents, lock_options)
    return _result(config, corpus, problems + found, (changes, kept.digests), options)


def _result(
    config: SiteConfig,
    corpus: Corpus,
    problems: list[Diagnostic],
    lock_and_digests: tuple[int, Mapping[str, str]],
    options: CheckOptions,
) -> CheckResult:
    changes, digests = lock_and_digests
    if options.clock is not None:  # never cached: the same files warn until their day
        problems = problems + future_date_warnings(map(dating, corpus.briefs), options.clock)
    diagnostics = sorted_diagnostics(problems)
    if options.strict:
        diagnostics = promote_warnings(diagnostics)
    counts = {"briefs": len(corpus.briefs), "sources": len(corpus.sources)}
    return CheckResult(config, corpus, diagnostics, changes, digests, **counts)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """``out`` defaults to ``public/`` in the site; ``base_url`` overrides site.yaml's.
    ``allow_stale`` publishes despite stale citations (reported as warnings).
    ``search_later`` (``serve``): keep the previous search bundle as it is, so an edit
    shows at once; the result says ``search_pending``, and a build without it brings the
    search index up to date (on a large site, Pagefind takes most of a rebuild)."""

    out: Path | None = None
    drafts: bool = False
    base_url: str | None = None
    strict: bool = False
    frozen: bool = False
    check_links: bool = False
    search: bool = True
    # "Now", read once per run (``cli.build_clock``): it decides which briefs are due
    # (``publish_at``) and dates an empty feed. None (library callers): every brief is
    # due, no date is checked against it, and an empty feed is dated 1970-01-01.
    clock: datetime.datetime | None = None
    use_cache: bool = True
    allow_stale: bool = False
    search_later: bool = False
    # A path as base_url is a warning of a build (``relative-base-url``); ``serve`` turns it
    # off: a preview is served under a path and publishes no feed.
    warn_relative_base_url: bool = True


@dataclass(frozen=True, slots=True)
class BuildResult:
    """``search_pending``: the search bundle written is the previous one (``search_later``)."""

    check: CheckResult
    out: Path
    files: int = 0
    broken_links: tuple[BrokenLink, ...] = ()
    search_pending: bool = False

    @property
    def written(self) -> bool:
        return self.files > 0


def build_site(
    root: Path,
    options: BuildOptions,
    progress: Progress = no_progress,
    resident: Resident | None = None,
) -> BuildResult:
    """``build`` = check, stop on errors (previous output untouched), render, check links
    when asked (a broken one stops the build too), write. A stale citation is an error
    here unless ``options.allow_stale``: what is published must rest on what was checked.

    Raises ``OutputFolderError`` before reading anything when ``out`` may not be replaced,
    ``SearchIndexError`` when Pagefind fails and ``OutputWriteError`` when writing fails
    (``out`` is then as it was). ``resident`` (``serve``) keeps documents and what was made
    of them in memory from one build to the next: the output is the same, sooner.
    """
    out = options.out or root / "public"
    check_output_folder(out, root)
    with output_lock(out):
        return _build_locked(root, out, options, progress, resident)


def _build_locked(
    root: Path, out: Path, options: BuildOptions, progress: Progress, resident: Resident | None
) -> BuildResult:
    """``build_site`` while this process alone writes ``out``."""
    _as_last_left(out, resident)
    cache = open_cache(root) if options.use_cache else None
    # ``serve`` hands over the walk its watcher made just before (``serve.watch``).
    handed = resident.inputs if resident is not None else None
    scan = handed if handed is not None else InputScan(time.time_ns(), input_entries(root))
    record = read_record(cache, out)
    clock = record is not None and record.options == _options_key(options, clock=True)
    # ``serve`` filling its memory must load the site even when the output is up to date.
    must_load = resident is not None and resident.load_always
    if not must_load and is_up_to_date(record, _options_key(options, clock), scan[1], out):
        assert record is not None
        return _unchanged_build(root, out, record)
    # Imported when run, not at the top (see the module docstring).
    from .output.linkcheck import check_links  # noqa: PLC0415
    from .render.site_index import build_index  # noqa: PLC0415

    check_options = CheckOptions(
        options.strict,
        options.frozen,
        options.use_cache,
        stale_is_error=not options.allow_stale,
        clock=options.clock,
    )
    checked = _with_build_warnings(check_site(root, check_options, progress, resident), options)
    if checked.errors:
        return BuildResult(checked, out)
    memo = resident.memo if resident is not None else NO_MEMO
    if resident is not None:
        index = resident.site_index(checked.corpus, options.drafts, options.clock)
    else:
        index = build_index(checked.corpus, drafts=options.drafts, clock=options.clock)
    kept = resident.output if resident is not None else None
    previous = PreviousOutput.of(out, with_files(cache, out, record, kept))
    site = _site_files(checked, index, options, previous, progress, memo=memo, resident=resident)
    files: Iterable[OutputFile] = site.files
    if options.check_links:  # the link check reads every page: then they are held at once
        files = list(files)
        broken = tuple(check_links(files, _base_url(checked, options)))
        if broken:
            return BuildResult(checked, out, 0, broken)
    made: list[OutputFile] = []  # what was written, without the bytes (for the record)
    try:
        written = write_output(
            _recorded(files, made),
            out,
            previous.spare(),
            cache is not None,
            previous.holds,
            base=site.base,
        )
    except OutputWriteError as error:
        if not isinstance(error.__cause__, KeptFileChangedError):
            raise
        previous, site, written = _written_again(
            checked,
            index,
            options,
            previous,
            progress=progress,
            memo=memo,
            made=made,
            keep_spare=cache is not None,
            resident=resident,
        )
    progress("rendering and writing files", 1, 1)
    count = len(made)
    if cache is not None:
        key = _record_key(checked, options, index, site)
        record = new_record(previous, made, written, key, scan, base=site.base)
        if record is not None:
            record = _with_result(record, checked, site.search_key.value)
            _store(cache, out, record, resident)
        if resident is not None:
            _remember(resident, out, record, site.kept)
        if site.base is not None and record is not None:  # (``made``: what changed)
            count = record.files
    return BuildResult(checked, out, count, search_pending=site.search_pending)


def _as_last_left(out: Path, resident: Resident | None) -> None:
    """``out`` and the cache as the last build left them: a swap cut short is undone, and
    ``serve``'s last record is stored if it was not yet (``Resident.store_record``)."""
    recover_interrupted_swap(out)
    if resident is not None:
        resident.store_record()


def _store(cache: BuildCache, out: Path, record: BuildRecord, resident: Resident | None) -> None:
    """Store the record of the build into ``out``; ``serve`` stores it after the page is
    shown (``Resident.store_record``)."""
    if resident is None:
        write_record(cache, out, record)
    else:
        resident.record_due = (cache, out, record)


def _record_key(
    checked: CheckResult, options: BuildOptions, index: SiteIndex, site: _SiteFiles
) -> str:
    """The options key the record of this build is kept under (``_options_key``)."""
    # Imported when run, not at the top (see the module docstring).
    from .render.pages import latest_date  # noqa: PLC0415
    from .render.site_index import schedule_state  # noqa: PLC0415

    latest = site.kept.pages.latest if site.kept is not None else latest_date(index)
    clock = latest is None  # then the feed's date is the clock's
    # A stale search index is not what any build's options ask for: the next build,
    # whatever its options, must not find this output up to date.
    # Which briefs are due, and which are dated ahead (their warning ends with the day).
    ahead = tuple(d.span.path for d in checked.diagnostics if d.code == "future-date")
    schedule = (*schedule_state(checked.corpus, options.clock), *((p, False) for p in ahead))
    return _STALE_SEARCH if site.search_pending else _options_key(options, clock, schedule)


def _remember(
    resident: Resident, out: Path, record: BuildRecord | None, kept: KeptRender | None
) -> None:
    """What ``serve`` keeps of the build that wrote ``out``: its record, so the next
    build need not read the file lists back, and the pages its files were made for, which
    the next build patches (``render.render_patch``)."""
    resident.output = (out, record) if record is not None else None
    resident.rendered = (record_stamp(record), kept) if record is not None and kept else None


def _written_again(
    checked: CheckResult,
    index: SiteIndex,
    options: BuildOptions,
    previous: PreviousOutput,
    *,
    progress: Progress,
    memo: Memo,
    made: list[OutputFile],
    keep_spare: bool,
    resident: Resident | None,
) -> tuple[PreviousOutput, _SiteFiles, set[str]]:
    """The site written again after a file of the last output turned out changed by hand
    since (``KeptFileChangedError``): this time trusting no file before ``lstat`` vouches
    for it (``PreviousOutput.checked``), and every page made (no patch)."""
    previous = PreviousOutput.of(previous.out, previous.record, checked=True)
    if resident is not None:
        resident.rendered = None
    site = _site_files(checked, index, options, previous, progress, memo=memo, resident=resident)
    made.clear()
    written = write_output(
        _recorded(site.files, made), previous.out, previous.spare(), keep_spare, previous.holds
    )
    return previous, site, written


def _with_build_warnings(checked: CheckResult, options: BuildOptions) -> CheckResult:
    """``checked`` with what only a build finds wrong: a base_url too relative for the feed
    and the sitemap (an error with ``--strict``, like every warning)."""
    if not options.warn_relative_base_url:
        return checked
    found = relative_base_url_warning(checked.config, options.base_url)
    if found is None:
        return checked
    added = promote_warnings([found]) if options.strict else (found,)
    return replace(checked, diagnostics=sorted_diagnostics((*checked.diagnostics, *added)))


@dataclass(frozen=True, slots=True)
class _SiteFiles:
    """Every file of the site, made as it is written (``files``), and what the search
    bundle was made from (``search_key``; None without search)."""

    files: Iterator[OutputFile]
    # Read once ``files`` were handed on: a bundle whose records are made beside the
    # rendering (``_search_bundle``) knows its key only then.
    search_key: _BundleKey
    search_pending: bool = False
    # ``files`` are what changed since the last output, which keeps the rest (``serve``).
    base: Base | None = None
    # The pages made, for ``serve`` to patch in its next build (``render.render_patch``).
    kept: KeptRender | None = None


def _site_files(
    checked: CheckResult,
    index: SiteIndex,
    options: BuildOptions,
    previous: PreviousOutput,
    progress: Progress,
    *,
    memo: Memo,
    resident: Resident | None = None,
) -> _SiteFiles:
    """Every file of the site (files of the previous build that are still right are kept).
    The search bundle is begun first (Pagefind needs all records at once) and written
    last; the pages are rendered while they are written."""
    # Imported when run, not at the top (see the module docstring).
    from .render.page_keys import document_identities, updated_identities  # noqa: PLC0415
    from .render.render import (  # noqa: PLC0415
        RenderOptions,
        no_previous_pages,
        render_patch,
        render_stream,
    )

    base_url = _base_url(checked, options)
    corpus = checked.corpus
    if resident is not None:
        # (Kept between builds: only the changed documents' identities are made.)
        identities = updated_identities(
            resident.identities, corpus.sources, corpus.briefs, checked.digests, index.tags
        )
    else:
        identities = document_identities(corpus.sources, corpus.briefs, checked.digests)
    bundle: Iterable[OutputFile] = []
    key = _BundleKey()
    indexing = False
    kept_render = _kept_render(resident, previous) if resident is not None else None
    later = options.search and options.search_later
    # ``serve`` patching its last output keeps that output's bundle where it is, as part
    # of the rest (``write.Base``): not one file of it handed on (Pagefind makes one per
    # page), not one looked at.
    keep_bundle = later and kept_render is not None and _has_bundle(previous)
    stale = _stale_bundle(previous) if later and not keep_bundle else None
    if keep_bundle:
        key = _BundleKey(previous.search_key)
    elif stale is not None:
        bundle, key = stale[0], _BundleKey(stale[1])
    elif options.search:
        progress("indexing for search", 0, 1)
        bundle, key, indexing = _search_bundle(checked, index, base_url, previous, resident)
        progress("indexing for search", 1, 1)
    render = RenderOptions(base_url, options.clock or _EPOCH)
    # Pages are made as they are written: one stage, whose steps cannot be counted before.
    progress("rendering and writing files", 0, 1)
    if resident is None:
        # (No record: nothing can be kept, and ``render_stream`` knows it by this.)
        kept = previous.kept if previous.record is not None else no_previous_pages
        pages = render_stream(
            index, checked.config, render, identities, kept, memo=memo, beside_indexing=indexing
        )
        return _SiteFiles(itertools.chain(pages, bundle), key, search_pending=stale is not None)
    patch = render_patch(
        index,
        checked.config,
        render,
        identities,
        previous.kept,
        memo=memo,
        kept=kept_render,
        change=resident.index.change if resident.index is not None else None,
    )
    base = None
    if patch.removed is not None:
        assert previous.record is not None  # (``_kept_render`` vouched for it)
        # The files that are not pages are all handed on again; the last search bundle's
        # are gone unless kept or handed on (a new bundle has other files).
        removed = patch.removed
        if not keep_bundle:
            removed |= frozenset(previous.record.search)
        base = Base(previous.record.current, previous.out_text, removed)
    elif keep_bundle:  # (the page list was made whole: the bundle is handed on after all)
        stale = _stale_bundle(previous)
        bundle = stale[0] if stale is not None else []
    files = itertools.chain(patch.files, bundle)
    pending = stale is not None or keep_bundle
    return _SiteFiles(files, key, search_pending=pending, base=base, kept=patch.kept)


def _search_bundle(
    checked: CheckResult,
    index: SiteIndex,
    base_url: str,
    previous: PreviousOutput,
    resident: Resident | None,
) -> tuple[Iterable[OutputFile], _BundleKey, bool]:
    """The search bundle, the key of its records and whether it is being indexed (beside
    what this process does next): the previous one when it was made
    from the same records by the same builder, else a new one, begun apart (``Forked``):
    Pagefind indexes on one core, so it runs while the pages render on all of them, and
    its files come when they are asked for, after the pages. With no previous bundle to
    keep, the records are made apart too (2.5 s of one core at 20,000 pages, while the
    other waited)."""
    # Pagefind's client is imported only by builds that index.
    from .forked import Forked  # noqa: PLC0415
    from .render.urls import Urls  # noqa: PLC0415
    from .search.search_bundle import build_search_bundle  # noqa: PLC0415
    from .search.search_error import never_interrupted  # noqa: PLC0415
    from .search.search_records import search_records  # noqa: PLC0415

    language = checked.config.language
    urls = Urls(base_url)
    if resident is None and not _has_bundle(previous):
        made = _BundleKey()
        apart = functools.partial(_records_indexed, index, urls, language)
        return _when_indexed(Forked(apart), made), made, True
    # (``serve`` rebuilding the whole index gives way to an edit: ``Resident.interrupted``.)
    asked = resident.interrupted if resident is not None else never_interrupted
    records = search_records(index, urls, asked)
    if resident is not None:
        # ``serve``'s search overlay indexes what changed against these (``Resident.indexed``).
        resident.indexed = records
    key = records_key(records, language)
    kept = _kept_bundle(previous, key)
    if kept is not None:
        return kept, _BundleKey(key), False
    indexing = functools.partial(build_search_bundle, records, language)
    if resident is not None:
        # ``serve`` rebuilding the whole index gives way to an edit (``Resident.interrupted``).
        indexing = functools.partial(indexing, interrupted=resident.interrupted)
    made = _BundleKey(key)
    return _when_indexed(Forked(functools.partial(_with_key, indexing, key)), made), made, True


def records_key(records: Sequence[SearchRecord], language: str) -> str:
    """What a search bundle was made from, as a key: the records, the language, and the
    builder's fingerprint (the bundle's layout, its page names and what the search page
    reads of them, is the builder's, so another version keeps none)."""
    return hashlib.sha256(pickle.dumps((records, language, builder_fingerprint()), 5)).hexdigest()


def _records_indexed(index: SiteIndex, urls: Urls, language: str) -> tuple[list[OutputFile], str]:
    """The search records of ``index`` indexed: the bundle's files and the records' key."""
    # Imported when run, not at the top (see the module docstring).
    from .search.search_bundle import build_search_bundle  # noqa: PLC0415
    from .search.search_records import collected, each_search_record  # noqa: PLC0415

    # Made as Pagefind takes them: it indexes the first while the next are made.
    records: list[SearchRecord] = []
    files = build_search_bundle(collected(each_search_record(index, urls), records), language)
    return files, records_key(records, language)


def _with_key(indexing: Callable[[], list[OutputFile]], key: str) -> tuple[list[OutputFile], str]:
    return indexing(), key


@dataclass
class _BundleKey:
    """The key of the records the search bundle was made from (None: no bundle). A bundle
    made apart from its records has it once its files came (``_when_indexed``)."""

    value: str | None = None


def _when_indexed(
    indexing: Forked[tuple[list[OutputFile], str]], made: _BundleKey
) -> Iterator[OutputFile]:
    """The bundle's files once its indexing is done (waited for when they are asked); its
    key goes to ``made``."""
    files, made.value = indexing.result()
    yield from files


def _has_bundle(previous: PreviousOutput) -> bool:
    record = previous.record
    return record is not None and record.search_key is not None and bool(record.search)


def _kept_render(resident: Resident, previous: PreviousOutput) -> KeptRender | None:
    """The pages of ``serve``'s last build, when the output holds what they were rendered
    into: its record is the one ``previous`` read, and no file is in doubt."""
    if resident.rendered is None or previous.record is None or previous.checked:
        return None
    stamp, kept = resident.rendered
    return kept if stamp == record_stamp(previous.record) else None


def _stale_bundle(previous: PreviousOutput) -> tuple[list[OutputFile], str] | None:
    """The previous search bundle and its key, whatever the records are now (``serve``
    shows an edit first and brings the search index up to date after)."""
    key = previous.search_key
    bundle = _kept_bundle(previous, key) if key is not None else None
    return (bundle, key) if bundle is not None and key is not None else None


def _recorded(files: Iterable[OutputFile], made: list[OutputFile]) -> Iterator[OutputFile]:
    """``files``, each appended to ``made`` without its bytes once it is handed on."""
    for file in files:
        yield file
        # Without its bytes (``replace`` cost 0.1 s a build); a kept file has none.
        made.append(file if file.content is None else OutputFile(file.path, key=file.key))


def _kept_bundle(previous: PreviousOutput, key: str) -> list[OutputFile] | None:
    """The previous search bundle, when it was made from the same records and is intact."""
    record = previous.record
    if record is None or record.search_key != key:
        return None
    bundle = []
    for path in record.search:
        file_key = record.current[path].key
        origin = previous.kept(path, file_key)
        if origin is None:
            return None
        bundle.append(OutputFile(path, origin=origin, key=file_key))
    return bundle


def _base_url(checked: CheckResult, options: BuildOptions) -> str:
    return options.base_url or checked.config.base_url


_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
_STALE_SEARCH = "the previous search index was kept (search_later)"


def _options_key(
    options: BuildOptions, clock: bool, schedule: tuple[tuple[str, bool], ...] = ()
) -> str:
    """site-builder and every option that shapes the output (``out`` names the record);
    the clock only when the output depends on it (a feed without dated briefs).

    ``schedule`` (``schedule_state``): the briefs with a ``publish_at`` and whether each
    was due, and the briefs dated ahead (``future-date``, a warning until their day). The
    output depends on these, which the key before loading cannot
    know; so a site with scheduled briefs is never found up to date without loading it
    (the load is cached, and pages whose keys did not change are kept). Keying on due-ness,
    not on the clock, keeps pages from re-rendering each second."""
    shaping = (
        options.drafts,
        options.base_url,
        options.strict,
        options.frozen,
        options.check_links,
        options.search,
        options.allow_stale,
        options.warn_relative_base_url,
        options.clock if clock else None,
        schedule,
    )
    return hashlib.sha256(builder_fingerprint().encode() + repr(shaping).encode()).hexdigest()


def _with_result(record: BuildRecord, checked: CheckResult, search_key: str | None) -> BuildRecord:
    # Imported when run, not at the top (see the module docstring).
    from .render.urls import SEARCH_BUNDLE  # noqa: PLC0415

    return replace(
        record,
        search_key=search_key,
        # (Filtered in C: a generator over the output's 26,000 paths was 8 ms a rebuild.)
        search=tuple(filter(operator.methodcaller("startswith", SEARCH_BUNDLE), record.current)),
        diagnostics=checked.diagnostics,
        briefs=checked.briefs,
        sources=checked.sources,
        config=checked.config,
    )


def _unchanged_build(root: Path, out: Path, previous: BuildRecord) -> BuildResult:
    """The result of the previous build, whose output is still in place (and whose
    ``site.yaml`` is unchanged: its config is the one read then)."""
    # (``root`` as given this time: the same site may be named by another path.)
    recorded = previous.config
    config = load_config(root) if recorded is None else replace(recorded, root=root)
    checked = CheckResult(
        config,
        Corpus((), ()),
        previous.diagnostics,
        briefs=previous.briefs,
        sources=previous.sources,
    )
    return BuildResult(checked, out, previous.files)
