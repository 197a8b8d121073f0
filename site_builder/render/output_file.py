"""What render hands to output: a file of the site (``OutputFile``), and where
site-builder's default theme lives (output refuses to write into it).

Kept apart from ``render.render`` so the output stage, which a build that finds nothing
changed runs, does not import the renderer and Jinja2 with it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

DEFAULT_THEME = Path(__file__).parent / "theme"


@dataclass(frozen=True, slots=True)
class OutputFile:
    """A file of the site: its bytes, or ``origin``, a file of the previous output that
    holds them already (kept, or linked into the new output: not written again). ``key``
    says what the bytes were made from: the page key for a page, else their sha256."""

    path: str
    content: bytes | None = None
    origin: str | None = None  # a path (text: made for every kept page of a build)
    key: str | None = None

    def __post_init__(self) -> None:
        if self.key is None and self.content is not None:
            # Files that are not pages are known by their bytes.
            object.__setattr__(self, "key", "sha256:" + hashlib.sha256(self.content).hexdigest())

    @property
    def data(self) -> bytes:
        if self.content is not None:
            return self.content
        assert self.origin is not None, "an output file has content or an origin"
        return Path(self.origin).read_bytes()
