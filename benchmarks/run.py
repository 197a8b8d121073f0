"""The benchmark suite: ``python -m benchmarks.run [--pages 1000,5000,20000] [--hugo]``.

For each size it generates the corpus (``benchmarks.corpus``; pages = briefs + sources, the
generator makes one source per five briefs), runs ``site-builder lock`` once so the lock is
current, and times each scenario (``benchmarks.scenarios``) as separate processes of the real
command line: the median of ``--runs`` runs, fastest and slowest, CPU time and peak memory.
Cold scenarios (site-builder's and Hugo's) run first, in alternation run by run
(``scenarios.alternation``); the warm and edit scenarios follow, one after the other.
The Markdown result is printed and written between the markers of ``--out``
(benchmarks/RESULTS.md). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import importlib
import importlib.util
import json
import os
import shlex
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from . import corpus
from .edits import Pristine, choose_edits
from .hugo_export import DEFAULT_REFERENCE, ExportError, MissingReferenceError, export_minimal
from .hugo_export import export as export_hugo
from .machine import machine_facts
from .measure import CommandError, Sample, Stats, run_sequence, run_timed
from .report import Outcome, OutputSize, SizeResult, measure_output, render_section, update_results
from .scenarios import (
    KEYS,
    Scenario,
    UnavailableError,
    Warmth,
    Workspace,
    alternation,
    hugo_scenarios,
    selected,
    site_builder_scenarios,
)

HERE = Path(__file__).resolve().parent
LARGE = 20_000  # sizes from here on use --large-runs
# What makes a scenario fail (its cell says "failed") without stopping the others.
FAILURES = (CommandError, OSError, ValueError, UnavailableError)


def briefs_for(pages: int) -> int:
    """Briefs of a corpus of ``pages`` pages: briefs + briefs/5 sources = pages."""
    return max(1, round(pages * 5 / 6))


def generator_digest() -> str:
    """Changes whenever the corpus generator or its seed articles change."""
    digest = hashlib.sha256(Path(corpus.__file__).read_bytes())
    for path in sorted(corpus.SEED_CONTENT.rglob("*.md")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def prepare_corpus(folder: Path, site: Path, briefs: int, seed: int) -> dict[str, int]:
    """Generate the site (or keep the one generated earlier with the same arguments) and
    return its counts."""
    stamp = folder / "corpus.json"
    wanted = {"briefs": briefs, "seed": seed, "generator": generator_digest()}
    if stamp.exists() and (site / "site.yaml").exists():
        known = json.loads(stamp.read_text(encoding="utf-8"))
        if {k: known.get(k) for k in wanted} == wanted:
            return dict(known["counts"])
    corpus.clear_site(site)
    counts = corpus.generate(site, briefs, seed)
    numbers = {
        "sources": counts.sources,
        "briefs": counts.briefs,
        "citations": counts.citations,
        "quotes": counts.quotes,
    }
    stamp.write_text(json.dumps({**wanted, "counts": numbers}, indent=1), encoding="utf-8")
    return numbers


def run_scenario(scenario: Scenario, runs: int, ws: Workspace, warmth: Warmth) -> Outcome:
    """All runs of one (warm or edit) scenario, one after the other."""
    samples = []
    try:
        scenario.setup()
        if scenario.in_process is not None:
            samples = list(scenario.in_process(runs))
            for run, sample in enumerate(samples, start=1):
                _say(f"    run {run}: {sample.seconds:.2f} s")
            return Outcome(scenario.key, scenario.title, Stats(tuple(samples)))
        for run in range(1, runs + 1):
            scenario.before_run(run)
            sample = run_sequence(scenario.commands, ws.env)
            samples.append(sample)
            if scenario.warms:
                warmth.ran(scenario.commands[0])
            _say(f"    run {run}: {sample.seconds:.2f} s, {sample.peak_kib / 1024:.0f} MiB")
        return Outcome(scenario.key, scenario.title, Stats(tuple(samples)))
    except FAILURES as problem:
        warmth.forget()
        _say(f"    FAILED: {problem}")
        return Outcome(scenario.key, scenario.title, None, str(problem))
    finally:
        scenario.teardown()


def run_alternating(
    cold: Sequence[Scenario], runs: int, ws: Workspace, warmth: Warmth
) -> tuple[dict[str, Outcome], dict[str, OutputSize]]:
    """The cold scenarios' runs interleaved (``alternation``); a scenario that fails drops
    out of the later rounds. Each one's output is measured right after its last run, before
    another scenario deletes or replaces it."""
    samples: dict[str, list[Sample]] = {s.key: [] for s in cold}
    errors: dict[str, str] = {}
    outputs: dict[str, OutputSize] = {}
    try:
        for scenario in cold:
            try:
                scenario.setup()
            except FAILURES as problem:
                errors[scenario.key] = str(problem)
                _say(f"  {scenario.title}: FAILED: {problem}")
        for run, scenario in alternation(cold, runs):
            if scenario.key in errors:
                continue
            try:
                scenario.before_run(run)
                sample = run_sequence(scenario.commands, ws.env)
            except FAILURES as problem:
                warmth.forget()
                errors[scenario.key] = str(problem)
                _say(f"  run {run}, {scenario.title}: FAILED: {problem}")
                continue
            samples[scenario.key].append(sample)
            if scenario.warms:
                warmth.ran(scenario.commands[0])
            seconds, mib = sample.seconds, sample.peak_kib / 1024
            _say(f"  run {run}, {scenario.title}: {seconds:.2f} s, {mib:.0f} MiB")
            if run == runs and scenario.output is not None:
                outputs[scenario.key] = measure_output(scenario.output)
    finally:
        for scenario in cold:
            scenario.teardown()
    outcomes = {
        s.key: Outcome(s.key, s.title, None, errors[s.key])
        if s.key in errors
        else Outcome(s.key, s.title, Stats(tuple(samples[s.key])))
        for s in cold
    }
    return outcomes, outputs


def workspace(folder: Path, options: argparse.Namespace) -> Workspace:
    site = folder / "site"
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    env["NO_COLOR"] = "1"
    return Workspace(
        site=site,
        out=folder / "out",
        hugo_site=folder / "hugo-site",
        hugo_out=folder / "hugo-out",
        hugo_cache=folder / "hugo-cache",
        hugo_minimal_site=folder / "hugo-minimal-site",
        hugo_minimal_out=folder / "hugo-minimal-out",
        hugo_minimal_cache=folder / "hugo-minimal-cache",
        pristine=Pristine(site, folder / "pristine"),
        site_builder=(sys.executable, "-m", "site_builder"),
        hugo=options.hugo_bin,
        pagefind=options.pagefind_bin,
        env=env,
    )


def measure_size(pages: int, runs: int, work: Path, options: argparse.Namespace) -> SizeResult:
    folder = work / f"pages-{pages}"
    folder.mkdir(parents=True, exist_ok=True)
    ws = workspace(folder, options)
    ws.pristine.restore_all()  # a benchmark killed mid-edit left a changed file
    _say(f"{pages:,} pages: generating the corpus in {ws.site}")
    counts = prepare_corpus(folder, ws.site, briefs_for(pages), options.seed)
    run_timed(ws.command("lock"), env=ws.env)
    edits = choose_edits(ws.site)
    warmth = Warmth(ws)
    scenarios = site_builder_scenarios(ws, warmth, edits)
    if options.hugo:
        export_hugo(ws.site, ws.hugo_site)
        scenarios += hugo_scenarios(ws, minimal_site(ws, options.hugo_reference))
    chosen = selected(scenarios, options.only)
    cold = [s for s in chosen if s.cold]
    order = tuple(s.key for _run, s in alternation(cold, 1))
    _say(f"  cold scenarios in alternation, {runs} round(s) of: {', '.join(order)}")
    outcomes, outputs = run_alternating(cold, runs, ws, warmth)
    for scenario in chosen:
        if not scenario.cold:
            _say(f"  {scenario.title}")
            outcomes[scenario.key] = run_scenario(scenario, runs, ws, warmth)
    return SizeResult(
        pages=counts["briefs"] + counts["sources"],
        briefs=counts["briefs"],
        sources=counts["sources"],
        citations=counts["citations"],
        quotes=counts["quotes"],
        runs=runs,
        outcomes=tuple(outcomes[s.key] for s in chosen),
        outputs={s.key: outputs[s.key] for s in chosen if s.key in outputs},
        notes=tuple(note for s in chosen for note in s.notes),
        alternated=order,
    )


def minimal_site(ws: Workspace, reference: Path) -> str | None:
    """Write the minimal reference site; None, or why it could not be written (the minimal
    scenarios then fail with this message and the others run)."""
    try:
        export_minimal(ws.site, ws.hugo_minimal_site, reference)
    except MissingReferenceError as problem:
        _say(f"  {problem}")
        return str(problem)
    return None


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a list of numbers: {text!r}") from None
    if not sizes or min(sizes) < 2:
        raise argparse.ArgumentTypeError("sizes must be at least 2 pages")
    return sizes


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _default_pagefind() -> str:
    try:
        return str(importlib.import_module("pagefind_bin").get_executable())
    except (ImportError, FileNotFoundError):
        return "pagefind"


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="Time site-builder's check and build on generated sites (and Hugo).",
    )
    add = parser.add_argument
    add("--pages", type=_sizes, default=[1000, 5000, 20000], help="sizes, e.g. 1000,5000")
    add("--runs", type=int, default=3, help="runs per scenario; the median is reported")
    add("--large-runs", type=int, metavar="N", help=f"runs for sizes of {LARGE:,} pages or more")
    add("--out", type=Path, default=HERE / "RESULTS.md", help="Markdown file to update")
    add("--keep", type=Path, metavar="DIR", help="work folder to keep and reuse")
    add("--hugo", action="store_true", help="also time Hugo and Hugo + Pagefind")
    add("--only", type=_names, default=[], metavar="KEYS", help="comma-separated scenario keys")
    add("--seed", type=int, default=1, help="corpus seed (default: 1)")
    add("--note", help="a line to print above the results (e.g. what else ran)")
    add("--hugo-bin", default="hugo", help="the Hugo command (default: hugo)")
    add("--pagefind-bin", default=_default_pagefind(), help="the Pagefind CLI")
    add(
        "--hugo-reference",
        type=Path,
        default=DEFAULT_REFERENCE,
        metavar="DIR",
        help=f"the minimal Hugo reference site (default: {DEFAULT_REFERENCE})",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or (args.large_runs is not None and args.large_runs < 1):
        parser.error("--runs and --large-runs must be at least 1")
    unknown = [key for key in args.only if key not in KEYS]
    if unknown:
        parser.error(f"--only: unknown {', '.join(unknown)}; known: {', '.join(KEYS)}")
    if args.hugo and shutil.which(args.hugo_bin) is None:
        parser.error(f"--hugo: {args.hugo_bin} not found")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tools = [("Pagefind", [args.pagefind_bin, "--version"])]
    if args.hugo:
        tools.insert(0, ("Hugo", [args.hugo_bin, "version"]))
    facts = machine_facts(tools)
    facts.append(("command", "python -m benchmarks.run " + shlex.join(sys.argv[1:])))
    compile_site_builder()
    work = args.keep or Path(tempfile.mkdtemp(prefix="site-builder-bench-"))
    try:
        results = [measure_size(pages, _runs(pages, args), work, args) for pages in args.pages]
    except (CommandError, ExportError) as problem:
        _say(f"benchmarks.run: cannot prepare a corpus: {problem}")
        return 2
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    section = render_section(results, facts, args.note)
    print(section)
    update_results(args.out, section)
    _say(f"wrote {args.out}")
    failed = any(o.stats is None for r in results for o in r.outcomes)
    return 1 if failed else 0


def compile_site_builder() -> None:
    """Write the ``.pyc`` files of the site-builder the runs start (the one
    ``python -m site_builder`` finds from here), as an installed copy has them. Without
    them, and with ``PYTHONDONTWRITEBYTECODE`` set, every run would compile the package
    again (about 0.25 s) and charge it to the command timed."""
    spec = importlib.util.find_spec("site_builder")
    for folder in (spec.submodule_search_locations or []) if spec is not None else []:
        compileall.compile_dir(folder, quiet=1)


def _runs(pages: int, args: argparse.Namespace) -> int:
    large: int | None = args.large_runs
    return large if large is not None and pages >= LARGE else int(args.runs)


if __name__ == "__main__":
    raise SystemExit(main())
