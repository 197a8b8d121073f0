"""``serve`` as an editor uses it: pages over HTTP, rebuild on save, reload and error events.

Servers run on port 0 (a free port) with fast polling; every wait is bounded by TIMEOUT and
ends as soon as its condition holds.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from site_builder.cache import open_cache
from site_builder.cli import main
from site_builder.load import file_states
from site_builder.output import previous_build
from site_builder.pipeline import BuildOptions
from site_builder.search import search_bundle
from site_builder.search import search_records as search_records_module
from site_builder.search.search_error import never_interrupted
from site_builder.serve import overlay
from site_builder.serve.serve import Console, DevServer, ServeOptions, serve_folder, start_server
from site_builder.serve.serve_http import RELOAD_TAG, Redirect, Served, inject_reload, locate
from site_builder.serve.watch import WatchOptions, changed_paths, snapshot
from tests.sitefiles import SITE_YAML, brief, write_site
from tests.test_build import tree

TIMEOUT = 5.0
GOOD = brief("Der Status sei „unbestreitbar und nicht verhandelbar“ [@quelle#p1].\n")
RENAMED = brief(
    "Der Status sei „unbestreitbar und nicht verhandelbar“ [@quelle#p1].\n",
    head="---\ntitle: Neue Überschrift\ndate: 2025-02-27\n---\n",
)
BAD = brief("Text [@quelle#p9].\n")
BAD_LINE = (
    "briefs/a.md:5:7: error[unknown-anchor]: source 'quelle' has no anchor 'p9' "
    "(it has p1–p4, istanbul)"
)
# The search index catches up only when asked for (``QUIET``): on a busy machine it could
# otherwise run between two steps of a test and delay the next rebuild past the timeout.
FAST = WatchOptions(interval=0.02, settle=0.05, quiet=3600)
QUIET = WatchOptions(interval=0.02, settle=0.05, quiet=0.1, index_quiet=0.1)


@dataclass
class Running:
    """A started server on a temporary site, with what it said."""

    site: Path
    server: DevServer
    messages: list[str] = field(default_factory=list)

    def url(self, path: str = "") -> str:
        return self.server.origin + path

    def write(self, relative: str, text: str) -> None:
        (self.site / relative).write_text(text, encoding="utf-8")


StartServer = Callable[..., Running]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[StartServer]:
    started: list[Running] = []

    def start_on(
        files: dict[str, str], build: BuildOptions | None = None, watch: WatchOptions = FAST
    ) -> Running:
        site = write_site(tmp_path / "site", files)
        messages: list[str] = []
        options = ServeOptions(build or BuildOptions(), port=0, watch=watch)
        server = start_server(site, options, Console(say=messages.append))
        started.append(Running(site, server, messages))
        return started[-1]

    yield start_on
    for running in started:
        running.server.close()


def fetch(url: str) -> tuple[int, str]:
    """Status and body; error statuses are answers too."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def raw_get(running: Running, path: str) -> http.client.HTTPResponse:
    """The response as sent (no redirects followed, the path not normalised)."""
    host, port = running.url().removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=TIMEOUT)
    connection.request("GET", path)
    return connection.getresponse()


class EventStream:
    """The page's side of ``/__site-builder/events``, read with a timeout."""

    def __init__(self, running: Running) -> None:
        url = running.url("/__site-builder/events")
        self._response = urllib.request.urlopen(url, timeout=TIMEOUT)
        assert self._response.headers["Content-Type"].startswith("text/event-stream")
        assert ": connected" in self._block()  # subscribed: no later event can be missed

    def _block(self) -> list[str]:
        lines: list[str] = []
        while True:
            line = self._response.readline().decode()
            if not line:
                raise EOFError("the event stream ended")
            if line.strip("\n"):
                lines.append(line.rstrip("\n"))
            elif lines:
                return lines

    def next_event(self, *, search: bool = False) -> tuple[str, str]:
        """The next named event (comments and keep-alives skipped): name and data. A
        ``search`` event (the index caught up, whenever the files were quiet) is skipped
        unless ``search``."""
        while True:
            fields = [line.split(": ", 1) for line in self._block() if not line.startswith(":")]
            names = [value for key, value in fields if key == "event"]
            if names and (search or names[0] != "search"):
                return names[0], "\n".join(value for key, value in fields if key == "data")

    def close(self) -> None:
        self._response.close()


def wait_until(condition: Callable[[], bool], said: list[str] | None = None) -> None:
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        assert time.monotonic() < deadline, f"condition not met in time; said: {said}"
        time.sleep(0.01)


def test_served_html_has_the_reload_script_but_the_built_files_do_not(
    start: StartServer,
) -> None:
    running = start({"briefs/a.md": GOOD})
    status, body = fetch(running.url("/briefs/a/"))
    assert status == 200
    assert "<h1" in body and "Testmeldung" in body
    assert body.count(RELOAD_TAG.decode()) == 1
    assert body.index(RELOAD_TAG.decode()) < body.index("</body>")
    built = (serve_folder(running.site) / "briefs/a/index.html").read_text("utf-8")
    assert "__site-builder" not in built


def test_serve_builds_into_the_cache_not_into_public(start: StartServer) -> None:
    running = start({"briefs/a.md": GOOD})
    assert serve_folder(running.site) == running.site / ".site-builder-cache" / "serve"
    assert (serve_folder(running.site) / "index.html").is_file()
    assert not (running.site / "public").exists()
    assert running.server.url.startswith("http://127.0.0.1:")


def test_reload_script_and_overlay_stylesheet_are_served(start: StartServer) -> None:
    running = start({"briefs/a.md": GOOD})
    response = raw_get(running, "/__site-builder/reload.js")
    script = response.read().decode()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/javascript; charset=utf-8"
    assert "EventSource('/__site-builder/events')" in script
    assert "innerHTML" not in script and "textContent" in script
    assert raw_get(running, "/__site-builder/overlay.css").status == 200
    assert raw_get(running, "/__site-builder/nothing.js").status == 404


def test_a_saved_brief_is_rebuilt_and_open_pages_reload(start: StartServer) -> None:
    running = start({"briefs/a.md": GOOD})
    events = EventStream(running)
    running.write("briefs/a.md", RENAMED)
    assert events.next_event()[0] == "reload"
    assert "Neue Überschrift" in fetch(running.url("/briefs/a/"))[1]
    assert "changed: briefs/a.md; rebuilding" in running.messages
    events.close()


def test_a_new_source_and_a_template_change_are_noticed(start: StartServer) -> None:
    running = start({"briefs/a.md": GOOD})
    events = EventStream(running)
    (running.site / "content/neu").mkdir()
    running.write("content/neu/zweite.md", "---\ntitle: Zweite Quelle\n---\nText.\n")
    assert events.next_event()[0] == "reload"
    assert fetch(running.url("/sources/zweite/"))[0] == 200
    (running.site / "templates").mkdir()
    running.write("templates/404.html", "<!doctype html><title>x</title><body>weg</body>")
    assert events.next_event()[0] == "reload"
    status, body = fetch(running.url("/nirgends/"))
    # (The reload tag says how often search changed: the new source made an overlay.)
    assert status == 404
    assert re.fullmatch(
        r'<!doctype html><title>x</title><body>weg<script src="/__site-builder/reload\.js" '
        r"defer[^>]*></script>\n</body>",
        body,
    ), body
    events.close()


def test_a_content_error_keeps_the_last_good_page_and_shows_the_diagnostics(
    start: StartServer,
) -> None:
    running = start({"briefs/a.md": GOOD})
    events = EventStream(running)
    running.write("briefs/a.md", BAD)
    name, data = events.next_event()
    assert name == "error"
    assert BAD_LINE in data.splitlines()
    assert data.splitlines()[-1] == "1 error, 0 warnings in 1 brief and 1 source"
    # The terminal shows the same text as check; the site served is still the good one.
    assert any(BAD_LINE in message for message in running.messages)
    assert "not rebuilt: still serving the last good build" in running.messages
    status, body = fetch(running.url("/briefs/a/"))
    assert status == 200 and "unbestreitbar" in body
    # A page opened (or reloaded) while the error lasts is told at once.
    late = EventStream(running)
    assert late.next_event() == ("error", data)
    running.write("briefs/a.md", RENAMED)
    assert events.next_event()[0] == "reload"
    assert late.next_event()[0] == "reload"
    events.close()
    late.close()


def test_a_broken_site_yaml_is_an_error_event_not_a_crash(start: StartServer) -> None:
    running = start({"briefs/a.md": GOOD})
    events = EventStream(running)
    running.write("site.yaml", "title: [unclosed\n")
    name, data = events.next_event()
    assert name == "error"
    assert data.startswith("site.yaml:2:1: error[yaml-syntax]: ")
    assert fetch(running.url("/briefs/a/"))[0] == 200
    running.write("site.yaml", SITE_YAML)
    assert events.next_event()[0] == "reload"
    events.close()


def test_a_bug_in_a_rebuild_is_shown_and_serving_goes_on(
    start: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = start({"briefs/a.md": GOOD})
    events = EventStream(running)

    def broken(*args: object, **kwargs: object) -> object:
        raise RuntimeError("boom")

    # (What serve's resident rebuild renders with: ``render_patch``.)
    monkeypatch.setattr("site_builder.render.render.render_patch", broken)
    running.write("briefs/a.md", RENAMED)
    assert events.next_event() == ("error", "site-builder failed: RuntimeError: boom")
    assert any("Traceback" in message for message in running.messages)
    status, body = fetch(running.url("/briefs/a/"))
    assert status == 200 and "Testmeldung" in body
    monkeypatch.undo()
    running.write("briefs/a.md", GOOD)
    assert events.next_event()[0] == "reload"
    events.close()


def test_a_site_with_errors_from_the_start_is_served_with_its_error(start: StartServer) -> None:
    running = start({"briefs/a.md": BAD})
    status, body = fetch(running.url("/"))
    assert status == 404 and RELOAD_TAG.decode() in body
    events = EventStream(running)
    name, data = events.next_event()
    assert name == "error" and BAD_LINE in data
    assert "not built: fix the errors above (open pages show them too)" in running.messages
    events.close()


def test_a_sub_path_base_url_is_served_under_its_path(start: StartServer) -> None:
    site_yaml = SITE_YAML.replace("https://example.org/", "https://example.org/news/")
    running = start({"site.yaml": site_yaml, "briefs/a.md": GOOD})
    assert running.server.url.endswith("/news/")
    status, body = fetch(running.url("/news/briefs/a/"))
    assert status == 200 and 'href="/news/sources/quelle/?von=a#p1"' in body
    for path in ("/", "/news"):
        response = raw_get(running, path)
        assert (response.status, response.getheader("Location")) == (302, "/news/")
    assert fetch(running.url("/")) == fetch(running.url("/news/"))  # the redirect leads home
    assert fetch(running.url("/briefs/a/"))[0] == 404


def test_base_url_option_overrides_site_yaml(start: StartServer) -> None:
    running = start({"briefs/a.md": GOOD}, BuildOptions(base_url="/vorschau/"))
    assert running.server.url.endswith("/vorschau/")
    assert fetch(running.url("/vorschau/briefs/a/"))[0] == 200


def test_a_missing_page_is_404_with_the_sites_404_page(start: StartServer) -> None:
    running = start({"briefs/a.md": GOOD})
    status, body = fetch(running.url("/briefs/gibt-es-nicht/"))
    assert status == 404
    assert "Seite nicht gefunden" in body and RELOAD_TAG.decode() in body


def test_a_folder_without_its_slash_redirects_and_nothing_outside_is_served(
    start: StartServer,
) -> None:
    running = start({"briefs/a.md": GOOD})
    response = raw_get(running, "/briefs/a")
    assert (response.status, response.getheader("Location")) == (302, "/briefs/a/")
    for path in ("/../site.yaml", "/%2e%2e/site.yaml", "/.site-builder-output"):
        assert raw_get(running, path).status == 404


def test_locate_maps_paths_under_the_base_path(tmp_path: Path) -> None:
    (tmp_path / "briefs/a").mkdir(parents=True)
    (tmp_path / "briefs/a/index.html").write_text("x")
    (tmp_path / "feed.xml").write_text("x")
    served = Served(tmp_path, "/news/")
    assert locate("/news/briefs/a/", served) == tmp_path / "briefs/a/index.html"
    assert locate("/news/feed.xml", served) == tmp_path / "feed.xml"
    assert locate("/news/briefs/a", served) == Redirect("/news/briefs/a/")
    assert locate("/", served) == Redirect("/news/")
    assert locate("/news", served) == Redirect("/news/")
    assert locate("/feed.xml", served) is None
    assert locate("/news/../news/feed.xml", served) is None


def test_inject_reload_goes_before_the_last_body_end_tag() -> None:
    html = b"<p>&lt;/body&gt; </body></html>"
    assert inject_reload(html) == b"<p>&lt;/body&gt; " + RELOAD_TAG + b"\n</body></html>"
    assert inject_reload(b"<p>kein Ende") == b"<p>kein Ende" + RELOAD_TAG + b"\n"


def test_the_lock_written_by_a_build_does_not_trigger_another(start: StartServer) -> None:
    running = start({"briefs/a.md": GOOD})
    assert (running.site / "citations.lock").is_file()  # written by the first build
    time.sleep(10 * FAST.interval + FAST.settle)  # several polls: none may see a change
    assert not any(message.startswith("changed:") for message in running.messages)


def test_snapshot_sees_watched_files_only(tmp_path: Path) -> None:
    site = write_site(tmp_path, {"briefs/a.md": GOOD, "briefs/.a.md.swp": "x", "notes.txt": "x"})
    before = snapshot(site)
    assert sorted(before) == ["briefs/a.md", "content/quelle.md", "site.yaml"]
    (site / "briefs/a.md").write_text(RENAMED, encoding="utf-8")
    (site / "citations.lock").write_text("{}", encoding="utf-8")
    (site / "content/quelle.md").unlink()
    assert changed_paths(before, snapshot(site)) == [
        "briefs/a.md",
        "citations.lock",
        "content/quelle.md",
    ]


# The command as a user runs it, in a process of its own.


def test_serve_command_prints_the_url_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"briefs/a.md": GOOD})
    process = _serve_process(site)
    try:
        lines = _lines_of(process)
        url = _wait_for_line(lines, "serving ").split()[1]
        assert fetch(url + "briefs/a/")[0] == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        process.kill()
        process.wait()
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP])
def test_serve_stopped_by_sigterm_or_a_closed_terminal_ends_as_on_ctrl_c(
    tmp_path: Path, stop: signal.Signals
) -> None:
    """``kill``, a process manager or a closed terminal: the last build's record is stored
    (the next session starts from it) and the process says it stopped, as on Ctrl-C."""
    site = write_site(tmp_path / "site", {"briefs/a.md": GOOD})
    process = _serve_process(site)
    try:
        lines = _lines_of(process)
        _wait_for_line(lines, "serving ")
        (site / "briefs/a.md").write_text(RENAMED, encoding="utf-8")
        _wait_for_line(lines, "built ")
        process.send_signal(stop)  # before the files are quiet, when the record is stored
        assert process.wait(timeout=TIMEOUT) == 0
    finally:
        process.kill()
        process.wait()
    assert _wait_for_line(lines, "stopped") == "stopped"
    assert process.stderr is not None
    assert "Traceback" not in process.stderr.read()
    record = previous_build.read_record(open_cache(site), serve_folder(site))
    assert record is not None
    now = previous_build.input_entries(site)
    assert file_states.same_entries(record.inputs, now), "the edited brief's build"


def test_serve_shows_the_site_despite_a_stale_citation_as_check_does(tmp_path: Path) -> None:
    """A preview must show the editor the site while a source change waits for review:
    stale citations stay warnings in ``serve`` (``build`` refuses them)."""
    site = write_site(tmp_path / "site", {"briefs/a.md": GOOD})
    assert (
        subprocess.run(
            [sys.executable, "-m", "site_builder", "lock", "--site", str(site)],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    source = site / "content/quelle.md"
    source.write_text(source.read_text("utf-8").replace("sagte Peskow", "sagte er"), "utf-8")
    process = _serve_process(site)
    try:
        lines = _lines_of(process)
        assert "[-Peskow-]{+er+}" in _wait_for_line(lines, "   = diff: ")
        url = _wait_for_line(lines, "serving ").split()[1]
        assert fetch(url + "briefs/a/")[0] == 200
    finally:
        process.kill()
        process.wait()


def test_serve_command_refuses_a_bad_port(tmp_path: Path) -> None:
    site = write_site(tmp_path / "site", {"briefs/a.md": GOOD})
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "serve", "--site", str(site), "--port", "70000"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 2,
        check=False,
    )
    assert result.returncode == 2
    assert "not a port number (0–65535): '70000'" in result.stderr


def test_serve_command_reports_a_busy_port(start: StartServer, tmp_path: Path) -> None:
    running = start({"briefs/a.md": GOOD})
    port = running.url().rsplit(":", 1)[1]
    other = write_site(tmp_path / "other", {"briefs/a.md": GOOD})
    result = subprocess.run(
        [sys.executable, "-m", "site_builder", "serve", "--site", str(other), "--port", port],
        capture_output=True,
        text=True,
        timeout=TIMEOUT * 2,
        check=False,
    )
    assert result.returncode == 2
    assert f"--port: cannot listen on 127.0.0.1:{port}: Address already in use" in result.stderr
    assert not (other / ".site-builder-cache").exists()  # refused before building


def _serve_process(site: Path) -> subprocess.Popen[str]:
    """``site-builder serve`` on a free port, in a process of its own."""
    return subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--site", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        # The default Ctrl-C handling even when the tests run with SIGINT ignored (a
        # background job of a shell without job control).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )


def _lines_of(process: subprocess.Popen[str]) -> queue.Queue[str]:
    """The process's output lines as they come, read in a thread so waits can time out."""
    lines: queue.Queue[str] = queue.Queue()
    assert process.stdout is not None
    stdout = process.stdout

    def pump() -> None:
        for line in stdout:
            lines.put(line.rstrip("\n"))

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for_line(lines: queue.Queue[str], prefix: str) -> str:
    deadline = time.monotonic() + TIMEOUT * 2
    while True:
        line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        if line.startswith(prefix):
            return line


def test_an_edit_shows_first_and_the_search_index_follows(
    start: StartServer, tmp_path: Path
) -> None:
    """With search on, a rebuild keeps the last search index so the edited page shows at
    once; once the files are quiet the index is rebuilt, and open search pages reload."""
    running = start({"briefs/a.md": GOOD}, watch=QUIET)
    events = EventStream(running)
    running.write("briefs/a.md", RENAMED)
    assert events.next_event() == ("reload", "2")
    assert "Neue Überschrift" in fetch(running.url("/briefs/a/"))[1]
    assert any("built" in message for message in running.messages)
    # At once the edit is searchable through an overlay (search state 1), then the whole
    # index is rebuilt (state 2): each time open search pages reload.
    assert events.next_event(search=True) == ("search", "1")
    assert any("search finds the edit after" in message for message in running.messages)
    assert events.next_event(search=True) == ("search", "2")
    assert any("search index up to date in" in message for message in running.messages)
    assert "data-search-overlay" not in fetch(running.url("/search/"))[1]
    # Now the served site is what a cold build makes, search index included.
    cold = tmp_path / "cold"
    assert main(["build", "--site", str(running.site), "--out", str(cold), "--no-cache"]) == 0
    assert tree(serve_folder(running.site)) == tree(cold)
    events.close()


class HeldOnce:
    """A stand-in for a step of the whole index's rebuild (``real``, called as
    ``real(first, second, interrupted)``): the first call after ``armed`` is set says so
    (``began``) and holds until ``until(interrupted)`` (an edit is waiting; ``released``
    then), as a large site's step would still run; then, as every other call, the real
    step, which stops for the waiting edit."""

    def __init__(
        self,
        real: Callable[..., Any],
        until: Callable[[Callable[[], bool]], bool] = lambda interrupted: interrupted(),
    ) -> None:
        self.real, self.until = real, until
        self.armed, self.began, self.released = (threading.Event() for _ in range(3))

    def __call__(
        self, first: Any, second: Any, interrupted: Callable[[], bool] = never_interrupted
    ) -> Any:
        if self.armed.is_set():
            self.armed.clear()
            self.began.set()
            wait_until(lambda: self.until(interrupted))
            self.released.set()
        return self.real(first, second, interrupted)


def test_an_edit_during_the_index_rebuild_stops_it_and_shows_first(
    start: StartServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a large site the whole index's rebuild takes many seconds: an edit that comes
    meanwhile stops it, is built and shown at once, and the index is rebuilt at the next
    quiet moment, ending where a cold build does."""
    edited = threading.Event()
    # (A late second notice of the last edit may come first: not the edit.)
    indexing = HeldOnce(
        search_bundle.build_search_bundle, lambda interrupted: edited.is_set() and interrupted()
    )
    monkeypatch.setattr(search_bundle, "build_search_bundle", indexing)
    running = start({"briefs/a.md": GOOD}, watch=QUIET)
    events = EventStream(running)
    indexing.armed.set()
    running.write("briefs/a.md", RENAMED)
    assert events.next_event() == ("reload", "2")
    assert indexing.began.wait(TIMEOUT), running.messages  # the files were quiet: it began
    running.write("briefs/a.md", RENAMED.replace("Neue Überschrift", "Dritte Fassung"))
    edited.set()
    assert events.next_event() == ("reload", "3")
    assert "Dritte Fassung" in fetch(running.url("/briefs/a/"))[1]
    stopped = "search index: rebuild stopped for an edit; it starts again once the files are quiet"
    assert stopped in running.messages
    wait_until(lambda: any("search index up to date in" in m for m in running.messages))
    cold = tmp_path / "cold"
    assert main(["build", "--site", str(running.site), "--out", str(cold), "--no-cache"]) == 0
    assert tree(serve_folder(running.site)) == tree(cold)
    events.close()


def test_an_edit_while_the_records_are_made_stops_the_index_rebuild(
    start: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before Pagefind runs, the rebuild of the whole index makes every search record (2 s
    at 20,000 pages): an edit stops that too."""
    making = HeldOnce(search_records_module.search_records)
    monkeypatch.setattr(search_records_module, "search_records", making)
    running = start({"briefs/a.md": GOOD}, watch=QUIET)
    events = EventStream(running)
    making.armed.set()
    running.write("briefs/a.md", RENAMED)
    assert events.next_event() == ("reload", "2")
    assert making.began.wait(TIMEOUT), running.messages
    running.write("briefs/a.md", RENAMED.replace("Neue Überschrift", "Dritte Fassung"))
    assert events.next_event() == ("reload", "3")
    stopped = "search index: rebuild stopped for an edit; it starts again once the files are quiet"
    assert stopped in running.messages
    events.close()


def test_a_notice_of_an_unchanged_file_does_not_stop_the_index_rebuild(
    start: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save of the same bytes (an editor's reflex, or watchfiles reporting one save a
    second time after the rebuild) brings a notice but no change: the rebuild of the whole
    index goes on. A real edit then stops it."""
    indexing = HeldOnce(search_bundle.build_search_bundle)
    monkeypatch.setattr(search_bundle, "build_search_bundle", indexing)
    running = start({"briefs/a.md": GOOD}, watch=QUIET)
    indexing.armed.set()
    running.write("briefs/a.md", RENAMED)
    assert indexing.began.wait(TIMEOUT), running.messages
    path = running.site / "briefs/a.md"
    before = path.stat()
    path.write_bytes(path.read_bytes())  # saved again, unchanged
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    time.sleep(2.0)  # watchfiles reports within its debounce (1.6 s at most)
    assert not indexing.released.is_set(), "a notice without a change stopped the index"
    running.write("briefs/a.md", RENAMED.replace("Neue Überschrift", "Dritte Fassung"))
    assert indexing.released.wait(TIMEOUT)
    stopped = "search index: rebuild stopped for an edit; it starts again once the files are quiet"
    wait_until(lambda: stopped in running.messages, running.messages)


def test_a_session_on_a_stale_index_makes_edits_searchable_at_once(start: StartServer) -> None:
    """The last session stored the records its index was made from: a new session on that
    index, stale by now (a brief changed while no serve ran, as after a ``git pull``),
    has a base for overlays once the files are quiet, so search finds the change before
    the whole index is rebuilt (never here: that waits an hour for quiet files)."""
    first = start({"briefs/a.md": GOOD})
    first.server.close()
    first.write("briefs/a.md", RENAMED)
    messages: list[str] = []
    watch = WatchOptions(interval=0.02, settle=0.05, quiet=0.1, index_quiet=3600)
    options = ServeOptions(BuildOptions(), port=0, watch=watch)
    server = start_server(first.site, options, Console(say=messages.append))
    try:
        wait_until(lambda: any("search finds the edit after" in m for m in messages), messages)
        assert not any("search index: updating" in message for message in messages)
        status, page = fetch(server.origin + "/search/")
        assert status == 200 and 'data-search-overlay="/__site-builder/search-overlay/1/"' in page
        status, text = fetch(server.origin + "/__site-builder/search-overlay/1/overlay.json")
        described = json.loads(text)
        assert len(described["stale"]) == 1 and len(described["records"]) == 1
    finally:
        server.close()


def test_an_edit_early_in_a_session_on_a_stale_index_comes_before_the_stored_base(
    start: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Making the overlays' base from the stored records takes seconds on a large site,
    once the files are quiet after the session's start: an edit saved meanwhile stops it,
    is built and shown first, and the base is made at the next quiet moment."""
    first = start({"briefs/a.md": GOOD})
    first.server.close()
    first.write("briefs/a.md", RENAMED)
    real = overlay.SearchOverlays.indexed
    armed, restoring = threading.Event(), threading.Event()

    def slow_once(
        overlays: overlay.SearchOverlays, *args: Any, interrupted: Any = None, **kwargs: Any
    ) -> None:
        if armed.is_set() and interrupted is not None:
            armed.clear()
            restoring.set()
            wait_until(interrupted)  # until the edit: it must be asked
        if interrupted is not None:
            kwargs["interrupted"] = interrupted
        real(overlays, *args, **kwargs)

    monkeypatch.setattr(overlay.SearchOverlays, "indexed", slow_once)
    armed.set()
    messages: list[str] = []
    watch = WatchOptions(interval=0.02, settle=0.05, quiet=0.1, index_quiet=3600)
    options = ServeOptions(BuildOptions(), port=0, watch=watch)
    server = start_server(first.site, options, Console(say=messages.append))
    try:
        assert restoring.wait(TIMEOUT), messages
        first.write("briefs/a.md", RENAMED.replace("Neue Überschrift", "Dritte Fassung"))
        wait_until(lambda: "Dritte Fassung" in fetch(server.origin + "/briefs/a/")[1], messages)
        wait_until(lambda: any("search finds the edit after" in m for m in messages), messages)
        assert not any("search finds edits only once" in message for message in messages)
    finally:
        server.close()


def test_the_site_is_loaded_into_memory_once_the_files_are_quiet(
    start: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new session on the last session's output, which is up to date, serves at once
    without loading the site; it loads the site for quick rebuilds once the files are
    quiet, and an edit then rebuilds as usual."""
    # Files just written count as settled at once, so the output can be up to date.
    monkeypatch.setattr(previous_build, "SETTLE_NS", 0)
    monkeypatch.setattr(file_states, "SETTLE_NS", 0)
    first = start({"briefs/a.md": GOOD})  # it records the citations in the lock
    first.server.close()
    # A build into the serve folder after the lock was written: its output is up to date.
    site = str(first.site)
    assert main(["build", "--site", site, "--out", str(serve_folder(first.site))]) == 0
    options = ServeOptions(BuildOptions(), port=0, watch=QUIET)
    messages: list[str] = []
    server = start_server(first.site, options, Console(say=messages.append))
    try:
        running = Running(first.site, server, messages)
        assert any(m.startswith("built ") for m in messages)  # the up-to-date output
        wait_until(lambda: any("site loaded for quick rebuilds" in m for m in messages), messages)
        events = EventStream(running)
        running.write("briefs/a.md", RENAMED)
        assert events.next_event() == ("reload", "2")
        assert "Neue Überschrift" in fetch(running.url("/briefs/a/"))[1]
        events.close()
    finally:
        server.close()


def test_an_edit_is_searchable_through_an_overlay_served_from_memory(start: StartServer) -> None:
    """Before the search index is rebuilt (never here: the files are not quiet long
    enough), the edit is indexed into an overlay that pages name and serve keeps in
    memory (search.search_overlay); the output folder stays what a build writes."""
    running = start({"briefs/a.md": GOOD})
    events = EventStream(running)
    running.write("briefs/a.md", RENAMED)
    assert events.next_event() == ("reload", "2")
    assert events.next_event(search=True) == ("search", "1")
    assert any("search finds the edit after" in message for message in running.messages)
    status, page = fetch(running.url("/search/"))
    assert status == 200
    overlay = "/__site-builder/search-overlay/1/"
    assert f'data-search-state="1" data-search-overlay="{overlay}"' in page
    status, text = fetch(running.url(overlay + "overlay.json"))
    assert status == 200
    described = json.loads(text)
    assert len(described["stale"]) == 1  # the brief's record as the index has it
    assert len(described["records"]) == 1  # and as it is now
    for path in ("/__site-builder/search-overlay/0/overlay.json", overlay + "nothing"):
        assert fetch(running.url(path))[0] == 404
    assert raw_get(running, overlay + "../../../etc/passwd").status == 404
    served = serve_folder(running.site)
    assert not [path for path in served.rglob("*") if "overlay" in path.name]
    events.close()


def test_a_failing_search_overlay_leaves_the_pages_served_and_says_why(
    start: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pagefind failing (or a bug) while making an overlay must not end the watcher:
    the rebuilt page is served, search shows the index, and the next edit rebuilds."""

    def broken(*args: object) -> None:
        raise RuntimeError("Pagefind stopped")

    monkeypatch.setattr(overlay.SearchOverlays, "overlay", broken)
    running = start({"briefs/a.md": GOOD})
    events = EventStream(running)
    running.write("briefs/a.md", RENAMED)
    assert events.next_event() == ("reload", "2")
    wait_until(
        lambda: any("only once the index is rebuilt" in m for m in running.messages),
        running.messages,
    )
    assert "data-search-overlay" not in fetch(running.url("/search/"))[1]
    running.write("briefs/a.md", GOOD)
    assert events.next_event() == ("reload", "3")
    assert "Neue Überschrift" not in fetch(running.url("/briefs/a/"))[1]
    events.close()
