"""Lighthouse scores 100 in performance, accessibility, best practices and SEO on one page
of each main type, judged as a phone (Lighthouse's default: mobile form factor, simulated
slow 4G and a slowed-down CPU) in Debian's Chromium.

The site is served like a good static host would serve it (``hosted_site``: gzip, theme
assets cached for a year), so that what fails is the site, not the test server.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.browser.support import (
    BRIEF,
    CHROMIUM,
    CHROMIUM_ARGS,
    HOME,
    SEARCH,
    SOURCE,
    TAG,
    Served,
    node_and_lighthouse,
    unavailable,
)

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {
    "home": HOME,
    "brief": BRIEF,
    "source": SOURCE,
    "tag": TAG,
    "search": SEARCH + "?q=Riad",
}
# One run takes about 15 s; the timeout only stops a hung browser from stalling CI.
TIMEOUT_SECONDS = 180
# Runs per page when performance alone misses 100. Its metrics come from the CPU time the
# page's tasks took (slowed down four times in the simulation), so a busy machine costs
# points; the other categories do not vary, and layout shifts or blocking requests fail
# every run. Lighthouse's own advice is to judge performance over several runs.
ATTEMPTS = 3
# Items shown per failing audit: enough to find the element or file, short enough to read.
ITEMS_SHOWN = 3


def run_lighthouse(url: str, report: Path, *options: str) -> dict[str, Any]:
    """Lighthouse's JSON report on ``url``, from the CLI in a Chromium of its own."""
    node, cli = node_and_lighthouse()
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"no Chromium at {CHROMIUM}: sudo apt-get install chromium")
    command = [node, str(cli), url, "--output=json", f"--output-path={report}", "--quiet"]
    command += [f"--only-categories={','.join(CATEGORIES)}"]
    command += [f"--chrome-flags={' '.join(['--headless=new', *CHROMIUM_ARGS])}", *options]
    # Pictures only the HTML report shows: taking them costs time and changes no score.
    command += ["--disable-full-page-screenshot"]
    command += ["--skip-audits=screenshot-thumbnails,final-screenshot"]
    env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    result = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    loaded: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return loaded


def best_run(url: str, folder: Path) -> dict[str, Any]:
    """The report of the first run that scores 100 everywhere, else the best of the runs."""
    best: dict[str, Any] | None = None
    for attempt in range(1, ATTEMPTS + 1):
        report = run_lighthouse(url, folder / f"report-{attempt}.json", "--form-factor=mobile")
        if best is None or _total(report) > _total(best):
            best = report
        scores = category_scores(report)
        if scores["performance"] == 1 or any(scores[c] != 1 for c in CATEGORIES[1:]):
            break  # done, or failing where another run would fail the same way
    assert best is not None
    return best


def _total(report: dict[str, Any]) -> float:
    return sum(score or 0 for score in category_scores(report).values())


def category_scores(report: dict[str, Any]) -> dict[str, float | None]:
    """Each category's score from 0 to 1; None when Lighthouse could not score it."""
    return {name: report["categories"][name]["score"] for name in CATEGORIES}


def failing_audits(report: dict[str, Any], category: str) -> list[str]:
    """The audits of ``category`` that scored below 1, those that count for the score first.

    Performance counts only its metrics; its diagnostics (weight 0) are listed too because
    they say what made a metric slow.
    """
    refs = sorted(report["categories"][category]["auditRefs"], key=lambda ref: -ref["weight"])
    lines = []
    for ref in refs:
        audit = report["audits"][ref["id"]]
        if audit["score"] is None or audit["score"] >= 1:
            continue
        shown = audit.get("displayValue", "")
        lines.append(
            f"  {audit['id']} (weight {ref['weight']}): {audit['title']}, "
            f"score {audit['score']}{f', {shown}' if shown else ''}"
        )
        lines += [f"      {item}" for item in _items(audit)]
    return lines


def _items(audit: dict[str, Any]) -> list[str]:
    """The first elements or resources an audit names, as a reader would look for them."""
    items = (audit.get("details") or {}).get("items") or []
    named = []
    for item in items[:ITEMS_SHOWN]:
        node = item.get("node") if isinstance(item, dict) else None
        if isinstance(node, dict):
            named.append(f"{node.get('selector', '')} {node.get('snippet', '')}".strip())
        elif isinstance(item, dict) and "url" in item:
            named.append(str(item["url"]))
    return named


def explain(report: dict[str, Any]) -> str:
    """What to fix: the categories below 100 and their failing audits."""
    lines = [f"Lighthouse {report['lighthouseVersion']} on {report['finalDisplayedUrl']}"]
    lines.append(f"(best of up to {ATTEMPTS} runs; this machine's benchmark index:")
    lines[-1] += f" {report['environment']['benchmarkIndex']})"
    if error := report.get("runtimeError"):
        lines.append(f"runtime error: {error.get('code')}: {error.get('message')}")
    lines += [f"warning: {warning}" for warning in report.get("runWarnings", [])]
    for category, score in category_scores(report).items():
        if score != 1:
            lines.append(f"{category}: {score}")
            lines += failing_audits(report, category)
    return "\n".join(lines)


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_lighthouse_scores_100_on_a_phone(hosted_site: Served, path: str, tmp_path: Path) -> None:
    report = best_run(hosted_site.page(path), tmp_path)
    assert category_scores(report) == dict.fromkeys(CATEGORIES, 1), explain(report)
