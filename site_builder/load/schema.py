"""JSON Schema of brief and source front matter, derived from ``fields`` (one definition).

Editors' YAML tooling uses it for completion and inline errors; the checker stays the
authority (it also knows what a schema cannot say, such as 2024-02-30 not being a date).
"""

from __future__ import annotations

from typing import Any

from .fields import BRIEF_FIELDS, IGNORED_KEYS, PAGE_FIELDS, SOURCE_FIELDS, Field, Kind
from .slugs import SLUG_PATTERN

SCHEMA_ID = "https://site-builder.invalid/schemas/{}.schema.json"
_DAY = r"\d{4}-\d{2}-\d{2}"
_DATE_PATTERN = rf"^{_DAY}([T ]\d{{2}}:\d{{2}}.*)?$"
_PARTIAL_PATTERN = r"^\d{4}(-\d{2}(-\d{2}([T ]\d{2}:\d{2}.*)?)?)?$"
_MOMENT_PATTERN = rf"^{_DAY}[T ]\d{{2}}:\d{{2}}(:\d{{2}}(\.\d+)?)?(Z|[+-]\d{{2}}:?\d{{2}})$"

_KIND_SCHEMAS: dict[Kind, dict[str, Any]] = {
    Kind.TEXT: {"type": "string", "minLength": 1},
    Kind.URL: {"type": "string", "format": "uri", "pattern": "^https?://"},
    Kind.SLUG: {"type": "string", "pattern": SLUG_PATTERN},
    Kind.LANGUAGE: {"type": "string", "pattern": r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"},
    Kind.DATE: {"type": "string", "pattern": _DATE_PATTERN},
    Kind.PARTIAL_DATE: {
        "anyOf": [
            {"type": "integer", "minimum": 1000, "maximum": 9999},
            {"type": "string", "pattern": _PARTIAL_PATTERN},
        ]
    },
    # A date-time with its UTC offset (Z or ±hh:mm): without one the moment is unknown.
    Kind.MOMENT: {"type": "string", "pattern": _MOMENT_PATTERN},
    Kind.BOOL: {"type": "boolean"},
    Kind.TEXT_LIST: {"type": "array", "items": {"type": "string", "minLength": 1}},
}

_TEXTS = (Kind.TEXT, Kind.URL, Kind.SLUG, Kind.LANGUAGE)  # with a maxLength in the schema

DOCUMENT_FIELDS = {"brief": BRIEF_FIELDS, "source": SOURCE_FIELDS, "page": PAGE_FIELDS}


def front_matter_schema(kind: str) -> dict[str, Any]:
    """The schema for ``kind`` ("brief", "source" or "page")."""
    schema = _object_schema(DOCUMENT_FIELDS[kind])
    schema["properties"].update({key: {"type": "string"} for key in sorted(IGNORED_KEYS)})
    return {
        # draft-07: what editor plugins such as remark-lint-frontmatter-schema validate with.
        "$schema": "http://json-schema.org/draft-07/schema#",
        "$id": SCHEMA_ID.format(kind),
        "title": f"site-builder {kind} front matter",
        **schema,
    }


def _object_schema(fields: tuple[Field, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {field.name: _field_schema(field) for field in fields},
        "required": [field.name for field in fields if field.required],
        "additionalProperties": False,
    }


def _field_schema(field: Field) -> dict[str, Any]:
    if field.kind is Kind.RECORDS:
        body: dict[str, Any] = {"type": "array", "items": _object_schema(field.item_fields)}
    elif field.kind is Kind.CHOICE:
        body = {"type": "string", "enum": list(field.choices)}
    else:
        body = dict(_KIND_SCHEMAS[field.kind])
    if field.kind in _TEXTS:
        body["maxLength"] = field.max_length
    elif field.kind is Kind.TEXT_LIST:
        body["items"] = {**body["items"], "maxLength": field.max_length}
        if field.max_items is not None:
            body["maxItems"] = field.max_items
    if not field.required:  # the checker reads an empty optional field as absent
        body = {"anyOf": [body, {"type": "null"}]}
    if field.default is not None:
        body["default"] = field.default
    return {"description": field.description, **body}
