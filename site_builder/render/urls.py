"""Where each page lives: output file paths, links (with the ``base_url`` path, so the site
works under a sub-path such as https://example.org/news/) and absolute canonical URLs."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Urls:
    """``base_url`` is absolute (``https://example.org/news/``) or a path (``/``)."""

    base_url: str
    # Made once: every page makes about thirty links.
    base_path: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        path = urllib.parse.urlsplit(self.base_url).path or "/"
        object.__setattr__(self, "base_path", path if path.endswith("/") else path + "/")

    @property
    def is_absolute(self) -> bool:
        return bool(urllib.parse.urlsplit(self.base_url).scheme)

    def link(self, page: str) -> str:
        """Link to ``page`` (``briefs/x/``, ``sources/y/#p3``) from anywhere on the site."""
        return self.base_path + page

    def absolute(self, page: str) -> str:
        """Canonical URL of ``page`` (a path when ``base_url`` is not absolute)."""
        if not self.is_absolute:
            return self.link(page)
        return urllib.parse.urljoin(self.base_url, page)


SEARCH_PAGE = "search/"
SEARCH_BUNDLE = "pagefind/"


def output_path(page: str) -> str:
    """The file that serves ``page``: ``briefs/x/`` → ``briefs/x/index.html``."""
    return page + "index.html" if page == "" or page.endswith("/") else page


def home_page(number: int) -> str:
    return "" if number == 1 else f"page/{number}/"


def brief_page(slug: str) -> str:
    return f"briefs/{slug}/"


def source_page(source_id: str) -> str:
    return f"sources/{source_id}/"


def citing_page(source_id: str, paragraph: int, number: int = 1) -> str:
    """The briefs citing paragraph ``paragraph`` of a source, page ``number``: below the
    source's own address, named by the paragraph's anchor (``sources/x/p4/``)."""
    first = f"sources/{source_id}/p{paragraph}/"
    return first if number == 1 else f"{first}page/{number}/"


def tag_page(slug: str, number: int = 1) -> str:
    """A tag's briefs, page ``number`` (the first is the tag's own address)."""
    return f"tags/{slug}/" if number == 1 else f"tags/{slug}/page/{number}/"
