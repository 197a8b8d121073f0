"""The site's Markdown dialect: CommonMark, raw HTML as text, citations as an inline rule."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from site_builder.diagnostics import Span
from site_builder.load.markdown import (
    CITATION_TOKEN,
    GroupSyntax,
    InlinePositions,
    RefSyntax,
    block_marker,
    create_markdown,
    inline_blocks,
    plain_text,
    strip_block_marker,
)


@pytest.fixture(scope="module")
def md() -> MarkdownIt:
    return create_markdown()


def children(md: MarkdownIt, src: str) -> list[Token]:
    tokens = md.parseInline(src)
    return list(tokens[0].children or [])


def kinds(tokens: list[Token]) -> list[tuple[str, str]]:
    return [(token.type, token.content) for token in tokens]


def groups(md: MarkdownIt, src: str) -> list[GroupSyntax]:
    return [t.meta["group"] for t in children(md, src) if t.type == CITATION_TOKEN]


# citations


def test_single_citation_is_a_citation_group_token(md: MarkdownIt) -> None:
    tokens = children(md, "Text [@a#p1].")
    assert kinds(tokens) == [("text", "Text "), (CITATION_TOKEN, "[@a#p1]"), ("text", ".")]
    assert tokens[1].meta["group"] == GroupSyntax(5, 12, (RefSyntax("a", "p1", 6),))


def test_group_with_two_refs_has_both_with_their_offsets(md: MarkdownIt) -> None:
    src = "X [@a#p1; @b#x-y] y"
    assert groups(md, src) == [
        GroupSyntax(2, 17, (RefSyntax("a", "p1", 3), RefSyntax("b", "x-y", 10)))
    ]
    assert src[3] == "@"
    assert src[10] == "@"


def test_offsets_of_refs_after_extra_spaces_point_at_the_at_sign(md: MarkdownIt) -> None:
    src = "[@a#p1;   @b#p2 ]"
    (group,) = groups(md, src)
    assert group.refs == (RefSyntax("a", "p1", 1), RefSyntax("b", "p2", 10))
    assert src[10] == "@"


def test_citation_without_anchor_has_no_anchor(md: MarkdownIt) -> None:
    assert groups(md, "[@a]") == [GroupSyntax(0, 4, (RefSyntax("a", None, 1),))]
    assert groups(md, "[@a#]") == [GroupSyntax(0, 5, (RefSyntax("a", None, 1),))]


def test_citation_next_to_emphasis_is_still_a_citation(md: MarkdownIt) -> None:
    assert [t.type for t in children(md, "*[@a#p1]*")] == ["em_open", CITATION_TOKEN, "em_close"]


def test_two_groups_separated_by_a_space_are_two_tokens(md: MarkdownIt) -> None:
    assert groups(md, "Text [@a#p1] [@b#p2].") == [
        GroupSyntax(5, 12, (RefSyntax("a", "p1", 6),)),
        GroupSyntax(13, 20, (RefSyntax("b", "p2", 14),)),
    ]


def test_adjacent_groups_are_two_citations(md: MarkdownIt) -> None:
    assert groups(md, "Text [@a#p1][@b#p2].") == [
        GroupSyntax(5, 12, (RefSyntax("a", "p1", 6),)),
        GroupSyntax(12, 19, (RefSyntax("b", "p2", 13),)),
    ]


def test_parenthesis_right_after_a_group_is_not_a_link(md: MarkdownIt) -> None:
    assert kinds(children(md, "x [@a#p1](siehe oben)")) == [
        ("text", "x "),
        (CITATION_TOKEN, "[@a#p1]"),
        ("text", "(siehe oben)"),
    ]


def test_at_handle_with_a_defined_reference_is_a_link(md: MarkdownIt) -> None:
    tokens = md.parse("[@handle][ref]\n\n[ref]: https://example.org\n")
    inline = [c.type for t in tokens if t.type == "inline" for c in t.children or []]
    assert inline == ["link_open", "text", "link_close"]


def test_citation_inside_code_span_is_text(md: MarkdownIt) -> None:
    assert kinds(children(md, "Schreibe `[@a#p1]`.")) == [
        ("text", "Schreibe "),
        ("code_inline", "[@a#p1]"),
        ("text", "."),
    ]


def test_citation_inside_code_block_is_not_parsed(md: MarkdownIt) -> None:
    tokens = md.parse("```\n[@a#p1]\n```\n")
    assert [t.type for t in tokens] == ["fence"]


def test_escaped_bracket_writes_a_literal_citation(md: MarkdownIt) -> None:
    assert kinds(children(md, r"\[@a#p1]")) == [("text", "[@a#p1]")]


def test_at_handle_as_link_text_is_a_link_not_a_citation(md: MarkdownIt) -> None:
    tokens = children(md, "[@handle](https://example.org)")
    assert [t.type for t in tokens] == ["link_open", "text", "link_close"]
    assert tokens[0].attrs == {"href": "https://example.org"}
    assert tokens[1].content == "@handle"


def test_group_separated_by_comma_is_a_problem(md: MarkdownIt) -> None:
    assert groups(md, "[@a#p1, @b#p2]") == [
        GroupSyntax(
            0,
            14,
            (),
            "'@a#p1, @b#p2' is not a citation: separate the citations of a group with ';'",
        )
    ]


def test_group_separated_by_space_only_is_a_problem(md: MarkdownIt) -> None:
    (group,) = groups(md, "[@a#p1 @b#p2]")
    assert group.problem == (
        "'@a#p1 @b#p2' is not a citation: separate the citations of a group with ';'"
    )


def test_bare_at_sign_is_a_problem(md: MarkdownIt) -> None:
    assert groups(md, "[@]") == [
        GroupSyntax(0, 3, (), "'@' is not a citation: write each citation as @source#anchor")
    ]


def test_trailing_semicolon_is_a_problem(md: MarkdownIt) -> None:
    (group,) = groups(md, "[@a#p1;]")
    assert group.problem == "'' is not a citation: write each citation as @source#anchor"
    assert group.refs == ()


# raw HTML


@pytest.mark.parametrize(
    "src",
    ['<ul style="x">\n<li>a</li>\n</ul>\n', "<script>alert(1)</script>\n", "Text <b>x</b>\n"],
)
def test_raw_html_gives_no_html_tokens(md: MarkdownIt, src: str) -> None:
    tokens = md.parse(src)
    types = {t.type for t in tokens} | {c.type for t in tokens for c in t.children or []}
    assert not types & {"html_block", "html_inline"}


HTML_CASES = [
    '<ul style="x">\n<li>a</li>\n</ul>\n',
    "<script>alert(1)</script>\n",
    "<!-- comment -->\nText\n",
    "<div>\n*a*\n</div>\n",
    "Text <b>x</b> and <a href='javascript:x'>y</a>\n",
    "> <p>quoted</p>\n\n- <i>item</i>\n",
    "Absatz\n<div>follows</div>\n",
    "<![CDATA[x]]>\n<?php x ?>\n<!DOCTYPE html>\n",
]


@pytest.mark.parametrize("src", HTML_CASES)
def test_turning_the_html_rules_off_changes_nothing(md: MarkdownIt, src: str) -> None:
    """The parser leaves out markdown-it's HTML rules (they cannot fire with ``html``
    off): every text gives what the parser with them gave."""
    with_rules = create_markdown()
    with_rules.block.ruler.enable("html_block")
    with_rules.inline.ruler.enable("html_inline")
    assert with_rules.render(src) == md.render(src)
    assert [t.as_dict() for t in with_rules.parse(src)] == [t.as_dict() for t in md.parse(src)]


def test_the_html_rules_are_off(md: MarkdownIt) -> None:
    assert "html_block" not in [rule.name for rule in md.block.ruler.__rules__ if rule.enabled]
    assert "html_inline" not in [rule.name for rule in md.inline.ruler.__rules__ if rule.enabled]


def test_raw_html_is_text(md: MarkdownIt) -> None:
    assert kinds(children(md, '<ul style="x">')) == [("text", '<ul style="x">')]


def test_raw_html_is_escaped_when_rendered(md: MarkdownIt) -> None:
    assert md.render('<ul style="x">\n\n<script>alert(1)</script>\n\nText <b>x</b>') == (
        "<p>&lt;ul style=&quot;x&quot;&gt;</p>\n"
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
        "<p>Text &lt;b&gt;x&lt;/b&gt;</p>\n"
    )


# plain text


def test_plain_text_drops_markup_urls_and_citations(md: MarkdownIt) -> None:
    src = "Ein *kurzer* [Link](https://x.example) mit `Code` [@a#p1]\nund Umbruch."
    assert plain_text(children(md, src)) == "Ein kurzer Link mit Code  und Umbruch."


# positions in the file

BODY = (
    "Erster Satz [@a#p1].\n"  # file line 5
    "Zweite Zeile [@b#p2].\n"
    "\n"
    "- Punkt [@c#p3]\n"  # file line 8
    "  weiter [@d#p4]\n"
    "\n"
    "> Zitat [@e#p5]\n"  # file line 11
    "> mehr [@f#p6]\n"
    "\n"
    "   Eingerückt [@g#p7]\n"  # file line 14
)


def citation_spans(md: MarkdownIt, body: str, body_line: int) -> list[tuple[str, Span, Span]]:
    """(group, span of its '[', span of its first '@') for every group of ``body``."""
    lines = body.splitlines()
    found = []
    for block, inline in inline_blocks(md.parse(body)):
        assert block.map is not None
        positions = InlinePositions(inline.content, block.map[0], lines, "b.md", body_line)
        for token in inline.children or []:
            if token.type == CITATION_TOKEN:
                group = token.meta["group"]
                found.append(
                    (
                        token.content,
                        positions.span(group.start),
                        positions.span(group.refs[0].offset),
                    )
                )
    return found


def test_positions_are_file_lines_and_columns_after_front_matter(md: MarkdownIt) -> None:
    assert citation_spans(md, BODY, body_line=5) == [
        ("[@a#p1]", Span("b.md", 5, 13), Span("b.md", 5, 14)),
        ("[@b#p2]", Span("b.md", 6, 14), Span("b.md", 6, 15)),
        ("[@c#p3]", Span("b.md", 8, 9), Span("b.md", 8, 10)),
        ("[@d#p4]", Span("b.md", 9, 10), Span("b.md", 9, 11)),
        ("[@e#p5]", Span("b.md", 11, 9), Span("b.md", 11, 10)),
        ("[@f#p6]", Span("b.md", 12, 8), Span("b.md", 12, 9)),
        ("[@g#p7]", Span("b.md", 14, 15), Span("b.md", 14, 16)),
    ]


def test_positions_without_front_matter_start_at_line_one(md: MarkdownIt) -> None:
    assert citation_spans(md, "Text [@a#p1].\n", body_line=1) == [
        ("[@a#p1]", Span("b.md", 1, 6), Span("b.md", 1, 7))
    ]


def test_start_of_each_block_is_where_its_text_begins(md: MarkdownIt) -> None:
    lines = BODY.splitlines()
    starts = []
    for block, inline in inline_blocks(md.parse(BODY)):
        assert block.map is not None
        positions = InlinePositions(inline.content, block.map[0], lines, "b.md", 5)
        starts.append(positions.span(0))
    assert starts == [
        Span("b.md", 5, 1),
        Span("b.md", 8, 3),
        Span("b.md", 11, 3),
        Span("b.md", 14, 4),
    ]


def test_inline_blocks_skip_headings_and_code(md: MarkdownIt) -> None:
    body = "# Titel\n\nText\n\n    code\n\n- a\n- b\n\n> c\n"
    assert [inline.content for _, inline in inline_blocks(md.parse(body))] == [
        "Text",
        "a",
        "b",
        "c",
    ]


# block markers


@pytest.mark.parametrize(
    ("src", "name"),
    [
        ("Satz. ^istanbul", "istanbul"),
        ("Satz ^a-b  ", "a-b"),
        ("Satz ^Peskow2", "Peskow2"),
        ("*Satz* ^x", "x"),
        ("Satz `^code`", None),
        ("Satz^x", None),
        ("Satz ^-x", None),
        ("Satz ^x y", None),
        ("x *^y*", None),
        ("Satz ohne Marke", None),
    ],
)
def test_block_marker_is_a_trailing_caret_name_in_plain_text(
    md: MarkdownIt, src: str, name: str | None
) -> None:
    assert block_marker(children(md, src)) == name


def test_block_marker_of_no_children_is_none() -> None:
    assert block_marker(None) is None
    assert block_marker([]) is None


@pytest.mark.parametrize(
    ("text", "stripped"),
    [
        ("Satz. ^istanbul", "Satz."),
        ("Satz ^a-b  ", "Satz"),
        ("Zeile\nzwei ^x", "Zeile\nzwei"),
        ("Satz ohne Marke", "Satz ohne Marke"),
        ("Satz^x", "Satz^x"),
    ],
)
def test_strip_block_marker_removes_only_a_trailing_marker(text: str, stripped: str) -> None:
    assert strip_block_marker(text) == stripped
