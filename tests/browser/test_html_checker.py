"""The built site is valid HTML (Nu HTML Checker) and fit for a strict Content Security
Policy: no inline scripts or styles, nothing loaded from elsewhere."""

from __future__ import annotations

import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.support import java_and_vnu

# Attributes that make the browser fetch something while showing the page.
_FETCHING = {
    ("script", "src"),
    ("img", "src"),
    ("img", "srcset"),
    ("source", "src"),
    ("source", "srcset"),
    ("iframe", "src"),
    ("video", "src"),
    ("video", "poster"),
    ("audio", "src"),
    ("embed", "src"),
    ("object", "data"),
}
_FETCHING_LINKS = {"stylesheet", "icon", "preload", "modulepreload", "manifest", "prefetch"}


@pytest.mark.browser
def test_every_page_passes_the_nu_html_checker(built_site: Path, subpath_site: Path) -> None:
    java, jar = java_and_vnu()
    files = sorted(built_site.rglob("*.html")) + sorted(subpath_site.rglob("*.html"))
    files += sorted(built_site.rglob("*.css")) + sorted(built_site.rglob("*.svg"))
    assert len(files) > 20
    # One run for everything: the checker takes seconds to start.
    command = [java, "-jar", str(jar), "--errors-only", "--also-check-css"]
    command += ["--also-check-svg"]
    command += ["--format", "json", "--stdout"]
    result = subprocess.run(
        [*command, *map(str, files)], capture_output=True, text=True, check=False
    )
    report = json.loads(result.stdout)
    messages = [
        f"{m.get('url', '?').removeprefix('file:')}:{m.get('lastLine', '?')}: {m['message']}"
        for m in report["messages"]
    ]
    assert messages == []
    assert result.returncode == 0, result.stderr


class _Page(HTMLParser):
    """What a page asks the browser to run, style or fetch."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.inline_scripts = 0
        self.style_attributes: list[str] = []
        self.style_elements = 0
        self.handlers: list[str] = []
        self.fetched: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "script" and "src" not in values and values.get("type") != "application/ld+json":
            self.inline_scripts += 1
        if tag == "style":
            self.style_elements += 1
        if "style" in values:
            self.style_attributes.append(f"<{tag} style={values['style']!r}>")
        self.handlers += [f"<{tag} {name}>" for name in values if name.startswith("on")]
        self.fetched += [values[name] for t, name in _FETCHING if t == tag and name in values]
        rel = set(values.get("rel", "").split())
        if tag == "link" and rel & _FETCHING_LINKS:
            self.fetched.append(values.get("href", ""))


def _pages(folder: Path) -> dict[str, _Page]:
    pages = {}
    for path in sorted(folder.rglob("*.html")):
        page = _Page()
        page.feed(path.read_text("utf-8"))
        page.close()
        pages[path.relative_to(folder).as_posix()] = page
    return pages


def test_no_page_has_inline_scripts_styles_or_event_handlers(built_site: Path) -> None:
    pages = _pages(built_site)
    assert len(pages) > 15
    offending = {
        name: (p.inline_scripts, p.style_elements, p.style_attributes, p.handlers)
        for name, p in pages.items()
        if p.inline_scripts or p.style_elements or p.style_attributes or p.handlers
    }
    assert offending == {}


@pytest.mark.parametrize("site_fixture", ["built_site", "subpath_site"])
def test_every_asset_is_self_hosted_and_exists(
    site_fixture: str, request: pytest.FixtureRequest
) -> None:
    folder: Path = request.getfixturevalue(site_fixture)
    for name, page in _pages(folder).items():
        assert page.fetched, f"{name} loads no stylesheet"
        for url in page.fetched:
            parts = urlsplit(url)
            assert not parts.scheme and not parts.netloc, f"{name} loads {url} from elsewhere"
            assert parts.path.startswith("/"), f"{name}: {url}"
            # The output folder is the site root, with the base path in front for a sub-path site.
            assert (folder / parts.path.lstrip("/")).is_file(), f"{name}: {url} is missing"
