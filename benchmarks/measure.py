"""Timing one command as a child process: wall time, CPU time and peak memory.

Peak memory comes from ``os.wait4``: on Linux the ``ru_maxrss`` it returns for a child is the
largest resident set of that child *or of any descendant it waited for* (the kernel folds a
reaped child's peak into its parent's). So for ``site-builder build`` it covers the Python
process, its loading workers and the Pagefind binary it starts, each on its own: it is the
peak of the single largest process, not of the whole tree at once (processes running side
by side are not added up).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path


class CommandError(Exception):
    """A timed command exited with a non-zero status; the message ends with its stderr."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One timed run: wall-clock seconds, CPU seconds (user + system, the process and its
    waited-for descendants) and the peak resident set in KiB (see the module docstring)."""

    seconds: float
    cpu_seconds: float
    peak_kib: int

    def then(self, other: Sample) -> Sample:
        """Two commands run one after the other, as one sample."""
        return Sample(
            self.seconds + other.seconds,
            self.cpu_seconds + other.cpu_seconds,
            max(self.peak_kib, other.peak_kib),
        )


@dataclass(frozen=True, slots=True)
class Stats:
    """The runs of one scenario."""

    samples: tuple[Sample, ...]

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def fastest(self) -> float:
        return min(s.seconds for s in self.samples)

    @property
    def slowest(self) -> float:
        return max(s.seconds for s in self.samples)

    @property
    def cpu_median(self) -> float:
        return statistics.median(s.cpu_seconds for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return max(s.peak_kib for s in self.samples) / 1024


def run_timed(
    argv: Sequence[str], cwd: Path | None = None, env: Mapping[str, str] | None = None
) -> Sample:
    """Run ``argv`` to its end with output captured; raise ``CommandError`` on failure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(
            list(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err
        )
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        if child.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-2000:]
            out.seek(0)
            tail = tail or out.read().decode("utf-8", "replace")[-2000:]
            raise CommandError(f"{' '.join(argv)} exited with {child.returncode}:\n{tail}")
    return Sample(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def run_sequence(commands: Sequence[Sequence[str]], env: Mapping[str, str] | None) -> Sample:
    """Commands run one after another, timed as one (e.g. Hugo, then Pagefind)."""
    samples = [run_timed(argv, env=env) for argv in commands]
    total = samples[0]
    for sample in samples[1:]:
        total = total.then(sample)
    return total
