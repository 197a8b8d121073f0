"""Site configuration (``site.yaml``): a frozen value passed explicitly to every stage."""

from __future__ import annotations

import functools
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..diagnostics import Diagnostic, Span, error, warning
from ..messages import literal, msg
from ..names import shown
from .base_url import base_url_problem
from .discover import read_site_file
from .fields import LONG_TEXT, Field, Kind, ToSpan, Wording, read_fields
from .front_matter import MAX_FILE_BYTES, compose_yaml, decode, node_span

CONFIG_NAME = "site.yaml"

DEFAULT_LANGUAGE = "de"  # a site without 'language' is German
CONFIG_FIELDS = (
    Field("title", Kind.TEXT, "Name of the site.", '"Belegt – Nachrichten mit Quellen"'),
    Field(
        "description",
        Kind.TEXT,
        "One sentence about the site.",
        "Kurzmeldungen mit Belegen.",
        max_length=LONG_TEXT,
    ),
    Field(
        "base_url",
        # Text here: ``_base_url_problems`` checks it whole, with the reason, which for a
        # base_url is stricter than for a source's url (no query, fragment, user name).
        Kind.TEXT,
        "Public address of the site, e.g. https://example.org/news/.",
        "https://example.org/",
        max_length=LONG_TEXT,
    ),
    Field("language", Kind.LANGUAGE, "Language of the site (BCP 47).", "de"),
    Field(
        "require_citation_per_paragraph",
        Kind.BOOL,
        "Every paragraph of a brief must cite a source.",
        "true",
    ),
)


class ConfigError(Exception):
    """The site cannot be read at all (exit status 2); ``problems`` says why."""

    def __init__(self, problems: list[Diagnostic]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class SiteConfig:
    root: Path
    title: str
    description: str = ""
    base_url: str = "/"
    language: str = DEFAULT_LANGUAGE
    require_citation_per_paragraph: bool = True
    # Where base_url is written in site.yaml (None: it is not), for diagnostics about it.
    base_url_span: Span | None = None


def load_config(root: Path) -> SiteConfig:
    """Read ``root/site.yaml``; raise ``ConfigError`` when it is wrong or ``root`` is no site."""
    if not root.is_dir():
        raise ConfigError(
            [
                error(
                    Span(str(root)),
                    "no-site",
                    msg("'{root}' is not a folder", root=root),
                    hint=msg("pass the site folder with --site DIR"),
                )
            ]
        )
    data = read_site_file(root, CONFIG_NAME, MAX_FILE_BYTES)
    if isinstance(data, Diagnostic):  # a folder, a pipe, a link out of the site
        raise ConfigError([data])
    if data is None:
        if not (root / "content").is_dir() and not (root / "briefs").is_dir():
            raise ConfigError(
                [
                    error(
                        Span(str(root)),
                        "no-site",
                        msg(
                            "'{root}' is not a site: it has no site.yaml, content/ or briefs/",
                            root=root,
                        ),
                        hint=msg("run the command in the site folder or pass --site DIR"),
                    )
                ]
            )
        return SiteConfig(root=root, title=root.resolve().name)
    return _parse_config(root, data)


def site_language(root: Path) -> str:
    """The site's ``language``, read leniently to choose the language of messages: the
    default when there is no site.yaml or it cannot be read, and the value even when
    other fields are wrong (their errors are then said in the site's language too)."""
    data = read_site_file(root, CONFIG_NAME, MAX_FILE_BYTES) if root.is_dir() else None
    text = decode(data, CONFIG_NAME)[0] if isinstance(data, bytes) else None
    node = compose_yaml(text, CONFIG_NAME, first_line=1, what=CONFIG_NAME)[0] if text else None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "language" and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return DEFAULT_LANGUAGE


def _parse_config(root: Path, data: bytes) -> SiteConfig:
    text, problems = decode(data, CONFIG_NAME)
    if text is None:
        raise ConfigError(problems)
    node, yaml_problems = compose_yaml(text, CONFIG_NAME, first_line=1, what=CONFIG_NAME)
    problems += yaml_problems
    if yaml_problems:
        raise ConfigError(problems)

    to_span = functools.partial(node_span, path=CONFIG_NAME, first_line=1)
    values, field_problems = read_fields(
        node, CONFIG_FIELDS, _CONFIG_WORDING, to_span, Span(CONFIG_NAME)
    )
    problems += field_problems
    problems += _base_url_problems(node, values.get("base_url"), to_span)
    if problems:
        raise ConfigError(problems)
    return SiteConfig(
        root=root,
        title=str(values.get("title", root.resolve().name)),
        description=str(values.get("description", "")),
        base_url=_with_slash(str(values.get("base_url", "/"))),
        language=str(values.get("language", DEFAULT_LANGUAGE)),
        require_citation_per_paragraph=values.get("require_citation_per_paragraph", True) is True,
        base_url_span=_value_span(node, "base_url", to_span),
    )


def _value_span(node: yaml.Node | None, key: str, to_span: ToSpan) -> Span | None:
    """Where the value of ``key`` starts in the mapping ``node``, or None without it."""
    if not isinstance(node, yaml.MappingNode):
        return None
    values = (v for k, v in node.value if getattr(k, "value", None) == key)
    value = next(values, None)
    return None if value is None else to_span(value)


_CONFIG_WORDING = Wording(literal(CONFIG_NAME), msg("in site.yaml"), literal(CONFIG_NAME))


def relative_base_url_warning(config: SiteConfig, override: str | None) -> Diagnostic | None:
    """The warning for a build whose base_url (``override``, from ``--base-url``, or
    site.yaml's) is a path, not an absolute URL: the feed and the sitemap must give full
    addresses (RSS and the sitemap protocol require them), and a path cannot make them."""
    url = override or config.base_url
    if urllib.parse.urlsplit(url).scheme:
        return None
    if override is not None:
        given = msg("--base-url {url} is a path", url=shown(override))
    elif config.base_url_span is not None:
        given = msg("'base_url' is the path '{url}'", url=shown(config.base_url))
    else:
        given = msg("the site has no 'base_url' in site.yaml")
    return warning(
        config.base_url_span or Span(CONFIG_NAME),
        "relative-base-url",
        msg(
            "{given}, not an absolute URL: the feed and the sitemap cannot give full addresses",
            given=given,
        ),
        hint=msg(
            "set base_url in site.yaml to the site's public address, e.g. "
            "https://example.org/news/, or build with --base-url https://…"
        ),
    )


def _base_url_problems(node: yaml.Node | None, value: object, to_span: ToSpan) -> list[Diagnostic]:
    """Is ``base_url`` a plain absolute http(s) URL? (``read_fields`` saw it is text.)"""
    if not isinstance(value, str) or not isinstance(node, yaml.MappingNode):
        return []
    problem = base_url_problem(value, path_allowed=False)
    if problem is None:
        return []
    where = next(v for k, v in node.value if getattr(k, "value", None) == "base_url")
    return [
        error(
            to_span(where),
            "bad-url",
            msg(
                "'base_url' must be a plain http(s) URL, not '{url}': {problem}",
                url=shown(value),
                problem=problem,
            ),
            hint=msg("write the site's public address alone, e.g. https://example.org/news/"),
        )
    ]


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
