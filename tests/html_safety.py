"""What "nothing was injected" means for a page or an HTML fragment, as tests check it.

Independent of the code under test: URLs are read the way a browser reads them (character
references decoded by the parser, ASCII whitespace and controls dropped, backslash as
slash), and bidi controls are counted by the rules of the Unicode bidi algorithm.
"""

from __future__ import annotations

import html.parser
import re
from dataclasses import dataclass, field
from pathlib import Path

URL_ATTRIBUTES = frozenset(
    {"href", "src", "srcset", "action", "formaction", "cite", "poster", "data", "xlink:href"}
)
DANGEROUS_SCHEMES = frozenset({"javascript", "vbscript", "data", "file"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"})
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_OPENERS = {c: "embedding" for c in "\u202a\u202b\u202d\u202e"} | {
    c: "isolate" for c in "\u2066\u2067\u2068"
}


@dataclass
class Page:
    """Start tags with their attributes, end tags, text nodes (with the element they stand
    in) and the content of script elements, in document order."""

    tags: list[tuple[str, dict[str, str | None]]] = field(default_factory=list)
    texts: list[tuple[str, str]] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    unbalanced: list[str] = field(default_factory=list)


class _Reader(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self._open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.page.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1] == tag:
            self._open.pop()
        else:
            self.page.unbalanced.append(f"</{tag}> with {self._open[-3:]} open")

    def handle_data(self, data: str) -> None:
        where = self._open[-1] if self._open else ""
        if where == "script":
            self.page.scripts.append(data)
        else:
            self.page.texts.append((where, data))


def read(text: str) -> Page:
    reader = _Reader()
    reader.feed(text)
    reader.close()
    reader.page.unbalanced += [f"<{tag}> never closed" for tag in reader._open]
    return reader.page


def read_file(path: Path) -> Page:
    return read(path.read_text("utf-8"))


def url_problem(url: str) -> str | None:
    """Why a browser following ``url`` would run code or leave the site unannounced."""
    plain = _IGNORED_IN_URL.sub("", url).lower().replace("\\", "/")
    scheme = _SCHEME.match(plain)
    if scheme and scheme.group(1) in DANGEROUS_SCHEMES:
        return f"{scheme.group(1)}: URL"
    if plain.startswith("//"):
        return "protocol-relative URL"
    return None


def injected(page: Page, allowed_scripts: list[dict[str, str | None]]) -> list[str]:
    """Everything in ``page`` that markup from content could have put there: a script
    other than ``allowed_scripts``, an event handler or style attribute, a dangerous URL."""
    found = []
    for tag, attrs in page.tags:
        if tag == "script" and attrs not in allowed_scripts:
            found.append(f"<script {attrs}>")
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                found.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value is not None and url_problem(value):
                found.append(f"<{tag} {name}={value!r}>: {url_problem(value)}")
    return found


def open_bidi(text: str) -> list[str]:
    """The embeddings, overrides and isolates ``text`` leaves open (UAX #9, X6a and X7)."""
    stack: list[str] = []
    for char in text:
        if char in _OPENERS:
            stack.append(_OPENERS[char])
        elif char == "\u202c" and stack and stack[-1] == "embedding":
            stack.pop()
        elif char == "\u2069" and "isolate" in stack:
            while stack.pop() != "isolate":
                pass
    return stack
