"""How long ``site-builder check`` takes on pathological Markdown near the 1 MiB file cap
(issue 16, point 12): the bar is 10 seconds per input on a 2-core machine.

Each vector is written into one source and one brief (both just under the given size) of
an otherwise minimal site, and ``python -m site_builder check --site SITE`` is timed as a
new process, like a user runs it, without the build cache (``--no-cache``: every run is
cold); exit 0 or 1 both count, a refused input is a result.
The median of the runs is printed per vector and size; a median over ``--limit`` seconds
is flagged ``SLOW`` and makes the exit status 1. A run that exits otherwise (2, a
traceback) is flagged ``FAILED`` with the end of its output.

    .venv/bin/python -m benchmarks.hostile_markdown                       # 256 KiB … 1 MiB, 3 runs
    .venv/bin/python -m benchmarks.hostile_markdown --sizes 1024 --runs 1 --only img,cite

The child runs in the site folder and finds ``site_builder`` through ``PYTHONPATH`` (or the
installed package), so ``PYTHONPATH=/other/checkout`` measures another version of the code.
This is a measuring tool, not a test: pytest does not run it.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

KIB = 1024
_SOURCE_HEAD = "---\ntitle: Q\noutlet: Testagentur\n---\n"
_BRIEF_HEAD = "---\ntitle: B\ndate: 2025-02-27\n---\n"
_ROOM = 200  # bytes left for front matter and the closing lines


def _backtick_runs(size: int) -> str:
    parts, length, run = [], 0, 1
    while length + run + 1 < size:
        parts.append("`" * run + "x")
        length += run + 1
        run += 1
    return "".join(parts)


# name → (what it is, a function of the size in characters giving the Markdown)
VECTORS: dict[str, tuple[str, Callable[[int], str]]] = {
    "img": ("'![' repeated", lambda n: "![" * (n // 2)),
    "img-close": ("'![' repeated, one ']' at the end", lambda n: "![" * (n // 2 - 1) + "]"),
    "cite": ("'[@' repeated", lambda n: "[@" * (n // 2)),
    "cite-link": ("'[@' repeated, then '](x)'", lambda n: "[@" * (n // 2 - 2) + "](x)"),
    "link-open": ("'[' repeated, then '](x)'", lambda n: "[" * (n - 4) + "](x)"),
    "link-close": ("'[' repeated, one ']' at the end", lambda n: "[" * (n - 1) + "]"),
    "links-nested": (
        "'[a' repeated, then '](x)' as often",
        lambda n: "[a" * (n // 6) + "](x)" * (n // 6),
    ),
    "emph": ("'*_' repeated", lambda n: "*_" * (n // 2)),
    "emph-word": ("'*_x' repeated", lambda n: "*_x" * (n // 3)),
    "emph-open": ("'*a ' repeated, then '*' as often", lambda n: "*a " * (n // 4) + "*" * (n // 4)),
    "backticks": ("'`' runs of growing length", _backtick_runs),
    "angle": ("'<' repeated", lambda n: "<" * n),
    "tag-start": ("'<a' repeated", lambda n: "<a" * (n // 2)),
    "entity": ("'&' repeated", lambda n: "&" * n),
    "quotes": ("'> ' repeated on one line", lambda n: "> " * (n // 2) + "x"),
    "list": ("'- ' repeated on one line", lambda n: "- " * (n // 2) + "x"),
    "ref-uses": ("'[a]' repeated with a definition", lambda n: "[a]" * (n // 3 - 4) + "\n\n[a]: x"),
}


def write_site(root: Path, markdown: str) -> None:
    """A site whose one source and one brief hold ``markdown``."""
    (root / "content").mkdir(parents=True)
    (root / "briefs").mkdir()
    (root / "site.yaml").write_text("title: T\nbase_url: https://example.org/\nlanguage: de\n")
    source = f"{_SOURCE_HEAD}{markdown}\n\nSchluss.\n"
    (root / "content" / "q.md").write_text(source, "utf-8")
    (root / "briefs" / "b.md").write_text(f"{_BRIEF_HEAD}{markdown} [@q#p1]\n", "utf-8")


def time_check(root: Path, timeout: float) -> tuple[float | None, str]:
    """Seconds ``check`` took (None after ``timeout``) and, when it failed, its output's end."""
    argv = [sys.executable, "-m", "site_builder", "check", "--no-cache", "--site", str(root)]
    started = time.perf_counter()
    try:
        done = subprocess.run(argv, cwd=root, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None, ""
    seconds = time.perf_counter() - started
    failure = "" if done.returncode in (0, 1) else done.stderr.decode("utf-8", "replace")[-800:]
    return seconds, failure


def measure(name: str, size_kib: int, runs: int, timeout: float) -> tuple[float | None, str]:
    """The median seconds of ``runs`` checks of vector ``name`` at ``size_kib`` (None: timed
    out), and the failure, if any run failed."""
    markdown = VECTORS[name][1](size_kib * KIB - _ROOM)
    samples: list[float] = []
    with tempfile.TemporaryDirectory(prefix="hostile-md-") as folder:
        write_site(Path(folder) / "site", markdown)
        for _ in range(runs):
            seconds, failure = time_check(Path(folder) / "site", timeout)
            if failure or seconds is None:
                return seconds, failure
            samples.append(seconds)
    return statistics.median(samples), ""


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes", default="256,512,1024", help="sizes in KiB (default 256,512,1024)"
    )
    parser.add_argument("--runs", type=int, default=3, help="runs per cell; the median is shown")
    parser.add_argument("--only", default="", help="only these vectors (comma-separated)")
    parser.add_argument("--limit", type=float, default=10.0, help="flag medians over this")
    parser.add_argument("--timeout", type=float, default=120.0, help="give up a run after this")
    options = parser.parse_args(argv)
    names = [n for n in options.only.split(",") if n] or list(VECTORS)
    sizes = [int(s) for s in options.sizes.split(",")]
    print("| vector | " + " | ".join(f"{s} KiB" for s in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    status = 0
    for name in names:
        cells = []
        for size in sizes:
            seconds, failure = measure(name, size, options.runs, options.timeout)
            if failure:
                cells.append("FAILED")
                print(f"{name} at {size} KiB failed:\n{failure}", file=sys.stderr)
                status = 1
            elif seconds is None:
                cells.append(f"> {options.timeout:.0f} s SLOW")
                status = 1
            else:
                slow = seconds > options.limit
                cells.append(f"{seconds:.1f} s" + (" SLOW" if slow else ""))
                status |= int(slow)
            print(f"  {name} {size} KiB: {cells[-1]}", file=sys.stderr, flush=True)
        print(f"| `{name}` ({VECTORS[name][0]}) | " + " | ".join(cells) + " |", flush=True)
    return status


if __name__ == "__main__":
    sys.exit(main())
