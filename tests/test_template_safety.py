"""Templates and modules switch HTML escaping off only where reviewed, and JSON-LD is
written by Jinja's ``tojson`` only. What the escaping does with hostile field values:
``test_escaping``."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent

# Every place that writes HTML without escaping it, each reviewed: (file, line, why it is safe).
UNESCAPED = {
    ("templates/brief.html", "{{ body|safe }}"): "the brief body from render_markdown: "
    "Markdown without raw HTML, every text escaped, links checked by is_allowed_link",
    ("templates/brief.html", "{{ entries[cited.label]|safe }}"): "the source list entries "
    "(also the citation previews) from render_markdown: source titles and paragraph texts "
    "escaped, ids from labels, links made by pages.paragraph_page (test_markdown_safety, "
    "test_citation_markers)",
    ("templates/source.html", "{{ body|safe }}"): "the source body from render_markdown, "
    "made as the brief body is (test_hostile_markdown, test_markdown_safety)",
    (
        "site_builder/render/render.py",
        "line = Markup(template.render(source=source))  # escaped as it was rendered",
    ): "a source's line in a brief's source list (render.SourceLines), rendered by the "
    "theme's autoescaping environment from partials/source_meta.html, as brief.html "
    "rendered it before (test_source_lines)",
    ("templates/page.html", "{{ body|safe }}"): "a site page's body from render_markdown, "
    "made as the brief body is, where a citation is only text (test_site_pages)",
}
_UNESCAPING = re.compile(r"\|\s*safe\b|Markup\(|markupsafe\.Markup|autoescape\s+false", re.I)


def _template_and_module_files() -> list[Path]:
    templates = ROOT / "templates"
    found = [*templates.rglob("*.html"), *templates.rglob("*.xml")]
    return sorted([*found, *(ROOT / "site_builder").rglob("*.py")])


def test_escaping_is_switched_off_only_where_reviewed() -> None:
    found = {}
    for path in _template_and_module_files():
        for line in path.read_text("utf-8").splitlines():
            if _UNESCAPING.search(line):
                found[(path.relative_to(ROOT).as_posix(), line.strip())] = line
    assert len(_template_and_module_files()) > 40
    assert set(found) == set(UNESCAPED)


def test_json_ld_is_written_by_tojson_only() -> None:
    blocks = []
    for path in _template_and_module_files():
        text = path.read_text("utf-8")
        for match in re.finditer(r"ld\+json[\"']?>(.*?)</script>", text, re.S):
            blocks.append((path.name, match.group(1)))
    assert blocks == [("brief.html", "{{ json_ld|tojson }}")]


def test_the_scan_sees_every_way_of_writing_unescaped() -> None:
    written = ["{{ x|safe }}", "{{ x | safe }}", "{{ x|SAFE }}", "Markup(text)"]
    written += ["markupsafe.Markup", "{% autoescape false %}", "{%autoescape  False%}"]
    assert [w for w in written if not _UNESCAPING.search(w)] == []
    assert not _UNESCAPING.search("{{ x|tojson }} unsafe_text safely")
