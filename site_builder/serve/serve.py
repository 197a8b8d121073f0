"""``serve`` = build + watch: the site on localhost, rebuilt on every change, pages reloaded.

The site is built into a folder of the site's cache (never ``public/``, which belongs to
``build``), served by the standard library's HTTP server under its ``base_url`` path, and
rebuilt in a background thread when a watched input changes. A failed build changes
nothing that is served: the editor sees its diagnostics in the terminal and over the page.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from ..cache import BuildCache, builder_fingerprint, open_cache
from ..diagnostics import Diagnostic
from ..language import ENGLISH, Language
from ..load.config import ConfigError, load_config
from ..lock.lock import LockWriteError
from ..messages import exception_text, msg, msg_n
from ..output.previous_build import InputScan
from ..output.write import OutputFolderError, OutputWriteError, check_output_folder
from ..pipeline import BuildOptions, BuildResult, build_site
from ..progress import Progress, no_progress
from ..render.urls import Urls
from ..report import summary
from ..report_lines import text_report
from ..search.search_error import SearchIndexError, SearchInterrupted, never_interrupted
from ..search.search_records import SearchRecord
from .overlay import SearchOverlays, ServedOverlay
from .publish_timer import Clock, Publication, PublishTimer
from .resident import Resident
from .serve_http import DevHTTPServer, DevRequestHandler, Event, LiveSite, Served
from .watch import Reactions, WatchOptions, refreshed, snapshot, watch

CACHE_FOLDER = ".site-builder-cache"
HOST = "127.0.0.1"


class PortError(Exception):
    """The port cannot be opened (in use, or not allowed): a usage error."""


def serve_folder(root: Path) -> Path:
    """Where ``serve`` builds: in the site's (git-ignored) cache, so ``public/`` keeps the
    output of the last real ``build``."""
    return root / CACHE_FOLDER / "serve"


@dataclass(frozen=True, slots=True)
class ServeOptions:
    """``port`` 0 picks a free port. ``build.out`` None means ``serve_folder``. ``clock``
    is read for each build, and a scheduled brief's moment passing makes a rebuild; None:
    every build uses ``build.clock`` (fixed by ``SOURCE_DATE_EPOCH``), nothing is timed."""

    build: BuildOptions = field(default_factory=BuildOptions)
    port: int = 8000
    watch: WatchOptions = field(default_factory=WatchOptions)
    clock: Clock | None = None


# The cache table of ``Builder._keep_base``.
_SEARCH_BASE = "serve-search-base"


def _no_progress_display() -> Progress:
    return no_progress


@dataclass(frozen=True, slots=True)
class Console:
    """How ``serve`` talks to the editor: ``say`` prints one message (a line or more);
    ``colour`` paints diagnostics; ``progress`` gives a fresh display for each build;
    ``language`` is the language of diagnostics."""

    say: Callable[[str], None]
    colour: bool = False
    progress: Callable[[], Progress] = field(default=_no_progress_display)
    language: Language = ENGLISH

    def tell(self, text: str) -> None:
        """Say ``text`` in the console's language (a ``Message`` translated, other text,
        such as a report already in that language, as it is)."""
        self.say(self.language(text))


class Builder:
    """Builds the site into the serve folder and shows the outcome: the new build and a
    ``reload`` event, or the diagnostics and an ``error`` event (the old build stays).
    The documents and what was made of them stay in memory between builds (``Resident``),
    so a rebuild parses the edited files only and renders only the pages they touch."""

    def __init__(
        self,
        root: Path,
        options: BuildOptions,
        live: LiveSite,
        console: Console,
        clock: Clock | None = None,
        *,
        index_quiet: float = 0.0,
    ):
        self._root, self._options, self._live, self._console = root, options, live, console
        # With a search overlay, the index is rebuilt once no build came for this long.
        self._index_quiet = index_quiet
        self._last_build = time.monotonic()
        self._timer = PublishTimer(clock, options.drafts)
        self._builds = 0
        self._resident = Resident()
        self._overlays = SearchOverlays()
        self._search_pending = False
        self._load_pending = False
        self._seen: InputScan | None = None
        # The result of a build that kept a stale index when the overlays had no base: the
        # stored base (``_keep_base``) is tried once per session, once the files are quiet.
        self._base_for: BuildResult | None = None
        self._base_tried = False

    def seen(self, inputs: InputScan) -> None:
        """The inputs as the watcher's look just found them: the next ``build`` (which the
        watcher asks for at once) takes them instead of walking the inputs again."""
        self._seen = inputs

    def build(self, changed: list[str]) -> None:
        """Build now; ``changed`` names the files that caused it (none for the first). With
        search on, the previous search index stays until ``catch_up``: on a large site
        Pagefind takes most of a rebuild, and the editor wants to see the edit."""
        inputs, self._seen = self._seen, None  # for this build only, whatever happens
        before = self._timer.next
        self._build(changed, inputs)
        self._tell_schedule(before)

    def _build(self, changed: list[str], inputs: InputScan | None) -> None:
        if changed:
            self._console.tell(msg("changed: {files}; rebuilding", files=_listing(changed)))
        started = self._last_build = time.monotonic()
        options = replace(self._options, search_later=self._options.search)
        result = self._built(options, inputs)
        if result is not None:
            self._show_result(result, time.monotonic() - started)
            self._search_pending = result.written and result.search_pending
            if self._search_pending:
                self._show_overlay(result, started)
                if not self._overlays.has_base and not self._base_tried:
                    self._base_for = result  # (once the files are quiet: ``_catch_up``)
            # The first build may have found the last session's output up to date and
            # loaded nothing: then the site is loaded (``catch_up``) once the files are quiet.
            self._load_pending = not self._resident.documents

    def publish_due(self) -> bool:
        """Rebuild if a scheduled brief's ``publish_at`` has passed; whether it did."""
        due = self._timer.due()
        if due is None:
            return False
        self._console.tell(
            msg("publish_at reached: {files}; rebuilding", files=_listing(list(due.paths)))
        )
        self.build([])
        return True

    def catch_up(self, interrupted: Callable[[], bool]) -> None:
        """Load the site into memory if the first build did not, and bring the search index
        up to date if the last build kept the previous one (the watcher calls this once the
        files have been quiet for a moment); open search pages reload. The index's rebuild
        stops as soon as ``interrupted()`` (a change came): the edit is built first, and
        the index waits for the next quiet moment."""
        before = self._timer.next
        self._catch_up(interrupted)
        self._tell_schedule(before)

    def stopped(self) -> None:
        """Watching ended: the last build's record is stored (``Resident.store_record``)."""
        self._resident.store_record_unlocked()

    def _catch_up(self, interrupted: Callable[[], bool]) -> None:
        # The files are quiet: now the last build's record is stored, not while the
        # browser fetches the edited page (``Resident.store_record``).
        self._resident.store_record_unlocked()
        if self._load_pending:
            self._load_pending = False
            started = time.monotonic()
            options = replace(self._options, search_later=self._options.search)
            self._resident.load_always = True
            try:
                loaded = self._built(options)
            finally:
                self._resident.load_always = False
            if loaded is not None and loaded.written:
                seconds = time.monotonic() - started
                self._console.tell(
                    msg("site loaded for quick rebuilds in {seconds:.1f} s", seconds=seconds)
                )
                self._search_pending = loaded.search_pending
            return
        if not self._search_pending:
            return
        if self._base_for is not None and self._overlay_on_stored_base(interrupted):
            return
        waited = time.monotonic() - self._last_build
        if self._live.served().overlay is not None and waited < self._index_quiet:
            return  # the edits are searchable: the editor may not be done yet
        self._search_pending = False
        started = time.monotonic()
        self._console.tell(msg("search index: updating (an edit stops it)"))
        self._resident.interrupted = interrupted
        try:
            result = self._built(self._options)
        finally:
            self._resident.interrupted = never_interrupted
        if result is None:
            return
        if not result.written:
            self._show_result(result, time.monotonic() - started)
            return
        seconds = time.monotonic() - started
        self._console.tell(msg("search index up to date in {seconds:.1f} s", seconds=seconds))
        self._show_search(None)

    def _overlay_on_stored_base(self, interrupted: Callable[[], bool]) -> bool:
        """A stale index from the last session (``_base_for``): search finds the changes
        at once through an overlay on the stored base, and the whole index waits for a
        pause in the editing. Both give way to an edit (3 s at 20,000 pages): it is built
        first, and the next quiet moment tries again. Whether this quiet moment's work is
        done (an overlay shown, or an edit waiting)."""
        stale, self._base_for, self._base_tried = self._base_for, None, True
        assert stale is not None
        started = time.monotonic()
        try:
            self._restore_base(stale.check.config.language, interrupted)
            if not self._overlays.has_base:
                return False
            self._show_overlay(stale, started, interrupted)
        except SearchInterrupted:
            if not self._overlays.has_base:  # (with a base, the edit's build makes the overlay)
                self._base_for, self._base_tried = stale, False
        return True

    def _show_search(self, overlay: ServedOverlay | None) -> None:
        """What search finds changed: the search page serves ``overlay`` (None: the index
        alone) and every open one reloads."""
        served = self._live.served()
        served = replace(served, overlay=overlay, search_state=served.search_state + 1)
        self._live.show(served, Event("search", str(served.search_state)))

    def _show_overlay(
        self,
        result: BuildResult,
        started: float,
        interrupted: Callable[[], bool] = never_interrupted,
    ) -> None:
        """Make search find what the build just changed, at once (``search.search_overlay``):
        the overlay of the records that changed since the bundle served was indexed.
        Raises ``SearchInterrupted`` when ``interrupted()`` says an edit is waiting."""
        index = self._resident.index
        if index is None:
            return
        config = result.check.config
        try:
            overlay = self._overlays.overlay(
                index, self._options.base_url or config.base_url, config.language, interrupted
            )
        except SearchInterrupted:
            raise
        except Exception as exc:
            # Pagefind failing, or a bug: the pages are served; search shows the index.
            self._no_overlay(exc)
            return
        if overlay is None and self._live.served().overlay is None:
            return
        self._show_search(overlay)
        if overlay is not None:
            seconds = time.monotonic() - started
            self._console.tell(
                msg(
                    "search finds the edit after {seconds:.1f} s "
                    "(the whole index follows once the files are quiet)",
                    seconds=seconds,
                )
            )

    def _no_overlay(self, problem: Exception) -> None:
        """Search cannot find edits before the index is rebuilt: say why, and drop the
        last overlay (it would show an older state than the pages)."""
        self._overlays.forget()
        self._console.tell(
            msg(
                "search finds edits only once the index is rebuilt: {reason}",
                reason=exception_text(problem),
            )
        )
        if self._live.served().overlay is not None:
            self._show_search(None)

    def _built(self, options: BuildOptions, inputs: InputScan | None = None) -> BuildResult | None:
        """A build with ``options``, or None when it failed (and the failure was shown).
        ``inputs``: the watcher's walk of the inputs, None to walk them."""
        clock = self._timer.now()
        if clock is not None:
            options = replace(options, clock=clock)
        self._resident.inputs = inputs
        try:
            result = self._attempt(options)
        finally:
            self._resident.inputs = None
            indexed, self._resident.indexed = self._resident.indexed, None
        if indexed is not None and result is not None and result.written:
            # The bundle served now was made from these records: the overlays' base.
            try:
                config = result.check.config
                base_url = self._options.base_url or config.base_url
                state = self._resident.index
                made_from = None if state is None else (state, base_url)
                self._overlays.indexed(indexed, config.language, made_from)
                self._keep_base(indexed, config.language)
            except Exception as exc:  # a long-running server survives: no overlays, then
                self._no_overlay(exc)
        self._timer.noted(None if result is None else result.check.corpus.briefs, options.clock)
        return result

    def _keep_base(self, records: list[SearchRecord], language: str) -> None:
        """Store the records the served bundle was just made from, with its key: the next
        ``serve`` on this output has a base for overlays at once, even when the bundle is
        stale by then (``_restore_base``), instead of after its first whole index."""
        cache, key = self._cache(), self._served_search_key()
        if cache is not None and key is not None:
            cache.write(_SEARCH_BASE, (builder_fingerprint(), key, language, records))

    def _restore_base(self, language: str, interrupted: Callable[[], bool]) -> None:
        """The stored base (``_keep_base``) as the overlays' base, if it is what the served
        bundle was made from, by this builder. Raises ``SearchInterrupted`` when
        ``interrupted()`` says an edit is waiting (the base is then as it was)."""
        cache, key = self._cache(), self._served_search_key()
        stored = cache.read(_SEARCH_BASE) if cache is not None and key is not None else None
        if not isinstance(stored, tuple) or len(stored) != 4:
            return
        fingerprint, stored_key, stored_language, records = stored
        if (fingerprint, stored_key, stored_language) != (builder_fingerprint(), key, language):
            return
        if interrupted():
            raise SearchInterrupted("an edit came while the stored records were read")
        try:
            self._overlays.indexed(records, language, interrupted=interrupted)
        except SearchInterrupted:
            raise
        except Exception as exc:  # a long-running server survives: no overlays, then
            self._no_overlay(exc)

    def _cache(self) -> BuildCache | None:
        return open_cache(self._root) if self._options.use_cache else None

    def _served_search_key(self) -> str | None:
        """The key of the records the served search bundle was made from."""
        output = self._resident.output
        return output[1].search_key if output is not None else None

    def _tell_schedule(self, before: Publication | None) -> None:
        """Say when the next scheduled brief appears, if that changed: an editor who
        scheduled a brief sees when the preview will show it."""
        upcoming = self._timer.next
        if upcoming is not None and upcoming != before:
            listing, when = _listing(list(upcoming.paths)), upcoming.moment.isoformat()
            self._console.tell(
                msg(
                    "scheduled: {files} due at {when} (serve rebuilds then)",
                    files=listing,
                    when=when,
                )
            )

    def _attempt(self, options: BuildOptions) -> BuildResult | None:
        try:
            progress = self._console.progress()
            return build_site(self._root, options, progress, self._resident)
        except ConfigError as exc:
            self._fail(exc.problems)
        except SearchInterrupted:
            # An edit came while the whole index was rebuilt: the watcher builds it next
            # (with an overlay, the edit is searchable at once) and the index waits.
            self._search_pending = True
            self._console.tell(
                msg(
                    "search index: rebuild stopped for an edit; "
                    "it starts again once the files are quiet"
                )
            )
        except SearchIndexError as exc:
            problem = self._console.language(
                msg("search index: {reason}", reason=exception_text(exc))
            )
            self._console.say(problem)
            self._show_error(problem)
        except (OutputFolderError, OutputWriteError) as exc:
            problem = self._console.language(
                msg(
                    "could not write {out}: {reason}",
                    out=self._options.out,
                    reason=exception_text(exc),
                )
            )
            self._console.say(problem)
            self._show_error(problem)
        except LockWriteError as exc:
            self._console.say(str(exc))
            self._show_error(str(exc))
        except Exception as exc:
            # A long-running server must survive a bug in one build: show it, keep serving.
            self._console.say(traceback.format_exc().rstrip())
            self._show_error(f"site-builder failed: {type(exc).__name__}: {exc}")
        return None

    def _show_result(self, result: BuildResult, seconds: float) -> None:
        if result.check.diagnostics:
            self._console.say(
                report_text(result, self._console.colour, self._root, self._console.language)
            )
        if not result.written:
            self._show_error(report_text(result, False, None, self._console.language))
            return
        self._builds += 1
        base_path = Urls(self._options.base_url or result.check.config.base_url).base_path
        if base_path != self._live.served().base_path:
            self._console.tell(msg("base_url changed: now served under {path}", path=base_path))
        self._console.tell(
            msg_n(
                "built {n} file in {seconds:.1f} s",
                "built {n} files in {seconds:.1f} s",
                result.files,
                seconds=seconds,
            )
        )
        served = self._live.served()
        # The last search overlay stays until the next replaces it (``_show_overlay``),
        # unless this build indexed: then its bundle is current.
        search = served.search_state
        overlay = served.overlay if result.search_pending else None
        if overlay is None and served.overlay is not None:
            search += 1
        served = Served(result.out, base_path, overlay=overlay, search_state=search)
        self._live.show(served, Event("reload", str(self._builds)))

    def _fail(self, problems: list[Diagnostic]) -> None:
        language = self._console.language
        self._console.say(diagnostics_text(problems, self._console.colour, self._root, language))
        self._show_error(diagnostics_text(problems, False, None, language))

    def _show_error(self, text: str) -> None:
        if self._live.served().folder.is_dir():
            self._console.tell(msg("not rebuilt: still serving the last good build"))
        else:
            self._console.tell(msg("not built: fix the errors above (open pages show them too)"))
        served = replace(self._live.served(), error=text)
        self._live.show(served, Event("error", text))


def report_text(
    result: BuildResult, colour: bool, site: Path | None = None, language: Language = ENGLISH
) -> str:
    """The build's diagnostics and summary line, as ``check`` prints them, in ``language``;
    with the lines of ``site``'s files they point at, if given (the terminal; not the page
    overlay)."""
    checked = result.check
    closing = summary(checked.diagnostics, checked.briefs, checked.sources, language)
    shown = diagnostics_text(result.check.diagnostics, colour, site, language)
    return "\n".join([shown, closing]).lstrip("\n")


def diagnostics_text(
    diagnostics: Sequence[Diagnostic],
    colour: bool,
    site: Path | None = None,
    language: Language = ENGLISH,
) -> str:
    """Diagnostics as ``check`` prints them, one after the other."""
    return "\n".join(text_report(diagnostics, site, colour, language))


def _listing(paths: list[str], shown: int = 3) -> str:
    more = f" and {len(paths) - shown} more" if len(paths) > shown else ""
    return ", ".join(paths[:shown]) + more


class DevServer:
    """A running ``serve``: the HTTP server and the watcher (``watch`` runs until the event
    it is given is set), each in a thread of its own, until ``close``."""

    def __init__(
        self,
        server: DevHTTPServer,
        live: LiveSite,
        watch: Callable[[threading.Event], None],
    ):
        self._server, self._live = server, live
        self._stop = threading.Event()
        # A short poll interval: close() waits up to that long for the server loop to stop.
        serving = partial(server.serve_forever, poll_interval=0.1)
        self._serving = threading.Thread(target=serving, name="serve", daemon=True)
        self._watcher = threading.Thread(target=watch, args=(self._stop,), name="watch")

    @property
    def origin(self) -> str:
        """``http://127.0.0.1:PORT``, with the port actually opened (``--port 0``)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def url(self) -> str:
        """The site's home page."""
        return self.origin + self._live.served().base_path

    def start(self) -> None:
        self._serving.start()
        self._watcher.start()

    def wait(self) -> None:
        """Until the server stops; Ctrl-C (``KeyboardInterrupt``) ends the wait."""
        while self._serving.is_alive():
            self._serving.join(0.5)

    def close(self) -> None:
        """Stop watching and serving; a build in progress is finished, never cut off, so
        no half-written folder is left behind."""
        self._stop.set()
        self._server.shutdown()
        self._live.close()
        self._server.server_close()
        self._watcher.join()


def start_server(root: Path, options: ServeOptions, console: Console) -> DevServer:
    """Build once, then serve and watch in background threads (``DevServer.close`` ends them).

    Raises ``OutputFolderError`` for an unusable output folder, ``ConfigError`` for a site
    that cannot be read, and ``PortError`` when the port cannot be opened.
    """
    out = options.build.out or serve_folder(root)
    check_output_folder(out, root)
    config = load_config(root)
    base_path = Urls(options.build.base_url or config.base_url).base_path
    live = LiveSite(Served(out, base_path))
    server = open_server(options.port, live)  # first: a busy port fails before a long build
    try:
        builder = Builder(
            root,
            replace(options.build, out=out),
            live,
            console,
            options.clock,
            index_quiet=options.watch.index_quiet,
        )
        baseline = snapshot(root, out)
        builder.build([])  # before any thread starts, so the loader may still fork
    except BaseException:
        server.server_close()
        raise
    baseline = refreshed(root, baseline, ("citations.lock",))
    reactions = Reactions(
        builder.build,
        console.tell,
        builder.catch_up,
        builder.publish_due,
        builder.seen,
        builder.stopped,
    )
    watcher = partial(watch, root, baseline, reactions, options=options.watch, skip=out)
    running = DevServer(server, live, watcher)
    running.start()
    return running


def open_server(port: int, live: LiveSite) -> DevHTTPServer:
    """The HTTP server for ``live`` on ``HOST``, listening but not yet serving."""
    try:
        return DevHTTPServer((HOST, port), partial(DevRequestHandler, live=live))
    except OSError as exc:
        raise PortError(f"cannot listen on {HOST}:{port}: {exc.strerror}") from exc


def serve(root: Path, options: ServeOptions, console: Console) -> None:
    """``serve``: build, serve on 127.0.0.1 and rebuild on change, until Ctrl-C."""
    running = start_server(root, options, console)
    if options.watch.poll:
        serving = msg(
            "serving {url} (rebuilds on change, polling every {seconds:g} s; Ctrl-C stops)",
            url=running.url,
            seconds=options.watch.interval,
        )
    else:
        serving = msg("serving {url} (rebuilds on change; Ctrl-C stops)", url=running.url)
    console.tell(serving)
    try:
        running.wait()
    finally:
        running.close()
