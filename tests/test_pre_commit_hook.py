"""The pre-commit hook a site repository uses (``.pre-commit-hooks.yaml``, issue 15): a
manifest pre-commit itself accepts, whose command fails a site with a wrong citation or a
stale lock and passes a clean one, run as pre-commit runs it (no file names, site root)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pre_commit.clientlib import load_manifest

from tests.conftest import MakeSite
from tests.sitefiles import brief

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def hook() -> dict[str, Any]:
    manifest = load_manifest(str(ROOT / ".pre-commit-hooks.yaml"))  # raises when invalid
    [found] = [h for h in manifest if h["id"] == "site-builder-check"]
    return dict(found)


def run_hook(hook: dict[str, Any], site: Path) -> subprocess.CompletedProcess[str]:
    """The hook's entry in the site's root, as pre-commit runs a hook without file names;
    ``site-builder`` is the console script pre-commit installs, here this checkout's."""
    program, *args = shlex.split(hook["entry"])
    assert program == "site-builder"
    argv = [sys.executable, "-m", "site_builder", *args, *hook["args"]]
    return subprocess.run(argv, cwd=site, capture_output=True, text=True, check=False)


def test_the_hook_checks_the_whole_site_frozen(hook: dict[str, Any]) -> None:
    assert hook["language"] == "python"  # pre-commit installs site-builder itself
    assert hook["pass_filenames"] is False
    assert "check --frozen" in hook["entry"]


@pytest.mark.parametrize(
    ("path", "runs"),
    [
        ("briefs/2025/b.md", True),
        ("content/q.md", True),
        ("site.yaml", True),
        ("citations.lock", True),
        ("templates/brief.html", True),
        ("pages/impressum.md", True),
        ("README.md", False),
        ("docs/site.yaml", False),
    ],
)
def test_the_hook_runs_when_a_file_of_the_site_is_staged(
    hook: dict[str, Any], path: str, runs: bool
) -> None:
    assert bool(re.search(hook["files"], path)) is runs


def test_the_hook_fails_a_wrong_citation_and_a_stale_lock(
    hook: dict[str, Any], make_site: MakeSite
) -> None:
    site = make_site({"briefs/b.md": brief("Der Status sei „unbestreitbar“ [@quelle#p9].\n")})
    done = run_hook(hook, site)
    assert done.returncode == 1
    assert "error[unknown-anchor]" in done.stdout
    (site / "briefs/b.md").write_text(brief("Der Status sei „unbestreitbar“ [@quelle#p1].\n"))
    done = run_hook(hook, site)  # right now, but not in citations.lock: frozen fails
    assert done.returncode == 1
    assert "error[unlocked-citation]" in done.stdout
    assert not (site / "citations.lock").exists()  # the hook never writes the lock


def test_the_hook_passes_a_clean_site(hook: dict[str, Any], make_site: MakeSite) -> None:
    site = make_site({"briefs/b.md": brief("Der Status sei „unbestreitbar“ [@quelle#p1].\n")})
    subprocess.run(
        [sys.executable, "-m", "site_builder", "lock", "--all"],
        cwd=site,
        check=True,
        capture_output=True,
    )
    done = run_hook(hook, site)
    assert done.returncode == 0, done.stdout + done.stderr
