"""Site configuration (``site.yaml``): a frozen value passed explicitly to every stage."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import Diagnostic, Span, error
from .fields import LONG_TEXT, Field, Kind, read_fields
from .front_matter import compose_yaml, decode, node_span

CONFIG_NAME = "site.yaml"

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
        Kind.URL,
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
    language: str = "de"
    require_citation_per_paragraph: bool = True


def load_config(root: Path) -> SiteConfig:
    """Read ``root/site.yaml``; raise ``ConfigError`` when it is wrong or ``root`` is no site."""
    if not root.is_dir():
        raise ConfigError(
            [
                error(
                    Span(str(root)),
                    "no-site",
                    f"'{root}' is not a folder",
                    hint="pass the site folder with --site DIR",
                )
            ]
        )
    path = root / CONFIG_NAME
    if not path.is_file():
        if not (root / "content").is_dir() and not (root / "briefs").is_dir():
            raise ConfigError(
                [
                    error(
                        Span(str(root)),
                        "no-site",
                        f"'{root}' is not a site: it has no site.yaml, content/ or briefs/",
                        hint="run the command in the site folder or pass --site DIR",
                    )
                ]
            )
        return SiteConfig(root=root, title=root.resolve().name)
    return _parse_config(root, path.read_bytes())


def _parse_config(root: Path, data: bytes) -> SiteConfig:
    text, problems = decode(data, CONFIG_NAME)
    if text is None:
        raise ConfigError(problems)
    node, yaml_problems = compose_yaml(text, CONFIG_NAME, first_line=1)
    problems += yaml_problems
    if yaml_problems:
        raise ConfigError(problems)

    to_span = functools.partial(node_span, path=CONFIG_NAME, first_line=1)
    values, field_problems = read_fields(
        node, CONFIG_FIELDS, "site.yaml", to_span, Span(CONFIG_NAME), place="site.yaml"
    )
    problems += field_problems
    if problems:
        raise ConfigError(problems)
    return SiteConfig(
        root=root,
        title=str(values.get("title", root.resolve().name)),
        description=str(values.get("description", "")),
        base_url=_with_slash(str(values.get("base_url", "/"))),
        language=str(values.get("language", "de")),
        require_citation_per_paragraph=values.get("require_citation_per_paragraph", True) is True,
    )


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
