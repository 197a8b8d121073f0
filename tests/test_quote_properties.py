"""A quote copied verbatim from a paragraph never raises a quote problem (Hypothesis).

Paragraphs are made of German words, numbers, punctuation, apostrophes and inner quotations
("…", „…“, «…»); the brief quotes a run of them word for word, as a German editor writes it
(inner "…" kept or nested as ‚…‘), in every place the quote rule attests it: directly
before the citation, with attribution words between, or after the citation in its
sentence. The documents are loaded and checked in memory, as ``check`` does.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from site_builder.check.check import build_corpus, check_corpus
from site_builder.load.config import SiteConfig
from site_builder.load.load_briefs import load_brief
from site_builder.load.load_sources import load_source
from site_builder.load.markdown import create_markdown
from site_builder.model import Brief, Source

BOUNDED = settings(max_examples=300, deadline=None)
MD = create_markdown()
CONFIG = SiteConfig(Path("site"), "Testseite")
QUOTE_CODES = {"quote-not-found", "unbalanced-quote", "omission-drops-negation"}
WORDS = [
    "Der", "Kreml", "hat", "Verhandlungen", "über", "die", "Rückgabe", "nicht", "kein",
    "ausgeschlossen", "Peskow", "sagte", "am", "Donnerstag", "Türkei", "Straße", "Gespräche",
    "2022", "27.", "Februar", "1,5", "Prozent", "US-Präsident", "Kreml-Sprecher", "Putin's",
    "geht’s", "(Moskau)", "–", "Kiew:", "Ende;", "so?", "ja!", "Jänner", "Åland", "Ÿ",
]  # fmt: skip
INNER = ['"nicht verhandelbar"', "„untrennbarer Teil“", "«Prozess»", '"Problemen"']
ENDINGS = ["", ".", ","]


@st.composite
def paragraph_and_run(draw: st.DrawFn) -> tuple[str, str]:
    """A paragraph and a run of its words (whole tokens, so inner quotations stay whole)."""
    tokens = draw(st.lists(st.sampled_from(WORDS + INNER), min_size=1, max_size=40))
    tokens[-1] += draw(st.sampled_from(ENDINGS))
    if tokens[0][0].isdigit():  # "27. Der …" would start an ordered list, not a paragraph
        tokens.insert(0, "Am")
    start = draw(st.integers(0, len(tokens) - 1))
    end = draw(st.integers(start + 1, len(tokens)))
    return " ".join(tokens), " ".join(tokens[start:end])


def as_german_copy(run: str, nest: bool) -> str:
    """The run as the quote's words: inner straight quotations nested as ‚…‘ when asked."""
    if not nest:
        return run
    parts = run.split('"')
    return "".join(
        part if i % 2 == 0 else f"‚{part}‘" for i, part in enumerate(parts)
    )  # fmt: skip


FORMS = [
    "Er sagte „{q}“ [@quelle#p1].",
    "„{q}“, sagte Peskow am Donnerstag [@quelle#p1].",
    "Er sagte [@quelle#p1], es sei „{q}“.",
    "„{q}“[@quelle#p1]",
]


def checked(paragraph: str, body: str) -> set[str]:
    source, source_problems = load_source(
        "content/quelle.md", f"---\ntitle: Quelle\n---\n{paragraph}\n".encode(), MD
    )
    brief, brief_problems = load_brief(
        "briefs/b.md", f"---\ntitle: B\ndate: 2025-02-27\n---\n{body}\n".encode(), MD
    )
    assert isinstance(source, Source) and isinstance(brief, Brief)
    corpus, corpus_problems = build_corpus([source], [brief])
    problems = source_problems + brief_problems + corpus_problems
    problems += check_corpus(corpus, CONFIG)
    return {problem.code for problem in problems}


@BOUNDED
@given(paragraph_and_run(), st.sampled_from(FORMS), st.booleans())
def test_a_verbatim_quote_never_raises_a_quote_problem(
    example: tuple[str, str], form: str, nest: bool
) -> None:
    paragraph, run = example
    body = form.format(q=as_german_copy(run, nest))
    assert checked(paragraph, body) & QUOTE_CODES == set(), (paragraph, body)
