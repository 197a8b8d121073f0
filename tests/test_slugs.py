"""Slugs (SPEC §4): lower-case ASCII with German transliteration, safe in a URL."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from site_builder.load.slugs import is_slug, slugify

URL_SAFE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Über", "ueber"),
        ("über uns", "ueber-uns"),
        ("Straße", "strasse"),
        ("GROẞ", "gross"),
        ("ẞ", "ss"),
        ("ÄRGER", "aerger"),
        ("Ärger über Öl", "aerger-ueber-oel"),
        ("Übergabe", "uebergabe"),
    ],
)
def test_german_letters_are_transliterated(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_decomposed_umlaut_is_transliterated_like_a_composed_one() -> None:
    assert slugify("U\u0308ber") == "ueber"


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Café", "cafe"), ("Élysée", "elysee"), ("Kraków", "krakow"), ("naïve", "naive")],
)
def test_accents_of_other_languages_are_stripped(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_runs_of_punctuation_and_spaces_become_one_hyphen() -> None:
    assert slugify("Kreml: Gebiete -- „nicht verhandelbar“!") == "kreml-gebiete-nicht-verhandelbar"


def test_underscores_and_dots_become_hyphens() -> None:
    assert slugify("kreml_gebiete.2025") == "kreml-gebiete-2025"


def test_leading_and_trailing_separators_are_trimmed() -> None:
    assert slugify("  --Hallo,  Welt!!--  ") == "hallo-welt"


def test_digits_are_kept() -> None:
    assert slugify("2025-02-27 Gipfel") == "2025-02-27-gipfel"


@pytest.mark.parametrize("text", ["???", "", "   ", "—", "„“"])
def test_text_without_letters_or_digits_gives_an_empty_slug(text: str) -> None:
    assert slugify(text) == ""


@pytest.mark.parametrize("text", ["ueber-uns", "a", "p1", "2025", "a-b-c"])
def test_slugs_are_recognised(text: str) -> None:
    assert is_slug(text)


@pytest.mark.parametrize(
    "text", ["", "Ueber", "ueber uns", "-a", "a-", "a--b", "über", "a_b", "a.b", "a/b"]
)
def test_non_slugs_are_rejected(text: str) -> None:
    assert not is_slug(text)


@given(st.text())
def test_slugify_is_idempotent(text: str) -> None:
    once = slugify(text)
    assert slugify(once) == once


@given(st.text())
def test_a_non_empty_slug_is_url_safe(text: str) -> None:
    slug = slugify(text)
    if slug:
        assert is_slug(slug)
        assert URL_SAFE.match(slug)


@given(st.text(alphabet="ÄÖÜäöüßẞ"))
def test_german_letters_never_vanish(text: str) -> None:
    assert len(slugify(text)) == 2 * len(text)
