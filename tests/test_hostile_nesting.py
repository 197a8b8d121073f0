"""Deeply nested Markdown (issue 16, point 7) and pathological Markdown near the size cap
(point 12).

Nesting: markdown-it stops reading blocks at 20 levels (a list counts two, a block quote
one) and skips the rest of the container without a word; for a list item that is the rest
of the file. No text may go missing unseen: every word of a source either reaches its
paragraphs or the file gets a ``nesting-too-deep`` error at the line where text would be
dropped. Inline nesting (``*``, ``[``) past the limit keeps its text: the markers are shown
as written.
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from collections.abc import Callable

import pytest
from markdown_it import MarkdownIt
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_block import hr
from markdown_it.rules_inline import StateInline

from site_builder.cli import main
from site_builder.diagnostics import Diagnostic
from site_builder.load.load_briefs import load_brief
from site_builder.load.load_sources import load_source
from site_builder.load.markdown import create_markdown
from site_builder.load.markdown_limits import INLINE_UNITS, skipped
from tests.conftest import MakeSite
from tests.sitefiles import QUELLE, brief

QUELLE_BODY = QUELLE.split("---\n", 2)[2]

SOURCE_HEAD = "---\ntitle: Q\noutlet: Testagentur\n---\n"
HEAD_LINES = SOURCE_HEAD.count("\n")


def _list(depth: int, tag: str) -> str:
    """``depth`` lists, each inside the previous one's item; every item has its own word."""
    return "".join("  " * level + f"- {tag}wort{level}\n" for level in range(depth))


def _quotes(depth: int, tag: str) -> str:
    return "".join(
        "> " * level + f"{tag}wort{level}\n>" + "> " * level + "\n" for level in range(1, depth + 1)
    )


def _quotes_in_list(depth: int, tag: str) -> str:
    """Five nested lists holding block quotes: levels of both kinds add up."""
    lists = _list(5, tag + "l")
    indent = "  " * 5
    quotes = "".join(indent + "> " * level + f"{tag}wort{level}\n" for level in range(1, depth + 1))
    return lists + "\n" + quotes


STRUCTURES = {
    "list 9 deep": _list(9, "a"),
    "list 10 deep": _list(10, "a"),
    "list 30 deep": _list(30, "a"),
    "quote 19 deep": "> " * 19 + "awort\n",
    "quote 20 deep": "> " * 20 + "awort\n",
    "quote 40 deep": "> " * 40 + "awort\n",
    "quotes growing": _quotes(25, "a"),
    "quotes in lists": _quotes_in_list(15, "a"),
    "list item with later paragraphs": _list(12, "a") + "\n" + "  " * 11 + "  nachwort\n",
}


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]*wort\d*", text.lower()))


def _first_line_with(text: str, words: set[str]) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if _words(line) & words:
            return number
    raise AssertionError(words)


def _load(body: str) -> tuple[set[str], list[Diagnostic], str]:
    text = SOURCE_HEAD + body
    source, problems = load_source("content/q.md", text.encode(), create_markdown())
    assert source is not None
    return _words(" ".join(p.text for p in source.paragraphs)), problems, text


@pytest.mark.parametrize("structure", STRUCTURES.values(), ids=STRUCTURES.keys())
def test_every_word_of_a_nested_source_is_read_or_its_line_is_an_error(structure: str) -> None:
    body = f"Vorwort am Anfang.\n\n{structure}\nSchlusswort1 danach.\n\nSchlusswort2 am Ende.\n"
    read, problems, text = _load(body)
    missing = _words(body) - read
    deep = [p for p in problems if p.code == "nesting-too-deep"]
    if not missing:
        assert deep == []
        return
    assert len(deep) == 1, (missing, problems)
    assert deep[0].is_error
    # The error names the line of the first word the parser drops (or an earlier one).
    assert deep[0].span.line <= _first_line_with(text, missing)


def test_a_paragraph_after_a_deep_list_is_never_lost_unseen() -> None:
    read, problems, _ = _load(_list(10, "a") + "\nSchlusswort danach.\n")
    assert "schlusswort" not in read  # markdown-it drops it: so the file must be an error
    assert [p.code for p in problems] == ["nesting-too-deep"]


def test_nesting_just_below_the_limit_is_read_whole() -> None:
    for structure in (_list(9, "a"), "> " * 19 + "awort\n", _quotes_in_list(9, "a")):
        read, problems, _ = _load(structure + "\nSchlusswort danach.\n")
        assert problems == []
        assert _words(structure) | {"schlusswort"} <= read


def test_a_deep_source_is_an_error_naming_its_line_and_column(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    source = SOURCE_HEAD + "Erster Absatz.\n\n" + _list(12, "a") + "\nLetzter Absatz.\n"
    site = make_site({"content/q.md": source, "briefs/b.md": brief("Text [@q#p1].\n")})
    assert main(["check", "--site", str(site)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:5] == [
        "content/q.md:16:21: error[nesting-too-deep]: lists and block quotes are nested too "
        "deeply here: the Markdown parser would drop the text from here on (in a list, to "
        "the end of the file)",
        "    |",
        " 16 |                   - awort9",
        "    |                     ^",
        "    = hint: flatten the nesting in the stored file, keeping its words; nest at most 19 "
        "levels: each block quote ('>') counts one, each list two",
    ]
    assert main(["build", "--site", str(site), "--no-search"]) == 1


def test_anchors_of_a_deep_source_lists_what_it_read_and_names_the_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    # An editor listing anchors must not take a list without the skipped text for whole.
    source = SOURCE_HEAD + "Erster Absatz.\n\n" + _list(12, "a") + "\nLetzter Absatz.\n"
    site = make_site({"content/q.md": source, "briefs/b.md": brief("Text [@q#p1].\n")})
    assert main(["anchors", "--site", str(site), "q"]) == 1
    out, err = capsys.readouterr()
    assert "Erster Absatz." in out and "Letzter Absatz." not in out
    assert "content/q.md:16:21: error[nesting-too-deep]" in err
    assert err.splitlines()[-1] == "content/q.md has errors: its paragraphs may be incomplete"


def test_a_deep_brief_is_an_error_and_counts_every_place(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "> " * 20 + "Text [@quelle#p1].\n"
    body = f"{deep}\n{deep}\nText [@quelle#p1].\n"
    site = make_site({"briefs/b.md": brief(body)})
    assert main(["check", "--site", str(site)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[:5] == [
        "briefs/b.md:5:41: error[nesting-too-deep]: lists and block quotes are nested too "
        "deeply here: the Markdown parser would drop the text from here on (in a list, to "
        "the end of the file) (and 1 more place)",
        "   |",
        " 5 | " + "> " * 20 + "Text [@quelle#p1].",
        "   | " + " " * 40 + "^",
        "   = hint: nest at most 19 levels: each block quote ('>') counts one, each list two",
    ]


def test_a_deep_site_page_is_an_error(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    page = "---\ntitle: Impressum\n---\n" + _list(10, "a")
    site = make_site({"pages/impressum.md": page, "briefs/b.md": brief("Text [@quelle#p1].\n")})
    assert main(["check", "--site", str(site)]) == 1
    assert "pages/impressum.md:13:21: error[nesting-too-deep]" in capsys.readouterr().out


def test_a_deep_brief_loses_no_citation_unseen() -> None:
    body = _list(10, "a") + "  " * 9 + "  Beleg [@quelle#p1].\n"
    loaded, problems = load_brief("briefs/b.md", brief(body).encode(), create_markdown())
    assert loaded is not None
    assert "nesting-too-deep" in [p.code for p in problems]


INLINE = {
    "emphasis": "".join(f"{'*_'[i % 2]}wort{i} " for i in range(40))
    + "".join("*_"[i % 2] for i in reversed(range(40))),
    "links": "".join(f"[wort{i} " for i in range(40)) + "](x)" * 40,
    "images": "".join(f"![wort{i} " for i in range(40)) + "](x)" * 40,
    "mixed": "".join(f"*[wort{i} _" for i in range(40)) + "_](x)*" * 40,
}


@pytest.mark.parametrize("inline", INLINE.values(), ids=INLINE.keys())
def test_inline_nesting_past_the_limit_keeps_every_word(inline: str) -> None:
    """markdown-it stops reading inline markup at the same depth, but keeps the text: the
    markers past it are shown as written. So no diagnostic is needed."""
    read, problems, _ = _load(f"{inline}\n\nSchlusswort danach.\n")
    assert problems == []
    assert _words(inline) | {"schlusswort"} <= read


# --- point 12: pathological Markdown near the size cap ---------------------------------------

MIB = 1024 * 1024
# The vectors and their worst relatives (benchmarks/hostile_markdown.py has more).
VECTORS = {
    "img": lambda n: "![" * (n // 2),
    "img-close": lambda n: "![" * (n // 2 - 1) + "]",
    "cite": lambda n: "[@" * (n // 2),
    "link-open": lambda n: "[" * (n // 4) + "](x)",
    "emph": lambda n: "*_" * (n // 2),
    "short-labels": lambda n: ("[" * 20 + "]\n\n") * (n // 23),
}


def _inline_steps(markdown: str) -> int:
    """How many look-ahead steps (``skipToken``) and tokens parsing ``markdown`` costs."""
    calls = 0
    original = ParserInline.skipToken

    def counting(self: ParserInline, state: StateInline) -> None:
        nonlocal calls
        calls += 1
        original(self, state)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ParserInline, "skipToken", counting)
        tokens = create_markdown().parse(markdown, {})
    return calls + sum(len(token.children or ()) for token in tokens)


@pytest.mark.parametrize("vector", VECTORS.values(), ids=VECTORS.keys())
def test_inline_work_is_bounded_whatever_the_markup(vector: Callable[[int], str]) -> None:
    """Counted, not timed: markdown-it's look-ahead steps and the tokens made stay within
    the budget (one unit each) at the size cap, and grow no faster than the input."""
    small, large = _inline_steps(vector(MIB // 16)), _inline_steps(vector(MIB))
    assert large <= 2 * INLINE_UNITS
    assert large <= 16 * small + 1000


@pytest.mark.parametrize("vector", VECTORS.values(), ids=VECTORS.keys())
def test_pending_text_is_read_a_bounded_number_of_times(vector: Callable[[int], str]) -> None:
    """Our rules append text with ``append_pending``; ``state.pending += "["`` read (and
    copied) all pending text for each bracket: quadratic for ``![`` repeated."""
    read = 0
    original = StateInline.pending

    def counting(self: StateInline) -> str:
        nonlocal read
        text = original.fget(self)  # type: ignore[misc]
        read += len(text)
        return text

    markdown = vector(MIB // 4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(StateInline, "pending", property(counting, original.fset))
        create_markdown().parse(markdown, {})
    assert read <= 4 * len(markdown)


CLI_VECTORS = ("img", "img-close", "link-open", "emph")


@pytest.mark.parametrize("name", CLI_VECTORS)
def test_check_of_a_hostile_brief_and_source_at_the_cap_does_not_hang(
    make_site: MakeSite, name: str
) -> None:
    """A generous process timeout, to catch hangs only (a quiet 2-core machine needs a few
    seconds; before the budget, ``![`` at 1 MiB took minutes)."""
    markdown = VECTORS[name](MIB - 200)
    site = make_site(
        {
            "content/q.md": f"{SOURCE_HEAD}{markdown}\n\nSchluss.\n",
            "briefs/b.md": brief(f"{markdown} [@q#p1]\n"),
        }
    )
    argv = [sys.executable, "-m", "site_builder", "check", "--no-cache", "--site", str(site)]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "Traceback" not in done.stderr


def test_markup_too_costly_to_read_is_an_error_and_keeps_its_words(
    make_site: MakeSite, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "[" * 200_000 + "](x) wort1"
    source = f"{SOURCE_HEAD}Vorwort *betont*.\n\n{hostile}\n\nSchlusswort *nicht betont*.\n"
    loaded, _ = load_source("content/q.md", source.encode(), create_markdown())
    assert loaded is not None
    assert [p.text for p in loaded.paragraphs] == [
        "Vorwort betont.",
        hostile,  # as written: the parser gave up on it
        "Schlusswort *nicht betont*.",  # every later paragraph too: the budget is spent
    ]
    site = make_site({"content/q.md": source, "briefs/b.md": brief("Text [@q#p1].\n")})
    assert main(["check", "--site", str(site)]) == 1
    assert capsys.readouterr().out.splitlines()[:5] == [
        "content/q.md:7:1: error[markdown-too-complex]: the Markdown from this paragraph on "
        "is too costly to read (thousands of nested '[', '![' or '*'/'_' markers): it is "
        "shown as written (and 1 more paragraph)",
        "   |",
        " 7 | " + "[" * 98 + "…",  # a window of the line of 200,000 characters
        "   | ^",
        "   = hint: remove the runs of markers that open no link or emphasis, or write them as "
        "\\[ \\* \\_",
    ]


def test_ordinary_markup_is_far_within_the_budget() -> None:
    """A brief of 100 KiB with markup on every word, and a long article of prose."""
    dense = "*Wort* [Link](https://example.org/) _kursiv_ `Code` [@q#p1] " * 1_800
    prose = "Der Kreml nennt den Status der Gebiete „unbestreitbar“ - sagte Peskow.\n" * 14_000
    for text in (dense, prose, (SOURCE_HEAD + QUELLE_BODY) * 1000):
        env: dict[str, object] = {}
        create_markdown().parse(text, env)
        assert skipped(env) == (None, None)


def test_the_shortcuts_read_as_markdown_it_does() -> None:
    """``_unclosed_bracket`` and ``_quick_hr`` only save work: with them or without them,
    the same tokens."""
    fast, plain = create_markdown(), create_markdown()
    plain.inline.ruler.disable("unclosed_bracket")
    plain.block.ruler.at("hr", hr, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    pieces = ["[", "]", "!", "@", "(", ")", "x", " ", "*", "`", "\\", "a#p1", "\n", "[@a#p1]"]
    pieces += ["](x)", "\n\n[x]: /u\n", "-", "_", "\t", "- ", "* "]
    rng = random.Random(16)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
        assert _tokens(fast, text) == _tokens(plain, text), text


def _tokens(md: MarkdownIt, text: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    return [
        (t.type, t.content, [(c.type, c.content) for c in t.children or ()])
        for t in md.parse(text, {})
    ]
