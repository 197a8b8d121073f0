"""The render stage: pages through the Jinja2 theme into output files (path → bytes).

Pure apart from reading the theme: the same corpus, configuration and theme always give
the same bytes. Writing them is ``write``'s job. A page whose key (``page_keys``) is the one
its file in the previous output was written with is not rendered again: ``previous`` hands
back that file, and the output keeps it.
"""

from __future__ import annotations

import datetime
import hashlib
import itertools
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from ..cache import builder_fingerprint
from ..dates import PartialDate
from ..forked import stream_forked
from ..load.config import SiteConfig
from ..load.invisible import close_bidi
from ..memo import NO_MEMO, Memo
from ..model import Brief, Source
from .output_file import DEFAULT_THEME, OutputFile
from .page_keys import Identities, page_key
from .pages import (
    Group,
    Page,
    PageList,
    PagePatch,
    all_pages,
    footer_links,
    group_order,
    latest_date,
    page_list,
    patched_list,
    rendered_context,
)
from .render_markdown import LazyPreviews, PreviewTexts, nest_quotes
from .site_index import IndexChange, SiteIndex
from .urls import Urls, output_path

STATIC = "static"
# Below this many pages to render, forking a second process costs more than it saves.
PARALLEL_FROM = 200
# How much the renderers lower their priority while Pagefind indexes beside them: enough
# that the indexing, which ends a build with search, runs as if alone (a cold build with
# search at 20,000 pages on two cores: 44.0 → 40.0 s; 19 gave 39.6 s).
RENDER_NICE = 10


# path, key → a file of the previous output written for that key and unchanged since
PreviousPages = Callable[[str, str], str | None]


def no_previous_pages(path: str, key: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class RenderOptions:
    """``clock`` stands in for "now" where a date must come from the clock (an empty
    feed); the CLI sets it from ``SOURCE_DATE_EPOCH`` when given."""

    base_url: str
    clock: datetime.datetime = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)


def theme_folders(site_root: Path) -> list[Path]:
    """The site's own ``templates/`` first (it overrides file by file), then the default."""
    own = site_root / "templates"
    folders = [own] if own.is_dir() and own.resolve() != DEFAULT_THEME.resolve() else []
    return [*folders, DEFAULT_THEME]


def render_site(
    index: SiteIndex,
    config: SiteConfig,
    options: RenderOptions,
    identities: Identities | None = None,
    previous: PreviousPages = no_previous_pages,
) -> list[OutputFile]:
    """Every file of the site but the search bundle, sorted by path (``render_stream``,
    all held at once: for tests and small sites)."""
    files = render_stream(index, config, options, identities, previous)
    return sorted(files, key=lambda f: f.path)


def render_stream(
    index: SiteIndex,
    config: SiteConfig,
    options: RenderOptions,
    identities: Identities | None = None,
    previous: PreviousPages = no_previous_pages,
    *,
    memo: Memo = NO_MEMO,
    beside_indexing: bool = False,
) -> Iterator[OutputFile]:
    """Every file of the site but the search bundle, in no fixed order, each made when it
    is asked for, so a large site is never held in memory at once. ``identities`` make page
    keys cheap (``page_keys.document_identities``); ``previous`` offers the files of the
    previous output: a page whose key it knows is not rendered again. ``memo`` keeps page
    recipes and keys between the builds of one process (``serve``). ``beside_indexing``:
    Pagefind indexes meanwhile, in a process of its own, and ends later than the pages
    (one core, 20–25 s at 20,000 pages): the renderers give it the cores first
    (``RENDER_NICE``), taking what it leaves."""
    theme = _theme(index, config, options, memo)
    pages = all_pages(index, config, memo)
    nice = RENDER_NICE if beside_indexing else 0
    if previous is no_previous_pages and memo is NO_MEMO:
        # Nothing to keep (a cold build): every page is rendered, so its key is made
        # where it is rendered, in the forked children, not first for every page on one
        # core (1 s at 20,000 pages).
        yield from _rendered_with_keys(theme, pages, identities or {}, nice)
    else:
        # The same page object and site key give the same key: identities name the same
        # documents the same way in every build. (One lookup per page: ``Memo.each``.)
        rows = [(page,) for page in pages]
        keys = memo.each(page_key, rows, theme.site_key, identities=identities or {})
        yield from _page_files(theme, zip(pages, keys, strict=True), previous, nice)
    yield from _feeds(theme, index, pages, memo=memo)
    yield from _assets(theme)


@dataclass(frozen=True, slots=True)
class KeptRender:
    """What ``serve``'s last build rendered, kept for the next (``render_patch``): its page
    list, the site key it was rendered with, its sitemap with the entries it lists, and how
    many builds in a row patched the page list (``PATCHES_IN_A_ROW``)."""

    pages: PageList
    site_key: str
    sitemap: Sitemap
    patches: int = 0


SitemapEntry = tuple[str, str | None]  # page, last modified


@dataclass(frozen=True, slots=True)
class Sitemap:
    """``sitemap.xml`` (``file``), the entries of each group's pages (``groups``) and all
    entries in the site's order (``entries``), kept so that a patched build makes again
    only the entries of the groups it touched, and the file only when they changed."""

    groups: dict[Group, list[SitemapEntry]]
    entries: list[SitemapEntry]
    file: OutputFile


# Patched builds in a row before the page list is made whole once: a patched build keeps
# every memo entry (``Memo.carry_over``), also those of replaced documents; a whole build
# lets them go.
PATCHES_IN_A_ROW = 100


@dataclass(frozen=True, slots=True)
class Patch:
    """``render_patch``'s result. ``files``: every file of the site but the search bundle
    (``removed`` is None), or the files that changed since the build ``kept`` describes, and
    ``removed`` the paths of that build's pages that are gone. ``kept``: what the next build
    patches, once these files are written."""

    files: Iterator[OutputFile]
    removed: frozenset[str] | None
    kept: KeptRender


def render_patch(
    index: SiteIndex,
    config: SiteConfig,
    options: RenderOptions,
    identities: Identities,
    previous: PreviousPages,
    *,
    memo: Memo,
    kept: KeptRender | None,
    change: IndexChange | None = None,
) -> Patch:
    """``render_stream`` for ``serve``: with ``kept`` (the last build's pages, whose files
    are in the output) only the pages of the groups the edit touched are made, keyed and
    compared (``pages.patched_list``); the other pages are not visited. Without it, or
    when the edit is not one of briefs alone, every page, as ``render_stream`` does."""
    theme = _theme(index, config, options, memo)
    patched = None
    if kept is not None and kept.site_key == theme.site_key and kept.patches < PATCHES_IN_A_ROW:
        patched = patched_list(kept.pages, index, config, memo, change)
    if kept is None or patched is None:
        made = page_list(index, config, memo)
        pages = made.pages
        rows = [(page,) for page in pages]
        keys = memo.each(page_key, rows, theme.site_key, identities=identities)
        keyed: Iterable[tuple[Page, str | None]] = zip(pages, keys, strict=True)
        removed = None
        patches = 0
        same_theme = kept is not None and kept.site_key == theme.site_key
        sitemap = _whole_sitemap(theme, made, kept.sitemap if kept and same_theme else None)
    else:
        assert kept is not None
        made = patched.pages
        changed, removed = _changed_pages(kept.pages.groups, made.groups, patched.touched)
        keyed = ((page, page_key(page, theme.site_key, identities)) for page in changed)
        patches = kept.patches + 1
        memo.carry_over()  # what no page asked for this time is still the site's
        sitemap = _patched_sitemap(theme, made, kept.sitemap, patched)
    files = itertools.chain(
        _page_files(theme, keyed, previous),
        _feed(theme, index, made.latest, memo),
        (sitemap.file, _robots(theme)),
        _assets(theme),
    )
    return Patch(files, removed, KeptRender(made, theme.site_key, sitemap, patches))


def _group_entries(pages: Iterable[Page]) -> list[SitemapEntry]:
    return [_sitemap_entry(page) for page in pages if page.in_sitemap]


def _whole_sitemap(theme: _Theme, made: PageList, kept: Sitemap | None) -> Sitemap:
    """The sitemap of every page; the kept file while its entries are the same (the site
    key is, or the caller would not offer it)."""
    groups = {group: _group_entries(pages) for group, pages in made.groups.items()}
    entries = [entry for group in group_order(made.index) for entry in groups[group]]
    if kept is not None and kept.entries == entries:
        return Sitemap(groups, entries, kept.file)
    return Sitemap(groups, entries, _sitemap(theme.env, entries))


def _patched_sitemap(theme: _Theme, made: PageList, kept: Sitemap, patch: PagePatch) -> Sitemap:
    """The sitemap after a patch: the entries of the touched groups made again; the kept
    entries and file while those are the same and every group stands where it stood."""
    groups = dict(kept.groups)
    same = patch.same_order
    for group in patch.touched:
        entries = _group_entries(made.groups.get(group, ()))
        same = same and entries == groups.get(group, [])
        if group in made.groups:
            groups[group] = entries
        else:
            groups.pop(group, None)
    if same:
        return Sitemap(groups, kept.entries, kept.file)
    every = [entry for group in group_order(made.index) for entry in groups[group]]
    if every == kept.entries:
        return Sitemap(groups, kept.entries, kept.file)
    return Sitemap(groups, every, _sitemap(theme.env, every))


def _changed_pages(
    old: Mapping[Group, list[Page]], new: Mapping[Group, list[Page]], touched: Iterable[Group]
) -> tuple[list[Page], frozenset[str]]:
    """The pages of the ``touched`` groups that are not the same object as the page at
    their address before, and the output paths of the pages that are gone."""
    changed: list[Page] = []
    gone: set[str] = set()
    for group in touched:
        before = {page.page: page for page in old.get(group, ())}
        for page in new.get(group, ()):
            if before.pop(page.page, None) is not page:
                changed.append(page)
        gone.update(before)
    # A page may move to another group (a renamed slug taken by another brief): it is
    # gone from one and made in the other.
    gone.difference_update(page.page for page in changed)
    return changed, frozenset(output_path(page) for page in gone)


@dataclass(frozen=True, slots=True)
class _Theme:
    """What every page of one build is rendered with."""

    config: SiteConfig
    options: RenderOptions
    urls: Urls
    env: jinja2.Environment
    site_key: str
    assets: dict[str, bytes]
    previews: PreviewTexts
    lines: SourceLines


def _theme(index: SiteIndex, config: SiteConfig, options: RenderOptions, memo: Memo) -> _Theme:
    urls = Urls(options.base_url)
    folders = theme_folders(config.root)
    assets = static_files(folders)
    footer = footer_links(index)
    site_key = _site_key(folders, config, options, footer)
    # A new environment compiles each template again: ``serve`` keeps it while the site
    # key (every theme file, site.yaml, the options, the footer) is the same.
    env = memo.call(
        _environment, site_key, folders=folders, urls=urls, assets=assets, footer=footer
    )
    previews = LazyPreviews(index.sources)
    return _Theme(config, options, urls, env, site_key, assets, previews, SourceLines(env))


def _page_files(
    theme: _Theme,
    keyed: Iterable[tuple[Page, str | None]],
    previous: PreviousPages,
    nice: int = 0,
) -> Iterator[OutputFile]:
    """The file of each page: the previous output's where it was made for the same key,
    the others rendered (in parallel when there are many)."""
    to_render: list[tuple[Page, str | None]] = []
    for page, key in keyed:
        path = output_path(page.page)
        origin = previous(path, key) if key is not None else None
        if origin is not None:
            yield OutputFile(path, origin=origin, key=key)
        else:
            to_render.append((page, key))
    made = (theme.previews, theme.lines)

    def render(job: tuple[Page, str | None]) -> OutputFile:
        return _render_page(theme.env, job[0], theme.config, theme.urls, made, key=job[1])

    yield from stream_forked(render, to_render, minimum=PARALLEL_FROM, nice=nice)


def _rendered_with_keys(
    theme: _Theme, pages: Sequence[Page], identities: Identities, nice: int = 0
) -> Iterator[OutputFile]:
    """Every page rendered, each with its key (``page_key``), in parallel when many."""
    made = (theme.previews, theme.lines)

    def render(page: Page) -> OutputFile:
        key = page_key(page, theme.site_key, identities)
        return _render_page(theme.env, page, theme.config, theme.urls, made, key=key)

    yield from stream_forked(render, pages, minimum=PARALLEL_FROM, nice=nice)


def _assets(theme: _Theme) -> Iterator[OutputFile]:
    yield from (OutputFile(f"{STATIC}/{name}", data) for name, data in sorted(theme.assets.items()))


def _environment(
    site_key: str,
    *,
    folders: list[Path],
    urls: Urls,
    assets: dict[str, bytes],
    footer: tuple[tuple[str, str], ...],
) -> jinja2.Environment:
    """``create_environment`` for the theme, options and footer ``site_key`` digests."""
    return create_environment(folders, urls, assets, footer)


def create_environment(
    folders: list[Path],
    urls: Urls,
    assets: dict[str, bytes],
    footer: tuple[tuple[str, str], ...] = (),
) -> jinja2.Environment:
    """The theme's Jinja2 environment; ``footer`` is (title, page) of the site's own pages,
    which every page links to."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in folders]),
        autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_close_text,
        # Not asking the file system whether each template changed, on every page: an
        # environment lives for one theme (``_site_key`` digests every theme file).
        auto_reload=False,
    )
    env.globals.update(
        link=urls.link,
        absolute=urls.absolute,
        asset=_asset_link(urls, assets),
        footer_pages=footer,
    )
    env.filters.update(
        german_date=_german_date, iso_date=_iso_date, atom_date=_atom_date, nest_quotes=nest_quotes
    )
    # ``tojson`` (a brief's JSON-LD) without the spaces after "," and ":": read by machines,
    # written into every brief page.
    env.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}
    return env


def _close_text(value: Any) -> Any:
    """Every text a template writes ends with its bidi controls closed (``close_bidi``), so
    a title with a right-to-left override cannot reorder the page after it. HTML made by
    the site (a rendered Markdown body, ``tojson``) is left alone: its texts are closed
    already, and JSON escapes every non-ASCII character."""
    if type(value) is str or (isinstance(value, str) and not hasattr(value, "__html__")):
        return close_bidi(value)  # (a plain ``str`` first: most of a page's values are)
    return value


def _asset_link(urls: Urls, assets: dict[str, bytes]) -> Any:
    # The content hash in the query makes browsers fetch a changed file, deterministically.
    # Made once per build: every page links the same few files (hashing them per page was
    # four sha256 of the stylesheet and scripts for each of 20,000 pages).
    links = {
        name: urls.link(f"{STATIC}/{name}?v={hashlib.sha256(data).hexdigest()[:10]}")
        for name, data in assets.items()
    }

    def asset(name: str) -> str:
        return links[name]

    return asset


def static_files(folders: list[Path]) -> dict[str, bytes]:
    """``static/`` of every theme folder; the first folder's file wins."""
    files: dict[str, bytes] = {}
    for folder in reversed(folders):
        base = folder / STATIC
        for path in sorted(base.rglob("*")) if base.is_dir() else ():
            if path.is_file() and not path.name.startswith("."):
                files[path.relative_to(base).as_posix()] = path.read_bytes()
    return files


def _site_key(
    folders: list[Path],
    config: SiteConfig,
    options: RenderOptions,
    footer: tuple[tuple[str, str], ...],
) -> str:
    """What every page depends on besides its own data: site-builder, every file of the
    theme (templates and static files), site.yaml, the render options and the footer's
    links (a renamed Impressum changes every page)."""
    digest = hashlib.sha256(builder_fingerprint().encode())
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
                digest.update(hashlib.sha256(path.read_bytes()).digest())
        digest.update(b"\1")
    # Not ``options.clock``: only the feed reads it, and the feed is always rendered.
    digest.update(pickle.dumps((config, options.base_url, footer), pickle.HIGHEST_PROTOCOL))
    return digest.hexdigest()


class SourceLines:
    """A source's line in the source list of a brief (``partials/source_meta.html``), made
    when a page first asks for it and then shared by every brief citing the source: a
    source cited by a thousand briefs is rendered once, not a thousand times. Made per
    build (forked renderers each make what their pages need); rendered by the theme's own
    environment, so escaping and bidi closing are what the brief's template would do."""

    def __init__(self, env: jinja2.Environment) -> None:
        self._env = env
        # id → (source, its line): the source is held, so its id is not reused meanwhile.
        self._made: dict[int, tuple[Source, Markup]] = {}

    def __call__(self, source: Source) -> Markup:
        made = self._made.get(id(source))
        if made is None or made[0] is not source:
            template = self._env.get_template("partials/source_meta.html")
            line = Markup(template.render(source=source))  # escaped as it was rendered
            made = self._made[id(source)] = (source, line)
        return made[1]


def _render_page(
    env: jinja2.Environment,
    page: Page,
    config: SiteConfig,
    urls: Urls,
    made: tuple[PreviewTexts, SourceLines],
    *,
    key: str | None = None,
) -> OutputFile:
    previews, lines = made
    template = env.get_template(page.template)
    context = dict(page.context)
    if page.body is not None:
        context.update(rendered_context(page.body, previews, config, urls))
    html = template.render(
        site=config, page=page, canonical=urls.absolute(page.page), source_meta=lines, **context
    )
    return OutputFile(output_path(page.page), html.encode("utf-8"), key=key)


def _feeds(
    theme: _Theme, index: SiteIndex, pages: list[Page], *, memo: Memo
) -> Iterator[OutputFile]:
    yield from _feed(theme, index, latest_date(index), memo)
    shown = [(page,) for page in pages if page.in_sitemap]
    entries = memo.each(_sitemap_entry, shown)
    # A large site's sitemap takes a second to render: between the builds of one process
    # (``serve``) it is made again only when its entries or the theme changed.
    key = hashlib.sha256(repr((theme.site_key, entries)).encode("utf-8")).hexdigest()
    yield memo.call(_kept_sitemap, key, env=theme.env, entries=entries)
    yield _robots(theme)


def _feed(
    theme: _Theme, index: SiteIndex, latest: PartialDate | None, memo: Memo
) -> Iterator[OutputFile]:
    """``feed.xml``: the 50 newest briefs; ``latest`` is ``latest_date(index)``."""
    clock = theme.options.clock
    updated = _atom_date(latest) if latest else clock.strftime("%Y-%m-%dT%H:%M:%SZ")
    briefs = index.briefs[:50]
    yield memo.call(_feed_file, theme.site_key, updated, *briefs, theme=theme)


def _feed_file(site_key: str, updated: str, *briefs: Brief, theme: _Theme) -> OutputFile:
    """The feed of ``briefs``; ``site_key`` digests the configuration and theme."""
    template = theme.env.get_template("feed.xml")
    feed = template.render(site=theme.config, briefs=briefs, updated=updated)
    return OutputFile("feed.xml", feed.encode("utf-8"))


def _robots(theme: _Theme) -> OutputFile:
    robots = theme.env.get_template("robots.txt").render(site=theme.config)
    return OutputFile("robots.txt", robots.encode("utf-8"))


def _kept_sitemap(
    key: str, *, env: jinja2.Environment, entries: list[tuple[str, str | None]]
) -> OutputFile:
    """``sitemap.xml`` of ``entries`` (page, last modified); ``key`` is their digest."""
    return _sitemap(env, entries)


def _sitemap(env: jinja2.Environment, entries: list[tuple[str, str | None]]) -> OutputFile:
    sitemap = env.get_template("sitemap.xml").render(pages=entries)
    return OutputFile("sitemap.xml", sitemap.encode("utf-8"))


def _sitemap_entry(page: Page) -> tuple[str, str | None]:
    return page.page, _last_modified(page)


def _last_modified(page: Page) -> str | None:
    brief = page.context.get("brief")
    if brief is None or brief.date is None:
        return None
    return str((brief.updated or brief.date).isoformat()[:10])


def _german_date(value: PartialDate) -> str:
    return value.german()


def _iso_date(value: PartialDate) -> str:
    return value.isoformat()


def _atom_date(value: PartialDate) -> str:
    """RFC 3339 as Atom wants it; a day without time is that day's midnight UTC."""
    if value.moment is not None:
        moment = value.moment
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.UTC)
        return moment.isoformat()
    return f"{value.year:04d}-{value.month or 1:02d}-{value.day or 1:02d}T00:00:00Z"
