"""Golden files: the built fixture site, page by page, byte for byte.

``tests/fixtures/golden-site`` has a brief with a correction, an update and a heading, an
explicit anchor, a list-item paragraph, raw HTML in a source, a source with `retrieved`
and `archive_url`, a draft, the tag spelled "Ukraine" and "ukraine", and the sub-path
base_url https://example.org/news/. Each page type
is compared to its copy under ``tests/golden/``; ``MANIFEST`` holds the SHA-256 of every
output file, so any change of output fails here. The Pagefind bundle is left out
(``--no-search``): its bytes belong to Pagefind's version; ``test_search_bundle`` and the
browser tests check it.

After an intended change of output, regenerate and review the diff before committing:

    UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py
    git diff tests/golden/
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from site_builder.cli import main

FIXTURE = Path(__file__).parent / "fixtures" / "golden-site"
GOLDEN = Path(__file__).parent / "golden"
EPOCH = "1740787200"  # 2025-03-01T00:00:00Z
PAGES = {
    "home": "index.html",
    "brief": "briefs/kreml-schliesst-aus/index.html",
    "source": "sources/quelle/index.html",
    "sources index": "sources/index.html",
    "tag page": "tags/ukraine/index.html",
    "tags index": "tags/index.html",
    "404": "404.html",
    "search": "search/index.html",
    "feed": "feed.xml",
    "sitemap": "sitemap.xml",
    "robots": "robots.txt",
}
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("golden") / "public"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        args = ["build", "--site", str(FIXTURE), "--out", str(out), "--frozen", "--check-links"]
        args.append("--no-search")
        assert main(args) == 0
    if UPDATE:
        _update(out)
    return out


def manifest(folder: Path) -> str:
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(folder).as_posix()}"
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    ]
    return "\n".join(lines) + "\n"


def _update(out: Path) -> None:
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for page in PAGES.values():
        target = GOLDEN / page
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((out / page).read_bytes())
    (GOLDEN / "MANIFEST").write_text(manifest(out), encoding="utf-8", newline="\n")


@pytest.mark.parametrize("kind", sorted(PAGES))
def test_page_matches_its_golden_file(built: Path, kind: str) -> None:
    page = PAGES[kind]
    expected = (GOLDEN / page).read_text("utf-8")
    assert (built / page).read_text("utf-8") == expected, (
        f"{page} changed; if intended: UPDATE_GOLDEN=1 pytest tests/test_golden.py"
    )


def test_every_output_file_matches_the_manifest(built: Path) -> None:
    assert manifest(built) == (GOLDEN / "MANIFEST").read_text("utf-8"), (
        "the output changed; if intended: UPDATE_GOLDEN=1 pytest tests/test_golden.py"
    )


def test_golden_files_are_only_the_listed_pages() -> None:
    on_disk = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert on_disk == {*PAGES.values(), "MANIFEST"}
