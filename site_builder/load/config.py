"""Site configuration (``site.yaml``): a frozen value passed explicitly to every stage.

Every command imports this module, and a build that finds nothing changed needs only
``SiteConfig`` and ``ConfigError`` from it: the YAML parser and the field readers (about
25 ms to import) are imported by the functions that read ``site.yaml``
(``# noqa: PLC0415``).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, Span, error, warning
from ..messages import literal, msg
from ..names import shown
from .base_url import base_url_problem
from .discover import read_site_file
from .limits import MAX_FILE_BYTES

if TYPE_CHECKING:
    import yaml

    from ..cache import BuildCache
    from .fields import Field, ToSpan

CONFIG_NAME = "site.yaml"

DEFAULT_LANGUAGE = "de"  # a site without 'language' is German


def config_fields() -> tuple[Field, ...]:
    """The fields of ``site.yaml``."""
    from .fields import LONG_TEXT, Field, Kind  # noqa: PLC0415 (see the module docstring)

    return (
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


def site_language(root: Path, cache: BuildCache | None = None) -> str:
    """The site's ``language``, read leniently to choose the language of messages: the
    default when there is no site.yaml or it cannot be read, and the value even when
    other fields are wrong (their errors are then said in the site's language too).

    ``cache``: the answer is remembered there for the bytes of ``site.yaml`` (and this
    site-builder), so that a command that needs nothing else of YAML (``build`` with
    nothing changed) does not import the parser to find it. The bytes are read every
    time: an answer is never taken for a file it was not found in."""
    data = read_site_file(root, CONFIG_NAME, MAX_FILE_BYTES) if root.is_dir() else None
    if not isinstance(data, bytes):
        return DEFAULT_LANGUAGE
    if cache is None:
        return _language_in(data)
    key = _language_key(data)
    remembered = cache.read(_LANGUAGE_TABLE)
    if isinstance(remembered, tuple) and len(remembered) == 2 and remembered[0] == key:
        return str(remembered[1])
    found = _language_in(data)
    if cache.folder.is_dir():  # (never the reason a cache folder is made: see ``output_language``)
        cache.write(_LANGUAGE_TABLE, (key, found))
    return found


_LANGUAGE_TABLE = "site-language"


def _language_key(data: bytes) -> str:
    from ..cache import builder_fingerprint  # noqa: PLC0415 (imported by every user of a cache)

    return hashlib.sha256(builder_fingerprint().encode() + b"\0" + data).hexdigest()


def _language_in(data: bytes) -> str:
    """``site_language`` of a ``site.yaml`` holding ``data``."""
    import yaml  # noqa: PLC0415 (see the module docstring)

    from .front_matter import compose_yaml, decode  # noqa: PLC0415

    text = decode(data, CONFIG_NAME)[0]
    node = compose_yaml(text, CONFIG_NAME, first_line=1, what=CONFIG_NAME)[0] if text else None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "language" and isinstance(value, yaml.ScalarNode):
                return str(value.value)
    return DEFAULT_LANGUAGE


def _parse_config(root: Path, data: bytes) -> SiteConfig:
    from .fields import Wording, read_fields  # noqa: PLC0415 (see the module docstring)
    from .front_matter import compose_yaml, decode, node_span  # noqa: PLC0415

    text, problems = decode(data, CONFIG_NAME)
    if text is None:
        raise ConfigError(problems)
    node, yaml_problems = compose_yaml(text, CONFIG_NAME, first_line=1, what=CONFIG_NAME)
    problems += yaml_problems
    if yaml_problems:
        raise ConfigError(problems)

    to_span = functools.partial(node_span, path=CONFIG_NAME, first_line=1)
    wording = Wording(literal(CONFIG_NAME), msg("in site.yaml"), literal(CONFIG_NAME))
    values, field_problems = read_fields(node, config_fields(), wording, to_span, Span(CONFIG_NAME))
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
    import yaml  # noqa: PLC0415 (see the module docstring)

    if not isinstance(node, yaml.MappingNode):
        return None
    values = (v for k, v in node.value if getattr(k, "value", None) == key)
    value = next(values, None)
    return None if value is None else to_span(value)


def relative_base_url_warning(config: SiteConfig, override: str | None) -> Diagnostic | None:
    """The warning for a build whose base_url (``override``, from ``--base-url``, or
    site.yaml's) is a path, not an absolute URL: the feed and the sitemap must give full
    addresses (RSS and the sitemap protocol require them), and a path cannot make them."""
    import urllib.parse  # noqa: PLC0415 (see the module docstring)

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
    import yaml  # noqa: PLC0415 (see the module docstring)

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
