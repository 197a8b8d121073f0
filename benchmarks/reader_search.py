"""What a reader pays for a first search, in Chromium:
``python -m benchmarks.reader_search OUT [--query WORD …] [--json FILE]``.

Serves a built output folder (``site-builder build --out OUT``) from a local HTTP server
that counts every response, opens ``/search/?q=WORD`` in a new Chromium (Debian's
``/usr/bin/chromium``, 360 × 740, empty cache) and waits until the page says what it
found. Per query it reports the seconds from navigation to the status line, the
requests, and the bytes as a static host sends them: text (HTML, CSS, JS, JSON, SVG)
gzip-compressed at level 6, as hosts do; Pagefind's own files (``.pf_meta``,
``.pf_index``, ``.pf_filter``, ``.pf_fragment``, the WebAssembly) as stored, since
Pagefind writes them compressed already. Bytes are split by kind so a change can be
seen where it lands.

A measuring tool, not a test: nothing here fails because something is big or slow.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

CHROMIUM = "/usr/bin/chromium"
TEXT_TYPES = (".html", ".css", ".js", ".mjs", ".json", ".svg", ".txt", ".xml")
DEFAULT_QUERIES = ("Lawrow", "Ukraine")
_SEARCH_KINDS = ("pf_", "pagefind")  # Pagefind's index files and its WebAssembly


@dataclass
class Tally:
    """What the server sent since the last ``reset``: bytes and requests per kind."""

    bytes_by_kind: Counter[str] = field(default_factory=Counter)
    requests_by_kind: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, size: int) -> None:
        kind = kind_of(path)
        with self.lock:
            self.bytes_by_kind[kind] += size
            self.requests_by_kind[kind] += 1

    def reset(self) -> None:
        with self.lock:
            self.bytes_by_kind.clear()
            self.requests_by_kind.clear()


def kind_of(path: str) -> str:
    """The kind a response is counted under: Pagefind's file kinds, or the extension."""
    name = urlsplit(path).path.rsplit("/", 1)[-1]
    for suffix in (".pf_meta", ".pf_index", ".pf_filter", ".pf_fragment", ".pagefind"):
        if name.endswith(suffix):
            return suffix.lstrip(".")
    return name.rsplit(".", 1)[-1] if "." in name else "html"


def wire_size(file: Path) -> int:
    data = file.read_bytes()
    if file.suffix in TEXT_TYPES:
        return len(gzip.compress(data, compresslevel=6, mtime=0))
    return len(data)


def serve(root: Path, tally: Tally) -> ThreadingHTTPServer:
    class CountingHandler(SimpleHTTPRequestHandler):
        def send_head(self):  # type: ignore[no-untyped-def]
            answer = super().send_head()
            if answer is not None:
                file = Path(self.translate_path(self.path))
                if file.is_dir():
                    file = file / "index.html"
                if file.is_file():
                    tally.add(self.path, wire_size(file))
            return answer

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(CountingHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def first_search(origin: str, query: str, tally: Tally, timeout: float) -> dict[str, object]:
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (a dev dependency)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740})
            tally.reset()
            started = time.perf_counter()
            page.goto(f"{origin}/search/?q={quote(query)}")
            page.wait_for_function(
                "document.getElementById('suche-status').textContent.trim() !== ''",
                timeout=timeout * 1000,
            )
            seconds = time.perf_counter() - started
            status = page.locator("#suche-status").inner_text()
        finally:
            browser.close()
    with tally.lock:
        by_kind = dict(tally.bytes_by_kind)
        requests = sum(tally.requests_by_kind.values())
    search_bytes = sum(size for kind, size in by_kind.items() if kind.startswith(_SEARCH_KINDS))
    return {
        "query": query,
        "seconds": round(seconds, 2),
        "status": status,
        "kb": round(sum(by_kind.values()) / 1024, 1),
        "search_kb": round(search_bytes / 1024, 1),
        "requests": requests,
        "kb_by_kind": {kind: round(size / 1024, 1) for kind, size in sorted(by_kind.items())},
        "requests_by_kind": dict(sorted(tally.requests_by_kind.items())),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.reader_search")
    parser.add_argument("out", type=Path, help="a built output folder")
    parser.add_argument("--query", action="append", help="a search (repeatable)")
    parser.add_argument("--runs", type=int, default=1, help="runs per query; the median time")
    parser.add_argument("--json", type=Path, help="write the results here, not to stdout")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds for one search")
    args = parser.parse_args(argv)
    tally = Tally()
    server = serve(args.out, tally)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    results = []
    try:
        for query in args.query or DEFAULT_QUERIES:
            runs = [first_search(origin, query, tally, args.timeout) for _ in range(args.runs)]
            result = runs[-1]
            result["seconds"] = statistics.median(float(r["seconds"]) for r in runs)  # type: ignore[arg-type]
            result["runs"] = [r["seconds"] for r in runs]
            results.append(result)
    finally:
        server.shutdown()
    text = json.dumps(results, ensure_ascii=False, indent=1)
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
