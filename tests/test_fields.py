"""Front-matter fields: typed values from YAML nodes, every problem with an exact place."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from site_builder.dates import PartialDate
from site_builder.diagnostics import Diagnostic, Span
from site_builder.load.fields import (
    BRIEF_FIELDS,
    BRIEF_WORDING,
    SOURCE_FIELDS,
    SOURCE_WORDING,
    Field,
    Wording,
    read_fields,
)
from site_builder.load.front_matter import parse_document

PATH = "x.md"
DATE = "date: 2025-02-27\n"  # completes a brief's required fields
TITLE = "title: T\n"  # completes a source's required fields


def read(
    front_matter: str, fields: tuple[Field, ...] = BRIEF_FIELDS, what: Wording = BRIEF_WORDING
) -> tuple[dict[str, object], list[Diagnostic]]:
    """Fields of a file whose front matter (file line 2 on) is ``front_matter``."""
    document, problems = parse_document(f"---\n{front_matter}---\nText\n", PATH)
    assert document is not None
    assert problems == []
    return read_fields(document.front_matter, fields, what, document.span_of, Span(PATH))


def read_source(front_matter: str) -> tuple[dict[str, object], list[Diagnostic]]:
    return read(front_matter, SOURCE_FIELDS, SOURCE_WORDING)


def lines(problems: list[Diagnostic]) -> list[str]:
    return [f"{d.span} {d.code}: {d.message}" for d in problems]


def test_valid_brief_fields_are_typed() -> None:
    values, problems = read(
        "title: Titel\n"
        + DATE
        + "summary: Kurz.\ntags: [Ukraine, Russland]\nauthors: [Redaktion]\n"
        + "draft: false\nupdated: 2025-02-28\n"
    )
    assert problems == []
    assert values == {
        "title": "Titel",
        "date": PartialDate(2025, 2, 27),
        "summary": "Kurz.",
        "tags": ("Ukraine", "Russland"),
        "authors": ("Redaktion",),
        "draft": False,
        "updated": PartialDate(2025, 2, 28),
    }


def test_block_list_is_read_like_a_flow_list() -> None:
    values, problems = read("title: T\n" + DATE + "tags:\n  - Ukraine\n  - Russland\n")
    assert problems == []
    assert values["tags"] == ("Ukraine", "Russland")


# YAML 1.1 traps: the literal as written


@pytest.mark.parametrize(
    "literal", ["NO", "no", "yes", "on", "010", "0x1F", "12:30:00", "1e3", "2025-02-27", "1_000"]
)
def test_title_stays_the_text_as_written(literal: str) -> None:
    values, problems = read(f"title: {literal}\n" + DATE)
    assert problems == []
    assert values["title"] == literal


def test_tags_stay_the_texts_as_written() -> None:
    values, problems = read("title: T\n" + DATE + "tags: [NO, 2025, 010]\n")
    assert problems == []
    assert values["tags"] == ("NO", "2025", "010")


def test_published_year_alone_is_a_year_not_a_number() -> None:
    values, problems = read_source(TITLE + "published: 2025\n")
    assert problems == []
    assert values["published"] == PartialDate(2025)


def test_published_date_is_not_turned_into_a_datetime_by_yaml() -> None:
    values, problems = read_source(TITLE + "published: 2025-02-27\n")
    assert problems == []
    assert values["published"] == PartialDate(2025, 2, 27)


@pytest.mark.parametrize(
    ("literal", "value"), [("true", True), ("false", False), ("True", True), ("FALSE", False)]
)
def test_draft_accepts_true_and_false(literal: str, value: bool) -> None:
    values, problems = read("title: T\n" + DATE + f"draft: {literal}\n")
    assert problems == []
    assert values["draft"] is value


@pytest.mark.parametrize("literal", ["no", "yes", "on", "off"])
def test_draft_rejects_yaml_1_1_booleans(literal: str) -> None:
    values, problems = read("title: T\n" + DATE + f"draft: {literal}\n")
    assert lines(problems) == [
        f"{PATH}:4:8 field-type: 'draft' must be true or false, not '{literal}'"
    ]
    assert "draft" not in values


# wrong types


def test_list_as_title_is_a_type_error() -> None:
    values, problems = read("title: [a, b]\n" + DATE)
    assert lines(problems) == [f"{PATH}:2:8 field-type: 'title' must be text, not a list"]
    assert problems[0].hint == "write e.g. 'title: \"Kreml: Gebiete nicht verhandelbar\"'"
    assert "title" not in values


def test_mapping_as_title_is_a_type_error() -> None:
    _, problems = read("title:\n  de: T\n" + DATE)
    assert lines(problems) == [
        f"{PATH}:3:3 field-type: 'title' must be text, not a set of key: value lines"
    ]


def test_comma_separated_tags_are_a_type_error_with_a_list_hint() -> None:
    values, problems = read("title: T\n" + DATE + "tags: Ukraine, Russland\n")
    assert lines(problems) == [
        f"{PATH}:4:7 field-type: 'tags' must be a list of texts, not 'Ukraine, Russland'"
    ]
    assert problems[0].hint == "write a list: 'tags: [Ukraine, Russland]'"
    assert "tags" not in values


def test_empty_entry_in_tags_is_a_type_error() -> None:
    _, problems = read("title: T\n" + DATE + "tags:\n  - Ukraine\n  - ''\n")
    assert lines(problems) == [
        f"{PATH}:6:5 field-type: each entry of 'tags' must be a non-empty text"
    ]


def test_quoted_false_for_draft_is_a_type_error() -> None:
    values, problems = read("title: T\n" + DATE + 'draft: "false"\n')
    assert lines(problems) == [f"{PATH}:4:8 field-type: 'draft' must be true or false, not 'false'"]
    assert problems[0].hint == "write 'draft: true' or 'draft: false' (without quotes)"
    assert "draft" not in values


def test_date_without_a_day_is_not_enough_for_a_brief() -> None:
    _, problems = read("title: T\ndate: 2025-02\n")
    assert lines(problems) == [f"{PATH}:3:7 bad-date: 'date' needs a full date, not '2025-02'"]
    assert problems[0].hint == "write e.g. 'date: 2025-02-27'"


def test_impossible_date_is_reported_with_the_calendar_reason() -> None:
    _, problems = read("title: T\ndate: 2024-02-30\n")
    assert lines(problems) == [
        f"{PATH}:3:7 bad-date: "
        "'date': '2024-02-30' is not a day in the calendar: Februar 2024 has 29 days"
    ]


# keys


def test_unknown_key_suggests_the_closest_field() -> None:
    _, problems = read("title: T\n" + DATE + "sumary: x\n")
    assert lines(problems) == [
        f"{PATH}:4:1 unknown-field: unknown field 'sumary' in the front matter of a brief"
    ]
    assert problems[0].hint == (
        "did you mean 'summary'? brief fields are: "
        "title, date, summary, tags, authors, draft, updated, publish_at, corrections"
    )


def test_unknown_key_without_a_close_field_lists_the_fields() -> None:
    _, problems = read_source(TITLE + "zzz: x\n")
    assert problems[0].hint == (
        "source fields are: title, outlet, authors, url, published, language, id, kind, based_on, "
        "sources, retrieved, archive_url"
    )


def test_schema_key_is_ignored() -> None:
    values, problems = read("$schema: ./brief.schema.json\ntitle: T\n" + DATE)
    assert problems == []
    assert set(values) == {"title", "date"}


def test_duplicate_key_names_the_line_of_the_first_occurrence() -> None:
    values, problems = read("title: Erster\n" + DATE + "title: Zweiter\n")
    assert lines(problems) == [
        f"{PATH}:4:1 duplicate-key: 'title' appears twice in the front matter (first on line 2)"
    ]
    assert problems[0].hint == "YAML would silently keep only the last one; remove one of them"
    assert values["title"] == "Erster"


def test_missing_required_field_is_reported_at_the_start() -> None:
    values, problems = read(DATE)
    assert lines(problems) == [
        f"{PATH}:1:1 missing-field: brief has no 'title' (Headline of the brief.)"
    ]
    assert (
        problems[0].hint == "add 'title: \"Kreml: Gebiete nicht verhandelbar\"' to the front matter"
    )
    assert values == {"date": PartialDate(2025, 2, 27)}


def test_empty_front_matter_misses_every_required_field() -> None:
    document, _ = parse_document("---\n---\nText\n", PATH)
    assert document is not None
    _, problems = read_fields(
        document.front_matter, BRIEF_FIELDS, BRIEF_WORDING, document.span_of, Span(PATH)
    )
    assert [d.message for d in problems] == [
        "brief has no 'title' (Headline of the brief.)",
        "brief has no 'date' (Publication date (YYYY-MM-DD or ISO date-time).)",
    ]


def test_front_matter_that_is_a_list_is_rejected() -> None:
    values, problems = read("- a\n- b\n")
    assert values == {}
    assert lines(problems) == [
        f"{PATH}:2:1 front-matter-type: front matter of a brief must be a set of 'key: value' lines"
    ]


# empty values


@pytest.mark.parametrize(("written", "col"), [("title:", 7), ("title: ''", 8), ("title: ~", 8)])
def test_empty_required_field_is_empty_not_missing(written: str, col: int) -> None:
    values, problems = read(f"{written}\n" + DATE)
    assert lines(problems) == [f"{PATH}:2:{col} empty-field: 'title' is empty"]
    assert problems[0].hint == "write e.g. 'title: \"Kreml: Gebiete nicht verhandelbar\"'"
    assert "title" not in values


@pytest.mark.parametrize("written", ["summary:", "summary: ''", "summary: ~", "tags:"])
def test_empty_optional_field_is_left_out_silently(written: str) -> None:
    values, problems = read("title: T\n" + DATE + written + "\n")
    assert problems == []
    assert set(values) == {"title", "date"}


# YAML tags


def test_python_object_tag_is_rejected_and_nothing_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(os, "system", calls.append)
    marker = tmp_path / "ran"
    values, problems = read(
        f"title: !!python/object/apply:os.system ['touch {marker}']\n"
        + DATE
        + "summary: !!python/object:os.system x\n"
    )
    assert [(str(d.span), d.code, d.message) for d in problems] == [
        (
            f"{PATH}:2:8",
            "yaml-tag",
            "'title' uses the YAML tag tag:yaml.org,2002:python/object/apply:os.system",
        ),
        (
            f"{PATH}:4:10",
            "yaml-tag",
            "'summary' uses the YAML tag tag:yaml.org,2002:python/object:os.system",
        ),
    ]
    assert problems[0].hint == "front matter holds plain values; remove the '!' tag"
    assert calls == []
    assert not marker.exists()
    assert values == {"date": PartialDate(2025, 2, 27)}


def test_local_tag_is_rejected() -> None:
    _, problems = read("title: !custom T\n" + DATE)
    assert lines(problems) == [f"{PATH}:2:8 yaml-tag: 'title' uses the YAML tag !custom"]


# corrections


def test_corrections_are_read_as_records() -> None:
    values, problems = read(
        "title: T\n" + DATE + "corrections:\n  - date: 2025-02-28\n    text: Korrigiert.\n"
    )
    assert problems == []
    assert values["corrections"] == ({"date": PartialDate(2025, 2, 28), "text": "Korrigiert."},)


def test_correction_without_text_is_reported_at_its_entry() -> None:
    _, problems = read("title: T\n" + DATE + "corrections:\n  - date: 2025-02-28\n")
    assert lines(problems) == [
        f"{PATH}:5:5 missing-field: 'corrections' entry has no 'text' "
        "(What was corrected, for readers.)"
    ]


def test_unknown_key_in_a_correction_suggests_the_field() -> None:
    values, problems = read(
        "title: T\n" + DATE + "corrections:\n  - date: 2025-02-28\n    text: ok\n    txt: x\n"
    )
    assert lines(problems) == [
        f"{PATH}:7:5 unknown-field: unknown field 'txt' in a 'corrections' entry"
    ]
    assert problems[0].hint == "did you mean 'text'? 'corrections' entry fields are: date, text"
    assert "corrections" not in values


def test_correction_with_a_bad_date_names_the_date() -> None:
    _, problems = read("title: T\n" + DATE + "corrections:\n  - date: 2025-02-30\n    text: ok\n")
    assert lines(problems) == [
        f"{PATH}:5:11 bad-date: "
        "'date': '2025-02-30' is not a day in the calendar: Februar 2025 has 28 days"
    ]


def test_correction_that_is_not_a_mapping_is_reported_at_the_entry() -> None:
    _, problems = read("title: T\n" + DATE + "corrections:\n  - falsch\n")
    assert lines(problems) == [
        f"{PATH}:5:5 front-matter-type: a 'corrections' entry must be a set of 'key: value' lines"
    ]


def test_corrections_as_text_is_a_type_error() -> None:
    _, problems = read("title: T\n" + DATE + "corrections: falsch\n")
    assert lines(problems) == [
        f"{PATH}:4:14 field-type: 'corrections' must be a list of entries, not 'falsch'"
    ]


# source fields


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://example.org/a", "example.org/a", "https://"]
)
def test_url_must_be_http_or_https(url: str) -> None:
    values, problems = read_source(TITLE + f"url: {url}\n")
    assert lines(problems) == [f"{PATH}:3:6 bad-url: 'url' must be an http(s) URL, not '{url}'"]
    assert problems[0].hint == "write the full address, e.g. https://example.org/article"
    assert "url" not in values


@pytest.mark.parametrize("url", ["https://example.org/a?b=c#d", "http://example.org"])
def test_http_and_https_urls_are_accepted(url: str) -> None:
    values, problems = read_source(TITLE + f"url: {url}\n")
    assert problems == []
    assert values["url"] == url


def test_id_that_is_not_a_slug_is_rejected_with_a_suggestion() -> None:
    values, problems = read_source(TITLE + "id: Über Uns\n")
    assert lines(problems) == [
        f"{PATH}:3:5 bad-id: 'id' must be lower-case letters, digits and hyphens, not 'Über Uns'"
    ]
    assert problems[0].hint == "write 'id: ueber-uns'"
    assert "id" not in values


def test_id_without_letters_is_rejected_with_a_general_hint() -> None:
    _, problems = read_source(TITLE + "id: '???'\n")
    assert lines(problems) == [
        f"{PATH}:3:5 bad-id: 'id' must be lower-case letters, digits and hyphens, not '???'"
    ]
    assert problems[0].hint == "use letters and digits joined by hyphens, e.g. 'kreml-gebiete'"


def test_slug_id_is_accepted() -> None:
    values, problems = read_source(TITLE + "id: kreml-gebiete-2025\n")
    assert problems == []
    assert values["id"] == "kreml-gebiete-2025"


@pytest.mark.parametrize("language", ["deutsch", "12", "d", "de_AT"])
def test_bad_language_is_rejected(language: str) -> None:
    _, problems = read_source(TITLE + f"language: {language}\n")
    assert lines(problems) == [f"{PATH}:3:11 bad-language: '{language}' is not a language code"]
    assert problems[0].hint == "use a BCP 47 code such as de, de-AT or en"


@pytest.mark.parametrize("language", ["de", "en", "de-AT", "gsw", "zh-Hant-TW"])
def test_language_codes_are_accepted(language: str) -> None:
    values, problems = read_source(TITLE + f"language: {language}\n")
    assert problems == []
    assert values["language"] == language


def test_every_problem_is_reported_not_just_the_first() -> None:
    _, problems = read_source("url: javascript:x\nid: A B\nlanguage: deutsch\nfoo: 1\n")
    assert [d.code for d in problems] == [
        "bad-url",
        "bad-id",
        "bad-language",
        "unknown-field",
        "missing-field",
    ]
