"""The benchmark's Hugo comparison: the corpus written into a copy of the minimal reference
site, and cold scenarios run in alternation (``benchmarks.hugo_export``, ``.scenarios``,
``.run``). Nothing here times anything or needs Hugo: it checks what the harness writes and
in which order it runs things."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from benchmarks.hugo_export import (
    MARKER,
    ExportError,
    MissingReferenceError,
    export_minimal,
)
from benchmarks.parse import read_sources
from benchmarks.run import run_alternating, workspace
from benchmarks.scenarios import COLD_ORDER, Scenario, Warmth, alternation

CONFIG = 'baseURL = "https://example.org/"\ntitle = "Referenz"\n'
SINGLE = "<h1>{{ .Title }}</h1>{{ .Content }}\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bench-hugo") / "site"
    generate(root, briefs=12, seed=5)
    return root


@pytest.fixture
def reference(tmp_path: Path) -> Path:
    """A stand-in for ../shared/bench/hugo, with what a Hugo run there would leave behind."""
    folder = tmp_path / "reference"
    (folder / "layouts/_default").mkdir(parents=True)
    (folder / "hugo.toml").write_text(CONFIG, encoding="utf-8")
    (folder / "layouts/_default/single.html").write_text(SINGLE, encoding="utf-8")
    (folder / "public").mkdir()
    (folder / "public/index.html").write_text("old output", encoding="utf-8")
    return folder


def test_minimal_site_is_the_reference_unchanged_plus_every_page(
    site: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "minimal"
    pages = export_minimal(site, out, reference)
    briefs = sorted((out / "content/briefs").glob("*.md"))
    sources = sorted((out / "content/sources").glob("*.md"))
    assert (len(briefs), len(sources)) == (12, len(read_sources(site)))
    assert pages == len(briefs) + len(sources)
    assert (out / "hugo.toml").read_text(encoding="utf-8") == CONFIG
    assert (out / "layouts/_default/single.html").read_text(encoding="utf-8") == SINGLE
    assert not (out / "public").exists(), "a reference's build output is not copied"
    assert sorted(p.name for p in (out / "content").iterdir()) == ["briefs", "sources"]


def test_minimal_site_pages_have_hugo_front_matter_and_linked_citations(
    site: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "minimal"
    export_minimal(site, out, reference)
    brief = (out / "content/briefs").glob("*.md").__next__().read_text(encoding="utf-8")
    front, body = brief.split("\n---\n", 1)
    assert front.startswith("---\ntitle: ") and "\ndate: " in front
    assert "[@" not in body, "a citation group is site-builder syntax, not Markdown"
    assert "](/sources/" in body


def test_minimal_site_source_paragraphs_carry_no_block_attributes(
    site: Path, reference: Path, tmp_path: Path
) -> None:
    """The reference config does not enable Goldmark's block attributes: ``{#p3}`` would be
    printed as text, and a ``^name`` marker is site-builder syntax."""
    out = tmp_path / "minimal"
    export_minimal(site, out, reference)
    for source in read_sources(site).values():
        page = (out / f"content/sources/{source.id}.md").read_text(encoding="utf-8")
        assert "{#p" not in page and " ^" not in page
        for paragraph in source.paragraphs:
            assert f"\n{paragraph.text}\n" in page


def test_missing_reference_names_the_folder_and_the_option(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "minimal"
    with pytest.raises(MissingReferenceError) as raised:
        export_minimal(site, out, tmp_path / "nowhere")
    assert str(tmp_path / "nowhere") in str(raised.value)
    assert "--hugo-reference" in str(raised.value)
    assert not out.exists()


def test_minimal_site_replaces_its_own_earlier_copy_only(
    site: Path, reference: Path, tmp_path: Path
) -> None:
    out = tmp_path / "minimal"
    export_minimal(site, out, reference)
    (out / "content/briefs/stale.md").write_text("---\ntitle: alt\n---\n", encoding="utf-8")
    export_minimal(site, out, reference)
    assert not (out / "content/briefs/stale.md").exists()
    assert (out / MARKER).is_file()
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ExportError):
        export_minimal(site, foreign, reference)
    assert (foreign / "notes.txt").read_text(encoding="utf-8") == "mine"


def _scenario(key: str, *commands: tuple[str, ...], output: Path | None = None) -> Scenario:
    return Scenario(key, key, commands, cold=True, output=output)


def test_alternation_interleaves_runs_and_reverses_every_other_round() -> None:
    cold = [_scenario(key) for key in reversed(COLD_ORDER)]  # given in any order
    runs = alternation(cold, 3)
    assert [run for run, _ in runs] == [1] * 7 + [2] * 7 + [3] * 7
    first = [s.key for run, s in runs if run == 1]
    assert first == list(COLD_ORDER)
    assert [s.key for run, s in runs if run == 2] == first[::-1]
    assert [s.key for run, s in runs if run == 3] == first


def test_alternating_runs_log_order_and_a_failure_drops_only_that_scenario(
    tmp_path: Path,
) -> None:
    log = tmp_path / "log.txt"
    built = tmp_path / "built"

    def append(word: str) -> tuple[str, ...]:
        code = f"open({str(log)!r}, 'a').write({word!r} + ' ')"
        return (sys.executable, "-c", code)

    def write_output() -> tuple[str, ...]:
        code = f"import pathlib; p = pathlib.Path({str(built)!r}); p.mkdir(exist_ok=True); "
        code += "(p / 'index.html').write_text('<p>x</p>')"
        return (sys.executable, "-c", code)

    ok = (sys.executable, "-c", "pass")
    fails = (sys.executable, "-c", "raise SystemExit(3)")
    cold = [
        _scenario("build-cold-nosearch", append("sb"), write_output(), output=built),
        _scenario("hugo-minimal-cold", append("hugo"), ok),
        _scenario("hugo-cold", append("export"), fails),
    ]
    ws = workspace(tmp_path, argparse.Namespace(hugo_bin="hugo", pagefind_bin="pagefind"))
    outcomes, outputs = run_alternating(cold, 2, ws, Warmth(ws))
    assert log.read_text(encoding="utf-8").split() == [
        *("sb", "hugo", "export"),
        *("hugo", "sb"),  # round 2 is reversed; the failed scenario has dropped out
    ]
    assert [len(o.stats.samples) for o in outcomes.values() if o.stats] == [2, 2]
    failed = outcomes["hugo-cold"]
    assert failed.stats is None and failed.error and "exited with 3" in failed.error
    assert outputs["build-cold-nosearch"].html == 1
    assert set(outputs) == {"build-cold-nosearch"}
