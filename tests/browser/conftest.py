"""The embedded site, built once and served on 127.0.0.1, and a Chromium to look at it.

Nothing here downloads a browser: the tests drive Debian's ``chromium`` (``.ci/run``
installs it). Without it they skip locally with the reason, and fail when ``CI`` is set.
"""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_ARGS,
    CSP,
    Served,
    build_site,
    unavailable,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page


class _Handler(SimpleHTTPRequestHandler):
    """Static files with the strict policy on every answer and the site's own 404 page."""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", self.cache_control())
        super().end_headers()

    def cache_control(self) -> str:
        return "no-store"

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format_: str, *args: Any) -> None:
        pass  # quiet test output


# What a static host compresses; Pagefind's index and fragments come gzipped already.
_COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


class _HostHandler(_Handler):
    """Like a good static host, for Lighthouse to judge the site and not the test server:
    text is gzipped, and theme assets, whose URLs change with their content (``?v=hash``),
    may be cached for a year. Everything else is revalidated."""

    def cache_control(self) -> str:
        url = urlsplit(self.path)
        if url.path.startswith("/static/") and url.query.startswith("v="):
            return "public, max-age=31536000, immutable"
        return "no-cache"

    def do_GET(self) -> None:
        file = self._compressible_file()
        if file is None:
            super().do_GET()
            return
        body = gzip.compress(file.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _compressible_file(self) -> Path | None:
        """The file to send gzipped, or None to leave the answer to the plain handler."""
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            return None
        file = Path(self.translate_path(self.path))
        if file.is_dir() and urlsplit(self.path).path.endswith("/"):
            file = file / "index.html"
        if not file.is_file() or not self.guess_type(str(file)).startswith(_COMPRESSIBLE):
            return None
        return file


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded site as ``build`` writes it (base_url ``https://example.org/``)."""
    return build_site(tmp_path_factory.mktemp("site") / "public")


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded site built for ``https://example.org/news/``, in ``<root>/news``."""
    root = tmp_path_factory.mktemp("subpath")
    build_site(root / "news", "--base-url", "https://example.org/news/")
    return root


def _serve(folder: Path, handler: type[_Handler] = _Handler) -> Iterator[Served]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(folder, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def site(built_site: Path) -> Iterator[Served]:
    yield from _serve(built_site)


@pytest.fixture(scope="session")
def hosted_site(built_site: Path) -> Iterator[Served]:
    """The built site served like a good static host would (gzip, long-lived assets)."""
    yield from _serve(built_site, _HostHandler)


@pytest.fixture(scope="session")
def subpath_served(subpath_site: Path) -> Iterator[Served]:
    yield from _serve(subpath_site)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    try:
        # Imported here so that a checkout without the dev extra skips instead of erroring.
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        unavailable("Playwright is not installed: scripts/bootstrap installs the dev extra")
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"no Chromium at {CHROMIUM}: sudo apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Any]:
    """``new_page(width=1280, scheme="light", ...)`` → a Page in a fresh context."""
    contexts = []

    def make(width: int = 1280, height: int = 900, scheme: str = "light", **options: Any) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            color_scheme=scheme,  # type: ignore[arg-type]
            locale="de-DE",
            **options,
        )
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
