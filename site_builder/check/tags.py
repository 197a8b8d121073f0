"""Tag slugs and the names the site shows for them.

``check`` needs them after every edit and ``render.site_index`` names its tag pages with
them: kept apart from the site index, whose import (its dataclasses made at import) cost
a ``check`` after one edit more than calling them.
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Protocol

from ..load.slugs import slugify


@functools.lru_cache(maxsize=8192)  # pure, and called for every tag of every brief
def tag_slug(name: str) -> str:
    """The URL slug of a tag. A tag without Latin letters or digits ("Путин") would have an
    empty slug; it gets ``tag-`` and a hash of its lower-case form, so it has a page too."""
    slug = slugify(name)
    if slug:
        return slug
    # Case-folded between NFD and NFC (Unicode's canonical caseless match): "ΰ".upper() is
    # a decomposed "Ϋ́", and folding composed text would not bring the two together.
    folded = unicodedata.normalize("NFD", name).casefold()
    key = unicodedata.normalize("NFC", folded).encode("utf-8")
    return "tag-" + hashlib.sha256(key).hexdigest()[:8]


class Tagged(Protocol):
    """A brief, or anything else that knows a brief's tags (``summaries.BriefSummary``)."""

    @property
    def tags(self) -> tuple[str, ...]: ...


def tag_names(briefs: Iterable[Tagged]) -> dict[str, str]:
    """The name the site shows for each tag slug: spellings that share a slug ("Ukraine",
    "ukraine") share a page, named by the spelling most briefs use (ties: the first in
    sort order). ``check`` names it when a brief spells a tag another way."""
    spellings: dict[str, Counter[str]] = {}
    for brief in briefs:
        for name in dict.fromkeys(brief.tags):
            spellings.setdefault(tag_slug(name), Counter())[name] += 1
    return {
        slug: min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
        for slug, counts in spellings.items()
    }
