"""Front-matter fields of briefs and sources: one definition for the checker and the JSON Schema.

``read_fields`` turns a YAML mapping node into typed values. It works on nodes, not on what
PyYAML would construct, so YAML 1.1 surprises cannot change a value behind an editor's back
(``title: NO`` stays the text "NO", ``published: 2025`` stays the year 2025, and an impossible
``2024-02-30`` is a diagnostic instead of a crash).
"""

from __future__ import annotations

import enum
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

import yaml

from .dates import PartialDate, parse_partial_date
from .diagnostics import Diagnostic, Span, error
from .slugs import is_slug, slugify
from .suggest import did_you_mean

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


class Kind(enum.Enum):
    TEXT = "text"
    URL = "an http(s) URL"
    SLUG = "a slug"
    LANGUAGE = "a language code"
    DATE = "a date"
    PARTIAL_DATE = "a year, month or date"
    BOOL = "true or false"
    TEXT_LIST = "a list of texts"
    RECORDS = "a list of entries"


@dataclass(frozen=True, slots=True)
class Field:
    """One front-matter key. ``example`` is what the hint for a missing field suggests."""

    name: str
    kind: Kind
    description: str
    example: str
    required: bool = False
    item_fields: tuple[Field, ...] = ()


CORRECTION_FIELDS = (
    Field("date", Kind.DATE, "When the correction was made.", "2025-02-28", required=True),
    Field(
        "text",
        Kind.TEXT,
        "What was corrected, for readers.",
        "Eine frühere Fassung …",
        required=True,
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
    ),
    Field("tags", Kind.TEXT_LIST, "Topics; each gets a tag page.", "[Ukraine, Russland]"),
    Field("authors", Kind.TEXT_LIST, "Who wrote the brief.", "[Redaktion]"),
    Field("draft", Kind.BOOL, "Drafts are checked but not published.", "true"),
    Field("updated", Kind.DATE, "Date of the last substantial update.", "2025-02-28"),
    Field(
        "corrections",
        Kind.RECORDS,
        "Corrections, shown above the body.",
        "[{date: 2025-02-28, text: ...}]",
        item_fields=CORRECTION_FIELDS,
    ),
)

SOURCE_FIELDS = (
    Field(
        "title",
        Kind.TEXT,
        "Headline of the source article.",
        "Kreml schließt Rückgabe annektierter Gebiete aus",
        required=True,
    ),
    Field("outlet", Kind.TEXT, "The publication the article appeared in.", "tagesschau.de"),
    Field(
        "url",
        Kind.URL,
        "Address of the original article (http or https).",
        "https://example.org/article",
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
        "sources",
        Kind.TEXT_LIST,
        "The sources the article itself names.",
        "[https://www.tagesschau.de]",
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
                    f"'{key}' appears twice in the front matter (first on line {first_seen[key]})",
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
        f"unknown field '{key}' in {where}",
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
        problems.append(
            error(
                to_span(node),
                "yaml-tag",
                f"'{field.name}' uses the YAML tag {node.tag}",
                hint="front matter holds plain values; remove the '!' tag",
            )
        )
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
    found = f"'{node.value}'" if isinstance(node, yaml.ScalarNode) else "a list"
    if isinstance(node, yaml.MappingNode):
        found = "a set of key: value lines"
    return error(
        to_span(node),
        "field-type",
        f"'{field.name}' must be {field.kind.value}, not {found}",
        hint=hint or f"write e.g. '{field.name}: {field.example}'",
    )


def _read_text(field: Field, node: yaml.Node, to_span: ToSpan) -> str | Diagnostic:
    if not isinstance(node, yaml.ScalarNode):
        return _wrong_type(field, node, to_span)
    # The literal as written: YAML 1.1 would turn `NO` into False and `010` into 8.
    text = str(node.value).strip()
    if not text:
        return _empty(field, node, to_span)
    return text


def _read_url(field: Field, node: yaml.Node, to_span: ToSpan) -> str | Diagnostic:
    text = _read_text(field, node, to_span)
    if isinstance(text, Diagnostic):
        return text
    parts = urllib.parse.urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return error(
            to_span(node),
            "bad-url",
            f"'{field.name}' must be an http(s) URL, not '{text}'",
            hint="write the full address, e.g. https://example.org/article",
        )
    return text


def _read_slug(field: Field, node: yaml.Node, to_span: ToSpan) -> str | Diagnostic:
    text = _read_text(field, node, to_span)
    if isinstance(text, Diagnostic) or is_slug(text):
        return text
    suggestion = slugify(text)
    return error(
        to_span(node),
        "bad-id",
        f"'{field.name}' must be lower-case letters, digits and hyphens, not '{text}'",
        hint=f"write '{field.name}: {suggestion}'"
        if suggestion
        else "use letters and digits joined by hyphens, e.g. 'kreml-gebiete'",
    )


def _read_language(field: Field, node: yaml.Node, to_span: ToSpan) -> str | Diagnostic:
    text = _read_text(field, node, to_span)
    if isinstance(text, Diagnostic) or _LANGUAGE.match(text):
        return text
    return error(
        to_span(node),
        "bad-language",
        f"'{text}' is not a language code",
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
            f"'{field.name}' needs a full date, not '{node.value}'",
            hint=f"write e.g. '{field.name}: {field.example}'",
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
        return _wrong_type(
            field, node, to_span, hint=f"write a list: '{field.name}: [{', '.join(items)}]'"
        )
    if not isinstance(node, yaml.SequenceNode):
        return _wrong_type(field, node, to_span)
    texts = []
    for item in node.value:
        text = _read_text(field, item, to_span)
        if isinstance(text, Diagnostic) or item.tag == _TAG + "null":
            return error(
                to_span(item),
                "field-type",
                f"each entry of '{field.name}' must be a non-empty text",
                hint=f"write e.g. '{field.name}: {field.example}'",
            )
        texts.append(text)
    return tuple(texts)


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
    Kind.BOOL: _read_bool,
    Kind.TEXT_LIST: _read_text_list,
    Kind.RECORDS: _read_records,
}
