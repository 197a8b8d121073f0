"""Load one brief: front matter, body paragraphs, citation groups and the quotes before them,
and the body as HTML with a slot per run of citation markers (``markdown_html``): the body
is parsed once, here, and never again.

A pure function of (path, bytes): it can be cached by content hash and run in parallel.
Resolving citations against sources happens later, in ``check``, once every source is loaded.
"""

from __future__ import annotations

import bisect
import datetime
import re
from collections.abc import Sequence
from pathlib import PurePosixPath

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..dates import PartialDate
from ..diagnostics import Diagnostic, Span, error, warning
from ..messages import Message, msg
from ..model import Brief, BriefParagraph, CitationGroup, CitationRef, Correction, Quote
from ..names import file_slug_problems
from .fields import BRIEF_FIELDS, BRIEF_WORDING, read_fields
from .front_matter import Document, read_document, split_lines
from .front_quotes import front_matter_quotes
from .markdown import (
    CITATION_TOKEN,
    GroupSyntax,
    InlinePositions,
    RefSyntax,
    inline_blocks,
    plain_text,
)
from .markdown_html import MarkerRuns, brief_body_html
from .markdown_limits import limit_problems
from .quotations import Quotation, attested_quotations, find_quotations
from .slugs import slugify

_SENTENCE_END = re.compile(r"[.!?…][\"“”»«)]*\s+")
_SENTENCE_MARK = re.compile(r"[.!?…][\"“”»«)]*")
_SENTENCE_ENDS = (".", "!", "?", "…")
_CLOSING_MARKS = '"“”»«)'
_MARKUP = re.compile(r"[*_`\\&<\[!]")
_SENTENCE_WINDOW = 500  # characters searched for the sentence around a citation
# Made once, not per brief: every brief passes them, few need them.
_NO_FRONT_MATTER = msg("brief has no front matter")
_NO_FRONT_MATTER_HINT = msg(
    "start the file with '---', 'title: …', 'date: YYYY-MM-DD' and '---' "
    '(or create it with: site-builder new "Title")'
)
_SLUG_LABEL = msg("URL slug")


def load_brief(path: str, data: bytes, md: MarkdownIt) -> tuple[Brief | None, list[Diagnostic]]:
    """The brief in ``data`` (read from ``path``, relative to the site) and its problems."""
    text, document, problems = read_document(
        data, path, _NO_FRONT_MATTER, hint=_NO_FRONT_MATTER_HINT, own_text=True
    )
    if document is None or not document.has_front_matter:
        return None, problems
    values: dict[str, object] = {}
    front_quotes: tuple[tuple[str, Quote], ...] = ()
    if document.yaml_ok:
        values, field_problems = read_fields(
            document.front_matter, BRIEF_FIELDS, BRIEF_WORDING, document.span_of, Span(path)
        )
        front_quotes, quote_problems = front_matter_quotes(document, text, values, unbalanced_quote)
        problems += field_problems + quote_problems
    slug = slugify(PurePosixPath(path).stem)
    problems += file_slug_problems(path, slug, _SLUG_LABEL)
    if not slug:
        problems.append(
            error(
                Span(path),
                "bad-file-name",
                msg("the file name has no letters or digits to make a URL from"),
                hint=msg("rename the file, e.g. kreml-gebiete.md"),
            )
        )
    body_lines = split_lines(document.body)
    paragraphs: list[BriefParagraph] = []
    groups: list[CitationGroup] = []
    env: dict[str, object] = {}
    tokens = md.parse(document.body, env)
    problems += limit_problems(env, path, document.body_line)
    for index, (block, inline) in enumerate(inline_blocks(tokens), start=1):
        assert block.map is not None
        positions = InlinePositions(
            inline.content, block.map[0], body_lines, path, document.body_line
        )
        found, plain = _citation_groups(inline, index, positions, md, problems)
        groups += found
        written = sum(1 for child in inline.children or () if child.type == CITATION_TOKEN)
        # A paragraph's span covers its text: the underline runs to the end of its first line.
        span = positions.span(0, len(inline.content))
        paragraphs.append(BriefParagraph(index, span, written, plain))
    if not slug:
        return None, problems
    # After the citations are read: placing the markers changes the tokens.
    html = brief_body_html(tokens)
    body = (tuple(paragraphs), tuple(groups))
    return _brief(document, slug, values, body, front_quotes=front_quotes, html=html), problems


def _brief(
    document: Document,
    slug: str,
    values: dict[str, object],
    body: tuple[tuple[BriefParagraph, ...], tuple[CitationGroup, ...]],
    *,
    front_quotes: tuple[tuple[str, Quote], ...],
    html: tuple[str, MarkerRuns],
) -> Brief:
    paragraphs, groups = body
    date, updated = values.get("date"), values.get("updated")
    publish_at = values.get("publish_at")
    tags = _texts(values.get("tags"))
    return Brief(
        path=document.path,
        slug=slug,
        title=str(values.get("title", slug)),
        date=date if isinstance(date, PartialDate) else None,
        body_line=document.body_line,
        paragraphs=paragraphs,
        citations=groups,
        summary=str(values["summary"]) if "summary" in values else None,
        tags=tags,
        authors=_texts(values.get("authors")),
        draft=values.get("draft") is True,
        updated=updated if isinstance(updated, PartialDate) else None,
        corrections=_corrections(values.get("corrections")),
        front_quotes=front_quotes,
        tag_spans=_item_spans(document, "tags", len(tags)),
        publish_at=publish_at if isinstance(publish_at, datetime.datetime) else None,
        date_span=_value_span(document, "date"),
        html=html[0],
        marker_runs=html[1],
    )


def _item_spans(document: Document, key: str, count: int) -> tuple[Span, ...]:
    """Where each entry of the list ``key`` is written (the first ``key``, as
    ``read_fields`` keeps it); empty unless it holds the ``count`` entries that were read."""
    node = document.front_matter
    if not isinstance(node, yaml.MappingNode):
        return ()
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            if isinstance(value, yaml.SequenceNode) and len(value.value) == count:
                return tuple(document.span_of(item) for item in value.value)
            return ()
    return ()


def _value_span(document: Document, key: str) -> Span | None:
    """Where the value of ``key`` is written (its first occurrence), if it is."""
    node = document.front_matter
    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return document.span_of(value)
    return None


def _texts(value: object) -> tuple[str, ...]:
    return tuple(str(item) for item in value) if isinstance(value, tuple) else ()


def _corrections(value: object) -> tuple[Correction, ...]:
    if not isinstance(value, tuple):
        return ()
    return tuple(
        Correction(record["date"], str(record["text"]))
        for record in value
        if isinstance(record, dict) and isinstance(record.get("date"), PartialDate)
    )


def _citation_groups(
    inline: Token,
    paragraph: int,
    positions: InlinePositions,
    md: MarkdownIt,
    problems: list[Diagnostic],
) -> tuple[list[CitationGroup], str]:
    """The citation groups of one paragraph, and its plain text without them."""
    pieces: list[str] = []
    marks: list[tuple[GroupSyntax, int]] = []
    length = 0  # of the pieces so far (summing them at each citation was quadratic)
    for token in inline.children or ():
        if token.type == CITATION_TOKEN:
            if pieces:  # "zurück [@a#p1]." reads "zurück." without the citation
                stripped = pieces[-1].rstrip()
                length -= len(pieces[-1]) - len(stripped)
                pieces[-1] = stripped
            marks.append((token.meta["group"], length))
        else:
            pieces.append(plain_text([token]))
            length += len(pieces[-1])
    plain = "".join(pieces)
    sentence_ends = [match.end() for match in _SENTENCE_END.finditer(plain)]
    attested = _attested(inline.content, [syntax for syntax, _ in marks], positions, problems)
    groups = []
    for syntax, at in marks:
        if syntax.problem is not None:
            problems.append(
                error(
                    positions.span(syntax.start, syntax.end - syntax.start),
                    "malformed-citation",
                    syntax.problem,
                    hint=msg("a group looks like [@source#p1; @other#p4]"),
                )
            )
            continue
        refs = tuple(
            CitationRef(r.source_id, r.anchor, positions.span(r.offset, _written_width(r)))
            for r in syntax.refs
        )
        quotes = tuple(
            Quote(text, positions.span(q.open, q.close + 1 - q.open))
            for q in attested[syntax.start]
            if (text := _quoted_text(inline.content, q, md))  # „“ quotes no words
        )
        context = _sentence(plain, at, sentence_ends)
        group_span = positions.span(syntax.start, syntax.end - syntax.start)
        groups.append(CitationGroup(refs, group_span, paragraph, context, quotes))
    return groups, _tidy(plain)


def _written_width(ref: RefSyntax) -> int:
    """The characters of ``@source#anchor`` as written (``@a#``, an empty anchor, counts
    one fewer: it is underlined as ``@a``)."""
    return 1 + len(ref.source_id) + (1 + len(ref.anchor) if ref.anchor else 0)


def _attested(
    src: str,
    syntaxes: list[GroupSyntax],
    positions: InlinePositions,
    problems: list[Diagnostic],
) -> dict[int, list[Quotation]]:
    """The quotations each well-formed group attests, by the group's start; a quotation
    mark that never closes in the paragraph is reported (``unbalanced-quote``)."""
    found = find_quotations(src, [(syntax.start, syntax.end) for syntax in syntaxes])
    problems += [unbalanced_quote(positions.span(at), src[at]) for at in found.unclosed]
    valid = [syntax for syntax in syntaxes if syntax.problem is None]
    attested = attested_quotations(src, found.closed, [(g.start, g.end) for g in valid])
    return {syntax.start: quotes for syntax, quotes in zip(valid, attested, strict=True)}


def unbalanced_quote(span: Span, mark: str, where: Message | None = None) -> Diagnostic:
    return warning(
        span,
        "unbalanced-quote",
        msg(
            "the quotation mark {mark} opens a quotation that is never closed in {where}",
            mark=mark,
            where=where or msg("this paragraph"),
        ),
        hint=msg(
            "close the quotation („…“) or remove the mark; an unclosed quotation is not "
            "checked against the source"
        ),
    )


def _quoted_text(src: str, quotation: Quotation, md: MarkdownIt) -> str:
    """The words of a quotation as a reader sees them (Markdown resolved)."""
    raw = quotation.inner(src)
    if _MARKUP.search(raw):  # emphasis, code, entities…: read it as a reader sees it
        tokens = md.parseInline(raw)
        raw = plain_text(tokens[0].children if tokens else None)
    return _tidy(raw)


def _sentence(plain: str, at: int, ends: Sequence[int]) -> str:
    """The sentence a citation at offset ``at`` of ``plain`` stands in: the reader's context
    on the source page. ``ends`` are the offsets where sentences of ``plain`` end. At most
    ``_SENTENCE_WINDOW`` characters either side are taken, so a paragraph with thousands of
    citations costs linear time and each context stays small; a longer sentence is cut
    there, marked with "…"."""
    window = max(0, at - _SENTENCE_WINDOW)
    head_end = window + len(plain[window:at].rstrip())
    index = bisect.bisect_right(ends, head_end) - 1
    begin = ends[index] if index >= 0 else 0
    sentence = plain[max(begin, window) : head_end]
    if begin < window:
        sentence = "…" + sentence.lstrip()
    if plain[window:head_end].rstrip(_CLOSING_MARKS)[-1:] not in _SENTENCE_ENDS:
        end = _SENTENCE_MARK.search(plain, at, at + _SENTENCE_WINDOW)
        sentence += plain[at : end.end() if end else at + _SENTENCE_WINDOW]
        if end is None and at + _SENTENCE_WINDOW < len(plain):
            sentence = sentence.rstrip() + "…"
    return _tidy(sentence)


def _tidy(text: str) -> str:
    return " ".join(text.split())
