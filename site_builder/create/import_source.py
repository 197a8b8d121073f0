"""``import``: a saved article (an HTML page or plain text) as a new source file.

The file is written only when the site's own loader reads it back as intended: the front
matter without a problem, and every paragraph equal to the article's (``verbatim``). It is
created, never overwritten.
"""

from __future__ import annotations

import codecs
import contextlib
import datetime
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import frontmatter
import yaml

from ..diagnostics import Span
from ..load.config import load_config
from ..load.discover import SOURCES_DIR
from ..load.fields import SOURCE_FIELDS, SOURCE_WORDING, read_fields
from ..load.limits import MAX_FILE_BYTES
from ..load.load_sources import load_source
from ..load.markdown import create_markdown
from ..load.slugs import is_slug
from ..messages import Message, msg
from ..names import MAX_SLUG_LENGTH, is_reserved_device, shown
from ..pipeline import load_corpus
from ..safe_files import create_text_file
from .import_html import Extracted, ExtractionError, extract_article
from .new_brief import brief_slug
from .verbatim import Block, markdown_body, paragraph_text, text_paragraphs

_BOM = b"\xef\xbb\xbf"
# The longest id made from a title: editors type it in every citation ([@id#p3]), so a
# few words, cut after a whole word; --id chooses any other.
MAX_IMPORT_ID = 40
# A page is HTML when it starts with a tag and has one of a page's tags near its start; a
# plain text that happens to start with "<" can be imported with ``--as text``.
_STARTS_WITH_TAG = re.compile(rb"\A\s*<")
_PAGE_TAG = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|article|main|div|p|h[1-6]|section)[\s>/]",
    re.IGNORECASE,
)
_SNIFF_BYTES = 64 * 1024
_DECLARED_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
# Front-matter fields in the order they are written, with the option that sets each.
OPTION_OF = {
    "title": "--title",
    "outlet": "--outlet",
    "authors": "--author",
    "url": "--url",
    "published": "--published",
    "language": "--language",
    "kind": "--kind",
    "retrieved": "--retrieved",
}


class SourceImportError(Exception):
    """Why nothing was imported: a one-line message naming what to change."""


@dataclass(frozen=True, slots=True)
class ImportOptions:
    """What the editor said on the command line; ``fields`` maps front-matter keys to the
    values given (they override what the article says)."""

    fields: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)
    source_id: str | None = None
    input_kind: str | None = None  # "html", "text" or None: decided by the content


@dataclass(frozen=True, slots=True)
class Imported:
    """The source written: its id, its path relative to the site, and notes about values
    of the page that were left out."""

    source_id: str
    path: str
    notes: tuple[str, ...]


def import_source(
    root: Path, data: bytes, name: str, options: ImportOptions, today: datetime.date
) -> Imported:
    """Write ``content/<id>.md`` in the site ``root`` from ``data`` (read from ``name``)."""
    if len(data) > MAX_FILE_BYTES:
        raise SourceImportError(
            msg(
                "{name} has {size:,} bytes; at most 1 MiB ({limit:,} bytes) is read",
                name=name,
                size=len(data),
                limit=MAX_FILE_BYTES,
            )
        )
    is_html = options.input_kind == "html" or (options.input_kind is None and looks_like_html(data))
    text = decode_input(data, name, is_html)
    article = _read_article(text, name, is_html)
    values, notes = front_matter_values(article, options.fields, today)
    _require(values, name)
    source_id = _source_id(options.source_id, str(values["title"]))
    relative = f"{SOURCES_DIR}/{source_id}.md"
    file_text = source_file_text(values, article.blocks)
    _verify(relative, file_text, article.blocks)
    _refuse_existing(root, source_id, relative)
    problem = create_text_file(root / SOURCES_DIR, f"{source_id}.md", file_text)
    if problem is not None:
        raise SourceImportError(_write_problem(relative, problem))
    return Imported(source_id, relative, tuple(notes))


def looks_like_html(data: bytes) -> bool:
    """Is ``data`` an HTML page (by its content, whatever its file name)?"""
    start = data.removeprefix(_BOM)[:_SNIFF_BYTES]
    return bool(_STARTS_WITH_TAG.match(start)) and _PAGE_TAG.search(start) is not None


def decode_input(data: bytes, name: str, is_html: bool) -> str:
    """The text of ``data``: UTF-8 (a byte order mark is dropped), or for a page the
    character set it declares (``<meta charset="windows-1252">``)."""
    data = data.removeprefix(_BOM)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        text = _declared_text(data, is_html) or _not_utf8(name, data, exc)
    if "\x00" in text:
        raise SourceImportError(
            msg("{name} holds a NUL character: it is not a text or HTML file", name=name)
        )
    return text


def _declared_text(data: bytes, is_html: bool) -> str | None:
    declared = _DECLARED_CHARSET.search(data[:_SNIFF_BYTES]) if is_html else None
    if declared is None:
        return None
    try:
        codec = codecs.lookup(declared.group(1).decode("ascii"))
        if codec.name.startswith(("utf-16", "utf-32")):
            return None  # a declaration in ASCII cannot stand in such a file
        return data.decode(codec.name)
    except (LookupError, UnicodeDecodeError):
        return None


def _not_utf8(name: str, data: bytes, exc: UnicodeDecodeError) -> NoReturn:
    line = data[: exc.start].count(b"\n") + 1
    byte = f"{data[exc.start]:02X}"
    raise SourceImportError(
        msg(
            "{name} is not UTF-8 (byte 0x{byte} on line {line}) and declares no character set "
            "it is written in; convert it, e.g. 'iconv -f WINDOWS-1252 -t UTF-8'",
            name=name,
            byte=byte,
            line=line,
        )
    )


def _read_article(text: str, name: str, is_html: bool) -> Extracted:
    if is_html:
        try:
            article = extract_article(text)
        except ExtractionError as exc:
            raise SourceImportError(
                msg(
                    "{name}: {reason}; if it is plain text, import it with '--as text'",
                    name=name,
                    reason=str(exc),
                )
            ) from exc
    else:
        blocks = tuple(Block(paragraph) for paragraph in text_paragraphs(text))
        article = Extracted(blocks, None, None, (), None, None, None)
    if not article_paragraphs(article.blocks):
        raise SourceImportError(msg("{name} holds no paragraph of text to import", name=name))
    return article


def article_paragraphs(blocks: Sequence[Block]) -> list[str]:
    """The paragraphs the source will have (its anchors p1, p2, …): every block but
    headings, in normal form, empty ones left out."""
    texts = (paragraph_text(block.text) for block in blocks if not block.heading)
    return [text for text in texts if text]


def front_matter_values(
    article: Extracted, given: Mapping[str, str | tuple[str, ...]], today: datetime.date
) -> tuple[dict[str, object], list[str]]:
    """The front matter: what the editor gave, else what the article says (a value the
    site would refuse is left out, with a note), and ``retrieved`` today by default."""
    found: dict[str, str | tuple[str, ...] | None] = {
        "title": article.title,
        "outlet": article.outlet,
        "authors": article.authors or None,
        "url": article.url,
        "published": article.published,
        "language": article.language,
        "retrieved": today.isoformat(),
    }
    values: dict[str, object] = {}
    notes: list[str] = []
    for key, option in OPTION_OF.items():
        value = given.get(key)
        if value is not None:
            problem = field_problem(key, _yaml_value(value))
            if problem is not None:
                raise SourceImportError(msg("{option}: {problem}", option=option, problem=problem))
            values[key] = _yaml_value(value)
            continue
        extracted = found.get(key)
        if extracted is None:
            continue
        problem = field_problem(key, _yaml_value(extracted))
        if problem is None:
            values[key] = _yaml_value(extracted)
        else:
            notes.append(
                msg(
                    "left out the page's {field} ({problem}); give it with {option}",
                    field=key,
                    problem=problem,
                    option=option,
                )
            )
    return values, notes


def _yaml_value(value: str | tuple[str, ...]) -> object:
    """``value`` as it is best written in YAML: lists as lists, a plain date unquoted."""
    if isinstance(value, tuple):
        return [item.strip() for item in value]
    value = value.strip()
    if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        with contextlib.suppress(ValueError):  # an impossible date is the checker's to name
            return datetime.date.fromisoformat(value)
    return value


def field_problem(key: str, value: object) -> str | None:
    """What the site's checker says of ``key: value`` in a source's front matter, or None."""
    text = yaml.safe_dump({key: value}, allow_unicode=True, sort_keys=False)
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    _, problems = read_fields(
        node,
        SOURCE_FIELDS,
        SOURCE_WORDING,
        lambda n: Span("import", n.start_mark.line + 1),
        Span("x"),
    )
    messages = [p.message for p in problems if p.code != "missing-field"]
    return messages[0] if messages else None


def _require(values: Mapping[str, object], name: str) -> None:
    if "title" not in values:
        raise SourceImportError(
            msg('{name} names no title; give the article\'s headline with --title "…"', name=name)
        )
    if "outlet" not in values and "url" not in values:
        raise SourceImportError(
            msg(
                "{name} does not say where the article appeared; give --outlet NAME or --url "
                "URL (--outlet unbekannt when nobody knows)",
                name=name,
            )
        )


def _source_id(given: str | None, title: str) -> str:
    source_id = brief_slug(title, MAX_IMPORT_ID) if given is None else given
    if given is None and not source_id:
        raise SourceImportError(
            msg(
                "the title '{title}' has no letters or digits to make an id from; "
                "give one with --id",
                title=shown(title),
            )
        )
    if not is_slug(source_id) or len(source_id) > MAX_SLUG_LENGTH:
        raise SourceImportError(
            msg(
                "--id: '{id}' is not an id: write lower-case letters, digits and single "
                "hyphens, at most {limit} characters (e.g. kreml-gebiete)",
                id=shown(source_id),
                limit=MAX_SLUG_LENGTH,
            )
        )
    if is_reserved_device(source_id):
        raise SourceImportError(
            msg(
                "--id: '{id}' is a device name Windows reserves; choose another with --id",
                id=source_id,
            )
        )
    return source_id


def source_file_text(values: Mapping[str, object], blocks: Sequence[Block]) -> str:
    """The source file: front matter (written safely by YAML), then the Markdown body."""
    post = frontmatter.Post(markdown_body(blocks).rstrip("\n"))
    post.metadata.update(values)
    return frontmatter.dumps(post, sort_keys=False, allow_unicode=True) + "\n"


def _verify(relative: str, file_text: str, blocks: Sequence[Block]) -> None:
    """Read ``file_text`` back as the site will, and refuse it unless it is as intended."""
    source, problems = load_source(relative, file_text.encode("utf-8"), create_markdown())
    errors = [p for p in problems if p.is_error]
    if errors or source is None:
        first = errors[0] if errors else None
        reason = (
            msg("{message} ({code})", message=first.message, code=first.code)
            if first
            else msg("it cannot be read")
        )
        raise SourceImportError(
            msg("the source would not be usable: {reason}; nothing was written", reason=reason)
        )
    if [p.text for p in source.paragraphs] != article_paragraphs(blocks):
        raise SourceImportError(
            msg(
                "the article's text could not be kept verbatim in Markdown; nothing was "
                "written (please report this with the file)"
            )
        )


def _refuse_existing(root: Path, source_id: str, relative: str) -> None:
    taken = _taken(relative)
    if os.path.lexists(root / relative):
        raise SourceImportError(taken)
    corpus, _problems, _digests = load_corpus(load_config(root))
    existing = corpus.sources_by_id.get(source_id)
    if existing is not None:
        raise SourceImportError(
            msg(
                "the site has a source '{id}' already ({path}); give the new source another "
                "name with --id",
                id=source_id,
                path=existing.path,
            )
        )


def _taken(relative: str) -> Message:
    return msg("{path} exists already; give the new source another name with --id", path=relative)


def _write_problem(relative: str, problem: str) -> Message:
    if problem == "exists":
        return _taken(relative)
    if problem == "link":
        return msg(
            "{folder}/ is a symbolic link or no folder; 'import' writes only into a folder",
            folder=SOURCES_DIR,
        )
    return msg("cannot write {path}: {reason}", path=relative, reason=problem)
