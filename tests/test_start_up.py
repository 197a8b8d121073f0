"""What a command imports before it does its work: every run is a new process, and a
build that finds nothing changed must not pay for the loaders, the renderer or Pagefind.

Each case runs a new interpreter (``sys.modules`` of the test process holds everything
the other tests imported) and reads which modules it loaded."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from pathlib import Path

import pytest

from site_builder.cache import library_versions
from site_builder.cli import main
from site_builder.output import previous_build
from tests.sitefiles import brief

from .conftest import MakeSite

# Libraries only some commands need: Markdown and templates (loading, rendering), the
# search index, the server and watcher, the HTML importer, package metadata (init).
HEAVY_LIBRARIES = (
    "jinja2",
    "markdown_it",
    "pagefind",
    "asyncio",
    "watchfiles",
    "trafilatura",
    "importlib.metadata",
)
# Stages a no-change build must not import (``render.output_file`` and
# ``search.search_error`` are what the output stage and the command line share with them).
HEAVY_STAGES = (
    "site_builder.render.render",
    "site_builder.render.pages",
    "site_builder.render.site_index",
    "site_builder.search.search_bundle",
    "site_builder.load.load",
    "site_builder.load.markdown",
    "site_builder.check.check",
    "site_builder.lock.stale",
    "site_builder.serve.serve",
    "site_builder.anchors",
    "site_builder.load.discover_look",  # (only ``serve``'s look at the inputs needs it)
    "site_builder.model",  # (the documents: a no-change build returns an empty ``Corpus``)
)

# Runs the command line in a new interpreter, then prints the modules it loaded (stderr,
# after a marker line). The settle time is off, as in the other no-change tests: the files
# were written a moment before the first build, and would otherwise not count as settled.
_RUN = """
import sys
from site_builder.output import previous_build
previous_build.SETTLE_NS = 0
from site_builder.cli import main
try:
    status = main(sys.argv[1:])
except SystemExit as exc:  # --help, --version
    status = exc.code
print("-- modules --", *sorted(sys.modules), sep="\\n", file=sys.stderr)
sys.exit(status)
"""


def _run(*argv: str) -> tuple[set[str], str]:
    """The modules a new interpreter loaded running ``site-builder ARGV``, and its stdout."""
    completed = subprocess.run(
        [sys.executable, "-c", _RUN, *argv], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    _, _, modules = completed.stderr.partition("-- modules --\n")
    return set(modules.split()), completed.stdout


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in modules]


def test_importing_the_command_line_imports_no_stage_and_no_heavy_library() -> None:
    code = "import sys, site_builder.cli; print(*sys.modules)"
    completed = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    modules = set(completed.stdout.split())
    assert "site_builder.cli" in modules
    assert _loaded(modules, HEAVY_LIBRARIES) == []
    assert _loaded(modules, HEAVY_STAGES) == []


def _built_site(
    make_site: MakeSite, out: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, list[str]]:
    """A locked site built once into ``out``, and the command line that built it."""
    site = make_site({"briefs/b.md": brief("Peskow sprach. [@quelle#p1]\n")})
    monkeypatch.setattr(previous_build, "SETTLE_NS", 0)
    assert main(["lock", "--site", str(site)]) == 0
    build = ["build", "--frozen", "--no-search", "--site", str(site), "--out", str(out)]
    assert main(build) == 0
    return site, build


def test_a_build_that_finds_nothing_changed_imports_no_stage(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, build = _built_site(make_site, tmp_path / "out", monkeypatch)
    modules, printed = _run(*build)
    assert "built" in printed
    assert _loaded(modules, HEAVY_LIBRARIES) == []
    assert _loaded(modules, HEAVY_STAGES) == []


# What reads ``site.yaml``: a build that finds nothing changed has its config in the build
# record and the site's language remembered in the cache (``config.site_language``).
YAML_READERS = ("yaml", "site_builder.load.fields", "site_builder.load.front_matter")


def test_a_build_that_finds_nothing_changed_does_not_import_yaml(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("SITE_BUILDER_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)  # the site's language decides
    _, build = _built_site(make_site, tmp_path / "out", monkeypatch)
    assert main(build) == 0  # (the cache is there now: the site's language is kept)
    modules, printed = _run(*build)
    assert "1 Datei" in printed or "Dateien" in printed  # a German site speaks German
    assert _loaded(modules, YAML_READERS) == []


def test_a_build_that_finds_a_change_still_builds_it(
    make_site: MakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    site, build = _built_site(make_site, out, monkeypatch)
    (site / "briefs/b.md").write_text(brief("Peskow schwieg. [@quelle#p1]\n"), "utf-8")
    modules, printed = _run(*build)
    assert "built" in printed
    assert "site_builder.render.render" in modules
    assert "Peskow schwieg" in (out / "briefs/b/index.html").read_text("utf-8")


# What a check after one edit does not need: it loads the edited file in this process (no
# pool of workers) and frees nothing worth trimming (``heap``), and it renders nothing.
NOT_FOR_ONE_EDIT = (
    "multiprocessing",
    "concurrent.futures",
    "ctypes",
    "jinja2",
    "pagefind",
    "site_builder.render.render",
    "site_builder.render.pages",
    "site_builder.render.site_index",  # (``check.tags`` names the tags)
    "site_builder.load.discover_look",
)


def test_a_check_after_one_edit_imports_no_worker_pool(
    make_site: MakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = make_site({"briefs/b.md": brief("Peskow sprach. [@quelle#p1]\n")})
    assert main(["lock", "--site", str(site)]) == 0
    check = ["check", "--frozen", "--site", str(site)]
    assert main(check) == 0  # the cache filled
    (site / "briefs/b.md").write_text(brief("Peskow schwieg. [@quelle#p1]\n"), "utf-8")
    modules, printed = _run(*check)
    assert "1 brief" in printed
    assert "site_builder.check.quick_check" in modules
    assert _loaded(modules, NOT_FOR_ONE_EDIT) == []


def test_version_and_help_work_without_the_stages() -> None:
    modules, printed = _run("--version")
    assert printed.startswith("site-builder ")
    assert _loaded(modules, HEAVY_STAGES) == []
    modules, printed = _run("build", "--help")
    assert "--no-search" in printed
    assert _loaded(modules, HEAVY_STAGES) == []


def test_library_versions_are_those_importlib_metadata_finds(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for folder, names in (
        (first, ["markdown_it_py-9.1.dist-info", "notes.txt", "PyYAML-7.0.dist-info"]),
        (second, ["Jinja2-8.0.dist-info", "pyyaml-1.0.dist-info"]),
    ):
        for name in names:
            (folder / name).mkdir(parents=True)
    names = ("markdown-it-py", "PyYAML", "Jinja2", "no-such-library")
    found = library_versions(names, [str(first), str(tmp_path / "missing"), str(second)])
    # The first folder on the path wins, names compare as packaging normalises them.
    assert found == {
        "markdown-it-py": "9.1",
        "PyYAML": "7.0",
        "Jinja2": "8.0",
        "no-such-library": "-",
    }
    installed = ("markdown-it-py", "Jinja2", "PyYAML", "pagefind", "MarkupSafe")
    expected = {name: importlib.metadata.version(name) for name in installed}
    assert library_versions(installed, sys.path) == expected
