"""``serve``'s resident rebuild, timed in one process:
``python -m benchmarks.serve_edit SITE OUT [--edits N] [--profile FILE]``.

The process loads the site as ``serve`` does (a ``Resident`` build without search into
``OUT``), then makes ``N`` edits of one brief (the first plain word of the first brief in
path order, ``Messlauf<k>`` in run k, as ``benchmarks.edits`` chooses it) and times each
resident ``build_site`` until the page is written. Each run's seconds go to stderr; one JSON
line with every run's seconds goes to stdout (``benchmarks.run`` reads it). The brief is
put back afterwards. ``--profile`` writes a cProfile of the timed rebuilds.

Without search, as ``serve --no-search`` (with search, ``serve`` keeps the previous bundle
for the edit and re-indexes later: the page is written the same way).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import sys
import tempfile
import time
from pathlib import Path

from site_builder.pipeline import BuildOptions, build_site
from site_builder.serve.resident import Resident

from .edits import Pristine, choose_edits


def timed_edits(site: Path, out: Path, edits: int, profile: Path | None = None) -> list[float]:
    """Seconds of each of ``edits`` resident rebuilds after one edit of a brief."""
    options = BuildOptions(out=out, search=False, frozen=True, warn_relative_base_url=False)
    resident = Resident()
    resident.load_always = True
    first = build_site(site, options, resident=resident)
    resident.load_always = False
    if first.check.errors:
        raise ValueError(f"{site} does not build: {first.check.errors} errors")
    edit = choose_edits(site).brief
    profiler = cProfile.Profile() if profile else None
    seconds = []
    with tempfile.TemporaryDirectory() as store:
        pristine = Pristine(site, Path(store))
        try:
            # Settling (untimed): the first rebuild brings the spare (the output before the
            # last) up to date, which the next ones update in place (see README, "Warm state").
            edit.apply(0, pristine)
            build_site(site, options, resident=resident)
            for run in range(1, edits + 1):
                edit.apply(run, pristine)
                if profiler:
                    profiler.enable()
                started = time.perf_counter()
                result = build_site(site, options, resident=resident)
                seconds.append(time.perf_counter() - started)
                if profiler:
                    profiler.disable()
                if not result.written:
                    raise ValueError(f"run {run}: the rebuild wrote nothing")
                print(f"run {run}: {seconds[-1]:.3f} s", file=sys.stderr)
        finally:
            pristine.restore_all()
    if profiler and profile:
        profiler.dump_stats(str(profile))
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)
    seconds = timed_edits(args.site, args.out, args.edits, args.profile)
    print(json.dumps({"seconds": seconds}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
