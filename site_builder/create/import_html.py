"""The article in a saved web page: its text as blocks and what the page says about it.

trafilatura finds the main text (leaving navigation, advertisements, cookie banners,
teasers, share buttons and footers behind) and the metadata (title, site name, author,
canonical URL); htmldate finds the publication date, preferring the original date to a
later update. The text is read from trafilatura's XML tree, not its text output, so that
paragraph, list item, quotation and heading boundaries are the page's own.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .verbatim import Block, paragraph_text

# The libraries log what they discard as warnings; an editor needs none of that.
_LIBRARY_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext")
# An element of trafilatura's lxml tree (lxml has no type information installed here).
Element = Any
_HEADING_LEVEL = re.compile(r"h([1-6])")
# Elements of trafilatura's XML that hold blocks of their own.
_BLOCK_TAGS = frozenset({"p", "head", "list", "item", "quote", "table", "row", "code", "div"})


@dataclass(frozen=True, slots=True)
class Extracted:
    """What a page yields; each field None when the page does not say."""

    blocks: tuple[Block, ...]
    title: str | None
    outlet: str | None
    authors: tuple[str, ...]
    url: str | None
    published: str | None
    language: str | None


class ExtractionError(Exception):
    """The page could not be read as an article (the message says why)."""


def extract_article(html: str) -> Extracted:
    """The article in ``html`` (a whole page, decoded)."""
    # Imported here, not at the top: they take a fifth of a second to import, which every
    # other command would pay at start.
    import htmldate  # noqa: PLC0415 (see above)
    import trafilatura  # noqa: PLC0415 (lazy: see extract_article)
    from trafilatura.settings import Document  # noqa: PLC0415 (lazy: see extract_article)

    with _quiet_libraries():
        try:
            document = trafilatura.bare_extraction(
                html,
                with_metadata=True,
                include_comments=False,  # readers' comments are not the article
                include_tables=True,
                include_formatting=False,
                include_links=False,
                include_images=False,
            )
            published = htmldate.find_date(html, original_date=True, extensive_search=False)
            language = _page_language(html)
            if not isinstance(document, Document):
                raise ExtractionError("found no article text in the page")
            body = article_blocks(document.body)
        except ExtractionError:
            raise
        except Exception as exc:  # a library's failure on a hostile page: say so, no traceback
            raise ExtractionError(f"the page could not be read ({type(exc).__name__})") from exc
    title = _text(document.title)
    blocks = _without_headline(body, title)
    return Extracted(
        blocks=tuple(blocks),
        title=title,
        outlet=_text(document.sitename),
        authors=tuple(name for name in (document.author or "").split("; ") if name.strip()),
        url=_text(document.url),
        published=published,
        language=language,
    )


@contextlib.contextmanager
def _quiet_libraries() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in _LIBRARY_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _page_language(html: str) -> str | None:
    from trafilatura.utils import load_html  # noqa: PLC0415 (lazy: see extract_article)

    tree = load_html(html)
    return None if tree is None else _text(tree.get("lang"))


def _text(value: object) -> str | None:
    text = value.strip() if isinstance(value, str) else ""
    return text or None


def _without_headline(blocks: list[Block], title: str | None) -> list[Block]:
    """``blocks`` without a first heading that repeats the title (the front matter has it)."""
    if blocks and blocks[0].heading and paragraph_text(blocks[0].text) == title:
        return blocks[1:]
    return blocks


def article_blocks(body: Element | None) -> list[Block]:
    """The blocks of trafilatura's XML ``body``, in document order."""
    blocks: list[Block] = []
    for element in body if body is not None else ():
        _add_blocks(element, "", blocks)
    return blocks


def _add_blocks(element: Element, prefix: str, blocks: list[Block]) -> None:
    tag = element.tag
    if not isinstance(tag, str):
        return  # a comment or processing instruction
    if tag == "head":
        level = _HEADING_LEVEL.fullmatch(element.get("rend") or "")
        heading = min(max(int(level.group(1)) if level else 2, 2), 6)
        blocks.append(Block(_inline_text(element), heading=heading))
    elif tag == "list":
        _add_list(element, prefix, blocks)
    elif tag == "quote":
        _add_container(element, "> ", blocks)
    elif tag == "table":
        for row in element.iter("row"):
            # A row is a paragraph; its cells are separated by tabs, as a copied table is.
            cells = (paragraph_text(_inline_text(cell)) for cell in row.iter("cell"))
            blocks.append(Block("\t".join(cells), prefix))
    else:
        _add_container(element, prefix, blocks)


def _add_list(element: Element, prefix: str, blocks: list[Block]) -> None:
    ordered = (element.get("rend") or "").lower() == "ol"
    items = [child for child in element if child.tag == "item"]
    for number, item in enumerate(items, start=1):
        marker = f"{number}. " if ordered else "- "
        # A list in a quotation stays in it; nested lists become items of their own.
        blocks.append(Block(_inline_text(item), "> " if prefix == "> " else marker))
        for child in item:
            if isinstance(child.tag, str) and child.tag in _BLOCK_TAGS:
                _add_blocks(child, prefix, blocks)


def _add_container(element: Element, prefix: str, blocks: list[Block]) -> None:
    """A paragraph with its own text, then the blocks inside it (a quotation's paragraphs)."""
    blocks.append(Block(_inline_text(element), prefix))
    for child in element:
        if isinstance(child.tag, str) and child.tag in _BLOCK_TAGS:
            _add_blocks(child, prefix, blocks)


def _inline_text(element: Element) -> str:
    """The text of ``element`` without the blocks inside it; ``<lb/>`` is a line break."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif isinstance(child.tag, str) and child.tag not in _BLOCK_TAGS:
            parts.append(_inline_text(child))
        parts.append(child.tail or "")
    return "".join(parts)
