"""Load one source article: front matter, verbatim body, paragraphs with their anchors, and
the body as HTML with a slot after each paragraph (``markdown_html``): the body is parsed
once, here, and never again.

A pure function of (path, bytes): it can be cached by content hash and run in parallel.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import PurePosixPath

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..dates import PartialDate
from ..diagnostics import Diagnostic, Span, error
from ..messages import msg
from ..model import Paragraph, Source
from ..names import file_slug_problems
from .fields import SOURCE_FIELDS, SOURCE_WORDING, read_fields
from .front_matter import Document, read_document, split_lines
from .markdown import (
    InlinePositions,
    block_marker,
    inline_blocks,
    plain_text,
    strip_block_marker,
)
from .markdown_html import source_body_html
from .markdown_limits import NESTING_HINT, limit_problems
from .slugs import slugify

_POSITIONAL = re.compile(r"^p\d+$", re.IGNORECASE)
# Made once, not per source: every source passes them, few need them.
_NO_FRONT_MATTER = msg("source has no front matter")
_NO_FRONT_MATTER_HINT = msg("start the file with '---', a line 'title: …', and '---'")
_ID_LABEL = msg("id")
_FLATTEN_HINT = msg(
    "flatten the nesting in the stored file, keeping its words; {hint}", hint=NESTING_HINT
)


def load_source(path: str, data: bytes, md: MarkdownIt) -> tuple[Source | None, list[Diagnostic]]:
    """The source in ``data`` (read from ``path``, relative to the site) and its problems."""
    _, document, problems = read_document(
        data,
        path,
        _NO_FRONT_MATTER,
        hint=_NO_FRONT_MATTER_HINT,
        own_text=False,  # a source is verbatim: what it holds is the article's
    )
    if document is None:
        return None, problems
    values: dict[str, object] = {}
    if document.yaml_ok:
        values, field_problems = read_fields(
            document.front_matter, SOURCE_FIELDS, SOURCE_WORDING, document.span_of, Span(path)
        )
        problems += field_problems
    source_id = _source_id(path, values, problems)
    if source_id is None:
        return None, problems
    env: dict[str, object] = {}
    tokens = md.parse(document.body, env)
    # A source is kept verbatim, but how its Markdown nests is the editor's to change.
    problems += limit_problems(env, path, document.body_line, _FLATTEN_HINT)
    paragraphs, paragraph_problems = read_paragraphs(document, tokens)
    problems += paragraph_problems
    anchors = {paragraph.index: paragraph.name for paragraph in paragraphs}
    # After the paragraphs are read: making the HTML changes the tokens.
    html = source_body_html(tokens, anchors, _optional_text(values, "url"))
    return _source(document, values, source_id, paragraphs, html), problems


def _source_id(path: str, values: dict[str, object], problems: list[Diagnostic]) -> str | None:
    if "id" in values:
        return str(values["id"])
    source_id = slugify(PurePosixPath(path).stem)
    problems += file_slug_problems(path, source_id, _ID_LABEL)
    if not source_id:
        problems.append(
            error(
                Span(path),
                "bad-file-name",
                msg("the file name has no letters or digits to make an id from"),
                hint=msg("rename the file or set 'id: …' in the front matter"),
            )
        )
        return None
    return source_id


def _source(
    document: Document,
    values: dict[str, object],
    source_id: str,
    paragraphs: tuple[Paragraph, ...],
    html: str,
) -> Source:
    anchors: dict[str, int] = {}
    for paragraph in paragraphs:
        for anchor in paragraph.anchors:
            anchors.setdefault(anchor, paragraph.index)
    published, retrieved = values.get("published"), values.get("retrieved")
    return Source(
        id=source_id,
        path=document.path,
        title=str(values.get("title", source_id)),
        body_line=document.body_line,
        paragraphs=paragraphs,
        anchors=anchors,
        id_span=_id_span(document),
        outlet=_optional_text(values, "outlet"),
        url=_optional_text(values, "url"),
        published=published if isinstance(published, PartialDate) else None,
        language=_optional_text(values, "language"),
        kind=str(values.get("kind", "original")),
        # 'sources' is the older name of 'based_on': both are the same list.
        based_on=tuple(
            dict.fromkeys(_texts(values.get("based_on")) + _texts(values.get("sources")))
        ),
        retrieved=retrieved if isinstance(retrieved, PartialDate) else None,
        archive_url=_optional_text(values, "archive_url"),
        authors=_texts(values.get("authors")),
        html=html,
    )


def _texts(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, tuple) else ()


def _optional_text(values: dict[str, object], key: str) -> str | None:
    value = values.get(key)
    return None if value is None else str(value)


def _id_span(document: Document) -> Span:
    node = document.front_matter
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "id":
                return document.span_of(value)
    return Span(document.path)


def read_paragraphs(
    document: Document, tokens: Sequence[Token]
) -> tuple[tuple[Paragraph, ...], list[Diagnostic]]:
    """Every paragraph-level block of the parsed body (``tokens``) with its positional
    anchor and any ``^name`` anchor."""
    body_lines = split_lines(document.body)
    paragraphs: list[Paragraph] = []
    problems: list[Diagnostic] = []
    named: dict[str, Span] = {}
    for index, (block, inline) in enumerate(inline_blocks(tokens), start=1):
        assert block.map is not None
        positions = InlinePositions(
            inline.content, block.map[0], body_lines, document.path, document.body_line
        )
        name = block_marker(inline.children)
        text, source_text = plain_text(inline.children), inline.content
        if name is not None:
            text, source_text = strip_block_marker(text), strip_block_marker(source_text)
            marker_span = positions.span(inline.content.rfind("^" + name), 1 + len(name))
            name_problems = _anchor_name_problems(name, text, marker_span, named)
            problems += name_problems
            named.setdefault(name, marker_span)
            name = None if name_problems else name
        # Most paragraphs are plain text: their Markdown is then the text, one string.
        source_text = text if source_text == text else source_text
        paragraphs.append(Paragraph(index, name, text, source_text, positions.span(0)))
    return tuple(paragraphs), problems


def _anchor_name_problems(
    name: str, text: str, span: Span, named: dict[str, Span]
) -> list[Diagnostic]:
    if not text.strip():
        return [
            error(
                span,
                "lone-anchor",
                msg("'^{name}' stands alone instead of ending a paragraph", name=name),
                hint=msg("append the marker to the last line of the paragraph it names"),
            )
        ]
    if _POSITIONAL.match(name):
        return [
            error(
                span,
                "reserved-anchor",
                msg(
                    "'^{name}' looks like a positional anchor; p1, p2, … are given by position",
                    name=name,
                ),
                hint=msg("choose a descriptive name such as ^peskow-verfassung"),
            )
        ]
    if name in named:
        return [
            error(
                span,
                "duplicate-anchor",
                msg(
                    "anchor '^{name}' is already used on line {line}",
                    name=name,
                    line=named[name].line,
                ),
                hint=msg("anchors are unique within a source; rename one of them"),
            )
        ]
    return []
