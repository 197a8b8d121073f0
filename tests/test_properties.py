"""Properties of slugs, tag slugs and the quote rule, over generated text (Hypothesis).

The alphabets lean on what breaks text handling: German letters, accents written composed
and decomposed, combining marks that have no composed form (q́, Devanagari vowel signs),
ligatures, other scripts, every quotation mark and apostrophe, invisible characters and
odd whitespace. Each property is bounded (200 examples) so the suite stays quick.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from random import Random

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from site_builder.check.omissions import negation_spans
from site_builder.check.quotes import (
    normalise,
    quote_matches,
    quote_matches_normalised,
    quote_pieces,
)
from site_builder.check.tags import tag_slug
from site_builder.load.slugs import SLUG_PATTERN, is_slug, slugify
from tests.quote_sources import problems_of, source

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


# omissions (omissions.py, as check_quotes applies it): an omission may leave out any words
# but a negation between two pieces of a quote

NEGATIONS = ["nicht", "Nicht", "NICHT", "kein", "keine", "keinen", "nie", "nichts", "ohne"]
OMISSIONS = ["[…]", "[...]", "…", "...", "(…)", "[ … ]"]
negation_words = st.builds(
    lambda word, after: word + after, st.sampled_from(NEGATIONS), st.sampled_from(["", ",", "“"])
)


def has_negation(word: str) -> bool:
    return bool(negation_spans(normalise(word), "de"))


def with_omissions(rng: Random, pieces: list[list[str]], lead: bool, trail: bool) -> str:
    """The pieces (runs of words) as one quote: an omission mark between each two, and
    before the first and after the last with ``lead`` and ``trail``."""
    quote = [rng.choice(OMISSIONS)] if lead else []
    for number, piece in enumerate(pieces):
        quote += [rng.choice(OMISSIONS)] if number else []
        quote.append(restyled(rng, joined(rng, piece)))
    quote += [rng.choice(OMISSIONS)] if trail else []
    return " ".join(quote)


@BOUNDED
@given(
    st.lists(st.one_of(edged_words, negation_words), min_size=2, max_size=16),
    st.data(),
    st.randoms(use_true_random=False),
)
def test_a_quote_whose_omissions_leave_out_no_negation_stands(
    words: list[str], data: st.DataObject, rng: Random
) -> None:
    """A run of the paragraph's words, some words between its ends left out (never a
    negation) and anything before and after it (negations too): no problem at all."""
    start = data.draw(st.integers(0, len(words) - 2))
    end = data.draw(st.integers(start + 2, len(words)))
    left_out = {i for i in range(start + 1, end - 1) if not has_negation(words[i])}
    left_out = {i for i in left_out if data.draw(st.booleans())}
    runs = itertools.groupby(range(start, end), key=lambda i: i not in left_out)
    pieces = [[words[i] for i in run] for kept, run in runs if kept]
    lead, trail = data.draw(st.booleans()), data.draw(st.booleans())
    quote = with_omissions(rng, pieces, lead, trail)
    assert problems_of(quote, [(source("q", joined(rng, words)), "p1")]) == []


@BOUNDED
@given(
    st.lists(core_words, min_size=3, max_size=14, unique_by=normalise),
    negation_words,
    st.data(),
    st.randoms(use_true_random=False),
)
def test_a_quote_whose_only_omission_leaves_out_a_negation_is_an_error(
    words: list[str], negation: str, data: st.DataObject, rng: Random
) -> None:
    """Words that each stand once, so the quote's pieces have one placement only; the
    text left out between two of them holds a negation."""
    cut = data.draw(st.integers(1, len(words) - 1))  # the omission stands before words[cut]
    gap_start = data.draw(st.integers(1, cut))  # words[gap_start:cut] are left out too
    at = data.draw(st.integers(gap_start, cut))  # where the negation stands in the gap
    text_words = [*words[:at], negation, *words[at:]]
    start = data.draw(st.integers(0, gap_start - 1))
    end = data.draw(st.integers(cut + 1, len(words)))
    quote = with_omissions(rng, [words[start:gap_start], words[cut:end]], False, False)
    problems = problems_of(quote, [(source("q", joined(rng, text_words)), "p1")])
    assert [problem.code for problem in problems] == ["omission-drops-negation"]
    assert normalise(negation).rstrip(',"') in problems[0].message
