"""What the browser tests share: where the tools are, how the site is built, which pages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent
CHROMIUM = Path(os.environ.get("SITE_BUILDER_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# The policy a strict host would send: no inline scripts or styles, nothing from elsewhere.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data:"
)
SOURCE_DATE_EPOCH = "1740700800"  # 2025-02-28

# One page of each type, as paths below the site root.
HOME = "/"
BRIEF = "/briefs/kreml-gebiete-nicht-verhandelbar/"
SOURCE = "/sources/diplomatische-wende/"
MARKED_SOURCE = "/sources/kreml-gebiete/"
SOURCES = "/sources/"
TAG = "/tags/ukraine/"
TAGS = "/tags/"
NOT_FOUND = "/404.html"
SEARCH = "/search/"
SITE_PAGE = "/so-arbeiten-wir/"
PAGE_TYPES = {
    "home": HOME,
    "brief": BRIEF,
    "source": SOURCE,
    "sources": SOURCES,
    "tag": TAG,
    "tags": TAGS,
    "404": NOT_FOUND,
    "search": SEARCH,
    "site page": SITE_PAGE,
}


@dataclass(frozen=True)
class Served:
    folder: Path
    url: str  # http://127.0.0.1:port, no trailing slash

    def page(self, path: str) -> str:
        return self.url + path


def copy_embedded_site(site: Path) -> Path:
    """The embedded site's inputs copied into the new folder ``site`` (for tests that edit)."""
    site.mkdir()
    for name in ("site.yaml", "citations.lock"):
        shutil.copy(ROOT / name, site / name)
    for folder in ("content", "briefs", "pages"):
        shutil.copytree(ROOT / folder, site / folder)
    return site


def unavailable(reason: str) -> None:
    """Skip with ``reason`` on a developer machine; fail in CI, where the tools must exist."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this is an error, not a skip)", pytrace=False)
    pytest.skip(reason)


def build_site(out: Path, *extra: str) -> Path:
    """Build the embedded site into ``out`` as a user would, reproducibly."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    command = [sys.executable, "-m", "site_builder", "build", "--site", str(ROOT)]
    command += ["--out", str(out), "--frozen", "--check-links", *extra]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def run_benchmark(module: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m benchmarks.<module> ARGV`` as a user runs it, in a process of its own
    (the test's runs Playwright already); it must succeed."""
    command = [sys.executable, "-m", f"benchmarks.{module}", *argv]
    done = subprocess.run(
        command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr
    return done


def java_and_vnu() -> tuple[str, Path]:
    """The Java runtime and the pinned vnu.jar (installed by scripts/install-tools)."""
    java = shutil.which("java")
    if java is None:
        unavailable("no Java for the Nu HTML Checker: sudo apt-get install default-jre-headless")
    jar = Path(os.environ.get("VNU_JAR", ROOT / "tools/node_modules/vnu-jar/build/dist/vnu.jar"))
    if not jar.is_file():
        unavailable(f"no Nu HTML Checker at {jar}: run scripts/install-tools")
    assert java is not None
    return java, jar


def node_and_lighthouse() -> tuple[str, Path]:
    """Node.js and the pinned Lighthouse CLI (installed by scripts/install-tools)."""
    node = shutil.which("node")
    if node is None:
        unavailable("no Node.js for Lighthouse: sudo apt-get install npm")
    default = ROOT / "tools/node_modules/lighthouse/cli/index.js"
    cli = Path(os.environ.get("LIGHTHOUSE_CLI", default))
    if not cli.is_file():
        unavailable(f"no Lighthouse at {cli}: run scripts/install-tools")
    assert node is not None
    return node, cli
