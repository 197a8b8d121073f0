"""Hostile text in every field a template writes (site title and description; brief title,
summary, tags, authors, corrections; source title, outlet, URL, archive URL, named sources)
is shown as text, never run, also inside JSON-LD. Where templates may switch escaping off:
``test_template_safety``; hostile Markdown bodies: ``test_hostile_markdown``."""

from __future__ import annotations

import html.parser
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from site_builder.cli import main
from tests import html_safety

IMG = '"><img src=x onerror=1>'
SCRIPT = "</script><script>1</script>"
EVIL = f"{IMG} {SCRIPT}"
URL = 'https://example.org/a"><img src=x onerror=1>?q=</script><script>1</script>'
ARCHIVE = URL.replace("example.org", "archiv.example")
BIDI = "\u202eRückwärts \u2067offen"  # an override and an isolate, never closed


def _yaml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML string


SITE = f"""\
title: {_yaml("Seite " + EVIL)}
description: {_yaml("Beschreibung " + EVIL + " " + BIDI)}
base_url: https://example.org/
language: de
"""

SOURCE = f"""\
---
title: {_yaml("Quelle " + EVIL)}
outlet: {_yaml("Agentur " + EVIL)}
url: {_yaml(URL)}
published: 2025-02
sources: [{_yaml(URL)}, "javascript:alert(1)", {_yaml(EVIL)}]
retrieved: 2025-02-28
archive_url: {_yaml(ARCHIVE)}
---
Erster Absatz mit <script>alert(1)</script> und <img src=x onerror=alert(1)>.

## Titel {EVIL}

Zweiter Absatz. ^zweiter
"""

BRIEF = f"""\
---
title: {_yaml("Titel " + EVIL)}
date: 2025-02-27
summary: {_yaml("Summary " + EVIL)}
tags: [{_yaml(IMG)}, {_yaml(SCRIPT)}, Normal]
authors: [{_yaml("Autor " + EVIL)}, {_yaml(BIDI)}]
corrections:
  - date: 2025-02-28
    text: {_yaml("Korrektur " + EVIL)}
---
Ein Satz [@boese#p1]. [Klick](javascript:alert(1)) und [hier](VBScript:msgbox(1)) und
<javascript:alert(2)> und [da](jav&#x61;script:alert(3)) [@boese#zweiter].
"""


class _Elements(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts.append(data)


def parse(path: Path) -> _Elements:
    parser = _Elements()
    parser.feed(path.read_text("utf-8"))
    parser.close()
    return parser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    files = {"site.yaml": SITE, "content/boese.md": SOURCE, "briefs/boese.md": BRIEF}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "0")
        assert main(["build", "--site", str(root), "--check-links"]) == 0
    return root / "public"


def test_hostile_site_builds(site: Path) -> None:
    assert (site / "briefs/boese/index.html").is_file()
    assert (site / "sources/boese/index.html").is_file()


def _our_script(attrs: dict[str, str | None]) -> bool:
    """JSON-LD data, or a module of the site's own static folder (search, citations, landing)."""
    if attrs == {"type": "application/ld+json"}:
        return True
    src = attrs.get("src") or ""
    pattern = r"(/[\w-]+)*/static/(search|citations|landing)\.js\?v=[0-9a-f]{10}"
    return (
        attrs.get("type") == "module" and len(attrs) == 2 and re.fullmatch(pattern, src) is not None
    )


def test_no_element_or_event_handler_is_injected_anywhere(site: Path) -> None:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        for tag, attrs in parse(page).tags:
            assert tag != "img", page
            assert tag != "script" or _our_script(attrs), (page, attrs)
            assert not [name for name in attrs if name.startswith("on")], (page, tag, attrs)


def test_hostile_text_is_shown_as_text(site: Path) -> None:
    page = (site / "briefs/boese/index.html").read_text("utf-8")
    assert "Titel &#34;&gt;&lt;img src=x onerror=1&gt; &lt;/script&gt;" in page
    assert "Korrektur &#34;&gt;&lt;img" in page
    assert "<title>Titel &#34;&gt;&lt;img src=x onerror=1&gt; &lt;/script&gt;" in page
    assert '<meta property="og:site_name" content="Seite &#34;&gt;&lt;img' in page
    assert "</a> – Beschreibung &#34;&gt;&lt;img src=x onerror=1&gt; &lt;/script&gt;&lt;s" in page
    source = (site / "sources/boese/index.html").read_text("utf-8")
    assert "mit &lt;script&gt;alert(1)&lt;/script&gt; und &lt;img" in source


def test_json_ld_is_one_document_that_round_trips(site: Path) -> None:
    elements = parse(site / "briefs/boese/index.html")
    [data] = elements.scripts
    assert "</" not in data
    document = json.loads(data)
    assert document["headline"] == "Titel " + EVIL
    assert document["description"] == "Summary " + EVIL
    assert document["keywords"] == [IMG, SCRIPT, "Normal"]
    assert document["author"] == [
        {"@type": "Person", "name": "Autor " + EVIL},
        {"@type": "Person", "name": BIDI},
    ]
    assert document["publisher"]["name"] == "Seite " + EVIL
    assert document["correction"][0]["text"] == "Korrektur " + EVIL
    [first] = document["citation"]  # two paragraphs of one source: one work
    assert (first["name"], first["url"]) == ("Quelle " + EVIL, URL)
    assert first["publisher"]["name"] == "Agentur " + EVIL


def test_script_links_in_a_brief_are_not_links(site: Path) -> None:
    hrefs = [
        attrs.get("href") or ""
        for tag, attrs in parse(site / "briefs/boese/index.html").tags
        if tag == "a"
    ]
    assert hrefs
    assert not [h for h in hrefs if "script:" in h.lower()]
    page = (site / "briefs/boese/index.html").read_text("utf-8")
    assert "[Klick](javascript:alert(1))" in page


def test_hostile_url_stays_inside_its_attribute(site: Path) -> None:
    tags = parse(site / "sources/boese/index.html").tags
    assert [a["href"] for t, a in tags if t == "a" and a.get("rel")] == [URL, ARCHIVE, URL]
    page = (site / "sources/boese/index.html").read_text("utf-8")
    assert "\njavascript:alert(1),\n&#34;&gt;&lt;img src=x" in page  # named, not linked


def test_no_style_attribute_or_dangerous_url_anywhere(site: Path) -> None:
    for page in sorted(site.rglob("*.html")):
        elements = html_safety.read_file(page)
        scripts = [a for t, a in elements.tags if t == "script" and _our_script(a)]
        assert html_safety.injected(elements, scripts) == [], page
        assert elements.unbalanced == [], page


def test_bidi_controls_in_fields_are_kept_and_closed(site: Path) -> None:
    """A right-to-left override in an author's name or the site description stays (it is
    what the editor wrote) but cannot reorder the text after it on the page."""
    page = (site / "briefs/boese/index.html").read_text("utf-8")
    assert BIDI in page
    for path in sorted(site.rglob("*.html")):
        for element, text in html_safety.read_file(path).texts:
            assert html_safety.open_bidi(text) == [], (path, element, text)


def test_feed_and_sitemap_stay_well_formed(site: Path) -> None:
    feed = ET.parse(site / "feed.xml").getroot()
    ns = {"atom": "http://www.w3.org/2005/Atom"}
    assert feed.findtext("atom:title", namespaces=ns) == "Seite " + EVIL
    subtitle = "Beschreibung " + EVIL + " " + BIDI + "\u2069\u202c"  # bidi closed
    assert feed.findtext("atom:subtitle", namespaces=ns) == subtitle
    assert feed.findtext("atom:entry/atom:title", namespaces=ns) == "Titel " + EVIL
    terms = [c.get("term") for c in feed.findall("atom:entry/atom:category", ns)]
    assert terms == [IMG, SCRIPT, "Normal"]
    ET.parse(site / "sitemap.xml")
