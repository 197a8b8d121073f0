"""The benchmark corpus as a plain Hugo site: ``python -m benchmarks.hugo_export SITE OUT``.

The Hugo comparison needs the same content rendered by a general-purpose generator. Every
brief and every source becomes a Markdown page with front matter Hugo accepts; a citation
group ``[@src#p3; @b#kern]`` becomes Markdown links to ``/sources/src/#p3`` and
``/sources/b/#p5`` (a ``^name`` is resolved to its paragraph's position, as site-builder
links it); quotes stay as written. Source paragraphs get their ``id="pN"`` through
Goldmark's block attributes. The minimal layouts render title, date, content and tags, a
home page paginated by 20 (as site-builder's), section lists, ``/tags/`` and one page per
tag, a 404 page, one RSS feed, the sitemap and robots.txt — so Hugo writes about as many
pages as site-builder, but without what only site-builder does (citation previews, "Zitiert
in" lists under each source paragraph, JSON-LD): see benchmarks/README.md.

``export_minimal`` writes the same Markdown into a copy of the minimal reference site
(``../shared/bench/hugo``: its ``hugo.toml`` and two layouts, nothing of ours), the bar the
issue tracker compares against: what Hugo needs to turn this Markdown into pages at all.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from .parse import (
    GROUP,
    REF,
    Document,
    Source,
    as_date,
    markdown_files,
    read_document,
    read_sources,
)

CONFIG = """\
baseURL = "https://example.org/"
languageCode = "de"
defaultContentLanguage = "de"
title = "Benchmark – Nachrichten mit Quellen"
paginate = 20
enableRobotsTXT = true
disableHugoGeneratorInject = true

[taxonomies]
  tag = "tags"

[outputs]
  home = ["HTML", "RSS"]
  section = ["HTML"]
  taxonomy = ["HTML"]
  term = ["HTML"]

[markup.goldmark.parser.attribute]
  block = true
"""

BASEOF = """\
<!doctype html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ if not .IsHome }}{{ .Title }} – {{ end }}{{ site.Title }}</title>
<link rel="canonical" href="{{ .Permalink }}">
</head>
<body>
<header><a href="/">{{ site.Title }}</a> · <a href="/sources/">Quellen</a> · \
<a href="/tags/">Themen</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
"""

SINGLE = """\
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2. January 2006" }}</time>\
{{ with .Params.outlet }} · {{ . }}{{ end }}</p>
{{ with .GetTerms "tags" }}<ul class="tags">{{ range . }}\
<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
{{ .Content }}
</article>
{{ end }}
"""

ITEM = """\
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> \
<time datetime="{{ .Date.Format "2006-01-02" }}">{{ .Date.Format "2. January 2006" }}</time>\
{{ with .Description }}<p>{{ . }}</p>{{ end }}</li>
"""

LIST = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ if .IsHome }}
{{ $pager := .Paginate (where site.RegularPages "Section" "briefs").ByDate.Reverse }}
<ul>{{ range $pager.Pages }}{{ partial "item.html" . }}{{ end }}</ul>
{{ template "_internal/pagination.html" . }}
{{ else }}
<ul>{{ range .Pages.ByDate.Reverse }}{{ partial "item.html" . }}{{ end }}</ul>
{{ end }}
{{ end }}
"""

TAXONOMY = """\
{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range .Data.Terms.Alphabetical }}\
<li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>{{ end }}</ul>
{{ end }}
"""

NOT_FOUND = """\
{{ define "main" }}<h1>Seite nicht gefunden</h1><p><a href="/">Zur Startseite</a></p>{{ end }}
"""

LAYOUTS: Mapping[str, str] = {
    "_default/baseof.html": BASEOF,
    "_default/single.html": SINGLE,
    "_default/list.html": LIST,
    "_default/taxonomy.html": TAXONOMY,
    "_default/term.html": LIST,
    "partials/item.html": ITEM,
    "404.html": NOT_FOUND,
}

MARKER = ".benchmarks-hugo-export"

# The minimal reference, shared by the whole project beside the repositories
# (benchmarks/ → repository → the folder holding it and shared/).
DEFAULT_REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "bench" / "hugo"

SECTIONS: Mapping[str, str] = {
    "_index.md": "Benchmark – Nachrichten mit Quellen",
    "briefs/_index.md": "Briefs",
    "sources/_index.md": "Quellen",
}


def front_matter(fields: Mapping[str, object]) -> str:
    """YAML front matter; JSON scalars and lists are valid YAML."""
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def link_citations(body: str, sources: Mapping[str, Source]) -> str:
    """Citation groups as Markdown links to the cited paragraphs' positional ids."""

    def links(group: str) -> str:
        parts = []
        for ref in REF.finditer(group):
            source = sources.get(ref.group(1))
            number = source.number_of(ref.group(2)) if source else None
            target = f"/sources/{ref.group(1)}/" + (f"#p{number}" if number else "")
            parts.append(f"[{ref.group(1)}, {ref.group(2)}]({target})")
        return "(" + "; ".join(parts) + ")"

    return GROUP.sub(lambda match: links(match.group(1)), body)


def brief_page(brief: Document, sources: Mapping[str, Source]) -> str:
    front = brief.front
    fields: dict[str, object] = {"title": str(front["title"]), "date": as_date(front["date"])}
    if front.get("summary"):
        fields["description"] = str(front["summary"])
    fields["tags"] = [str(tag) for tag in front.get("tags") or []]
    fields["authors"] = [str(author) for author in front.get("authors") or []]
    return front_matter(fields) + link_citations(brief.body, sources)


def source_page(source: Source, anchors: bool = True) -> str:
    """The source's paragraphs, each followed by its ``{#pN}`` block attribute (without
    ``anchors``: plain, for a config that does not enable Goldmark's block attributes, where
    ``{#p3}`` would be printed as text)."""
    front = source.document.front
    fields: dict[str, object] = {"title": str(front["title"])}
    if front.get("published"):
        fields["date"] = as_date(front["published"])
    for key in ("outlet", "url"):
        if front.get(key):
            # Hugo's own `url` front matter would move the page: keep it as a parameter.
            fields["original_" + key if key == "url" else key] = str(front[key])
    numbered = {p.start: p for p in source.paragraphs}
    lines, offset = [], source.document.body_start
    for line in source.document.body.splitlines(keepends=True):
        paragraph = numbered.get(offset)
        if paragraph is None:
            lines.append(line)
        else:
            attribute = f"{{#p{paragraph.number}}}\n" if anchors else ""
            lines.append(f"{paragraph.text}\n{attribute}")
        offset += len(line)
    return front_matter(fields) + "".join(lines)


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


class ExportError(Exception):
    """The output folder holds something this module did not write."""


class MissingReferenceError(ExportError):
    """The minimal reference site (``--hugo-reference``) is not there."""


def clear_export(out: Path) -> None:
    """Remove an earlier export in ``out``; refuse a non-empty folder without the marker."""
    if out.is_dir() and any(out.iterdir()):
        if not (out / MARKER).is_file():
            raise ExportError(f"{out} is not empty and holds no {MARKER}: not replaced")
        shutil.rmtree(out)


def export(site: Path, out: Path) -> int:
    """Write the Hugo site for the generated ``site`` into ``out`` (replaced); the number of
    content pages written."""
    clear_export(out)
    sources = read_sources(site)
    write(out, MARKER, "")
    write(out, "config.toml", CONFIG)
    for relative, template in LAYOUTS.items():
        write(out, "layouts/" + relative, template)
    for relative, title in SECTIONS.items():
        write(out, "content/" + relative, front_matter({"title": title}))
    return write_content(site, out, sources, anchors=True)


def write_content(site: Path, out: Path, sources: Mapping[str, Source], anchors: bool) -> int:
    """Every source and every published brief under ``out/content/``; the number of pages
    written."""
    for source in sources.values():
        write(out, f"content/sources/{source.id}.md", source_page(source, anchors))
    written = len(sources)
    for path in markdown_files(site / "briefs"):
        brief = read_document(path)
        if not brief.front.get("draft"):
            write(out, f"content/briefs/{path.stem}.md", brief_page(brief, sources))
            written += 1
    return written


# What a Hugo build leaves in a site folder: never part of the reference copied.
BUILD_LEFTOVERS = ("public", "resources", ".hugo_build.lock")


def export_minimal(site: Path, out: Path, reference: Path) -> int:
    """Write the generated ``site`` into a copy of the minimal ``reference`` site in ``out``
    (replaced); the number of content pages written.

    The content is the export's (same front matter, citations as links to
    ``/sources/<id>/#pN``) except the ``{#pN}`` block attributes: the reference's config does
    not enable them, and it is used unchanged. Raises ``MissingReferenceError`` when ``reference``
    has no Hugo config.
    """
    if not any((reference / name).is_file() for name in ("hugo.toml", "config.toml")):
        raise MissingReferenceError(
            f"the minimal Hugo reference is missing: no hugo.toml in {reference} "
            "(give its folder with --hugo-reference DIR)"
        )
    clear_export(out)
    leftovers = shutil.ignore_patterns(*BUILD_LEFTOVERS)
    shutil.copytree(reference, out, ignore=leftovers, dirs_exist_ok=True)
    write(out, MARKER, "")
    return write_content(site, out, read_sources(site), anchors=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.hugo_export",
        description="Write a plain Hugo site of a benchmark corpus (benchmarks.corpus).",
    )
    parser.add_argument("site", type=Path, help="the generated site (site.yaml, content/, …)")
    parser.add_argument("out", type=Path, help="folder for the Hugo site (replaced)")
    parser.add_argument(
        "--minimal",
        type=Path,
        nargs="?",
        const=DEFAULT_REFERENCE,
        metavar="REFERENCE",
        help=f"into a copy of the minimal reference site (default: {DEFAULT_REFERENCE})",
    )
    args = parser.parse_args(argv)
    if not (args.site / "content").is_dir():
        print(f"{args.site} has no content/ folder", file=sys.stderr)
        return 2
    try:
        if args.minimal is None:
            pages = export(args.site, args.out)
        else:
            pages = export_minimal(args.site, args.out, args.minimal)
    except ExportError as problem:
        print(problem, file=sys.stderr)
        return 2
    print(f"{args.out}: {pages} content pages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
