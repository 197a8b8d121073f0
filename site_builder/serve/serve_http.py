"""The HTTP side of ``serve``: the last good build under its base path, plus live reload.

Served HTML gets one ``<script src>`` (never an inline script, so a strict Content Security
Policy in the theme keeps working) that listens to Server-Sent Events: ``reload`` after a
good build, ``error`` with the diagnostics text after a failed one. The built files are
never changed: the tag is added to each response.
"""

from __future__ import annotations

import contextlib
import mimetypes
import queue
import re
import sys
import threading
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .overlay import ServedOverlay

TOOL_PREFIX = "/__site-builder/"
EVENTS_PATH = TOOL_PREFIX + "events"
OVERLAY_PREFIX = TOOL_PREFIX + "search-overlay/"
RELOAD_TAG = b'<script src="/__site-builder/reload.js" defer></script>'
ASSETS = Path(__file__).parent / "serve_assets"
TOOL_FILES = ("reload.js", "overlay.css")

# Comments keep an idle event stream open through proxies and tell us when a page has gone.
KEEPALIVE_SECONDS = 15.0

# How long one read or write on a connection may wait: a client that connects and sends
# nothing (or stops reading) is dropped instead of holding a thread for ever. An idle event
# stream waits for events, not for its socket, so the limit never ends one.
REQUEST_TIMEOUT_SECONDS = 20.0

# Connections the system queues while the server is busy (the standard library's 5 made
# clients of a page with many files wait or fail).
LISTEN_BACKLOG = 128

# The only names a request may give in its Host header, with or without a port. Another
# name means the page asking was loaded from another site whose name was made to point at
# 127.0.0.1 (DNS rebinding): it must not read the preview.
LOCAL_HOST = re.compile(r"(?:127\.0\.0\.1|localhost|\[::1\])(?::[0-9]{0,5})?", re.IGNORECASE)
FORBIDDEN_HOST = (
    b"site-builder serve answers only requests for 127.0.0.1, localhost or [::1]: "
    b"open the address that serve printed.\n"
)

# Shown when the site has no page to show: never built (errors from the start), or no 404.html.
FALLBACK_404 = (
    b'<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
    b"<title>Not found</title>\n</head>\n<body>\n<h1>Not found</h1>\n"
    b"<p>site-builder serve has no page at this address. If the site has errors, the "
    b"terminal lists them.</p>\n</body>\n</html>\n"
)


@dataclass(frozen=True, slots=True)
class Served:
    """What the server shows: the output ``folder`` of the last good build, served under
    ``base_path`` (``/`` or ``/news/``), and ``error``, the diagnostics text while the latest
    build failed (None when it succeeded), and ``overlay``, the search overlay of the
    edits since the search index was built (``search.search_overlay``; None: none)."""

    folder: Path
    base_path: str
    error: str | None = None
    overlay: ServedOverlay | None = None
    # Counts the changes of what search finds (an overlay made, the index rebuilt): a
    # search page loaded at another count reloads (``reload.js``), even if it missed the
    # event while it was loading.
    search_state: int = 0

    def reload_tag(self) -> bytes:
        """The script tag added to every served page, with the search state, and the
        search overlay for the search page (static/search.js) if there is one."""
        if self.search_state == 0 and self.overlay is None:
            return RELOAD_TAG
        overlay = "" if self.overlay is None else f' data-search-overlay="{self.overlay.url}"'
        return (
            f'<script src="/__site-builder/reload.js" defer '
            f'data-search-state="{self.search_state}"{overlay}></script>'
        ).encode()


@dataclass(frozen=True, slots=True)
class Event:
    """One Server-Sent Event: ``name`` (``reload``, ``error``, or ``search`` when the
    search index caught up with the last build) and its text."""

    name: str
    data: str

    def encode(self) -> bytes:
        # A data field cannot hold a line break: each line of the text is a field of its own,
        # and the browser joins them with "\n" again.
        lines = self.data.splitlines() or [""]
        fields = "".join(f"data: {line}\n" for line in lines)
        return f"event: {self.name}\n{fields}\n".encode()


class LiveSite:
    """The ``Served`` state, replaced whole after each build, and the open event streams.

    Written by the build thread, read by request threads: a lock guards both.
    """

    def __init__(self, served: Served) -> None:
        self._lock = threading.Lock()
        self._served = served
        self._streams: set[queue.Queue[Event | None]] = set()

    def served(self) -> Served:
        with self._lock:
            return self._served

    def show(self, served: Served, event: Event) -> None:
        """Serve ``served`` from now on and tell every open page ``event``."""
        with self._lock:
            self._served = served
            streams = list(self._streams)
        for stream in streams:
            stream.put(event)

    def subscribe(self) -> queue.Queue[Event | None]:
        stream: queue.Queue[Event | None] = queue.Queue()
        with self._lock:
            self._streams.add(stream)
        return stream

    def unsubscribe(self, stream: queue.Queue[Event | None]) -> None:
        with self._lock:
            self._streams.discard(stream)

    def close(self) -> None:
        """End every open event stream (the server is stopping)."""
        with self._lock:
            streams, self._streams = list(self._streams), set()
        for stream in streams:
            stream.put(None)


@dataclass(frozen=True, slots=True)
class Redirect:
    """A redirect to ``location``, always a path of this server (one leading ``/``)."""

    location: str


# NAME_MAX on Linux and macOS: no file has a longer name, and asking the system about one
# fails with "File name too long" instead of "not found".
MAX_SEGMENT_BYTES = 255


def request_path(target: str) -> str:
    """The path of a request target, still percent-encoded: without query or fragment."""
    return target.split("#", 1)[0].split("?", 1)[0]


def locate(url_path: str, served: Served) -> Path | Redirect | None:
    """The built file for ``url_path`` (the path of the request, percent-encoded), a
    redirect, or None (not found).

    ``/`` and the base path without its slash redirect to the base path; a folder without
    its trailing slash redirects to it (as static hosts do, so relative links work). Only
    a regular file that lies inside the served folder once every symbolic link is resolved
    is ever returned.
    """
    segments = _segments(url_path)
    base = [urllib.parse.unquote(part) for part in served.base_path.split("/") if part]
    if segments is None or segments[: len(base)] != base:
        return Redirect(_location([*base, ""])) if segments == [""] else None
    relative = segments[len(base) :]
    if not relative:
        return Redirect(_location([*base, ""]))
    if not all(_servable(part) for part in relative if part):  # only the last may be ""
        return None
    try:
        return _inside(served.folder, relative, segments)
    except (OSError, ValueError):
        return None  # a name the system refuses (too long, a loop): nothing to serve


def _segments(url_path: str) -> list[str] | None:
    """The percent-decoded segments of ``url_path`` (``/a/b/`` → ``a``, ``b``, ``""``),
    or None when it is not a plain absolute path: not starting with ``/``, or holding an
    empty segment (``//``) before the last. Decoding happens once, per segment, so an
    encoded ``/`` (``%2F``) stays inside its segment instead of starting a new path."""
    if not url_path.startswith("/"):
        return None
    segments = [urllib.parse.unquote(part) for part in url_path[1:].split("/")]
    return None if "" in segments[:-1] else segments


def _servable(segment: str) -> bool:
    """Whether ``segment`` can name a file or folder of the output: one name, no way up,
    no hidden file (the output marker), nothing the system would refuse."""
    return (
        bool(segment)
        and not segment.startswith(".")
        and not any(character in segment for character in "/\\\0")
        and len(segment.encode("utf-8", "surrogateescape")) <= MAX_SEGMENT_BYTES
    )


def _inside(folder: Path, relative: list[str], segments: list[str]) -> Path | Redirect | None:
    """The file that ``relative`` names in ``folder`` (``segments``: the whole request
    path), found only when its real path lies inside the real ``folder``."""
    root = folder.resolve()
    real = folder.joinpath(*relative).resolve()
    if not real.is_relative_to(root):
        return None  # a symbolic link that leads out of the served folder
    if real.is_dir():
        if relative[-1]:
            return Redirect(_location([*segments, ""]))
        real = (real / "index.html").resolve()
    return real if real.is_relative_to(root) and real.is_file() else None


def _location(segments: list[str]) -> str:
    """The path of ``segments``, percent-encoded, starting with exactly one ``/``: a
    browser reads ``//host`` or ``/\\host`` as another host."""
    kept = [part for part in segments[:-1] if part] + segments[-1:]
    return "/" + "/".join(urllib.parse.quote(part, safe="") for part in kept)


def is_local_host(values: list[str]) -> bool:
    """Whether the Host header ``values`` of a request (all of them) name this machine:
    exactly one, and one of ``LOCAL_HOST``. A request without one is refused too; every
    browser sends it, so only a hand-made request lacks it."""
    return len(values) == 1 and LOCAL_HOST.fullmatch(values[0].strip(" \t")) is not None


def inject_reload(html: bytes, tag: bytes = RELOAD_TAG) -> bytes:
    """``html`` with the reload script ``tag`` before ``</body>`` (at the end if there is
    none)."""
    at = html.lower().rfind(b"</body>")
    if at == -1:
        return html + tag + b"\n"
    return html[:at] + tag + b"\n" + html[at:]


def content_type(path: Path) -> str:
    guessed = {".wasm": "application/wasm", ".js": "text/javascript"}.get(path.suffix)
    guessed = guessed or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    textual = guessed.startswith("text/") or guessed.endswith(("xml", "json"))
    return f"{guessed}; charset=utf-8" if textual else guessed


class DevHTTPServer(ThreadingHTTPServer):
    """The standard library's threading server with a real listen backlog, request
    threads that never keep the process alive (a stuck client cannot block Ctrl-C), and
    no traceback for a client that went away."""

    request_queue_size = LISTEN_BACKLOG
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return  # the page was closed or the client stalled: nobody to answer
        # A bug answering one request must not end the server, nor bury the build messages.
        problem = f"{type(error).__name__}: {error}"
        print(f"serve: could not answer a request: {problem}", file=sys.stderr)


class DevRequestHandler(BaseHTTPRequestHandler):
    """Answers one request from the ``LiveSite`` given at construction."""

    server_version = "site-builder-serve"
    timeout = REQUEST_TIMEOUT_SECONDS

    def __init__(self, *args: Any, live: LiveSite, **kwargs: Any) -> None:
        self.live = live  # set first: the base class handles the request inside __init__
        super().__init__(*args, **kwargs)

    def handle(self) -> None:
        # The page was closed, or the client stalled: nobody to answer.
        with contextlib.suppress(ConnectionError, TimeoutError):
            super().handle()

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Quiet: a line per request would bury the build messages (errors still print)."""

    def log_error(self, format: str, *args: Any) -> None:
        if any(isinstance(arg, TimeoutError) for arg in args):
            return  # a client that sent nothing in time: dropped, nothing to tell the editor
        super().log_error(format, *args)

    def _respond(self, with_body: bool) -> None:
        if not is_local_host(self.headers.get_all("Host") or []):
            self._send(HTTPStatus.FORBIDDEN, "text/plain; charset=utf-8", FORBIDDEN_HOST, with_body)
            return
        path = request_path(self.path)
        if path == EVENTS_PATH and with_body:
            self._stream_events()
        elif path.startswith(OVERLAY_PREFIX):
            self._send_overlay_file(path.removeprefix(OVERLAY_PREFIX), with_body)
        elif path.startswith(TOOL_PREFIX):
            self._send_tool_file(path.removeprefix(TOOL_PREFIX), with_body)
        else:
            self._send_page(path, with_body)

    def _send_page(self, path: str, with_body: bool) -> None:
        served = self.live.served()
        found = locate(path, served)
        if isinstance(found, Redirect):
            self.send_response(HTTPStatus.FOUND)
            self.send_header("Location", found.location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if found is not None:
            try:
                self._send(HTTPStatus.OK, content_type(found), found.read_bytes(), with_body)
                return
            except OSError:
                pass  # swapped away by a rebuild this very moment: answer as not found
        self._send(HTTPStatus.NOT_FOUND, "text/html; charset=utf-8", _page_404(served), with_body)

    def _send_tool_file(self, name: str, with_body: bool) -> None:
        if name not in TOOL_FILES:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", with_body)
            return
        path = ASSETS / name
        self._send(HTTPStatus.OK, content_type(path), path.read_bytes(), with_body)

    def _send_overlay_file(self, name: str, with_body: bool) -> None:
        """A file of the search overlay, from memory: ``<generation>/<path>``. Another
        generation's is gone (the page asking is reloaded by the ``search`` event)."""
        overlay = self.live.served().overlay
        generation, _, path = name.partition("/")
        data = None
        if overlay is not None and generation == str(overlay.generation):
            data = overlay.files.get(path)
        if data is None:
            self._send(HTTPStatus.NOT_FOUND, "text/plain; charset=utf-8", b"not found\n", with_body)
            return
        kind = "application/json" if path.endswith(".json") else "application/octet-stream"
        self._send(HTTPStatus.OK, kind, data, with_body)

    def _send(self, status: HTTPStatus, kind: str, data: bytes, with_body: bool) -> None:
        if kind.startswith("text/html"):
            data = inject_reload(data, self.live.served().reload_tag())
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        # Always the latest build: a cached page would hide the change just saved.
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def _stream_events(self) -> None:
        stream = self.live.subscribe()  # before anything is sent, so no event is missed
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            # retry: reconnect within a second when serve is restarted.
            self._write(b"retry: 1000\n: connected\n\n")
            served = self.live.served()
            if served.error is not None:
                self._write(Event("error", served.error).encode())
            # What search finds now: a search page loaded before a change it missed reloads.
            self._write(Event("search", str(served.search_state)).encode())
            self._forward(stream)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the page was closed or reloaded: nothing to tell it any more
        finally:
            self.live.unsubscribe(stream)

    def _forward(self, stream: queue.Queue[Event | None]) -> None:
        while True:
            try:
                event = stream.get(timeout=KEEPALIVE_SECONDS)
            except queue.Empty:
                self._write(b": keep-alive\n\n")
                continue
            if event is None:
                return
            self._write(event.encode())

    def _write(self, data: bytes) -> None:
        self.wfile.write(data)
        self.wfile.flush()


def _page_404(served: Served) -> bytes:
    """The site's ``404.html``, under the same rule as every page: inside the folder."""
    try:
        found = _inside(served.folder, ["404.html"], ["404.html"])
        if isinstance(found, Path):
            return found.read_bytes()
    except OSError:
        pass  # never built, or swapped away by a rebuild this very moment
    return FALLBACK_404
