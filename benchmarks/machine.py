"""Facts about the machine and the software measured, written next to the numbers."""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent


def _first_line(argv: Sequence[str], cwd: Path | None = None) -> str | None:
    """The first line a command prints, or None when it cannot run or fails."""
    try:
        done = subprocess.run(
            list(argv), cwd=cwd, capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = done.stdout.strip().splitlines()
    return lines[0] if lines else ""


def _proc_value(path: str, key: str) -> str | None:
    """The value of ``key: value`` in a /proc file (first occurrence)."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == key:
            return value.strip()
    return None


def cpu_facts() -> str:
    model = _proc_value("/proc/cpuinfo", "model name") or platform.processor() or "unknown"
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    count = f"{os.cpu_count()} CPUs" + (f" ({usable} usable)" if usable else "")
    return f"{count}, {model}"


def memory_facts() -> str:
    total = _proc_value("/proc/meminfo", "MemTotal")
    if not total or not total.split()[0].isdigit():
        return "unknown"
    return f"{int(total.split()[0]) / 1024**2:.1f} GiB"


def site_builder_facts() -> str:
    commit = _first_line(["git", "rev-parse", "--short=12", "HEAD"], REPOSITORY)
    dirty = _first_line(["git", "status", "--porcelain"], REPOSITORY)
    try:
        version = metadata.version("site-builder")
    except metadata.PackageNotFoundError:
        version = "not installed"
    where = f"commit {commit}" if commit else "no git commit"
    return f"{version}, {where}" + (" with uncommitted changes" if dirty else "")


def load_average() -> str:
    try:
        return " / ".join(f"{value:.2f}" for value in os.getloadavg()) + " (1 / 5 / 15 min)"
    except OSError:
        return "unknown"


def machine_facts(tools: Sequence[tuple[str, Sequence[str]]]) -> list[tuple[str, str]]:
    """Name and value of each fact; ``tools`` are (name, version command) pairs."""
    facts = [
        ("date", datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", cpu_facts()),
        ("memory", memory_facts()),
        ("load average at start", load_average()),
        ("system", platform.platform()),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("site-builder", site_builder_facts()),
    ]
    for name, argv in tools:
        facts.append((name, _first_line(argv) or "not found"))
    return facts
