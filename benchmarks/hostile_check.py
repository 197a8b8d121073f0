"""How long ``check`` (and ``build`` with search) takes on hostile inputs within the caps.

Issue 16's bar: no input within the documented caps (1 MiB per file) takes more than 10
seconds to ``check`` on a 2-core machine. Each vector is a small site written into a
temporary folder; each command is a new process of the real command line, run ``--runs``
times; the median is printed, and a vector over the bar is flagged. This is a measuring
tool, not a test: ``pytest`` does not run it, and nothing here fails because it is slow
(the exit status is 1 only when a vector is over the bar or a command crashed).

    .venv/bin/python -m benchmarks.hostile_check              # every vector, 3 runs
    .venv/bin/python -m benchmarks.hostile_check --runs 1 --only quotes-200

A command running longer than ``--timeout`` seconds (default 600) is stopped and reported
as over the bar. ``--code /work/main`` measures another checkout (before and after a fix).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
BAR = 10.0  # seconds: the bound for any input within the caps
CAP = 1024 * 1024  # bytes per file (README)
SITE_YAML = "title: Prüfstand\nbase_url: https://example.org/\nlanguage: de\n"
SOURCE_HEAD = "---\ntitle: Große Quelle\noutlet: Testagentur\npublished: 2025-02\n---\n"
BRIEF_HEAD = "---\ntitle: Meldung\ndate: 2025-02-27\n---\n"

Files = Mapping[str, str]


def german_words(count: int, seed: int = 16) -> list[str]:
    """``count`` words of German-looking text from a vocabulary of about 2,000 words."""
    rng = random.Random(seed)
    syllables = ["ver", "hand", "el", "bar", "kreml", "ter", "ri", "to", "ri", "en", "sag", "te"]
    vocabulary = [
        "".join(rng.choice(syllables) for _ in range(rng.randint(1, 4))) for _ in range(2_000)
    ]
    common = ["die", "der", "und", "nicht", "das", "sei", "in", "zu"]
    return [rng.choice(common if rng.random() < 0.3 else vocabulary) for _ in range(count)]


def one_paragraph_source(text: str) -> str:
    """A source file with one paragraph ``text``, kept under the file cap."""
    room = CAP - len(SOURCE_HEAD.encode()) - 16
    return SOURCE_HEAD + text.encode()[:room].decode(errors="ignore").rstrip() + "\n"


def big_paragraph_text() -> str:
    return " ".join(german_words(150_000))  # about 1 MB


def quotes_against_one_paragraph(
    quotes: int = 200, found: bool = False, gap: bool = False
) -> Files:
    """``quotes`` short quotes citing one 1 MB paragraph: missing ones (each gets a closest
    passage), or ones standing there (each is found), maybe with an omission in each."""
    text = big_paragraph_text()
    words = text.split(" ")
    rng = random.Random(10)
    lines = []
    for number in range(quotes):
        at = rng.randrange(len(words) - 8)
        quoted = words[at : at + 6] if found else [*words[at : at + 5], f"falsch{number}"]
        if gap:
            quoted[2:4] = ["[…]"]
        lines.append(f"Er sagte „{' '.join(quoted)}“ [@gross#p1].\n\n")
    return {
        "content/gross.md": one_paragraph_source(text),
        "briefs/b.md": BRIEF_HEAD + "".join(lines),
    }


def missing_everywhere(sources: int = 12, quotes: int = 200) -> Files:
    """``quotes`` missing quotes whose first word stands inside words of every paragraph
    of ``sources`` 1 MB sources: each is looked for in all of them ("stands elsewhere")."""
    text = one_paragraph_source(big_paragraph_text())
    files = {f"content/gross{n}.md": text for n in range(sources)}
    body = "".join(f"Er sagte „erhand falsch{n}“ [@gross0#p1].\n\n" for n in range(quotes))
    return {**files, "briefs/b.md": BRIEF_HEAD + body}


def group_of_long_paragraphs(sources: int = 9, quotes: int = 20) -> Files:
    """``quotes`` missing quotes, each citing one group of ``sources`` 1 MB paragraphs of
    different sources: more paragraphs than the closest-passage indexes kept."""
    files = {
        f"content/gross{n}.md": one_paragraph_source(" ".join(german_words(150_000, seed=n)))
        for n in range(sources)
    }
    group = "; ".join(f"@gross{n}#p1" for n in range(sources))
    body = "".join(f"Er sagte „falsch{n} gesagt“ [{group}].\n\n" for n in range(quotes))
    return {**files, "briefs/b.md": BRIEF_HEAD + body}


def long_quote_against_one_word(quote_letters: int = 20_000) -> Files:
    """One quote of ``quote_letters`` letters citing a paragraph that is one 1 MB word:
    the quote stands at every place in it, never on word bounds."""
    return {
        "content/gross.md": one_paragraph_source("a" * CAP),
        "briefs/b.md": BRIEF_HEAD + f"Er sagte „{'a' * quote_letters}“ [@gross#p1].\n",
    }


# The most one-word paragraphs a source may have: files of over 50,000 lines are not read.
MOST_PARAGRAPHS = 24_990


def many_paragraphs_source(paragraphs: int) -> str:
    """A source of ``paragraphs`` one-word paragraphs (300,000 fit in 1 MiB, 24,990 in
    50,000 lines)."""
    return SOURCE_HEAD + "".join(f"{chr(97 + index % 26)}\n\n" for index in range(paragraphs))


def unknown_anchors(paragraphs: int = MOST_PARAGRAPHS, citations: int = 100) -> Files:
    """``citations`` citations of anchors a source of ``paragraphs`` paragraphs lacks."""
    body = "".join(f"Satz [@viele#p{paragraphs + 1 + n}].\n\n" for n in range(citations))
    return {
        "content/viele.md": many_paragraphs_source(paragraphs),
        "briefs/b.md": BRIEF_HEAD + body,
    }


def tiny_paragraphs(paragraphs: int = MOST_PARAGRAPHS) -> Files:
    """One source of ``paragraphs`` one-word paragraphs, cited once: its search records."""
    return {
        "content/viele.md": many_paragraphs_source(paragraphs),
        "briefs/b.md": BRIEF_HEAD + "Satz [@viele#p1].\n",
    }


@dataclass(frozen=True)
class Vector:
    key: str
    what: str
    files: Callable[[], Files]
    build: bool = False  # also time ``build`` with search


VECTORS = (
    Vector(
        "quotes-200", "200 missing short quotes, one 1 MB paragraph", quotes_against_one_paragraph
    ),
    Vector(
        "quotes-200-found",
        "200 standing short quotes, one 1 MB paragraph",
        lambda: quotes_against_one_paragraph(found=True),
    ),
    Vector(
        "quotes-200-gap",
        "200 standing short quotes with an omission, one 1 MB paragraph",
        lambda: quotes_against_one_paragraph(found=True, gap=True),
    ),
    Vector(
        "elsewhere-12",
        "200 missing quotes looked for in 12 sources of 1 MB",
        missing_everywhere,
    ),
    Vector(
        "long-quote",
        "a 20,000-letter quote, a 1 MB one-word paragraph",
        long_quote_against_one_word,
    ),
    Vector(
        "group-9",
        "20 missing quotes citing a group of nine 1 MB paragraphs",
        group_of_long_paragraphs,
    ),
    Vector("anchors-25k", "100 unknown anchors, a source of 24,990 paragraphs", unknown_anchors),
    Vector("records-25k", "search records of 24,990 one-word paragraphs", tiny_paragraphs, True),
    Vector(
        "lines-600k",
        "a source of 300,000 one-word paragraphs (600,000 lines: not read)",
        lambda: tiny_paragraphs(300_000),
        True,
    ),
)


def write_files(root: Path, files: Files) -> None:
    tree = {"site.yaml": SITE_YAML, **files}
    for relative, text in tree.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run_once(argv: list[str], code: Path, timeout: float) -> tuple[float, str]:
    """Seconds one command took and how it ended (``exit N`` or ``timeout``)."""
    env = {**os.environ, "PYTHONPATH": str(code)}
    started = time.perf_counter()
    # A session of its own, so a timeout stops the command's worker processes too.
    process = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, start_new_session=True
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return time.perf_counter() - started, "timeout"
    ended = f"exit {process.returncode}"
    if b"Traceback" in stderr:
        ended += " TRACEBACK"
    return time.perf_counter() - started, ended


def measure(vector: Vector, work: Path, runs: int, code: Path, timeout: float) -> list[str]:
    site = work / vector.key
    write_files(site, vector.files())
    command = [sys.executable, "-m", "site_builder"]
    commands = {"check": [*command, "check", "--site", str(site), "--no-cache"]}
    if vector.build:
        out = str(work / f"{vector.key}-public")
        commands["build"] = [*command, "build", "--site", str(site), "--out", out, "--no-cache"]
    lines = []
    for name, argv in commands.items():
        samples = [run_once(argv, code, timeout) for _ in range(runs)]
        median = statistics.median(seconds for seconds, _ in samples)
        endings = sorted({ended for _, ended in samples})
        over = median > BAR or "timeout" in endings
        flag = "  OVER 10 s" if over else ""
        lines.append(f"{vector.key:18} {name:6} {median:8.2f} s  {', '.join(endings)}{flag}")
        if over or any("TRACEBACK" in ended for ended in endings):
            lines[-1] += "  !"
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per command; the median counts")
    parser.add_argument("--only", help="vector keys, comma-separated")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds before a run is stopped"
    )
    parser.add_argument(
        "--code", type=Path, default=REPOSITORY, help="the checkout whose site_builder runs"
    )
    options = parser.parse_args(argv)
    wanted = set(options.only.split(",")) if options.only else None
    failed = False
    with tempfile.TemporaryDirectory(prefix="hostile-check-") as folder:
        for vector in VECTORS:
            if wanted is not None and vector.key not in wanted:
                continue
            print(f"# {vector.key}: {vector.what}", file=sys.stderr)
            for line in measure(vector, Path(folder), options.runs, options.code, options.timeout):
                print(line, flush=True)
                failed |= line.endswith("!")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
