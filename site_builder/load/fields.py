"""Front-matter fields of briefs and sources: one definition for the checker and the JSON Schema.

``read_fields`` turns a YAML mapping node into typed values. It works on nodes, not on what
PyYAML would construct, so YAML 1.1 surprises cannot change a value behind an editor's back
(``title: NO`` stays the text "NO", ``published: 2025`` stays the year 2025, and an impossible
``2024-02-30`` is a diagnostic instead of a crash).
"""

from __future__ import annotations

import datetime
import enum
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import yaml

from ..dates import PartialDate, parse_moment, parse_partial_date
from ..diagnostics import Diagnostic, Span, error
from ..messages import Message, joined, literal, msg
from ..names import MAX_SLUG_LENGTH, is_reserved_device, shown
from ..suggest import closest, did_you_mean
from .base_url import invisible_url_character
from .front_matter import describe_character, has_control_character
from .slugs import is_slug, slugify

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + name for name in ("str", "int", "float", "bool", "null", "timestamp")}
# YAML 1.2 booleans only: YAML 1.1 also reads yes/no/on/off, which editors' tools do not.
_BOOLEANS = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
IGNORED_KEYS = frozenset({"$schema"})  # lets YAML tooling find the schema; not content
# Longest texts, in characters: a headline, a name or a tag is a line (SHORT_TEXT); a
# summary, a correction or a URL may be a paragraph (LONG_TEXT). Far beyond any real value,
# so a longer one is a mistake (a paste into the wrong field) that would break listings,
# page titles and feeds.
SHORT_TEXT = 200
LONG_TEXT = 2000
TAG_TEXT = 100
# Most tags a brief may have. Each tag is a page listing the brief's card, so tags make
# output grow with their number (and did with its square, issue 16); real briefs carry a
# handful (this site 3 to 5), so 20 is a mistake or an attack, never a newsroom's habit.
MAX_TAGS = 20


class Wording(NamedTuple):
    """How messages name the mapping ``read_fields`` reads (each phrase whole, so that a
    language can put it in its own grammatical case): ``subject`` ("brief" has no 'title'),
    ``place`` (unknown field 'x' "in the front matter of a brief") and ``container``
    ("front matter of a brief" must be a set of 'key: value' lines)."""

    subject: Message
    place: Message
    container: Message


BRIEF_WORDING = Wording(
    msg("brief"), msg("in the front matter of a brief"), msg("front matter of a brief")
)
SOURCE_WORDING = Wording(
    msg("source"), msg("in the front matter of a source"), msg("front matter of a source")
)
PAGE_WORDING = Wording(
    msg("page"), msg("in the front matter of a page"), msg("front matter of a page")
)


class Kind(enum.Enum):
    TEXT = "text"
    URL = "an http(s) URL"
    SLUG = "a slug"
    LANGUAGE = "a language code"
    DATE = "a date"
    PARTIAL_DATE = "a year, month or date"
    MOMENT = "a date-time with time zone"
    BOOL = "true or false"
    TEXT_LIST = "a list of texts"
    RECORDS = "a list of entries"
    CHOICE = "one of its values"


@dataclass(frozen=True, slots=True)
class Field:
    """One front-matter key. ``example`` is what the hint for a missing field suggests;
    ``max_length`` limits a text (each entry of a list); ``in_urls`` marks texts that name
    a page of the built site (tags), whose slugs must be valid folder names. A ``CHOICE``
    field takes one of ``choices``; ``default`` is what its absence means. ``max_items``
    limits the entries of a list (``None``: no limit)."""

    name: str
    kind: Kind
    description: str
    example: str
    required: bool = False
    item_fields: tuple[Field, ...] = ()
    max_length: int = SHORT_TEXT
    in_urls: bool = False
    choices: tuple[str, ...] = ()
    default: str | None = None
    max_items: int | None = None


CORRECTION_FIELDS = (
    Field("date", Kind.DATE, msg("When the correction was made."), "2025-02-28", required=True),
    Field(
        "text",
        Kind.TEXT,
        msg("What was corrected, for readers."),
        "Eine frühere Fassung …",
        required=True,
        max_length=LONG_TEXT,
    ),
)

BRIEF_FIELDS = (
    Field(
        "title",
        Kind.TEXT,
        msg("Headline of the brief."),
        '"Kreml: Gebiete nicht verhandelbar"',
        required=True,
    ),
    Field(
        "date",
        Kind.DATE,
        msg("Publication date (YYYY-MM-DD or ISO date-time)."),
        "2025-02-27",
        required=True,
    ),
    Field(
        "summary",
        Kind.TEXT,
        "One sentence for listings and the meta description.",
        "Der Kreml schließt Verhandlungen aus.",
        max_length=LONG_TEXT,
    ),
    Field(
        "tags",
        Kind.TEXT_LIST,
        "Topics; each gets a tag page.",
        "[Ukraine, Russland]",
        max_length=TAG_TEXT,
        in_urls=True,
        max_items=MAX_TAGS,
    ),
    Field("authors", Kind.TEXT_LIST, "Who wrote the brief.", "[Redaktion]"),
    Field("draft", Kind.BOOL, "Drafts are checked but not published.", "true"),
    Field("updated", Kind.DATE, "Date of the last substantial update.", "2025-02-28"),
    Field(
        "publish_at",
        Kind.MOMENT,
        "Publish only once this moment has passed (ISO date-time with time zone).",
        "2026-12-01T06:00:00+01:00",
    ),
    Field(
        "corrections",
        Kind.RECORDS,
        "Corrections, shown above the body.",
        "[{date: 2025-02-28, text: ...}]",
        item_fields=CORRECTION_FIELDS,
    ),
)

# What a source is (SPEC §4 "What a brief rests on"): an outlet's own reporting, a news
# agency's report, a site rewriting other outlets' reports, a press release, an official
# document or statement.
SOURCE_KINDS = ("original", "agency", "aggregator", "press-release", "official")

SOURCE_FIELDS = (
    Field(
        "title",
        Kind.TEXT,
        msg("Headline of the source article."),
        "Kreml schließt Rückgabe annektierter Gebiete aus",
        required=True,
    ),
    Field("outlet", Kind.TEXT, "The publication the article appeared in.", "tagesschau.de"),
    Field("authors", Kind.TEXT_LIST, "Who wrote the article (its byline).", "[Anna Beispiel]"),
    Field(
        "url",
        Kind.URL,
        "Address of the original article (http or https).",
        "https://example.org/article",
        max_length=LONG_TEXT,
    ),
    Field(
        "published",
        Kind.PARTIAL_DATE,
        "When the article appeared: YYYY, YYYY-MM, YYYY-MM-DD or an ISO date-time.",
        "2025-02",
    ),
    Field("language", Kind.LANGUAGE, "Language of the article; defaults to the site's.", "de"),
    Field(
        "id", Kind.SLUG, "Id used in citations; defaults to the file name's slug.", "kreml-gebiete"
    ),
    Field(
        "kind",
        Kind.CHOICE,
        "What the article is: original, agency, aggregator, press-release or official.",
        "agency",
        choices=SOURCE_KINDS,
        default="original",
    ),
    Field(
        "based_on",
        Kind.TEXT_LIST,
        "The outlets or addresses the article says it relies on.",
        "[https://www.tagesschau.de, kleinezeitung.at]",
        max_length=LONG_TEXT,
    ),
    Field(
        "sources",
        Kind.TEXT_LIST,
        "Older name of 'based_on', read the same way.",
        "[https://www.tagesschau.de]",
        max_length=LONG_TEXT,
    ),
    Field(
        "retrieved",
        Kind.DATE,
        "When this copy of the article was stored (YYYY-MM-DD or ISO date-time).",
        "2025-02-28",
    ),
    Field(
        "archive_url",
        Kind.URL,
        "Address of an archived copy of the article (http or https).",
        "https://web.archive.org/web/2025/https://example.org/article",
        max_length=LONG_TEXT,
    ),
)

PAGE_FIELDS = (
    Field(
        "title",
        Kind.TEXT,
        msg("Heading of the page and its name in the footer."),
        "Impressum",
        required=True,
    ),
    Field(
        "description",
        Kind.TEXT,
        "One sentence for search engines and link previews.",
        "Wer diese Seite herausgibt.",
        max_length=LONG_TEXT,
    ),
)

Value = str | bool | PartialDate | tuple[str, ...] | tuple[dict[str, object], ...]
ToSpan = Callable[[yaml.Node], Span]


def read_fields(
    node: yaml.Node | None,
    fields: tuple[Field, ...],
    what: Wording,
    to_span: ToSpan,
    start: Span,
) -> tuple[dict[str, object], list[Diagnostic]]:
    """Typed values of a front-matter mapping, and every problem with it.

    ``what`` names the mapping in messages (``BRIEF_WORDING``, …); ``start`` is where a
    missing field is reported.
    """
    if node is None:
        node = yaml.MappingNode(_TAG + "map", [])
    if not isinstance(node, yaml.MappingNode):
        return {}, [
            error(
                to_span(node),
                "front-matter-type",
                msg("{what} must be a set of 'key: value' lines", what=what.container),
                hint=msg("write one 'key: value' per line, e.g. 'title: …'"),
            )
        ]
    values: dict[str, object] = {}
    problems: list[Diagnostic] = []
    by_name = {f.name: f for f in fields}
    first_seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = _key_name(key_node, to_span, problems)
        if key is None or key in IGNORED_KEYS:
            continue
        if key in first_seen:
            problems.append(
                error(
                    to_span(key_node),
                    "duplicate-key",
                    msg(
                        "'{key}' appears twice in the front matter (first on line {line})",
                        key=shown(key),
                        line=first_seen[key],
                    ),
                    hint=msg("YAML would silently keep only the last one; remove one of them"),
                )
            )
            continue
        first_seen[key] = to_span(key_node).line
        field = by_name.get(key)
        if field is None:
            problems.append(_unknown_key(key, to_span(key_node), fields, what))
            continue
        value = _read_value(field, value_node, to_span, problems)
        if value is not None:
            values[key] = value
    problems.extend(_missing(fields, values, first_seen, what, start))
    return values, problems


def _key_name(node: yaml.Node, to_span: ToSpan, problems: list[Diagnostic]) -> str | None:
    if isinstance(node, yaml.ScalarNode) and node.tag in _SCALAR_TAGS:
        return str(node.value)
    problems.append(
        error(
            to_span(node),
            "front-matter-type",
            msg("front-matter keys must be plain names"),
            hint=msg("write the key as a word followed by ':', e.g. 'title:'"),
        )
    )
    return None


def _unknown_key(key: str, span: Span, fields: tuple[Field, ...], what: Wording) -> Diagnostic:
    names = [f.name for f in fields]
    fields_are = msg("{what} fields are: {names}", what=what.subject, names=", ".join(names))
    return error(
        span,
        "unknown-field",
        msg("unknown field '{key}' {place}", key=shown(key), place=what.place),
        hint=joined([did_you_mean(key, names), fields_are]),
    )


def _missing(
    fields: tuple[Field, ...],
    values: dict[str, object],
    present: dict[str, int],
    what: Wording,
    start: Span,
) -> list[Diagnostic]:
    problems = []
    for field in fields:
        if field.required and field.name not in values and field.name not in present:
            problems.append(
                error(
                    start,
                    "missing-field",
                    msg(
                        "{what} has no '{field}' ({description})",
                        what=what.subject,
                        field=field.name,
                        description=field.description,
                    ),
                    hint=msg(
                        "add '{field}: {example}' to the front matter",
                        field=field.name,
                        example=field.example,
                    ),
                )
            )
    return problems


def _read_value(
    field: Field, node: yaml.Node, to_span: ToSpan, problems: list[Diagnostic]
) -> object | None:
    """The typed value, or None (with a problem appended unless the value is simply empty)."""
    if node.tag not in _SCALAR_TAGS and node.tag not in (_TAG + "seq", _TAG + "map"):
        problems.append(_tagged(field, node, to_span))
        return None
    if isinstance(node, yaml.ScalarNode) and (node.tag == _TAG + "null" or not node.value.strip()):
        if field.required:
            problems.append(_empty(field, node, to_span))
        return None  # an empty optional field is simply absent
    reader = _READERS[field.kind]
    result = reader(field, node, to_span)
    if isinstance(result, Diagnostic):
        problems.append(result)
        return None
    if isinstance(result, list):
        problems.extend(d for d in result if isinstance(d, Diagnostic))
        return None
    return result


def _tagged(field: Field, node: yaml.Node, to_span: ToSpan) -> Diagnostic:
    return error(
        to_span(node),
        "yaml-tag",
        msg("'{field}' uses the YAML tag {tag}", field=field.name, tag=shown(node.tag)),
        hint=msg("front matter holds plain values; remove the '!' tag"),
    )


def _empty(field: Field, node: yaml.Node, to_span: ToSpan) -> Diagnostic:
    return error(
        to_span(node),
        "empty-field",
        msg("'{field}' is empty", field=field.name),
        hint=_example(field),
    )


def _example(field: Field) -> Message:
    return msg("write e.g. '{field}: {example}'", field=field.name, example=field.example)


def _wrong_type(
    field: Field, node: yaml.Node, to_span: ToSpan, hint: Message | None = None
) -> Diagnostic:
    if isinstance(node, yaml.ScalarNode):
        found = literal(f"'{shown(str(node.value))}'")
    elif isinstance(node, yaml.MappingNode):
        found = msg("a set of key: value lines")
    else:
        found = msg("a list")
    return error(
        to_span(node),
        "field-type",
        msg(
            "'{field}' must be {expected}, not {found}",
            field=field.name,
            expected=_expected(field),
            found=found,
        ),
        hint=hint or _example(field),
    )


def _expected(field: Field) -> Message:
    if field.kind is Kind.CHOICE:
        return msg("one of {choices}", choices=", ".join(field.choices))
    return _KIND_WORDS[field.kind]


# What a value of each kind is, for messages (``Kind``'s values are the English words).
_KIND_WORDS = {
    Kind.TEXT: msg("text"),
    Kind.URL: msg("an http(s) URL"),
    Kind.SLUG: msg("a slug"),
    Kind.LANGUAGE: msg("a language code"),
    Kind.DATE: msg("a date"),
    Kind.PARTIAL_DATE: msg("a year, month or date"),
    Kind.MOMENT: msg("a date-time with time zone"),
    Kind.BOOL: msg("true or false"),
    Kind.TEXT_LIST: msg("a list of texts"),
    Kind.RECORDS: msg("a list of entries"),
    Kind.CHOICE: msg("one of its values"),
}


def _read_text(
    field: Field, node: yaml.Node, to_span: ToSpan, entry: bool = False
) -> str | Diagnostic:
    """The text of a scalar: the field's value, or an ``entry`` of its list."""
    if not isinstance(node, yaml.ScalarNode):
        return _wrong_type(field, node, to_span)
    # The literal as written: YAML 1.1 would turn `NO` into False and `010` into 8.
    text = str(node.value).strip()
    if not text:
        return _empty(field, node, to_span)
    char = has_control_character(text)
    if char is not None:  # raw ones are reported by front_matter; these were escapes
        return error(
            to_span(node),
            "control-character",
            msg(
                "{label} holds the {character}",
                label=_text_label(field, entry),
                character=describe_character(char),
            ),
            hint=msg("remove the escape (such as \\x1b, \\e or \\u0085) from the quoted text"),
        )
    if len(text) > field.max_length:
        return error(
            to_span(node),
            "value-too-long",
            msg(
                "{label} has {length:,} characters; at most {limit:,} are allowed",
                label=_text_label(field, entry),
                length=len(text),
                limit=field.max_length,
            ),
            hint=msg("shorten it; longer text belongs in the body"),
        )
    return text


def _text_label(field: Field, entry: bool) -> Message:
    """What a message calls the text (made only for a message: most texts need none)."""
    if entry:
        return msg("an entry of '{field}'", field=field.name)
    return literal(f"'{field.name}'")


def _read_url(field: Field, node: yaml.Node, to_span: ToSpan) -> str | Diagnostic:
    text = _read_text(field, node, to_span)
    if isinstance(text, Diagnostic):
        return text
    # Python's URL parser drops tabs and line breaks before it reads the scheme (as
    # browsers do), so "https://x/\nDisallow: /" would pass it whole: refuse them first.
    character = invisible_url_character(text)
    parts = urllib.parse.urlsplit(text)
    if character is None and parts.scheme.lower() in ("http", "https") and parts.netloc:
        return text
    message = msg(
        "'{field}' must be an http(s) URL, not '{url}'", field=field.name, url=shown(text)
    )
    if character:
        message = msg(
            "'{field}' must be an http(s) URL, not '{url}': it holds {character}",
            field=field.name,
            url=shown(text),
            character=character,
        )
    return error(
        to_span(node),
        "bad-url",
        message,
        hint=msg("write the full address, e.g. https://example.org/article"),
    )


def _read_slug(field: Field, node: yaml.Node, to_span: ToSpan) -> str | Diagnostic:
    text = _read_text(field, node, to_span)
    if isinstance(text, Diagnostic):
        return text
    if is_slug(text):
        return _folder_name_problem(field, text, text, node, to_span) or text
    suggestion = shown(slugify(text))
    return error(
        to_span(node),
        "bad-id",
        msg(
            "'{field}' must be lower-case letters, digits and hyphens, not '{text}'",
            field=field.name,
            text=shown(text),
        ),
        hint=msg("write '{field}: {suggestion}'", field=field.name, suggestion=suggestion)
        if suggestion
        else msg("use letters and digits joined by hyphens, e.g. 'kreml-gebiete'"),
    )


def _read_choice(field: Field, node: yaml.Node, to_span: ToSpan) -> str | Diagnostic:
    text = _read_text(field, node, to_span)
    if isinstance(text, Diagnostic) or text in field.choices:
        return text
    match = closest(text.casefold(), field.choices)  # "Agentur" is near "agency"
    hint = (
        msg("did you mean '{match}'? write '{field}: {match}'", match=match, field=field.name)
        if match
        else _example(field)
    )
    if field.default is not None:
        hint = msg(
            "{hint}; without '{field}', it is '{default}'",
            hint=hint,
            field=field.name,
            default=field.default,
        )
    return _wrong_type(field, node, to_span, hint=hint)


def is_language_code(text: str) -> bool:
    """A BCP 47 code as site.yaml and front matter take it (``de``, ``de-AT``, ``en``)."""
    return _LANGUAGE.fullmatch(text) is not None


def _read_language(field: Field, node: yaml.Node, to_span: ToSpan) -> str | Diagnostic:
    text = _read_text(field, node, to_span)
    if isinstance(text, Diagnostic) or _LANGUAGE.match(text):
        return text
    return error(
        to_span(node),
        "bad-language",
        msg("'{text}' is not a language code", text=shown(text)),
        hint=msg("use a BCP 47 code such as de, de-AT or en"),
    )


def _read_date(field: Field, node: yaml.Node, to_span: ToSpan) -> PartialDate | Diagnostic:
    if not isinstance(node, yaml.ScalarNode):
        return _wrong_type(field, node, to_span)
    parsed = parse_partial_date(str(node.value))
    if isinstance(parsed, str):
        return error(
            to_span(node),
            "bad-date",
            msg("'{field}': {problem}", field=field.name, problem=parsed),
            hint=_example(field),
        )
    if field.kind is Kind.DATE and not parsed.has_day:
        return error(
            to_span(node),
            "bad-date",
            msg(
                "'{field}' needs a full date, not '{text}'",
                field=field.name,
                text=shown(str(node.value)),
            ),
            hint=_example(field),
        )
    return parsed


def _read_moment(field: Field, node: yaml.Node, to_span: ToSpan) -> datetime.datetime | Diagnostic:
    if not isinstance(node, yaml.ScalarNode):
        return _wrong_type(field, node, to_span)
    parsed = parse_moment(str(node.value))
    if isinstance(parsed, str):
        return error(
            to_span(node),
            "bad-date",
            msg("'{field}': {problem}", field=field.name, problem=parsed),
            # Without a zone the moment would depend on the machine that builds the site.
            hint=msg(
                "write the time with its UTC offset, e.g. '{field}: {example}'",
                field=field.name,
                example=field.example,
            ),
        )
    return parsed


def _read_bool(field: Field, node: yaml.Node, to_span: ToSpan) -> bool | Diagnostic:
    if isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "bool" and node.value in _BOOLEANS:
        return _BOOLEANS[node.value]
    return _wrong_type(
        field,
        node,
        to_span,
        hint=msg("write '{field}: true' or '{field}: false' (without quotes)", field=field.name),
    )


def _read_text_list(field: Field, node: yaml.Node, to_span: ToSpan) -> tuple[str, ...] | Diagnostic:
    if isinstance(node, yaml.ScalarNode):
        items = [part.strip() for part in str(node.value).split(",") if part.strip()]
        listed = shown(", ".join(items), 80)
        hint = msg("write a list: '{field}: [{items}]'", field=field.name, items=listed)
        return _wrong_type(field, node, to_span, hint=hint)
    if not isinstance(node, yaml.SequenceNode):
        return _wrong_type(field, node, to_span)
    if field.max_items is not None and len(node.value) > field.max_items:
        return _too_many(field, node, to_span)
    texts = []
    for item in node.value:
        text = _read_entry(field, item, to_span)
        if isinstance(text, Diagnostic):
            return text
        texts.append(text)
    return tuple(texts)


def _too_many(field: Field, node: yaml.SequenceNode, to_span: ToSpan) -> Diagnostic:
    return error(
        to_span(node),
        "too-many-tags",  # tags are the only list with a limit
        msg(
            "'{field}' has {length:,} entries; at most {limit} are allowed",
            field=field.name,
            length=len(node.value),
            limit=field.max_items,
        ),
        hint=msg(
            "keep the {limit} that say best what the brief is about; each tag is a page of "
            "the site",
            limit=field.max_items,
        ),
    )


def _read_entry(field: Field, item: yaml.Node, to_span: ToSpan) -> str | Diagnostic:
    """One entry of a list of texts (the first bad entry is the list's problem)."""
    if item.tag not in _SCALAR_TAGS | {_TAG + "seq", _TAG + "map"}:
        return _tagged(field, item, to_span)
    text: str | Diagnostic | None = None
    if isinstance(item, yaml.ScalarNode) and item.tag != _TAG + "null":
        text = _read_text(field, item, to_span, entry=True)
    if text is None or (isinstance(text, Diagnostic) and text.code == "empty-field"):
        return error(
            to_span(item),
            "field-type",
            msg("each entry of '{field}' must be a non-empty text", field=field.name),
            hint=_example(field),
        )
    if isinstance(text, Diagnostic):
        return text
    return _folder_name_problem(field, text, slugify(text), item, to_span) or text


def _folder_name_problem(
    field: Field, text: str, slug: str, node: yaml.Node, to_span: ToSpan
) -> Diagnostic | None:
    """A text that names a folder of the built site (a tag's page, a source id) must make a
    slug every file system can store: not too long, not a Windows device name."""
    if not (field.in_urls or field.kind is Kind.SLUG):
        return None
    if len(slug) > MAX_SLUG_LENGTH:
        return error(
            to_span(node),
            "name-too-long",
            msg(
                "'{text}' makes the URL part '{slug}' of {length:,} characters; "
                "at most {limit} are allowed",
                text=shown(text),
                slug=shown(slug),
                length=len(slug),
                limit=MAX_SLUG_LENGTH,
            ),
            hint=msg("shorten it (file systems allow 255 bytes per name)"),
        )
    if is_reserved_device(slug):
        return error(
            to_span(node),
            "reserved-file-name",
            msg(
                "'{text}' would name the folder '{slug}' in the built site, a device name "
                "Windows reserves (like CON, AUX, NUL, COM1, LPT1)",
                text=shown(text),
                slug=slug,
            ),
            hint=msg(
                "choose another {field}, so the site can be checked out and published from "
                "Windows too",
                field=field.name.removesuffix("s"),
            ),
        )
    return None


def _read_records(
    field: Field, node: yaml.Node, to_span: ToSpan
) -> tuple[dict[str, object], ...] | Diagnostic | list[Diagnostic]:
    if not isinstance(node, yaml.SequenceNode):
        return _wrong_type(field, node, to_span)
    records, problems = [], []
    for item in node.value:
        values, item_problems = read_fields(
            item,
            field.item_fields,
            Wording(
                msg("'{field}' entry", field=field.name),
                msg("in a '{field}' entry", field=field.name),
                msg("a '{field}' entry", field=field.name),
            ),
            to_span,
            to_span(item),
        )
        records.append(values)
        problems.extend(item_problems)
    return problems if problems else tuple(records)


_READERS: dict[Kind, Callable[[Field, yaml.Node, ToSpan], object]] = {
    Kind.TEXT: _read_text,
    Kind.URL: _read_url,
    Kind.SLUG: _read_slug,
    Kind.LANGUAGE: _read_language,
    Kind.DATE: _read_date,
    Kind.PARTIAL_DATE: _read_date,
    Kind.MOMENT: _read_moment,
    Kind.BOOL: _read_bool,
    Kind.TEXT_LIST: _read_text_list,
    Kind.RECORDS: _read_records,
    Kind.CHOICE: _read_choice,
}
