"""``serve``'s resident rebuild, timed in one process:
``python -m benchmarks.serve_edit SITE OUT [--edits N] [--json FILE] [--store DIR]
[--profile FILE]``.

The process loads the site as ``serve`` does (a ``Resident`` build without search into
``OUT``), then makes ``N`` edits of one brief (the first plain word of the first brief in
path order, ``Messlauf<k>`` in run k, as ``benchmarks.edits`` chooses it) and times each
resident rebuild until the page is written: the watcher's look at the inputs handed to a
resident ``build_site``, as ``serve`` does it (after one untimed settling edit, as the
harness's edit scenarios do); the build record is stored after each, untimed, as
``serve`` stores it once the files are quiet. Each run's seconds go to stderr; every
run's wall and CPU seconds and the process's peak memory go to stdout as JSON, or to
``--json FILE`` (``benchmarks.run`` reads it). The brief is put back afterwards;
``--store`` keeps its original there meanwhile (the harness's ``pristine/``, so a killed
run is undone by the next). ``--profile`` writes a cProfile of the timed rebuilds.

Without search, as ``serve --no-search`` (with search, ``serve`` keeps the previous bundle
for the edit and re-indexes later: the page is written the same way).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from site_builder.pipeline import BuildOptions, BuildResult, build_site
from site_builder.serve.look import KeptLook
from site_builder.serve.resident import Resident
from site_builder.serve.watch import kept_look

from .edits import Pristine, choose_edits


@dataclass(frozen=True, slots=True)
class Timed:
    """One timed rebuild: wall-clock and CPU seconds (this process: it renders below
    ``render.PARALLEL_FROM`` pages without forking)."""

    seconds: float
    cpu_seconds: float


def timed_edits(
    site: Path, out: Path, edits: int, store: Path, profile: Path | None = None
) -> list[Timed]:
    """Each of ``edits`` resident rebuilds after one edit of a brief."""
    options = BuildOptions(out=out, search=False, frozen=True, warn_relative_base_url=False)
    resident = Resident()
    resident.load_always = True
    first = build_site(site, options, resident=resident)
    resident.load_always = False
    if first.check.errors:
        raise ValueError(f"{site} does not build: {first.check.errors} errors")
    edit = choose_edits(site).brief
    profiler = cProfile.Profile() if profile else None
    timed = []
    pristine = Pristine(site, store)
    try:
        # Settling (untimed): the first rebuild brings the spare (the output before the
        # last) up to date, which the next ones update in place (see README, "Warm state").
        edit.apply(0, pristine)
        build_site(site, options, resident=resident)
        # The watcher keeps what it made of its last look (``serve.look``); its first look
        # is untimed, as serve's is at start.
        look = kept_look(site, options.out)
        look.look()
        for run in range(1, edits + 1):
            edit.apply(run, pristine)
            if profiler:
                profiler.enable()
            started, cpu = time.perf_counter(), time.process_time()
            result = _rebuilt_as_serve_does(site, options, resident, look)
            timed.append(Timed(time.perf_counter() - started, time.process_time() - cpu))
            if profiler:
                profiler.disable()
            if not result.written:
                raise ValueError(f"run {run}: the rebuild wrote nothing")
            # Untimed, as ``serve`` stores the build's record once the files are quiet
            # (``Resident.store_record``: the page is shown before).
            resident.store_record_unlocked()
            print(f"run {run}: {timed[-1].seconds:.3f} s", file=sys.stderr)
    finally:
        pristine.restore_all()
    if profiler and profile:
        profiler.dump_stats(str(profile))
    return timed


def _rebuilt_as_serve_does(
    site: Path, options: BuildOptions, resident: Resident, look: KeptLook
) -> BuildResult:
    """The watcher's look at the inputs, handed to the resident build as ``serve`` hands it
    (``KeptLook.look`` → ``Builder.seen``): both are part of what an editor waits for."""
    _, resident.inputs = look.look()
    try:
        return build_site(site, options, resident=resident)
    finally:
        resident.inputs = None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--json", type=Path, help="write the results here, not to stdout")
    parser.add_argument("--store", type=Path, help="where the edited brief's original waits")
    parser.add_argument("--profile", type=Path)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        store = args.store or Path(temporary)
        timed = timed_edits(args.site, args.out, args.edits, store, args.profile)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    results = {
        "seconds": [t.seconds for t in timed],
        "cpu_seconds": [t.cpu_seconds for t in timed],
        "peak_kib": peak_kib,
    }
    text = json.dumps(results)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
