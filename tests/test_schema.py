"""The JSON Schema agrees with the checker: what the site accepts, the schema accepts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from site_builder.load.schema import front_matter_schema

ROOT = Path(__file__).parent.parent


class _YamlLikeEditors(yaml.SafeLoader):
    """YAML as editors' tooling (YAML 1.2) reads it: dates stay strings."""


_YamlLikeEditors.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(":timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text("utf-8")
    data = yaml.load(text.split("---\n")[1], Loader=_YamlLikeEditors)
    assert isinstance(data, dict)
    return data


def messages(kind: str, data: dict[str, Any]) -> list[str]:
    """Every message, including those nested under anyOf (optional fields may be null)."""
    found = []
    pending = list(validator(kind).iter_errors(data))
    while pending:
        problem = pending.pop()
        found.append(problem.message)
        pending.extend(problem.context or ())
    return found


def validator(kind: str) -> jsonschema.protocols.Validator:
    schema = front_matter_schema(kind)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.mark.parametrize("kind", ["brief", "source", "page"])
def test_committed_schema_files_are_up_to_date(kind: str) -> None:
    committed = json.loads((ROOT / f"schemas/{kind}.schema.json").read_text("utf-8"))
    assert committed == front_matter_schema(kind), "run: site-builder schema KIND > schemas/…"


def test_embedded_briefs_sources_and_pages_validate() -> None:
    for kind, folder in (("brief", "briefs"), ("source", "content"), ("page", "pages")):
        check = validator(kind)
        for path in sorted((ROOT / folder).rglob("*.md")):
            errors = [e.message for e in check.iter_errors(front_matter(path))]
            assert errors == [], path


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"date": "2025-02-27"}, "'title' is a required property"),
        ({"title": "T", "date": "2025-02-27", "sumary": "x"}, "Additional properties"),
        ({"title": "T", "date": "2025-02-27", "tags": "a,b"}, "'a,b' is not of type 'array'"),
        ({"title": "T", "date": "27.02.2025"}, "does not match"),
        (
            {"title": "T", "date": "2025-02-27", "corrections": [{"date": "2025-02-28"}]},
            "'text' is a required property",
        ),
    ],
)
def test_schema_flags_what_the_checker_rejects(data: dict[str, Any], problem: str) -> None:
    found = messages("brief", data)
    assert any(problem in message for message in found), found


def test_source_schema_rejects_non_http_url() -> None:
    found = messages("source", {"title": "T", "url": "javascript:alert(1)"})
    assert any("does not match '^https?://'" in m for m in found), found


def test_optional_fields_may_be_empty_as_the_checker_allows() -> None:
    assert messages("brief", {"title": "T", "date": "2025-02-27", "summary": None}) == []


def test_source_kind_is_one_of_the_checkers_values() -> None:
    assert messages("source", {"title": "T", "kind": "aggregator"}) == []
    found = messages("source", {"title": "T", "kind": "Agentur"})
    assert any("'Agentur' is not one of ['original', 'agency'" in m for m in found), found


def test_provenance_fields_are_in_the_source_schema() -> None:
    data = {"title": "T", "retrieved": "2025-02-28", "archive_url": "https://a.example/x"}
    assert messages("source", {**data, "based_on": ["tagesschau.de"]}) == []
    assert messages("source", {"title": "T", "retrieved": "2025-02"}) != []
