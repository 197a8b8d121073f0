"""URL slugs: lower-case ASCII with German transliteration (SPEC §4)."""

from __future__ import annotations

import re
import unicodedata

# German first: "Übergabe" must become "uebergabe", not "ubergabe" (what stripping accents gives).
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
_SLUG = re.compile(SLUG_PATTERN)


def slugify(text: str) -> str:
    """The slug of ``text``; may be empty when ``text`` has no letters or digits at all.

    Idempotent: ``slugify(slugify(x)) == slugify(x)``.
    """
    lowered = unicodedata.normalize("NFC", text).lower().translate(_GERMAN)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_SLUG.sub("-", ascii_only.lower()).strip("-")


def is_slug(text: str) -> bool:
    return bool(_SLUG.match(text))
