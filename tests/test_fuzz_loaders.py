"""Fuzzing the brief, source and page loaders: whatever the bytes, a loader returns diagnostics,
never a traceback, and every diagnostic is one an editor can act on (a registered code, a
hint, a place that exists in the file).

Inputs are raw bytes and near-valid documents (front matter with YAML's traps, Markdown
with citations, quotes and ^markers), fed to the real loaders (``load.LOADERS``). Every
file in ``tests/fuzz/regressions/`` (inputs that once broke a loader) is replayed on each
run. CI runs a bounded number of examples; CONTRIBUTING.md says how to run longer.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from site_builder.diagnostics import CODES, Diagnostic, Span
from site_builder.load.front_matter import split_lines
from site_builder.load.load import LOADERS, Loader
from site_builder.load.markdown import create_markdown
from site_builder.model import Brief, Source

REGRESSIONS = Path(__file__).parent / "fuzz" / "regressions"
PATHS = {"brief": "briefs/fuzz.md", "source": "content/fuzz.md", "page": "pages/fuzz.md"}
# SITE_BUILDER_FUZZ_EXAMPLES=20000 runs a longer campaign (see CONTRIBUTING.md).
EXAMPLES = int(os.environ.get("SITE_BUILDER_FUZZ_EXAMPLES", "400"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MD = create_markdown()


# --- the property ---------------------------------------------------------------------


def file_lines(data: bytes) -> list[str]:
    """The file's lines as diagnostics count them (BOM skipped, bad bytes replaced)."""
    text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", "replace")
    return [line.rstrip("\r\n") for line in split_lines(text)] or [""]


def assert_inside(span: Span, path: str, lines: list[str], what: object) -> None:
    assert span.path == path, what
    assert 1 <= span.line <= len(lines), f"line {span.line} of {len(lines)}: {what}"
    line = lines[span.line - 1]
    assert 1 <= span.col <= len(line) + 1, f"column {span.col} of {len(line)}: {what}"


def document_spans(document: Brief | Source | None) -> list[Span]:
    if isinstance(document, Source):
        return [document.id_span, *(p.span for p in document.paragraphs)]
    if isinstance(document, Brief):
        spans = [p.span for p in document.paragraphs]
        for group in document.citations:
            spans += [group.span, *(ref.span for ref in group.refs)]
            spans += [quote.span for quote in group.quotes]
        return spans
    return []


def check_loader(kind: str, data: bytes, md: MarkdownIt = MD) -> list[Diagnostic]:
    """Run the loader of ``kind`` on ``data`` and assert the property; its diagnostics."""
    path = PATHS[kind]
    loader: Loader = LOADERS[kind]
    document, problems = loader(path, data, md)
    lines = file_lines(data)
    for problem in problems:
        assert problem.code in CODES, problem
        assert problem.code != "internal-error", problem
        assert problem.hint, problem
        assert_inside(problem.span, path, lines, problem)
    for span in document_spans(document):
        assert_inside(span, path, lines, span)
    return problems


# --- inputs ---------------------------------------------------------------------------

KEYS = [
    "title", "date", "summary", "tags", "authors", "draft", "updated", "corrections",
    "outlet", "url", "published", "language", "id", "sources", "$schema", "tag", "Title",
    "<<", "? [a]", "- x", "", "\"ti tle\"", "1", "~",
]  # fmt: skip
VALUES = [
    "Kreml: nicht verhandelbar", '"Kreml: nicht verhandelbar"', "Käse", "NO", "yes", "010",
    "12:30:00", "0x1F", "1e3", "~", "null", "", '""', "''", "true", "True", "false", "2025",
    "2025-02", "2025-02-27", "2024-02-30", "2025-02-27T14:30:00+01:00",
    "0001-01-01T00:30:00+01:00", "２０２５-０２-２７", "[a, b]", "[a, [b]]", "[a, ~]",
    "{a: b}", '"a,b"', "a, b", "&x Wert", "*x", "[*x, *x]", "!!python/object/apply:os.system [x]",
    "!!binary aGk=", "!foo x", "[!!str x]", '"\\x1b[31m"', '"\\0"', '"\\u0085"', '"\\N"',
    "|\n  Zeile\n  Zeile", ">-\n  gefaltet", "\n  - eins\n  - zwei", "\n\t- tab",
    "\n  - date: 2025-02-28\n    text: Korrektur", "\n  - datum: x", "[[[[[]]]]]",
    "https://example.org/x", "javascript:alert(1)", "de", "de-AT", "x" * 250, "a\tb",
    "kreml-gebiete", "Kreml Gebiete", "con", "'unclosed", '"unclosed', "{", "]", "#comment",
    "a # comment", "- - x", "? x", "%YAML 1.1", "...", "---",
]  # fmt: skip
BODY_PIECES = [
    "Text", "Kreml", " ", " ", "\n", "\n\n", "Wort.", "„Zitat“", "“Zitat”", '"Zitat"', "«x»",
    "»x«", "‚x‘", "[…]", "...", "[@q#p1]", "[@q#p1; @r#name]", "[@q]", "[@q#]", "[@]",
    "[@q#p1, @r#p2]", "[@q#p1 S. 3]", "[@q#p1;]", "\\[@q#p1]", "`[@q#p1]`", "[@x](https://x)",
    "[@q#p1](siehe oben)", "[@q#p1][@r#p2]", "[@q#p1", "[", "]", "^name", " ^name", " ^p3",
    "^-x", "- ", "* ", "1. ", "> ", ">> ", "# ", "## ", "    code", "```\n", "~~~\n", "*",
    "_", "**", "[link](http://x)", "![bild](x.png)", "<b>", "&amp;", "&#0;", "\t", "\r\n",
    "\r", "\u2028", "\u2029", "\x00", "\x0c", "\x1b", "\x85", "\ufeff", "\u202e", "\u200b",
    "😀", "u\u0308", "ß", "---", "...", "===", "[x]: http://x", "<http://x>", "\\",
]  # fmt: skip

front_matter_lines = st.builds(
    lambda key, sep, value: f"{key}:{sep}{value}",
    st.sampled_from(KEYS),
    st.sampled_from([" ", "", "\t", "  "]),
    st.sampled_from(VALUES),
)


@st.composite
def documents(draw: st.DrawFn) -> bytes:
    """A near-valid brief or source: front matter, then a Markdown body."""
    lines = draw(st.lists(front_matter_lines, max_size=8))
    opening = draw(st.sampled_from(["---\n", "---\n", "\n---\n", "--- \n", ""]))
    closing = draw(st.sampled_from(["---\n", "---\n", "...\n", ""]))
    body = "".join(draw(st.lists(st.sampled_from(BODY_PIECES), max_size=40)))
    text = opening + "".join(line + "\n" for line in lines) + closing + body
    text = text.replace("\n", draw(st.sampled_from(["\n", "\n", "\r\n", "\r"])))
    data = text.encode("utf-8", "surrogatepass")
    if draw(st.booleans()):  # corrupt it: a few bytes inserted anywhere
        for _ in range(draw(st.integers(1, 3))):
            at = draw(st.integers(0, len(data)))
            data = data[:at] + draw(st.binary(min_size=1, max_size=3)) + data[at:]
    return (b"\xef\xbb\xbf" if draw(st.booleans()) else b"") + data


KINDS = st.sampled_from(sorted(LOADERS))


@FUZZ
@given(kind=KINDS, data=documents())
def test_near_valid_documents_give_only_well_formed_diagnostics(kind: str, data: bytes) -> None:
    check_loader(kind, data)


@FUZZ
@given(kind=KINDS, data=st.binary(max_size=600))
@example(kind="brief", data=b"---\rtitle: \xe4\r---\r")
def test_any_bytes_give_only_well_formed_diagnostics(kind: str, data: bytes) -> None:
    check_loader(kind, data)


@FUZZ
@given(kind=KINDS, text=st.text(max_size=400))
def test_any_text_gives_only_well_formed_diagnostics(kind: str, text: str) -> None:
    check_loader(kind, text.encode("utf-8", "surrogatepass"))


# --- regressions ----------------------------------------------------------------------

REGRESSION_FILES = sorted(REGRESSIONS.glob("*.bytes"))


@pytest.mark.parametrize("kind", sorted(LOADERS))
@pytest.mark.parametrize("case", REGRESSION_FILES, ids=[p.stem for p in REGRESSION_FILES])
def test_regression_inputs_give_only_well_formed_diagnostics(case: Path, kind: str) -> None:
    started = time.perf_counter()
    check_loader(kind, case.read_bytes())
    assert time.perf_counter() - started < 10, "a regression input must load quickly"


def test_the_regression_folder_is_not_empty() -> None:
    assert len(REGRESSION_FILES) >= 3
