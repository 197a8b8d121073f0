"""Load one site page (``pages/impressum.md`` → ``/impressum/``): front matter and body.

A pure function of (path, bytes), like the other loaders: it can be cached by content hash.
The body is parsed and made HTML here (``markdown_html.page_body_html``), once.
A page lives at the top of the site, beside the site's own folders: a file name that would
take one of them (``pages/briefs.md``) is refused, never written over them.
"""

from __future__ import annotations

from pathlib import PurePosixPath

from markdown_it import MarkdownIt

from ..diagnostics import Diagnostic, Span, error
from ..messages import msg
from ..model import SitePage
from ..names import file_slug_problems
from .fields import PAGE_FIELDS, PAGE_WORDING, read_fields
from .front_matter import read_document
from .markdown_html import page_body_html
from .markdown_limits import limit_problems
from .slugs import slugify

# Top-level names of the built site that a page may not take: its own sections and what
# the build writes beside them (the search bundle, theme files).
RESERVED_SLUGS = frozenset({"briefs", "sources", "tags", "search", "static", "pagefind", "404"})


def load_page(path: str, data: bytes, md: MarkdownIt) -> tuple[SitePage | None, list[Diagnostic]]:
    """The page in ``data`` (read from ``path``, relative to the site) and its problems;
    ``md`` parses its body."""
    _, document, problems = read_document(
        data,
        path,
        msg("page has no front matter"),
        hint=msg("start the file with '---', a line 'title: Impressum', and '---'"),
        own_text=True,
    )
    if document is None or not document.has_front_matter:
        return None, problems
    values: dict[str, object] = {}
    if document.yaml_ok:
        values, field_problems = read_fields(
            document.front_matter, PAGE_FIELDS, PAGE_WORDING, document.span_of, Span(path)
        )
        problems += field_problems
    slug = slugify(PurePosixPath(path).stem)
    problems += file_slug_problems(path, slug, msg("URL slug"))
    slug_problem = _slug_problem(path, slug)
    if slug_problem is not None:
        return None, [*problems, slug_problem]
    description = values.get("description")
    env: dict[str, object] = {}
    html = page_body_html(md.parse(document.body, env))
    problems += limit_problems(env, path, document.body_line)
    page = SitePage(
        path=path,
        slug=slug,
        title=str(values.get("title", slug)),
        body=document.body,
        description=str(description) if description is not None else None,
        html=html,
    )
    return page, problems


def _slug_problem(path: str, slug: str) -> Diagnostic | None:
    if not slug:
        return error(
            Span(path),
            "bad-file-name",
            msg("the file name has no letters or digits to make a URL from"),
            hint=msg("rename the file, e.g. impressum.md"),
        )
    if slug in RESERVED_SLUGS:
        return error(
            Span(path),
            "page-url-taken",
            msg(
                "a page named '{slug}' would take the address /{slug}/, which the site uses itself",
                slug=slug,
            ),
            hint=msg(
                "rename the file (the site's own folders are {folders})",
                folders=", ".join(sorted(RESERVED_SLUGS)),
            ),
        )
    return None
