"""The output link checker: every internal link and fragment of the built site resolves.

Works on the rendered files (before they are written), so a broken link can stop a build.
Internal means relative or root-relative; the absolute URLs the site gives for itself
(``<link>`` elements such as the canonical URL, the feed, the sitemap) are checked too when
they lie below ``base_url``. An absolute ``<a href>`` is never checked: a source article
may well live on the same host. Fragments are matched exactly, case included, as browsers
do.
"""

from __future__ import annotations

import html
import posixpath
import re
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..render.output_file import OutputFile
from ..render.urls import Urls

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


@dataclass(frozen=True, slots=True)
class _Link:
    """``own`` links are the site's own absolute URLs (canonical, feed): checked if below
    ``base_url``; other absolute URLs are external."""

    url: str
    own: bool = False


@dataclass
class _Page:
    """What the checker needs of an HTML page: its ids and its links."""

    ids: set[str] = field(default_factory=set)
    links: list[_Link] = field(default_factory=list)


# Start tags and comments of HTML as the tokenizer reads them (a quoted value may hold ">");
# three times faster than html.parser on big sites, and the same result on our pages.
_ATTRIBUTE = r"""[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?"""
_TOKEN = re.compile(rf"<!--.*?-->|<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+{_ATTRIBUTE})*)\s*/?>", re.S)
_ATTRIBUTES = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_RAW_TEXT = {"script": re.compile(r"</script\s*>", re.I), "style": re.compile(r"</style\s*>", re.I)}


def _read_page(text: str) -> _Page:
    page = _Page()
    position = 0
    while match := _TOKEN.search(text, position):
        position = match.end()
        if match.group(1) is None:
            continue  # a comment
        tag = match.group(1).lower()
        for attribute in _ATTRIBUTES.finditer(match.group(2)):
            name = attribute.group(1).lower()
            raw = next((v for v in attribute.group(2, 3, 4) if v is not None), None)
            if raw is None:
                continue
            value = html.unescape(raw)
            if name == "id" or (name == "name" and tag == "a"):
                page.ids.add(value)
            if (tag, name) in _LINK_ATTRIBUTES:
                page.links.append(_Link(value, own=tag == "link"))
        if tag in _RAW_TEXT:  # no tags inside a script or style element
            end = _RAW_TEXT[tag].search(text, position)
            position = end.end() if end else len(text)
    return page


def check_links(files: Iterable[OutputFile], base_url: str) -> list[BrokenLink]:
    """Every internal link of an HTML page, the feed or the sitemap that leads nowhere."""
    urls = Urls(base_url)
    pages: dict[str, _Page] = {}
    links: dict[str, list[_Link]] = {}
    broken = []
    for file in files:
        if file.path.endswith(".html"):
            pages[file.path] = _read_page(file.data.decode("utf-8"))
            links[file.path] = pages[file.path].links
        elif file.path.endswith(".xml"):
            found = _xml_links(file.data)
            if isinstance(found, str):
                broken.append(BrokenLink(file.path, "", found))
            links[file.path] = [] if isinstance(found, str) else found
        else:
            links.setdefault(file.path, [])
    paths = set(links) | set(pages)
    for page in sorted(links):
        for link in links[page]:
            problem = _problem(page, link, urls, paths, pages)
            if problem:
                broken.append(BrokenLink(page, link.url, problem))
    return sorted(broken, key=lambda b: b.page)


def _xml_links(data: bytes) -> list[_Link] | str:
    """Atom ``<link href>`` and sitemap ``<loc>`` of an XML file, or why it cannot be read."""
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return f"not well-formed XML: {exc}"
    found = []
    for element in root.iter():
        name = element.tag.rsplit("}", 1)[-1]
        if name == "link" and element.get("href"):
            found.append(_Link(element.get("href", ""), own=True))
        elif name == "loc" and element.text:
            found.append(_Link(element.text.strip(), own=True))
    return found


def _problem(
    page: str, link: _Link, urls: Urls, paths: set[str], pages: dict[str, _Page]
) -> str | None:
    parts = urllib.parse.urlsplit(link.url)
    if parts.scheme or parts.netloc:
        if not link.own or not _below_base(parts, urls):
            return None  # external: not ours to check offline
        parts = parts._replace(scheme="", netloc="")
    base_path = urls.base_path
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
        found = pages.get(target)
        if found is None or fragment not in found.ids:
            return f"no element with id '{fragment}' on {target}"
    return None


def _below_base(parts: urllib.parse.SplitResult, urls: Urls) -> bool:
    """Is this absolute URL one of the site's own (same scheme and host, below the path)?"""
    if not urls.is_absolute:
        return False
    base = urllib.parse.urlsplit(urls.base_url)
    return (
        parts.scheme.lower() == base.scheme.lower()
        and parts.netloc.lower() == base.netloc.lower()
        and parts.path.startswith(urls.base_path)
    )
