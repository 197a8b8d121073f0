"""The site in this repository: checks clean, sources verbatim, briefs meet the bar."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_builder.cli import main
from site_builder.load.config import load_config
from site_builder.pipeline import load_corpus

ROOT = Path(__file__).parent.parent
# Byte-exact copies of the seed articles this project started from (../shared/seeds).
SEEDS = Path(__file__).parent / "fixtures" / "seeds"
SOURCE_OF_SEED = {
    "000_d91aa5efd7133a42.txt": "content/die-nachrichten/diplomatische-wende.md",
    "004_df89e2f5e20db96b.txt": "content/kreml-gebiete.md",
}
_MARKER = re.compile(r" \^[A-Za-z0-9][A-Za-z0-9-]*$", re.MULTILINE)
# The only lines of a source that differ from its seed: subheadings the web copy lost,
# marked as Markdown headings with their words unchanged (the seed line is the heading
# without its "# " or "## ").
HEADINGS_OF_SEED = {
    "000_d91aa5efd7133a42.txt": [
        "# Diplomatische Wende: USA und Russland starten Verhandlungen über Frieden!",
        "## Fortschritte in den diplomatischen Beziehungen",
        "## Details\t",
    ],
    "004_df89e2f5e20db96b.txt": [
        "## Annexion ukrainischer Gebiete",
        '## "Eine gemeinsame Sehnsucht"',
        "## Trump für Gespräche",
    ],
}
_HEADING = re.compile(r"^#{1,2} ", re.MULTILINE)


def test_embedded_site_checks_clean_with_the_committed_lock(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = (ROOT / "citations.lock").read_bytes()
    assert main(["check", "--frozen", "--strict", "--site", str(ROOT)]) == 0
    assert capsys.readouterr().out == "ok: 7 briefs and 2 sources checked, no problems\n"
    assert (ROOT / "citations.lock").read_bytes() == before


@pytest.mark.parametrize("seed", sorted(SOURCE_OF_SEED))
def test_source_body_is_the_seed_verbatim(seed: str) -> None:
    text = (ROOT / SOURCE_OF_SEED[seed]).read_text("utf-8")
    body = text.split("\n---\n", 1)[1]
    headings = [line for line in body.split("\n") if line.startswith("#")]
    assert headings == HEADINGS_OF_SEED[seed]
    unmarked = _HEADING.sub("", _MARKER.sub("", body))
    assert unmarked.encode("utf-8") == (SEEDS / seed).read_bytes()


def test_seed_copies_match_the_shared_seeds_when_present() -> None:
    shared = ROOT.parent / "shared" / "seeds"
    copies = sorted(p.name for p in SEEDS.iterdir())
    assert copies == sorted(SOURCE_OF_SEED)
    for name in copies if shared.is_dir() else ():
        assert (shared / name).read_bytes() == (SEEDS / name).read_bytes()


def test_briefs_meet_the_editorial_bar() -> None:
    corpus, problems, _digests = load_corpus(load_config(ROOT))
    assert problems == []
    assert len(corpus.briefs) >= 5
    groups = [group for brief in corpus.briefs for group in brief.citations]
    assert any(len({ref.source_id for ref in group.refs}) == 2 for group in groups), (
        "one group cites both articles for the same fact"
    )
    assert any(ref.anchor == "peskow-verfassung" for group in groups for ref in group.refs)
    assert sum(len(group.quotes) for group in groups) >= 5
    assert all(brief.summary and brief.tags for brief in corpus.briefs)
