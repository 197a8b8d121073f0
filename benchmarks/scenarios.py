"""What the benchmark times: each scenario is a command line plus untimed preparation.

A scenario runs ``setup`` once, then for run k = 1, 2, …: ``before_run(k)`` (untimed: delete
the cache and output for a cold run, or write edit k) and its commands (timed), and finally
``teardown`` (put edited files back). Every command is a separate process of the real CLI.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .edits import Edits, Pristine, WordEdit
from .measure import run_timed

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
    "hugo-cold",
    "hugo-pagefind-cold",
)

Argv = tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Workspace:
    """The folders of one corpus size and how to start each program."""

    site: Path
    out: Path  # site-builder's --out
    hugo_site: Path
    hugo_out: Path
    hugo_cache: Path
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

    def hugo_build(self) -> Argv:
        return (
            self.hugo,
            "--quiet",
            "--source",
            str(self.hugo_site),
            "--destination",
            str(self.hugo_out),
            "--cacheDir",
            str(self.hugo_cache),
        )

    def pagefind_index(self) -> Argv:
        return (self.pagefind, "--site", str(self.hugo_out), "--silent")

    def delete_cache_and_output(self) -> None:
        """A cold start: no build cache, no output, and no spare (the output before the
        last, which an incremental build updates in place)."""
        shutil.rmtree(self.site / CACHE, ignore_errors=True)
        shutil.rmtree(self.out, ignore_errors=True)
        shutil.rmtree(self.out.parent / f".{self.out.name}.spare", ignore_errors=True)

    def delete_hugo_output(self) -> None:
        for folder in (self.hugo_out, self.hugo_cache, self.hugo_site / "resources"):
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


def _cold(ws: Workspace, warmth: Warmth, key: str, title: str, argv: Argv) -> Scenario:
    def before_run(_run: int) -> None:
        warmth.forget()
        ws.delete_cache_and_output()

    return Scenario(key, title, (argv,), before_run=before_run, warms=True)


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
                title="rebuild after editing a cited source paragraph (stale lock, no `--frozen`)",
                argv=ws.build(),
                edit=edits.cited,
                warm=build,
                also_saved=[lock],
            )
        )
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


def hugo_scenarios(ws: Workspace) -> list[Scenario]:
    """Hugo, and Hugo followed by the Pagefind CLI, each from nothing (no output, no cache)."""

    def before_run(_run: int) -> None:
        ws.delete_hugo_output()

    hugo, pagefind = ws.hugo_build(), ws.pagefind_index()
    return [
        Scenario("hugo-cold", "Hugo, cold", (hugo,), before_run=before_run),
        Scenario(
            "hugo-pagefind-cold",
            "Hugo + Pagefind CLI, cold",
            (hugo, pagefind),
            before_run=before_run,
        ),
    ]


def selected(scenarios: Sequence[Scenario], only: Sequence[str]) -> list[Scenario]:
    return [s for s in scenarios if not only or s.key in only]
