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

import yaml

from ..dates import PartialDate, parse_moment, parse_partial_date
from ..diagnostics import Diagnostic, Span, error
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
    Field("date", Kind.DATE, "When the correction was made.", "2025-02-28", required=True),
    Field(
        "text",
        Kind.TEXT,
        "What was corrected, for readers.",
        "Eine frühere Fassung …",
        required=True,
        max_length=LONG_TEXT,
    ),
)

BRIEF_FIELDS = (
    Field(
        "title",
        Kind.TEXT,
        "Headline of the brief.",
        '"Kreml: Gebiete nicht verhandelbar"',
        required=True,
    ),
    Field(
        "date",
        Kind.DATE,
        "Publication date (YYYY-MM-DD or ISO date-time).",
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
        "Headline of the source article.",
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
        "Heading of the page and its name in the footer.",
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
    what: str,
    to_span: ToSpan,
    start: Span,
    *,
    place: str | None = None,
) -> tuple[dict[str, object], list[Diagnostic]]:
    """Typed values of a front-matter mapping, and every problem with it.

    ``what`` names the document kind for messages ("brief", "source"), ``place`` where its
    keys are written (default: "the front matter of a brief"); ``start`` is where a missing
    field is reported.
    """
    if node is None:
        node = yaml.MappingNode(_TAG + "map", [])
    if not isinstance(node, yaml.MappingNode):
        return {}, [
            error(
                to_span(node),
                "front-matter-type",
                f"{place or f'front matter of a {what}'} must be a set of 'key: value' lines",
                hint="write one 'key: value' per line, e.g. 'title: …'",
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
                    f"'{shown(key)}' appears twice in the front matter "
                    f"(first on line {first_seen[key]})",
                    hint="YAML would silently keep only the last one; remove one of them",
                )
            )
            continue
        first_seen[key] = to_span(key_node).line
        field = by_name.get(key)
        if field is None:
            where = place or f"the front matter of a {what}"
            problems.append(_unknown_key(key, to_span(key_node), fields, what, where))
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
            "front-matter keys must be plain names",
            hint="write the key as a word followed by ':', e.g. 'title:'",
        )
    )
    return None


def _unknown_key(
    key: str, span: Span, fields: tuple[Field, ...], what: str, where: str
) -> Diagnostic:
    names = [f.name for f in fields]
    return error(
        span,
        "unknown-field",
        f"unknown field '{shown(key)}' in {where}",
        hint=f"{did_you_mean(key, names)}{what} fields are: {', '.join(names)}",
    )


def _missing(
    fields: tuple[Field, ...],
    values: dict[str, object],
    present: dict[str, int],
    what: str,
    start: Span,
) -> list[Diagnostic]:
    problems = []
    for field in fields:
        if field.required and field.name not in values and field.name not in present:
            problems.append(
                error(
                    start,
                    "missing-field",
                    f"{what} has no '{field.name}' ({field.description})",
                    hint=f"add '{field.name}: {field.example}' to the front matter",
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
        f"'{field.name}' uses the YAML tag {shown(node.tag)}",
        hint="front matter holds plain values; remove the '!' tag",
    )


def _empty(field: Field, node: yaml.Node, to_span: ToSpan) -> Diagnostic:
    return error(
        to_span(node),
        "empty-field",
        f"'{field.name}' is empty",
        hint=f"write e.g. '{field.name}: {field.example}'",
    )


def _wrong_type(
    field: Field, node: yaml.Node, to_span: ToSpan, hint: str | None = None
) -> Diagnostic:
    found = f"'{shown(str(node.value))}'" if isinstance(node, yaml.ScalarNode) else "a list"
    if isinstance(node, yaml.MappingNode):
        found = "a set of key: value lines"
    return error(
        to_span(node),
        "field-type",
        f"'{field.name}' must be {_expected(field)}, not {found}",
        hint=hint or f"write e.g. '{field.name}: {field.example}'",
    )


def _expected(field: Field) -> str:
    if field.kind is Kind.CHOICE:
        return "one of " + ", ".join(field.choices)
    return str(field.kind.value)


def _read_text(
    field: Field, node: yaml.Node, to_span: ToSpan, label: str | None = None
) -> str | Diagnostic:
    """The text of a scalar; ``label`` names it in messages (default: the field)."""
    label = label or f"'{field.name}'"
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
            f"{label} holds the {describe_character(char)}",
            hint="remove the escape (such as \\x1b, \\e or \\u0085) from the quoted text",
        )
    if len(text) > field.max_length:
        return error(
            to_span(node),
            "value-too-long",
            f"{label} has {len(text):,} characters; at most {field.max_length:,} are allowed",
            hint="shorten it; longer text belongs in the body",
        )
    return text


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
    reason = f": it holds {character}" if character else ""
    return error(
        to_span(node),
        "bad-url",
        f"'{field.name}' must be an http(s) URL, not '{shown(text)}'{reason}",
        hint="write the full address, e.g. https://example.org/article",
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
        f"'{field.name}' must be lower-case letters, digits and hyphens, not '{shown(text)}'",
        hint=f"write '{field.name}: {suggestion}'"
        if suggestion
        else "use letters and digits joined by hyphens, e.g. 'kreml-gebiete'",
    )


def _read_choice(field: Field, node: yaml.Node, to_span: ToSpan) -> str | Diagnostic:
    text = _read_text(field, node, to_span)
    if isinstance(text, Diagnostic) or text in field.choices:
        return text
    match = closest(text.casefold(), field.choices)  # "Agentur" is near "agency"
    hint = f"did you mean '{match}'? write '{field.name}: {match}'" if match else ""
    hint = hint or f"write e.g. '{field.name}: {field.example}'"
    if field.default is not None:
        hint += f"; without '{field.name}', it is '{field.default}'"
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
        f"'{shown(text)}' is not a language code",
        hint="use a BCP 47 code such as de, de-AT or en",
    )


def _read_date(field: Field, node: yaml.Node, to_span: ToSpan) -> PartialDate | Diagnostic:
    if not isinstance(node, yaml.ScalarNode):
        return _wrong_type(field, node, to_span)
    parsed = parse_partial_date(str(node.value))
    if isinstance(parsed, str):
        return error(
            to_span(node),
            "bad-date",
            f"'{field.name}': {parsed}",
            hint=f"write e.g. '{field.name}: {field.example}'",
        )
    if field.kind is Kind.DATE and not parsed.has_day:
        return error(
            to_span(node),
            "bad-date",
            f"'{field.name}' needs a full date, not '{shown(str(node.value))}'",
            hint=f"write e.g. '{field.name}: {field.example}'",
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
            f"'{field.name}': {parsed}",
            # Without a zone the moment would depend on the machine that builds the site.
            hint=f"write the time with its UTC offset, e.g. '{field.name}: {field.example}'",
        )
    return parsed


def _read_bool(field: Field, node: yaml.Node, to_span: ToSpan) -> bool | Diagnostic:
    if isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "bool" and node.value in _BOOLEANS:
        return _BOOLEANS[node.value]
    return _wrong_type(
        field,
        node,
        to_span,
        hint=f"write '{field.name}: true' or '{field.name}: false' (without quotes)",
    )


def _read_text_list(field: Field, node: yaml.Node, to_span: ToSpan) -> tuple[str, ...] | Diagnostic:
    if isinstance(node, yaml.ScalarNode):
        items = [part.strip() for part in str(node.value).split(",") if part.strip()]
        listed = shown(", ".join(items), 80)
        return _wrong_type(field, node, to_span, hint=f"write a list: '{field.name}: [{listed}]'")
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
        f"'{field.name}' has {len(node.value):,} entries; at most {field.max_items} are allowed",
        hint=f"keep the {field.max_items} that say best what the brief is about; "
        "each tag is a page of the site",
    )


def _read_entry(field: Field, item: yaml.Node, to_span: ToSpan) -> str | Diagnostic:
    """One entry of a list of texts (the first bad entry is the list's problem)."""
    if item.tag not in _SCALAR_TAGS | {_TAG + "seq", _TAG + "map"}:
        return _tagged(field, item, to_span)
    text: str | Diagnostic | None = None
    if isinstance(item, yaml.ScalarNode) and item.tag != _TAG + "null":
        text = _read_text(field, item, to_span, f"an entry of '{field.name}'")
    if text is None or (isinstance(text, Diagnostic) and text.code == "empty-field"):
        return error(
            to_span(item),
            "field-type",
            f"each entry of '{field.name}' must be a non-empty text",
            hint=f"write e.g. '{field.name}: {field.example}'",
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
            f"'{shown(text)}' makes the URL part '{shown(slug)}' of {len(slug):,} characters; "
            f"at most {MAX_SLUG_LENGTH} are allowed",
            hint="shorten it (file systems allow 255 bytes per name)",
        )
    if is_reserved_device(slug):
        return error(
            to_span(node),
            "reserved-file-name",
            f"'{shown(text)}' would name the folder '{slug}' in the built site, a device name "
            "Windows reserves (like CON, AUX, NUL, COM1, LPT1)",
            hint=f"choose another {field.name.removesuffix('s')}, so the site can be "
            "checked out and published from Windows too",
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
            f"'{field.name}' entry",
            to_span,
            to_span(item),
            place=f"a '{field.name}' entry",
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
