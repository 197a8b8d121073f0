"""What the benchmark times: each scenario is a command line plus untimed preparation.

A scenario runs ``setup`` once, then for run k = 1, 2, …: ``before_run(k)`` (untimed: delete
the cache and output for a cold run, or write edit k) and its commands (timed), and finally
``teardown`` (put edited files back). Every command is a separate process of the real CLI.

Cold scenarios (``Scenario.cold``) start from nothing every run, so they need no order among
themselves: the harness runs them in alternation, run by run (``alternation``), so that
site-builder and Hugo share whatever the machine was doing at the time.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .edits import Edits, Pristine, WordEdit
from .measure import Sample, run_timed

CACHE = ".site-builder-cache"
KEYS = (
    "check-cold",
    "build-cold-nosearch",
    "build-cold",
    "rebuild-nochange",
    "rebuild-brief",
    "rebuild-brief-nosearch",
    "rebuild-source",
    "rebuild-source-cited",
    "check-brief",
    "serve-edit-brief",
    "hugo-minimal-cold",
    "hugo-minimal-pagefind-cold",
    "hugo-cold",
    "hugo-pagefind-cold",
)

# The order of one round of cold runs: each site-builder build next to the Hugo builds it is
# compared with (see ``alternation``).
COLD_ORDER = (
    "check-cold",
    "build-cold-nosearch",
    "hugo-minimal-cold",
    "hugo-cold",
    "build-cold",
    "hugo-minimal-pagefind-cold",
    "hugo-pagefind-cold",
)

Argv = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Workspace:
    """The folders of one corpus size and how to start each program."""

    site: Path
    out: Path  # site-builder's --out
    hugo_site: Path  # the feature-equal export
    hugo_out: Path
    hugo_cache: Path
    hugo_minimal_site: Path  # the minimal reference with the same Markdown
    hugo_minimal_out: Path
    hugo_minimal_cache: Path
    pristine: Pristine
    site_builder: Argv  # e.g. (sys.executable, "-m", "site_builder")
    hugo: str
    pagefind: str
    env: Mapping[str, str]

    def command(self, name: str, *options: str) -> Argv:
        return (*self.site_builder, name, "--site", str(self.site), *options)

    def check(self) -> Argv:
        return self.command("check", "--frozen")

    def build(self, *options: str) -> Argv:
        return self.command("build", "--out", str(self.out), *options)

    def hugo_build(self, site: Path, out: Path, cache: Path) -> Argv:
        return (
            self.hugo,
            "--quiet",
            "--source",
            str(site),
            "--destination",
            str(out),
            "--cacheDir",
            str(cache),
        )

    def pagefind_index(self, out: Path) -> Argv:
        return (self.pagefind, "--site", str(out), "--silent")

    def delete_cache_and_output(self) -> None:
        """A cold start: no build cache, no output, and no spare (the output before the
        last, which an incremental build updates in place)."""
        shutil.rmtree(self.site / CACHE, ignore_errors=True)
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.rmtree(self.out.parent / f".{self.out.name}.spare", ignore_errors=True)


def delete_hugo_output(site: Path, out: Path, cache: Path) -> None:
    """A cold Hugo start: no output, no cache dir, no ``resources/`` in the site."""
    for folder in (out, cache, site / "resources"):
        shutil.rmtree(folder, ignore_errors=True)


class Warmth:
    """Which command last ran on the unedited site with its cache and output left in place,
    so a warm scenario repeats that command only when the state is different."""

    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace
        self._last: Argv | None = None

    def ensure(self, argv: Argv) -> None:
        if self._last != argv:
            self.forget()
            flags = [a for a in argv[4:] if a.startswith("--") and a not in ("--site", "--out")]
            print(f"    warm-up, untimed: {argv[3]} {' '.join(flags)}", file=sys.stderr, flush=True)
            run_timed(argv, env=self._workspace.env)
            self._last = argv

    def ran(self, argv: Argv) -> None:
        self._last = argv

    def forget(self) -> None:
        self._last = None


def _nothing() -> None:
    pass


def _no_preparation(_run: int) -> None:
    pass


@dataclass(frozen=True, slots=True)
class Scenario:
    key: str  # for --only and the output table
    title: str
    commands: tuple[Argv, ...]
    setup: Callable[[], None] = _nothing
    before_run: Callable[[int], None] = _no_preparation
    teardown: Callable[[], None] = _nothing
    warms: bool = False  # a run leaves the unedited site built by ``commands[0]``
    notes: tuple[str, ...] = ()
    cold: bool = False  # every run starts from nothing: may alternate with other cold ones
    output: Path | None = None  # what a run writes, measured after the last run
    # Times all runs at once in one process (``serve_edit``), given the number of runs,
    # instead of running ``commands`` once per run.
    in_process: Callable[[int], tuple[Sample, ...]] | None = None


def _cold(ws: Workspace, warmth: Warmth, key: str, title: str, argv: Argv) -> Scenario:
    def before_run(_run: int) -> None:
        warmth.forget()
        ws.delete_cache_and_output()

    return Scenario(
        key, title, (argv,), before_run=before_run, warms=True, cold=True, output=ws.out
    )


def _edited(
    ws: Workspace,
    warmth: Warmth,
    *,
    key: str,
    title: str,
    argv: Argv,
    edit: WordEdit,
    warm: Argv,
    also_saved: Sequence[Path] = (),
) -> Scenario:
    """Runs ``argv`` after edit k on a site warmed by ``warm``; ``also_saved`` are files the
    command may write, put back with the edited file."""

    def setup() -> None:
        for path in also_saved:
            ws.pristine.save(path)
        warmth.ensure(warm)
        # One edit and build first, untimed: an incremental build updates the output of
        # the build before the last (kept as the spare), so the timed runs start from the
        # steady state of repeated edits with these options, not from the leftovers of
        # whatever options built before (a spare with a whole search bundle to delete).
        edit.apply(0, ws.pristine)
        print(f"    settling, untimed: {argv[3]} after edit 0", file=sys.stderr, flush=True)
        run_timed(argv, env=ws.env)

    def before_run(run: int) -> None:
        warmth.forget()
        edit.apply(run, ws.pristine)

    def teardown() -> None:
        ws.pristine.restore_all()
        warmth.forget()

    return Scenario(
        key,
        title,
        (argv,),
        setup=setup,
        before_run=before_run,
        teardown=teardown,
        notes=(f"{key}: {edit.label}",),
    )


def site_builder_scenarios(ws: Workspace, warmth: Warmth, edits: Edits) -> list[Scenario]:
    """The site-builder scenarios, in the order they run (each leaves the state the next warm
    one starts from where it can, so few warm-up builds are needed)."""
    build, no_search = ws.build("--frozen"), ws.build("--frozen", "--no-search")
    lock = ws.site / "citations.lock"
    scenarios = [
        _cold(ws, warmth, "check-cold", "cold `check --frozen`", ws.check()),
        _cold(ws, warmth, "build-cold-nosearch", "cold `build --no-search`", no_search),
        _cold(ws, warmth, "build-cold", "cold `build` (with search)", build),
        Scenario(
            "rebuild-nochange",
            "rebuild, nothing changed",
            (build,),
            setup=lambda: warmth.ensure(build),
            warms=True,
        ),
        _edited(
            ws,
            warmth,
            key="rebuild-brief",
            title="rebuild after editing one brief",
            argv=build,
            edit=edits.brief,
            warm=build,
        ),
        _edited(
            ws,
            warmth,
            key="rebuild-brief-nosearch",
            title="rebuild after editing one brief, `--no-search`",
            argv=no_search,
            edit=edits.brief,
            warm=no_search,
        ),
    ]
    if edits.uncited:
        scenarios.append(
            _edited(
                ws,
                warmth,
                key="rebuild-source",
                title="rebuild after editing an uncited source paragraph",
                argv=build,
                edit=edits.uncited,
                warm=build,
            )
        )
    if edits.cited:
        scenarios.append(
            _edited(
                ws,
                warmth,
                key="rebuild-source-cited",
                title="rebuild after editing a cited source paragraph (`--allow-stale`)",
                # A changed cited paragraph makes its citations stale: an error for
                # ``build`` until an editor has reviewed them (``lock``); the emergency
                # path publishes anyway and times what such an edit costs.
                argv=ws.build("--allow-stale"),
                edit=edits.cited,
                warm=build,
                also_saved=[lock],
            )
        )
    scenarios.append(_serve_edit(ws, warmth, edits.brief))
    scenarios.append(
        _edited(
            ws,
            warmth,
            key="check-brief",
            title="`check --frozen` after editing one brief",
            argv=ws.check(),
            edit=edits.brief,
            warm=ws.check(),
        )
    )
    return scenarios


# ``serve-edit-brief`` times at least this many edits (its process loads the site once).
SERVE_EDITS = 5


def _serve_edit(ws: Workspace, warmth: Warmth, edit: WordEdit) -> Scenario:
    """``serve``'s resident rebuild after editing one brief, timed inside one process that
    loaded the site as ``serve`` does (``benchmarks.serve_edit``), without search."""

    def in_process(runs: int) -> tuple[Sample, ...]:
        results = ws.out.parent / "serve-edit.json"
        argv = (
            sys.executable,
            "-m",
            "benchmarks.serve_edit",
            str(ws.site),
            str(ws.out),
            f"--edits={max(runs, SERVE_EDITS)}",
            f"--json={results}",
            f"--store={ws.pristine.store}",
        )
        warmth.forget()  # it builds into the output with options of its own
        run_timed(argv, env=ws.env)
        found = json.loads(results.read_text(encoding="utf-8"))
        pairs = zip(found["seconds"], found["cpu_seconds"], strict=True)
        return tuple(Sample(wall, cpu, found["peak_kib"]) for wall, cpu in pairs)

    return Scenario(
        "serve-edit-brief",
        "`serve --no-search`: resident rebuild after editing one brief (in process)",
        (),
        teardown=ws.pristine.restore_all,
        notes=(f"serve-edit-brief: {edit.label}",),
        in_process=in_process,
    )


class UnavailableError(Exception):
    """A scenario cannot run here (e.g. the minimal Hugo reference is missing)."""


def _unavailable(problem: str) -> Callable[[], None]:
    def setup() -> None:
        raise UnavailableError(problem)

    return setup


def _hugo_pair(
    ws: Workspace,
    keys: tuple[str, str],
    name: str,
    folders: tuple[Path, Path, Path],
    problem: str | None,
) -> list[Scenario]:
    """Hugo on one site, and Hugo followed by the Pagefind CLI, each from nothing (no output,
    no cache); when ``problem`` says why the site is missing, both fail with it."""
    site, out, cache = folders

    def before_run(_run: int) -> None:
        delete_hugo_output(site, out, cache)

    hugo, pagefind = ws.hugo_build(site, out, cache), ws.pagefind_index(out)
    setup = _nothing if problem is None else _unavailable(problem)
    return [
        Scenario(
            keys[0],
            f"{name}, cold",
            (hugo,),
            setup=setup,
            before_run=before_run,
            cold=True,
            output=out,
        ),
        Scenario(
            keys[1],
            f"{name} + Pagefind CLI, cold",
            (hugo, pagefind),
            setup=setup,
            before_run=before_run,
            cold=True,
            output=out,
        ),
    ]


def hugo_scenarios(ws: Workspace, minimal_problem: str | None = None) -> list[Scenario]:
    """Hugo (+ Pagefind) on the minimal reference site, the bar to compare with, and on the
    feature-equal export; ``minimal_problem`` says why the minimal site could not be made."""
    minimal = (ws.hugo_minimal_site, ws.hugo_minimal_out, ws.hugo_minimal_cache)
    export = (ws.hugo_site, ws.hugo_out, ws.hugo_cache)
    return [
        *_hugo_pair(
            ws,
            ("hugo-minimal-cold", "hugo-minimal-pagefind-cold"),
            "Hugo (minimal reference)",
            minimal,
            minimal_problem,
        ),
        *_hugo_pair(
            ws, ("hugo-cold", "hugo-pagefind-cold"), "Hugo (feature-equal export)", export, None
        ),
    ]


def alternation(cold: Sequence[Scenario], runs: int) -> list[tuple[int, Scenario]]:
    """The cold runs in the order they are made: run 1 of each scenario (in ``COLD_ORDER``),
    then run 2 of each in the reverse order, then run 3 in order again, and so on.

    Interleaving puts every site-builder run next to the Hugo runs it is compared with, so a
    busy minute on a shared machine slows both sides rather than one; reversing every other
    round means no scenario always follows the same one (a build that just wrote 600 MB
    leaves the disk busy for whatever runs next) and a slow drift of the machine's load
    falls on both sides alike.
    """
    rank = {key: place for place, key in enumerate(COLD_ORDER)}
    ordered = sorted(cold, key=lambda s: rank.get(s.key, len(COLD_ORDER)))
    rounds = []
    for run in range(1, runs + 1):
        this = ordered if run % 2 else ordered[::-1]
        rounds += [(run, scenario) for scenario in this]
    return rounds


def selected(scenarios: Sequence[Scenario], only: Sequence[str]) -> list[Scenario]:
    return [s for s in scenarios if not only or s.key in only]
