"""``serve`` with search, as an editor sees it in Chromium:
``python -m benchmarks.serve_search SITE [--edits N] [--during-index] [--json FILE]``.

Starts ``site-builder serve`` on ``SITE`` (a new process, search on), opens its search
page in Chromium (Debian's ``/usr/bin/chromium``, 360 × 740) on a word the site does not
have, then N times changes the title of one brief (the middle one in path order) to
contain such a word and times from writing the file to the open search page listing the
brief under its new title: the watcher, the rebuild, the search overlay
(``search.search_overlay``), the page's reload and its search. What ``serve`` says goes
to stderr as it comes; the seconds go to stdout as JSON, or to ``--json FILE``. The brief
is put back and ``serve`` stopped afterwards, whatever happens.

The first edit is not timed: it waits for whatever ``serve`` does at start (loading the
site, checking or rebuilding the search index), as an editor's first edit may; then the
timed edits wait until ``serve`` has made the whole search index once in the session.

``--during-index``: each timed edit is made while ``serve`` rebuilds the whole search
index, which the edit must stop rather than wait for: the brief is first put back (so the
index is stale), and the edit comes ``INDEX_LEAD`` seconds after ``serve`` says it began
the rebuild (once the files were quiet).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import queue
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

# The words the edits put in a title, one per edit: not in any generated site.
WORDS = ("Zwiebelturm", "Kupferdach", "Glockenspiel", "Wetterhahn", "Dachreiter")
CHROMIUM = "/usr/bin/chromium"
READY = re.compile(r"serving http|bereitgestellt unter")
INDEXING = re.compile(r"search index: updating|Suchindex wird aktualisiert")
INDEXED = re.compile(r"search index up to date|Suchindex aktualisiert")
# How long into the whole index's rebuild a ``--during-index`` edit comes.
INDEX_LEAD = 3.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.serve_search")
    parser.add_argument("site", type=Path)
    parser.add_argument("--edits", type=int, default=3, choices=range(1, len(WORDS)))
    parser.add_argument("--json", type=Path, help="write the results here, not to stdout")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds for each wait")
    parser.add_argument(
        "--during-index", action="store_true", help="edit while the whole index is rebuilt"
    )
    args = parser.parse_args(argv)
    # Stopped with SIGTERM too, the brief is put back (``finally`` below).
    signal.signal(signal.SIGTERM, _stop)
    brief = _middle_brief(args.site)
    original = brief.read_bytes()
    serve = subprocess.Popen(
        [sys.executable, "-m", "site_builder", "serve", "--site", str(args.site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = _lines_of(serve)
    try:
        address = _wait_for(lines, READY, args.timeout)
        origin = re.search(r"http://127\.0\.0\.1:\d+", address)
        assert origin is not None, address
        before = _at_once
        if args.during_index:
            before = _during_index(lines, args.timeout, brief, original)
        seconds = _edits(
            origin.group(0), brief, original, args.edits, lines, timeout=args.timeout, before=before
        )
    finally:
        brief.write_bytes(original)
        serve.terminate()
        serve.wait()
    text = json.dumps({"seconds": seconds})
    if args.json is not None:
        args.json.write_text(text + "\n", encoding="utf-8")
    else:
        print(text)
    return 0


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def _middle_brief(site: Path) -> Path:
    briefs = sorted((site / "briefs").rglob("*.md"))
    if not briefs:
        raise SystemExit(f"no brief in {site / 'briefs'}")
    return briefs[len(briefs) // 2]


def _drained(lines: queue.Queue[str]) -> None:
    """What ``serve`` said so far dropped: a pattern waited for after this is new."""
    with contextlib.suppress(queue.Empty):
        while True:
            lines.get_nowait()


def _at_once() -> None:
    return None


def _during_index(
    lines: queue.Queue[str], timeout: float, brief: Path, original: bytes
) -> Callable[[], None]:
    """Before a timed edit: the brief put back as it was (an edit, so the index is stale
    again), then waiting until ``serve``, the files quiet, has been rebuilding the whole
    index for ``INDEX_LEAD`` seconds."""

    def wait() -> None:
        _drained(lines)
        brief.write_bytes(original)
        _wait_for(lines, INDEXING, timeout)
        time.sleep(INDEX_LEAD)

    return wait


def _edits(
    origin: str,
    brief: Path,
    original: bytes,
    edits: int,
    lines: queue.Queue[str],
    *,
    timeout: float,
    before: Callable[[], None],
) -> list[float]:
    """The seconds of each timed edit. The first edit is untimed: after it, ``serve`` is
    waited for until it has made the whole search index (the overlays' base, which a
    session started on a stale bundle lacks until then: docs/decisions.md)."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415  (a dev dependency)

    seconds: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 360, "height": 740})
        for word in WORDS[: edits + 1]:  # the first to settle, untimed
            page.goto(f"{origin}/search/?q={word}")
            page.wait_for_selector("#suche-status:has-text('Treffer')", timeout=timeout * 1000)
            title = f"{word} über der Stadt"
            heading = f"title: {title}"
            text = re.sub(r"^title: .*$", heading, original.decode("utf-8"), count=1, flags=re.M)
            settling = word == WORDS[0]
            if settling:
                _drained(lines)
            else:
                before()
            saved = time.monotonic()
            brief.write_text(text, encoding="utf-8")
            page.wait_for_function(
                "(t) => [...document.querySelectorAll('.search-result h2 a')]"
                ".some((a) => a.textContent.includes(t))",
                arg=title,
                timeout=timeout * 1000,
                polling=20,
            )
            took = time.monotonic() - saved
            print(f"edit ({word}): {took:.2f} s", file=sys.stderr)
            if settling:
                _wait_for(lines, INDEXED, timeout)
            else:
                seconds.append(took)
        browser.close()
    return seconds


def _lines_of(process: subprocess.Popen[str]) -> queue.Queue[str]:
    """What ``serve`` says, line by line, echoed to stderr, read in a thread."""
    lines: queue.Queue[str] = queue.Queue()
    stdout = process.stdout
    assert stdout is not None

    def pump() -> None:
        for line in stdout:
            print(f"serve: {line.rstrip()}", file=sys.stderr)
            lines.put(line)

    threading.Thread(target=pump, daemon=True).start()
    return lines


def _wait_for(lines: queue.Queue[str], pattern: re.Pattern[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1.0)
        except queue.Empty:
            continue
        if pattern.search(line):
            return line
    raise SystemExit(f"serve did not say {pattern.pattern!r} within {timeout:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
