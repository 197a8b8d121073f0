"""A fresh, non-editable install works as a new user gets it (README "Your own site").

The development venv is editable and carries every dev library, so it hides what the
wheel lacks: package data (the starter site, the compiled catalogue) and run-time
dependencies that only a library imports (trafilatura's jusText needs lxml_html_clean).
This test installs site-builder into a new virtual environment from the repository, the
way the README says, and runs init, import and check with it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests/fixtures/import/news-article.html"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a new venv with site-builder installed from a copy of the
    repository (no ``-e``)."""
    work = tmp_path_factory.mktemp("fresh")
    source = work / "site-builder"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "public", ".site-builder-cache", "tools", "*.egg-info", "build"
        ),
    )
    subprocess.run([sys.executable, "-m", "venv", str(work / "venv")], check=True, timeout=120)
    pip = [str(work / "venv/bin/python"), "-m", "pip", "install", "--quiet", str(source)]
    subprocess.run(pip, check=True, timeout=600, capture_output=True)
    return work / "venv/bin"


def _run(
    bin_dir: Path, *args: str, cwd: Path, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    env.pop("SITE_BUILDER_LANG", None)
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        env.pop(name, None)
    return subprocess.run(
        [str(bin_dir / "site-builder"), *args],
        cwd=cwd,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_a_fresh_install_inits_imports_and_checks_in_german(
    installed: Path, tmp_path: Path
) -> None:
    made = _run(installed, "init", "zeitung", "--title", "Meine Zeitung", cwd=tmp_path, stdin="")
    assert made.returncode == 0, made.stderr
    site = tmp_path / "zeitung"
    assert (site / "content/kreml-gebiete.md").is_file()  # the starter ships in the wheel

    imported = _run(installed, "import", str(FIXTURE), "--id", "artikel", cwd=site)
    assert imported.returncode == 0, imported.stderr
    assert "content/artikel.md" in imported.stdout

    brief = site / "briefs/test.md"
    brief.write_text(
        "---\ntitle: Test\ndate: 2025-02-27\n---\nDer Kreml sprach [@artikel#p99].\n",
        encoding="utf-8",
    )
    checked = _run(installed, "check", cwd=site)
    assert checked.returncode == 1
    # The German catalogue ships in the wheel: a German site reports in German, with the line.
    assert "Fehler[unbekannter-anker]" in checked.stdout
    assert " 5 | Der Kreml sprach [@artikel#p99]." in checked.stdout
