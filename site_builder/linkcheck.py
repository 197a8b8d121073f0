"""The output link checker: every internal link and fragment of the built site resolves.

Works on the rendered files (before they are written, or read back from a folder), so a
broken link can stop a build. Fragments are matched exactly, case included, as browsers do.
"""

from __future__ import annotations

import html.parser
import posixpath
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

from .render import OutputFile

_LINK_ATTRIBUTES = {
    ("a", "href"),
    ("link", "href"),
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
    ("form", "action"),
}


@dataclass(frozen=True, slots=True)
class BrokenLink:
    page: str
    target: str
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.target}: {self.reason}"


@dataclass
class _Collector(html.parser.HTMLParser):
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in ("id", "name") and (name == "id" or tag == "a"):
                self.ids.add(value)
            if (tag, name) in _LINK_ATTRIBUTES:
                self.links.append(value)


def check_links(files: Iterable[OutputFile], base_path: str) -> list[BrokenLink]:
    """Every internal link (below ``base_path``, or relative) that leads nowhere."""
    pages: dict[str, _Collector] = {}
    paths = set()
    for file in files:
        paths.add(file.path)
        if file.path.endswith(".html"):
            collector = _Collector()
            collector.feed(file.data.decode("utf-8"))
            pages[file.path] = collector
    broken = []
    for page, collector in sorted(pages.items()):
        for link in collector.links:
            problem = _problem(page, link, base_path, paths, pages)
            if problem:
                broken.append(BrokenLink(page, link, problem))
    return broken


def _problem(
    page: str, link: str, base_path: str, paths: set[str], pages: dict[str, _Collector]
) -> str | None:
    parts = urllib.parse.urlsplit(link)
    if parts.scheme or parts.netloc:
        return None  # external: not ours to check offline
    if parts.path.startswith("/"):
        if not parts.path.startswith(base_path):
            return f"outside the site's base path {base_path}"
        target = parts.path[len(base_path) :]
    elif parts.path:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page), parts.path))
        target = "" if target == "." else target + ("/" if parts.path.endswith("/") else "")
    else:
        target = page
    target = urllib.parse.unquote(target)
    if target == "" or target.endswith("/"):
        target += "index.html"
    if target not in paths:
        return "no such page"
    if parts.fragment:
        fragment = urllib.parse.unquote(parts.fragment)
        collector = pages.get(target)
        if collector is None or fragment not in collector.ids:
            return f"no element with id '{fragment}' on {target}"
    return None
