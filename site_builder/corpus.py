"""The loaded site as a whole (``Corpus``), apart from ``model``'s documents.

A module of its own: a build that finds nothing changed returns an empty ``Corpus``, and
importing ``model`` for it (the document dataclasses, made at import) cost that build
more than everything it does after the walk but the walk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .model import Brief, SitePage, Source


@dataclass(frozen=True, slots=True)
class Corpus:
    """Everything that loaded, in path order.

    ``sources_by_id`` keeps the first source (in path order) of a duplicated id.
    """

    sources: tuple[Source, ...]
    briefs: tuple[Brief, ...]
    sources_by_id: Mapping[str, Source] = field(default_factory=dict)
    pages: tuple[SitePage, ...] = ()
