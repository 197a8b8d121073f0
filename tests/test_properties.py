"""Properties of slugs, tag slugs and the quote rule, over generated text (Hypothesis).

The alphabets lean on what breaks text handling: German letters, accents written composed
and decomposed, combining marks that have no composed form (q́, Devanagari vowel signs),
ligatures, other scripts, every quotation mark and apostrophe, invisible characters and
odd whitespace. Each property is bounded (200 examples) so the suite stays quick.
"""

from __future__ import annotations

import re
import unicodedata
from random import Random

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from site_builder.quotes import normalise, quote_matches, quote_matches_normalised, quote_pieces
from site_builder.site_index import tag_slug
from site_builder.slugs import SLUG_PATTERN, is_slug, slugify

BOUNDED = settings(max_examples=200, deadline=None)
URL_SAFE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")  # SPEC §4: lower-case ASCII, "-" between

LETTERS = "aAbBeEqQxXzZäÄöÖüÜßẞéÉçñøłıİſǅﬁΐΑαΣσςЖжКк"
DIGITS = "0129²"
MARKS = "\u0301\u0308\u0327\u0323"  # acute, diaeresis, cedilla, dot below
DEVANAGARI = "कखति\u093f\u0947\u094d"  # consonants, vowel signs (Mc/Mn), virama
PUNCTUATION = "-_.,;:!?()/&'’"
DOUBLE_QUOTES = '"„“”«»‟'
SINGLE_QUOTES = "'‚‘’‛‹›`´"
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
SPACES = " \t\n\u00a0\u2009\u3000"

any_text = st.text(
    st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(LETTERS + DIGITS + MARKS + DEVANAGARI + PUNCTUATION + SPACES),
    ),
    max_size=40,
)


# slugs (slugs.slugify: SPEC §4 and docs/decisions.md "Slugs, ids and file names")


@BOUNDED
@given(any_text)
def test_slugify_is_idempotent(text: str) -> None:
    assert slugify(slugify(text)) == slugify(text)


@BOUNDED
@given(any_text)
def test_a_slug_is_empty_or_url_safe(text: str) -> None:
    slug = slugify(text)
    assert slug == "" or (URL_SAFE.match(slug) and is_slug(slug))
    assert URL_SAFE.pattern == SLUG_PATTERN


@BOUNDED
@given(any_text)
def test_composed_and_decomposed_text_give_one_slug(text: str) -> None:
    assert slugify(unicodedata.normalize("NFD", text)) == slugify(
        unicodedata.normalize("NFC", text)
    )


# tag slugs (site_index.tag_slug: every tag has a page, spellings that differ only in
# case share it)


@BOUNDED
@given(any_text)
def test_a_tag_slug_is_never_empty_and_always_url_safe(name: str) -> None:
    slug = tag_slug(name)
    assert URL_SAFE.match(slug)
    assert tag_slug(slug) == slug


# Tags without Latin letters or digits get a hashed slug: they need their own alphabet.
non_latin_tags = st.text(st.sampled_from("ΐΰΪΫΑαΣσςΜµЖжКкЁё\u0301\u0308 -"), max_size=12)
tags = st.one_of(any_text, non_latin_tags)


@BOUNDED
@given(tags)
def test_spellings_that_differ_only_in_case_share_a_tag_slug(name: str) -> None:
    assert tag_slug(name.upper()) == tag_slug(name.lower()) == tag_slug(name.casefold())


@BOUNDED
@given(tags)
def test_composed_and_decomposed_tags_share_a_tag_slug(name: str) -> None:
    assert tag_slug(unicodedata.normalize("NFD", name)) == tag_slug(name)


# the quote rule (quotes.py, as check.py applies it to a paragraph's ``quotable`` text)

# A word is a run of letters, digits and combining marks: what the rule's word boundaries
# must not cut. Quote marks and punctuation stand at its edges.
WORD_CHARS = LETTERS + DIGITS + MARKS + DEVANAGARI
core_words = st.text(st.sampled_from(WORD_CHARS), min_size=1, max_size=6)
edged_words = st.builds(
    lambda before, core, after: before + core + after,
    st.sampled_from(["", "", "", "„", "(", "'", "«"]),
    core_words,
    st.sampled_from(["", "", "", ",", ".", "“", "”", ")", "’s", ":", "»"]),
)


@st.composite
def paragraphs(draw: st.DrawFn, words: st.SearchStrategy[str]) -> tuple[list[str], str]:
    """A paragraph as its words and its text (the words joined by assorted whitespace)."""
    found = draw(st.lists(words, min_size=1, max_size=12))
    return found, joined(draw(st.randoms(use_true_random=False)), found)


def joined(rng: Random, words: list[str]) -> str:
    return "".join(
        (rng.choice(SPACES) * rng.randint(1, 2) if i else "") + word for i, word in enumerate(words)
    )


def restyled(rng: Random, text: str) -> str:
    """``text`` written another way a reader sees as the same: other quotation marks and
    apostrophes, invisible characters, decomposed letters."""
    out = []
    for char in text:
        written = char
        if char in DOUBLE_QUOTES:
            written = rng.choice(DOUBLE_QUOTES)
        elif char in SINGLE_QUOTES:
            written = rng.choice(SINGLE_QUOTES)
        out.append(written + (rng.choice(INVISIBLE) if rng.random() < 0.1 else ""))
    return unicodedata.normalize(rng.choice(["NFC", "NFD"]), "".join(out))


@BOUNDED
@given(paragraphs(edged_words), st.data(), st.randoms(use_true_random=False))
def test_any_run_of_whole_words_matches_however_it_is_written(
    paragraph: tuple[list[str], str], data: st.DataObject, rng: Random
) -> None:
    words, text = paragraph
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    quote = restyled(rng, joined(rng, words[start:end]))
    assert quote_matches(quote, text)
    assert quote_matches_normalised(quote, normalise(text))


def altered(rng: Random, word: str) -> str:
    """``word`` with one edit: a character dropped, doubled, replaced, case-changed or
    added, or the two at one place swapped."""
    at = rng.randrange(len(word))
    edit = rng.choice(["drop", "double", "replace", "case", "add", "swap"])
    if edit == "drop":
        return word[:at] + word[at + 1 :]
    if edit == "double":
        return word[:at] + word[at] + word[at:]
    if edit == "replace":
        return word[:at] + rng.choice(WORD_CHARS) + word[at + 1 :]
    if edit == "case":
        return word[:at] + word[at].swapcase() + word[at + 1 :]
    if edit == "add":
        return word[: at + 1] + rng.choice(WORD_CHARS) + word[at + 1 :]
    return word[:at] + word[at + 1 : at + 2] + word[at] + word[at + 2 :]


@BOUNDED
@given(paragraphs(core_words), st.data(), st.randoms(use_true_random=False))
def test_a_quote_with_a_word_the_paragraph_lacks_never_matches(
    paragraph: tuple[list[str], str], data: st.DataObject, rng: Random
) -> None:
    """Quote a run of the paragraph's words with one word altered (or made up), so that
    it is no word of the paragraph: the quote must fail, whatever else it holds."""
    words, text = paragraph
    start = data.draw(st.integers(0, len(words) - 1))
    end = data.draw(st.integers(start + 1, len(words)))
    quoted = words[start:end]
    at = data.draw(st.integers(0, len(quoted) - 1))
    made_up = data.draw(st.one_of(st.none(), core_words))
    quoted[at] = made_up if made_up is not None else altered(rng, quoted[at])
    present = {normalise(word) for word in words}
    assume(normalise(quoted[at]) and normalise(quoted[at]) not in present)
    quote = restyled(rng, joined(rng, quoted))
    assert quote_pieces(quote)
    assert not quote_matches(quote, text)


@BOUNDED
@given(
    paragraphs(edged_words),
    st.lists(core_words, min_size=1, max_size=4),
    st.randoms(use_true_random=False),
)
def test_a_quote_made_of_words_not_in_the_paragraph_never_matches(
    paragraph: tuple[list[str], str], quoted: list[str], rng: Random
) -> None:
    _, text = paragraph
    words_of_paragraph = set(re.findall(r"[\w\u0300-\u036f\u0900-\u097f]+", normalise(text)))
    assume(all(normalise(word) not in words_of_paragraph for word in quoted))
    assert not quote_matches(restyled(rng, joined(rng, quoted)), text)
